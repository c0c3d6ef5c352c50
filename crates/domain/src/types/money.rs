//! Amounts of euro in integer cents: no floating point touches money.

use std::fmt;
use std::ops::{Add, Sub};

use serde::{Deserialize, Serialize};

use crate::error::DomainError;

/// Euro cents. Serialised as a plain integer, as the public API carries amounts.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Money(i64);

impl Money {
    pub const ZERO: Money = Money(0);

    pub const fn from_cents(cents: i64) -> Self {
        Self(cents)
    }

    pub const fn cents(self) -> i64 {
        self.0
    }

    /// Parses "1.234,56", "1234,5", "1234.56" or "12" (euro) into cents.
    /// A lone `.` followed by exactly three digits is a thousands separator ("1.234").
    pub fn parse_euro(input: &str) -> Result<Self, DomainError> {
        let err = || {
            DomainError::invalid(
                "amount",
                "Importo non valido (esempio: 1.234,56)",
                "Invalid amount (example: 1234.56)",
            )
        };
        let s = input
            .trim()
            .trim_start_matches('€')
            .trim_end_matches('€')
            .trim();
        let (negative, s) = match s.strip_prefix('-') {
            Some(rest) => (true, rest.trim()),
            None => (false, s),
        };
        // The decimal separator is the last ',' or a '.' not followed by exactly 3 digits.
        let (int_part, frac_part) = if let Some((i, f)) = s.rsplit_once(',') {
            (i.replace('.', ""), f.to_owned())
        } else if let Some((i, f)) = s.rsplit_once('.') {
            if f.len() == 3 && !i.is_empty() {
                (s.replace('.', ""), String::new())
            } else {
                (i.replace('.', ""), f.to_owned())
            }
        } else {
            (s.to_owned(), String::new())
        };
        if int_part.is_empty()
            || !int_part.bytes().all(|b| b.is_ascii_digit())
            || frac_part.len() > 2
            || !frac_part.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(err());
        }
        let euros: i64 = int_part.parse().map_err(|_| err())?;
        let cents: i64 = match frac_part.len() {
            0 => 0,
            1 => frac_part.parse::<i64>().map_err(|_| err())? * 10,
            _ => frac_part.parse().map_err(|_| err())?,
        };
        let total = euros
            .checked_mul(100)
            .and_then(|e| e.checked_add(cents))
            .ok_or_else(err)?;
        Ok(Self(if negative { -total } else { total }))
    }

    pub fn checked_add(self, other: Self) -> Option<Self> {
        self.0.checked_add(other.0).map(Self)
    }

    pub fn checked_sub(self, other: Self) -> Option<Self> {
        self.0.checked_sub(other.0).map(Self)
    }

    /// Splits into `parts` amounts that differ by at most one cent and sum to `self`;
    /// the first instalments carry the extra cents.
    pub fn split(self, parts: u32) -> Vec<Money> {
        if parts == 0 {
            return Vec::new();
        }
        let n = i64::from(parts);
        let base = self.0 / n;
        let extra = self.0 % n;
        (0..n)
            .map(|i| Money(base + i64::from(i < extra.abs()) * extra.signum()))
            .collect()
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Self) -> Money {
        Money(self.0 + rhs.0)
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Self) -> Money {
        Money(self.0 - rhs.0)
    }
}

/// Italian formatting: `1.234,56 €`.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let euros = crate::numbers::count(abs / 100);
        write!(f, "{sign}{euros},{:02} €", abs % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_italian_and_dotted_amounts() {
        for (input, cents) in [
            ("1.234,56", 123_456),
            ("1234,5", 123_450),
            ("1234.56", 123_456),
            ("12", 1_200),
            ("1.234", 123_400),
            ("€ 0,01", 1),
            ("-3,10", -310),
            ("1.234.567,89", 123_456_789),
        ] {
            assert_eq!(Money::parse_euro(input).unwrap().cents(), cents, "{input}");
        }
        for bad in [
            "",
            "abc",
            "1,234",
            "1,2,3",
            "12,345",
            "99999999999999999999",
            "1e3",
        ] {
            assert!(Money::parse_euro(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn formats_italian() {
        assert_eq!(Money::from_cents(123_456).to_string(), "1.234,56 €");
        assert_eq!(Money::from_cents(5).to_string(), "0,05 €");
        assert_eq!(
            Money::from_cents(-100_000_000).to_string(),
            "-1.000.000,00 €"
        );
    }

    #[test]
    fn split_sums_back() {
        let parts = Money::from_cents(10_000).split(3);
        assert_eq!(parts, [Money(3334), Money(3333), Money(3333)]);
        assert_eq!(
            parts.iter().copied().fold(Money::ZERO, Add::add),
            Money(10_000)
        );
        assert!(Money(1).split(0).is_empty());
    }
}
