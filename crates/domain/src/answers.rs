//! Answers found before a request is filed: where they come from, and the query text a
//! search starts from.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::DomainError;

/// Longest question searched; longer text is cut at a word boundary.
pub const MAX_QUERY_CHARS: usize = 300;
/// Answers a visitor is shown.
pub const PUBLIC_ANSWERS: usize = 5;

crate::delivery::coded_enum! {
    /// Where an answer comes from.
    AnswerSource {
        Faq = "faq",
        /// A published document (text extracted from its PDF).
        Document = "document",
        /// An item of the Riciclabolario.
        Waste = "riciclabolario",
        /// An operator's reply on an earlier, resolved request (staff only).
        Reply = "reply",
    }
}

impl AnswerSource {
    /// Whether visitors may be shown answers from it: replies carry a citizen's case.
    pub fn is_public(self) -> bool {
        !matches!(self, Self::Reply)
    }
}

/// The question as searched: trimmed, at most [`MAX_QUERY_CHARS`] characters (cut at a
/// word boundary); `None` when nothing is left to search.
pub fn query_text(q: &str) -> Option<&str> {
    let q = q.trim();
    if q.is_empty() {
        return None;
    }
    let cut = q
        .char_indices()
        .nth(MAX_QUERY_CHARS)
        .map_or(q.len(), |(i, _)| i);
    let q = &q[..cut];
    Some(q.trim_end())
}

/// A short passage of `text` around the first word of `words` it contains, at most
/// `max` characters, with an ellipsis where it was cut.
pub fn excerpt(text: &str, words: &[String], max: usize) -> String {
    let lower = text.to_lowercase();
    let at = words
        .iter()
        .filter(|w| w.chars().count() >= 3)
        .filter_map(|w| lower.find(w.as_str()))
        .min()
        .unwrap_or(0);
    // Byte offsets of `lower` match `text` only when lowercasing kept lengths; fall back
    // to the start otherwise.
    let at = if lower.len() == text.len() && text.is_char_boundary(at) {
        at
    } else {
        0
    };
    let start = text[..at]
        .char_indices()
        .rev()
        .nth(max / 3)
        .map_or(0, |(i, _)| i);
    let start = text[..start]
        .rfind(char::is_whitespace)
        .map_or(start, |i| i + 1);
    let start = if at.saturating_sub(start) > max / 2 {
        at
    } else {
        start
    };
    let rest = &text[start..];
    let mut out: String = rest.chars().take(max).collect();
    if out.len() < rest.len()
        && let Some(space) = out.rfind(char::is_whitespace)
    {
        out.truncate(space);
        out.push('…');
    }
    let out = out.split_whitespace().collect::<Vec<_>>().join(" ");
    if start > 0 { format!("…{out}") } else { out }
}

crate::delivery::coded_enum! {
    /// What a result of the site search is.
    SearchKind {
        /// A service (a request type's scheda, `/servizi/{code}`).
        Service = "service",
        /// A page of the portal (`SITE_PAGES`).
        Page = "page",
        Faq = "faq",
        Document = "document",
        Waste = "riciclabolario",
    }
}

/// Results of each group the site search returns at most: services and pages first, then
/// the FAQ and documents, then the Riciclabolario.
pub const SEARCH_SERVICES: usize = 8;
pub const SEARCH_ANSWERS: usize = 20;
pub const SEARCH_WASTE: usize = 5;

/// A page of the portal the site search finds beside the services and the content: its
/// address, its title and what a citizen may call it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SitePage {
    pub path: &'static str,
    pub title: &'static str,
    pub text: &'static str,
    /// Other words it is found by (not shown).
    pub keywords: &'static str,
}

