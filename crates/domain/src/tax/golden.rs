//! Golden statements: every figure worked out by hand in the comments.
//!
//! Interest of one run = cents × rate × days / days-in-year; the exact sum per instalment
//! is rounded half up once. Rates: legal 2 % in 2025, 1.6 % in 2026, 2.5 % in 2024.

use chrono::{Datelike, NaiveDate};

use super::acts::{
    Act, ActKind, ActStatus, Adjustment, AdjustmentKind, NewAct, Payment, PaymentChannel, Tributo,
};
use super::plan::{self, EntitlementFacts, first_due_after};
use super::statement::{
    AccountRules, ActLedger, ActStatement, PlanState, act_statement, statement,
};
use crate::types::Money;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn c(cents: i64) -> Money {
    Money::from_cents(cents)
}

fn act(kind: ActKind, issued_on: NaiveDate, instalments: &[(NaiveDate, i64)]) -> Act {
    Act::new(NewAct {
        kind,
        tributo: Tributo::Tari,
        number: "1".into(),
        year: issued_on.year(),
        issued_on,
        notified_on: None,
        components: None,
        instalments: instalments
            .iter()
            .map(|&(due, cents)| (due, c(cents)))
            .collect(),
    })
    .unwrap()
}

fn pay(date: NaiveDate, cents: i64) -> Payment {
    Payment {
        date,
        amount: c(cents),
        channel: PaymentChannel::Pagopa,
        reference: String::new(),
        instalment: None,
    }
}

fn run(act: &Act, payments: &[Payment], as_of: NaiveDate) -> ActStatement {
    act_statement(
        ActLedger {
            act,
            payments,
            adjustments: &[],
        },
        as_of,
        &AccountRules::default(),
    )
    .unwrap()
}

#[test]
fn crossing_new_year_2025_to_2026() {
    // 1,234.56 € due 1 December 2025, unpaid on 31 January 2026.
    // 2 Dec–31 Dec 2025: 30 days at 2 %:   123,456 × 0.02 × 30 / 365 = 202.9414 cents
    // 1 Jan–31 Jan 2026: 31 days at 1.6 %: 123,456 × 0.016 × 31 / 365 = 167.7649 cents
    // total 370.7063 → 3.71 €. One more day (1 Feb 2026, 1.6 %): 123,456 × 0.016 / 365 =
    // 5.41 cents → 0.05 €.
    let a = act(
        ActKind::AvvisoAccertamento,
        d(2025, 10, 1),
        &[(d(2025, 12, 1), 123_456)],
    );
    let s = run(&a, &[], d(2026, 1, 31));
    assert_eq!(s.interest, c(371));
    assert_eq!(s.daily_interest, c(5));
    assert_eq!(s.residual, c(123_456));
    assert_eq!(s.instalments[0].days_late, 61);
    // The same period rounded per day would give 30 × 7 + 31 × 5 = 365 cents: not what the
    // rule says.
}

#[test]
fn a_leap_year_has_366_days() {
    // 500 € due 31 December 2023, unpaid through 2024 (2.5 %, 366 days, 29 February included):
    // 50,000 × 0.025 × 366 / 366 = 1,250 cents exactly (dividing by 365 would give 1,253.42).
    let a = act(
        ActKind::AvvisoOrdinario,
        d(2023, 10, 1),
        &[(d(2023, 12, 31), 50_000)],
    );
    let s = run(&a, &[], d(2024, 12, 31));
    assert_eq!(s.interest, c(1_250));
    // 16 February–15 March 2024: 14 + 15 = 29 days: 50,000 × 0.025 × 29 / 366 = 99.0437 → 0.99 €.
    let a = act(
        ActKind::AvvisoOrdinario,
        d(2024, 1, 10),
        &[(d(2024, 2, 15), 50_000)],
    );
    assert_eq!(run(&a, &[], d(2024, 3, 15)).interest, c(99));
}

#[test]
fn rounding_is_half_up_once_per_instalment() {
    // 125.25 € for the whole of 2025 at 2 %: 12,525 × 0.02 = 250.5 cents → 2.51 €.
    let a = act(
        ActKind::AvvisoOrdinario,
        d(2024, 10, 1),
        &[(d(2024, 12, 31), 12_525)],
    );
    assert_eq!(run(&a, &[], d(2025, 12, 31)).interest, c(251));
}

