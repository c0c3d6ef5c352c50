//! The demo Comune's public content: FAQ, Riciclabolario, transparency items and the
//! separate-collection figures. Idempotent: what is already there is left as it is.

use chrono::{Datelike, NaiveDateTime};
use domain::transparency::TitrItem;

use crate::db::DbConn;
use crate::db::models::{FaqRow, SeparateCollectionRow, TransparencySectionRow};
use crate::db::repo::{content, new_id, public_content};
use crate::error::{ApiError, ApiResult};

/// The demo FAQ (`categoria,domanda,risposta`).
const FAQ_CSV: &str = include_str!("../../../domain/data/faq-demo.csv");

/// Separate collection of the three years before this one, oldest first (tenths of %).
const SEPARATE_COLLECTION: [i32; 3] = [638, 661, 684];

pub fn seed(c: &mut DbConn, tenant_id: &str, now: NaiveDateTime) -> ApiResult<()> {
    faq(c, tenant_id, now)?;
    if public_content::waste_items(c, tenant_id)?.is_empty() {
        let entries =
            crate::services::waste::demo_entries().map_err(|e| ApiError::Internal(e.into()))?;
        crate::services::waste::import_entries(c, tenant_id, &entries)?;
    }
    let existing = public_content::sections(c, tenant_id)?;
    for (item, body, links) in sections() {
        if existing.iter().any(|r| r.item == item) {
            continue;
        }
        let links: Vec<domain::api::TransparencyLink> = links
            .iter()
            .map(|(label, url)| domain::api::TransparencyLink {
                label: (*label).into(),
                url: (*url).into(),
            })
            .collect();
        public_content::put_section(
            c,
            &TransparencySectionRow {
                tenant_id: tenant_id.to_owned(),
                item,
                body: Some(body.into()),
                links: serde_json::to_string(&links).map_err(|e| ApiError::Internal(e.into()))?,
                document_ids: "[]".into(),
                updated_at: now,
            },
        )?;
    }
    if public_content::separate_collection(c, tenant_id)?.is_empty() {
        let year = now.date().year();
        for (i, per_mille) in SEPARATE_COLLECTION.iter().enumerate() {
            public_content::put_separate_collection(
                c,
                &SeparateCollectionRow {
                    tenant_id: tenant_id.to_owned(),
                    year: year - 3 + i32::try_from(i).unwrap_or(0),
                    per_mille: *per_mille,
                    updated_at: now,
                },
            )?;
        }
    }
    Ok(())
}

fn faq(c: &mut DbConn, tenant_id: &str, now: NaiveDateTime) -> ApiResult<()> {
    let mut reader = csv::Reader::from_reader(FAQ_CSV.as_bytes());
    let mut added = false;
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| ApiError::Internal(e.into()))?;
        let (category, question, answer) = (&record[0], &record[1], &record[2]);
        if content::find_faq_by_question(c, tenant_id, question)?.is_none() {
            content::insert_faq(
                c,
                &FaqRow {
                    id: new_id(),
                    tenant_id: tenant_id.to_owned(),
                    question: question.into(),
                    answer: answer.into(),
                    category: Some(category.into()),
                    position: i32::try_from(i * 10).unwrap_or(0),
                    created_at: now,
                },
            )?;
            added = true;
        }
    }
    if added {
        public_content::bump_generation(c, tenant_id)?;
    }
    Ok(())
}

type Section = (
    TitrItem,
    &'static str,
    &'static [(&'static str, &'static str)],
);

