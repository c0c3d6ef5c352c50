//! Message templates, in Italian and English, with the tenant's name and logo: plain text
//! and HTML for e-mail, short text for SMS, subject and markdown for App IO.

use std::fmt::Write as _;

use chrono::{DateTime, NaiveDate, Utc};
use domain::calendar::rome_offset;
use domain::error::Lang;

/// A rendered e-mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Who sends: the tenant's name, logo and portal address.
#[derive(Debug, Clone)]
pub struct Brand {
    pub tenant_name: String,
    pub logo_url: Option<String>,
    pub public_url: Option<String>,
}

impl Brand {
    /// The citizen's page of a request, when the portal address is known.
    pub fn request_link(&self, request_id: &str) -> Option<String> {
        self.public_url.as_ref().map(|u| {
            format!(
                "{}/area-personale/pratiche/{request_id}",
                u.trim_end_matches('/')
            )
        })
    }
}

impl Brand {
    /// The portal page that asks for or sets a new password (a bare path when the portal
    /// address is unknown).
    pub fn password_reset_page(&self) -> String {
        format!(
            "{}/recupero-password",
            self.public_url
                .as_deref()
                .unwrap_or("")
                .trim_end_matches('/')
        )
    }

    /// That page with the token of a reset link.
    pub fn password_reset_link(&self, token: &str) -> String {
        format!("{}?token={token}", self.password_reset_page())
    }
}

/// The facts of a request that messages mention.
#[derive(Debug, Clone)]
pub struct RequestFacts {
    pub id: String,
    pub protocol: String,
    pub subject: String,
    pub type_name: String,
    pub received_at: DateTime<Utc>,
    pub due_date: Option<NaiveDate>,
}

/// What a registration notice says.
#[derive(Debug, Clone)]
pub enum RegistrationOutcome {
    Received,
    Approved,
    Rejected(Option<String>),
}

/// `[Prot. 2026/0000123]`, the tag that threads replies by subject.
pub fn protocol_tag(protocol: &str) -> String {
    format!("[Prot. {protocol}]")
}

/// Subject of a mail about a request: the protocol tag, then `what`.
pub fn request_subject(protocol: &str, what: &str) -> String {
    let s = format!("{} {what}", protocol_tag(protocol));
    s.chars().take(240).collect()
}

pub fn format_instant(t: DateTime<Utc>) -> String {
    (t + rome_offset(t)).format("%d/%m/%Y %H:%M").to_string()
}

pub fn format_date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A mail from paragraphs: the text part joins them; the HTML part escapes every one and
/// shows the tenant's logo and name.
pub(crate) fn build(
    lang: Lang,
    brand: &Brand,
    subject: String,
    greeting: &str,
    paragraphs: &[String],
    automatic: bool,
) -> Rendered {
    let footer = match (lang, automatic) {
        (Lang::It, true) => "Messaggio inviato automaticamente.",
        (Lang::En, true) => "This message was sent automatically.",
        (_, false) => "",
    };
    let mut text = format!("{greeting}\n\n");
    for p in paragraphs {
        text.push_str(p);
        text.push_str("\n\n");
    }
    text.push_str(&brand.tenant_name);
    if !footer.is_empty() {
        text.push_str("\n\n");
        text.push_str(footer);
    }
    text.push('\n');

    let mut html = String::from(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head>\
         <body style=\"font-family:Titillium Web,Arial,sans-serif;color:#1a1a1a;max-width:640px\">\n",
    );
    if let Some(logo) = &brand.logo_url {
        let _ = writeln!(
            html,
            "<p><img src=\"{}\" alt=\"{}\" style=\"max-height:64px\"></p>",
            escape(logo),
            escape(&brand.tenant_name)
        );
    }
    let _ = writeln!(
        html,
        "<p style=\"font-size:18px;font-weight:bold;color:#0066cc\">{}</p>\n<p>{}</p>",
        escape(&brand.tenant_name),
        escape(greeting)
    );
    for p in paragraphs {
        html.push_str("<p>");
        html.push_str(&escape(p).replace('\n', "<br>\n"));
        html.push_str("</p>\n");
    }
    if !footer.is_empty() {
        let _ = writeln!(
            html,
            "<p style=\"color:#5c6f82;font-size:13px\">{}</p>",
            escape(footer)
        );
    }
    html.push_str("</body></html>\n");
    Rendered {
        subject,
        text,
        html,
    }
}

