//! The receipt of a filing ("Ricevuta di presentazione"): what the citizen sent and when,
//! as a PDF with the same layout as the conversation export (`mail::pdf`).

use chrono::Utc;
use domain::Lang;
use domain::forms::display_fields;

use super::views::load_visible;

use crate::auth::AuthUser;
use crate::db::repo::requests;
use crate::error::{ApiError, ApiResult};
use crate::mail::compose::{format_date, format_instant};
use crate::mail::pdf::{self, Block};
use crate::state::AppState;

/// The receipt of a request, for its citizen and the staff (as `GET /requests/{id}`):
/// protocol number, time of receipt, type, subject, description, the form's fields with
/// their labels, the names of the files the citizen attached and the due date. Returns the
/// PDF and its file name.
pub fn receipt_pdf(
    state: &AppState,
    user: &AuthUser,
    request_id: &str,
) -> ApiResult<(Vec<u8>, String)> {
    let tenant = &user.tenant;
    let (row, files) = state.db.read(|c| {
        let row = load_visible(c, user, request_id)?;
        let files: Vec<String> = requests::attachments(c, &row.id)?
            .into_iter()
            // The citizen's own files: what the office sent back is not part of the filing.
            .filter(|a| a.uploaded_by.is_some() && a.uploaded_by == row.citizen_id)
            .map(|a| a.filename)
            .collect();
        Ok::<_, ApiError>((row, files))
    })?;
    let kind = tenant.directory.request_type(&row.type_code);
    let type_name = kind.map_or_else(|| row.type_code.clone(), |t| t.name.clone());
    let values = serde_json::from_str(&row.fields).unwrap_or_default();
    let fields = display_fields(kind.map_or(&[][..], |t| &t.fields), &values, Lang::It);
    let mut b = vec![
        Block::Note(tenant.name.clone()),
        Block::Title("Ricevuta di presentazione".into()),
        Block::Field("Protocollo".into(), row.protocol_number.clone()),
        Block::Field(
            "Ricevuta il".into(),
            format_instant(row.received_at.and_utc()),
        ),
        Block::Field("Tipo".into(), type_name),
        Block::Field(
            "Termine di risposta".into(),
            row.due_date
                .map_or_else(|| "non previsto".into(), format_date),
        ),
        Block::Rule,
        Block::Field("Oggetto".into(), row.subject.clone()),
        Block::Heading("Descrizione".into()),
        Block::Paragraph(row.description.clone()),
    ];
    if !fields.is_empty() {
        b.push(Block::Heading("Dati inseriti".into()));
        b.extend(fields.into_iter().map(|(l, v)| Block::Field(l, v)));
    }
    b.push(Block::Heading("Allegati".into()));
    if files.is_empty() {
        b.push(Block::Paragraph("Nessun allegato".into()));
    } else {
        b.extend(files.into_iter().map(Block::Paragraph));
    }
    b.push(Block::Space);
    b.push(Block::Note(format!(
        "Documento prodotto il {}. La data e l'ora di ricezione fanno fede per i tempi di risposta.",
        format_instant(Utc::now())
    )));
    let title = format!("Ricevuta prot. {}", row.protocol_number);
    let bytes = pdf::render(&title, &format!("{} — {title}", tenant.name), &b);
    Ok((
        bytes,
        format!("ricevuta-{}.pdf", row.protocol_number.replace('/', "-")),
    ))
}
