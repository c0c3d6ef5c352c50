//! `sportello backup` under load and `sportello restore` to an identical register.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::helpers::*;

async fn protocols(app: &TestApp, token: &str) -> BTreeSet<u32> {
    let mut out = BTreeSet::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = "/requests?limit=200".to_owned();
        if let Some(c) = &cursor {
            let _ = write!(path, "&cursor={c}");
        }
        let page: Value = app.get(&path, Some(token)).await.json().await.unwrap();
        for item in page["items"].as_array().unwrap() {
            out.insert(
                item["protocol_number"]
                    .as_str()
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .parse()
                    .unwrap(),
            );
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return out,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_under_load_restores_an_identical_register() {
    let app = spawn_app(Backend::Sqlite).await;
    let office = app.office("Ufficio Tributi");
    app.staff("op@comune.test", "operator", &[&office]);
    let op = app.token("op@comune.test").await;
    let (_, anna) = app.citizen(CF_A, "anna@example.it", &op).await;
    let backups = tempfile::tempdir().unwrap();

    // Citizens keep filing while the snapshot is taken.
    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for w in 0..4 {
        let (client, url, token, stop) = (
            app.client.clone(),
            app.url("/requests"),
            anna.clone(),
            stop.clone(),
        );
        writers.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let body = json!({"type": "tari_reclamo", "subject": format!("Reclamo {w}-{n}"),
                    "description": "Prova di backup.", "fields": {"servizio": "raccolta"}});
                let res = client
                    .post(&url)
                    .bearer_auth(&token)
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), 201);
            }
            n
        }));
    }
    tokio::time::sleep(std::time::Duration::from_millis(700)).await;
    let during = backups.path().join("during.db");
    let (state, path) = (app.state.clone(), during.clone());
    tokio::task::spawn_blocking(move || api::backup::backup(&state.db, &path))
        .await
        .unwrap()
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    stop.store(true, Ordering::Relaxed);
    let mut filed = 0;
    for w in writers {
        filed += w.await.unwrap();
    }
    assert!(filed > 20, "too little load: {filed}");

    // The snapshot taken under load is consistent: gapless numbers, a prefix of the total.
    let restored_dir = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}",
        restored_dir.path().join("restored.db").display()
    );
    api::backup::restore(&url, &during).unwrap();
    // A backup opens with the key its secrets are sealed with, kept apart from it.
    let key_file = app.key_file();
    let snapshot = spawn_with(Backend::Sqlite, |c| {
        c.database_url = url.clone();
        c.secret_key_file = Some(key_file.clone());
    })
    .await
    .unwrap();
    let numbers = protocols(&snapshot, &op).await;
    assert!(!numbers.is_empty());
    assert_eq!(
        numbers,
        (1..=u32::try_from(numbers.len()).unwrap()).collect::<BTreeSet<_>>()
    );
    assert!(
        numbers.len() < filed,
        "the snapshot should predate the end of the load"
    );

    // After the load: a backup restores to the same register, JSON and CSV.
    let after = backups.path().join("after.db");
    let (state, path) = (app.state.clone(), after.clone());
    tokio::task::spawn_blocking(move || api::backup::backup(&state.db, &path))
        .await
        .unwrap()
        .unwrap();
    let url2 = format!(
        "sqlite://{}",
        restored_dir.path().join("restored2.db").display()
    );
    api::backup::restore(&url2, &after).unwrap();
    let copy = spawn_with(Backend::Sqlite, |c| {
        c.database_url = url2.clone();
        c.secret_key_file = Some(key_file.clone());
    })
    .await
    .unwrap();
    // The signing key lives in the database, so the same session works on the copy.
    for path in ["/registry", "/registry/entries.csv"] {
        let original = app.get(path, Some(&op)).await.text().await.unwrap();
        let restored = copy.get(path, Some(&op)).await.text().await.unwrap();
        assert_eq!(original, restored, "{path} differs after restore");
    }
    assert_eq!(protocols(&copy, &op).await.len(), filed);

    // A file that is not a backup is refused, and the target is left alone.
    let junk = backups.path().join("junk.db");
    std::fs::write(&junk, b"not a database").unwrap();
    assert!(api::backup::restore(&url2, &junk).is_err());
    // Backups never overwrite.
    let (state, path) = (app.state.clone(), after.clone());
    assert!(
        tokio::task::spawn_blocking(move || api::backup::backup(&state.db, &path))
            .await
            .unwrap()
            .is_err()
    );
}
