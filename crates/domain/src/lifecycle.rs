//! The request lifecycle: a pure state machine
//! `(request, action, actor, now) -> (request, events)`.
//!
//! ```text
//! received ──assign──▶ assigned ──take──▶ in_progress ──resolve──▶ resolved ──close──▶ closed
//!    │                                     │   ▲                      │
//!    │                         request_info│   │resume                │reopen (within N days)
//!    │                                     ▼   │                      ▼
//!    └──reject / withdraw──▶ rejected|withdrawn  waiting_citizen     in_progress
//! ```
//! `take` also works straight from `received`; `reclassify` keeps the state and recomputes
//! the deadline from the original receipt.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::{WorkingCalendar, rome_date};
use crate::catalogue::RequestKind;
use crate::deadline::{self, Elapsed, LatenessCause};
use crate::error::DomainError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow),
    diesel(sql_type = diesel::sql_types::Text)
)]
pub enum Status {
    Received,
    Assigned,
    InProgress,
    WaitingCitizen,
    Resolved,
    Closed,
    Rejected,
    Withdrawn,
}

impl Status {
    pub const ALL: [Status; 8] = [
        Self::Received,
        Self::Assigned,
        Self::InProgress,
        Self::WaitingCitizen,
        Self::Resolved,
        Self::Closed,
        Self::Rejected,
        Self::Withdrawn,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::Assigned => "assigned",
            Self::InProgress => "in_progress",
            Self::WaitingCitizen => "waiting_citizen",
            Self::Resolved => "resolved",
            Self::Closed => "closed",
            Self::Rejected => "rejected",
            Self::Withdrawn => "withdrawn",
        }
    }

    /// The label citizens and operators see.
    pub fn label_it(self) -> &'static str {
        match self {
            Self::Received => "Da assegnare",
            Self::Assigned => "Assegnata",
            Self::InProgress => "Presa in carico",
            Self::WaitingCitizen => "In attesa di integrazione",
            Self::Resolved => "Evasa",
            Self::Closed => "Chiusa",
            Self::Rejected => "Respinta",
            Self::Withdrawn => "Ritirata",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Received => "To be assigned",
            Self::Assigned => "Assigned",
            Self::InProgress => "Taken in charge",
            Self::WaitingCitizen => "Waiting for information",
            Self::Resolved => "Answered",
            Self::Closed => "Closed",
            Self::Rejected => "Rejected",
            Self::Withdrawn => "Withdrawn",
        }
    }

    /// The TQRIF clock runs (or is suspended) in these states.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Self::Received | Self::Assigned | Self::InProgress | Self::WaitingCitizen
        )
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Status {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|x| x.code() == s)
            .ok_or_else(|| {
                DomainError::invalid(
                    "status",
                    format!("Stato sconosciuto: {s}"),
                    format!("Unknown status: {s}"),
                )
            })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow),
    diesel(sql_type = diesel::sql_types::Text)
)]
pub enum Role {
    Citizen,
    Operator,
    Supervisor,
    Admin,
    /// Background work: automatic closing, replies arriving by e-mail.
    System,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Self::Citizen,
        Self::Operator,
        Self::Supervisor,
        Self::Admin,
        Self::System,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Citizen => "citizen",
            Self::Operator => "operator",
            Self::Supervisor => "supervisor",
            Self::Admin => "admin",
            Self::System => "system",
        }
    }

    /// Works the desk (operator or above).
    pub fn is_staff(self) -> bool {
        matches!(self, Self::Operator | Self::Supervisor | Self::Admin)
    }

    /// Sees and acts on every request of the tenant.
    pub fn is_lead(self) -> bool {
        matches!(self, Self::Supervisor | Self::Admin)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Role {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|x| x.code() == s)
            .ok_or_else(|| {
                DomainError::invalid(
                    "role",
                    format!("Ruolo sconosciuto: {s}"),
                    format!("Unknown role: {s}"),
                )
            })
    }
}

/// Who acts: a user id, a role and, for operators, the offices they belong to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub id: String,
    pub role: Role,
    pub office_ids: Vec<String>,
}

impl Actor {
    pub fn new(id: impl Into<String>, role: Role, office_ids: Vec<String>) -> Self {
        Self {
            id: id.into(),
            role,
            office_ids,
        }
    }

    pub fn system() -> Self {
        Self::new("system", Role::System, Vec::new())
    }
}

