//! "Trasparenza rifiuti": the items ARERA's TITR (delibera 444/2019, art. 3.1) requires on
//! a waste service's website, the yearly separate-collection figures, and the compliance
//! with the quality standards of a year, computed from the register.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::api::{
    ComplianceLine, SaveSeparateCollection, SaveTransparencySection, TransparencyLink,
};
use crate::content::{optional_text, public_link, required_text};
use crate::error::{DomainError, Errors, FieldError};
use crate::registry::{KindStats, RegisterReport};

/// Most links one item may carry.
pub const MAX_LINKS: usize = 20;
/// Most published documents one item may list.
pub const MAX_DOCUMENTS: usize = 20;
/// Longest item text.
pub const MAX_BODY: usize = 20_000;
/// Years of separate collection the public chart shows (TITR art. 3.1.h: "ultimi tre anni").
pub const CHART_YEARS: usize = 3;

crate::delivery::coded_enum! {
    /// An item of TITR art. 3.1 a visitor finds in the transparency section. The
    /// percentage of separate collection (letter h) and the standards with their degree of
    /// compliance (letter v) are not free text: they have their own data.
    TitrItem {
        /// a) the operators (gestori) of the service and their contacts.
        Operators = "gestori",
        /// b) contacts, desks and opening hours.
        Contacts = "recapiti",
        /// c) the forms for complaints, requests and reports.
        ComplaintForms = "modulistica",
        /// d) the collection calendar.
        CollectionCalendar = "calendario-raccolta",
        /// e) collection centres and extraordinary campaigns.
        CollectionCentres = "centri-raccolta",
        /// f) how to sort and hand over waste.
        SortingInstructions = "istruzioni-conferimento",
        /// g) the Carta della qualità of the service.
        QualityCharter = "carta-qualita",
        /// i) the street-sweeping calendar.
        SweepingCalendar = "calendario-spazzamento",
        /// j) how the tariff is computed.
        Tariffs = "tariffe",
        /// k) the TARI regulation.
        Regulation = "regolamento",
        /// q) how to ask for a rectification of the amounts billed.
        Rectification = "rettifiche",
        /// u) the regulatory scheme (TQRIF) the operator is placed in.
        RegulatoryScheme = "schema-regolatorio",
    }
}

impl TitrItem {
    /// The letter of art. 3.1 the item answers.
    pub fn letter(self) -> char {
        match self {
            Self::Operators => 'a',
            Self::Contacts => 'b',
            Self::ComplaintForms => 'c',
            Self::CollectionCalendar => 'd',
            Self::CollectionCentres => 'e',
            Self::SortingInstructions => 'f',
            Self::QualityCharter => 'g',
            Self::SweepingCalendar => 'i',
            Self::Tariffs => 'j',
            Self::Regulation => 'k',
            Self::Rectification => 'q',
            Self::RegulatoryScheme => 'u',
        }
    }

    /// Title in (Italian, English).
    pub fn title(self) -> (&'static str, &'static str) {
        match self {
            Self::Operators => (
                "Gestori del servizio e recapiti",
                "Service operators and contacts",
            ),
            Self::Contacts => (
                "Sportelli, recapiti e orari",
                "Desks, contacts and opening hours",
            ),
            Self::ComplaintForms => (
                "Modulistica per reclami, richieste e segnalazioni",
                "Forms for complaints, requests and reports",
            ),
            Self::CollectionCalendar => ("Calendario della raccolta", "Collection calendar"),
            Self::CollectionCentres => (
                "Centri di raccolta e campagne straordinarie",
                "Collection centres and special campaigns",
            ),
            Self::SortingInstructions => (
                "Come conferire correttamente i rifiuti",
                "How to sort and hand over waste",
            ),
            Self::QualityCharter => (
                "Carta della qualità del servizio",
                "Service quality charter",
            ),
            Self::SweepingCalendar => ("Calendario dello spazzamento", "Street-sweeping calendar"),
            Self::Tariffs => (
                "Tariffe e regole di calcolo",
                "Tariffs and how they are computed",
            ),
            Self::Regulation => ("Regolamento TARI", "TARI regulation"),
            Self::Rectification => (
                "Reclami e rettifica degli importi",
                "Complaints and rectification of amounts",
            ),
            Self::RegulatoryScheme => ("Schema regolatorio", "Regulatory scheme"),
        }
    }

