//! Every user-visible string, one module per language. Pages read them through
//! [`I18n::t`], which is reactive: switching language re-renders the text in place.

mod agenda;
mod en;
mod it;

pub use agenda::*;

use domain::{Lang, RequestKind, Status};
use leptos::prelude::*;

use crate::browser;

// The taxpayer's account (La mia posizione, the console's Contribuenti and Importazioni).
mod account;
pub use account::{AccountTexts, account_texts, trac, tracs};

// pagoPA notices, payments and receipts (La mia posizione and the console's contribuenti).
mod pay;
pub use pay::{PayTexts, notice_status_label, pay_texts, trp, trps};
// The console's reconciliation of pagoPA payments.
mod reconciliation;
// The console's page of the platform's tenants (platform administrators).
mod platform;
pub use platform::{platform_texts, trpl, trpls};
pub use reconciliation::{ReconTexts, bank_label, outcome_label, recon_texts, trrc, trrcs};

// Trasparenza rifiuti and the Riciclabolario (their own app).
mod waste;
pub use waste::{WasteTexts, trw, trws};
// The video desk (the citizen's call page, the operator's call page and agenda cue).
mod video;
pub use video::{VideoTexts, trv, trvs, video_texts};
// Live chat (the live app and the console).
mod chat;
pub use chat::{ChatTexts, trc, trcs};
// The citizen's personal area: tabs, the request page's timeline, receipt and reopening.
mod personal;
pub use personal::{PersonalTexts, personal_texts, trpa, trpas};
// "Valuta questo servizio" and the rating of an answer.
mod rating;
pub use rating::{RatingTexts, aspect_label, rating_texts, trrt, trrts};
// The site search page.
mod search;
pub use search::{search_kind_label, search_texts, trse, trses};
// The service pages, the site map, the legal notes and the footer's contacts.
mod services;
pub use services::{
    ServiceTexts, category_label, footer_texts, service_texts, trft, trfts, trsv, trsvs,
};
// The new-request wizard's drafts, applicant data and file picker.
mod wizard;
pub use wizard::{trwz, trwzs, wizard_texts};
// The console's side of the public content (transparency, Riciclabolario, answers).
pub mod content_admin;

const STORAGE_KEY: &str = "sportello.lang";

/// All strings of the interface. Functions build the few sentences that embed values.
#[allow(clippy::struct_field_names)]
pub struct Texts {
    pub lang_code: &'static str,
    pub lang_switch_label: &'static str,
    pub other_lang_name: &'static str,
    pub other_lang_code: &'static str,

    // layout
    pub skip_to_content: &'static str,
    pub skip_to_footer: &'static str,
    pub site_tagline: &'static str,
    pub default_tenant_name: &'static str,
    pub main_menu: &'static str,
    pub open_menu: &'static str,
    pub close_menu: &'static str,
    pub nav_services: &'static str,
    pub nav_personal_area: &'static str,
    pub nav_documents: &'static str,
    pub nav_faq: &'static str,
    pub nav_console: &'static str,
    pub login: &'static str,
    pub logout: &'static str,
    pub breadcrumb_label: &'static str,
    pub home: &'static str,
    pub footer_legal: &'static str,
    pub accessibility_statement: &'static str,
    pub privacy_policy: &'static str,
    pub footer_powered_by: &'static str,

    // generic
    pub loading: &'static str,
    pub network_error: &'static str,
    pub decode_error: &'static str,
    pub save: &'static str,
    pub saved: &'static str,
    pub back: &'static str,
    pub next: &'static str,
    pub confirm: &'static str,
    pub required_hint: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub none: &'static str,
    pub download: &'static str,
    pub not_found_title: &'static str,
    pub not_found_text: &'static str,
    pub form_has_errors: &'static str,
    pub uploading: &'static str,
    pub upload_progress: &'static str,
    pub file_types_hint: &'static str,

