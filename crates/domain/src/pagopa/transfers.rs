//! How one payment is split among beneficiaries (GPD `transfer[]`): TARI goes to the
//! Comune, and the TEFA (tributo provinciale per l'ambiente, D.Lgs. 504/1992 art. 19,
//! collected with TARI since 2021 on the Provincia's own account, DM 1 July 2020) to the
//! Provincia. TARI amounts as billed include the TEFA, a percentage of the tributo, so the
//! Provincia's share of an instalment is `tributo part × rate / (100 % + rate)`.

use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::tax::{Components, Tributo};
use crate::types::CodiceFiscale;

use super::settings::Iban;

/// Basis points (hundredths of a percent): 500 is 5,00 %, the rate unless the Provincia
/// set another one. The law allows 1 % to 5 %; 0 is a Provincia that waived it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TefaRate(u16);

impl TefaRate {
    pub const MAX: u16 = 500;
    /// 5 %: the rate when the Provincia set no other (art. 19 c. 3).
    pub const STANDARD: Self = Self(500);

    pub fn new(basis_points: u16) -> Result<Self, DomainError> {
        if basis_points > Self::MAX {
            return Err(DomainError::invalid(
                "tefa_rate",
                "L'aliquota TEFA va da 0 a 5 per cento",
                "The TEFA rate goes from 0 to 5 per cent",
            ));
        }
        Ok(Self(basis_points))
    }

    /// "5", "5,00", "4.5" or "4,5 %": a percentage with at most two decimals.
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let bad = || {
            DomainError::invalid(
                "tefa_rate",
                "Aliquota TEFA non valida: una percentuale come 5 o 4,5",
                "Invalid TEFA rate: a percentage such as 5 or 4.5",
            )
        };
        let s = input.trim().trim_end_matches('%').trim().replace(',', ".");
        let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
        if whole.is_empty()
            || whole.len() > 2
            || frac.len() > 2
            || !whole
                .bytes()
                .chain(frac.bytes())
                .all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        let whole: u16 = whole.parse().map_err(|_| bad())?;
        let frac: u16 = format!("{frac:0<2}").parse().map_err(|_| bad())?;
        Self::new(whole * 100 + frac)
    }

    pub fn basis_points(self) -> u16 {
        self.0
    }
}

impl std::fmt::Display for TefaRate {
    /// Italian form: `5,00`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{},{:02}", self.0 / 100, self.0 % 100)
    }
}

/// Where the TEFA goes: the Provincia (or Città metropolitana) and its rate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TefaBeneficiary {
    pub fiscal_code: CodiceFiscale,
    pub iban: Iban,
    pub rate: TefaRate,
}

/// Who a transfer pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Beneficiary {
    /// The ente issuing the notice (its creditor fiscal code and IBAN).
    Creditor,
    /// The Provincia's TEFA.
    Tefa,
}

/// One transfer of a payment option; `index` is GPD's `idTransfer` and the flows'
/// `indiceDatiSingoloPagamento`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transfer {
    pub index: u8,
    pub beneficiary: Beneficiary,
    pub amount: i64,
}

/// The tributi whose billed amounts include the TEFA.
pub fn carries_tefa(tributo: Tributo) -> bool {
    matches!(tributo, Tributo::Tari | Tributo::TariGiornaliera)
}

