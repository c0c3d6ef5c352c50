//! Interest rates: exact percentages, the legal-rate table and the tenant's points by act.

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::acts::ActKind;
use super::{at_field, it_date};
use crate::error::{DomainError, Errors, FieldError};

/// A percentage with at most four decimals, held exactly: `1.6` is 16,000 units of
/// 1/10,000 of a percent. Written as a string (`"1.6"`); a JSON number is accepted too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Percent(u32);

impl Percent {
    /// Units per percentage point.
    pub const SCALE: u32 = 10_000;
    pub const ZERO: Percent = Percent(0);
    /// Upper bound of any rate here (a legal rate has never been above 10 %).
    pub const MAX: Percent = Percent(100 * Self::SCALE);

    pub const fn from_units(units: u32) -> Self {
        Self(units)
    }

    /// Whole percentage points.
    pub const fn points(points: u32) -> Self {
        Self(points * Self::SCALE)
    }

    pub const fn units(self) -> u32 {
        self.0
    }

    /// Parses `"1.6"`, `"1,6"`, `"2"` or `"0.05"`: no sign, at most four decimals, at most 100.
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let err = || {
            DomainError::invalid(
                "percent",
                "Percentuale non valida: un numero tra 0 e 100 con al massimo quattro decimali (esempio: 1,6)",
                "Invalid percentage: a number from 0 to 100 with at most four decimals (example: 1.6)",
            )
        };
        let s = input.trim().trim_end_matches('%').trim();
        let (int_part, frac_part) = match s.split_once(['.', ',']) {
            Some((i, f)) => (i, f),
            None => (s, ""),
        };
        if int_part.is_empty()
            || int_part.len() > 3
            || frac_part.len() > 4
            || !int_part.bytes().all(|b| b.is_ascii_digit())
            || !frac_part.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(err());
        }
        let int: u32 = int_part.parse().map_err(|_| err())?;
        let frac: u32 = format!("{frac_part:0<4}").parse().map_err(|_| err())?;
        let value = Self(int * Self::SCALE + frac);
        if value > Self::MAX {
            return Err(err());
        }
        Ok(value)
    }

    pub fn checked_add(self, other: Self) -> Option<Self> {
        self.0.checked_add(other.0).map(Self)
    }
}

/// `1.6`, `0.05`, `2`: no trailing zeros.
impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let int = self.0 / Self::SCALE;
        let frac = self.0 % Self::SCALE;
        if frac == 0 {
            write!(f, "{int}")
        } else {
            let digits = format!("{frac:04}");
            write!(f, "{int}.{}", digits.trim_end_matches('0'))
        }
    }
}