    /// `transparency/{code}`: the item's page path in the portal.
    pub fn path(self) -> String {
        format!("/trasparenza/{}", self.code())
    }
}

/// A checked [`SaveTransparencySection`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionContent {
    pub body: Option<String>,
    pub links: Vec<TransparencyLink>,
    pub document_ids: Vec<String>,
}

impl SectionContent {
    /// Checks an administrator's edit: the text, each link (label and address) and the
    /// document list (no repeats; that they exist is the caller's check).
    pub fn new(save: &SaveTransparencySection) -> Result<Self, DomainError> {
        let mut errors = Errors::new();
        let body = errors
            .check(optional_text(
                "body",
                save.body.as_deref(),
                ("Testo", "Text"),
                MAX_BODY,
                true,
            ))
            .flatten();
        if save.links.len() > MAX_LINKS {
            errors.push(FieldError::new(
                "links",
                format!("Al massimo {MAX_LINKS} collegamenti"),
                format!("At most {MAX_LINKS} links"),
            ));
        }
        let mut links = Vec::new();
        for (i, l) in save.links.iter().take(MAX_LINKS).enumerate() {
            let label = errors.check(required_text(
                &format!("links[{i}].label"),
                &l.label,
                ("Etichetta del collegamento", "Link label"),
                200,
                false,
            ));
            let url = errors.check(public_link(&format!("links[{i}].url"), &l.url));
            if let (Some(label), Some(url)) = (label, url) {
                links.push(TransparencyLink { label, url });
            }
        }
        let mut document_ids: Vec<String> = Vec::new();
        if save.document_ids.len() > MAX_DOCUMENTS {
            errors.push(FieldError::new(
                "document_ids",
                format!("Al massimo {MAX_DOCUMENTS} documenti"),
                format!("At most {MAX_DOCUMENTS} documents"),
            ));
        }
        for (i, id) in save.document_ids.iter().take(MAX_DOCUMENTS).enumerate() {
            let id = id.trim();
            if id.is_empty() || id.len() > 64 {
                errors.push(FieldError::new(
                    format!("document_ids[{i}]"),
                    "Documento non valido",
                    "Invalid document",
                ));
            } else if document_ids.iter().any(|d| d == id) {
                errors.push(FieldError::new(
                    format!("document_ids[{i}]"),
                    "Documento ripetuto",
                    "Document listed twice",
                ));
            } else {
                document_ids.push(id.to_owned());
            }
        }
        errors.finish()?;
        Ok(Self {
            body,
            links,
            document_ids,
        })
    }
}

/// The percentage of separate collection of a year, in tenths of a percent so it is
/// stored and compared exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeparateCollection {
    pub year: i32,
    pub per_mille: u16,
}

impl SeparateCollection {
    /// A year from 1990 to `current_year` (a figure is entered once the year is over,
    /// the current one as a provisional figure), and a percentage from 0 to 100 with at
    /// most one decimal.
    pub fn new(
        year: i32,
        save: &SaveSeparateCollection,
        current_year: i32,
    ) -> Result<Self, DomainError> {
        let mut errors = Errors::new();
        if !(1990..=current_year).contains(&year) {
            errors.push(FieldError::new(
                "year",
                format!("Anno non valido: da 1990 a {current_year}"),
                format!("Invalid year: from 1990 to {current_year}"),
            ));
        }
        let p = save.percent;
        let tenths = (p * 10.0).round();
        if !p.is_finite() || !(0.0..=100.0).contains(&p) || (p * 10.0 - tenths).abs() > 1e-6 {
            errors.push(FieldError::new(
                "percent",
                "Percentuale non valida: da 0 a 100, al massimo un decimale",
                "Invalid percentage: 0 to 100, at most one decimal",
            ));
        }
        errors.finish()?;
        Ok(Self {
            year,
            // In 0..=1000 after the checks above.
            per_mille: tenths as u16,
        })
    }