/// What someone wants to do to a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Route to an office and optionally to one of its operators.
    Assign {
        office_id: String,
        assignee_id: Option<String>,
    },
    /// The acting operator takes the request in charge.
    Take,
    /// Ask the citizen for more information: the clock is suspended until `resume`.
    RequestInfo,
    Resume,
    /// `with_reply`: a public reply is stored together with the transition.
    Resolve {
        with_reply: bool,
        cause: Option<LatenessCause>,
    },
    Reject,
    /// Change the TQRIF kind; the deadline is recomputed from the original receipt.
    Reclassify {
        kind: RequestKind,
        standard_days: Option<u32>,
        office_id: Option<String>,
    },
    Close,
    Reopen,
    Withdraw,
}

/// The names of actions, as the API spells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow),
    diesel(sql_type = diesel::sql_types::Text)
)]
pub enum ActionKind {
    Assign,
    Take,
    RequestInfo,
    Resume,
    Resolve,
    Reject,
    Reclassify,
    Close,
    Reopen,
    Withdraw,
}

impl ActionKind {
    pub const ALL: [ActionKind; 10] = [
        Self::Assign,
        Self::Take,
        Self::RequestInfo,
        Self::Resume,
        Self::Resolve,
        Self::Reject,
        Self::Reclassify,
        Self::Close,
        Self::Reopen,
        Self::Withdraw,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Assign => "assign",
            Self::Take => "take",
            Self::RequestInfo => "request_info",
            Self::Resume => "resume",
            Self::Resolve => "resolve",
            Self::Reject => "reject",
            Self::Reclassify => "reclassify",
            Self::Close => "close",
            Self::Reopen => "reopen",
            Self::Withdraw => "withdraw",
        }
    }

    fn label_it(self) -> &'static str {
        match self {
            Self::Assign => "assegnare",
            Self::Take => "prendere in carico",
            Self::RequestInfo => "chiedere un'integrazione",
            Self::Resume => "riprendere",
            Self::Resolve => "evadere",
            Self::Reject => "respingere",
            Self::Reclassify => "riclassificare",
            Self::Close => "chiudere",
            Self::Reopen => "riaprire",
            Self::Withdraw => "ritirare",
        }
    }

    /// The state an action leads to from `from`, if the diagram has such an arrow.
    pub fn target(self, from: Status) -> Option<Status> {
        use Status::{
            Assigned, Closed, InProgress, Received, Rejected, Resolved, WaitingCitizen, Withdrawn,
        };
        match (self, from) {
            (Self::Assign, Received | Assigned | InProgress) => Some(Assigned),
            (Self::Take, Received | Assigned) => Some(InProgress),
            (Self::RequestInfo, InProgress) => Some(WaitingCitizen),
            (Self::Resume, WaitingCitizen) | (Self::Reopen, Resolved) => Some(InProgress),
            (Self::Resolve, InProgress | WaitingCitizen) => Some(Resolved),
            (Self::Reject, Received | Assigned | InProgress | WaitingCitizen) => Some(Rejected),
            (Self::Reclassify, s) if s.is_open() => Some(s),
            (Self::Close, Resolved) => Some(Closed),
            (Self::Withdraw, s) if s.is_open() => Some(Withdrawn),
            _ => None,
        }
    }

    /// Which roles may perform the action at all (ownership and offices are checked after).
    pub fn allowed_for(self, role: Role) -> bool {
        match role {
            Role::Supervisor | Role::Admin => true,
            Role::Operator => matches!(
                self,
                Self::Assign
                    | Self::Take
                    | Self::RequestInfo
                    | Self::Resolve
                    | Self::Reject
                    | Self::Reclassify
            ),
            Role::Citizen => matches!(self, Self::Withdraw | Self::Resume | Self::Reopen),
            Role::System => matches!(self, Self::Close | Self::Resume),
        }
    }
}

impl Action {
    pub fn kind(&self) -> ActionKind {
        match self {
            Self::Assign { .. } => ActionKind::Assign,
            Self::Take => ActionKind::Take,
            Self::RequestInfo => ActionKind::RequestInfo,
            Self::Resume => ActionKind::Resume,
            Self::Resolve { .. } => ActionKind::Resolve,
            Self::Reject => ActionKind::Reject,
            Self::Reclassify { .. } => ActionKind::Reclassify,
            Self::Close => ActionKind::Close,
            Self::Reopen => ActionKind::Reopen,
            Self::Withdraw => ActionKind::Withdraw,
        }
    }
}