#[test]
fn partial_payment_in_the_middle() {
    // 800 € due 31 March 2025; 300 € paid on 10 May; statement on 30 June.
    // 1 Apr–9 May: 39 days on 800 €; from 10 May (the payment day) to 30 Jun: 52 days on 500 €.
    // (80,000 × 39 + 50,000 × 52) × 0.02 / 365 = 114,400 / 365 = 313.4247 → 3.13 €.
    // One more day: 50,000 × 0.02 / 365 = 2.74 cents → 0.03 €.
    let a = act(
        ActKind::AvvisoOrdinario,
        d(2025, 2, 1),
        &[(d(2025, 3, 31), 80_000)],
    );
    let s = run(&a, &[pay(d(2025, 5, 10), 30_000)], d(2025, 6, 30));
    let i = &s.instalments[0];
    assert_eq!(
        (i.amount, i.paid, i.residual),
        (c(80_000), c(30_000), c(50_000))
    );
    assert_eq!(i.days_late, 91);
    assert_eq!(i.interest, c(313));
    assert_eq!(
        (s.paid, s.residual, s.interest, s.daily_interest),
        (c(30_000), c(50_000), c(313), c(3))
    );
}

#[test]
fn payment_on_the_due_date_owes_no_interest() {
    let a = act(
        ActKind::AvvisoOrdinario,
        d(2025, 2, 1),
        &[(d(2025, 5, 31), 20_000), (d(2025, 9, 30), 20_000)],
    );
    let s = run(
        &a,
        &[pay(d(2025, 5, 31), 20_000), pay(d(2025, 10, 1), 20_000)],
        d(2025, 12, 31),
    );
    assert_eq!(s.instalments[0].interest, Money::ZERO);
    assert_eq!(s.instalments[0].days_late, 0);
    // Paid the day after: that day already accrues on the lowered residual, so no interest
    // either, though it was one day late.
    assert_eq!(s.instalments[1].interest, Money::ZERO);
    assert_eq!(s.instalments[1].days_late, 1);
    assert_eq!(
        (s.residual, s.interest, s.daily_interest),
        (Money::ZERO, Money::ZERO, Money::ZERO)
    );
}

#[test]
fn ingiunzione_with_two_extra_points() {
    // 1,000 € due 15 October 2025, statement on 15 February 2026.
    // 16 Oct–31 Dec 2025: 77 days at 2 + 2 = 4 %; 1 Jan–15 Feb 2026: 46 days at 1.6 + 2 = 3.6 %.
    // 100,000 × (0.04 × 77 + 0.036 × 46) / 365 = 473,600 / 365 = 1,297.534 → 12.98 €.
    // The same as an accertamento (0 points): 227,600 / 365 = 623.56 → 6.24 €.
    // One more day at 3.6 %: 100,000 × 0.036 / 365 = 9.86 cents → 0.10 €.
    let inj = act(
        ActKind::Ingiunzione,
        d(2025, 8, 1),
        &[(d(2025, 10, 15), 100_000)],
    );
    let s = run(&inj, &[], d(2026, 2, 15));
    assert_eq!((s.interest, s.daily_interest), (c(1_298), c(10)));
    let acc = act(
        ActKind::AvvisoAccertamento,
        d(2025, 8, 1),
        &[(d(2025, 10, 15), 100_000)],
    );
    assert_eq!(run(&acc, &[], d(2026, 2, 15)).interest, c(624));
}

#[test]
fn annulled_act_owes_nothing_and_its_payments_are_credit() {
    let mut a = act(
        ActKind::AvvisoAccertamento,
        d(2025, 1, 10),
        &[(d(2025, 3, 16), 45_000)],
    );
    a.status = ActStatus::Annullato;
    let s = run(&a, &[pay(d(2025, 2, 1), 5_000)], d(2026, 1, 31));
    assert_eq!(
        (s.total, s.paid, s.residual),
        (Money::ZERO, Money::ZERO, Money::ZERO)
    );
    assert_eq!((s.interest, s.daily_interest), (Money::ZERO, Money::ZERO));
    assert_eq!((s.credit, s.discharged), (c(5_000), c(45_000)));
    assert_eq!(s.instalments[0].days_late, 0);
}

