//! Administrators and the demo Comune.

mod public_content;

use chrono::Utc;
use domain::api::RegistrationStatus;
use domain::catalogue::RequestKind;
use domain::lifecycle::Role;
use domain::types::{Email, check_password_strength};

use crate::auth::password;
use crate::config::Config;
use crate::db::Db;
use crate::db::models::{DocumentRow, UserRow};
use crate::db::repo::{new_id, tenants, users};
use crate::error::ApiError;

fn connect(config: &Config) -> anyhow::Result<Db> {
    Ok(Db::connect(
        &config.database_url,
        2,
        config.sqlite_sync_full,
    )?)
}

/// Creates an administrator of the tenant, or resets its password. With `platform`, the
/// account (of the default tenant only) is also made a platform administrator.
pub fn create_admin(
    config: &Config,
    email: &str,
    pw: &str,
    tenant_slug: Option<&str>,
    platform: bool,
) -> anyhow::Result<String> {
    let email = Email::parse(email).map_err(|e| anyhow::anyhow!("{e}"))?;
    check_password_strength(pw, &[email.as_str()]).map_err(|e| anyhow::anyhow!("{e}"))?;
    let hash = password::hash(pw)?;
    let db = connect(config)?;
    let id = db.write_tx(|c| {
        let tenant = match tenant_slug {
            Some(slug) => tenants::find_by_slug(c, slug)?.ok_or(ApiError::NotFound)?,
            None => match tenants::default_tenant(c)? {
                Some(t) => t,
                None => tenants::create(c, "default", "Sportello")?,
            },
        };
        if platform && !tenant.is_default {
            return Err(ApiError::invalid(
                "tenant",
                "Gli amministratori della piattaforma sono account dell'ente predefinito",
                "Platform administrators are accounts of the default tenant",
            ));
        }
        let id = upsert_staff(
            c,
            &tenant.id,
            email.as_str(),
            &hash,
            "admin",
            "Amministratore",
            "",
        )?;
        if platform {
            tenants::grant_platform_admin(c, &id)?;
        }
        Ok(id)
    })?;
    Ok(id)
}

/// Inserts a staff account, or updates password and role of an existing one.
pub fn upsert_staff(
    c: &mut crate::db::DbConn,
    tenant_id: &str,
    email: &str,
    hash: &str,
    role: &str,
    first_name: &str,
    last_name: &str,
) -> Result<String, ApiError> {
    use crate::db::schema::users::dsl as u;
    use diesel::prelude::*;
    let now = Utc::now().naive_utc();
    if let Some(existing) = users::find_by_email(c, tenant_id, email)? {
        diesel::update(u::users.find(&existing.id))
            .set((
                u::password_hash.eq(hash),
                u::role.eq(role),
                u::status.eq("approved"),
                u::active.eq(true),
                u::updated_at.eq(now),
                // A new password ends the account's sessions.
                u::session_version.eq(u::session_version + 1),
            ))
            .execute(c)?;
        return Ok(existing.id);
    }
    let row = UserRow {
        id: new_id(),
        tenant_id: tenant_id.to_owned(),
        role: role.parse()?,
        email: Some(email.to_owned()),
        fiscal_code: None,
        first_name: first_name.to_owned(),
        last_name: last_name.to_owned(),
        phone: None,
        password_hash: Some(hash.to_owned()),
        status: RegistrationStatus::Approved,
        active: true,
        failed_logins: 0,
        locked_until: None,
        created_at: now,
        updated_at: now,
        session_version: 0,
    };
    users::insert(c, &row)?;
    Ok(row.id)
}

/// The password of every demo account (printed by `sportello seed-demo`).
pub const DEMO_PASSWORD: &str = "Demo2026!sportello";

/// The offices every new tenant starts with, and where each kind of request goes.
pub const STANDARD_OFFICES: [&str; 3] = ["Ufficio Tributi", "Ufficio Tecnico", "Gestore raccolta"];