    // home
    pub home_title: &'static str,
    pub home_intro: &'static str,
    pub services_heading: &'static str,
    pub service_request_cta: &'static str,
    pub service_booking_title: &'static str,
    pub service_booking_text: &'static str,
    pub service_documents_text: &'static str,
    pub service_faq_text: &'static str,
    pub standard_days_none: &'static str,
    pub news_heading: &'static str,
    pub news_text: &'static str,
    pub standard_days: fn(u32) -> String,

    // auth
    pub login_title: &'static str,
    pub login_intro: &'static str,
    pub username: &'static str,
    pub username_help: &'static str,
    pub password: &'static str,
    pub login_submit: &'static str,
    pub no_account: &'static str,
    pub register_link: &'static str,
    pub register_title: &'static str,
    pub register_intro: &'static str,
    pub fiscal_code: &'static str,
    pub first_name: &'static str,
    pub last_name: &'static str,
    pub email: &'static str,
    pub phone: &'static str,
    pub password_help: &'static str,
    pub identity_document: &'static str,
    pub identity_document_help: &'static str,
    pub privacy_consent: &'static str,
    pub privacy_consent_required: &'static str,
    pub register_submit: &'static str,
    pub register_done_title: &'static str,
    pub register_done_text: &'static str,
    pub document_required: &'static str,
    pub forgot_password: &'static str,
    pub login_failed_title: &'static str,
    pub login_failed_text: &'static str,
    pub session_ended: &'static str,
    pub password_changed: &'static str,
    pub username_required: &'static str,
    pub password_required: &'static str,
    pub digital_identity_heading: &'static str,
    pub digital_identity_intro: &'static str,
    pub sign_in_with: fn(&str) -> String,
    pub password_heading: &'static str,
    pub identity_sign_in_failed: &'static str,

