//! Reconciliation (rendicontazione) of pagoPA payments: the Flusso di Rendicontazione a PSP
//! sends for each SEPA credit transfer (XML `FlussoRiversamento` 1.0.4, or FdR 3 over REST;
//! italy-standards.md §A5), checked on construction, and the rules that match its single
//! payments to our receipts, find receipts no flow reports, and check the bank statement
//! line of the transfer.
//!
//! Amounts are parsed from their decimal text into cents, never through floating point.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::WorkingCalendar;
use crate::error::{DomainError, Errors, FieldError};
use crate::types::Money;

/// Most single payments one flow may carry here (a PSP's daily flow is far smaller).
pub const MAX_FLOW_PAYMENTS: usize = 100_000;

/// Working days after the payment within which a flow is expected to report it (flows are
/// sent D+2; one more day for the transfer to be booked).
pub const REPORTING_WORKING_DAYS: u32 = 3;

crate::delivery::coded_enum! {
    /// `codiceEsitoSingoloPagamento`: what became of a single payment.
    PaymentResult {
        /// `0`: pagamento eseguito.
        Executed = "executed",
        /// `3`: pagamento revocato (the money went back to the payer).
        Revoked = "revoked",
        /// `9`: pagamento eseguito in assenza di RPT (stand-in).
        ExecutedNoRpt = "executed_no_rpt",
    }
}

impl PaymentResult {
    /// From the flow's code (0, 3, 9).
    pub fn from_esito(code: &str) -> Option<Self> {
        match code.trim() {
            "0" => Some(Self::Executed),
            "3" => Some(Self::Revoked),
            "9" => Some(Self::ExecutedNoRpt),
            _ => None,
        }
    }

    /// The flow's code.
    pub fn esito(self) -> &'static str {
        match self {
            Self::Executed => "0",
            Self::Revoked => "3",
            Self::ExecutedNoRpt => "9",
        }
    }

    /// From FdR 3's `payStatus`.
    pub fn from_pay_status(status: &str) -> Option<Self> {
        match status {
            "EXECUTED" => Some(Self::Executed),
            "REVOKED" => Some(Self::Revoked),
            "STAND_IN" | "STAND_IN_NO_RPT" | "NO_RPT" => Some(Self::ExecutedNoRpt),
            _ => None,
        }
    }
}

crate::delivery::coded_enum! {
    /// How a single payment of a flow compares with our books.
    LineOutcome {
        /// Our receipt with this IUR and IUV, the transfer's amount as we asked.
        Matched = "matched",
        /// Our receipt, but the amount differs from the transfer's.
        AmountMismatch = "amount_mismatch",
        /// The IUV is none of our notices: not ours, or a mistake of the PSP.
        UnknownIuv = "unknown_iuv",
        /// The IUV is one of our notices, but no receipt of ours carries this IUR (yet).
        NoReceipt = "no_receipt",
        /// Our receipt, but we asked for no transfer with this index.
        UnknownTransfer = "unknown_transfer",
        /// Our receipt, reported as revoked: the payment went back to the payer.
        Revoked = "revoked",
    }
}

crate::delivery::coded_enum! {
    /// The flow's total against the bank statement line of its transfer.
    BankOutcome {
        Matched = "matched",
        AmountMismatch = "amount_mismatch",
    }
}

crate::delivery::coded_enum! {
    /// Where a flow came from.
    FlowSource {
        /// A file an operator uploaded.
        Upload = "upload",
        /// The FdR REST API.
        Fdr = "fdr",
    }
}

/// Parses a decimal amount in euro (`"123.45"`, `"10"`, `"0.5"`) into cents: digits, an
/// optional `.` and at most two decimals; no sign, no exponent, no thousands separator.
pub fn parse_decimal_cents(input: &str) -> Option<Money> {
    let s = input.trim();
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty()
        || int.len() > 13
        || !int.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > 2
        || (s.contains('.') && frac.is_empty())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let euros: i64 = int.parse().ok()?;
    let cents: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().ok()? * 10,
        _ => frac.parse().ok()?,
    };
    euros
        .checked_mul(100)?
        .checked_add(cents)
        .map(Money::from_cents)
}

