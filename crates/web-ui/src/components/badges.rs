//! Status and deadline badges. Labels come from `domain` (the single source of the
//! citizen-facing status names); colours are never the only cue, the text says it too.

use domain::{CitizenStatus, DeadlineStatus, Status};
use leptos::prelude::*;

use crate::i18n::{status_label, use_i18n};

fn status_class(status: Status) -> &'static str {
    match status {
        Status::Received => "bg-secondary",
        Status::Assigned | Status::InProgress => "bg-primary",
        Status::WaitingCitizen => "bg-warning text-dark",
        Status::Resolved => "bg-success",
        Status::Closed | Status::Withdrawn => "bg-dark",
        Status::Rejected => "bg-danger",
    }
}

#[component]
pub fn StatusBadge(status: Status) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <span class=format!("badge {}", status_class(status)) data-status=status.code()>
            {move || status_label(i18n.lang(), status)}
        </span>
    }
}

/// The status in the citizen's words (the portal): "Inviata", "In lavorazione"… The
/// `data-status` attribute keeps the lifecycle's code.
#[component]
pub fn CitizenStatusBadge(status: Status) -> impl IntoView {
    let i18n = use_i18n();
    let citizen = status.citizen();
    let class = match citizen {
        CitizenStatus::Submitted => "bg-secondary",
        CitizenStatus::InProgress => "bg-primary",
        CitizenStatus::InfoRequested => "bg-warning text-dark",
        CitizenStatus::Concluded => "bg-success",
        CitizenStatus::Withdrawn => "bg-dark",
        CitizenStatus::Rejected => "bg-danger",
    };
    view! {
        <span class=format!("badge {class}") data-status=status.code() data-citizen-status=citizen.code()>
            {move || citizen.label(i18n.lang())}
        </span>
    }
}

/// Overdue / due-soon highlight with the working days left (computed by the server with
/// the tenant calendar).
#[component]
pub fn DeadlineBadge(status: Option<DeadlineStatus>, left: Option<i64>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        let t = i18n.t();
        let (class, label) = match status? {
            DeadlineStatus::Overdue => ("bg-danger", t.overdue),
            DeadlineStatus::DueSoon => ("bg-warning text-dark", t.due_soon),
            DeadlineStatus::OnTime => ("bg-light text-dark border", t.on_time),
        };
        let days = left
            .map(|n| format!(" · {}", (t.working_days_left)(n)))
            .unwrap_or_default();
        Some(view! { <span class=format!("badge {class}")>{label}{days}</span> })
    }
}
