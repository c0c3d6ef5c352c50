//! The TQRIF request kinds, their standard response times, and the channels of receipt.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::DomainError;

/// A kind of request as classified by TQRIF (delibera ARERA 15/2022/R/rif).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow),
    diesel(sql_type = diesel::sql_types::Text)
)]
pub enum RequestKind {
    Attivazione,
    Variazione,
    Cessazione,
    Reclamo,
    Informazioni,
    RettificaImporti,
    Rateizzazione,
    Rimborso,
    RitiroSuChiamata,
    Disservizio,
    RiparazioneAttrezzature,
    Altro,
}

impl RequestKind {
    pub const ALL: [RequestKind; 12] = [
        Self::Attivazione,
        Self::Variazione,
        Self::Cessazione,
        Self::Reclamo,
        Self::Informazioni,
        Self::RettificaImporti,
        Self::Rateizzazione,
        Self::Rimborso,
        Self::RitiroSuChiamata,
        Self::Disservizio,
        Self::RiparazioneAttrezzature,
        Self::Altro,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Attivazione => "attivazione",
            Self::Variazione => "variazione",
            Self::Cessazione => "cessazione",
            Self::Reclamo => "reclamo",
            Self::Informazioni => "informazioni",
            Self::RettificaImporti => "rettifica_importi",
            Self::Rateizzazione => "rateizzazione",
            Self::Rimborso => "rimborso",
            Self::RitiroSuChiamata => "ritiro_su_chiamata",
            Self::Disservizio => "disservizio",
            Self::RiparazioneAttrezzature => "riparazione_attrezzature",
            Self::Altro => "altro",
        }
    }

    /// TQRIF default response standard in working days; `None` where none is set.
    pub fn default_standard_days(self) -> Option<u32> {
        match self {
            Self::Attivazione
            | Self::Variazione
            | Self::Cessazione
            | Self::Reclamo
            | Self::Informazioni => Some(30),
            Self::RettificaImporti => Some(60),
            Self::Rimborso => Some(120),
            Self::RitiroSuChiamata => Some(15),
            Self::Disservizio => Some(5),
            Self::RiparazioneAttrezzature => Some(10),
            Self::Rateizzazione | Self::Altro => None,
        }
    }

    /// Italian label, as the register and the UI show it.
    pub fn label_it(self) -> &'static str {
        match self {
            Self::Attivazione => "Attivazione utenza",
            Self::Variazione => "Variazione utenza",
            Self::Cessazione => "Cessazione utenza",
            Self::Reclamo => "Reclamo",
            Self::Informazioni => "Richiesta di informazioni",
            Self::RettificaImporti => "Rettifica importi",
            Self::Rateizzazione => "Rateizzazione",
            Self::Rimborso => "Rimborso",
            Self::RitiroSuChiamata => "Ritiro su chiamata",
            Self::Disservizio => "Segnalazione disservizio",
            Self::RiparazioneAttrezzature => "Riparazione attrezzature",
            Self::Altro => "Altra comunicazione",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Attivazione => "Account activation",
            Self::Variazione => "Account change",
            Self::Cessazione => "Account termination",
            Self::Reclamo => "Complaint",
            Self::Informazioni => "Information request",
            Self::RettificaImporti => "Billing correction",
            Self::Rateizzazione => "Instalment plan",
            Self::Rimborso => "Refund",
            Self::RitiroSuChiamata => "On-call pickup",
            Self::Disservizio => "Service disruption",
            Self::RiparazioneAttrezzature => "Equipment repair",
            Self::Altro => "Other communication",
        }
    }
}

/// The group a request type is listed under among the portal's services.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ServiceCategory {
    /// Opening, changing and closing a TARI account.
    Utenza,
    /// Amounts: corrections, instalments, refunds.
    Importi,
    /// Complaints and reports of a disservice or broken equipment.
    Segnalazioni,
    /// On-call pickups.
    Ritiri,
    /// Information and anything else.
    Altro,
}

impl ServiceCategory {
    /// In the order the portal lists them.
    pub const ALL: [ServiceCategory; 5] = [
        Self::Utenza,
        Self::Importi,
        Self::Segnalazioni,
        Self::Ritiri,
        Self::Altro,
    ];

    /// Stable, for anchors and addresses (`/servizi#categoria-utenza`).
    pub fn code(self) -> &'static str {
        match self {
            Self::Utenza => "utenza",
            Self::Importi => "importi",
            Self::Segnalazioni => "segnalazioni",
            Self::Ritiri => "ritiri",
            Self::Altro => "altro",
        }
    }
}

impl RequestKind {
    pub fn category(self) -> ServiceCategory {
        match self {
            Self::Attivazione | Self::Variazione | Self::Cessazione => ServiceCategory::Utenza,
            Self::RettificaImporti | Self::Rateizzazione | Self::Rimborso => {
                ServiceCategory::Importi
            }
            Self::Reclamo | Self::Disservizio | Self::RiparazioneAttrezzature => {
                ServiceCategory::Segnalazioni
            }
            Self::RitiroSuChiamata => ServiceCategory::Ritiri,
            Self::Informazioni | Self::Altro => ServiceCategory::Altro,
        }
    }
}

