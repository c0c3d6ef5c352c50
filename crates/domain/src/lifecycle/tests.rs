use super::*;
use proptest::prelude::*;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn citizen(id: &str) -> Actor {
    Actor::new(id, Role::Citizen, vec![])
}

fn operator(id: &str, office: &str) -> Actor {
    Actor::new(id, Role::Operator, vec![office.to_owned()])
}

fn reclamo(cal: &WorkingCalendar) -> RequestCase {
    // Monday 2 November 2026, 09:00 UTC; reclamo: 30 working days.
    RequestCase::new(
        Some("anna".into()),
        RequestKind::Reclamo,
        Some(30),
        at("2026-11-02T09:00:00Z"),
        Some("tributi".into()),
        cal,
    )
}

#[test]
fn happy_path_with_suspension() {
    let cal = WorkingCalendar::national();
    let rules = Rules::new(&cal);
    let case = reclamo(&cal);
    assert_eq!(case.due_date, NaiveDate::from_ymd_opt(2026, 12, 15));
    let op = operator("olga", "tributi");

    let (case, ev) = apply(&case, Action::Take, &op, at("2026-11-03T09:00:00Z"), rules).unwrap();
    assert_eq!(case.status, Status::InProgress);
    assert_eq!(case.assignee_id.as_deref(), Some("olga"));
    assert_eq!(
        ev[0],
        Event::StatusChanged {
            from: Status::Received,
            to: Status::InProgress
        }
    );

    let (case, _) = apply(
        &case,
        Action::RequestInfo,
        &op,
        at("2026-11-04T09:00:00Z"),
        rules,
    )
    .unwrap();
    assert_eq!(case.status, Status::WaitingCitizen);
    // The citizen answers the next Monday: Wed 4 → Mon 9 = 3 working days suspended.
    let (case, ev) = apply(
        &case,
        Action::Resume,
        &citizen("anna"),
        at("2026-11-09T10:00:00Z"),
        rules,
    )
    .unwrap();
    assert!(ev.contains(&Event::SuspensionEnded {
        started_at: at("2026-11-04T09:00:00Z"),
        ended_at: at("2026-11-09T10:00:00Z"),
        working_days: 3
    }));
    assert_eq!(case.suspended_working_days, 3);

    let err = apply(
        &case,
        Action::Resolve {
            with_reply: false,
            cause: None,
        },
        &op,
        at("2026-11-10T09:00:00Z"),
        rules,
    )
    .unwrap_err();
    assert_eq!(err.field_errors()[0].field, "note");
    let (case, ev) = apply(
        &case,
        Action::Resolve {
            with_reply: true,
            cause: None,
        },
        &op,
        at("2026-11-10T09:00:00Z"),
        rules,
    )
    .unwrap();
    assert_eq!(case.status, Status::Resolved);
    assert!(ev.contains(&Event::Answered {
        gross_days: 6,
        net_days: 3,
        within_standard: Some(true),
        cause: None
    }));

    let (case, _) = apply(
        &case,
        Action::Reopen,
        &citizen("anna"),
        at("2026-11-20T09:00:00Z"),
        rules,
    )
    .unwrap();
    assert_eq!(case.status, Status::InProgress);
    assert_eq!(case.resolved_at, None);
}

#[test]
fn late_answer_records_cause() {
    let cal = WorkingCalendar::national();
    let rules = Rules::new(&cal);
    let mut case = reclamo(&cal);
    case.status = Status::InProgress;
    case.has_public_reply = true;
    let op = operator("olga", "tributi");
    let late = at("2026-12-16T09:00:00Z");
    let (resolved, _) = apply(
        &case,
        Action::Resolve {
            with_reply: false,
            cause: None,
        },
        &op,
        late,
        rules,
    )
    .unwrap();
    assert_eq!(resolved.lateness_cause, Some(LatenessCause::Gestore));
    let (resolved, _) = apply(
        &case,
        Action::Resolve {
            with_reply: false,
            cause: Some(LatenessCause::ForzaMaggiore),
        },
        &op,
        late,
        rules,
    )
    .unwrap();
    assert_eq!(resolved.lateness_cause, Some(LatenessCause::ForzaMaggiore));
    // On time: no cause kept even if one is given.
    let (resolved, _) = apply(
        &case,
        Action::Resolve {
            with_reply: false,
            cause: Some(LatenessCause::Gestore),
        },
        &op,
        at("2026-12-15T09:00:00Z"),
        rules,
    )
    .unwrap();
    assert_eq!(resolved.lateness_cause, None);
}

