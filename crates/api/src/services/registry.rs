//! The TQRIF register: compliance per kind and the CSV of every request for ARERA.

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, Utc};
use domain::calendar::{WorkingCalendar, rome_date};
use domain::registry::{Aggregator, CSV_HEADER, RegisterEntry, RegisterReport};

use crate::auth::AuthUser;
use crate::db::repo;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Rows read per database round trip: memory stays flat whatever the period holds.
const PAGE: i64 = 5_000;

/// A period of receipt dates (Europe/Rome), as UTC bounds wide enough to contain it; the
/// exact cut is made on the Rome date.
#[derive(Debug, Clone, Copy)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    pub fn new(from: Option<NaiveDate>, to: Option<NaiveDate>) -> ApiResult<Self> {
        let today = rome_date(Utc::now());
        let from =
            from.unwrap_or_else(|| NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today));
        let to = to.unwrap_or(today);
        if to < from {
            return Err(ApiError::invalid(
                "to",
                "La data finale precede quella iniziale",
                "The end date is before the start date",
            ));
        }
        if (to - from).num_days() > 366 * 5 {
            return Err(ApiError::invalid(
                "to",
                "Periodo troppo lungo (al massimo 5 anni)",
                "Period too long (at most 5 years)",
            ));
        }
        Ok(Self { from, to })
    }

    fn utc_bounds(self) -> (NaiveDateTime, NaiveDateTime) {
        let start = self
            .from
            .checked_sub_days(Days::new(1))
            .unwrap_or(self.from)
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default();
        let end = self
            .to
            .checked_add_days(Days::new(1))
            .unwrap_or(self.to)
            .and_hms_opt(23, 59, 59)
            .unwrap_or_default();
        (start, end)
    }

    fn contains(self, e: &RegisterEntry) -> bool {
        let d = rome_date(e.received_at);
        d >= self.from && d <= self.to
    }
}

/// Visits every register entry of the period, page by page.
pub fn for_each_entry(
    state: &AppState,
    tenant_id: &str,
    period: Period,
    mut f: impl FnMut(&RegisterEntry),
) -> ApiResult<()> {
    let (start, end) = period.utc_bounds();
    let mut after: Option<repo::registry::Mark> = None;
    loop {
        let (entries, next) = state
            .db
            .read(|c| repo::registry::page(c, tenant_id, start, end, after.as_ref(), PAGE))?;
        for e in entries.iter().filter(|e| period.contains(e)) {
            f(e);
        }
        match next {
            Some(n) => after = Some(n),
            None => return Ok(()),
        }
    }
}

pub fn report(state: &AppState, user: &AuthUser, period: Period) -> ApiResult<RegisterReport> {
    user.require_staff()?;
    let tenant = &user.tenant;
    aggregate(
        state,
        &tenant.id,
        &tenant.calendar,
        period,
        rome_date(Utc::now()),
    )
}

/// The register report of the period as of `today`: only the figures' inputs are read,
/// streamed straight into the domain's aggregation in one pass.
pub fn aggregate(
    state: &AppState,
    tenant_id: &str,
    calendar: &WorkingCalendar,
    period: Period,
    today: NaiveDate,
) -> ApiResult<RegisterReport> {
    let (start, end) = period.utc_bounds();
    let mut agg = Aggregator::new(period.from, period.to, today, calendar);
    state
        .db
        .read(|c| repo::registry::for_each_facts(c, tenant_id, start, end, |f| agg.push(f)))?;
    Ok(agg.finish())
}

/// Streams the CSV: the header, then rows in protocol order, sent in chunks through
/// `tx` as they are read. Stops quietly if the client goes away.
pub fn write_csv(
    state: &AppState,
    user: &AuthUser,
    period: Period,
    tx: &tokio::sync::mpsc::Sender<Vec<u8>>,
) -> ApiResult<()> {
    user.require_staff()?;
    let tenant = &user.tenant;
    let mut buf = String::with_capacity(256 * 1024);
    buf.push_str(CSV_HEADER);
    buf.push_str("\r\n");
    let mut closed = false;
    for_each_entry(state, &tenant.id, period, |e| {
        if closed {
            return;
        }
        e.write_csv_row(&mut buf, &tenant.calendar);
        buf.push_str("\r\n");
        if buf.len() >= 192 * 1024 {
            closed = tx
                .blocking_send(std::mem::take(&mut buf).into_bytes())
                .is_err();
        }
    })?;
    if !closed && !buf.is_empty() {
        let _ = tx.blocking_send(buf.into_bytes());
    }
    Ok(())
}