const DEMO_OFFICE_EMAILS: [&str; 3] = [
    "tributi@comune.esempio.it",
    "tecnico@comune.esempio.it",
    "raccolta@gestore.esempio.it",
];

/// The standard catalogue of a tenant: the default request types, the offices of
/// [`STANDARD_OFFICES`] (with these e-mail addresses when new), routing of every kind of
/// request to one of them (collection service → Gestore raccolta, other → Ufficio Tecnico,
/// the rest → Ufficio Tributi) and the generic contribuente. The working calendar starts
/// from the national holidays (no patron saint nor closure days until the tenant sets
/// them). Idempotent: existing types and offices are kept. Returns the offices' ids in
/// [`STANDARD_OFFICES`] order.
pub fn standard_catalogue(
    c: &mut crate::db::DbConn,
    tenant_id: &str,
    emails: Option<&[&str; 3]>,
) -> Result<Vec<String>, ApiError> {
    use crate::db::repo::{admin_users, catalogue, offices};
    catalogue::ensure_defaults(c, tenant_id)?;
    let mut office_ids = Vec::new();
    for (i, name) in STANDARD_OFFICES.into_iter().enumerate() {
        let id = match offices::find_by_name(c, tenant_id, name)? {
            Some(o) => o.id,
            None => offices::create(c, tenant_id, name, emails.map(|e| e[i]))?.id,
        };
        office_ids.push(id);
    }
    let (tributi, tecnico, raccolta) = (&office_ids[0], &office_ids[1], &office_ids[2]);
    let rules: Vec<(RequestKind, String)> = RequestKind::ALL
        .into_iter()
        .map(|kind| {
            let office = match kind {
                RequestKind::RitiroSuChiamata
                | RequestKind::Disservizio
                | RequestKind::RiparazioneAttrezzature => raccolta,
                RequestKind::Altro => tecnico,
                _ => tributi,
            };
            (kind, office.clone())
        })
        .collect();
    catalogue::set_rules(c, tenant_id, &rules)?;
    admin_users::ensure_generic_citizen(c, tenant_id)?;
    Ok(office_ids)
}

/// `(e-mail, role, first name, last name, offices by index in STANDARD_OFFICES)`.
const DEMO_STAFF: [(&str, &str, &str, &str, &[usize]); 5] = [
    ("admin@comune.esempio.it", "admin", "Laura", "Ferri", &[]),
    (
        "supervisore@comune.esempio.it",
        "supervisor",
        "Elena",
        "Moretti",
        &[0, 1, 2],
    ),
    (
        "operatore.tributi@comune.esempio.it",
        "operator",
        "Giulia",
        "Conti",
        &[0],
    ),
    (
        "operatore.tecnico@comune.esempio.it",
        "operator",
        "Marco",
        "Galli",
        &[1],
    ),
    (
        "operatore.raccolta@gestore.esempio.it",
        "operator",
        "Paolo",
        "Ricci",
        &[2],
    ),
];

const DEMO_CITIZEN_CF: &str = "RSSMRA80A01H501U";
const DEMO_CITIZEN_EMAIL: &str = "mario.rossi@example.it";