impl fmt::Display for ActionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for ActionKind {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|x| x.code() == s)
            .ok_or_else(|| {
                DomainError::invalid(
                    "action",
                    format!("Azione sconosciuta: {s}"),
                    format!("Unknown action: {s}"),
                )
            })
    }
}

/// The lifecycle-relevant facts of one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestCase {
    pub citizen_id: Option<String>,
    pub kind: RequestKind,
    pub standard_days: Option<u32>,
    pub status: Status,
    pub received_at: DateTime<Utc>,
    pub due_date: Option<NaiveDate>,
    pub office_id: Option<String>,
    pub assignee_id: Option<String>,
    /// An operator has sent the citizen a public reply.
    pub has_public_reply: bool,
    /// Start of the current suspension (state `waiting_citizen`).
    pub suspended_since: Option<DateTime<Utc>>,
    /// Working days of completed suspensions.
    pub suspended_working_days: u32,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub lateness_cause: Option<LatenessCause>,
}

impl RequestCase {
    /// A new request, just received, with its due date from the tenant's calendar.
    pub fn new(
        citizen_id: Option<String>,
        kind: RequestKind,
        standard_days: Option<u32>,
        received_at: DateTime<Utc>,
        office_id: Option<String>,
        calendar: &WorkingCalendar,
    ) -> Self {
        Self {
            citizen_id,
            kind,
            standard_days,
            status: Status::Received,
            received_at,
            due_date: deadline::due_date(received_at, standard_days, calendar),
            office_id,
            assignee_id: None,
            has_public_reply: false,
            suspended_since: None,
            suspended_working_days: 0,
            resolved_at: None,
            closed_at: None,
            lateness_cause: None,
        }
    }

    pub fn is_owned_by(&self, actor: &Actor) -> bool {
        self.citizen_id.as_deref() == Some(actor.id.as_str())
    }

    /// Whether the request is the actor's business: its citizen's, an operator's of its
    /// office (or its assignee's), any supervisor's, administrator's or the system's.
    pub fn is_within_remit_of(&self, actor: &Actor) -> bool {
        match actor.role {
            Role::Supervisor | Role::Admin | Role::System => true,
            Role::Citizen => self.is_owned_by(actor),
            Role::Operator => {
                self.office_id
                    .as_ref()
                    .is_none_or(|o| actor.office_ids.contains(o))
                    || self.assignee_id.as_deref() == Some(actor.id.as_str())
            }
        }
    }

    /// Working days taken up to `answered_at`, gross and net of suspensions.
    pub fn elapsed(&self, answered_at: DateTime<Utc>, calendar: &WorkingCalendar) -> Elapsed {
        let running = self.suspended_since.map_or(0, |s| {
            calendar.working_days_between(rome_date(s), rome_date(answered_at))
        });
        deadline::elapsed(
            self.received_at,
            answered_at,
            self.suspended_working_days + running,
            calendar,
        )
    }
}

/// What happened, for the history and the notifications.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    StatusChanged {
        from: Status,
        to: Status,
    },
    Routed {
        office_id: Option<String>,
        assignee_id: Option<String>,
    },
    SuspensionStarted {
        at: DateTime<Utc>,
    },
    SuspensionEnded {
        started_at: DateTime<Utc>,
        ended_at: DateTime<Utc>,
        working_days: u32,
    },
    Reclassified {
        from: RequestKind,
        to: RequestKind,
    },
    DueDateChanged {
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    },
    Answered {
        gross_days: u32,
        net_days: u32,
        within_standard: Option<bool>,
        cause: Option<LatenessCause>,
    },
}

/// Tenant rules the lifecycle needs besides the request itself.
#[derive(Debug, Clone, Copy)]
pub struct Rules<'a> {
    pub calendar: &'a WorkingCalendar,
    /// Calendar days after the answer during which it can be reopened.
    pub reopen_within_days: i64,
}

/// Calendar days after the answer during which the citizen can reopen a request.
pub const REOPEN_WITHIN_DAYS: i64 = 30;

impl<'a> Rules<'a> {
    pub fn new(calendar: &'a WorkingCalendar) -> Self {
        Self {
            calendar,
            reopen_within_days: REOPEN_WITHIN_DAYS,
        }
    }

    /// The last moment an answer given at `answered` can be reopened.
    pub fn reopen_until(self, answered: DateTime<Utc>) -> DateTime<Utc> {
        answered + Duration::days(self.reopen_within_days)
    }
}

/// [`Rules::reopen_until`] with the standard window, for a page that has no calendar.
pub fn reopen_until(answered: DateTime<Utc>) -> DateTime<Utc> {
    answered + Duration::days(REOPEN_WITHIN_DAYS)
}