/// The portal's own pages, as the site search knows them.
pub const SITE_PAGES: [SitePage; 10] = [
    SitePage {
        path: "/servizi",
        title: "Tutti i servizi",
        text: "Le richieste che puoi presentare online, per categoria.",
        keywords: "elenco servizi richieste istanze moduli online",
    },
    SitePage {
        path: "/prenotazioni",
        title: "Prenota un appuntamento",
        text: "Scegli lo sportello, il giorno e l'ora: allo sportello o in videochiamata, senza registrarti.",
        keywords: "appuntamento prenotazione sportello ufficio orari videochiamata colloquio",
    },
    SitePage {
        path: "/ritiro-ingombranti",
        title: "Ritiro ingombranti",
        text: "Prenota il ritiro a domicilio dei rifiuti ingombranti.",
        keywords: "ingombranti mobili materassi elettrodomestici divano ritiro domicilio",
    },
    SitePage {
        path: "/riciclabolario",
        title: "Riciclabolario",
        text: "Dove si butta: cerca un rifiuto e scopri in quale raccolta va.",
        keywords: "dove butto raccolta differenziata rifiuto bidone cassonetto isola ecologica",
    },
    SitePage {
        path: "/trasparenza",
        title: "Trasparenza rifiuti",
        text: "Le informazioni sul servizio rifiuti che ARERA chiede di pubblicare.",
        keywords: "tariffe calendario raccolta carta qualita gestore arera tqrif regolamento",
    },
    SitePage {
        path: "/chat",
        title: "Chat con lo sportello",
        text: "Scrivi a un operatore, nell'orario dello sportello.",
        keywords: "chat assistenza operatore aiuto contatto",
    },
    SitePage {
        path: "/area-personale/avvisi",
        title: "Pagamenti e avvisi",
        text: "Gli avvisi di pagamento TARI, da pagare online con pagoPA.",
        keywords: "pagare pagamento avviso pagopa bollettino f24 rata scadenza",
    },
    SitePage {
        path: "/area-personale/posizione",
        title: "La mia posizione",
        text: "Le tue utenze, gli avvisi e i pagamenti: l'estratto conto TARI.",
        keywords: "estratto conto debito utenze situazione tributaria posizione",
    },
    SitePage {
        path: "/documenti",
        title: "Documenti",
        text: "Regolamenti, moduli e guide pubblicati dal Comune.",
        keywords: "modulistica moduli regolamento delibere guide",
    },
    SitePage {
        path: "/faq",
        title: "Domande frequenti",
        text: "Le risposte alle domande più comuni sul servizio.",
        keywords: "faq domande risposte aiuto",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_trimmed_and_bounded() {
        assert_eq!(query_text("  "), None);
        assert_eq!(
            query_text(" dove butto la bottiglia? "),
            Some("dove butto la bottiglia?")
        );
        let long = "parola ".repeat(100);
        assert!(query_text(&long).unwrap().chars().count() <= MAX_QUERY_CHARS);
    }

    #[test]
    fn an_excerpt_starts_near_the_word() {
        let text = format!(
            "{} La rata scade il 16 dicembre. {}",
            "Premessa. ".repeat(40),
            "Fine. ".repeat(40)
        );
        let e = excerpt(&text, &["scade".to_owned()], 80);
        assert!(e.contains("scade il 16 dicembre"), "{e}");
        assert!(e.starts_with('…') && e.ends_with('…'), "{e}");
        assert!(e.chars().count() <= 84, "{e}");
        assert_eq!(excerpt("Breve.", &["x".to_owned()], 80), "Breve.");
    }

    #[test]
    fn replies_are_never_public() {
        assert!(!AnswerSource::Reply.is_public());
        assert!(AnswerSource::Faq.is_public());
        assert_eq!(
            "riciclabolario".parse::<AnswerSource>().unwrap(),
            AnswerSource::Waste
        );
    }

    /// The demo FAQ (`data/faq-demo.csv`) and the 50 questions the answer search is
    /// measured on (`data/answers-benchmark.csv`): each question names a FAQ entry that
    /// exists.
    #[test]
    fn every_benchmark_question_expects_a_demo_faq() {
        use crate::content::csv_line;
        let faq = include_str!("../data/faq-demo.csv");
        let mut lines = faq.lines();
        assert_eq!(lines.next(), Some("categoria,domanda,risposta"));
        let questions: Vec<String> = lines.map(|l| csv_line(l)[1].clone()).collect();
        let bench = include_str!("../data/answers-benchmark.csv");
        let mut lines = bench.lines();
        assert_eq!(lines.next(), Some("domanda,faq_attesa"));
        let mut rows = 0;
        for line in lines {
            let cells = csv_line(line);
            assert!(questions.contains(&cells[1]), "{line}");
            rows += 1;
        }
        assert_eq!(rows, 50);
    }
}