/// The transfers of an option of `amount` cents for an act with these components: one to
/// the creditor, plus one to the Provincia when the act is TARI and a TEFA beneficiary is
/// set. Only the tributo carries TEFA (not sanctions, interest or fees), so the share is in
/// proportion to the tributo's part of the act. Half cents round up; the transfers always
/// sum to `amount`, and a TEFA share that rounds to nothing gives a single transfer.
pub fn split(
    amount: i64,
    tributo: Tributo,
    components: &Components,
    tefa: Option<&TefaBeneficiary>,
) -> Vec<Transfer> {
    let creditor = |amount| Transfer {
        index: 1,
        beneficiary: Beneficiary::Creditor,
        amount,
    };
    let total = i128::from(components.total().cents());
    let Some(t) = tefa.filter(|_| carries_tefa(tributo) && amount > 1 && total > 0) else {
        return vec![creditor(amount)];
    };
    let rate = i128::from(t.rate.basis_points());
    let tributo_part = i128::from(amount) * i128::from(components.tributo.cents());
    // amount × (tributo / total) × rate / (10000 + rate), rounded half up, in one division.
    let denominator = total * (10_000 + rate);
    let share = (2 * tributo_part * rate + denominator) / (2 * denominator);
    let share = i64::try_from(share).unwrap_or(0).clamp(0, amount - 1);
    if share == 0 {
        return vec![creditor(amount)];
    }
    vec![
        creditor(amount - share),
        Transfer {
            index: 2,
            beneficiary: Beneficiary::Tefa,
            amount: share,
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Money;

    fn tari(tributo: i64, sanzioni: i64) -> Components {
        Components {
            tributo: Money::from_cents(tributo),
            sanzioni: Money::from_cents(sanzioni),
            interessi: Money::ZERO,
            spese_notifica: Money::ZERO,
        }
    }

    fn provincia(bp: u16) -> TefaBeneficiary {
        TefaBeneficiary {
            fiscal_code: CodiceFiscale::parse("80000870503").unwrap(),
            iban: Iban::parse("IT60X0542811101000000123456").unwrap(),
            rate: TefaRate::new(bp).unwrap(),
        }
    }

    #[test]
    fn five_per_cent_of_a_tari_bill() {
        // 200,00 of TARI plus 5 % TEFA (10,00) billed as 210,00.
        let parts = split(
            21_000,
            Tributo::Tari,
            &tari(21_000, 0),
            Some(&provincia(500)),
        );
        assert_eq!(
            parts,
            vec![
                Transfer {
                    index: 1,
                    beneficiary: Beneficiary::Creditor,
                    amount: 20_000
                },
                Transfer {
                    index: 2,
                    beneficiary: Beneficiary::Tefa,
                    amount: 1_000
                },
            ]
        );
    }

    #[test]
    fn only_the_tributo_carries_tefa() {
        // An accertamento of 105,00 tributo (TEFA 5,00 inside) and 30,00 sanctions,
        // paid in one option of 135,00: the Provincia gets 5,00.
        let parts = split(
            13_500,
            Tributo::Tari,
            &tari(10_500, 3_000),
            Some(&provincia(500)),
        );
        assert_eq!(parts[1].amount, 500);
        assert_eq!(parts[0].amount, 13_000);
    }

    #[test]
    fn instalments_round_half_up_and_always_sum() {
        let c = tari(10_000, 0);
        for amount in 1..=3_000 {
            let parts = split(amount, Tributo::Tari, &c, Some(&provincia(500)));
            assert_eq!(parts.iter().map(|p| p.amount).sum::<i64>(), amount);
            assert!(parts.iter().all(|p| p.amount >= 1), "{amount}: {parts:?}");
        }
        // 33,33 × 5/105 = 1,587 → 1,59.
        assert_eq!(
            split(3_333, Tributo::Tari, &c, Some(&provincia(500)))[1].amount,
            159
        );
    }

    #[test]
    fn no_second_transfer_without_tefa() {
        let c = tari(10_000, 0);
        assert_eq!(split(10_000, Tributo::Tari, &c, None).len(), 1);
        assert_eq!(
            split(10_000, Tributo::Imu, &c, Some(&provincia(500))).len(),
            1
        );
        assert_eq!(
            split(10_000, Tributo::Tari, &c, Some(&provincia(0))).len(),
            1
        );
        // One cent cannot be split.
        assert_eq!(split(1, Tributo::Tari, &c, Some(&provincia(500))).len(), 1);
    }

    #[test]
    fn rates() {
        assert_eq!(TefaRate::parse("5").unwrap().basis_points(), 500);
        assert_eq!(TefaRate::parse("4,5 %").unwrap().basis_points(), 450);
        assert_eq!(TefaRate::parse("0.25").unwrap().basis_points(), 25);
        assert_eq!(TefaRate::parse("5,00").unwrap().to_string(), "5,00");
        for bad in ["", "6", "5,001", "-1", "abc", "1.2.3", "100"] {
            assert!(TefaRate::parse(bad).is_err(), "{bad}");
        }
    }
}