/// Applies `action` by `actor` at `now`. Illegal transitions are `Conflict`, actions the
/// actor may not take are `Forbidden`; nothing is changed on error.
pub fn apply(
    case: &RequestCase,
    action: Action,
    actor: &Actor,
    now: DateTime<Utc>,
    rules: Rules<'_>,
) -> Result<(RequestCase, Vec<Event>), DomainError> {
    let kind = action.kind();
    let target = check_action(case, kind, actor)?;

    let mut next = case.clone();
    let mut events = Vec::new();
    match action {
        Action::Assign {
            office_id,
            assignee_id,
        } => {
            next.office_id = Some(office_id);
            next.assignee_id = assignee_id;
            events.push(Event::Routed {
                office_id: next.office_id.clone(),
                assignee_id: next.assignee_id.clone(),
            });
        }
        Action::Take => {
            if !case
                .office_id
                .as_ref()
                .is_some_and(|o| actor.office_ids.contains(o))
            {
                next.office_id = actor.office_ids.first().cloned().or(case.office_id.clone());
            }
            next.assignee_id = Some(actor.id.clone());
            events.push(Event::Routed {
                office_id: next.office_id.clone(),
                assignee_id: next.assignee_id.clone(),
            });
        }
        Action::RequestInfo => {
            next.suspended_since = Some(now);
            events.push(Event::SuspensionStarted { at: now });
        }
        Action::Resume => end_suspension(&mut next, &mut events, now, rules.calendar),
        Action::Resolve { with_reply, cause } => {
            if !with_reply && !case.has_public_reply {
                return Err(DomainError::invalid(
                    "note",
                    "Per evadere la pratica serve una risposta scritta al cittadino",
                    "Answering a request requires a written reply to the citizen",
                ));
            }
            end_suspension(&mut next, &mut events, now, rules.calendar);
            let elapsed = next.elapsed(now, rules.calendar);
            let within = deadline::within_standard(elapsed, next.standard_days);
            // A late answer needs a cause in the register; by default it is the operator's.
            next.lateness_cause = match within {
                Some(false) => Some(cause.unwrap_or(LatenessCause::Gestore)),
                _ => None,
            };
            next.has_public_reply = true;
            next.resolved_at = Some(now);
            events.push(Event::Answered {
                gross_days: elapsed.gross,
                net_days: elapsed.net,
                within_standard: within,
                cause: next.lateness_cause,
            });
        }
        Action::Reject | Action::Withdraw => {
            end_suspension(&mut next, &mut events, now, rules.calendar);
        }
        Action::Reclassify {
            kind: new_kind,
            standard_days,
            office_id,
        } => {
            if new_kind == case.kind && standard_days == case.standard_days && office_id.is_none() {
                return Err(DomainError::invalid(
                    "type",
                    "La pratica ha già questa tipologia",
                    "The request already has this type",
                ));
            }
            next.kind = new_kind;
            next.standard_days = standard_days;
            // From the original receipt, whatever the day of reclassification.
            next.due_date = deadline::due_date(case.received_at, standard_days, rules.calendar);
            if new_kind != case.kind {
                events.push(Event::Reclassified {
                    from: case.kind,
                    to: new_kind,
                });
            }
            if next.due_date != case.due_date {
                events.push(Event::DueDateChanged {
                    from: case.due_date,
                    to: next.due_date,
                });
            }
            if let Some(office) = office_id.filter(|o| Some(o) != case.office_id.as_ref()) {
                next.office_id = Some(office);
                next.assignee_id = None;
                events.push(Event::Routed {
                    office_id: next.office_id.clone(),
                    assignee_id: None,
                });
            }
        }
        Action::Close => next.closed_at = Some(now),
        Action::Reopen => {
            check_reopen_window(case, now, rules)?;
            next.resolved_at = None;
            next.lateness_cause = None;
        }
    }
    next.status = target;
    if target != case.status {
        events.insert(
            0,
            Event::StatusChanged {
                from: case.status,
                to: target,
            },
        );
    }
    Ok((next, events))
}

fn end_suspension(
    case: &mut RequestCase,
    events: &mut Vec<Event>,
    now: DateTime<Utc>,
    calendar: &WorkingCalendar,
) {
    if let Some(started_at) = case.suspended_since.take() {
        let days = calendar.working_days_between(rome_date(started_at), rome_date(now));
        case.suspended_working_days += days;
        events.push(Event::SuspensionEnded {
            started_at,
            ended_at: now,
            working_days: days,
        });
    }
}

