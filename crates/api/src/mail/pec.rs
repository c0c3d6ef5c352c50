//! PEC (posta elettronica certificata, DPR 68/2005 and DM 2/11/2005): the provider wraps a
//! certified message in a transport envelope with `postacert.eml` (the original) and
//! `daticert.xml` (certification data); receipts (`X-Ricevuta`) refer to a message we sent
//! through `X-Riferimento-Message-ID`.

use serde_json::{Map, Value};

/// What a PEC mail is, from its transport headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PecKind {
    /// `X-Trasporto: posta-certificata`: a certified message to unwrap.
    Certified,
    /// `X-Trasporto: errore`: a transport anomaly (kept, unwrapped if possible).
    Anomaly,
    /// `X-Ricevuta: <type>`: a receipt for a message we sent.
    Receipt(String),
}

impl PecKind {
    pub fn code(&self) -> &str {
        match self {
            Self::Certified => "posta-certificata",
            Self::Anomaly => "anomalia",
            Self::Receipt(t) => t,
        }
    }
}

/// Reads the PEC headers of a mail; `None` for ordinary mail.
pub fn kind(header: impl Fn(&str) -> Option<String>) -> Option<PecKind> {
    if let Some(r) = header("X-Ricevuta") {
        let r = r.trim().to_ascii_lowercase();
        if !r.is_empty() {
            return Some(PecKind::Receipt(r));
        }
    }
    match header("X-Trasporto")?.trim().to_ascii_lowercase().as_str() {
        "posta-certificata" => Some(PecKind::Certified),
        "errore" => Some(PecKind::Anomaly),
        _ => None,
    }
}

fn decode_entities(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
        .trim()
        .to_owned()
}

/// Every `<tag …>text</tag>` of the document.
fn all_tags<'a>(xml: &'a str, tag: &str) -> Vec<(&'a str, String)> {
    let mut out = Vec::new();
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut rest = xml;
    while let Some(start) = rest.find(&open) {
        let after = &rest[start + open.len()..];
        // `<tag>` or `<tag attr…>`, not `<tag-other>`.
        if !after.starts_with(['>', ' ', '\t', '\r', '\n', '/']) {
            rest = after;
            continue;
        }
        let Some(gt) = after.find('>') else { break };
        let attrs = &after[..gt];
        if attrs.ends_with('/') {
            out.push((attrs, String::new()));
            rest = &after[gt + 1..];
            continue;
        }
        let body = &after[gt + 1..];
        let Some(end) = body.find(&close) else { break };
        out.push((attrs, decode_entities(&body[..end])));
        rest = &body[end + close.len()..];
    }
    out
}

fn attr(attrs: &str, name: &str) -> Option<String> {
    let key = format!("{name}=");
    let pos = attrs.find(&key)?;
    let rest = &attrs[pos + key.len()..];
    let quote = rest.chars().next()?;
    if quote != '"' && quote != '\'' {
        return None;
    }
    let end = rest[1..].find(quote)?;
    Some(decode_entities(&rest[1..=end]))
}

/// The data of `daticert.xml` as JSON: `tipo`, `errore`, `mittente`, `destinatari`,
/// `risposte`, `oggetto`, `gestore_emittente`, `data`, `identificativo`, `msgid`,
/// `consegna`, `errore_esteso`.
pub fn daticert(xml: &str) -> Value {
    let mut m = Map::new();
    if let Some((attrs, _)) = all_tags(xml, "postacert").first() {
        for a in ["tipo", "errore"] {
            if let Some(v) = attr(attrs, a) {
                m.insert(a.into(), Value::String(v));
            }
        }
    }
    let one = |tag: &str| all_tags(xml, tag).into_iter().next().map(|(_, v)| v);
    for (tag, key) in [
        ("mittente", "mittente"),
        ("risposte", "risposte"),
        ("oggetto", "oggetto"),
        ("gestore-emittente", "gestore_emittente"),
        ("identificativo", "identificativo"),
        ("msgid", "msgid"),
        ("consegna", "consegna"),
        ("ricezione", "ricezione"),
        ("errore-esteso", "errore_esteso"),
    ] {
        if let Some(v) = one(tag).filter(|v| !v.is_empty()) {
            m.insert(key.into(), Value::String(v));
        }
    }
    let recipients: Vec<Value> = all_tags(xml, "destinatari")
        .into_iter()
        .map(|(attrs, v)| serde_json::json!({"indirizzo": v, "tipo": attr(attrs, "tipo")}))
        .collect();
    if !recipients.is_empty() {
        m.insert("destinatari".into(), Value::Array(recipients));
    }
    if let Some((attrs, _)) = all_tags(xml, "data").first() {
        let day = one("giorno").unwrap_or_default();
        let time = one("ora").unwrap_or_default();
        let zone = attr(attrs, "zona").unwrap_or_default();
        m.insert(
            "data".into(),
            Value::String(format!("{day} {time} {zone}").trim().to_owned()),
        );
    }
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DATICERT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<postacert tipo="avvenuta-consegna" errore="nessuno">
  <intestazione>
    <mittente>protocollo@pec.comune.example.it</mittente>
    <destinatari tipo="certificato">anna@pec.example.it</destinatari>
    <risposte>protocollo@pec.comune.example.it</risposte>
    <oggetto>[Prot. 2026/0000001] Richiesta ricevuta</oggetto>
  </intestazione>
  <dati>
    <gestore-emittente>Gestore PEC S.p.A.</gestore-emittente>
    <data zona="+0100"><giorno>23/11/2026</giorno><ora>10:15:02</ora></data>
    <identificativo>opec1.2026@pec.example.it</identificativo>
    <msgid>&lt;abc@comune.example.it&gt;</msgid>
    <consegna>anna@pec.example.it</consegna>
  </dati>
</postacert>"#;

    #[test]
    fn daticert_fields() {
        let v = daticert(DATICERT);
        assert_eq!(v["tipo"], "avvenuta-consegna");
        assert_eq!(v["errore"], "nessuno");
        assert_eq!(v["mittente"], "protocollo@pec.comune.example.it");
        assert_eq!(v["msgid"], "<abc@comune.example.it>");
        assert_eq!(v["consegna"], "anna@pec.example.it");
        assert_eq!(v["destinatari"][0]["tipo"], "certificato");
        assert_eq!(v["data"], "23/11/2026 10:15:02 +0100");
        assert_eq!(v["gestore_emittente"], "Gestore PEC S.p.A.");
    }

    #[test]
    fn kinds() {
        let h = |name: &str| match name {
            "X-Trasporto" => Some("posta-certificata".to_owned()),
            _ => None,
        };
        assert_eq!(kind(h), Some(PecKind::Certified));
        let r = |name: &str| (name == "X-Ricevuta").then(|| "avvenuta-consegna".to_owned());
        assert_eq!(kind(r), Some(PecKind::Receipt("avvenuta-consegna".into())));
        assert_eq!(kind(|_| None), None);
    }
}
