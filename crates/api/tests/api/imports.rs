//! Imports from the Comune's tax system: row errors by line, all-or-nothing or skipping,
//! UTF-8 and Windows-1252, `;` and `,`, importing again changes nothing, a stopped job
//! resumes where it stopped, and the `sportello import` command.

use std::sync::Mutex;
use std::time::Duration;

use serde_json::{Value, json};

use crate::account::{act_body, contribuente, created, operator};
use crate::helpers::*;

fn sample(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs/samples")
        .join(name);
    std::fs::read(path).unwrap()
}

/// The same text in Windows-1252 with `,` between fields (quoted where needed).
fn as_cp1252_commas(utf8: &[u8]) -> Vec<u8> {
    let text = std::str::from_utf8(utf8).unwrap();
    let mut out = String::new();
    for line in text.lines() {
        let cells: Vec<String> = line
            .split(';')
            .map(|c| {
                if c.contains(',') || c.contains('\'') {
                    format!("\"{c}\"")
                } else {
                    c.to_owned()
                }
            })
            .collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&out);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&bytes).is_err(), "really not UTF-8");
    bytes.into_owned()
}

pub async fn upload(
    app: &TestApp,
    token: &str,
    kind: &str,
    skip: bool,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let form = reqwest::multipart::Form::new()
        .part(
            "data",
            reqwest::multipart::Part::text(json!({"kind": kind, "skip_invalid": skip}).to_string()),
        )
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(format!("{kind}.csv")),
        );
    app.client
        .post(app.url("/imports"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// Uploads and follows the import to its end, as the console's progress bar does.
pub async fn import(app: &TestApp, token: &str, kind: &str, skip: bool, bytes: Vec<u8>) -> Value {
    let res = upload(app, token, kind, skip, bytes).await;
    assert_eq!(res.status(), 202, "{}", res.text().await.unwrap());
    let queued: Value = res.json().await.unwrap();
    assert_eq!(queued["status"], "queued");
    let id = queued["id"].as_str().unwrap().to_owned();
    let mut last = 0;
    for _ in 0..600 {
        let v: Value = app
            .get(&format!("/imports/{id}"), Some(token))
            .await
            .json()
            .await
            .unwrap();
        let percent = v["percent"].as_u64().unwrap();
        assert!(percent >= last, "progress goes forward: {last} → {percent}");
        last = percent;
        if matches!(v["status"].as_str(), Some("completed" | "failed")) {
            assert_eq!(percent, 100);
            return v;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("import {id} did not end");
}

fn count(app: &TestApp, table: &str) -> i64 {
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let sql = format!("SELECT COUNT(*) AS n FROM {table}");
    app.state
        .db
        .read(|c| diesel::sql_query(sql).get_result::<N>(c))
        .unwrap()
        .n
}

/// Every stored row of the account's tables, to compare before and after.
fn snapshot(app: &TestApp) -> Vec<String> {
    use api::db::models::*;
    use api::db::schema::*;
    use diesel::prelude::*;
    app.state
        .db
        .read(|c| {
            let mut out = Vec::new();
            for r in contribuenti::table
                .order(contribuenti::id)
                .select(ContribuenteRow::as_select())
                .load(c)?
            {
                out.push(format!("{r:?}"));
            }
            for r in utenze::table
                .order(utenze::id)
                .select(UtenzaRow::as_select())
                .load(c)?
            {
                out.push(format!("{r:?}"));
            }
            for r in acts::table
                .order(acts::id)
                .select(ActRow::as_select())
                .load(c)?
            {
                out.push(format!("{r:?}"));
            }
            for r in act_instalments::table
                .order((act_instalments::act_id, act_instalments::n))
                .select(InstalmentRow::as_select())
                .load(c)?
            {
                out.push(format!("{r:?}"));
            }
            for r in payments::table
                .order(payments::id)
                .select(PaymentRow::as_select())
                .load(c)?
            {
                out.push(format!("{r:?}"));
            }
            Ok::<_, api::error::ApiError>(out)
        })
        .unwrap()
}

fn workers(c: &mut api::config::Config) {
    c.background_workers = true;
    c.worker_interval_ms = 50;
    c.import_batch_rows = 2;
}

db_test!(
    bad_rows_are_reported_by_line_all_or_nothing_or_skipped,
    super::workers
);
async fn bad_rows_are_reported_by_line_all_or_nothing_or_skipped(app: TestApp) {
    let op = operator(&app).await;
    let file = format!(
        "codice_fiscale;cognome;nome;email\n\
         {CF_A};Bianchi;Anna;\n\
         RSSMRA80A01H501X;Rossi;Mario;\n\
         {CF_B};Verdi;Bruno;bruno@example.it\n\
         {CF_C};Neri;;non-una-mail\n\
         15376371009;;;\n"
    );
    let report = import(&app, &op, "contribuenti", false, file.clone().into_bytes()).await;
    assert_eq!(report["status"], "failed", "{report}");
    assert_eq!(report["invalid"], 3);
    assert_eq!(
        (report["created"].as_u64(), report["total_rows"].as_u64()),
        (Some(0), Some(5))
    );
    let where_: Vec<(u64, &str)> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["line"].as_u64().unwrap(), e["column"].as_str().unwrap()))
        .collect();
    assert_eq!(
        where_,
        [
            (3, "codice_fiscale"),
            (5, "nome"),
            (5, "email"),
            (6, "denominazione")
        ]
    );
    assert!(
        report["error"]
            .as_str()
            .unwrap()
            .contains("3 righe non valide"),
        "{report}"
    );
    assert_eq!(count(&app, "contribuenti"), 0, "all or nothing");

    let report = import(&app, &op, "contribuenti", true, file.into_bytes()).await;
    assert_eq!(report["status"], "completed", "{report}");
    assert_eq!(
        (report["created"].as_u64(), report["invalid"].as_u64()),
        (Some(2), Some(3))
    );
    assert_eq!(count(&app, "contribuenti"), 2);
    // The downloadable report, in the caller's language.
    let id = report["id"].as_str().unwrap();
    let res = app
        .get(&format!("/imports/{id}/errors.csv"), Some(&op))
        .await;
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = res.text().await.unwrap();
    assert!(csv.starts_with("riga;colonna;errore\r\n"), "{csv}");
    assert!(
        csv.contains("\r\n3;\"codice_fiscale\";\"Il codice fiscale non è valido"),
        "{csv}"
    );
    let res = app
        .client
        .get(app.url(&format!("/imports/{id}")))
        .bearer_auth(&op)
        .header("Accept-Language", "en")
        .send()
        .await
        .unwrap();
    let en: Value = res.json().await.unwrap();
    assert_eq!(en["errors"][1]["message"], "Enter the first name");

    // Payments: negative amounts, a payment before the act's issue date, a day that does
    // not exist, an act that does not exist.
    let cid = contribuente(&app, &op, CF_C, "Carla", "Neri").await;
    created(
        app.post_json(
            "/acts",
            Some(&op),
            &act_body(
                &cid,
                "2025/9",
                chrono::NaiveDate::from_ymd_opt(2025, 4, 1).unwrap(),
                &[(
                    chrono::NaiveDate::from_ymd_opt(2025, 5, 31).unwrap(),
                    10_000,
                )],
            ),
        )
        .await,
        "act",
    )
    .await;
    let payments = "id_pagamento;tributo;tipo_atto;anno;numero_atto;data;importo;canale\n\
                    P1;tari;avviso_ordinario;2025;2025/9;10/05/2025;-10,00;desk\n\
                    P2;tari;avviso_ordinario;2025;2025/9;10/03/2025;10,00;desk\n\
                    P3;tari;avviso_ordinario;2025;2025/9;31/02/2026;10,00;desk\n\
                    P4;tari;avviso_ordinario;2025;2025/99;10/05/2025;10,00;desk\n\
                    P5;tari;avviso_ordinario;2025;2025/9;10/05/2025;10,00;desk\n";
    let report = import(&app, &op, "payments", false, payments.as_bytes().to_vec()).await;
    assert_eq!(report["status"], "failed");
    let errors: Vec<(u64, &str, &str)> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["line"].as_u64().unwrap(),
                e["column"].as_str().unwrap(),
                e["message"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(errors.len(), 4, "{errors:?}");
    assert_eq!((errors[0].0, errors[0].1), (2, "importo"));
    assert!(errors[0].2.contains("negativo"));
    assert_eq!((errors[1].0, errors[1].1), (3, "data"));
    assert!(errors[1].2.contains("precedere l'emissione"), "{errors:?}");
    assert_eq!((errors[2].0, errors[2].1), (4, "data"));
    assert!(errors[2].2.contains("31/02/2026 non esiste"), "{errors:?}");
    assert_eq!((errors[3].0, errors[3].1), (5, "numero_atto"));
    assert_eq!(count(&app, "payments"), 0);
}

db_test!(
    both_encodings_both_separators_and_importing_again_changes_nothing,
    super::workers
);
async fn both_encodings_both_separators_and_importing_again_changes_nothing(app: TestApp) {
    let op = operator(&app).await;
    let (_, citizen) = app.citizen(CF_A, "anna@example.it", &op).await;
    // Windows-1252 with commas first: the names come out right.
    let report = import(
        &app,
        &op,
        "contribuenti",
        false,
        as_cp1252_commas(&sample("contribuenti.csv")),
    )
    .await;
    assert_eq!(report["status"], "completed", "{report}");
    assert_eq!(report["created"], 4);
    let page: Value = app
        .get("/contribuenti?q=niccol%C3%B2", Some(&op))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        page["items"][0]["denominazione"], "Trattoria Da Niccolò S.r.l.",
        "{page}"
    );
    let page: Value = app
        .get("/contribuenti?q=BNCLRA", Some(&op))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        page["items"][0]["residence"]["street"],
        "Via dell'Università 12"
    );
    // Linked at once to the citizen account with the same codice fiscale.
    let page: Value = app
        .get(&format!("/contribuenti?q={CF_A}"), Some(&op))
        .await
        .json()
        .await
        .unwrap();
    assert!(page["items"][0]["citizen_id"].is_string(), "{page}");
    for kind in ["utenze", "acts", "payments"] {
        let report = import(&app, &op, kind, false, sample(&format!("{kind}.csv"))).await;
        assert_eq!(report["status"], "completed", "{kind}: {report}");
        assert_eq!(report["invalid"], 0, "{kind}: {report}");
    }
    let before = snapshot(&app);
    // The UTF-8 file with semicolons is the same data: nothing changes.
    let report = import(&app, &op, "contribuenti", false, sample("contribuenti.csv")).await;
    assert_eq!(
        (
            report["created"].as_u64(),
            report["updated"].as_u64(),
            report["unchanged"].as_u64()
        ),
        (Some(0), Some(0), Some(4)),
        "{report}"
    );
    for kind in ["utenze", "acts", "payments"] {
        let report = import(&app, &op, kind, false, sample(&format!("{kind}.csv"))).await;
        assert_eq!(report["status"], "completed", "{kind}: {report}");
        assert_eq!(report["created"], 0, "{kind}: {report}");
        assert_eq!(report["updated"], 0, "{kind}: {report}");
    }
    assert_eq!(
        snapshot(&app),
        before,
        "importing again changed stored rows"
    );

    // What the citizen sees of it: two acts, the payments allocated.
    let st: Value = app
        .get("/me/statement?as_of=2025-12-31", Some(&citizen))
        .await
        .json()
        .await
        .unwrap();
    let acts: Vec<&str> = st["acts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["number"].as_str().unwrap())
        .collect();
    assert_eq!(acts, ["2025/000101", "ING/2025/3"]);
    assert_eq!(st["acts"][0]["paid"], 19_600);
    assert_eq!(st["acts"][0]["residual"], 9_800);
    assert_eq!(st["acts"][1]["residual"], 30_875);
    let utenze: Value = app
        .get("/me/utenze", Some(&citizen))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(utenze[0]["cadastral"]["categoria"], "A/2");
    // A changed amount in the tax system is an update.
    let changed = String::from_utf8(sample("payments.csv"))
        .unwrap()
        .replace("241,50", "241,00");
    let report = import(&app, &op, "payments", false, changed.into_bytes()).await;
    assert_eq!(
        (report["updated"].as_u64(), report["unchanged"].as_u64()),
        (Some(1), Some(3)),
        "{report}"
    );
    let list: Value = app.get("/imports", Some(&op)).await.json().await.unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 9);
}

/// Stops a run after its first applied batch.
struct StopAfterFirstBatch(Mutex<(String, i64)>);

impl api::services::account::imports::job::Watch for StopAfterFirstBatch {
    fn progress(&self, job: &api::db::models::ImportRow) {
        *self.0.lock().unwrap() = (job.status.clone(), job.applied_rows);
    }
    fn stop(&self) -> bool {
        let (status, applied) = &*self.0.lock().unwrap();
        status == "applying" && *applied > 0
    }
}

db_test!(a_stopped_import_resumes_on_whichever_node_claims_it);
async fn a_stopped_import_resumes_on_whichever_node_claims_it(app: TestApp) {
    use api::db::repo::imports;
    use api::services::account::imports::job::{self, Env, Ran, Unwatched};
    use diesel::prelude::*;
    let state = app.state.clone();
    tokio::task::spawn_blocking(move || {
        let tenant = state
            .db
            .read(api::db::repo::tenants::default_tenant)
            .unwrap()
            .unwrap();
        let body = domain::api::CreateImport {
            kind: domain::tax::import::ImportKind::Contribuenti,
            skip_invalid: false,
        };
        let row = api::services::account::imports::store(
            &*state.files,
            &tenant.id,
            None,
            &body,
            "contribuenti.csv",
            &mut &sample("contribuenti.csv")[..],
        )
        .unwrap();
        state.db.write_tx(|c| imports::insert(c, &row)).unwrap();
        let env = Env {
            db: &state.db,
            files: &*state.files,
            batch_rows: 2,
        };
        let watch = StopAfterFirstBatch(Mutex::new((String::new(), 0)));
        let (_, ran) = job::claim_and_run(env, None, &watch).unwrap().unwrap();
        assert_eq!(ran, Ran::Stopped);
        let stopped = state
            .db
            .read(|c| imports::find_by_id(c, &row.id))
            .unwrap()
            .unwrap();
        assert_eq!(
            (
                stopped.status.as_str(),
                stopped.applied_rows,
                stopped.created_count
            ),
            ("applying", 2, 2)
        );
        assert!(stopped.lease_token.is_none(), "released on stop");

        // Another node holds it (a live lease): nobody else takes it.
        let set_lease = |until: chrono::NaiveDateTime| {
            use api::db::schema::imports as t;
            state
                .db
                .write_tx(|c| {
                    diesel::update(t::table.find(&row.id))
                        .set((
                            t::lease_token.eq(Some("other-node")),
                            t::locked_until.eq(Some(until)),
                        ))
                        .execute(c)
                })
                .unwrap();
        };
        let now = chrono::Utc::now().naive_utc();
        set_lease(now + chrono::Duration::hours(1));
        assert!(job::claim_and_run(env, None, &Unwatched).unwrap().is_none());
        // That node died: its lease runs out and the job resumes after its last batch.
        set_lease(now - chrono::Duration::seconds(1));
        let (_, ran) = job::claim_and_run(env, None, &Unwatched).unwrap().unwrap();
        assert_eq!(ran, Ran::Finished);
        let done = state
            .db
            .read(|c| imports::find_by_id(c, &row.id))
            .unwrap()
            .unwrap();
        assert_eq!(done.status, "completed");
        assert_eq!(
            (done.created_count, done.unchanged_count, done.applied_rows),
            (4, 0, 4)
        );
        assert_eq!(done.attempts, 2);
    })
    .await
    .unwrap();
    assert_eq!(count(&app, "contribuenti"), 4);
}

#[test]
fn the_import_command_shows_progress_and_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("cli.db").display());
    let files = dir.path().join("files");
    let sample_path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs/samples/contribuenti.csv");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_sportello"))
            .env("DATABASE_URL", &db)
            .env("SPORTELLO_FILES_DIR", &files)
            .args(args)
            .output()
            .unwrap()
    };
    let path = sample_path.to_str().unwrap();
    let out = run(&["import", "contribuenti", path]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("4 righe: 4 create, 0 aggiornate, 0 invariate, 0 non valide"),
        "{stdout}"
    );
    let out = run(&["import", "contribuenti", path]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("0 create, 0 aggiornate, 4 invariate"),
        "{stdout}"
    );
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "codice_fiscale;cognome;nome\nXXX;Rossi;Mario\n").unwrap();
    let out = run(&["import", "contribuenti", bad.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success());
    assert!(stdout.contains("riga 2, codice_fiscale:"), "{stdout}");
    let out = run(&["import", "tributi", path]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("contribuenti, utenze, acts, payments"));
}