/// Role, state and scope: whether `actor` may take `kind` on `case` now, and where it leads.
/// Role first (403), then the diagram (409), then ownership and office (403).
fn check_action(
    case: &RequestCase,
    kind: ActionKind,
    actor: &Actor,
) -> Result<Status, DomainError> {
    if !kind.allowed_for(actor.role) {
        return Err(DomainError::forbidden(
            format!("Non hai i permessi per {} questa pratica", kind.label_it()),
            format!(
                "You are not allowed to {} this request",
                kind.code().replace('_', " ")
            ),
        ));
    }
    let Some(target) = kind.target(case.status) else {
        return Err(DomainError::conflict(
            format!(
                "Non è possibile {} una pratica nello stato «{}»",
                kind.label_it(),
                case.status.label_it()
            ),
            format!(
                "Cannot {} a request in state '{}'",
                kind.code().replace('_', " "),
                case.status.code()
            ),
        ));
    };
    check_scope(case, kind, actor)?;
    Ok(target)
}

fn check_reopen_window(
    case: &RequestCase,
    now: DateTime<Utc>,
    rules: Rules<'_>,
) -> Result<(), DomainError> {
    let answered = case.resolved_at.unwrap_or(case.received_at);
    if now > rules.reopen_until(answered) {
        return Err(DomainError::conflict(
            format!(
                "La pratica può essere riaperta entro {} giorni dalla risposta",
                rules.reopen_within_days
            ),
            format!(
                "The request can be reopened within {} days of the answer",
                rules.reopen_within_days
            ),
        ));
    }
    Ok(())
}

/// Ownership and office checks, after the role and the state allowed the action.
fn check_scope(case: &RequestCase, kind: ActionKind, actor: &Actor) -> Result<(), DomainError> {
    let allowed = match (actor.role, kind) {
        // Taking needs the request unassigned (or already mine) in one of my offices.
        (Role::Operator, ActionKind::Take) => {
            let in_office = case
                .office_id
                .as_ref()
                .is_none_or(|o| actor.office_ids.contains(o));
            let assigned_to_me = case.assignee_id.as_deref() == Some(actor.id.as_str());
            in_office && (case.assignee_id.is_none() || assigned_to_me)
        }
        _ => case.is_within_remit_of(actor),
    };
    if allowed { Ok(()) } else { Err(not_in_remit()) }
}

fn not_in_remit() -> DomainError {
    DomainError::forbidden(
        "La pratica non è di tua competenza",
        "This request is not within your remit",
    )
}

/// What a caller does with a request besides lifecycle actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeskOp {
    /// A message the citizen reads (from the office: a written reply).
    Reply,
    /// A note only the office sees.
    InternalNote,
    /// Replying or forwarding by e-mail from the desk.
    Mail,
    /// The conversation as a PDF.
    Export,
}

/// Whether `actor` may perform `op` on `case`. Citizens write on their own requests until
/// they are concluded; operators act within their remit (office or assignment), like
/// transitions; supervisors and administrators on every request of the tenant.
pub fn check_op(case: &RequestCase, op: DeskOp, actor: &Actor) -> Result<(), DomainError> {
    match actor.role {
        Role::Supervisor | Role::Admin | Role::System => Ok(()),
        Role::Operator if case.is_within_remit_of(actor) => Ok(()),
        Role::Operator => Err(not_in_remit()),
        Role::Citizen => match op {
            DeskOp::Reply if !case.is_owned_by(actor) => Err(not_in_remit()),
            DeskOp::Reply
                if matches!(
                    case.status,
                    Status::Closed | Status::Rejected | Status::Withdrawn
                ) =>
            {
                Err(DomainError::conflict(
                    "La pratica è conclusa: per una nuova richiesta compila un nuovo modulo",
                    "The request is concluded: file a new request instead",
                ))
            }
            DeskOp::Reply => Ok(()),
            DeskOp::InternalNote | DeskOp::Mail | DeskOp::Export => Err(DomainError::forbidden(
                "Riservato agli operatori",
                "Reserved to operators",
            )),
        },
    }
}

/// Everything a caller may do with a request now: the one answer the API enforces and the
/// web app shows as buttons.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Allowed {
    /// Lifecycle actions accepted now by `POST /requests/{id}/transitions`.
    pub actions: Vec<ActionKind>,
    pub reply: bool,
    pub internal_note: bool,
    pub mail: bool,
    pub export: bool,
    /// The request came from a mail whose sender was not authenticated, and the caller may
    /// say whose it is (`POST /requests/{id}/sender`).
    #[serde(default)]
    pub link_sender: bool,
}