    // wizard
    pub wizard_title: &'static str,
    pub wizard_steps: [&'static str; 5],
    pub step_of: fn(usize, usize) -> String,
    pub privacy_step_text: &'static str,
    pub privacy_step_accept: &'static str,
    pub choose_type: &'static str,
    pub subject: &'static str,
    pub description: &'static str,
    pub attachments: &'static str,
    pub summary_declaration: &'static str,
    pub expected_due_date: &'static str,
    pub no_standard_due: &'static str,
    pub submit_request: &'static str,
    pub confirmation_text: &'static str,
    pub protocol_number: &'static str,
    pub due_date: &'static str,
    pub received_at: &'static str,
    pub what_next_title: &'static str,
    pub what_next_text: &'static str,
    pub go_to_request: &'static str,
    pub type_label: &'static str,
    pub attachments_message: &'static str,
    pub attachment_failed: &'static str,

    // personal area
    pub my_requests_title: &'static str,
    pub my_requests_empty: &'static str,
    pub new_request: &'static str,
    pub status: &'static str,
    pub request_title: &'static str,
    pub thread_title: &'static str,
    pub thread_empty: &'static str,
    pub reply: &'static str,
    pub reply_label: &'static str,
    pub send: &'static str,
    pub message_sent: &'static str,
    pub withdraw: &'static str,
    pub withdraw_confirm: &'static str,
    pub withdrawn_done: &'static str,
    pub internal_note: &'static str,
    pub channel: &'static str,
    pub resolved_at: &'static str,
    pub personal_area_menu: &'static str,
    pub preferences_title: &'static str,
    pub preferences_intro: &'static str,
    pub preferences_legend: &'static str,
    pub pref_email: &'static str,
    pub pref_sms: &'static str,
    pub pref_app_io: &'static str,
    pub pref_missing: &'static str,
    pub pref_lang: &'static str,
    pub pref_none_warning: &'static str,
    pub nav_my_account: &'static str,

    // documents & faq
    pub documents_title: &'static str,
    pub documents_intro: &'static str,
    pub documents_empty: &'static str,
    pub faq_title: &'static str,
    pub faq_search_label: &'static str,
    pub faq_results: fn(usize) -> String,
    pub nav_transparency: &'static str,
    pub nav_waste_guide: &'static str,
    pub nav_chat: &'static str,
    pub service_transparency_text: &'static str,
    pub service_waste_text: &'static str,

    // answers in the wizard
    pub answers_title: &'static str,
    pub answers_hint: &'static str,
    pub answer_read: &'static str,
    pub answer_solved: &'static str,
    pub answer_solved_done: &'static str,

    // static pages
    pub accessibility_title: &'static str,
    pub accessibility_text: &'static str,
    pub privacy_title: &'static str,
    pub privacy_text: &'static str,

    // console
    pub all: &'static str,
    pub overdue: &'static str,
    pub due_soon: &'static str,
    pub on_time: &'static str,
    pub working_days_left: fn(i64) -> String,
    pub citizen: &'static str,
    pub deadline: &'static str,
    pub choose: &'static str,
    pub approve: &'static str,
    pub reject: &'static str,
    pub show: &'static str,
    pub patron_saint: &'static str,
    pub closure_days: &'static str,
    pub logo_url: &'static str,
    pub role: &'static str,
    pub coming_soon: &'static str,
}

/// The strings of the console's mail pages (mails of a request, e-mail and PDF export,
/// mailboxes, notification channels). Apart from [`Texts`] so that only the console links
/// them: the portal's first load does not carry them.
pub struct MailTexts {
    // the mails of a request
    pub section_title: &'static str,
    pub list_title: &'static str,
    pub empty: &'static str,
    pub received: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    /// In the order of `OUTCOMES` (pages/console/request_mail.rs).
    pub outcome_labels: [&'static str; 7],
    /// In the order of `PEC_TYPES` (pages/console/request_mail.rs).
    pub pec_labels: [&'static str; 8],
    pub pec: &'static str,
    pub pec_last_receipt: &'static str,
    pub headers: &'static str,
    pub eml: &'static str,
    // sending
    pub send_title: &'static str,
    pub mode: &'static str,
    pub mode_reply: &'static str,
    pub mode_forward: &'static str,
    pub recipients: &'static str,
    pub recipients_help: &'static str,
    pub subject: &'static str,
    pub subject_help: &'static str,
    pub body: &'static str,
    pub files: &'static str,
    pub request_attachments: &'static str,
    pub send: &'static str,
    pub queued: &'static str,
    // export
    pub export_title: &'static str,
    pub export_internal: &'static str,
    pub export_pdf: &'static str,
    pub export_started: &'static str,
    pub export_mail_title: &'static str,
    pub export_mail_help: &'static str,
    pub export_note: &'static str,
    pub export_send: &'static str,
    pub export_queued: &'static str,
    // mailboxes
    pub mailboxes_intro: &'static str,
    pub mailboxes_empty: &'static str,
    pub name: &'static str,
    pub kind: &'static str,
    /// E-mail, PEC.
    pub kind_labels: [&'static str; 2],
    pub address: &'static str,
    pub imap: &'static str,
    pub smtp: &'static str,
    pub host: &'static str,
    pub port: &'static str,
    pub port_help: &'static str,
    pub security: &'static str,
    /// TLS, STARTTLS, plain.
    pub security_labels: [&'static str; 3],
    pub username: &'static str,
    pub password: &'static str,
    pub password_kept: &'static str,
    pub folder: &'static str,
    pub inbound: &'static str,
    pub outbound: &'static str,
    pub sender_auth: &'static str,
    pub authserv_id: &'static str,
    pub authserv_id_help: &'static str,
    pub pec_certificates: &'static str,
    pub pec_certificates_help: &'static str,
    pub inbound_off: &'static str,
    pub last_polled: &'static str,
    pub last_error: &'static str,
    pub add_title: &'static str,
    pub edit_title: &'static str,
    pub add: &'static str,
    pub save: &'static str,
    pub edit: &'static str,
    pub delete_confirm: &'static str,
    pub deleted: &'static str,
    pub test: &'static str,
    pub testing: &'static str,
    pub test_ok: &'static str,
    pub test_failed: &'static str,
    pub check_ok: &'static str,
    pub check_failed: &'static str,
    pub not_configured: &'static str,
    pub invalid_port: &'static str,
    // notification channels
    pub channels_intro: &'static str,
    pub sms: &'static str,
    pub sms_url: &'static str,
    pub sms_sender: &'static str,
    pub sms_token: &'static str,
    pub io: &'static str,
    pub io_url: &'static str,
    pub io_url_help: &'static str,
    pub io_key: &'static str,
    pub public_url: &'static str,
    pub public_url_help: &'static str,
    pub secret_set: &'static str,
    pub secret_unset: &'static str,
    pub secret_clear_token: &'static str,
    pub secret_clear_key: &'static str,
}

/// Strings only the console shows (its sign-in page, the desk, the register, the
/// administration, the audit log). Apart from [`Texts`] so the portal does not carry them.
pub struct StaffTexts {
    pub login_title: &'static str,
    pub login_intro: &'static str,
    pub offices: &'static str,
    pub state: &'static str,
    pub state_active: &'static str,
    pub state_inactive: &'static str,
    pub edit: &'static str,
    pub edit_title: fn(&str) -> String,
    pub account_active: &'static str,
    pub account_active_help: &'static str,
    pub staff_only_hint: &'static str,
    pub close_edit: &'static str,
    pub user_saved: &'static str,
    pub reset_title: &'static str,
    pub reset_help: &'static str,
    pub send_reset_link: &'static str,
    pub reset_link_sent: fn(&str) -> String,
    pub audit_title: &'static str,
    pub audit_intro: &'static str,
    pub audit_empty: &'static str,
    pub audit_when: &'static str,
    pub audit_actor: &'static str,
    pub audit_action: &'static str,
    pub audit_entity: &'static str,
    pub audit_ip: &'static str,
    pub audit_details: &'static str,
    pub audit_before: &'static str,
    pub audit_after: &'static str,
    pub audit_system: &'static str,
    pub action_labels: ActionLabels,
    pub register_chart_desc: &'static str,
    pub channel_labels: [&'static str; 7],
    pub queue_count: fn(usize) -> String,
    pub document_blocked: &'static str,
    pub read_only_other_office: &'static str,
    pub sender_unverified_title: &'static str,
    pub sender_unverified_help: &'static str,
    pub sender_search_label: &'static str,
    pub sender_search_button: &'static str,
    pub sender_none_found: &'static str,
    pub sender_choose: &'static str,
    pub sender_link_button: &'static str,
    pub sender_linked: &'static str,
    pub routing_intro: &'static str,
    pub standard_days_legend: &'static str,
    pub shortcuts_hint: &'static str,
    pub role_labels: [&'static str; 4],
    pub patron_saint_help: &'static str,
    pub patron_day: &'static str,
    pub patron_month: &'static str,
    pub patron_incomplete: &'static str,
    pub patron_bad_day: &'static str,
    /// "Giorno di chiusura 2".
    pub closure_day: fn(usize) -> String,
    pub closure_add: &'static str,
    pub closure_remove: &'static str,
    /// Read after [`Self::closure_remove`] by screen readers only.
    pub closure_remove_which: fn(usize) -> String,
    pub closure_none: &'static str,
    pub cause_labels: [&'static str; 3],
    pub register_chart_title: &'static str,
    pub no_actions: &'static str,
    pub closure_days_help: &'static str,
    pub internal_checkbox: &'static str,
    pub queue_empty: &'static str,
    pub filter_query: &'static str,
    pub document_open_new_tab: &'static str,
    pub registrations_empty: &'static str,
    pub cancel: &'static str,
    pub delete: &'static str,
    pub add: &'static str,
    pub load_more: &'static str,
    pub office: &'static str,
    pub assignee: &'static str,
    pub console_title: &'static str,
    pub console_nav: &'static str,
    pub queue_title: &'static str,
    pub filter_status: &'static str,
    pub filter_type: &'static str,
    pub filter_office: &'static str,
    pub filter_assignee: &'static str,
    pub filter_overdue: &'static str,
    pub filter_apply: &'static str,
    pub filter_reset: &'static str,
    pub assignee_me: &'static str,
    pub assignee_none: &'static str,
    pub actions_title: &'static str,
    pub note_label: &'static str,
    pub public_reply_label: &'static str,
    /// Under the reply of an action that speaks to the citizen: one message, one e-mail.
    pub public_reply_help: &'static str,
    pub reason_label: &'static str,
    pub cause_label: &'static str,
    pub new_type: &'static str,
    pub recomputed_due: &'static str,
    pub history_title: &'static str,
    pub history_empty: &'static str,
    pub action_done: &'static str,
    pub registrations_title: &'static str,
    pub reject_reason: &'static str,
    pub approved_done: &'static str,
    pub rejected_done: &'static str,
    pub view_document: &'static str,
    pub submitted_at: &'static str,
    pub register_page_title: &'static str,
    pub period_from: &'static str,
    pub period_to: &'static str,
    pub download_csv: &'static str,
    pub register_kind: &'static str,
    pub register_received: &'static str,
    pub register_resolved: &'static str,
    pub register_within: &'static str,
    pub register_percent: &'static str,
    pub register_avg: &'static str,
    pub register_max: &'static str,
    pub register_open_overdue: &'static str,
    pub register_total: &'static str,
    pub register_target: fn(u8) -> String,
    pub admin_title: &'static str,
    pub settings_title: &'static str,
    pub tenant_name: &'static str,
    pub tqrif_scheme: &'static str,
    pub target_percent: &'static str,
    pub offices_title: &'static str,
    pub office_name: &'static str,
    pub users_title: &'static str,
    pub routing_title: &'static str,
    pub documents_admin_title: &'static str,
    pub document_title: &'static str,
    pub document_category: &'static str,
    pub document_file: &'static str,
    pub faq_admin_title: &'static str,
    pub faq_question: &'static str,
    pub faq_answer: &'static str,
    pub faq_position: &'static str,
    pub mailboxes_title: &'static str,
    pub channels_title: &'static str,
}

/// The strings of the password-recovery pages, which are their own app.
pub struct RecoveryTexts {
    pub forgot_title: &'static str,
    pub forgot_intro: &'static str,
    pub send_link: &'static str,
    pub sent_title: &'static str,
    pub sent_text: &'static str,
    pub reset_title: &'static str,
    pub reset_intro: &'static str,
    pub new_password: &'static str,
    pub confirm_password: &'static str,
    pub passwords_differ: &'static str,
    pub reset_submit: &'static str,
    pub new_link: &'static str,
    pub back_to_login: &'static str,
}

/// Labels of the desk's actions, in the order of `domain::lifecycle::ActionKind`.
pub struct ActionLabels {
    pub assign: &'static str,
    pub take: &'static str,
    pub request_info: &'static str,
    pub resume: &'static str,
    pub resolve: &'static str,
    pub reject: &'static str,
    pub reclassify: &'static str,
    pub close: &'static str,
    pub reopen: &'static str,
    pub withdraw: &'static str,
}

pub fn staff_texts(lang: Lang) -> &'static StaffTexts {
    match lang {
        Lang::It => &it::STAFF,
        Lang::En => &en::STAFF,
    }
}

/// The current language, shared by every component through context.
#[derive(Clone, Copy)]
pub struct I18n {
    lang: RwSignal<Lang>,
}

impl I18n {
    /// The strings of the current language (reactive).
    pub fn t(self) -> &'static Texts {
        texts(self.lang.get())
    }

    /// The console's mail strings of the current language (reactive).
    pub fn m(self) -> &'static MailTexts {
        mail_texts(self.lang.get())
    }

    /// The console's sign-in, user and audit strings of the current language (reactive).
    pub fn s(self) -> &'static StaffTexts {
        staff_texts(self.lang.get())
    }

    /// The password-recovery strings of the current language (reactive).
    pub fn r(self) -> &'static RecoveryTexts {
        recovery_texts(self.lang.get())
    }

    pub fn lang(self) -> Lang {
        self.lang.get()
    }

    pub fn set(self, lang: Lang) {
        let code = texts(lang).lang_code;
        browser::local_storage_set(STORAGE_KEY, code);
        browser::set_html_lang(code);
        crate::api::set_lang(lang);
        self.lang.set(lang);
    }

    pub fn toggle(self) {
        self.set(match self.lang.get_untracked() {
            Lang::It => Lang::En,
            Lang::En => Lang::It,
        });
    }
}

pub fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::It => &it::TEXTS,
        Lang::En => &en::TEXTS,
    }
}

pub fn recovery_texts(lang: Lang) -> &'static RecoveryTexts {
    match lang {
        Lang::It => &it::RECOVERY,
        Lang::En => &en::RECOVERY,
    }
}