pub(crate) fn greeting(lang: Lang, name: &str) -> String {
    let name = name.trim();
    match (lang, name.is_empty()) {
        (Lang::It, true) => "Gentile contribuente,".into(),
        (Lang::It, false) => format!("Gentile {name},"),
        (Lang::En, true) => "Dear taxpayer,".into(),
        (Lang::En, false) => format!("Dear {name},"),
    }
}

fn reply_hint(lang: Lang, link: Option<String>) -> String {
    let mut s = match lang {
        Lang::It => "Per aggiungere informazioni risponda a questo messaggio: la risposta sarà unita alla sua pratica.".to_owned(),
        Lang::En => "To add information, reply to this message: your reply will be added to your request.".to_owned(),
    };
    if let Some(l) = link {
        s.push('\n');
        let _ = match lang {
            Lang::It => write!(s, "Può seguire la pratica nell'area personale: {l}"),
            Lang::En => write!(s, "You can follow the request in your personal area: {l}"),
        };
    }
    s
}

/// Request received: protocol number, date, type and due date.
pub fn request_filed(lang: Lang, brand: &Brand, name: &str, r: &RequestFacts) -> Rendered {
    let due = match (lang, r.due_date) {
        (Lang::It, Some(d)) => format!("Termine di risposta: {}", format_date(d)),
        (Lang::En, Some(d)) => format!("Reply due by: {}", format_date(d)),
        (Lang::It, None) => "Termine di risposta: non previsto per questo tipo di richiesta".into(),
        (Lang::En, None) => "Reply due by: no standard for this kind of request".into(),
    };
    let (subject, intro, facts) = match lang {
        Lang::It => (
            request_subject(&r.protocol, &format!("Richiesta ricevuta: {}", r.subject)),
            format!(
                "{} ha ricevuto la sua richiesta «{}».",
                brand.tenant_name, r.subject
            ),
            format!(
                "Numero di protocollo: {}\nRicevuta il: {}\nTipo: {}\n{due}",
                r.protocol,
                format_instant(r.received_at),
                r.type_name
            ),
        ),
        Lang::En => (
            request_subject(&r.protocol, &format!("Request received: {}", r.subject)),
            format!(
                "{} has received your request \"{}\".",
                brand.tenant_name, r.subject
            ),
            format!(
                "Protocol number: {}\nReceived on: {}\nType: {}\n{due}",
                r.protocol,
                format_instant(r.received_at),
                r.type_name
            ),
        ),
    };
    build(
        lang,
        brand,
        subject,
        &greeting(lang, name),
        &[intro, facts, reply_hint(lang, brand.request_link(&r.id))],
        true,
    )
}

/// An operator's public reply, with the names of its attachments.
pub fn public_reply(
    lang: Lang,
    brand: &Brand,
    name: &str,
    r: &RequestFacts,
    body: &str,
    attachments: &[String],
) -> Rendered {
    let subject = match lang {
        Lang::It => request_subject(
            &r.protocol,
            &format!("Risposta alla sua richiesta: {}", r.subject),
        ),
        Lang::En => request_subject(
            &r.protocol,
            &format!("Reply to your request: {}", r.subject),
        ),
    };
    let mut paragraphs = vec![body.trim().to_owned()];
    if !attachments.is_empty() {
        paragraphs.push(match lang {
            Lang::It => format!("Allegati: {}", attachments.join(", ")),
            Lang::En => format!("Attachments: {}", attachments.join(", ")),
        });
    }
    paragraphs.push(match lang {
        Lang::It => format!(
            "Pratica n. {} del {}",
            r.protocol,
            format_instant(r.received_at)
        ),
        Lang::En => format!(
            "Request no. {} of {}",
            r.protocol,
            format_instant(r.received_at)
        ),
    });
    paragraphs.push(reply_hint(lang, brand.request_link(&r.id)));
    build(
        lang,
        brand,
        subject,
        &greeting(lang, name),
        &paragraphs,
        false,
    )
}