/// Seeds the demo Comune; returns the credentials to print. Running it again updates the
/// same rows (and resets the demo passwords) instead of adding new ones.
pub fn demo(config: &Config) -> anyhow::Result<String> {
    use std::fmt::Write as _;

    use crate::db::repo::{content, settings};
    let db = connect(config)?;
    let files = crate::storage::from_config(config)?;
    let hashes = (0..=DEMO_STAFF.len())
        .map(|_| password::hash(DEMO_PASSWORD))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let now = Utc::now().naive_utc();
    let tenant_id = db.write_tx(|c| {
        let mut tenant = match tenants::default_tenant(c)? {
            Some(t) => t,
            None => tenants::create(c, "default", "Sportello")?,
        };
        tenant.name = "Comune di Esempio".into();
        tenant.fiscal_code = Some("00123450678".into());
        tenant.patron_saint = Some("06-24".into());
        tenant.closure_days = r#"["2026-12-24","2026-12-31","2027-08-14"]"#.into();
        tenant.population = Some(25_000);
        tenant.contacts = serde_json::json!({
            "parent_body": "Regione di Esempio",
            "address": "Piazza del Municipio 1, 00100 Esempio",
            "pec": "protocollo@pec.comune.esempio.it",
            "phone": "+39061234567",
        })
        .to_string();
        settings::save(c, &tenant)?;
        let office_ids = standard_catalogue(c, &tenant.id, Some(&DEMO_OFFICE_EMAILS))?;
        let tributi = &office_ids[0];

        for ((email, role, first, last, offices_of), hash) in DEMO_STAFF.iter().zip(&hashes) {
            let id = upsert_staff(c, &tenant.id, email, hash, role, first, last)?;
            let ids: Vec<String> = offices_of.iter().map(|i| office_ids[*i].clone()).collect();
            users::set_offices(c, &tenant.id, &id, &ids)?;
        }
        upsert_demo_citizen(c, &tenant.id, &hashes[DEMO_STAFF.len()], now)?;
        demo_agenda(c, &tenant.id, tributi)?;
        crate::services::account::demo::seed(c, &tenant.id, DEMO_CITIZEN_CF)?;

        for (i, (title, filename, category, description, lines)) in
            demo_documents().into_iter().enumerate()
        {
            let key = format!("{}/documents/demo-{filename}", tenant.id);
            let pdf = simple_pdf(title, &lines);
            files.put(&key, &pdf).map_err(crate::error::storage_error)?;
            if content::find_document_by_title(c, &tenant.id, title)?.is_none() {
                content::insert_document(
                    c,
                    &DocumentRow {
                        id: new_id(),
                        tenant_id: tenant.id.clone(),
                        title: title.into(),
                        description: Some(description.into()),
                        category: Some(category.into()),
                        filename: filename.into(),
                        content_type: "application/pdf".into(),
                        size: i64::try_from(pdf.len()).unwrap_or(0),
                        storage_key: key,
                        position: i32::try_from(i).unwrap_or(0),
                        published_at: now,
                    },
                )?;
                if let Some(doc) = content::find_document_by_title(c, &tenant.id, title)? {
                    let text = crate::pdf_text::extract(&pdf);
                    content::set_document_text(c, &tenant.id, &doc.id, text.as_deref())?;
                }
            }
        }
        public_content::seed(c, &tenant.id, now)?;
        Ok::<_, ApiError>(tenant.id)
    })?;

    let mut out = format!(
        "Comune di Esempio is ready (tenant {tenant_id}).\n\
         Every demo account uses the password: {DEMO_PASSWORD}\n\n"
    );
    for (email, role, first, last, offices_of) in DEMO_STAFF {
        let offices: Vec<&str> = offices_of.iter().map(|i| STANDARD_OFFICES[*i]).collect();
        let offices = if offices.is_empty() {
            String::new()
        } else {
            format!(" ({})", offices.join(", "))
        };
        let _ = writeln!(out, "  {role:<10} {email:<40} {first} {last}{offices}");
    }
    let _ = writeln!(
        out,
        "  {:<10} {DEMO_CITIZEN_EMAIL:<40} Mario Rossi (or codice fiscale {DEMO_CITIZEN_CF})",
        "citizen"
    );
    let _ = writeln!(
        out,
        "\nMario Rossi's taxpayer account: two utenze, this year's avviso ordinario (one instalment \
         paid, one overdue) and last year's ingiunzione."
    );
    Ok(out)
}

/// The demo Comune's codice fiscale (its creditor code on pagoPA) and an IBAN for the
/// transfers (a well-formed example, not a real account).
const DEMO_CREDITOR: &str = "00123450678";
const DEMO_IBAN: &str = "IT60X0542811101000000123456";

