//! The citizen's rating of an answer (the "Modello Comuni" rating block): 1–5 stars, then
//! what worked (4–5 stars) or where it was hard (1–3 stars), then optional details.

use serde::{Deserialize, Serialize};

use crate::error::{DomainError, Errors, FieldError};
use crate::lifecycle::Status;

/// Longest free text of a rating.
pub const MAX_DETAILS: usize = 200;

/// The follow-up answers of a rating. The first four follow a good rating, the next four
/// a poor one; `Other` follows either.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RatingAspect {
    Clear,
    Complete,
    Followed,
    NoTechnicalIssues,
    Unclear,
    Incomplete,
    Lost,
    TechnicalIssues,
    Other,
}

impl RatingAspect {
    pub const POSITIVE: [RatingAspect; 5] = [
        Self::Clear,
        Self::Complete,
        Self::Followed,
        Self::NoTechnicalIssues,
        Self::Other,
    ];
    pub const NEGATIVE: [RatingAspect; 5] = [
        Self::Unclear,
        Self::Incomplete,
        Self::Lost,
        Self::TechnicalIssues,
        Self::Other,
    ];

    /// The aspects offered after `stars` stars.
    pub fn offered(stars: u8) -> [RatingAspect; 5] {
        if stars >= 4 {
            Self::POSITIVE
        } else {
            Self::NEGATIVE
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Clear => "clear",
            Self::Complete => "complete",
            Self::Followed => "followed",
            Self::NoTechnicalIssues => "no_technical_issues",
            Self::Unclear => "unclear",
            Self::Incomplete => "incomplete",
            Self::Lost => "lost",
            Self::TechnicalIssues => "technical_issues",
            Self::Other => "other",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::POSITIVE
            .into_iter()
            .chain(Self::NEGATIVE)
            .find(|a| a.code() == s)
    }

    pub fn label_it(self) -> &'static str {
        match self {
            Self::Clear => "Le indicazioni erano chiare",
            Self::Complete => "Le indicazioni erano complete",
            Self::Followed => "Capivo sempre che stavo procedendo correttamente",
            Self::NoTechnicalIssues => "Non ho avuto problemi tecnici",
            Self::Unclear => "A volte le indicazioni non erano chiare",
            Self::Incomplete => "A volte le indicazioni non erano complete",
            Self::Lost => "A volte non capivo se stavo procedendo correttamente",
            Self::TechnicalIssues => "Ho avuto problemi tecnici",
            Self::Other => "Altro",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Clear => "The instructions were clear",
            Self::Complete => "The instructions were complete",
            Self::Followed => "I always knew I was doing it right",
            Self::NoTechnicalIssues => "I had no technical problems",
            Self::Unclear => "At times the instructions were not clear",
            Self::Incomplete => "At times the instructions were not complete",
            Self::Lost => "At times I did not know whether I was doing it right",
            Self::TechnicalIssues => "I had technical problems",
            Self::Other => "Other",
        }
    }
}

/// A rating as sent (`POST /requests/{id}/rating`) and as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rating {
    /// 1 to 5.
    pub stars: u8,
    /// From the aspects offered for the stars given.
    #[serde(default)]
    pub aspects: Vec<RatingAspect>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<String>,
}

impl Rating {
    /// Checks the stars, that each aspect is one offered for them (once), and the length
    /// of the details (trimmed; empty is none).
    pub fn validate(mut self) -> Result<Self, DomainError> {
        let mut errors = Errors::default();
        if (1..=5).contains(&self.stars) {
            let offered = RatingAspect::offered(self.stars);
            let mut seen = Vec::new();
            for a in &self.aspects {
                if !offered.contains(a) || seen.contains(a) {
                    errors.push(FieldError::new(
                        "aspects",
                        "Risposta non prevista per la valutazione data",
                        "Answer not offered for the rating given",
                    ));
                    break;
                }
                seen.push(*a);
            }
        } else {
            errors.push(FieldError::new(
                "stars",
                "Scegliere da 1 a 5 stelle",
                "Choose from 1 to 5 stars",
            ));
        }
        self.details = self
            .details
            .map(|d| d.trim().to_owned())
            .filter(|d| !d.is_empty());
        if let Some(d) = &self.details
            && (d.chars().count() > MAX_DETAILS || d.chars().any(char::is_control))
        {
            errors.push(FieldError::new(
                "details",
                format!("Al massimo {MAX_DETAILS} caratteri, su una riga"),
                format!("At most {MAX_DETAILS} characters, on one line"),
            ));
        }
        errors.finish()?;
        Ok(self)
    }
}

/// A public page whose "Valuta questo servizio" block a visitor answered.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RatedPage {
    /// A service's scheda, `/servizi/{code}`.
    Service(String),
    /// The confirmation of a filed request (the wizard, `/nuova-richiesta`).
    Filed,
    /// The confirmation of a booked appointment (`/prenotazioni`).
    Booked,
    /// The confirmation of a booked bulky-waste pickup (`/ritiro-ingombranti`).
    PickupBooked,
}