/// A status change the citizen must hear about, with the office's words if any.
pub fn status_changed(
    lang: Lang,
    brand: &Brand,
    name: &str,
    r: &RequestFacts,
    status: &str,
    message: Option<&str>,
) -> Rendered {
    let (what, line) = match (lang, status) {
        (Lang::It, "in_progress") => (
            "Pratica presa in carico",
            "La sua richiesta è stata presa in carico da un operatore.",
        ),
        (Lang::It, "waiting_citizen") => (
            "Servono altre informazioni",
            "Per proseguire ci servono altre informazioni: risponda a questo messaggio o dall'area personale. Fino alla sua risposta i termini sono sospesi.",
        ),
        (Lang::It, "resolved") => ("Pratica evasa", "La sua richiesta è stata evasa."),
        (Lang::It, "rejected") => ("Pratica respinta", "La sua richiesta è stata respinta."),
        (Lang::It, _) => (
            "Aggiornamento della pratica",
            "La sua richiesta è stata aggiornata.",
        ),
        (Lang::En, "in_progress") => (
            "Request taken in charge",
            "Your request has been taken in charge by an operator.",
        ),
        (Lang::En, "waiting_citizen") => (
            "More information needed",
            "We need more information to proceed: reply to this message or from your personal area. Deadlines are suspended until you reply.",
        ),
        (Lang::En, "resolved") => ("Request answered", "Your request has been answered."),
        (Lang::En, "rejected") => ("Request rejected", "Your request has been rejected."),
        (Lang::En, _) => ("Request updated", "Your request has been updated."),
    };
    let mut paragraphs = vec![format!(
        "{line}\n{} {} — «{}»",
        match lang {
            Lang::It => "Pratica n.",
            Lang::En => "Request no.",
        },
        r.protocol,
        r.subject
    )];
    if let Some(m) = message.map(str::trim).filter(|m| !m.is_empty()) {
        paragraphs.push(m.to_owned());
    }
    paragraphs.push(reply_hint(lang, brand.request_link(&r.id)));
    build(
        lang,
        brand,
        request_subject(&r.protocol, what),
        &greeting(lang, name),
        &paragraphs,
        true,
    )
}

/// Registration received, approved or rejected.
pub fn registration(
    lang: Lang,
    brand: &Brand,
    name: &str,
    outcome: &RegistrationOutcome,
) -> Rendered {
    let portal = brand.public_url.clone().unwrap_or_default();
    let (subject, paragraphs) = match (lang, outcome) {
        (Lang::It, RegistrationOutcome::Received) => (
            format!("Registrazione ricevuta — {}", brand.tenant_name),
            vec!["Abbiamo ricevuto la sua richiesta di registrazione allo sportello online. Un operatore verificherà il documento di identità: riceverà un messaggio all'esito.".to_owned()],
        ),
        (Lang::It, RegistrationOutcome::Approved) => (
            format!("Registrazione approvata — {}", brand.tenant_name),
            vec![format!("La sua registrazione è stata approvata: può accedere allo sportello online con il suo indirizzo e-mail o codice fiscale. {portal}").trim().to_owned()],
        ),
        (Lang::It, RegistrationOutcome::Rejected(reason)) => (
            format!("Registrazione non approvata — {}", brand.tenant_name),
            vec![
                "La sua richiesta di registrazione non è stata approvata.".to_owned(),
                reason.as_deref().map(|r| format!("Motivo: {r}")).unwrap_or_default(),
                "Può presentare una nuova richiesta di registrazione con i dati corretti.".to_owned(),
            ],
        ),
        (Lang::En, RegistrationOutcome::Received) => (
            format!("Registration received — {}", brand.tenant_name),
            vec!["We have received your registration to the online desk. An operator will check your identity document: you will be told the outcome.".to_owned()],
        ),
        (Lang::En, RegistrationOutcome::Approved) => (
            format!("Registration approved — {}", brand.tenant_name),
            vec![format!("Your registration has been approved: you can sign in to the online desk with your e-mail address or tax code. {portal}").trim().to_owned()],
        ),
        (Lang::En, RegistrationOutcome::Rejected(reason)) => (
            format!("Registration not approved — {}", brand.tenant_name),
            vec![
                "Your registration has not been approved.".to_owned(),
                reason.as_deref().map(|r| format!("Reason: {r}")).unwrap_or_default(),
                "You may register again with corrected data.".to_owned(),
            ],
        ),
    };
    let paragraphs: Vec<String> = paragraphs.into_iter().filter(|p| !p.is_empty()).collect();
    build(
        lang,
        brand,
        subject,
        &greeting(lang, name),
        &paragraphs,
        true,
    )
}

