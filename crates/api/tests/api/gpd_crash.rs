//! GPD across a real crash: the `sportello` process is killed with SIGKILL while pagoPA has
//! already stored a debt position but not yet answered, so the job is still open in our
//! database. After the restart the job runs again, meets 409 (the stable iupd), counts it
//! as done, and pagoPA holds exactly one position per act.

use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};

use crate::crash::{Server, free_port, login};
use crate::pagopa::{IBAN, fake_pagopa, unique_creditor};

async fn get(client: &reqwest::Client, url: &str) -> Value {
    client.get(url).send().await.unwrap().json().await.unwrap()
}

/// Creates of this creditor's positions that the local pagoPA refused as duplicates.
async fn conflicts(client: &reqwest::Client, fake: &str, org: &str) -> usize {
    let path = format!("/gpd/organizations/{org}/debtpositions");
    let calls = get(client, &format!("{fake}/_test/calls")).await;
    calls
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["method"] == "POST" && c["path"] == path && c["status"] == 409)
        .count()
}

async fn open_jobs(url: String) -> (i64, i64) {
    tokio::task::spawn_blocking(move || {
        let db = api::db::Db::connect(&url, 1, false).unwrap();
        db.read(|c| {
            use api::db::schema::{gpd_jobs, gpd_positions};
            use diesel::prelude::*;
            let jobs: i64 = gpd_jobs::table.count().get_result(c)?;
            let positions: i64 = gpd_positions::table.count().get_result(c)?;
            Ok::<_, diesel::result::Error>((jobs, positions))
        })
        .unwrap()
    })
    .await
    .unwrap()
}

async fn killed_between_call_and_commit(database_url: String) {
    let Some((fake, key)) = fake_pagopa() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut server = Server {
        child: None,
        port,
        env: vec![
            ("DATABASE_URL".into(), database_url.clone()),
            (
                "SPORTELLO_FILES_DIR".into(),
                dir.path().join("files").display().to_string(),
            ),
            (
                "SPORTELLO_WEB_DIR".into(),
                dir.path().join("web").display().to_string(),
            ),
            ("SPORTELLO_LOG".into(), "error".into()),
            (
                "SPORTELLO_ALLOW_LOOPBACK_INTEGRATIONS".into(),
                "true".into(),
            ),
            ("SPORTELLO_PAGOPA_POLL_SECONDS".into(), "1".into()),
            // The dead process's claim lapses after 3 s instead of two minutes.
            ("SPORTELLO_PAGOPA_LEASE_SECONDS".into(), "3".into()),
            (
                "SPORTELLO_SECRET_KEY".into(),
                api::secret_key::SecretKey::generate().to_text(),
            ),
        ],
    };
    assert!(
        server
            .command(&["seed-demo"])
            .stdout(Stdio::null())
            .status()
            .unwrap()
            .success()
    );
    server.start();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    server.wait_ready(&client).await;
    let base = format!("http://127.0.0.1:{port}");
    let admin = login(&client, &base, "admin@comune.esempio.it").await;

    // Creates of this creditor are stored at once and answered only after 20 s.
    let org = unique_creditor();
    let res = client
        .post(format!("{fake}/_test/hold"))
        .json(&json!({"org": org, "seconds": 20}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    // Setting pagoPA up issues the demo acts' notices and their positions' jobs.
    let res = client
        .put(format!("{base}/api/v1/settings"))
        .bearer_auth(&admin)
        .json(
            &json!({"pagopa": {"creditor_fiscal_code": org, "segregation_code": "01",
            "iban": IBAN, "gpd_url": format!("{fake}/gpd"), "gpd_subscription_key": key}}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let positions = format!("{fake}/_test/positions?org={org}");
    let mut stored = 0;
    for _ in 0..200 {
        stored = get(&client, &positions).await.as_array().unwrap().len();
        if stored > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(stored > 0, "the worker never called GPD");
    // pagoPA has the position; our commit has not happened.
    server.kill();
    let (jobs, ours) = open_jobs(database_url.clone()).await;
    assert!(jobs > 0, "the job must still be open after the crash");
    assert_eq!(ours, 0, "no position recorded as created before the answer");

    client
        .post(format!("{fake}/_test/hold"))
        .json(&json!({"org": org, "seconds": 0}))
        .send()
        .await
        .unwrap();
    server.start();
    server.wait_ready(&client).await;
    // Every job ends: done, nothing left to retry.
    let mut settled = (jobs, ours);
    for _ in 0..300 {
        settled = open_jobs(database_url.clone()).await;
        if settled.0 == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    server.kill();
    assert_eq!(settled.0, 0, "GPD jobs left open: {settled:?}");
    let remote = get(&client, &positions).await;
    let remote = remote.as_array().unwrap();
    let conflicts = conflicts(&client, &fake, &org).await;
    assert!(
        conflicts >= 1,
        "the retry met the position created before the crash"
    );
    assert_eq!(
        usize::try_from(settled.1).unwrap(),
        remote.len(),
        "one of our positions for each of pagoPA's"
    );
    assert!(
        remote
            .iter()
            .all(|p| p["iupd"].as_str().unwrap().starts_with("SPT-"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gpd_sigkill_between_call_and_commit_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    killed_between_call_and_commit(format!("sqlite://{}", dir.path().join("gpd.db").display()))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gpd_sigkill_between_call_and_commit_postgres() {
    let Some(db) = crate::helpers::PgDatabase::create() else {
        return;
    };
    killed_between_call_and_commit(db.url.clone()).await;
}