/// Sets up pagoPA for the demo Comune against the pagoPA at `url` (GPD at `<url>/gpd`,
/// Checkout at `<url>/checkout`; the local test platform `scripts/fakes/pagopa.py` in the
/// demo, which needs `SPORTELLO_ALLOW_LOOPBACK_INTEGRATIONS`): creditor code, segregation
/// code 01, IBAN, the URLs and the subscription key, as an administrator would in
/// `PUT /settings`. The demo taxpayer's instalments get their notices, and every act's debt
/// position is (re)published: the local platform keeps its positions in memory only, so
/// after it restarts they are created again.
pub fn demo_pagopa(config: &Config, url: &str, key: &str) -> anyhow::Result<String> {
    use domain::pagopa::settings::UpdatePagopaSettings;

    use crate::db::repo::pagopa;
    use crate::services::pagopa::{notices, settings as pagopa_settings};

    let (db, secret) = crate::startup::open_database(config)?;
    let egress = crate::egress::Egress::new(config.egress_policy())?;
    let base = url.trim_end_matches('/').to_owned();
    let now = Utc::now().naive_utc();
    let count = db.write_tx(|c| {
        use crate::db::schema::gpd_positions;
        use diesel::prelude::*;

        let tenant = tenants::default_tenant(c)?
            .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("seed the demo Comune first")))?;
        let before = pagopa_settings::load(c, &tenant.id)?;
        let body = UpdatePagopaSettings {
            creditor_fiscal_code: Some(DEMO_CREDITOR.into()),
            segregation_code: Some("01".into()),
            iban: Some(DEMO_IBAN.into()),
            gpd_url: Some(format!("{base}/gpd")),
            gpd_subscription_key: Some(key.to_owned()),
            checkout_url: Some(format!("{base}/checkout")),
            ..UpdatePagopaSettings::default()
        };
        let after = pagopa_settings::apply(&before, &body, &egress, &secret, &tenant.id, now)?;
        pagopa_settings::save(c, &after)?;
        notices::sync_tenant(c, &tenant.id, now)?;
        diesel::delete(gpd_positions::table.filter(gpd_positions::tenant_id.eq(&tenant.id)))
            .execute(c)?;
        let acts = pagopa::act_ids_of_tenant(c, &tenant.id)?;
        for id in &acts {
            pagopa::enqueue_gpd(c, &tenant.id, id, now)?;
        }
        Ok::<_, ApiError>(acts.len())
    })?;
    Ok(format!(
        "pagoPA is set up against {base} (creditor {DEMO_CREDITOR}, segregation code 01): \
         {count} debt positions are published by the server's GPD worker, and the demo \
         taxpayer can pay the notices online."
    ))
}