#[test]
fn reclassify_recomputes_from_original_receipt() {
    let cal = WorkingCalendar::national();
    let rules = Rules::new(&cal);
    let case = reclamo(&cal);
    let op = operator("olga", "tributi");
    let (next, ev) = apply(
        &case,
        Action::Reclassify {
            kind: RequestKind::RettificaImporti,
            standard_days: Some(60),
            office_id: None,
        },
        &op,
        at("2026-11-20T09:00:00Z"),
        rules,
    )
    .unwrap();
    assert_eq!(next.status, Status::Received);
    let expected = cal.add_working_days(NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(), 60);
    assert_eq!(next.due_date, Some(expected));
    assert!(ev.contains(&Event::Reclassified {
        from: RequestKind::Reclamo,
        to: RequestKind::RettificaImporti
    }));
    assert!(ev.contains(&Event::DueDateChanged {
        from: case.due_date,
        to: Some(expected)
    }));
}

#[test]
fn permissions() {
    let cal = WorkingCalendar::national();
    let rules = Rules::new(&cal);
    let case = reclamo(&cal);
    let now = at("2026-11-03T09:00:00Z");
    // Citizens cannot take; another citizen cannot withdraw; the owner can.
    assert!(matches!(
        apply(&case, Action::Take, &citizen("anna"), now, rules),
        Err(DomainError::Forbidden(_))
    ));
    assert!(matches!(
        apply(&case, Action::Withdraw, &citizen("bruno"), now, rules),
        Err(DomainError::Forbidden(_))
    ));
    assert_eq!(
        apply(&case, Action::Withdraw, &citizen("anna"), now, rules)
            .unwrap()
            .0
            .status,
        Status::Withdrawn
    );
    // An operator of another office cannot take it; a supervisor can.
    assert!(matches!(
        apply(&case, Action::Take, &operator("ugo", "tecnico"), now, rules),
        Err(DomainError::Forbidden(_))
    ));
    let sup = Actor::new("sara", Role::Supervisor, vec!["tecnico".into()]);
    assert!(apply(&case, Action::Take, &sup, now, rules).is_ok());
    // Operators cannot close or withdraw.
    assert!(matches!(
        apply(
            &case,
            Action::Withdraw,
            &operator("olga", "tributi"),
            now,
            rules
        ),
        Err(DomainError::Forbidden(_))
    ));
    // Illegal transition: resolve from received.
    assert!(matches!(
        apply(
            &case,
            Action::Resolve {
                with_reply: true,
                cause: None
            },
            &operator("olga", "tributi"),
            now,
            rules
        ),
        Err(DomainError::Conflict(_))
    ));
}

#[test]
fn reopen_window() {
    let cal = WorkingCalendar::national();
    let rules = Rules::new(&cal);
    let mut case = reclamo(&cal);
    case.status = Status::Resolved;
    case.resolved_at = Some(at("2026-11-10T09:00:00Z"));
    assert!(
        apply(
            &case,
            Action::Reopen,
            &citizen("anna"),
            at("2026-12-10T09:00:00Z"),
            rules
        )
        .is_ok()
    );
    assert!(matches!(
        apply(
            &case,
            Action::Reopen,
            &citizen("anna"),
            at("2026-12-10T09:00:01Z"),
            rules
        ),
        Err(DomainError::Conflict(_))
    ));
}

// ---- properties ----------------------------------------------------------------------

fn any_action() -> impl Strategy<Value = Action> {
    prop_oneof![
        prop_oneof![Just("tributi"), Just("tecnico")].prop_flat_map(|o| {
            prop::option::of(prop_oneof![Just("olga"), Just("ugo")]).prop_map(move |a| {
                Action::Assign {
                    office_id: o.to_owned(),
                    assignee_id: a.map(str::to_owned),
                }
            })
        }),
        Just(Action::Take),
        Just(Action::RequestInfo),
        Just(Action::Resume),
        (
            any::<bool>(),
            prop::option::of(prop::sample::select(LatenessCause::ALL.to_vec()))
        )
            .prop_map(|(with_reply, cause)| Action::Resolve { with_reply, cause }),
        Just(Action::Reject),
        prop::sample::select(RequestKind::ALL.to_vec()).prop_map(|k| Action::Reclassify {
            kind: k,
            standard_days: k.default_standard_days(),
            office_id: None
        }),
        Just(Action::Close),
        Just(Action::Reopen),
        Just(Action::Withdraw),
    ]
}