pub fn mail_texts(lang: Lang) -> &'static MailTexts {
    match lang {
        Lang::It => &it::MAIL,
        Lang::En => &en::MAIL,
    }
}

/// Reads the stored choice (Italian unless English was chosen) and shares it.
pub fn provide_i18n() -> I18n {
    let lang = match browser::local_storage_get(STORAGE_KEY).as_deref() {
        Some("en") => Lang::En,
        _ => Lang::It,
    };
    browser::set_html_lang(texts(lang).lang_code);
    crate::api::set_lang(lang);
    let i18n = I18n {
        lang: RwSignal::new(lang),
    };
    provide_context(i18n);
    i18n
}

pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

pub fn status_label(lang: Lang, status: Status) -> &'static str {
    match lang {
        Lang::It => status.label_it(),
        Lang::En => status.label_en(),
    }
}

pub fn kind_label(lang: Lang, kind: RequestKind) -> &'static str {
    match lang {
        Lang::It => kind.label_it(),
        Lang::En => kind.label_en(),
    }
}

/// One string of the interface, following the language switch. Every label goes through
/// this single function (one closure type, one `Signal` type), which keeps the generated
/// WebAssembly small compared with a distinct closure per text.
pub fn tr(f: fn(&Texts) -> &'static str) -> Signal<&'static str> {
    let i18n = use_i18n();
    Signal::derive(move || f(i18n.t()))
}

/// [`tr`] for component props that take owned text.
pub fn trs(f: fn(&Texts) -> &'static str) -> Signal<String> {
    let i18n = use_i18n();
    Signal::derive(move || f(i18n.t()).to_owned())
}

/// [`tr`] for the console's mail strings.
pub fn trm(f: fn(&MailTexts) -> &'static str) -> Signal<&'static str> {
    let i18n = use_i18n();
    Signal::derive(move || f(i18n.m()))
}

/// [`trm`] for component props that take owned text.
pub fn trms(f: fn(&MailTexts) -> &'static str) -> Signal<String> {
    let i18n = use_i18n();
    Signal::derive(move || f(i18n.m()).to_owned())
}

/// [`tr`] for the console's sign-in, user and audit strings.
pub fn trst(f: fn(&StaffTexts) -> &'static str) -> Signal<&'static str> {
    let i18n = use_i18n();
    Signal::derive(move || f(i18n.s()))
}

/// [`trst`] for component props that take owned text.
pub fn trsts(f: fn(&StaffTexts) -> &'static str) -> Signal<String> {
    let i18n = use_i18n();
    Signal::derive(move || f(i18n.s()).to_owned())
}

/// [`tr`] for the password-recovery strings.
pub fn trr(f: fn(&RecoveryTexts) -> &'static str) -> Signal<&'static str> {
    let i18n = use_i18n();
    Signal::derive(move || f(i18n.r()))
}

/// [`trr`] for component props that take owned text.
pub fn trrs(f: fn(&RecoveryTexts) -> &'static str) -> Signal<String> {
    let i18n = use_i18n();
    Signal::derive(move || f(i18n.r()).to_owned())
}