/// Sets up "Entra con SPID" and "Entra con CIE" for the demo Comune against the OpenID
/// provider at `url` (the local test provider `scripts/oidc/op.py`, which `scripts/run.sh
/// --demo` starts): registers a client for each at its registration endpoint (RFC 7591,
/// which the test provider offers; a production proxy registers clients by hand) with the
/// public half of `key_pem`, and enables both, as an administrator would in
/// `PUT /settings/identity-providers/{provider}`.
pub fn demo_identity(config: &Config, url: &str, key_pem: &str) -> anyhow::Result<String> {
    use domain::identity::{Assurance, IdentityProvider};

    use crate::db::models::IdentityProviderRow;
    use crate::db::repo::identity;
    use crate::db::repo::secrets::identity_key_row;
    use crate::secret_key::Column;
    use crate::services::identity::client::ClientKey;
    use crate::services::identity::settings::redirect_uri;

    let public_url = config.public_url.clone().ok_or_else(|| {
        anyhow::anyhow!("SPORTELLO_PUBLIC_URL is needed: the provider sends citizens back there")
    })?;
    let key = ClientKey::from_pem(key_pem).map_err(|e| anyhow::anyhow!("the key: {e}"))?;
    let issuer = url.trim_end_matches('/').to_owned();
    let (db, secret) = crate::startup::open_database(config)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let http = reqwest::Client::new();
    let mut done = Vec::new();
    for provider in IdentityProvider::ALL {
        let body = serde_json::json!({
            "client_name": format!("Sportello demo ({})", provider.label()),
            "redirect_uris": [redirect_uri(&public_url, *provider)],
            "post_logout_redirect_uris": [format!("{}/", public_url.trim_end_matches('/'))],
            "jwks": key.jwks(),
            "token_endpoint_auth_method": "private_key_jwt",
            "response_types": ["code"],
            "grant_types": ["authorization_code"],
        });
        let client_id = runtime.block_on(async {
            let discovery: serde_json::Value = http
                .get(format!("{issuer}/.well-known/openid-configuration"))
                .send()
                .await?
                .error_for_status()?
                .json()
                .await?;
            let endpoint = discovery["registration_endpoint"]
                .as_str()
                .ok_or_else(|| anyhow::anyhow!("{issuer} offers no client registration"))?
                .to_owned();
            let reg: serde_json::Value = http
                .post(endpoint)
                .json(&body)
                .send()
                .await?
                .error_for_status()?
                .json()
                .await?;
            reg["client_id"]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| anyhow::anyhow!("no client_id in the registration"))
        })?;
        db.write_tx(|c| {
            let tenant = tenants::default_tenant(c)?
                .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("seed the demo Comune first")))?;
            identity::save_provider(
                c,
                &IdentityProviderRow {
                    tenant_id: tenant.id.clone(),
                    provider: *provider,
                    enabled: true,
                    issuer: Some(issuer.clone()),
                    client_id: Some(client_id.clone()),
                    level: Assurance::L2,
                    private_key: Some(secret.seal(
                        key_pem.trim(),
                        Column::IdentityProviderKey,
                        &identity_key_row(&tenant.id, *provider),
                    )),
                    updated_at: Utc::now().naive_utc(),
                },
            )?;
            Ok::<_, ApiError>(())
        })?;
        done.push(provider.label());
    }
    Ok(format!(
        "{} sign-in is set up against the test identity provider {issuer}:          log in as mario.rossi, laura.bianchi or giulia.verdi (password: test).",
        done.join(" and ")
    ))
}

