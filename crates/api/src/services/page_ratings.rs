//! "Valuta questo servizio" on public pages (a service's scheda, the confirmations):
//! anonymous answers stored one per row, and their report for the staff
//! (`domain::rating::PageRating`).

use chrono::{Days, Utc};
use domain::api::{AspectCount, PageRatingLine, RatingComment, RatingReport};
use domain::rating::{PageRating, RatedPage, RatingAspect};

use crate::auth::AuthUser;
use crate::db::models::PageRatingRow;
use crate::db::repo::{new_id, public_content};
use crate::error::{ApiError, ApiResult};
use crate::services::answers::rome_midnight_utc;
use crate::services::registry::Period;
use crate::state::AppState;
use crate::tenancy::TenantCtx;

/// Comments shown in the report.
const COMMENTS: i64 = 20;

/// Stores a visitor's rating of a page that has the block (a service's scheda only for
/// one of the tenant's active services).
pub fn record(state: &AppState, tenant: &TenantCtx, body: &PageRating) -> ApiResult<()> {
    let (page, rating) = body.clone().validate()?;
    if let RatedPage::Service(code) = &page
        && !tenant
            .directory
            .request_type(code)
            .is_some_and(|t| t.active)
    {
        return Err(ApiError::invalid(
            "page",
            "Servizio sconosciuto",
            "Unknown service",
        ));
    }
    let row = PageRatingRow {
        id: new_id(),
        tenant_id: tenant.id.clone(),
        page: page.path(),
        stars: i32::from(rating.stars),
        aspects: rating
            .aspects
            .iter()
            .map(|a| a.code())
            .collect::<Vec<_>>()
            .join(","),
        details: rating.details,
        created_at: Utc::now().naive_utc(),
    };
    state
        .db
        .write_tx(|c| public_content::insert_page_rating(c, &row))
}

/// The page's name in the report: the service's, or the confirmation's.
fn title(tenant: &TenantCtx, page: &str) -> String {
    match RatedPage::parse(page) {
        Some(RatedPage::Service(code)) => tenant
            .directory
            .request_type(&code)
            .map_or(code, |t| t.name.clone()),
        Some(RatedPage::Filed) => "Conferma della richiesta".to_owned(),
        Some(RatedPage::Booked) => "Conferma dell'appuntamento".to_owned(),
        Some(RatedPage::PickupBooked) => "Conferma del ritiro ingombranti".to_owned(),
        None => page.to_owned(),
    }
}

/// `GET /reports/ratings?from&to` (Europe/Rome dates, both included): staff.
pub fn report(state: &AppState, user: &AuthUser, period: Period) -> ApiResult<RatingReport> {
    user.require_staff()?;
    let start = rome_midnight_utc(period.from);
    let end = rome_midnight_utc(
        period
            .to
            .checked_add_days(Days::new(1))
            .unwrap_or(period.to),
    );
    let (counts, comments) = state.db.read(|c| {
        let counts = public_content::page_rating_counts(c, user.tenant_id(), start, end)?;
        let comments =
            public_content::page_rating_comments(c, user.tenant_id(), start, end, COMMENTS)?;
        Ok::<_, ApiError>((counts, comments))
    })?;
    let mut pages: Vec<PageRatingLine> = Vec::new();
    for (page, stars, aspects, n) in counts {
        let n = u64::try_from(n).unwrap_or(0);
        let at = pages
            .iter()
            .position(|l| l.page == page)
            .unwrap_or_else(|| {
                pages.push(PageRatingLine {
                    title: title(&user.tenant, &page),
                    page,
                    count: 0,
                    stars: vec![0; 5],
                    aspects: Vec::new(),
                });
                pages.len() - 1
            });
        let line = &mut pages[at];
        line.count += n;
        if let Some(slot) = usize::try_from(stars - 1)
            .ok()
            .and_then(|i| line.stars.get_mut(i))
        {
            *slot += n;
        }
        for aspect in aspects.split(',').filter_map(RatingAspect::from_code) {
            match line.aspects.iter_mut().find(|a| a.aspect == aspect) {
                Some(a) => a.count += n,
                None => line.aspects.push(AspectCount { aspect, count: n }),
            }
        }
    }
    for line in &mut pages {
        line.aspects
            .sort_by(|a, b| b.count.cmp(&a.count).then(a.aspect.cmp(&b.aspect)));
    }
    pages.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.page.cmp(&b.page)));
    Ok(RatingReport {
        from: period.from,
        to: period.to,
        total: pages.iter().map(|l| l.count).sum(),
        pages,
        comments: comments
            .into_iter()
            .map(|r| RatingComment {
                page: r.page,
                stars: u8::try_from(r.stars).unwrap_or_default(),
                details: r.details.unwrap_or_default(),
                created_at: r.created_at.and_utc(),
            })
            .collect(),
    })
}
