//! `sportello import contribuenti|utenze|acts|payments FILE.csv`: the same job as an
//! upload, run in this process with a progress bar (or followed, if a server's worker
//! claims it first).

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use domain::api::{CreateImport, ImportStatus};
use domain::error::Lang;
use domain::tax::import::ImportKind;
use indicatif::{ProgressBar, ProgressStyle};

use super::job::{self, Env, Ran, Watch};
use crate::config::Config;
use crate::db::Db;
use crate::db::models::ImportRow;
use crate::db::repo::audit::Audit;
use crate::db::repo::{imports, tenants};
use crate::error::ApiError;

struct Bar(ProgressBar);

impl Bar {
    fn show(&self, job: &ImportRow) {
        if let Some(total) = job.total_rows {
            self.0.set_length(u64::try_from(total).unwrap_or(0));
        }
        let (phase, done) = match job.status.as_str() {
            "validating" => ("controllo", job.processed_rows),
            "applying" => ("importazione", job.applied_rows),
            other => (other, job.processed_rows),
        };
        self.0.set_message(phase.to_owned());
        self.0.set_position(u64::try_from(done).unwrap_or(0));
    }
}

impl Watch for Bar {
    fn progress(&self, job: &ImportRow) {
        self.show(job);
    }
}

pub fn run(
    config: &Config,
    kind: &str,
    file: &Path,
    skip_invalid: bool,
    tenant: Option<&str>,
) -> anyhow::Result<bool> {
    let kind = ImportKind::from_str(kind).map_err(|e| anyhow::anyhow!("{e}"))?;
    let db = Db::connect(&config.database_url, 2, config.sqlite_sync_full)?;
    let files = crate::storage::from_config(config)?;
    let tenant = db.write_tx(|c| {
        Ok::<_, ApiError>(match tenant {
            Some(slug) => tenants::find_by_slug(c, slug)?,
            // A fresh database has its default tenant once the server started; make it here.
            None => match tenants::default_tenant(c)? {
                Some(t) => Some(t),
                None => Some(tenants::create(c, "default", "Sportello")?),
            },
        })
    })?;
    let tenant = tenant.ok_or_else(|| anyhow::anyhow!("tenant not found"))?;
    let mut input = std::fs::File::open(file)?;
    let filename = file
        .file_name()
        .map_or_else(|| "import.csv".into(), |n| n.to_string_lossy().into_owned());
    let body = CreateImport { kind, skip_invalid };
    let row = super::store(
        files.as_ref(),
        &tenant.id,
        None,
        &body,
        &filename,
        &mut input,
    )?;
    db.write_tx(|c| {
        imports::insert(c, &row)?;
        Audit {
            tenant_id: &tenant.id,
            actor_id: None,
            action: "import.create",
            entity: "import",
            entity_id: Some(&row.id),
        }
        .record(
            c,
            None::<&()>,
            Some(&serde_json::json!({"kind": row.kind, "filename": row.filename, "size": row.size, "skip_invalid": row.skip_invalid, "via": "cli"})),
        )?;
        Ok::<_, ApiError>(())
    })?;

    let bar = Bar(ProgressBar::new(0));
    bar.0.set_style(
        ProgressStyle::with_template("{msg:>12} [{bar:40}] {pos}/{len} righe ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let env = Env {
        db: &db,
        files: files.as_ref(),
        batch_rows: config.import_batch_rows.max(1),
    };
    loop {
        match job::claim_and_run(env, Some(&row.id), &bar)? {
            Some((_, Ran::Finished)) => break,
            Some((_, Ran::Stopped | Ran::Lost)) | None => {
                // A server's worker has it: follow its progress.
                let current = db.read(|c| imports::find_by_id(c, &row.id))?;
                match current {
                    Some(j)
                        if ImportStatus::parse(&j.status).is_some_and(ImportStatus::is_open) =>
                    {
                        bar.show(&j);
                        std::thread::sleep(Duration::from_millis(500));
                    }
                    _ => break,
                }
            }
        }
    }
    bar.0.finish_and_clear();
    let done = db
        .read(|c| imports::find_by_id(c, &row.id))?
        .ok_or_else(|| anyhow::anyhow!("import vanished"))?;
    let errors = db.read(|c| imports::errors(c, &row.id, 0, 20))?;
    let stored = db.read(|c| imports::count_errors(c, &row.id))?;
    let view = super::view(done, &errors, stored, Lang::It)?;
    println!(
        "importazione {} ({}): {:?}, {} righe: {} create, {} aggiornate, {} invariate, {} non valide",
        view.id,
        view.kind,
        view.status,
        view.total_rows.unwrap_or(0),
        view.created,
        view.updated,
        view.unchanged,
        view.invalid
    );
    if let Some(e) = &view.error {
        println!("{e}");
    }
    for e in &view.errors {
        println!("  riga {}, {}: {}", e.line, e.column, e.message);
    }
    if view.errors_truncated {
        println!(
            "  … (il resoconto completo: GET /api/v1/imports/{}/errors.csv)",
            view.id
        );
    }
    Ok(view.status == ImportStatus::Completed)
}