/// The demo desk (weekday mornings, Tuesday and Friday afternoons, in person or by video),
/// a pickup zone and the catalogue of what it collects.
fn demo_agenda(
    c: &mut crate::db::DbConn,
    tenant_id: &str,
    office_id: &str,
) -> Result<(), ApiError> {
    use crate::services::agenda;
    use domain::agenda::{DeskMode, PickupKind};
    use domain::api::{
        DateOverrideDto, DeskServiceDto, SaveDesk, SavePickupItem, SavePickupZone, WeeklyRangeDto,
    };

    let range = |weekday: u8, start: &str, end: &str| WeeklyRangeDto {
        weekday,
        start: start.into(),
        end: end.into(),
    };
    let mut weekly: Vec<WeeklyRangeDto> = (1..=5).map(|d| range(d, "09:00", "12:30")).collect();
    weekly.extend([range(2, "16:00", "18:00"), range(5, "16:00", "18:00")]);
    let service = |code: &str, name: &str, duration_minutes| DeskServiceDto {
        code: code.into(),
        name: name.into(),
        duration_minutes,
    };
    agenda::seed_desk(
        c,
        tenant_id,
        &SaveDesk {
            name: "Sportello TARI".into(),
            office_id: office_id.into(),
            mode: DeskMode::Both,
            address: Some("Piazza del Municipio 1, Esempio".into()),
            services: vec![
                service(
                    "informazioni",
                    "Informazioni TARI e avvisi di pagamento",
                    20,
                ),
                service(
                    "utenze",
                    "Attivazione, variazione o cessazione dell'utenza",
                    30,
                ),
                service("rateizzazioni", "Rateizzazioni e rimborsi", 30),
            ],
            capacity: 2,
            buffer_minutes: 5,
            booking_window_days: 30,
            min_notice_minutes: 60,
            cancel_until_minutes: 120,
            confirm_by_email: false,
            open_on_holidays: false,
            max_open_bookings_per_person: 3,
            weekly,
            overrides: vec![DateOverrideDto {
                date: chrono::NaiveDate::from_ymd_opt(2027, 1, 7).expect("valid"),
                closed: false,
                ranges: Some(vec![domain::api::TimeRangeDto {
                    start: "09:00".into(),
                    end: "11:00".into(),
                }]),
                note: Some("Giovedì 7 gennaio lo sportello chiude alle 11".into()),
            }],
        },
    )?;
    agenda::seed_zone(
        c,
        tenant_id,
        &SavePickupZone {
            name: "Centro e frazioni".into(),
            postcodes: vec!["00010".into()],
            streets: vec![
                "Via Roma".into(),
                "Via Garibaldi".into(),
                "Piazza del Municipio".into(),
            ],
            weekdays: vec![2, 4],
            daily_capacity: 20,
            max_pieces_per_booking: 6,
            kinds: vec![
                PickupKind::Ingombranti,
                PickupKind::Raee,
                PickupKind::Sfalci,
            ],
            overrides: vec![],
            min_notice_days: 2,
            booking_window_days: 60,
            cancel_until_days: 1,
        },
    )?;
    for (code, name, kind, pieces) in [
        ("divano", "Divano", PickupKind::Ingombranti, 2),
        ("materasso", "Materasso", PickupKind::Ingombranti, 1),
        ("armadio", "Armadio (smontato)", PickupKind::Ingombranti, 3),
        ("sedia", "Sedia", PickupKind::Ingombranti, 1),
        (
            "frigorifero",
            "Frigorifero o congelatore",
            PickupKind::Raee,
            2,
        ),
        (
            "lavatrice",
            "Lavatrice o lavastoviglie",
            PickupKind::Raee,
            2,
        ),
        ("televisore", "Televisore o monitor", PickupKind::Raee, 1),
        (
            "sfalci",
            "Sacco di sfalci (fino a 100 litri)",
            PickupKind::Sfalci,
            1,
        ),
        ("potature", "Fascina di potature", PickupKind::Sfalci, 1),
    ] {
        agenda::seed_item(
            c,
            tenant_id,
            &SavePickupItem {
                code: code.into(),
                name: name.into(),
                kind,
                pieces,
            },
        )?;
    }
    Ok(())
}

/// The approved demo citizen, found by codice fiscale.
fn upsert_demo_citizen(
    c: &mut crate::db::DbConn,
    tenant_id: &str,
    hash: &str,
    now: chrono::NaiveDateTime,
) -> Result<String, ApiError> {
    use crate::db::schema::users::dsl as u;
    use diesel::prelude::*;
    if let Some(existing) = users::find_by_username(c, tenant_id, DEMO_CITIZEN_CF)? {
        diesel::update(u::users.find(&existing.id))
            .set((
                u::password_hash.eq(hash),
                u::status.eq("approved"),
                u::active.eq(true),
                u::updated_at.eq(now),
            ))
            .execute(c)?;
        return Ok(existing.id);
    }
    let row = UserRow {
        id: new_id(),
        tenant_id: tenant_id.to_owned(),
        role: Role::Citizen,
        email: Some(DEMO_CITIZEN_EMAIL.into()),
        fiscal_code: Some(DEMO_CITIZEN_CF.into()),
        first_name: "Mario".into(),
        last_name: "Rossi".into(),
        phone: Some("+393331234567".into()),
        password_hash: Some(hash.to_owned()),
        status: RegistrationStatus::Approved,
        active: true,
        failed_logins: 0,
        locked_until: None,
        created_at: now,
        updated_at: now,
        session_version: 0,
    };
    users::insert(c, &row)?;
    Ok(row.id)
}

