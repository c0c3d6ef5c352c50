//! Paying a notice online with pagoPA Checkout (`POST {checkout_url}/carts`: the notice and
//! the return URLs; Checkout answers 302 to its payment page, which the citizen is sent to),
//! and the receipts of notices paid through pagoPA.

use chrono::Utc;
use domain::api::{CheckoutSession, Receipt, ReceiptList};
use domain::pagopa::NoticeStatus;
use serde_json::json;

use super::notices::{self, parse_nav};
use super::settings;
use crate::auth::AuthUser;
use crate::db::models::ReceiptRow;
use crate::db::repo::{new_id, pagopa, taxpayer};
use crate::error::{ApiError, ApiResult};
use crate::mail::pdf::Block;
use crate::state::AppState;

fn not_configured() -> ApiError {
    ApiError::conflict(
        "Il pagamento online non è attivo per questo ente",
        "Online payment is not enabled for this body",
    )
}

/// Opens a Checkout session for one of the caller's unpaid notices.
pub async fn start(
    state: actix_web::web::Data<AppState>,
    user: AuthUser,
    nav: &str,
) -> ApiResult<CheckoutSession> {
    let nav = parse_nav(nav)?;
    let st = state.clone();
    let u = user.clone();
    let (notice, checkout, portal) = crate::error::blocking(move || {
        st.db.read(|c| {
            let row = notices::visible(c, &u, &nav, false)?;
            let view = notices::views(
                c,
                std::slice::from_ref(&row),
                domain::calendar::rome_date(Utc::now()),
            )?
            .pop()
            .ok_or(ApiError::NotFound)?;
            if view.status != NoticeStatus::Unpaid {
                return Err(ApiError::conflict(
                    "L'avviso non è da pagare (pagato o annullato)",
                    "The notice is not payable (paid or cancelled)",
                ));
            }
            let cfg = settings::load(c, u.tenant_id())?.config;
            let checkout = cfg.checkout_url.ok_or_else(not_configured)?;
            let portal = crate::mail::outbound::brand(c, &st.config, &u.tenant)?
                .public_url
                .ok_or_else(not_configured)?;
            Ok::<_, ApiError>((view, checkout, portal))
        })
    })
    .await?;
    let creditor = notice
        .qr_payload
        .split('|')
        .nth(3)
        .unwrap_or_default()
        .to_owned();
    let back = |outcome: &str| {
        format!(
            "{}/area-personale/avvisi/{}?esito={outcome}",
            portal.trim_end_matches('/'),
            notice.nav
        )
    };
    let body = json!({
        "paymentNotices": [{
            "noticeNumber": notice.nav, "fiscalCode": creditor, "amount": notice.amount,
            "companyName": user.tenant.name.chars().take(140).collect::<String>(),
            "description": format!("Avviso {} rata {}", notice.nav, notice.instalment),
        }],
        "returnUrls": {
            "returnOkUrl": back("ok"), "returnCancelUrl": back("annullato"),
            "returnErrorUrl": back("errore"),
        },
    });
    let url = state
        .egress
        .check_url(&format!("{}/carts", checkout.trim_end_matches('/')))
        .map_err(|_| not_configured())?;
    let request_id = new_id();
    let res = state
        .egress
        .client()
        .post(url)
        .header("X-Request-Id", &request_id)
        .json(&body)
        .send()
        .await
        .map_err(|e| {
            tracing::warn!(integration = "checkout", request_id, error = %e, "Checkout call failed");
            ApiError::Unavailable
        })?;
    tracing::info!(
        integration = "checkout",
        request_id,
        status = res.status().as_u16(),
        "Checkout call"
    );
    // Checkout answers with a redirect to its payment page (never followed here).
    let location = res
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .filter(|_| res.status().is_redirection())
        .map(str::to_owned);
    location
        .map(|redirect_url| CheckoutSession { redirect_url })
        .ok_or(ApiError::Unavailable)
}

fn receipt_dto(r: &ReceiptRow) -> Receipt {
    Receipt {
        id: r.id.clone(),
        receipt_id: r.receipt_id.clone(),
        nav: r.nav.clone(),
        act_id: r.act_id.clone(),
        instalment: u32::try_from(r.instalment).unwrap_or(0),
        amount: r.amount,
        psp: r.psp.clone(),
        paid_at: r.paid_at.and_utc(),
    }
}

/// The receipts of the caller's notices, newest first.
pub fn my_receipts(state: &AppState, user: &AuthUser) -> ApiResult<ReceiptList> {
    state.db.read(|c| {
        let Some(me) = taxpayer::contribuente_of_citizen(c, user.tenant_id(), &user.user_id)?
        else {
            return Ok::<_, ApiError>(ReceiptList { items: Vec::new() });
        };
        let ids: Vec<String> = taxpayer::acts_of(c, &me.id)?
            .into_iter()
            .map(|a| a.id)
            .collect();
        Ok(ReceiptList {
            items: pagopa::receipts_of(c, &ids)?
                .iter()
                .map(receipt_dto)
                .collect(),
        })
    })
}

/// The ricevuta of one of the caller's payments as a PDF.
pub fn receipt_pdf(state: &AppState, user: &AuthUser, id: &str) -> ApiResult<Vec<u8>> {
    let (r, owner) = state.db.read(|c| {
        let r = pagopa::find_receipt(c, user.tenant_id(), id)?.ok_or(ApiError::NotFound)?;
        let me = taxpayer::contribuente_of_citizen(c, user.tenant_id(), &user.user_id)?
            .ok_or(ApiError::NotFound)?;
        let act = taxpayer::find_act(c, user.tenant_id(), &r.act_id)?.ok_or(ApiError::NotFound)?;
        if act.contribuente_id != me.id {
            return Err(ApiError::NotFound);
        }
        Ok::<_, ApiError>((r, crate::services::account::contribuente_dto(&me)?))
    })?;
    let local = r.paid_at.and_utc() + domain::calendar::rome_offset(r.paid_at.and_utc());
    let nav =
        domain::pagopa::NoticeNumber::parse(&r.nav).map_or_else(|_| r.nav.clone(), |n| n.printed());
    let blocks = vec![
        Block::Title("Ricevuta di pagamento pagoPA".to_owned()),
        Block::Paragraph(user.tenant.name.clone()),
        Block::Rule,
        Block::Field("Codice avviso".into(), nav),
        Block::Field(
            "Importo".into(),
            domain::types::Money::from_cents(r.amount).to_string(),
        ),
        Block::Field(
            "Data e ora".into(),
            local.format("%d/%m/%Y %H:%M").to_string(),
        ),
        Block::Field("Identificativo ricevuta".into(), r.receipt_id.clone()),
        Block::Field(
            "Prestatore del servizio (PSP)".into(),
            r.psp.clone().unwrap_or_else(|| "-".into()),
        ),
        Block::Field("Rata".into(), r.instalment.to_string()),
        Block::Field(
            "Pagatore".into(),
            format!("{} ({})", owner.display_name(), owner.fiscal_code),
        ),
        Block::Space,
        Block::Note("Ricevuta liberatoria: il pagamento estingue la rata indicata.".into()),
    ];
    Ok(crate::mail::pdf::render(
        "Ricevuta di pagamento",
        &format!("{} - ricevuta pagoPA {}", user.tenant.name, r.receipt_id),
        &blocks,
    ))
}