/// An amount in cents as the flows write it: `123.45`.
pub fn format_decimal(amount: Money) -> String {
    let c = amount.cents();
    let sign = if c < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", (c / 100).abs(), (c % 100).abs())
}

/// `identificativoFlusso`: `<YYYY-MM-DD><idPSP>-<n>`, at most 35 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FlowId(String);

impl FlowId {
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let s = input.trim();
        let bad = || {
            DomainError::invalid(
                "identificativoFlusso",
                format!(
                    "Identificativo del flusso non valido: «{}» (atteso <AAAA-MM-GG><idPSP>-<n>, al massimo 35 caratteri)",
                    s.chars().take(40).collect::<String>()
                ),
                format!(
                    "Invalid flow id: \"{}\" (expected <YYYY-MM-DD><idPSP>-<n>, at most 35 characters)",
                    s.chars().take(40).collect::<String>()
                ),
            )
        };
        let word = |w: &str| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
        };
        if s.len() > 35 || !s.is_ascii() || s.len() < 13 {
            return Err(bad());
        }
        let (date, rest) = s.split_at(10);
        if NaiveDate::parse_from_str(date, "%Y-%m-%d").is_err() {
            return Err(bad());
        }
        let Some((psp, n)) = rest.rsplit_once('-') else {
            return Err(bad());
        };
        let psp_ok = !psp.is_empty() && !psp.starts_with('-') && psp.split('-').all(word);
        if !psp_ok || !word(n) {
            return Err(bad());
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The PSP's identifier inside the id.
    pub fn psp(&self) -> &str {
        self.0[10..].rsplit_once('-').map_or("", |(p, _)| p)
    }
}

impl fmt::Display for FlowId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A flow as read from a file or the REST API: every field as its text, checked by
/// [`Flow::from_raw`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawFlow {
    pub flow_id: String,
    pub flow_at: String,
    pub settlement_ref: String,
    pub settlement_date: String,
    pub sender_id: String,
    pub sender_name: Option<String>,
    pub receiver_id: String,
    pub receiver_name: Option<String>,
    pub payment_count: String,
    pub total_amount: String,
    pub payments: Vec<RawPayment>,
}

/// One `datiSingoliPagamenti` as its text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawPayment {
    pub iuv: String,
    pub iur: String,
    pub index: String,
    pub amount: String,
    pub result: String,
    pub date: String,
}

/// A checked flow: totals consistent with its single payments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flow {
    pub id: FlowId,
    /// `dataOraFlusso`, UTC (a time without zone is taken as UTC).
    pub flow_at: NaiveDateTime,
    /// `identificativoUnivocoRegolamento`: the SCT's reference (TRN).
    pub settlement_ref: String,
    pub settlement_date: NaiveDate,
    pub sender_id: String,
    pub sender_name: Option<String>,
    /// The creditor's codice fiscale.
    pub receiver_id: String,
    pub receiver_name: Option<String>,
    pub payment_count: u32,
    pub total: Money,
    pub payments: Vec<FlowPayment>,
}

/// One single payment of a flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowPayment {
    pub iuv: String,
    /// `identificativoUnivocoRiscossione`: the receipt id.
    pub iur: String,
    /// `indiceDatiSingoloPagamento`: the transfer of the payment (1–5).
    pub index: u32,
    pub amount: Money,
    pub result: PaymentResult,
    pub date: NaiveDate,
}

fn parse_instant(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc).naive_utc());
    }
    [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
}

fn parse_day(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .or_else(|| parse_instant(s).map(|d| d.date()))
}

/// A short identifier (IUV, IUR, references): 1–35 printable characters without spaces.
fn ident(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty() && s.len() <= 35 && s.bytes().all(|b| b.is_ascii_graphic()))
        .then(|| s.to_owned())
}

fn text(s: Option<&String>) -> Option<String> {
    s.map(|v| v.trim().chars().take(140).collect::<String>())
        .filter(|v| !v.is_empty())
}

