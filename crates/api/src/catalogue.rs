//! The request types a new tenant starts with: one per TQRIF kind, with the form fields a
//! TARI desk asks for. Administrators can change them later.

use domain::api::{FieldDef, FieldOption, FieldType, RequestType};
use domain::catalogue::RequestKind;

fn field(name: &str, label: &str, field_type: FieldType, required: bool) -> FieldDef {
    FieldDef {
        name: name.into(),
        label: label.into(),
        field_type,
        required,
        options: vec![],
        help: None,
    }
}

fn select(name: &str, label: &str, required: bool, options: &[(&str, &str)]) -> FieldDef {
    FieldDef {
        name: name.into(),
        label: label.into(),
        field_type: FieldType::Select,
        required,
        options: options
            .iter()
            .map(|(v, l)| FieldOption {
                value: (*v).into(),
                label: (*l).into(),
            })
            .collect(),
        help: None,
    }
}

fn with_help(mut f: FieldDef, help: &str) -> FieldDef {
    f.help = Some(help.into());
    f
}

const UTENZA: &[(&str, &str)] = &[
    ("domestica", "Domestica"),
    ("non_domestica", "Non domestica"),
];
const SERVIZIO: &[(&str, &str)] = &[
    ("raccolta", "Raccolta e trasporto"),
    ("spazzamento", "Spazzamento e lavaggio strade"),
    ("tariffe", "Gestione tariffe e rapporto con gli utenti"),
];