impl Serialize for Percent {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Percent {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Percent;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a percentage such as \"1.6\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Percent, E> {
                Percent::parse(v).map_err(E::custom)
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Percent, E> {
                Percent::parse(&v.to_string()).map_err(E::custom)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Percent, E> {
                Percent::parse(&v.to_string()).map_err(E::custom)
            }
            // The shortest decimal that reads back as the same float is what was typed.
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Percent, E> {
                Percent::parse(&v.to_string()).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Percent {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(r"^\d{1,3}([.,]\d{1,4})?$"))
            .description(Some(
                "A percentage with at most four decimals, e.g. \"1.6\"",
            ))
            .examples([serde_json::json!("1.6")])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Percent {}

/// The legal interest rate (art. 1284 c.c.) by the day it took effect, sorted, never empty.
/// The tenant extends it each December when the decree is published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegalRates(Vec<(NaiveDate, Percent)>);

impl LegalRates {
    /// Rates from tributi.md, each from 1 January.
    pub fn italian() -> Self {
        let table = [
            (2019, 8_000),
            (2020, 500),
            (2021, 100),
            (2022, 12_500),
            (2023, 50_000),
            (2024, 25_000),
            (2025, 20_000),
            (2026, 16_000),
        ];
        Self(
            table
                .into_iter()
                .map(|(y, units)| {
                    (
                        NaiveDate::from_ymd_opt(y, 1, 1).expect("1 January exists"),
                        Percent::from_units(units),
                    )
                })
                .collect(),
        )
    }

    /// A table from entries in any order; dates must be distinct. Errors name
    /// `legal_rates[i]`.
    pub fn new(
        entries: impl IntoIterator<Item = (NaiveDate, Percent)>,
    ) -> Result<Self, DomainError> {
        let mut entries: Vec<_> = entries.into_iter().collect();
        let mut errors = Errors::new();
        if entries.is_empty() {
            errors.push(FieldError::new(
                "legal_rates",
                "Indicare almeno un tasso legale",
                "At least one legal rate is required",
            ));
        }
        for (i, (_, percent)) in entries.iter().enumerate() {
            if *percent > Percent::points(50) {
                errors.push(FieldError::new(
                    format!("legal_rates[{i}].percent"),
                    "Il tasso legale non può superare il 50 %",
                    "The legal rate cannot exceed 50 %",
                ));
            }
        }
        entries.sort_by_key(|(from, _)| *from);
        if let Some(w) = entries.windows(2).find(|w| w[0].0 == w[1].0) {
            errors.push(FieldError::new(
                "legal_rates",
                format!("Due tassi per lo stesso giorno ({})", it_date(w[0].0)),
                format!("Two rates for the same day ({})", w[0].0),
            ));
        }
        errors.finish()?;
        Ok(Self(entries))
    }

    pub fn entries(&self) -> &[(NaiveDate, Percent)] {
        &self.0
    }

    /// Index of the entry in force on `day`, `None` before the first one.
    pub(crate) fn index_on(&self, day: NaiveDate) -> Option<usize> {
        self.0
            .partition_point(|(from, _)| *from <= day)
            .checked_sub(1)
    }

    pub fn rate_on(&self, day: NaiveDate) -> Option<Percent> {
        self.index_on(day).map(|i| self.0[i].1)
    }
}

impl Default for LegalRates {
    fn default() -> Self {
        Self::italian()
    }
}

/// Points over the legal rate by kind of act (L. 296/2006 c. 165: 0 to 3).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PointsByKind(BTreeMap<ActKind, Percent>);

impl PointsByKind {
    pub const MAX: Percent = Percent::points(3);

    /// Defaults: 0 for ordinary acts and accertamenti, 2 for ingiunzioni and what follows
    /// (L. 160/2019 c. 802).
    pub fn default_for(kind: ActKind) -> Percent {
        if kind.is_enforcement() {
            Percent::points(2)
        } else {
            Percent::ZERO
        }
    }

    /// The tenant's overrides; kinds not named keep their default. Errors name
    /// `points_by_kind.<kind>`.
    pub fn with_overrides(
        overrides: impl IntoIterator<Item = (ActKind, Percent)>,
    ) -> Result<Self, DomainError> {
        let map: BTreeMap<_, _> = overrides.into_iter().collect();
        let mut errors = Errors::new();
        for (kind, points) in &map {
            if *points > Self::MAX {
                errors.push(FieldError::new(
                    format!("points_by_kind.{kind}"),
                    "I punti in più sul tasso legale vanno da 0 a 3",
                    "Points over the legal rate range from 0 to 3",
                ));
            }
        }
        errors.finish()?;
        Ok(Self(map))
    }

    pub fn get(&self, kind: ActKind) -> Percent {
        self.0
            .get(&kind)
            .copied()
            .unwrap_or_else(|| Self::default_for(kind))
    }

    pub fn overrides(&self) -> &BTreeMap<ActKind, Percent> {
        &self.0
    }
}

/// What default interest is charged at: the legal rate of the day plus the act kind's points.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InterestRules {
    pub legal_rates: LegalRates,
    pub points: PointsByKind,
}

impl InterestRules {
    /// Builds the rules from settings, reporting fields under `interest.`.
    pub fn new(
        legal_rates: impl IntoIterator<Item = (NaiveDate, Percent)>,
        points: impl IntoIterator<Item = (ActKind, Percent)>,
    ) -> Result<Self, DomainError> {
        let mut errors = Errors::new();
        let legal_rates = errors.check(LegalRates::new(legal_rates).map_err(prefix));
        let points = errors.check(PointsByKind::with_overrides(points).map_err(prefix));
        errors.finish()?;
        Ok(Self {
            legal_rates: legal_rates.expect("checked"),
            points: points.expect("checked"),
        })
    }

    /// The annual rate for an act of `kind` on `day`; `None` before the table starts.
    pub fn rate_on(&self, kind: ActKind, day: NaiveDate) -> Option<Percent> {
        self.legal_rates
            .rate_on(day)
            .map(|r| Percent(r.0 + self.points.get(kind).0))
    }
}

fn prefix(err: DomainError) -> DomainError {
    match err {
        DomainError::Validation(errors) => DomainError::Validation(
            errors
                .into_iter()
                .map(|e| {
                    let field = format!("interest.{}", e.field);
                    e.at(field)
                })
                .collect(),
        ),
        other => at_field(other, "interest"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn percent_parses_and_prints_exactly() {
        for (s, units, shown) in [
            ("1.6", 16_000, "1.6"),
            ("1,6", 16_000, "1.6"),
            ("2", 20_000, "2"),
            ("0.05", 500, "0.05"),
            ("0.01", 100, "0.01"),
            ("1.25 %", 12_500, "1.25"),
            ("3.1415", 31_415, "3.1415"),
            ("100", 1_000_000, "100"),
        ] {
            let p = Percent::parse(s).unwrap();
            assert_eq!(p.units(), units, "{s}");
            assert_eq!(p.to_string(), shown);
        }
        for bad in ["", "-1", "1.23456", "abc", "100.01", "1e2", ".5", "1.2.3"] {
            assert!(Percent::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn percent_serde_accepts_strings_and_numbers() {
        let p: Percent = serde_json::from_str("\"1.6\"").unwrap();
        assert_eq!(p, Percent::from_units(16_000));
        let p: Percent = serde_json::from_str("1.6").unwrap();
        assert_eq!(p, Percent::from_units(16_000));
        let p: Percent = serde_json::from_str("2").unwrap();
        assert_eq!(p, Percent::points(2));
        assert_eq!(
            serde_json::to_string(&Percent::from_units(500)).unwrap(),
            "\"0.05\""
        );
        assert!(serde_json::from_str::<Percent>("-2").is_err());
    }

    #[test]
    fn legal_rates_by_day() {
        let t = LegalRates::italian();
        assert_eq!(t.rate_on(d(2025, 12, 31)), Some(Percent::points(2)));
        assert_eq!(t.rate_on(d(2026, 1, 1)), Some(Percent::from_units(16_000)));
        assert_eq!(t.rate_on(d(2030, 6, 1)), Some(Percent::from_units(16_000)));
        assert_eq!(t.rate_on(d(2018, 12, 31)), None);
        assert_eq!(t.rate_on(d(2020, 7, 1)), Some(Percent::from_units(500)));
    }

    #[test]
    fn legal_rates_validation() {
        let r = LegalRates::new([
            (d(2027, 1, 1), Percent::points(1)),
            (d(2026, 1, 1), Percent::points(2)),
        ])
        .unwrap();
        assert_eq!(r.entries()[0].0, d(2026, 1, 1));
        let err = LegalRates::new([
            (d(2027, 1, 1), Percent::points(1)),
            (d(2027, 1, 1), Percent::points(2)),
        ])
        .unwrap_err();
        assert_eq!(err.field_errors()[0].field, "legal_rates");
        assert!(LegalRates::new([]).is_err());
    }

    #[test]
    fn points_defaults_and_bounds() {
        let p = PointsByKind::default();
        assert_eq!(p.get(ActKind::AvvisoOrdinario), Percent::ZERO);
        assert_eq!(p.get(ActKind::AvvisoAccertamento), Percent::ZERO);
        assert_eq!(p.get(ActKind::Ingiunzione), Percent::points(2));
        assert_eq!(p.get(ActKind::AttoEsecutivo), Percent::points(2));
        let p =
            PointsByKind::with_overrides([(ActKind::Sollecito, Percent::parse("0.5").unwrap())])
                .unwrap();
        assert_eq!(p.get(ActKind::Sollecito), Percent::from_units(5_000));
        let err = InterestRules::new(
            LegalRates::italian().entries().to_vec(),
            [(ActKind::Ingiunzione, Percent::parse("3.5").unwrap())],
        )
        .unwrap_err();
        assert_eq!(
            err.field_errors()[0].field,
            "interest.points_by_kind.ingiunzione"
        );
        let rules = InterestRules::default();
        assert_eq!(
            rules.rate_on(ActKind::Ingiunzione, d(2026, 3, 1)),
            Some(Percent::from_units(36_000))
        );
    }
}