impl Flow {
    /// Checks every field, then the totals against the single payments; every problem is
    /// reported with the element's name (`datiSingoliPagamenti[2].singoloImportoPagato`).
    pub fn from_raw(raw: &RawFlow) -> Result<Self, DomainError> {
        let mut errors = Errors::new();
        let id = errors.check(FlowId::parse(&raw.flow_id));
        let mut field = |ok: bool, name: &str, it: &str, en: &str| {
            if !ok {
                errors.push(FieldError::new(
                    name.to_owned(),
                    it.to_owned(),
                    en.to_owned(),
                ));
            }
        };
        let flow_at = parse_instant(&raw.flow_at);
        field(
            flow_at.is_some(),
            "dataOraFlusso",
            "Data e ora del flusso non valida (AAAA-MM-GGThh:mm:ss)",
            "Invalid flow date and time (YYYY-MM-DDThh:mm:ss)",
        );
        let settlement_ref = ident(&raw.settlement_ref);
        field(
            settlement_ref.is_some(),
            "identificativoUnivocoRegolamento",
            "Identificativo del regolamento mancante o non valido (1–35 caratteri)",
            "Missing or invalid settlement reference (1–35 characters)",
        );
        let settlement_date = parse_day(&raw.settlement_date);
        field(
            settlement_date.is_some(),
            "dataRegolamento",
            "Data del regolamento non valida (AAAA-MM-GG)",
            "Invalid settlement date (YYYY-MM-DD)",
        );
        let sender_id = ident(&raw.sender_id);
        field(
            sender_id.is_some(),
            "istitutoMittente",
            "Identificativo del mittente mancante",
            "Missing sender id",
        );
        let receiver_id = ident(&raw.receiver_id);
        field(
            receiver_id.is_some(),
            "istitutoRicevente",
            "Identificativo del ricevente (codice fiscale dell'ente) mancante",
            "Missing receiver id (the creditor's tax code)",
        );
        let count: Option<u32> = raw
            .payment_count
            .trim()
            .parse()
            .ok()
            .filter(|_| raw.payment_count.trim().bytes().all(|b| b.is_ascii_digit()));
        field(
            count.is_some(),
            "numeroTotalePagamenti",
            "Numero totale dei pagamenti non valido",
            "Invalid total number of payments",
        );
        let total = parse_decimal_cents(&raw.total_amount);
        field(
            total.is_some(),
            "importoTotalePagamenti",
            "Importo totale non valido (es. 1234.56: punto decimale, al massimo due decimali)",
            "Invalid total amount (e.g. 1234.56: decimal point, at most two decimals)",
        );
        if raw.payments.is_empty() {
            errors.push(FieldError::new(
                "datiSingoliPagamenti",
                "Il flusso non contiene pagamenti",
                "The flow has no payments",
            ));
        }
        if raw.payments.len() > MAX_FLOW_PAYMENTS {
            return Err(DomainError::invalid(
                "datiSingoliPagamenti",
                format!("Al massimo {MAX_FLOW_PAYMENTS} pagamenti per flusso"),
                format!("At most {MAX_FLOW_PAYMENTS} payments per flow"),
            ));
        }
        let mut payments = Vec::with_capacity(raw.payments.len());
        let mut seen = HashSet::new();
        let mut broken = 0usize;
        for (i, p) in raw.payments.iter().enumerate() {
            let at = |name: &str| format!("datiSingoliPagamenti[{}].{name}", i + 1);
            let mut line_ok = true;
            let mut bad = |name: &str, it: &str, en: &str| {
                line_ok = false;
                errors.push(FieldError::new(at(name), it.to_owned(), en.to_owned()));
            };
            let iuv = ident(&p.iuv);
            if iuv.is_none() {
                bad(
                    "identificativoUnivocoVersamento",
                    "IUV mancante o non valido (1–35 caratteri)",
                    "Missing or invalid IUV (1–35 characters)",
                );
            }
            let iur = ident(&p.iur);
            if iur.is_none() {
                bad(
                    "identificativoUnivocoRiscossione",
                    "IUR mancante o non valido (1–35 caratteri)",
                    "Missing or invalid IUR (1–35 characters)",
                );
            }
            let index: Option<u32> = p.index.trim().parse().ok().filter(|n| (1..=5).contains(n));
            if index.is_none() {
                bad(
                    "indiceDatiSingoloPagamento",
                    "Indice del trasferimento non valido (da 1 a 5)",
                    "Invalid transfer index (1 to 5)",
                );
            }
            let amount = parse_decimal_cents(&p.amount);
            if amount.is_none() {
                bad(
                    "singoloImportoPagato",
                    "Importo non valido (es. 123.45: punto decimale, al massimo due decimali)",
                    "Invalid amount (e.g. 123.45: decimal point, at most two decimals)",
                );
            }
            let result = PaymentResult::from_esito(&p.result);
            if result.is_none() {
                bad(
                    "codiceEsitoSingoloPagamento",
                    "Esito non valido (0 eseguito, 3 revocato, 9 eseguito senza RPT)",
                    "Invalid outcome (0 executed, 3 revoked, 9 executed without RPT)",
                );
            }
            let date = parse_day(&p.date);
            if date.is_none() {
                bad(
                    "dataEsitoSingoloPagamento",
                    "Data dell'esito non valida (AAAA-MM-GG)",
                    "Invalid outcome date (YYYY-MM-DD)",
                );
            }
            if let (Some(iuv), Some(iur), Some(index), Some(amount), Some(result), Some(date)) =
                (iuv, iur, index, amount, result, date)
            {
                if seen.insert((iuv.clone(), iur.clone(), index)) {
                    payments.push(FlowPayment {
                        iuv,
                        iur,
                        index,
                        amount,
                        result,
                        date,
                    });
                } else {
                    bad(
                        "identificativoUnivocoRiscossione",
                        "Pagamento ripetuto nel flusso (stessi IUV, IUR e indice)",
                        "Payment repeated in the flow (same IUV, IUR and index)",
                    );
                }
            }
            // Past 20 broken payments the rest add nothing to the report.
            if !line_ok {
                broken += 1;
                if broken >= 20 {
                    break;
                }
            }
        }
        errors.finish()?;
        let (Some(id), Some(flow_at), Some(settlement_ref), Some(settlement_date)) =
            (id, flow_at, settlement_ref, settlement_date)
        else {
            unreachable!("every field was checked");
        };
        let (Some(sender_id), Some(receiver_id), Some(count), Some(total)) =
            (sender_id, receiver_id, count, total)
        else {
            unreachable!("every field was checked");
        };
        let mut errors = Errors::new();
        if count as usize != payments.len() {
            errors.push(FieldError::new(
                "numeroTotalePagamenti",
                format!(
                    "Il flusso dichiara {count} pagamenti ma ne contiene {}",
                    payments.len()
                ),
                format!(
                    "The flow declares {count} payments but holds {}",
                    payments.len()
                ),
            ));
        }
        let sum = payments
            .iter()
            .try_fold(Money::ZERO, |acc, p| acc.checked_add(p.amount));
        if sum != Some(total) {
            let sum = sum.map_or_else(|| "?".to_owned(), format_decimal);
            errors.push(FieldError::new(
                "importoTotalePagamenti",
                format!(
                    "Il flusso dichiara un totale di {} ma i pagamenti sommano a {sum}",
                    format_decimal(total)
                ),
                format!(
                    "The flow declares a total of {} but its payments add up to {sum}",
                    format_decimal(total)
                ),
            ));
        }
        errors.finish()?;
        Ok(Self {
            id,
            flow_at,
            settlement_ref,
            settlement_date,
            sender_id,
            sender_name: text(raw.sender_name.as_ref()),
            receiver_id,
            receiver_name: text(raw.receiver_name.as_ref()),
            payment_count: count,
            total,
            payments,
        })
    }
}