fn any_actor() -> impl Strategy<Value = Actor> {
    prop::sample::select(vec![
        citizen("anna"),
        citizen("bruno"),
        operator("olga", "tributi"),
        operator("ugo", "tecnico"),
        Actor::new("sara", Role::Supervisor, vec!["tributi".into()]),
        Actor::new("adam", Role::Admin, vec![]),
        Actor::system(),
    ])
}

/// The arrows of the diagram, written out independently of `ActionKind::target`.
const ARROWS: &[(Status, ActionKind, Status)] = {
    use ActionKind as A;
    use Status as S;
    &[
        (S::Received, A::Assign, S::Assigned),
        (S::Assigned, A::Assign, S::Assigned),
        (S::InProgress, A::Assign, S::Assigned),
        (S::Received, A::Take, S::InProgress),
        (S::Assigned, A::Take, S::InProgress),
        (S::InProgress, A::RequestInfo, S::WaitingCitizen),
        (S::WaitingCitizen, A::Resume, S::InProgress),
        (S::InProgress, A::Resolve, S::Resolved),
        (S::WaitingCitizen, A::Resolve, S::Resolved),
        (S::Resolved, A::Close, S::Closed),
        (S::Resolved, A::Reopen, S::InProgress),
        (S::Received, A::Reject, S::Rejected),
        (S::Assigned, A::Reject, S::Rejected),
        (S::InProgress, A::Reject, S::Rejected),
        (S::WaitingCitizen, A::Reject, S::Rejected),
        (S::Received, A::Withdraw, S::Withdrawn),
        (S::Assigned, A::Withdraw, S::Withdrawn),
        (S::InProgress, A::Withdraw, S::Withdrawn),
        (S::WaitingCitizen, A::Withdraw, S::Withdrawn),
        (S::Received, A::Reclassify, S::Received),
        (S::Assigned, A::Reclassify, S::Assigned),
        (S::InProgress, A::Reclassify, S::InProgress),
        (S::WaitingCitizen, A::Reclassify, S::WaitingCitizen),
    ]
};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Random walks never leave the diagram; every refused action is one the diagram or the
    /// role table refuses, and every accepted one follows an arrow.
    #[test]
    fn walks_stay_on_the_diagram(steps in prop::collection::vec((any_action(), any_actor(), 0i64..72), 1..40)) {
        let cal = WorkingCalendar::national();
        let rules = Rules::new(&cal);
        let mut case = reclamo(&cal);
        let mut now = case.received_at;
        for (action, actor, hours) in steps {
            now += Duration::hours(hours);
            let kind = action.kind();
            let arrow = ARROWS.iter().find(|(from, a, _)| *from == case.status && *a == kind);
            match apply(&case, action, &actor, now, rules) {
                Ok((next, events)) => {
                    let (_, _, to) = arrow.expect("accepted an action with no arrow");
                    prop_assert_eq!(next.status, *to);
                    prop_assert!(kind.allowed_for(actor.role));
                    if next.status != case.status {
                        prop_assert_eq!(&events[0], &Event::StatusChanged { from: case.status, to: next.status });
                    }
                    prop_assert_eq!(next.suspended_since.is_some(), next.status == Status::WaitingCitizen);
                    prop_assert_eq!(next.resolved_at.is_some(), matches!(next.status, Status::Resolved | Status::Closed));
                    case = next;
                }
                Err(DomainError::Forbidden(_)) => {
                    prop_assert!(!kind.allowed_for(actor.role) || actor.role == Role::Citizen || actor.role == Role::Operator);
                }
                Err(DomainError::Conflict(_)) => {
                    prop_assert!(arrow.is_none() || kind == ActionKind::Reopen);
                }
                Err(DomainError::Validation(_)) => {
                    prop_assert!(matches!(kind, ActionKind::Resolve | ActionKind::Reclassify));
                }
            }
        }
    }

    /// Every (state, action) pair without an arrow is refused for every actor.
    #[test]
    fn illegal_actions_are_rejected(status in prop::sample::select(Status::ALL.to_vec()),
                                    action in any_action(), actor in any_actor()) {
        let cal = WorkingCalendar::national();
        let mut case = reclamo(&cal);
        case.status = status;
        if status == Status::WaitingCitizen { case.suspended_since = Some(case.received_at); }
        let has_arrow = ARROWS.iter().any(|(from, a, _)| *from == status && *a == action.kind());
        let result = apply(&case, action, &actor, case.received_at + Duration::days(1), Rules::new(&cal));
        if !has_arrow {
            prop_assert!(result.is_err());
        }
    }
}