/// A mail written by an operator (reply or forward): their text, then the request's facts.
pub fn operator_mail(
    brand: &Brand,
    subject: String,
    body: &str,
    r: &RequestFacts,
    thread: Option<&str>,
) -> Rendered {
    let mut paragraphs = vec![body.trim().to_owned()];
    paragraphs.push(format!(
        "Pratica n. {} del {} — «{}»",
        r.protocol,
        format_instant(r.received_at),
        r.subject
    ));
    if let Some(t) = thread {
        paragraphs.push(format!("----- Conversazione -----\n{t}"));
    }
    let text = format!("{}\n\n{}\n", paragraphs.join("\n\n"), brand.tenant_name);
    let mut html = String::from(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head><body style=\"font-family:Arial,sans-serif\">\n",
    );
    for p in &paragraphs {
        let _ = writeln!(html, "<p>{}</p>", escape(p).replace('\n', "<br>\n"));
    }
    let _ = writeln!(
        html,
        "<p>{}</p>\n</body></html>",
        escape(&brand.tenant_name)
    );
    Rendered {
        subject,
        text,
        html,
    }
}

/// A short SMS: tenant, protocol and what happened, within 300 characters.
pub fn sms(lang: Lang, brand: &Brand, rendered: &Rendered, link: Option<String>) -> String {
    let first_line = rendered.subject.trim().to_owned();
    let mut s = format!("{}: {first_line}", brand.tenant_name);
    if let Some(l) = link {
        s.push(' ');
        s.push_str(&l);
    } else if lang == Lang::It {
        s.push_str(". Dettagli nell'area personale.");
    } else {
        s.push_str(". Details in your personal area.");
    }
    s.chars().take(300).collect()
}

/// App IO content: subject of 10–120 characters, markdown of 80–10,000.
pub fn app_io(rendered: &Rendered) -> (String, String) {
    let mut subject: String = rendered.subject.chars().take(120).collect();
    while subject.chars().count() < 10 {
        subject.push('.');
    }
    let mut markdown: String = rendered
        .text
        .replace('\n', "  \n")
        .chars()
        .take(10_000)
        .collect();
    if markdown.chars().count() < 80 {
        markdown.push_str("\n\nPer i dettagli consulti l'area personale dello sportello online.");
        while markdown.chars().count() < 80 {
            markdown.push('.');
        }
    }
    (subject, markdown)
}

/// Someone tried to register with the e-mail or tax code of an existing account: its
/// owner is told (the registrant got the same answer as for a new account).
pub fn account_exists(lang: Lang, brand: &Brand, name: &str, reset_link: &str) -> Rendered {
    let (subject, paragraphs) = match lang {
        Lang::It => (
            format!("Tentativo di registrazione — {}", brand.tenant_name),
            vec![
                "Qualcuno ha chiesto di registrarsi allo sportello online con il suo indirizzo e-mail o codice fiscale, ma lei ha già un account: non è stato creato un nuovo account.".to_owned(),
                format!("Se è stato lei e non ricorda la password, può sceglierne una nuova da questa pagina: {reset_link}"),
                "Se non è stato lei, può ignorare questo messaggio.".to_owned(),
            ],
        ),
        Lang::En => (
            format!("Registration attempt — {}", brand.tenant_name),
            vec![
                "Someone asked to register to the online desk with your e-mail address or tax code, but you already have an account: no new account was created.".to_owned(),
                format!("If it was you and you forgot your password, you can choose a new one on this page: {reset_link}"),
                "If it was not you, you can ignore this message.".to_owned(),
            ],
        ),
    };
    build(
        lang,
        brand,
        subject,
        &greeting(lang, name),
        &paragraphs,
        true,
    )
}