/// One of our receipts as the matching sees it: its IUV, its receipt id (the flow's IUR)
/// and the transfers we asked for (index → amount).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OurReceipt {
    pub iuv: String,
    pub receipt_id: String,
    pub transfers: Vec<(u32, Money)>,
}

/// How one line compares: the outcome and, when a transfer of ours matches, its amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineMatch {
    pub outcome: LineOutcome,
    pub expected: Option<Money>,
}

/// Classifies one single payment against our books: `ours` tells whether the IUV is one
/// of our notices, `receipt` is our receipt with the line's IUR (if any).
pub fn match_line(line: &FlowPayment, ours: bool, receipt: Option<&OurReceipt>) -> LineMatch {
    let none = |outcome| LineMatch {
        outcome,
        expected: None,
    };
    if !ours {
        return none(LineOutcome::UnknownIuv);
    }
    let Some(receipt) = receipt.filter(|r| r.iuv == line.iuv && r.receipt_id == line.iur) else {
        return none(LineOutcome::NoReceipt);
    };
    let Some(&(_, expected)) = receipt.transfers.iter().find(|(i, _)| *i == line.index) else {
        return none(LineOutcome::UnknownTransfer);
    };
    let outcome = if line.result == PaymentResult::Revoked {
        LineOutcome::Revoked
    } else if line.amount == expected {
        LineOutcome::Matched
    } else {
        LineOutcome::AmountMismatch
    };
    LineMatch {
        outcome,
        expected: Some(expected),
    }
}

