//! The demo Comune's taxpayer account (`sportello seed-demo`): the demo citizen's
//! contribuente, two utenze, this year's avviso ordinario (one instalment paid, one overdue
//! so interest runs, one still to come) and last year's ingiunzione. Dates follow the day
//! of the seed; stored through the import path, so seeding again updates the same rows.

use chrono::{Datelike, Duration, NaiveDate, Utc};
use domain::calendar::rome_date;
use domain::tax::import::{Header, ImportKind};

use super::imports::batch::{self, Ctx, Line};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};

fn it(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

fn load(
    c: &mut DbConn,
    ctx: Ctx<'_>,
    kind: ImportKind,
    header: &str,
    rows: &[String],
) -> ApiResult<()> {
    let names: Vec<&str> = header.split(';').collect();
    let header = Header::parse(kind, &names)?;
    let lines: Vec<Line> = rows
        .iter()
        .zip(2..)
        .map(|(r, line)| Line {
            line,
            cells: r.split(';').map(str::to_owned).collect(),
        })
        .collect();
    let out = batch::process(c, ctx, &header, &lines, true)?;
    if let Some((line, e)) = out.errors.first() {
        return Err(ApiError::Internal(anyhow::anyhow!(
            "demo {kind} line {line}, {}: {}",
            e.field,
            e.message.en
        )));
    }
    Ok(())
}

/// Seeds the account of the citizen with codice fiscale `fiscal_code`.
pub fn seed(c: &mut DbConn, tenant_id: &str, fiscal_code: &str) -> ApiResult<()> {
    let now = Utc::now();
    let t = rome_date(now);
    let days = |n: i64| it(t + Duration::days(n));
    let ctx = Ctx {
        tenant_id,
        today: t,
        now: now.naive_utc(),
        actor: None,
    };
    let y = t.year();
    load(
        c,
        ctx,
        ImportKind::Contribuenti,
        "codice_fiscale;cognome;nome;indirizzo;cap;comune;provincia;email;telefono",
        &[format!(
            "{fiscal_code};Rossi;Mario;Via Garibaldi 12;00100;Esempio;RM;mario.rossi@example.it;+393331234567"
        )],
    )?;
    load(
        c,
        ctx,
        ImportKind::Utenze,
        "codice_utenza;codice_fiscale;tipo;indirizzo;cap;comune;foglio;particella;subalterno;categoria_catastale;superficie;occupanti;categoria;data_inizio",
        &[
            format!(
                "DEMO-U-0001;{fiscal_code};domestica;Via Garibaldi 12;00100;Esempio;14;221;3;A/2;95;3;;01/01/2015"
            ),
            format!(
                "DEMO-U-0002;{fiscal_code};non_domestica;Via Mazzini 4;00100;Esempio;14;230;1;C/1;40;;16;01/03/2020"
            ),
        ],
    )?;
    load(
        c,
        ctx,
        ImportKind::Acts,
        "codice_fiscale;codice_utenza;tipo;numero;anno;tributo;data_emissione;data_notifica;quota_tributo;sanzioni;interessi;spese_notifica;scadenza_1;importo_1;scadenza_2;importo_2;scadenza_3;importo_3",
        &[
            format!(
                "{fiscal_code};DEMO-U-0001;avviso_ordinario;{y}/000123;{y};tari;{};;;;;;{};98,00;{};98,00;{};98,00",
                days(-150),
                days(-120),
                days(-30),
                days(60)
            ),
            format!(
                "{fiscal_code};DEMO-U-0002;ingiunzione;ING/{}/45;{};tari;{};{};299,00;;;8,75;{};307,75;;;;",
                y - 1,
                y - 1,
                days(-200),
                days(-195),
                days(-135)
            ),
        ],
    )?;
    load(
        c,
        ctx,
        ImportKind::Payments,
        "id_pagamento;tributo;tipo_atto;anno;numero_atto;data;importo;canale;riferimento;rata",
        &[format!(
            "DEMO-PAG-0001;tari;avviso_ordinario;{y};{y}/000123;{};98,00;pagopa;RF18DEMO0000000000001;1",
            days(-121)
        )],
    )
}
