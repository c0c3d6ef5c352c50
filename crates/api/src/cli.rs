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
        /// Also make the account a platform administrator, who creates and manages the
        /// tenants (only for the default tenant).
        #[arg(long)]
        platform: bool,
    },
    /// Create and list the tenants (Comuni, TARI operators) of this installation.
    Tenant {
        #[command(subcommand)]
        action: TenantCommand,
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

#[derive(Subcommand)]
enum TenantCommand {
    /// Create a tenant with its host names, the standard request types, offices and
    /// routing, and optionally its first administrator.
    Create {
        /// Short identifier: 2 to 40 lowercase letters, digits and hyphens.
        #[arg(long)]
        slug: String,
        #[arg(long)]
        name: String,
        /// A host name (without port) the tenant answers on; repeat for more.
        #[arg(long = "host", required = true)]
        hosts: Vec<String>,
        #[arg(long)]
        logo_url: Option<String>,
        #[arg(long)]
        fiscal_code: Option<String>,
        /// The first administrator's e-mail address.
        #[arg(long, requires = "admin_password")]
        admin_email: Option<String>,
        #[arg(long, env = "SPORTELLO_TENANT_ADMIN_PASSWORD", hide_env_values = true)]
        admin_password: Option<String>,
    },
    /// Every tenant with its host names.
    List,
    /// Benchmarks only: COUNT tenants `<prefix>-<n>` with host `<prefix>-<n>.<domain>`,
    /// through the same code as `create`.
    #[command(hide = true)]
    BenchCreate {
        #[arg(long)]
        count: u32,
        #[arg(long, default_value = "bench")]
        prefix: String,
        #[arg(long, default_value = "bench.test")]
        domain: String,
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
            platform,
        } => crate::seed::create_admin(&cli.config, &email, &password, tenant.as_deref(), platform)
            .map(|id| {
                let what = if platform { "platform admin" } else { "admin" };
                println!("{what} {email} ready ({id})");
            }),
        Command::Tenant { action } => tenant_command(&cli.config, action),
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

fn tenant_command(config: &Config, action: TenantCommand) -> anyhow::Result<()> {
    use crate::services::platform;
    use domain::api::{CreateTenant, FirstAdmin};

    let (db, _) = crate::startup::open_database(config)?;
    let default_id = db.write_tx::<_, diesel::result::Error>(|c| {
        Ok(match crate::db::repo::tenants::default_tenant(c)? {
            Some(t) => t.id,
            None => crate::db::repo::tenants::create(c, "default", "Sportello")?.id,
        })
    })?;
    let by = platform::By {
        tenant_id: &default_id,
        actor_id: None,
    };
    // Servers on the same PostgreSQL database hear of the new host names at once; on
    // SQLite a running server sees them within its tenant cache's lifetime (30 s).
    let announce = |id: &str| {
        if db.backend == crate::db::Backend::Postgres {
            crate::events::Events::publisher(&config.database_url)
                .publish(crate::tenancy::TOPIC, id);
        }
    };
    let problem = |e: crate::error::ApiError| {
        let p = e.problem(domain::error::Lang::En);
        let fields: Vec<String> = p
            .errors
            .iter()
            .map(|f| format!("{}: {}", f.field, f.message))
            .collect();
        if fields.is_empty() {
            anyhow::anyhow!("{}", p.detail.unwrap_or(p.title))
        } else {
            anyhow::anyhow!("{}", fields.join("; "))
        }
    };
    match action {
        TenantCommand::Create {
            slug,
            name,
            hosts,
            logo_url,
            fiscal_code,
            admin_email,
            admin_password,
        } => {
            let body = CreateTenant {
                slug,
                name,
                fiscal_code,
                logo_url,
                hosts,
                admin: admin_email.map(|email| FirstAdmin {
                    email,
                    password: admin_password,
                }),
            };
            let created = platform::create(&db, by, &body).map_err(problem)?;
            announce(&created.tenant.id);
            println!(
                "tenant {} ({}) created: {}",
                created.tenant.slug,
                created.tenant.id,
                created.tenant.hosts.join(", ")
            );
            if let Some(a) = created.admin {
                println!("admin {} ready ({})", a.email, a.id);
            }
        }
        TenantCommand::List => {
            for t in platform::list(&db).map_err(problem)? {
                println!(
                    "{:<24} {:<36} {:<8} {:<30} {}",
                    t.slug,
                    t.id,
                    if t.is_default {
                        "default"
                    } else if t.active {
                        "active"
                    } else {
                        "off"
                    },
                    t.name,
                    t.hosts.join(", ")
                );
            }
        }
        TenantCommand::BenchCreate {
            count,
            prefix,
            domain,
        } => {
            let started = std::time::Instant::now();
            for n in 1..=count {
                let slug = format!("{prefix}-{n}");
                let body = CreateTenant {
                    hosts: vec![format!("{slug}.{domain}")],
                    name: format!("Comune {slug}"),
                    slug,
                    fiscal_code: None,
                    logo_url: None,
                    admin: None,
                };
                platform::create(&db, by, &body).map_err(problem)?;
            }
            announce(&default_id);
            println!(
                "{count} tenants created in {:.1} s",
                started.elapsed().as_secs_f64()
            );
        }
    }
    Ok(())
}