/// `(code, kind, name, description, fields)` for each default type.
pub fn default_request_types() -> Vec<RequestType> {
    use FieldType::{Date, Number, Text, Textarea};
    let codice_utenza = || {
        with_help(
            field("codice_utenza", "Codice utenza", Text, false),
            "Lo trovi sull'avviso di pagamento TARI",
        )
    };
    let indirizzo = |required| field("indirizzo", "Indirizzo dell'immobile", Text, required);
    let t =
        |code: &str, kind: RequestKind, name: &str, description: &str, fields: Vec<FieldDef>| {
            RequestType {
                code: code.into(),
                kind,
                name: name.into(),
                description: description.into(),
                standard_days: kind.default_standard_days(),
                fields,
            }
        };
    vec![
        t(
            "tari_attivazione",
            RequestKind::Attivazione,
            "Attivazione utenza TARI",
            "Iscrizione al tributo per un immobile occupato o detenuto: entro 90 giorni dall'inizio dell'occupazione.",
            vec![
                select("tipo_utenza", "Tipo di utenza", true, UTENZA),
                indirizzo(true),
                field(
                    "superficie_mq",
                    "Superficie calpestabile (m²)",
                    Number,
                    true,
                ),
                field(
                    "dati_catastali",
                    "Dati catastali (foglio, particella, subalterno)",
                    Text,
                    false,
                ),
                field(
                    "occupanti",
                    "Numero di occupanti (utenze domestiche)",
                    Number,
                    false,
                ),
                field(
                    "attivita",
                    "Attività svolta (utenze non domestiche)",
                    Text,
                    false,
                ),
                field("data_inizio", "Data di inizio occupazione", Date, true),
            ],
        ),
        t(
            "tari_variazione",
            RequestKind::Variazione,
            "Variazione utenza TARI",
            "Cambio di superficie, numero di occupanti, uso o intestatario.",
            vec![
                codice_utenza(),
                indirizzo(true),
                select(
                    "tipo_variazione",
                    "Cosa cambia",
                    true,
                    &[
                        ("superficie", "Superficie"),
                        ("occupanti", "Numero di occupanti"),
                        ("uso", "Destinazione d'uso"),
                        ("intestatario", "Intestatario"),
                        ("altro", "Altro"),
                    ],
                ),
                field("data_variazione", "Data della variazione", Date, true),
            ],
        ),
        t(
            "tari_cessazione",
            RequestKind::Cessazione,
            "Cessazione utenza TARI",
            "Fine dell'occupazione dell'immobile: entro 90 giorni per la decorrenza dalla data effettiva.",
            vec![
                codice_utenza(),
                indirizzo(true),
                field("data_cessazione", "Data di cessazione", Date, true),
            ],
        ),
        t(
            "tari_reclamo",
            RequestKind::Reclamo,
            "Reclamo",
            "Segnalazione scritta di un servizio non conforme, con risposta motivata entro 30 giorni lavorativi.",
            vec![
                select("servizio", "Servizio interessato", true, SERVIZIO),
                codice_utenza(),
                indirizzo(false),
            ],
        ),
        t(
            "tari_informazioni",
            RequestKind::Informazioni,
            "Richiesta di informazioni",
            "Domande sul tributo, sulle tariffe o sul servizio di raccolta.",
            vec![select("servizio", "Argomento", false, SERVIZIO)],
        ),
        t(
            "tari_rettifica",
            RequestKind::RettificaImporti,
            "Rettifica importi (autotutela)",
            "Correzione di importi, superfici o dati errati dell'avviso TARI.",
            vec![
                codice_utenza(),
                field("numero_avviso", "Numero dell'avviso", Text, false),
                field("anno", "Anno di riferimento", Number, true),
                field(
                    "importo_contestato",
                    "Importo contestato (€)",
                    Number,
                    false,
                ),
            ],
        ),
        t(
            "tari_rateizzazione",
            RequestKind::Rateizzazione,
            "Rateizzazione",
            "Pagamento in più rate, da chiedere entro la scadenza dell'avviso.",
            vec![
                field("numero_avviso", "Numero dell'avviso", Text, true),
                field("numero_rate", "Numero di rate richieste", Number, true),
                select(
                    "motivo",
                    "Motivo",
                    true,
                    &[
                        ("bonus_sociale", "Beneficiario di bonus sociale"),
                        ("disagio", "Situazione di disagio economico"),
                        (
                            "aumento_30",
                            "Importo superiore del 30% alla media degli ultimi due anni",
                        ),
                        ("altro", "Altro"),
                    ],
                ),
            ],
        ),
        t(
            "tari_rimborso",
            RequestKind::Rimborso,
            "Rimborso",
            "Restituzione di importi pagati e non dovuti.",
            vec![
                field("anno", "Anno di riferimento", Number, true),
                field("importo", "Importo da rimborsare (€)", Number, true),
                field("iban", "IBAN per l'accredito", Text, false),
            ],
        ),
        t(
            "ritiro_ingombranti",
            RequestKind::RitiroSuChiamata,
            "Ritiro ingombranti a domicilio",
            "Ritiro su chiamata di rifiuti ingombranti, RAEE o sfalci.",
            vec![
                indirizzo(true),
                field(
                    "tipo_rifiuti",
                    "Cosa ritirare (tipo, numero di pezzi, volume)",
                    Textarea,
                    true,
                ),
                codice_utenza(),
            ],
        ),
        t(
            "segnalazione_disservizio",
            RequestKind::Disservizio,
            "Segnalazione di disservizio",
            "Mancata raccolta, cassonetti pieni o danneggiati, rifiuti abbandonati.",
            vec![
                select(
                    "categoria",
                    "Categoria",
                    true,
                    &[
                        ("mancata_raccolta", "Mancata raccolta"),
                        ("cassonetto", "Cassonetto pieno o danneggiato"),
                        ("abbandono", "Rifiuti abbandonati"),
                        ("spazzamento", "Strada non pulita"),
                        ("altro", "Altro"),
                    ],
                ),
                field("indirizzo", "Luogo (via e numero civico)", Text, true),
            ],
        ),
        t(
            "riparazione_attrezzature",
            RequestKind::RiparazioneAttrezzature,
            "Riparazione o sostituzione attrezzature",
            "Mastelli, bidoni o compostiera rotti o rubati.",
            vec![
                select(
                    "attrezzatura",
                    "Attrezzatura",
                    true,
                    &[
                        ("mastello", "Mastello"),
                        ("bidone", "Bidone carrellato"),
                        ("compostiera", "Compostiera"),
                    ],
                ),
                indirizzo(true),
            ],
        ),
        t(
            "richiesta_attrezzature",
            RequestKind::Altro,
            "Richiesta mastelli o compostiera",
            "Consegna di nuovi contenitori per la raccolta differenziata o della compostiera domestica.",
            vec![
                select(
                    "attrezzatura",
                    "Cosa ti serve",
                    true,
                    &[
                        ("mastelli", "Kit mastelli"),
                        ("compostiera", "Compostiera domestica"),
                    ],
                ),
                indirizzo(true),
            ],
        ),
        t(
            "comunicazione",
            RequestKind::Altro,
            "Altra comunicazione",
            "Qualsiasi altra comunicazione all'ufficio.",
            vec![],
        ),
    ]
}