#[test]
fn sgravio_removes_the_amount_as_if_never_charged() {
    // 800 € due 31 March 2025 with a 300 € sgravio recorded on 1 June: interest is on 500 €
    // from the start. 1 Apr–30 Jun = 91 days: 50,000 × 0.02 × 91 / 365 = 249.32 → 2.49 €.
    let a = act(
        ActKind::AvvisoAccertamento,
        d(2025, 2, 1),
        &[(d(2025, 3, 31), 80_000)],
    );
    let adjustments = [Adjustment {
        kind: AdjustmentKind::Sgravio,
        date: d(2025, 6, 1),
        amount: c(30_000),
        instalment: None,
        reason: "autotutela".into(),
    }];
    let s = act_statement(
        ActLedger {
            act: &a,
            payments: &[],
            adjustments: &adjustments,
        },
        d(2025, 6, 30),
        &AccountRules::default(),
    )
    .unwrap();
    assert_eq!(
        (s.total, s.residual, s.discharged, s.interest),
        (c(50_000), c(50_000), c(30_000), c(249))
    );
}

#[test]
fn totals_are_the_sums_of_the_acts() {
    let acc = act(
        ActKind::AvvisoAccertamento,
        d(2025, 10, 1),
        &[(d(2025, 12, 1), 123_456)],
    );
    let inj = act(
        ActKind::Ingiunzione,
        d(2025, 8, 1),
        &[(d(2025, 10, 15), 100_000)],
    );
    let mut ann = act(
        ActKind::AvvisoAccertamento,
        d(2025, 1, 10),
        &[(d(2025, 3, 16), 45_000)],
    );
    ann.status = ActStatus::Annullato;
    let ann_pay = [pay(d(2025, 2, 1), 5_000)];
    let ledgers = [
        ActLedger {
            act: &acc,
            payments: &[],
            adjustments: &[],
        },
        ActLedger {
            act: &inj,
            payments: &[],
            adjustments: &[],
        },
        ActLedger {
            act: &ann,
            payments: &ann_pay,
            adjustments: &[],
        },
    ];
    let (acts, totals) = statement(&ledgers, d(2026, 1, 31), &AccountRules::default()).unwrap();
    // Ingiunzione on 31 Jan 2026: 77 days at 4 % + 31 days at 3.6 %:
    // 100,000 × (3.08 + 1.116) / 365 = 1,149.59 → 11.50 €; one more day 0.10 €.
    assert_eq!(acts[1].interest, c(1_150));
    assert_eq!(totals.interest, c(371 + 1_150));
    assert_eq!(totals.daily_interest, c(5 + 10));
    assert_eq!(totals.residual, c(223_456));
    assert_eq!(totals.total, c(223_456));
    assert_eq!(totals.credit, c(5_000));
}

/// A plan granted on 1 June 2025: six instalments of 100 € at the end of June–November.
fn granted_plan() -> Act {
    let mut a = act(
        ActKind::AvvisoAccertamento,
        d(2025, 1, 10),
        &[
            (d(2025, 6, 30), 10_000),
            (d(2025, 7, 31), 10_000),
            (d(2025, 8, 31), 10_000),
            (d(2025, 9, 30), 10_000),
            (d(2025, 10, 31), 10_000),
            (d(2025, 11, 30), 10_000),
        ],
    );
    a.status = ActStatus::Rateizzato;
    a.plan_granted_on = Some(d(2025, 6, 1));
    Act::from_parts(a).unwrap()
}

#[test]
fn plan_lapses_after_the_second_missed_instalment() {
    // June paid on time; July paid late on 10 August (missed #1); August not paid (missed #2):
    // the plan lapses on 1 September and September–November are payable from then.
    // Statement on 30 September:
    // - July: 1–9 August, 9 days on 100 €: 10,000 × 0.02 × 9 / 365 = 4.93 → 0.05 €
    // - August and the three brought forward: 1–30 September, 30 days on 100 € each:
    //   10,000 × 0.02 × 30 / 365 = 16.44 → 0.16 € × 4
    // interest 0.05 + 0.64 = 0.69 €; one more day 4 × 10,000 × 0.02 / 365 = 2.19 → 0.02 €.
    let a = granted_plan();
    let payments = [pay(d(2025, 6, 30), 10_000), pay(d(2025, 8, 10), 10_000)];
    let s = run(&a, &payments, d(2025, 9, 30));
    let plan = s.plan.unwrap();
    assert_eq!(
        (plan.state, plan.lapsed_on, plan.instalments),
        (PlanState::Lapsed, Some(d(2025, 9, 1)), 6)
    );
    let interest: Vec<i64> = s.instalments.iter().map(|i| i.interest.cents()).collect();
    assert_eq!(interest, [0, 5, 16, 16, 16, 16]);
    assert_eq!(s.instalments[1].days_late, 10);
    assert_eq!(s.instalments[5].days_late, 30);
    assert_eq!(
        (s.residual, s.interest, s.daily_interest),
        (c(40_000), c(69), c(2))
    );

    // With three misses allowed the plan holds: only July and August accrue.
    let rules = AccountRules {
        instalments: plan::InstalmentRules {
            lapse_after_unpaid: 3,
            ..Default::default()
        },
        ..AccountRules::default()
    };
    let s = act_statement(
        ActLedger {
            act: &a,
            payments: &payments,
            adjustments: &[],
        },
        d(2025, 9, 30),
        &rules,
    )
    .unwrap();
    assert_eq!(s.plan.unwrap().state, PlanState::Granted);
    assert_eq!(s.interest, c(5 + 16));
}