/// Matches every line: `our_iuvs` are the IUVs of our notices among the flow's, `receipts`
/// our receipts by receipt id.
pub fn match_lines<S: std::hash::BuildHasher, T: std::hash::BuildHasher>(
    lines: &[FlowPayment],
    our_iuvs: &HashSet<String, S>,
    receipts: &HashMap<String, OurReceipt, T>,
) -> Vec<LineMatch> {
    lines
        .iter()
        .map(|l| match_line(l, our_iuvs.contains(&l.iuv), receipts.get(&l.iur)))
        .collect()
}

/// How many lines have each outcome, in [`LineOutcome::ALL`] order.
pub fn outcome_counts(matches: &[LineMatch]) -> Vec<(LineOutcome, u32)> {
    LineOutcome::ALL
        .iter()
        .map(|o| {
            let n = matches.iter().filter(|m| m.outcome == *o).count();
            (*o, u32::try_from(n).unwrap_or(u32::MAX))
        })
        .collect()
}

/// The last day a flow may still report a payment made on `paid_on`: three working days
/// after it (the tenant's calendar, as for TQRIF deadlines).
pub fn report_due_by(paid_on: NaiveDate, calendar: &WorkingCalendar) -> NaiveDate {
    calendar.add_working_days(paid_on, REPORTING_WORKING_DAYS)
}

/// A receipt paid on `paid_on` that no flow reported is missing on `today` once its three
/// working days are over.
pub fn is_missing(
    paid_on: NaiveDate,
    reported: bool,
    today: NaiveDate,
    calendar: &WorkingCalendar,
) -> bool {
    !reported && today > report_due_by(paid_on, calendar)
}

/// The flow id a bank statement's causale names: `/PUR/LGPE-RIVERSAMENTO/URI/<flow id>`,
/// also with `/TXT/<prog>` before `/URI/` (SACI 3.x). Case and surrounding text are
/// ignored; `None` when the causale is not a pagoPA transfer's.
pub fn causale_flow_id(causale: &str) -> Option<String> {
    let upper = causale.to_ascii_uppercase();
    let start = upper.find("/PUR/LGPE-RIVERSAMENTO/")? + "/PUR/LGPE-RIVERSAMENTO/".len();
    let mut rest_upper = &upper[start..];
    let mut offset = start;
    if let Some(after) = rest_upper.strip_prefix("TXT/") {
        let prog = after.find('/')?;
        let skip = 4 + prog + 1;
        rest_upper = &rest_upper[skip..];
        offset += skip;
    }
    rest_upper.strip_prefix("URI/")?;
    let id_start = offset + 4;
    let id: String = causale[id_start..]
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '/')
        .collect();
    (!id.is_empty()).then_some(id)
}