/// `(title, file name, category, description, text lines)` of the demo documents.
fn demo_documents() -> Vec<(
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Vec<&'static str>,
)> {
    vec![
        (
            "Regolamento TARI",
            "regolamento-tari.pdf",
            "Regolamenti",
            "Regolamento per l'applicazione della tassa sui rifiuti (documento dimostrativo).",
            vec![
                "Art. 1 - Oggetto. Il presente regolamento disciplina la tassa sui rifiuti (TARI).",
                "Art. 2 - Presupposto. È dovuta da chi possiede o detiene locali o aree",
                "scoperte suscettibili di produrre rifiuti urbani.",
                "Art. 3 - Dichiarazione. Va presentata entro 90 giorni dall'inizio",
                "dell'occupazione, della variazione o della cessazione.",
                "Art. 4 - Tariffa. Composta da una quota fissa e da una quota variabile.",
                "Documento dimostrativo generato da Sportello.",
            ],
        ),
        (
            "Carta della qualità del servizio",
            "carta-della-qualita.pdf",
            "Carta dei servizi",
            "Standard di qualità TQRIF (delibera ARERA 15/2022/R/rif) e tempi di risposta.",
            vec![
                "Tempi massimi di risposta, in giorni lavorativi:",
                "- reclami e richieste di informazioni: 30",
                "- rettifica degli importi: 60",
                "- attivazione, variazione e cessazione: 30",
                "- rimborsi: 120",
                "- ritiro su chiamata: 15",
                "- disservizi: 5; riparazione delle attrezzature: 10",
                "Documento dimostrativo generato da Sportello.",
            ],
        ),
        (
            "Calendario della raccolta differenziata",
            "calendario-raccolta.pdf",
            "Raccolta",
            "Giorni di raccolta porta a porta per tipo di rifiuto.",
            vec![
                "Lunedì: organico",
                "Martedì: carta e cartone",
                "Mercoledì: plastica e metalli",
                "Giovedì: organico",
                "Venerdì: vetro",
                "Sabato: indifferenziato",
                "Esporre i contenitori entro le ore 6:00 del giorno di raccolta.",
            ],
        ),
        (
            "Tariffe TARI 2026",
            "tariffe-tari-2026.pdf",
            "Tariffe",
            "Tariffe approvate per le utenze domestiche e non domestiche.",
            vec![
                "Utenze domestiche: quota fissa per metro quadrato e quota variabile",
                "secondo il numero di occupanti.",
                "Utenze non domestiche: tariffe per categoria di attività.",
                "Scadenze: 16 luglio e 2 dicembre 2026.",
                "Documento dimostrativo generato da Sportello.",
            ],
        ),
    ]
}