/// A chat's transcript, as the citizen asked for it.
pub fn chat_transcript(
    lang: Lang,
    brand: &Brand,
    name: &str,
    started: &chrono::NaiveDateTime,
    lines: &[String],
) -> Rendered {
    let when = started.format("%d/%m/%Y %H:%M");
    let (subject, intro) = match lang {
        Lang::It => (
            format!("Trascrizione della chat del {when} — {}", brand.tenant_name),
            format!("Ecco la trascrizione della sua chat con lo sportello del {when}:"),
        ),
        Lang::En => (
            format!("Transcript of the chat of {when} — {}", brand.tenant_name),
            format!("Here is the transcript of your chat with the desk of {when}:"),
        ),
    };
    let mut paragraphs = vec![intro];
    paragraphs.extend(lines.iter().cloned());
    build(
        lang,
        brand,
        subject,
        &greeting(lang, name),
        &paragraphs,
        true,
    )
}

/// The link that sets a new password, valid `minutes` and once.
pub fn password_reset(lang: Lang, brand: &Brand, name: &str, link: &str, minutes: i64) -> Rendered {
    let (subject, paragraphs) = match lang {
        Lang::It => (
            format!("Reimpostazione della password — {}", brand.tenant_name),
            vec![
                "È stata chiesta una nuova password per il suo account dello sportello online.".to_owned(),
                format!("Per sceglierla apra questo collegamento entro {minutes} minuti (vale una sola volta): {link}"),
                "Dopo il cambio, tutte le sessioni aperte dovranno accedere di nuovo. Se non ha chiesto lei il cambio, ignori questo messaggio: la password attuale resta valida.".to_owned(),
            ],
        ),
        Lang::En => (
            format!("Password reset — {}", brand.tenant_name),
            vec![
                "A new password was requested for your account on the online desk.".to_owned(),
                format!("To choose it, open this link within {minutes} minutes (it works once): {link}"),
                "After the change every open session must sign in again. If you did not ask for it, ignore this message: your current password stays valid.".to_owned(),
            ],
        ),
    };
    build(
        lang,
        brand,
        subject,
        &greeting(lang, name),
        &paragraphs,
        true,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> RequestFacts {
        RequestFacts {
            id: "r1".into(),
            protocol: "2026/0000123".into(),
            subject: "Mancata <raccolta>".into(),
            type_name: "Reclamo".into(),
            received_at: "2026-11-23T09:15:00Z".parse().unwrap(),
            due_date: NaiveDate::from_ymd_opt(2027, 1, 8),
        }
    }

    fn brand() -> Brand {
        Brand {
            tenant_name: "Comune di Prova".into(),
            logo_url: Some("https://comune.example.it/logo.png".into()),
            public_url: Some("https://sportello.example.it/".into()),
        }
    }

    #[test]
    fn request_filed_in_both_languages() {
        let it = request_filed(Lang::It, &brand(), "Anna Bianchi", &facts());
        assert!(
            it.subject
                .starts_with("[Prot. 2026/0000123] Richiesta ricevuta")
        );
        assert!(it.text.contains("Termine di risposta: 08/01/2027"));
        assert!(it.text.contains("Ricevuta il: 23/11/2026 10:15"));
        assert!(
            it.text
                .contains("https://sportello.example.it/area-personale/pratiche/r1")
        );
        assert!(it.html.contains("Mancata &lt;raccolta&gt;"));
        assert!(it.html.contains("logo.png"));
        let en = request_filed(Lang::En, &brand(), "", &facts());
        assert!(en.text.starts_with("Dear taxpayer,"));
        assert!(en.text.contains("Reply due by: 08/01/2027"));
    }

    #[test]
    fn app_io_bounds() {
        let r = Rendered {
            subject: "Ciao".into(),
            text: "breve".into(),
            html: String::new(),
        };
        let (s, m) = app_io(&r);
        assert!((10..=120).contains(&s.chars().count()));
        assert!((80..=10_000).contains(&m.chars().count()));
    }
}