/// Whether `actor` may link the request of an unverified mail to the citizen who wrote it:
/// staff within their remit, and only while the sender is unverified.
pub fn check_link_sender(
    case: &RequestCase,
    sender_unverified: bool,
    actor: &Actor,
) -> Result<(), DomainError> {
    match actor.role {
        Role::Citizen | Role::System => {
            return Err(DomainError::forbidden(
                "Riservato agli operatori",
                "Reserved to operators",
            ));
        }
        Role::Operator if !case.is_within_remit_of(actor) => return Err(not_in_remit()),
        Role::Operator | Role::Supervisor | Role::Admin => {}
    }
    if sender_unverified {
        Ok(())
    } else {
        Err(DomainError::conflict(
            "Il mittente di questa pratica non è da verificare",
            "The sender of this request needs no checking",
        ))
    }
}

pub fn allowed(case: &RequestCase, actor: &Actor, now: DateTime<Utc>, rules: Rules<'_>) -> Allowed {
    let actions = ActionKind::ALL
        .into_iter()
        .filter(|&k| check_action(case, k, actor).is_ok())
        .filter(|&k| k != ActionKind::Reopen || check_reopen_window(case, now, rules).is_ok())
        .collect();
    let may = |op| check_op(case, op, actor).is_ok();
    Allowed {
        actions,
        reply: may(DeskOp::Reply),
        internal_note: may(DeskOp::InternalNote),
        mail: may(DeskOp::Mail),
        export: may(DeskOp::Export),
        link_sender: false,
    }
}

/// A request's status in the citizen's words (the Designers Italia "Modello Comuni"): the
/// portal shows these, the console keeps the desk's finer [`Status`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CitizenStatus {
    /// Received or routed: nobody works on it yet.
    Submitted,
    InProgress,
    /// The office asked for more information: the citizen's turn.
    InfoRequested,
    /// Answered (and, later, closed).
    Concluded,
    Rejected,
    Withdrawn,
}

impl CitizenStatus {
    pub fn code(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::InProgress => "in_progress",
            Self::InfoRequested => "info_requested",
            Self::Concluded => "concluded",
            Self::Rejected => "rejected",
            Self::Withdrawn => "withdrawn",
        }
    }

    pub fn label_it(self) -> &'static str {
        match self {
            Self::Submitted => "Inviata",
            Self::InProgress => "In lavorazione",
            Self::InfoRequested => "Integrazione richiesta",
            Self::Concluded => "Conclusa",
            Self::Rejected => "Respinta",
            Self::Withdrawn => "Ritirata",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Submitted => "Submitted",
            Self::InProgress => "In progress",
            Self::InfoRequested => "More information requested",
            Self::Concluded => "Concluded",
            Self::Rejected => "Rejected",
            Self::Withdrawn => "Withdrawn",
        }
    }

    pub fn label(self, lang: crate::Lang) -> &'static str {
        match lang {
            crate::Lang::It => self.label_it(),
            crate::Lang::En => self.label_en(),
        }
    }
}

impl Status {
    /// What the citizen is told: routing (received → assigned) and closing (resolved →
    /// closed) are the desk's business and do not change it.
    pub fn citizen(self) -> CitizenStatus {
        match self {
            Self::Received | Self::Assigned => CitizenStatus::Submitted,
            Self::InProgress => CitizenStatus::InProgress,
            Self::WaitingCitizen => CitizenStatus::InfoRequested,
            Self::Resolved | Self::Closed => CitizenStatus::Concluded,
            Self::Rejected => CitizenStatus::Rejected,
            Self::Withdrawn => CitizenStatus::Withdrawn,
        }
    }
}

/// The citizen's timeline: the filing, then each change of [`CitizenStatus`], from the
/// transitions `(to, at)` oldest first. Transitions that leave the citizen's status as it
/// was (routing, closing, reclassifying) are left out.
pub fn citizen_timeline<T: Copy>(
    received_at: T,
    transitions: impl IntoIterator<Item = (Status, T)>,
) -> Vec<(CitizenStatus, T)> {
    let mut out = vec![(CitizenStatus::Submitted, received_at)];
    for (to, at) in transitions {
        let s = to.citizen();
        if out.last().is_some_and(|(last, _)| *last != s) {
            out.push((s, at));
        }
    }
    out
}

#[cfg(test)]
mod tests;