/// Checks a bank statement line against a flow: its causale must name the flow (else a
/// 422 on `causale`); the amount matches the flow's total or not.
pub fn check_bank_line(
    flow: &FlowId,
    total: Money,
    causale: &str,
    amount: Money,
) -> Result<BankOutcome, DomainError> {
    let Some(named) = causale_flow_id(causale) else {
        return Err(DomainError::invalid(
            "causale",
            "La causale non è quella di un riversamento pagoPA (/PUR/LGPE-RIVERSAMENTO/URI/<identificativo del flusso>)",
            "The causale is not a pagoPA transfer's (/PUR/LGPE-RIVERSAMENTO/URI/<flow id>)",
        ));
    };
    if !named.eq_ignore_ascii_case(flow.as_str()) {
        return Err(DomainError::invalid(
            "causale",
            format!(
                "La causale indica il flusso {named}, non {flow}",
                named = named.chars().take(40).collect::<String>()
            ),
            format!(
                "The causale names flow {named}, not {flow}",
                named = named.chars().take(40).collect::<String>()
            ),
        ));
    }
    Ok(if amount == total {
        BankOutcome::Matched
    } else {
        BankOutcome::AmountMismatch
    })
}

impl FromStr for FlowId {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for FlowId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for FlowId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw_payment(iuv: &str, iur: &str, index: &str, amount: &str, result: &str) -> RawPayment {
        RawPayment {
            iuv: iuv.into(),
            iur: iur.into(),
            index: index.into(),
            amount: amount.into(),
            result: result.into(),
            date: "2026-11-27".into(),
        }
    }

    fn raw(payments: Vec<RawPayment>, count: &str, total: &str) -> RawFlow {
        RawFlow {
            flow_id: "2026-11-30BCITITMM-S0001".into(),
            flow_at: "2026-11-30T10:15:00".into(),
            settlement_ref: "TRN0000123".into(),
            settlement_date: "2026-11-30".into(),
            sender_id: "BCITITMM".into(),
            sender_name: Some("Banca Esempio".into()),
            receiver_id: "15376371009".into(),
            receiver_name: None,
            payment_count: count.into(),
            total_amount: total.into(),
            payments,
        }
    }

    fn fields(e: &DomainError) -> Vec<String> {
        e.field_errors()
            .iter()
            .map(|f| f.field.to_string())
            .collect()
    }

    #[test]
    fn decimal_amounts_are_exact_cents() {
        assert_eq!(
            parse_decimal_cents("123.45"),
            Some(Money::from_cents(12_345))
        );
        assert_eq!(parse_decimal_cents("10"), Some(Money::from_cents(1_000)));
        assert_eq!(parse_decimal_cents("0.5"), Some(Money::from_cents(50)));
        assert_eq!(parse_decimal_cents(" 0.10 "), Some(Money::from_cents(10)));
        // 0.1 + 0.2 in floating point is 0.30000000000000004; here it is 30 cents.
        assert_eq!(
            parse_decimal_cents("0.1")
                .unwrap()
                .checked_add(parse_decimal_cents("0.2").unwrap()),
            Some(Money::from_cents(30))
        );
        for bad in [
            "", "1.234", "-1.00", "1,00", "1e3", ".5", "5.", "1 000", "€5",
        ] {
            assert_eq!(parse_decimal_cents(bad), None, "{bad}");
        }
        assert_eq!(format_decimal(Money::from_cents(12_345)), "123.45");
        assert_eq!(format_decimal(Money::from_cents(5)), "0.05");
    }