#[test]
fn granting_a_plan_keeps_the_history_and_spreads_what_is_owed() {
    // 1,200 € due 31 March 2025; 200 € paid on 30 April; plan from 30 June in 5 instalments.
    // Unpaid 1,000 € from 1 April to 30 June, 91 days: 100,000 × 0.02 × 91 / 365 = 498.63 →
    // 4.99 €. The plan spreads 1,004.99 €: 5 × 200.99 € + 0.04 € on the first.
    // The paid 200 € stay as instalment 1 with their own interest: 1–29 April, 29 days on
    // 200 €: 20,000 × 0.02 × 29 / 365 = 31.78 → 0.32 €.
    let a = act(
        ActKind::AvvisoAccertamento,
        d(2025, 2, 1),
        &[(d(2025, 3, 31), 120_000)],
    );
    let payments = vec![pay(d(2025, 4, 30), 20_000)];
    let rules = AccountRules::default();
    let on = d(2025, 6, 30);
    let ledger = ActLedger {
        act: &a,
        payments: &payments,
        adjustments: &[],
    };
    let before = act_statement(ledger, on, &rules).unwrap();
    // (120,000 × 29 + 100,000 × 62) × 0.02 / 365 = 530.41 → 5.30 €.
    assert_eq!(before.interest, c(530));

    let offer = plan::offer(
        ledger,
        on,
        5,
        first_due_after(on),
        EntitlementFacts::default(),
        &rules,
    )
    .unwrap();
    assert_eq!(
        (offer.base.residual, offer.base.interest, offer.base.debt),
        (c(100_000), c(499), c(100_499))
    );
    let amounts: Vec<i64> = offer
        .proposal
        .instalments
        .iter()
        .map(|i| i.amount.cents())
        .collect();
    assert_eq!(amounts, [20_103, 20_099, 20_099, 20_099, 20_099]);
    assert_eq!(offer.proposal.instalments[0].due_date, d(2025, 7, 31));
    assert_eq!(offer.proposal.instalments[4].due_date, d(2025, 11, 30));

    let granted = plan::apply_plan(ledger, &offer.proposal, &rules).unwrap();
    assert_eq!(granted.status, ActStatus::Rateizzato);
    let ns: Vec<u32> = granted.instalments.iter().map(|i| i.n).collect();
    assert_eq!(ns, [1, 2, 3, 4, 5, 6]);
    let after = run(&granted, &payments, on);
    assert_eq!(
        (after.paid, after.residual, after.interest),
        (c(20_000), c(100_499), c(32))
    );
    assert_eq!(after.instalments[0].residual, Money::ZERO);
    assert_eq!(after.plan.unwrap().state, PlanState::Granted);
    // What is owed is unchanged up to rounding: 1,000 € + 5.30 € before, 1,004.99 € + 0.32 € after.
    assert!(
        (before.residual + before.interest)
            .cents()
            .abs_diff((after.residual + after.interest).cents())
            <= 1
    );

    // July paid on time: nothing more accrues.
    let mut later = payments.clone();
    later.push(pay(d(2025, 7, 31), 20_103));
    let s = run(&granted, &later, d(2025, 8, 15));
    assert_eq!(
        (s.residual, s.interest, s.daily_interest),
        (c(80_396), c(32), Money::ZERO)
    );

    // A payment after the proposal changes the debt: the plan must be proposed again.
    let mut moved = payments.clone();
    moved.push(pay(d(2025, 6, 15), 1_000));
    let ledger = ActLedger {
        act: &a,
        payments: &moved,
        adjustments: &[],
    };
    assert!(plan::apply_plan(ledger, &offer.proposal, &rules).is_err());
    // And a plan is not offered twice.
    let ledger = ActLedger {
        act: &granted,
        payments: &payments,
        adjustments: &[],
    };
    assert!(
        plan::offer(
            ledger,
            on,
            5,
            first_due_after(on),
            EntitlementFacts::default(),
            &rules
        )
        .is_err()
    );
}