impl RatedPage {
    /// The page from its address; `None` for any page that has no rating block.
    pub fn parse(path: &str) -> Option<Self> {
        match path {
            "/nuova-richiesta" => Some(Self::Filed),
            "/prenotazioni" => Some(Self::Booked),
            "/ritiro-ingombranti" => Some(Self::PickupBooked),
            _ => {
                let code = path.strip_prefix("/servizi/")?;
                let ok = !code.is_empty()
                    && code.len() <= 64
                    && code
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
                ok.then(|| Self::Service(code.to_owned()))
            }
        }
    }

    pub fn path(&self) -> String {
        match self {
            Self::Service(code) => format!("/servizi/{code}"),
            Self::Filed => "/nuova-richiesta".to_owned(),
            Self::Booked => "/prenotazioni".to_owned(),
            Self::PickupBooked => "/ritiro-ingombranti".to_owned(),
        }
    }
}

/// "Valuta questo servizio" as sent (`POST /public/ratings`): the page, then the same
/// answers as a request's rating. Anonymous.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PageRating {
    /// The page's address: `/servizi/{code}`, `/nuova-richiesta`, `/prenotazioni` or
    /// `/ritiro-ingombranti`.
    pub page: String,
    /// 1 to 5.
    pub stars: u8,
    #[serde(default)]
    pub aspects: Vec<RatingAspect>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<String>,
}

impl PageRating {
    /// The page and the checked rating (each field's own message).
    pub fn validate(self) -> Result<(RatedPage, Rating), DomainError> {
        let page = RatedPage::parse(self.page.trim());
        let rating = Rating {
            stars: self.stars,
            aspects: self.aspects,
            details: self.details,
        }
        .validate();
        let page_error = || {
            FieldError::new(
                "page",
                "Pagina senza valutazione",
                "This page has no rating",
            )
        };
        match (page, rating) {
            (Some(p), Ok(r)) => Ok((p, r)),
            (None, Ok(_)) => Err(DomainError::Validation(vec![page_error()])),
            (Some(_), Err(e)) => Err(e),
            (None, Err(e)) => {
                let mut all = vec![page_error()];
                all.extend(e.field_errors().iter().cloned());
                Err(DomainError::Validation(all))
            }
        }
    }
}

/// An answer can be rated once it is given: the request is concluded (resolved or closed).
pub fn can_rate(status: Status) -> bool {
    matches!(status, Status::Resolved | Status::Closed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(stars: u8, aspects: &[RatingAspect], details: Option<&str>) -> Rating {
        Rating {
            stars,
            aspects: aspects.to_vec(),
            details: details.map(str::to_owned),
        }
    }

    fn fields(e: DomainError) -> Vec<String> {
        e.field_errors()
            .iter()
            .map(|f| f.field.to_string())
            .collect()
    }

    #[test]
    fn stars_aspects_and_details() {
        use RatingAspect::*;
        let ok = r(5, &[Clear, Other], Some("  grazie ")).validate().unwrap();
        assert_eq!(ok.details.as_deref(), Some("grazie"));
        assert_eq!(
            r(2, &[TechnicalIssues], Some(" "))
                .validate()
                .unwrap()
                .details,
            None
        );
        assert_eq!(fields(r(0, &[], None).validate().unwrap_err()), ["stars"]);
        assert_eq!(fields(r(6, &[], None).validate().unwrap_err()), ["stars"]);
        // A poor rating's answers after five stars, and an answer twice.
        assert_eq!(
            fields(r(5, &[Unclear], None).validate().unwrap_err()),
            ["aspects"]
        );
        assert_eq!(
            fields(r(1, &[Lost, Lost], None).validate().unwrap_err()),
            ["aspects"]
        );
        let long = "x".repeat(MAX_DETAILS + 1);
        assert_eq!(
            fields(r(3, &[], Some(&long)).validate().unwrap_err()),
            ["details"]
        );
        assert!(can_rate(Status::Resolved) && can_rate(Status::Closed));
        assert!(!can_rate(Status::InProgress) && !can_rate(Status::Rejected));
        assert_eq!(
            RatingAspect::from_code("no_technical_issues"),
            Some(NoTechnicalIssues)
        );
    }

    #[test]
    fn rated_pages() {
        assert_eq!(
            RatedPage::parse("/servizi/tari_attivazione"),
            Some(RatedPage::Service("tari_attivazione".into()))
        );
        assert_eq!(RatedPage::parse("/nuova-richiesta"), Some(RatedPage::Filed));
        for bad in [
            "/servizi/",
            "/servizi/A",
            "/servizi/x/y",
            "/faq",
            "servizi/x",
            "",
        ] {
            assert_eq!(RatedPage::parse(bad), None, "{bad}");
        }
        let p = RatedPage::Service("tari_variazione".into());
        assert_eq!(RatedPage::parse(&p.path()), Some(p));
        let rate = |page: &str, stars: u8| PageRating {
            page: page.to_owned(),
            stars,
            aspects: vec![],
            details: None,
        };
        assert!(rate("/prenotazioni", 4).validate().is_ok());
        assert_eq!(fields(rate("/faq", 4).validate().unwrap_err()), ["page"]);
        assert_eq!(
            fields(rate("/faq", 9).validate().unwrap_err()),
            ["page", "stars"]
        );
    }
}