    #[test]
    fn flow_ids() {
        let id = FlowId::parse("2026-11-30BCITITMM-S0001").unwrap();
        assert_eq!(id.psp(), "BCITITMM");
        assert!(FlowId::parse("2016-08-16pspTest-1178").is_ok());
        assert_eq!(
            FlowId::parse("2026-11-30ABI-03069-7").unwrap().psp(),
            "ABI-03069"
        );
        for bad in [
            "",
            "2026-11-30",
            "2026-11-30BCITITMM",
            "2026-13-30BCITITMM-1",
            "30-11-2026BCITITMM-1",
            "2026-11-30BCITITMM-",
            "2026-11-30-1",
            "2026-11-30BCIT ITMM-1",
            "2026-11-30BCITITMMXXXXXXXXXXXXXXXXXXX-1",
        ] {
            assert!(FlowId::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_consistent_flow_is_accepted() {
        let flow = Flow::from_raw(&raw(
            vec![
                raw_payment("01000000000000123", "IUR1", "1", "100.00", "0"),
                raw_payment("01000000000000124", "IUR2", "1", "50.5", "9"),
            ],
            "2",
            "150.50",
        ))
        .unwrap();
        assert_eq!(flow.total, Money::from_cents(15_050));
        assert_eq!(flow.payments[1].result, PaymentResult::ExecutedNoRpt);
        assert_eq!(
            flow.flow_at,
            NaiveDate::from_ymd_opt(2026, 11, 30)
                .unwrap()
                .and_hms_opt(10, 15, 0)
                .unwrap()
        );
    }

    #[test]
    fn inconsistent_totals_and_bad_lines_are_named() {
        let err = Flow::from_raw(&raw(
            vec![raw_payment("01000000000000123", "IUR1", "1", "100.00", "0")],
            "2",
            "99.99",
        ))
        .unwrap_err();
        assert_eq!(
            fields(&err),
            ["numeroTotalePagamenti", "importoTotalePagamenti"]
        );
        assert!(err.summary(crate::Lang::It).contains("99.99"), "{err}");
        assert!(err.summary(crate::Lang::It).contains("100.00"), "{err}");

        let err = Flow::from_raw(&raw(
            vec![
                raw_payment("01000000000000123", "IUR1", "1", "100.001", "0"),
                raw_payment("", "IUR2", "7", "1.00", "4"),
                raw_payment("01000000000000125", "IUR3", "1", "1.00", "0"),
                raw_payment("01000000000000125", "IUR3", "1", "1.00", "0"),
            ],
            "4",
            "x",
        ))
        .unwrap_err();
        assert_eq!(
            fields(&err),
            [
                "importoTotalePagamenti",
                "datiSingoliPagamenti[1].singoloImportoPagato",
                "datiSingoliPagamenti[2].identificativoUnivocoVersamento",
                "datiSingoliPagamenti[2].indiceDatiSingoloPagamento",
                "datiSingoliPagamenti[2].codiceEsitoSingoloPagamento",
                "datiSingoliPagamenti[4].identificativoUnivocoRiscossione",
            ]
        );
        let mut bad = raw(vec![], "0", "0.00");
        bad.flow_id = "flusso".into();
        bad.settlement_date = "30/11/2026".into();
        assert_eq!(
            fields(&Flow::from_raw(&bad).unwrap_err()),
            [
                "identificativoFlusso",
                "dataRegolamento",
                "datiSingoliPagamenti"
            ]
        );
    }

    fn receipt(iuv: &str, iur: &str, cents: i64) -> OurReceipt {
        OurReceipt {
            iuv: iuv.into(),
            receipt_id: iur.into(),
            transfers: vec![(1, Money::from_cents(cents))],
        }
    }

    #[test]
    fn matched_mismatched_and_unknown_iuvs() {
        let flow = Flow::from_raw(&raw(
            vec![
                raw_payment("01000000000000001", "R1", "1", "100.00", "0"),
                raw_payment("01000000000000002", "R2", "1", "49.99", "0"),
                raw_payment("99000000000000009", "R9", "1", "10.00", "0"),
                raw_payment("01000000000000003", "R-unknown", "1", "20.00", "0"),
                raw_payment("01000000000000001", "R1", "2", "5.00", "0"),
                raw_payment("01000000000000004", "R4", "1", "30.00", "3"),
            ],
            "6",
            "214.99",
        ))
        .unwrap();
        let ours: HashSet<String> = [
            "01000000000000001",
            "01000000000000002",
            "01000000000000003",
            "01000000000000004",
        ]
        .into_iter()
        .map(str::to_owned)
        .collect();
        let receipts: HashMap<String, OurReceipt> = [
            receipt("01000000000000001", "R1", 10_000),
            receipt("01000000000000002", "R2", 5_000),
            receipt("01000000000000004", "R4", 3_000),
            // Our receipt R9 is for another IUV: the line's IUV still is not ours.
            receipt("01000000000000003", "R9", 1_000),
        ]
        .into_iter()
        .map(|r| (r.receipt_id.clone(), r))
        .collect();
        let m = match_lines(&flow.payments, &ours, &receipts);
        let outcomes: Vec<LineOutcome> = m.iter().map(|l| l.outcome).collect();
        assert_eq!(
            outcomes,
            [
                LineOutcome::Matched,
                LineOutcome::AmountMismatch,
                LineOutcome::UnknownIuv,
                LineOutcome::NoReceipt,
                LineOutcome::UnknownTransfer,
                LineOutcome::Revoked,
            ]
        );
        assert_eq!(m[1].expected, Some(Money::from_cents(5_000)));
        assert_eq!(m[2].expected, None);
        let counts = outcome_counts(&m);
        assert_eq!(counts.len(), LineOutcome::ALL.len());
        assert!(counts.iter().all(|(_, n)| *n == 1), "{counts:?}");
    }

    #[test]
    fn missing_after_three_working_days() {
        let cal = WorkingCalendar::national();
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        // Paid Monday 23 November: flows may report it until Thursday 26.
        assert_eq!(report_due_by(d(11, 23), &cal), d(11, 26));
        assert!(!is_missing(d(11, 23), false, d(11, 26), &cal));
        assert!(is_missing(d(11, 23), false, d(11, 27), &cal));
        assert!(!is_missing(d(11, 23), true, d(12, 30), &cal));
        // Paid Friday 4 December: the weekend and the 8th (Immacolata) do not count.
        assert_eq!(report_due_by(d(12, 4), &cal), d(12, 10));
        assert!(!is_missing(d(12, 4), false, d(12, 10), &cal));
        assert!(is_missing(d(12, 4), false, d(12, 11), &cal));
    }

    #[test]
    fn bank_lines() {
        let id = FlowId::parse("2026-11-30BCITITMM-S0001").unwrap();
        let total = Money::from_cents(15_050);
        assert_eq!(
            causale_flow_id("/PUR/LGPE-RIVERSAMENTO/URI/2026-11-30BCITITMM-S0001").as_deref(),
            Some("2026-11-30BCITITMM-S0001")
        );
        assert_eq!(
            causale_flow_id(
                "BONIFICO /PUR/LGPE-RIVERSAMENTO/TXT/00012/URI/2026-11-30BCITITMM-S0001 DEL 30.11"
            )
            .as_deref(),
            Some("2026-11-30BCITITMM-S0001")
        );
        assert_eq!(
            causale_flow_id("RIVERSAMENTO 2026-11-30BCITITMM-S0001"),
            None
        );
        assert_eq!(causale_flow_id("/PUR/LGPE-RIVERSAMENTO/TXT/1"), None);
        assert_eq!(
            check_bank_line(
                &id,
                total,
                "/pur/lgpe-riversamento/uri/2026-11-30bcititmm-s0001",
                total
            )
            .unwrap(),
            BankOutcome::Matched
        );
        assert_eq!(
            check_bank_line(
                &id,
                total,
                "/PUR/LGPE-RIVERSAMENTO/TXT/7/URI/2026-11-30BCITITMM-S0001",
                Money::from_cents(15_000)
            )
            .unwrap(),
            BankOutcome::AmountMismatch
        );
        for bad in [
            "/PUR/LGPE-RIVERSAMENTO/URI/2026-11-29BCITITMM-S0001",
            "Bonifico ordinario",
        ] {
            let err = check_bank_line(&id, total, bad, total).unwrap_err();
            assert_eq!(fields(&err), ["causale"], "{bad}");
        }
    }

    #[test]
    fn codes() {
        for r in PaymentResult::ALL {
            assert_eq!(PaymentResult::from_esito(r.esito()), Some(*r));
        }
        assert_eq!(PaymentResult::from_esito("4"), None);
        assert_eq!(
            PaymentResult::from_pay_status("EXECUTED"),
            Some(PaymentResult::Executed)
        );
        assert_eq!(
            PaymentResult::from_pay_status("REVOKED"),
            Some(PaymentResult::Revoked)
        );
        assert_eq!(PaymentResult::from_pay_status("LOST"), None);
        for o in LineOutcome::ALL {
            assert_eq!(o.code().parse::<LineOutcome>().unwrap(), *o);
        }
        assert!("ok".parse::<BankOutcome>().is_err());
    }
}
