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

/// Every attachment the restored copy names for the request `protocol` is there and
/// equal, byte for byte, to the original's; returns how many there were.
async fn same_attachments(
    original: &TestApp,
    copy: &TestApp,
    token: &str,
    protocol: &str,
) -> usize {
    let path = format!("/requests?q={protocol}");
    let page: Value = copy.get(&path, Some(token)).await.json().await.unwrap();
    let Some(id) = page["items"][0]["id"].as_str() else {
        return 0;
    };
    let messages: Value = copy
        .get(&format!("/requests/{id}/messages"), Some(token))
        .await
        .json()
        .await
        .unwrap();
    let mut n = 0;
    for m in messages["items"].as_array().unwrap() {
        for a in m["attachments"].as_array().into_iter().flatten() {
            let url = a["url"].as_str().unwrap().trim_start_matches("/api/v1");
            let want = original.get(url, Some(token)).await.bytes().await.unwrap();
            let got = copy.get(url, Some(token)).await;
            assert_eq!(got.status(), 200, "{url} missing after restore");
            assert_eq!(got.bytes().await.unwrap(), want, "{url} differs");
            n += 1;
        }
    }
    n
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
                // Every other request gets a document of its own (distinct bytes).
                if n % 2 == 0 {
                    let id = res.json::<Value>().await.unwrap()["id"]
                        .as_str()
                        .unwrap()
                        .to_owned();
                    let pdf = format!("%PDF-1.4\n% allegato {w}-{n}\n%%EOF\n").into_bytes();
                    let form = reqwest::multipart::Form::new()
                        .part(
                            "data",
                            reqwest::multipart::Part::text(
                                json!({"body": "In allegato"}).to_string(),
                            ),
                        )
                        .part(
                            "files",
                            reqwest::multipart::Part::bytes(pdf).file_name("allegato.pdf"),
                        );
                    let res = client
                        .post(format!("{url}/{id}/messages"))
                        .bearer_auth(&token)
                        .multipart(form)
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(res.status(), 201);
                }
            }
            n
        }));
    }
    tokio::time::sleep(std::time::Duration::from_millis(700)).await;
    let during = backups.path().join("during.tar");
    let (state, path) = (app.state.clone(), during.clone());
    tokio::task::spawn_blocking(move || {
        api::backup::backup(&state.db, &state.config.files_dir, &path)
    })
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
    let restored_files = restored_dir.path().join("files");
    api::backup::restore(&url, &restored_files, &during).unwrap();
    // A backup opens with the key its secrets are sealed with, kept apart from it.
    let key_file = app.key_file();
    let snapshot = spawn_with(Backend::Sqlite, |c| {
        c.database_url = url.clone();
        c.files_dir = restored_files.clone();
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
    // Every attachment the snapshot names came along, byte for byte.
    let mut checked = 0;
    for n in &numbers {
        let protocol = format!("{}/{n:07}", chrono::Utc::now().format("%Y"));
        checked += same_attachments(&app, &snapshot, &op, &protocol).await;
    }
    assert!(checked > 5, "too few attachments under load: {checked}");

    let after = backups.path().join("after.tar");
    let (state, path) = (app.state.clone(), after.clone());
    let manifest = tokio::task::spawn_blocking(move || {
        api::backup::backup(&state.db, &state.config.files_dir, &path)
    })
    .await
    .unwrap()
    .unwrap();
    assert!(
        manifest.files.len() >= checked,
        "{} files",
        manifest.files.len()
    );
    let url2 = format!(
        "sqlite://{}",
        restored_dir.path().join("restored2.db").display()
    );
    let files2 = restored_dir.path().join("files2");
    let restored = api::backup::restore(&url2, &files2, &after).unwrap();
    assert_eq!(restored.files, manifest.files.len());
    let copy = spawn_with(Backend::Sqlite, |c| {
        c.database_url = url2.clone();
        c.files_dir = files2.clone();
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
    let mut after_load = 0;
    for n in 1..=filed {
        let protocol = format!("{}/{n:07}", chrono::Utc::now().format("%Y"));
        after_load += same_attachments(&app, &copy, &op, &protocol).await;
    }
    assert!(
        after_load >= checked,
        "{after_load} attachments after the load"
    );

    // An archive with a byte changed is refused whole: nothing is put in place.
    let mut bytes = std::fs::read(&after).unwrap();
    let at = bytes.windows(10).position(|w| w == b"% allegato").unwrap();
    bytes[at + 2] = b'A';
    let tampered = backups.path().join("tampered.tar");
    std::fs::write(&tampered, &bytes).unwrap();
    let files3 = restored_dir.path().join("files3");
    let url3 = format!(
        "sqlite://{}",
        restored_dir.path().join("restored3.db").display()
    );
    let err = api::backup::restore(&url3, &files3, &tampered).unwrap_err();
    assert!(err.to_string().contains("checksum"), "{err}");
    assert!(!restored_dir.path().join("restored3.db").exists());
    assert!(!files3.exists(), "no file put in place");

    // A file that is not a backup is refused, and the target is left alone.
    let junk = backups.path().join("junk.db");
    std::fs::write(&junk, b"not a database").unwrap();
    assert!(api::backup::restore(&url2, &files2, &junk).is_err());
    // Backups never overwrite.
    let (state, path) = (app.state.clone(), after.clone());
    assert!(
        tokio::task::spawn_blocking(move || {
            api::backup::backup(&state.db, &state.config.files_dir, &path)
        })
        .await
        .unwrap()
        .is_err()
    );
}