#[test]
fn replies_mail_and_export_follow_the_office() {
    let cal = WorkingCalendar::national();
    let rules = Rules::new(&cal);
    let case = reclamo(&cal); // routed to "tributi"
    let now = case.received_at;
    let mine = allowed(&case, &operator("olga", "tributi"), now, rules);
    assert!(mine.reply && mine.internal_note && mine.mail && mine.export);
    assert!(mine.actions.contains(&ActionKind::Take));
    // An operator of another office: nothing, the same as transitions.
    let other = allowed(&case, &operator("ugo", "tecnico"), now, rules);
    assert_eq!(other, Allowed::default());
    assert!(matches!(
        check_op(&case, DeskOp::Reply, &operator("ugo", "tecnico")),
        Err(DomainError::Forbidden(_))
    ));
    // …unless it is assigned to them.
    let mut assigned = case.clone();
    assigned.assignee_id = Some("ugo".into());
    assert!(allowed(&assigned, &operator("ugo", "tecnico"), now, rules).reply);
    // Supervisors keep the wide view.
    let sara = Actor::new("sara", Role::Supervisor, vec!["tecnico".into()]);
    assert!(allowed(&case, &sara, now, rules).mail);
    // The citizen replies on their own open request, withdraws it, nothing else.
    let anna = allowed(&case, &citizen("anna"), now, rules);
    assert_eq!(anna.actions, vec![ActionKind::Withdraw]);
    assert!(anna.reply && !anna.internal_note && !anna.mail && !anna.export);
    assert_eq!(
        allowed(&case, &citizen("bruno"), now, rules),
        Allowed::default()
    );
    let mut closed = case.clone();
    closed.status = Status::Closed;
    assert!(!allowed(&closed, &citizen("anna"), now, rules).reply);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// `allowed` lists exactly the actions `apply` accepts (apart from the body checks of
    /// resolve and reclassify), for every state, actor and time.
    #[test]
    fn allowed_matches_apply(status in prop::sample::select(Status::ALL.to_vec()),
                             action in any_action(), actor in any_actor(), days in 0i64..60,
                             assignee in prop::option::of(prop_oneof![Just("olga"), Just("ugo")])) {
        let cal = WorkingCalendar::national();
        let rules = Rules::new(&cal);
        let mut case = reclamo(&cal);
        case.status = status;
        case.assignee_id = assignee.map(str::to_owned);
        if status == Status::WaitingCitizen { case.suspended_since = Some(case.received_at); }
        if matches!(status, Status::Resolved | Status::Closed) { case.resolved_at = Some(case.received_at); }
        let now = case.received_at + Duration::days(days);
        let kind = action.kind();
        let listed = allowed(&case, &actor, now, rules).actions.contains(&kind);
        match apply(&case, action, &actor, now, rules) {
            Ok(_) => prop_assert!(listed, "{kind:?} accepted but not listed"),
            Err(DomainError::Validation(_)) => prop_assert!(listed),
            Err(_) => prop_assert!(!listed, "{kind:?} listed but refused"),
        }
    }
}

#[test]
fn citizen_words_hide_routing_and_closing() {
    use CitizenStatus as C;
    let words: Vec<_> = Status::ALL.iter().map(|s| s.citizen().label_it()).collect();
    assert_eq!(
        words,
        [
            "Inviata",
            "Inviata",
            "In lavorazione",
            "Integrazione richiesta",
            "Conclusa",
            "Conclusa",
            "Respinta",
            "Ritirata"
        ]
    );
    assert_eq!(
        Status::WaitingCitizen.citizen().label(crate::Lang::En),
        "More information requested"
    );
    // Received → assigned → in progress → waiting → in progress → resolved → closed.
    let steps = [
        (Status::Assigned, 1),
        (Status::InProgress, 2),
        (Status::WaitingCitizen, 3),
        (Status::InProgress, 4),
        (Status::Resolved, 5),
        (Status::Closed, 6),
    ];
    assert_eq!(
        citizen_timeline(0, steps),
        [
            (C::Submitted, 0),
            (C::InProgress, 2),
            (C::InfoRequested, 3),
            (C::InProgress, 4),
            (C::Concluded, 5)
        ]
    );
}