#[test]
fn missing_legal_rate_is_a_clear_error() {
    let a = act(
        ActKind::AvvisoOrdinario,
        d(2018, 1, 10),
        &[(d(2018, 5, 31), 10_000)],
    );
    let err = act_statement(
        ActLedger {
            act: &a,
            payments: &[],
            adjustments: &[],
        },
        d(2019, 1, 31),
        &AccountRules::default(),
    )
    .unwrap_err();
    assert!(err.summary(crate::Lang::It).contains("01/06/2018"), "{err}");
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn day(n: i64) -> NaiveDate {
        d(2022, 1, 1) + chrono::Duration::days(n)
    }

    /// An act of any kind with up to four instalments and up to six payments, some naming
    /// an instalment.
    fn any_case() -> impl Strategy<Value = (Act, Vec<Payment>)> {
        (
            prop::sample::select(ActKind::ALL.to_vec()),
            0i64..400,
            prop::collection::vec((0i64..200, 1i64..500_000), 1..5),
            prop::collection::vec(
                (0i64..1_200, 1i64..600_000, prop::option::of(1u32..6)),
                0..7,
            ),
        )
            .prop_map(|(kind, issue, insts, pays)| {
                let issued = day(issue);
                let mut due = issued;
                let instalments: Vec<(NaiveDate, i64)> = insts
                    .into_iter()
                    .map(|(gap, cents)| {
                        due += chrono::Duration::days(gap);
                        (due, cents)
                    })
                    .collect();
                let a = act(kind, issued, &instalments);
                let payments = pays
                    .into_iter()
                    .map(|(off, cents, n)| Payment {
                        instalment: n.filter(|n| a.instalment(*n).is_some()),
                        ..pay(issued + chrono::Duration::days(off), cents)
                    })
                    .collect();
                (a, payments)
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn interest_is_monotone_in_as_of_and_never_negative(
            (a, payments) in any_case(), t in 0i64..1_500, step in 1i64..400,
        ) {
            let early = run(&a, &payments, day(t));
            let late = run(&a, &payments, day(t + step));
            prop_assert!(early.interest >= Money::ZERO && early.daily_interest >= Money::ZERO);
            prop_assert!(late.interest >= early.interest);
            for (e, l) in early.instalments.iter().zip(&late.instalments) {
                prop_assert!(l.interest >= e.interest);
            }
        }

        #[test]
        fn columns_add_up((a, payments) in any_case(), t in 0i64..1_500) {
            let s = run(&a, &payments, day(t));
            prop_assert_eq!(s.total, s.paid + s.residual);
            let received: i64 = payments.iter().filter(|p| p.date <= day(t)).map(|p| p.amount.cents()).sum();
            prop_assert_eq!(received, (s.paid + s.credit).cents());
            prop_assert_eq!(s.interest, s.instalments.iter().fold(Money::ZERO, |acc, i| acc + i.interest));
            for i in &s.instalments {
                prop_assert_eq!(i.amount, i.paid + i.residual);
                prop_assert!(i.residual >= Money::ZERO);
            }
        }

        #[test]
        fn paying_everything_stops_interest(
            (a, payments) in any_case(), t in 0i64..1_200, later in 0i64..600,
        ) {
            let at = day(t);
            let before = run(&a, &payments, at);
            let mut all = payments.clone();
            if before.residual > Money::ZERO {
                all.push(pay(at, before.residual.cents()));
            }
            let settled = run(&a, &all, at);
            prop_assert_eq!(settled.residual, Money::ZERO);
            prop_assert_eq!(settled.daily_interest, Money::ZERO);
            // Nothing accrues after the day everything is paid (later payments aside).
            let all: Vec<Payment> = all.into_iter().filter(|p| p.date <= at).collect();
            let after = run(&a, &all, at + chrono::Duration::days(later));
            prop_assert_eq!(after.interest, settled.interest);
        }

        #[test]
        fn cancelled_acts_never_accrue((mut a, payments) in any_case(), t in 0i64..1_500, sgravato in any::<bool>()) {
            a.status = if sgravato { ActStatus::Sgravato } else { ActStatus::Annullato };
            let s = run(&a, &payments, day(t));
            prop_assert_eq!((s.residual, s.interest, s.daily_interest), (Money::ZERO, Money::ZERO, Money::ZERO));
        }
    }
}
