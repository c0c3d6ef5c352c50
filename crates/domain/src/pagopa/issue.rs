//! Which notices an act needs: one per instalment that still asks for money, created when
//! the act is stored or changed. A notice keeps its number for life; while unpaid its
//! amount follows what the instalment still asks (after sgravi and partial payments) and its
//! due date follows the instalment's; it is cancelled when the act is annulled or
//! discharged, when a sgravio takes the whole instalment, or when the instalment is gone
//! (replaced by a plan). A paid notice is left as it was paid.

use chrono::NaiveDate;

use super::notice::NoticeStatus;
use crate::tax::allocation::InstalmentLedger;
use crate::types::Money;

/// A stored notice, as the plan needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IssuedNotice {
    pub instalment: u32,
    pub amount: i64,
    pub due_date: NaiveDate,
    pub cancelled: bool,
}

/// What to write so the act's notices match its ledger.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct NoticeChanges {
    /// New notices: `(instalment, amount, due date)`.
    pub create: Vec<(u32, i64, NaiveDate)>,
    /// Stored notices whose amount, due date or cancellation changes.
    pub update: Vec<IssuedNotice>,
}

impl NoticeChanges {
    pub fn is_empty(&self) -> bool {
        self.create.is_empty() && self.update.is_empty()
    }
}

/// The changes for one act: `instalments` from its allocation as of `today`.
pub fn plan(
    instalments: &[InstalmentLedger],
    act_cancelled: bool,
    existing: &[IssuedNotice],
    today: NaiveDate,
) -> NoticeChanges {
    let mut out = NoticeChanges::default();
    for i in instalments {
        let residual = i.residual_on(today);
        let cancelled = act_cancelled || i.amount == 0;
        match existing.iter().find(|e| e.instalment == i.n) {
            Some(e) => {
                let mut next = *e;
                next.cancelled = cancelled;
                if residual > 0 && !cancelled {
                    next.amount = residual;
                    next.due_date = i.due_date;
                }
                if next != *e {
                    out.update.push(next);
                }
            }
            None if residual > 0 && !cancelled => {
                out.create.push((i.n, residual, i.due_date));
            }
            None => {}
        }
    }
    for e in existing {
        if !e.cancelled && !instalments.iter().any(|i| i.n == e.instalment) {
            out.update.push(IssuedNotice {
                cancelled: true,
                ..*e
            });
        }
    }
    out
}

/// The state of a stored notice: `residual` is what its instalment still asks, `None` when
/// the instalment is gone. Positions never expire after the due date (GPD
/// `switchToExpired: false`): a late notice can still be paid.
pub fn status(notice: &IssuedNotice, residual: Option<i64>, today: NaiveDate) -> NoticeStatus {
    let cancelled = notice.cancelled || residual.is_none();
    NoticeStatus::of(
        cancelled,
        Money::from_cents(residual.unwrap_or(0)),
        notice.due_date,
        today,
        false,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    fn inst(n: u32, amount: i64, paid: i64) -> InstalmentLedger {
        InstalmentLedger {
            n,
            due_date: d(n, 28),
            amount,
            allocations: if paid > 0 {
                vec![(d(1, 10), paid)]
            } else {
                vec![]
            },
        }
    }

    #[test]
    fn issues_updates_and_cancels() {
        let today = d(2, 1);
        // A fresh act: notices for the unpaid instalments only.
        let ch = plan(
            &[inst(1, 100, 100), inst(2, 100, 0), inst(3, 100, 40)],
            false,
            &[],
            today,
        );
        assert_eq!(ch.create, vec![(2, 100, d(2, 28)), (3, 60, d(3, 28))]);
        assert!(ch.update.is_empty());
        let stored = [
            IssuedNotice {
                instalment: 2,
                amount: 100,
                due_date: d(2, 28),
                cancelled: false,
            },
            IssuedNotice {
                instalment: 3,
                amount: 60,
                due_date: d(3, 28),
                cancelled: false,
            },
        ];
        // Unchanged ledger: nothing to write.
        assert!(
            plan(
                &[inst(1, 100, 100), inst(2, 100, 0), inst(3, 100, 40)],
                false,
                &stored,
                today
            )
            .is_empty()
        );
        // Paid in full: left as it was. A sgravio of 10 on the third: its amount follows.
        let ch = plan(
            &[inst(1, 100, 100), inst(2, 100, 100), inst(3, 90, 40)],
            false,
            &stored,
            today,
        );
        assert_eq!(
            ch.update,
            vec![IssuedNotice {
                amount: 50,
                ..stored[1]
            }]
        );
        // The third instalment replaced by a plan; the act annulled.
        let ch = plan(&[inst(1, 100, 100), inst(2, 100, 0)], false, &stored, today);
        assert_eq!(
            ch.update,
            vec![IssuedNotice {
                cancelled: true,
                ..stored[1]
            }]
        );
        let ch = plan(
            &[inst(1, 0, 100), inst(2, 0, 0), inst(3, 0, 40)],
            true,
            &stored,
            today,
        );
        assert!(ch.update.iter().all(|n| n.cancelled) && ch.update.len() == 2);
        assert!(ch.create.is_empty());
    }

    #[test]
    fn states() {
        let n = IssuedNotice {
            instalment: 1,
            amount: 100,
            due_date: d(1, 31),
            cancelled: false,
        };
        assert_eq!(status(&n, Some(100), d(3, 1)), NoticeStatus::Unpaid);
        assert_eq!(status(&n, Some(0), d(3, 1)), NoticeStatus::Paid);
        assert_eq!(status(&n, None, d(3, 1)), NoticeStatus::Cancelled);
        let c = IssuedNotice {
            cancelled: true,
            ..n
        };
        assert_eq!(status(&c, Some(0), d(3, 1)), NoticeStatus::Cancelled);
    }
}
