//! The e-mails (and reminder SMS) of bookings, expanded by the outbox worker: links are
//! derived again from the booking id, the calendar file of that version was stored when
//! the change was made.

use chrono::{DateTime, Utc};
use domain::agenda::{BookingMode, BookingStatus, rome_local};
use domain::error::Lang;

use super::bookings::{BookingLinks, ics_key, status_of};
use super::codes::CodeKey;
use super::ics;
use crate::config::Config;
use crate::db::DbConn;
use crate::db::models::{BookingRow, DeskRow};
use crate::db::repo::{agenda, mail, new_id};
use crate::error::{ApiError, ApiResult};
use crate::mail::channels::{Channel, SmsPayload};
use crate::mail::compose::{self, Brand, Rendered};
use crate::mail::outbound;
use crate::mail::smtp::PayloadFile;
use crate::services::notify::Notice;
use crate::tenancy::TenantCtx;

fn when(t: DateTime<Utc>) -> (String, String) {
    let l = rome_local(t);
    (
        l.format("%d/%m/%Y").to_string(),
        l.format("%H:%M").to_string(),
    )
}

fn facts(lang: Lang, row: &BookingRow, desk: &DeskRow, links: &BookingLinks) -> String {
    let (day, time) = when(row.starts_at.and_utc());
    let place = match (
        row.mode.parse().unwrap_or(BookingMode::InPerson),
        &desk.address,
        &links.join,
    ) {
        (BookingMode::Video, _, Some(j)) => match lang {
            Lang::It => format!("In videochiamata: {j}"),
            Lang::En => format!("By video call: {j}"),
        },
        (_, Some(a), _) => match lang {
            Lang::It => format!("Dove: {} – {a}", desk.name),
            Lang::En => format!("Where: {} – {a}", desk.name),
        },
        _ => match lang {
            Lang::It => format!("Dove: {}", desk.name),
            Lang::En => format!("Where: {}", desk.name),
        },
    };
    match lang {
        Lang::It => format!(
            "Riferimento: {}\nData: {day} alle {time}\nServizio: {}\nOggetto: {}\n{place}",
            row.reference, row.service_name, row.subject
        ),
        Lang::En => format!(
            "Reference: {}\nDate: {day} at {time}\nService: {}\nSubject: {}\n{place}",
            row.reference, row.service_name, row.subject
        ),
    }
}

fn manage(lang: Lang, links: &BookingLinks) -> String {
    match lang {
        Lang::It => format!("Per spostare o annullare l'appuntamento: {}", links.manage),
        Lang::En => format!("To move or cancel the appointment: {}", links.manage),
    }
}

/// What one booking notice says.
fn render(
    lang: Lang,
    brand: &Brand,
    notice: &Notice,
    row: &BookingRow,
    desk: &DeskRow,
    links: &BookingLinks,
) -> Rendered {
    let name = format!("{} {}", row.first_name, row.last_name);
    let greeting = compose::greeting(lang, &name);
    let facts = facts(lang, row, desk, links);
    let (day, time) = when(row.starts_at.and_utc());
    let it = lang == Lang::It;
    let (subject, paragraphs) = match notice {
        Notice::BookingPending { .. } => (
            if it {
                format!("Conferma la prenotazione {}", row.reference)
            } else {
                format!("Confirm booking {}", row.reference)
            },
            vec![
                if it {
                    format!(
                        "per completare la prenotazione apra questo link entro 15 minuti, altrimenti l'orario sarà liberato:\n{}",
                        links.confirm
                    )
                } else {
                    format!(
                        "to complete the booking open this link within 15 minutes, or the time will be released:\n{}",
                        links.confirm
                    )
                },
                facts,
            ],
        ),
        Notice::BookingConfirmed { .. } => (
            if it {
                format!("Appuntamento confermato: {day} alle {time}")
            } else {
                format!("Appointment confirmed: {day} at {time}")
            },
            vec![
                if it {
                    "il suo appuntamento è confermato. In allegato il file per il calendario."
                        .to_owned()
                } else {
                    "your appointment is confirmed. The calendar file is attached.".to_owned()
                },
                facts,
                manage(lang, links),
            ],
        ),
        Notice::BookingRescheduled { .. } => (
            if it {
                format!("Appuntamento spostato: {day} alle {time}")
            } else {
                format!("Appointment moved: {day} at {time}")
            },
            vec![
                if it {
                    "il suo appuntamento è stato spostato al nuovo orario. In allegato il file aggiornato per il calendario.".to_owned()
                } else {
                    "your appointment was moved to the new time. The updated calendar file is attached.".to_owned()
                },
                facts,
                manage(lang, links),
            ],
        ),
        Notice::BookingCancelled { by_office, .. } => {
            let mut p = vec![match (it, by_office) {
                (true, true) => "l'ufficio ha annullato il suo appuntamento.".to_owned(),
                (true, false) => "il suo appuntamento è stato annullato come richiesto.".to_owned(),
                (false, true) => "the office has cancelled your appointment.".to_owned(),
                (false, false) => "your appointment was cancelled as requested.".to_owned(),
            }];
            if let (true, Some(reason)) = (*by_office, &row.cancel_reason) {
                p.push(if it {
                    format!("Motivo: {reason}")
                } else {
                    format!("Reason: {reason}")
                });
            }
            p.push(facts);
            p.push(if it {
                "Può prenotare un nuovo appuntamento dal sito dell'ente.".to_owned()
            } else {
                "You can book a new appointment on the website.".to_owned()
            });
            (
                if it {
                    format!("Appuntamento annullato: {day} alle {time}")
                } else {
                    format!("Appointment cancelled: {day} at {time}")
                },
                p,
            )
        }
        _ => (
            if it {
                format!("Promemoria: appuntamento domani alle {time}")
            } else {
                format!("Reminder: appointment tomorrow at {time}")
            },
            vec![
                if it {
                    "le ricordiamo l'appuntamento di domani.".to_owned()
                } else {
                    "this is a reminder of your appointment tomorrow.".to_owned()
                },
                facts,
                manage(lang, links),
            ],
        ),
    };
    compose::build(lang, brand, subject, &greeting, &paragraphs, true)
}