    pub fn percent(self) -> f64 {
        f64::from(self.per_mille) / 10.0
    }
}

/// The compliance lines published for a year: one per request kind with a TQRIF
/// standard (the kinds without one are tracked but have nothing to comply with), then the
/// total over them.
pub fn compliance_lines(report: &RegisterReport) -> (Vec<ComplianceLine>, ComplianceLine) {
    let line = |s: &KindStats| ComplianceLine {
        kind: s.kind,
        standard_days: s.standard_days,
        received: s.received,
        resolved: s.resolved,
        resolved_within_standard: s.resolved_within_standard,
        percent_within_standard: s.percent_within_standard,
    };
    let kinds = report
        .kinds
        .iter()
        .filter(|s| s.standard_days.is_some())
        .map(line)
        .collect();
    (kinds, line(&report.total))
}

/// The year whose compliance the section shows on `today`: the one before.
pub fn published_year(today: chrono::NaiveDate) -> i32 {
    use chrono::Datelike;
    today.year() - 1
}

impl fmt::Display for SeparateCollection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {:.1}%", self.year, self.percent())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::TransparencyLink;

    fn save(
        body: Option<&str>,
        links: Vec<(&str, &str)>,
        docs: Vec<&str>,
    ) -> SaveTransparencySection {
        SaveTransparencySection {
            body: body.map(str::to_owned),
            links: links
                .into_iter()
                .map(|(label, url)| TransparencyLink {
                    label: label.into(),
                    url: url.into(),
                })
                .collect(),
            document_ids: docs.into_iter().map(str::to_owned).collect(),
        }
    }

    #[test]
    fn items_have_distinct_codes_and_letters() {
        let mut letters: Vec<char> = TitrItem::ALL.iter().map(|i| i.letter()).collect();
        letters.dedup();
        assert_eq!(letters.len(), TitrItem::ALL.len());
        for item in TitrItem::ALL {
            assert_eq!(item.code().parse::<TitrItem>().unwrap(), *item);
        }
        assert!("nessuno".parse::<TitrItem>().is_err());
    }

    #[test]
    fn a_section_edit_is_checked_field_by_field() {
        let ok = SectionContent::new(&save(
            Some("  Testo  "),
            vec![("ARERA", "https://www.arera.it")],
            vec!["d1"],
        ))
        .unwrap();
        assert_eq!(ok.body.as_deref(), Some("Testo"));
        let err = SectionContent::new(&save(
            None,
            vec![("", "javascript:alert(1)")],
            vec!["d1", "d1"],
        ))
        .unwrap_err();
        let fields: Vec<&str> = err
            .field_errors()
            .iter()
            .map(|e| e.field.as_ref())
            .collect();
        assert_eq!(
            fields,
            ["links[0].label", "links[0].url", "document_ids[1]"]
        );
    }

    #[test]
    fn separate_collection_is_exact_to_a_tenth() {
        let s =
            SeparateCollection::new(2025, &SaveSeparateCollection { percent: 67.3 }, 2026).unwrap();
        assert_eq!(s.per_mille, 673);
        assert!((s.percent() - 67.3).abs() < 1e-9);
        for (year, p) in [
            (2027, 50.0),
            (1989, 50.0),
            (2025, 100.1),
            (2025, -1.0),
            (2025, 33.33),
        ] {
            assert!(
                SeparateCollection::new(year, &SaveSeparateCollection { percent: p }, 2026)
                    .is_err(),
                "{year} {p}"
            );
        }
        assert!(
            SeparateCollection::new(2025, &SaveSeparateCollection { percent: f64::NAN }, 2026)
                .is_err()
        );
    }
}