impl fmt::Display for RequestKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for RequestKind {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.code() == s)
            .ok_or_else(|| {
                DomainError::invalid(
                    "kind",
                    format!("Tipologia TQRIF sconosciuta: {s}"),
                    format!("Unknown TQRIF kind: {s}"),
                )
            })
    }
}

/// How a request reached the desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow),
    diesel(sql_type = diesel::sql_types::Text)
)]
pub enum Channel {
    Portal,
    Api,
    Email,
    Pec,
    Phone,
    Desk,
    Post,
}

impl Channel {
    pub const ALL: [Channel; 7] = [
        Self::Portal,
        Self::Api,
        Self::Email,
        Self::Pec,
        Self::Phone,
        Self::Desk,
        Self::Post,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Portal => "portal",
            Self::Api => "api",
            Self::Email => "email",
            Self::Pec => "pec",
            Self::Phone => "phone",
            Self::Desk => "desk",
            Self::Post => "post",
        }
    }

    /// Channels an operator registers on a citizen's behalf, possibly with a past date.
    pub fn is_operator_registered(self) -> bool {
        matches!(self, Self::Phone | Self::Desk | Self::Post)
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Channel {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|c| c.code() == s)
            .ok_or_else(|| {
                DomainError::invalid(
                    "channel",
                    format!("Canale sconosciuto: {s}"),
                    format!("Unknown channel: {s}"),
                )
            })
    }
}

/// A tenant's standard days per kind: TQRIF defaults unless overridden.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandardDays {
    overrides: BTreeMap<RequestKind, Option<u32>>,
}

impl StandardDays {
    /// Upper bound of a configurable standard (a working year and a half).
    pub const MAX: u32 = 400;

    pub fn with_overrides(
        overrides: impl IntoIterator<Item = (RequestKind, Option<u32>)>,
    ) -> Result<Self, DomainError> {
        let overrides: BTreeMap<_, _> = overrides.into_iter().collect();
        for (kind, days) in &overrides {
            if days.is_some_and(|d| d == 0 || d > Self::MAX) {
                return Err(DomainError::invalid(
                    format!("standard_days.{kind}"),
                    format!("I giorni standard devono essere tra 1 e {}", Self::MAX),
                    format!("Standard days must be between 1 and {}", Self::MAX),
                ));
            }
        }
        Ok(Self { overrides })
    }

    pub fn get(&self, kind: RequestKind) -> Option<u32> {
        self.overrides
            .get(&kind)
            .copied()
            .unwrap_or_else(|| kind.default_standard_days())
    }

    pub fn overrides(&self) -> &BTreeMap<RequestKind, Option<u32>> {
        &self.overrides
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_lists_some_kind_and_complaints_sit_with_reports() {
        for c in ServiceCategory::ALL {
            assert!(RequestKind::ALL.iter().any(|k| k.category() == c), "{c:?}");
        }
        assert_eq!(
            RequestKind::Reclamo.category(),
            ServiceCategory::Segnalazioni
        );
        assert_eq!(RequestKind::Cessazione.category(), ServiceCategory::Utenza);
    }

    #[test]
    fn codes_round_trip_and_match_serde() {
        for k in RequestKind::ALL {
            assert_eq!(k.code().parse::<RequestKind>().unwrap(), k);
            assert_eq!(
                serde_json::to_string(&k).unwrap(),
                format!("\"{}\"", k.code())
            );
        }
        for c in Channel::ALL {
            assert_eq!(c.code().parse::<Channel>().unwrap(), c);
            assert_eq!(
                serde_json::to_string(&c).unwrap(),
                format!("\"{}\"", c.code())
            );
        }
        assert!("reclami".parse::<RequestKind>().is_err());
    }

    #[test]
    fn defaults_and_overrides() {
        let expected = [30, 30, 30, 30, 30, 60, 0, 120, 15, 5, 10, 0];
        for (k, days) in RequestKind::ALL.iter().zip(expected) {
            assert_eq!(k.default_standard_days().unwrap_or(0), days, "{k}");
        }
        let s = StandardDays::with_overrides([
            (RequestKind::Reclamo, Some(20)),
            (RequestKind::Rateizzazione, Some(30)),
            (RequestKind::Disservizio, None),
        ])
        .unwrap();
        assert_eq!(s.get(RequestKind::Reclamo), Some(20));
        assert_eq!(s.get(RequestKind::Rateizzazione), Some(30));
        assert_eq!(s.get(RequestKind::Disservizio), None);
        assert_eq!(s.get(RequestKind::RettificaImporti), Some(60));
        assert!(StandardDays::with_overrides([(RequestKind::Reclamo, Some(0))]).is_err());
    }
}