/// Whether the notice still makes sense for the booking as it is now.
fn still_relevant(notice: &Notice, row: &BookingRow, now: DateTime<Utc>) -> bool {
    let status = status_of(row, now);
    match notice {
        Notice::BookingPending { .. } => status == BookingStatus::PendingConfirmation,
        Notice::BookingReminder { sequence, .. } => {
            *sequence == row.sequence
                && status == BookingStatus::Confirmed
                && row.starts_at.and_utc() > now
        }
        _ => true,
    }
}

/// Expands a booking notice into its deliveries, in the worker's transaction.
pub fn expand(
    c: &mut DbConn,
    config: &Config,
    codes: &CodeKey,
    tenant: &TenantCtx,
    brand: &Brand,
    notice: &Notice,
    outbox_id: &str,
) -> ApiResult<usize> {
    let Some(id) = notice.booking_id() else {
        return Ok(0);
    };
    let Some(row) = agenda::find_booking(c, &tenant.id, id)? else {
        return Ok(0);
    };
    let now = Utc::now();
    if !still_relevant(notice, &row, now) {
        return Ok(0);
    }
    let Some(desk) = agenda::find_desk_any(c, &tenant.id, &row.desk_id)? else {
        return Ok(0);
    };
    let key = codes.clone();
    let links = BookingLinks::new(brand.public_url.as_deref(), &key, &row);
    let lang = if row.lang == "en" { Lang::En } else { Lang::It };
    let rendered = render(lang, brand, notice, &row, &desk, &links);
    let attachment = match notice {
        Notice::BookingConfirmed { sequence, .. } | Notice::BookingRescheduled { sequence, .. } => {
            Some((*sequence, false))
        }
        Notice::BookingCancelled { sequence, .. } => Some((*sequence, true)),
        _ => None,
    };
    let attachments = attachment
        .map(|(sequence, cancelled)| PayloadFile {
            filename: format!("appuntamento-{}.ics", row.reference),
            content_type: ics::content_type(cancelled),
            storage_key: ics_key(&tenant.id, &row.id, sequence, cancelled),
        })
        .into_iter()
        .collect();
    let mut count = 0;
    if crate::mail::address::is_valid(&row.email) {
        outbound::queue_notice_mail(
            c,
            config,
            tenant,
            &row.email,
            rendered.clone(),
            attachments,
            outbox_id,
            row.request_id.as_deref(),
        )?;
        count += 1;
    }
    // The reminder also goes by SMS when a phone was given and a gateway is configured.
    if matches!(notice, Notice::BookingReminder { .. })
        && let Some(phone) = &row.phone
        && let Some(settings) = mail::channel_settings(c, &tenant.id)?
        && let Some(url) = &settings.sms_url
    {
        let payload = SmsPayload {
            url: url.clone(),
            sender: settings.sms_sender.clone(),
            text: compose::sms(lang, brand, &rendered, Some(links.manage.clone())),
        };
        let d = outbound::new_delivery(
            &tenant.id,
            Some(outbox_id),
            row.request_id.as_deref(),
            Channel::Sms,
            phone,
            serde_json::to_string(&payload).map_err(|e| ApiError::Internal(e.into()))?,
            None,
            None,
            new_id(),
        );
        mail::insert_delivery(c, &d)?;
        count += 1;
    }
    Ok(count)
}