/// A one-page PDF (A4, Helvetica) with a title and lines of text. Characters outside
/// Latin-1 become `?`.
pub fn simple_pdf(title: &str, lines: &[&str]) -> Vec<u8> {
    fn pdf_string(s: &str) -> Vec<u8> {
        let mut out = vec![b'('];
        for ch in s.chars() {
            let b = u8::try_from(u32::from(ch)).unwrap_or(b'?');
            if matches!(b, b'(' | b')' | b'\\') {
                out.push(b'\\');
            }
            out.push(b);
        }
        out.push(b')');
        out
    }
    let mut stream = b"BT /F1 18 Tf 56 780 Td ".to_vec();
    stream.extend(pdf_string(title));
    stream.extend_from_slice(b" Tj ET\nBT /F2 11 Tf 16 TL 56 740 Td\n");
    for line in lines {
        stream.extend(pdf_string(line));
        stream.extend_from_slice(b" Tj T*\n");
    }
    stream.extend_from_slice(b"ET\n");

    let objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
          /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>"
            .to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
            .to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_vec(),
        [
            format!("<< /Length {} >>\nstream\n", stream.len()).into_bytes(),
            stream,
            b"endstream".to_vec(),
        ]
        .concat(),
    ];
    let mut pdf = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend(format!("{} 0 obj\n", i + 1).into_bytes());
        pdf.extend_from_slice(body);
        pdf.extend_from_slice(b"\nendobj\n");
    }
    let xref = pdf.len();
    pdf.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).into_bytes());
    for off in offsets {
        pdf.extend(format!("{off:010} 00000 n \n").into_bytes());
    }
    pdf.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .into_bytes(),
    );
    pdf
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The demo's pagoPA: refused on loopback unless the policy allows it; then the demo
    /// taxpayer's unpaid instalments have notices and every act a GPD job, and seeding
    /// again issues no second notice.
    #[test]
    fn demo_pagopa_issues_notices_once_and_queues_the_positions() {
        use crate::db::schema::{gpd_jobs, payment_notices};
        use diesel::prelude::*;

        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("d.db").display());
        let mut config = Config::for_paths(&url, dir.path().join("files"));
        demo(&config).unwrap();
        let refused = demo_pagopa(&config, "http://127.0.0.1:9", "k").unwrap_err();
        assert!(refused.to_string().contains("gpd_url"), "{refused:#}");
        config.allow_loopback_integrations = true;
        let counts = |config: &Config| {
            let db = Db::connect(&config.database_url, 1, false).unwrap();
            db.read(|c| {
                Ok::<_, ApiError>((
                    payment_notices::table.count().get_result::<i64>(c)?,
                    gpd_jobs::table.count().get_result::<i64>(c)?,
                ))
            })
            .unwrap()
        };
        assert_eq!(counts(&config), (0, 0), "nothing before pagoPA is set up");
        let report = demo_pagopa(&config, "http://127.0.0.1:9/", "k").unwrap();
        assert!(report.contains("http://127.0.0.1:9 "), "{report}");
        // Two instalments of the avviso ordinario and the ingiunzione; two acts.
        assert_eq!(counts(&config), (3, 2));
        demo(&config).unwrap();
        demo_pagopa(&config, "http://127.0.0.1:9", "k").unwrap();
        assert_eq!(counts(&config), (3, 2));
    }

    /// Every cross-reference offset points at its object, and the stream length is exact.
    #[test]
    fn simple_pdf_is_well_formed() {
        let pdf = simple_pdf(
            "Carta della qualità (bozza)",
            &["Riga con \\ e ()", "Lunedì"],
        );
        let text = String::from_utf8_lossy(&pdf).into_owned();
        assert!(pdf.starts_with(b"%PDF-1.4\n") && pdf.ends_with(b"%%EOF\n"));
        let startxref: usize = text
            .rsplit("startxref\n")
            .next()
            .and_then(|t| t.lines().next())
            .and_then(|n| n.parse().ok())
            .unwrap();
        assert!(pdf[startxref..].starts_with(b"xref\n0 7\n"));
        let table = String::from_utf8_lossy(&pdf[startxref..]).into_owned();
        for (i, line) in table.lines().skip(3).take(6).enumerate() {
            let offset: usize = line[..10].parse().unwrap();
            assert!(pdf[offset..].starts_with(format!("{} 0 obj", i + 1).as_bytes()));
        }
        // Latin-1 text, escaped parentheses and backslashes.
        assert!(pdf.windows(6).any(|w| w == b"qualit".as_slice()));
        assert!(pdf.windows(2).any(|w| w == [0xE0, b' ']));
        let escaped = b"(Riga con \\\\ e \\(\\))";
        assert!(pdf.windows(escaped.len()).any(|w| w == escaped.as_slice()));
    }
}
