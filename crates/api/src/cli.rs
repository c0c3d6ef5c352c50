//! The `sportello` command line.

use std::net::TcpListener;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::Config;
use crate::startup::Application;

#[derive(Parser)]
#[command(
    name = "sportello",
    version,
    about = "Sportello: online citizen desk for TARI and municipal services"
)]
struct Cli {
    #[command(flatten)]
    config: Config,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server (API + web app).
    Serve {
        /// Address to listen on.
        #[arg(long, env = "SPORTELLO_BIND", default_value = "127.0.0.1:8080")]
        bind: String,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Create (or reset the password of) an administrator.
    CreateAdmin {
        #[arg(long)]
        email: String,
        #[arg(long, env = "SPORTELLO_ADMIN_PASSWORD", hide_env_values = true)]
        password: String,
        /// Tenant slug (default: the default tenant).
        #[arg(long)]
        tenant: Option<String>,
    },
    /// Seed a demo Comune with offices, staff, a citizen, documents and FAQ.
    SeedDemo {
        /// Also set up pagoPA for the demo Comune against this pagoPA (GPD at `<url>/gpd`,
        /// Checkout at `<url>/checkout`): the local test platform `scripts/fakes/pagopa.py`,
        /// which `scripts/run.sh --demo` starts. The demo taxpayer's instalments get notices
        /// that can be paid online.
        #[arg(long, env = "SPORTELLO_DEMO_PAGOPA_URL")]
        pagopa_url: Option<String>,
        /// The GPD subscription key that pagoPA asks for.
        #[arg(
            long,
            env = "SPORTELLO_DEMO_PAGOPA_KEY",
            hide_env_values = true,
            default_value = ""
        )]
        pagopa_key: String,
        /// Also set up SPID and CIE sign-in against this OpenID provider: the local test
        /// provider `scripts/oidc/op.py`, which `scripts/run.sh --demo` starts.
        #[arg(long, env = "SPORTELLO_DEMO_OIDC_URL", requires = "oidc_key_file")]
        oidc_url: Option<String>,
        /// The relying party's RSA private key (PEM) for the test provider.
        #[arg(long, env = "SPORTELLO_DEMO_OIDC_KEY_FILE")]
        oidc_key_file: Option<std::path::PathBuf>,
    },
    /// Print the OpenAPI document of the REST API.
    Openapi,
    /// Write one archive with a consistent snapshot of the live SQLite database and every
    /// stored file to FILE (online).
    Backup { file: std::path::PathBuf },
    /// Replace the SQLite database and the stored files with the backup FILE, after
    /// checking every checksum (stop the server first).
    Restore { file: std::path::PathBuf },
    /// Re-seal every stored secret with a new secret key, in one transaction. The current
    /// key is the configured one (SPORTELLO_SECRET_KEY or SPORTELLO_SECRET_KEY_FILE); the
    /// new one is read from --new-key-file, which is created with a fresh key if missing.
    /// Then start every node with the new key.
    RotateSecretKey {
        /// File with the new key (32 bytes as base64 or hex); created (mode 0600) if missing.
        #[arg(long)]
        new_key_file: std::path::PathBuf,
        /// Drop the secrets the current key cannot open (a lost key): they must be entered
        /// again; a generated JWT key is generated again (everyone signs in again).
        #[arg(long)]
        discard_unreadable: bool,
    },
    /// Import a CSV from the Comune's tax system (see README, Imports).
    Import {
        /// What the file holds: contribuenti, utenze, acts or payments.
        kind: String,
        file: std::path::PathBuf,
        /// Import the valid rows and report the others (default: all or nothing).
        #[arg(long)]
        skip_invalid: bool,
        /// Tenant slug (default: the default tenant).
        #[arg(long)]
        tenant: Option<String>,
    },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    crate::telemetry::init(cli.config.log_json);
    let result = match cli.command {
        Command::Serve { bind } => serve(cli.config, &bind),
        Command::Migrate => {
            crate::db::Db::connect(&cli.config.database_url, 1, cli.config.sqlite_sync_full)
                .map(|_| println!("database up to date"))
                .map_err(Into::into)
        }
        Command::CreateAdmin {
            email,
            password,
            tenant,
        } => crate::seed::create_admin(&cli.config, &email, &password, tenant.as_deref())
            .map(|id| println!("admin {email} ready ({id})")),
        Command::SeedDemo {
            pagopa_url,
            pagopa_key,
            oidc_url,
            oidc_key_file,
        } => crate::seed::demo(&cli.config)
            .and_then(|report| match pagopa_url {
                Some(url) => crate::seed::demo_pagopa(&cli.config, &url, &pagopa_key)
                    .map(|more| format!("{report}\n{more}")),
                None => Ok(report),
            })
            .and_then(|report| match (oidc_url, oidc_key_file) {
                (Some(url), Some(file)) => std::fs::read_to_string(&file)
                    .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))
                    .and_then(|pem| crate::seed::demo_identity(&cli.config, &url, &pem))
                    .map(|more| format!("{report}\n{more}")),
                _ => Ok(report),
            })
            .map(|report| println!("{report}")),
        // Through the secret key, so clear text left from an older version is sealed
        // before it could land in the snapshot.
        Command::Backup { .. } | Command::Restore { .. } if cli.config.files_url.is_some() => {
            Err(crate::backup::BackupError::ObjectStore.into())
        }
        Command::Backup { file } => crate::startup::open_database(&cli.config)
            .and_then(|(db, _)| {
                crate::backup::backup(&db, &cli.config.files_dir, &file).map_err(Into::into)
            })
            .map(|m| {
                println!(
                    "backup written to {}: the database and {} files",
                    file.display(),
                    m.files.len()
                );
            }),
        Command::RotateSecretKey {
            new_key_file,
            discard_unreadable,
        } => crate::secret_key::rotate(&cli.config, &new_key_file, discard_unreadable)
            .map(|report| println!("{report}")),
        Command::Restore { file } => {
            crate::backup::restore(&cli.config.database_url, &cli.config.files_dir, &file).map(
                |r| {
                    println!(
                        "{} and {} files restored from {}",
                        r.database.display(),
                        r.files,
                        file.display()
                    );
                },
            )
        }
        .map_err(Into::into),
        Command::Import {
            kind,
            file,
            skip_invalid,
            tenant,
        } => crate::services::account::imports::cli::run(
            &cli.config,
            &kind,
            &file,
            skip_invalid,
            tenant.as_deref(),
        )
        .and_then(|ok| {
            if ok {
                Ok(())
            } else {
                Err(anyhow::anyhow!("import not applied"))
            }
        }),
        Command::Openapi => crate::startup::openapi_spec()
            .to_pretty_json()
            .map(|json| println!("{json}"))
            .map_err(Into::into),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn serve(config: Config, bind: &str) -> anyhow::Result<()> {
    let listener = TcpListener::bind(bind)?;
    tracing::info!(address = %bind, config = ?config, "starting Sportello");
    actix_web::rt::System::new().block_on(async move {
        let app = Application::build(config, listener)?;
        app.run_until_stopped().await?;
        tracing::info!("stopped");
        Ok(())
    })
}