fn sections() -> [Section; 12] {
    [
        (
            TitrItem::Operators,
            "Gestore della raccolta e del trasporto: Ambiente Esempio S.p.A., via delle Industrie 4, \
             numero verde 800 000 000, info@ambiente-esempio.it.\n\n\
             Gestore delle tariffe e del rapporto con gli utenti: Comune di Esempio, Ufficio \
             Tributi, piazza del Municipio 1, tributi@comune.esempio.it, PEC \
             protocollo@pec.comune.esempio.it.",
            &[],
        ),
        (
            TitrItem::Contacts,
            "Lo sportello online è sempre aperto: richieste, reclami e segnalazioni ricevono \
             subito un numero di protocollo. Gli sportelli fisici e le videochiamate si \
             prenotano dalla pagina Prenotazioni; gli orari sono qui sotto.",
            &[("Prenota un appuntamento", "/prenotazioni")],
        ),
        (
            TitrItem::ComplaintForms,
            "Reclami, richieste di informazioni, rettifiche e segnalazioni si presentano \
             online dall'area Servizi, oppure con i moduli scaricabili da consegnare allo \
             sportello o inviare per PEC.",
            &[
                ("Servizi online", "/"),
                ("Documenti e moduli", "/documenti"),
            ],
        ),
        (
            TitrItem::CollectionCalendar,
            "Raccolta porta a porta: organico lunedì, giovedì e sabato; carta martedì; \
             plastica e metalli mercoledì; vetro venerdì a settimane alterne; indifferenziato \
             venerdì. Esporre i contenitori dalle 20 alle 24 della sera prima.",
            &[],
        ),
        (
            TitrItem::CollectionCentres,
            "Centro di raccolta comunale, via dell'Ecologia 12: dal lunedì al sabato 8:30–12:30, \
             martedì e giovedì anche 14:30–17:30. Accesso con la tessera sanitaria \
             dell'intestatario TARI.",
            &[("Prenota il ritiro degli ingombranti", "/ritiro-ingombranti")],
        ),
        (
            TitrItem::SortingInstructions,
            "Il Riciclabolario dice, rifiuto per rifiuto, in quale contenitore va e dove \
             portarlo quando nessun contenitore di casa lo accetta.",
            &[("Cerca nel Riciclabolario", "/riciclabolario")],
        ),
        (
            TitrItem::QualityCharter,
            "La Carta della qualità fissa gli standard del servizio: i tempi di risposta a \
             reclami e richieste, di attivazione e cessazione, di rettifica degli importi, e \
             gli indennizzi previsti.",
            &[],
        ),
        (
            TitrItem::SweepingCalendar,
            "Spazzamento meccanizzato del centro storico ogni martedì dalle 6 alle 9 (divieto \
             di sosta segnalato); frazioni ogni primo giovedì del mese.",
            &[],
        ),
        (
            TitrItem::Tariffs,
            "La TARI si compone di una quota fissa, legata alla superficie e al numero dei \
             componenti, e di una quota variabile, legata ai rifiuti prodotti. Le tariffe \
             sono deliberate ogni anno dal Consiglio comunale sulla base del Piano economico \
             finanziario (PEF) validato.",
            &[],
        ),
        (
            TitrItem::Regulation,
            "Il Regolamento per l'applicazione della TARI disciplina presupposto, soggetti \
             passivi, riduzioni, agevolazioni, dichiarazioni e sanzioni.",
            &[],
        ),
        (
            TitrItem::Rectification,
            "Se un avviso contiene un importo che ritieni sbagliato, chiedi la rettifica \
             online con la richiesta \"Rettifica importi\": il Comune risponde entro 60 giorni \
             lavorativi. Per i reclami scritti la risposta arriva entro 30 giorni lavorativi.",
            &[],
        ),
        (
            TitrItem::RegulatoryScheme,
            "Il Comune di Esempio è collocato nello Schema I della matrice degli schemi \
             regolatori (TQRIF, delibera ARERA 15/2022/R/RIF): gli obblighi di qualità \
             contrattuale e tecnica sono quelli previsti per questo schema.",
            &[(
                "Delibera ARERA 15/2022/R/RIF",
                "https://www.arera.it/atti-e-provvedimenti/dettaglio/22/15-22",
            )],
        ),
    ]
}
