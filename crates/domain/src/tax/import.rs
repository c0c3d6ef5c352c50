//! The CSV files the Comune's tax system exports, one kind of record per file: their
//! columns, the Italian formats of their cells (`1.234,56`, `31/12/2025`) and each row
//! turned into the API's create DTOs, checked by the same rules as the API.
//!
//! Reading bytes, encodings and separators is the caller's business: here a header is a
//! list of names and a row a list of cells. Errors name the CSV column, so a report can
//! say "line 12, importo_2: …".

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::acts::{self, ActKind, Components, PaymentChannel, Tributo, UtenzaKind};
use super::codes::coded_enum;
use crate::api::{Address, Cadastral, CreateAct, CreateContribuente, CreateUtenza, NewInstalment};
use crate::error::{DomainError, Errors, FieldError};
use crate::types::Money;

/// What one file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    Contribuenti,
    Utenze,
    Acts,
    Payments,
}

coded_enum!(ImportKind, "kind", "Tipo di importazione", "import kind", {
    Contribuenti => "contribuenti",
    Utenze => "utenze",
    Acts => "acts",
    Payments => "payments",
});

/// One column of a file: its name and whether every row must fill it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub required: bool,
}

const fn req(name: &'static str) -> Column {
    Column {
        name,
        required: true,
    }
}

const fn opt(name: &'static str) -> Column {
    Column {
        name,
        required: false,
    }
}

const CONTRIBUENTI: &[Column] = &[
    req("codice_fiscale"),
    opt("cognome"),
    opt("nome"),
    opt("denominazione"),
    opt("indirizzo"),
    opt("cap"),
    opt("comune"),
    opt("provincia"),
    opt("recapito_indirizzo"),
    opt("recapito_cap"),
    opt("recapito_comune"),
    opt("recapito_provincia"),
    opt("email"),
    opt("pec"),
    opt("telefono"),
];

const UTENZE: &[Column] = &[
    req("codice_utenza"),
    req("codice_fiscale"),
    req("tipo"),
    req("indirizzo"),
    opt("cap"),
    req("comune"),
    opt("provincia"),
    opt("sezione"),
    opt("foglio"),
    opt("particella"),
    opt("subalterno"),
    opt("categoria_catastale"),
    req("superficie"),
    opt("occupanti"),
    opt("categoria"),
    req("data_inizio"),
    opt("data_fine"),
];

/// Plus `scadenza_N` / `importo_N` pairs, N = 1, 2, … (at least the first).
const ACTS: &[Column] = &[
    req("codice_fiscale"),
    req("tipo"),
    req("numero"),
    req("anno"),
    req("tributo"),
    req("data_emissione"),
    opt("data_notifica"),
    opt("codice_utenza"),
    opt("quota_tributo"),
    opt("sanzioni"),
    opt("interessi"),
    opt("spese_notifica"),
];

const PAYMENTS: &[Column] = &[
    req("id_pagamento"),
    req("tributo"),
    req("tipo_atto"),
    req("anno"),
    req("numero_atto"),
    req("data"),
    req("importo"),
    req("canale"),
    opt("riferimento"),
    opt("rata"),
];

impl ImportKind {
    /// The fixed columns of the kind (acts add their instalment pairs).
    pub fn columns(self) -> &'static [Column] {
        match self {
            Self::Contribuenti => CONTRIBUENTI,
            Self::Utenze => UTENZE,
            Self::Acts => ACTS,
            Self::Payments => PAYMENTS,
        }
    }
}

/// `31/12/2025` (also `1/2/2025`) or `2025-12-31`. Impossible days are refused.
pub fn parse_date(input: &str) -> Result<NaiveDate, (String, String)> {
    let s = input.trim();
    let bad = || {
        (
            format!("data non valida: «{s}» (usare GG/MM/AAAA, per esempio 31/12/2025)"),
            format!("invalid date: \"{s}\" (use DD/MM/YYYY, e.g. 31/12/2025)"),
        )
    };
    let parts: Vec<&str> = if s.contains('/') {
        s.split('/').collect()
    } else {
        let mut p: Vec<&str> = s.split('-').collect();
        p.reverse();
        p
    };
    let [d, m, y] = parts.as_slice() else {
        return Err(bad());
    };
    let number = |v: &str, max_len: usize| -> Option<u32> {
        (!v.is_empty() && v.len() <= max_len && v.bytes().all(|b| b.is_ascii_digit()))
            .then(|| v.parse().ok())
            .flatten()
    };
    let (Some(d), Some(m), Some(y)) = (number(d, 2), number(m, 2), number(y, 4)) else {
        return Err(bad());
    };
    if y < 1000 {
        return Err(bad());
    }
    NaiveDate::from_ymd_opt(y as i32, m, d).ok_or_else(|| {
        (
            format!("la data {s} non esiste"),
            format!("the date {s} does not exist"),
        )
    })
}

/// An amount in euro as Italian files write it (`1.234,56`, `1234,5`, `12`), never negative.
pub fn parse_amount(input: &str) -> Result<Money, (String, String)> {
    let s = input.trim();
    let m = Money::parse_euro(s).map_err(|_| {
        (
            format!("importo non valido: «{s}» (esempio: 1.234,56)"),
            format!("invalid amount: \"{s}\" (example: 1.234,56)"),
        )
    })?;
    if m.cents() < 0 {
        return Err((
            format!("l'importo non può essere negativo: «{s}»"),
            format!("the amount cannot be negative: \"{s}\""),
        ));
    }
    Ok(m)
}

fn parse_count(input: &str) -> Result<u32, (String, String)> {
    let s = input.trim();
    s.parse().map_err(|_| {
        (
            format!("numero intero non valido: «{s}»"),
            format!("invalid whole number: \"{s}\""),
        )
    })
}

/// A code as files write it: any case, spaces or dashes for underscores.
fn code_of(input: &str) -> String {
    input.trim().to_lowercase().replace([' ', '-'], "_")
}

fn parse_code<T: std::str::FromStr<Err = DomainError>>(input: &str) -> Result<T, (String, String)> {
    code_of(input).parse::<T>().map_err(|e| {
        let m = &e.field_errors()[0].message;
        (m.it.to_string(), m.en.to_string())
    })
}

fn parse_utenza_kind(input: &str) -> Result<UtenzaKind, (String, String)> {
    match code_of(input).as_str() {
        "d" => Ok(UtenzaKind::Domestica),
        "nd" | "non_domestica" => Ok(UtenzaKind::NonDomestica),
        _ => parse_code(input),
    }
}

/// The key the Comune's tax system gives an act: the same act is imported again under it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ActKey {
    pub tributo: Tributo,
    pub kind: ActKind,
    pub year: i32,
    pub number: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UtenzaRecord {
    /// The owner, by codice fiscale (found among the contribuenti already stored).
    pub fiscal_code: String,
    /// `contribuente_id` is left empty for the caller to fill in.
    pub utenza: CreateUtenza,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActRecord {
    pub fiscal_code: String,
    pub utenza_code: Option<String>,
    /// `contribuente_id` and `utenza_id` are left for the caller.
    pub act: CreateAct,
    /// The act as [`CreateAct::to_domain`] checked it.
    pub checked: acts::Act,
}

impl ActRecord {
    pub fn key(&self) -> ActKey {
        ActKey {
            tributo: self.checked.tributo,
            kind: self.checked.kind,
            year: self.checked.year,
            number: self.checked.number.clone(),
        }
    }
}

/// A payment, still to be checked against its act (see [`payment_column`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRecord {
    /// The tax system's id of the payment: importing it again updates it.
    pub external_key: String,
    pub act: ActKey,
    pub date: NaiveDate,
    pub amount: Money,
    pub channel: PaymentChannel,
    pub reference: String,
    pub instalment: Option<u32>,
}

/// The column a payment error from [`crate::api::CreatePayment::to_domain`] belongs to.
pub fn payment_column(field: &str) -> &'static str {
    match field {
        "date" => "data",
        "amount" => "importo",
        "reference" => "riferimento",
        "instalment" => "rata",
        "channel" => "canale",
        _ => "id_pagamento",
    }
}

/// Errors of one row, by column.
pub type RowErrors = Vec<FieldError>;

const MAX_INSTALMENT_PAIRS: usize = acts::MAX_INSTALMENTS;

/// The columns of one file, as its first line names them.
#[derive(Debug, Clone)]
pub struct Header {
    kind: ImportKind,
    index: HashMap<&'static str, usize>,
    /// `(N, scadenza_N, importo_N)` positions, by N.
    instalments: Vec<(usize, usize, usize)>,
    width: usize,
}

impl Header {
    /// Names are matched without regard to case or surrounding spaces. Unknown, repeated
    /// and missing required columns are all reported (field `header`).
    pub fn parse(kind: ImportKind, names: &[&str]) -> Result<Self, DomainError> {
        let mut errors = Errors::new();
        let mut index = HashMap::new();
        let mut due: HashMap<usize, usize> = HashMap::new();
        let mut amount: HashMap<usize, usize> = HashMap::new();
        let mut unknown = Vec::new();
        for (pos, raw) in names.iter().enumerate() {
            let name = code_of(raw.trim_start_matches('\u{feff}'));
            let fixed = kind.columns().iter().find(|c| c.name == name);
            let pair = (kind == ImportKind::Acts)
                .then(|| {
                    let (prefix, n) = name.rsplit_once('_')?;
                    let n: usize = n
                        .parse()
                        .ok()
                        .filter(|n| (1..=MAX_INSTALMENT_PAIRS).contains(n))?;
                    match prefix {
                        "scadenza" => Some((true, n)),
                        "importo" => Some((false, n)),
                        _ => None,
                    }
                })
                .flatten();
            let duplicate = match (fixed, pair) {
                (Some(c), _) => index.insert(c.name, pos).is_some(),
                (None, Some((true, n))) => due.insert(n, pos).is_some(),
                (None, Some((false, n))) => amount.insert(n, pos).is_some(),
                (None, None) => {
                    if !name.is_empty() {
                        unknown.push(name.clone());
                    }
                    false
                }
            };
            if duplicate {
                errors.push(FieldError::new(
                    "header",
                    format!("La colonna «{name}» è ripetuta"),
                    format!("Column \"{name}\" appears twice"),
                ));
            }
        }
        if !unknown.is_empty() {
            let mut accepted: Vec<&str> = kind.columns().iter().map(|c| c.name).collect();
            if kind == ImportKind::Acts {
                accepted.extend(["scadenza_1", "importo_1", "scadenza_2", "importo_2", "…"]);
            }
            errors.push(FieldError::new(
                "header",
                format!(
                    "Colonne sconosciute: {} (ammesse: {})",
                    unknown.join(", "),
                    accepted.join(", ")
                ),
                format!(
                    "Unknown columns: {} (accepted: {})",
                    unknown.join(", "),
                    accepted.join(", ")
                ),
            ));
        }
        let missing: Vec<&str> = kind
            .columns()
            .iter()
            .filter(|c| c.required && !index.contains_key(c.name))
            .map(|c| c.name)
            .collect();
        if !missing.is_empty() {
            errors.push(FieldError::new(
                "header",
                format!("Colonne obbligatorie mancanti: {}", missing.join(", ")),
                format!("Required columns missing: {}", missing.join(", ")),
            ));
        }
        let mut instalments = Vec::new();
        if kind == ImportKind::Acts {
            let mut numbers: Vec<usize> = due.keys().chain(amount.keys()).copied().collect();
            numbers.sort_unstable();
            numbers.dedup();
            for n in numbers {
                match (due.get(&n), amount.get(&n)) {
                    (Some(&d), Some(&a)) => instalments.push((n, d, a)),
                    _ => errors.push(FieldError::new(
                        "header",
                        format!("Le colonne scadenza_{n} e importo_{n} vanno insieme"),
                        format!("Columns scadenza_{n} and importo_{n} go together"),
                    )),
                }
            }
            if !due.contains_key(&1) || !amount.contains_key(&1) {
                errors.push(FieldError::new(
                    "header",
                    "Servono almeno le colonne scadenza_1 e importo_1",
                    "At least columns scadenza_1 and importo_1 are required",
                ));
            }
        }
        errors.finish()?;
        Ok(Self {
            kind,
            index,
            instalments,
            width: names.len(),
        })
    }

    pub fn kind(&self) -> ImportKind {
        self.kind
    }

    /// How many cells a row must have.
    pub fn width(&self) -> usize {
        self.width
    }

    fn cells<'a>(&'a self, values: &'a [&'a str]) -> Cells<'a> {
        Cells {
            header: self,
            values,
            errors: Vec::new(),
        }
    }

    pub fn contribuente(&self, values: &[&str]) -> Result<CreateContribuente, RowErrors> {
        let mut c = self.cells(values);
        let fiscal_code = c.text("codice_fiscale").unwrap_or_default();
        let address = |c: &mut Cells<'_>, prefix: &str| -> Option<Address> {
            let col = |n: &str| -> &'static str {
                CONTRIBUENTI
                    .iter()
                    .find(|x| x.name == format!("{prefix}{n}"))
                    .map_or("indirizzo", |x| x.name)
            };
            let street = c.text(col("indirizzo"));
            let city = c.text(col("comune"));
            let postal_code = c.text(col("cap"));
            let province = c.text(col("provincia"));
            (street.is_some() || city.is_some() || postal_code.is_some() || province.is_some())
                .then(|| Address {
                    street: street.unwrap_or_default(),
                    postal_code,
                    city: city.unwrap_or_default(),
                    province,
                })
        };
        let residence = address(&mut c, "");
        let mailing_address = address(&mut c, "recapito_");
        let dto = CreateContribuente {
            fiscal_code,
            first_name: c.text("nome"),
            last_name: c.text("cognome"),
            denominazione: c.text("denominazione"),
            residence,
            mailing_address,
            email: c.text("email"),
            pec: c.text("pec"),
            phone: c.text("telefono"),
        };
        c.finish()?;
        dto.normalized().map_err(|e| {
            relabel(e, |f| match f {
                "fiscal_code" => "codice_fiscale",
                "first_name" => "nome",
                "last_name" => "cognome",
                "denominazione" => "denominazione",
                "residence.street" => "indirizzo",
                "residence.city" => "comune",
                "residence.postal_code" => "cap",
                "residence.province" => "provincia",
                "mailing_address.street" => "recapito_indirizzo",
                "mailing_address.city" => "recapito_comune",
                "mailing_address.postal_code" => "recapito_cap",
                "mailing_address.province" => "recapito_provincia",
                "pec" => "pec",
                "phone" => "telefono",
                _ => "email",
            })
        })
    }

    pub fn utenza(&self, values: &[&str]) -> Result<UtenzaRecord, RowErrors> {
        let mut c = self.cells(values);
        let fiscal_code = c.text("codice_fiscale").unwrap_or_default().to_uppercase();
        let code = c.text("codice_utenza").unwrap_or_default();
        let kind = c.parse("tipo", parse_utenza_kind);
        let foglio = c.text("foglio");
        let particella = c.text("particella");
        let sezione = c.text("sezione");
        let subalterno = c.text("subalterno");
        let categoria = c.text("categoria_catastale");
        let cadastral = (foglio.is_some()
            || particella.is_some()
            || sezione.is_some()
            || subalterno.is_some()
            || categoria.is_some())
        .then(|| Cadastral {
            sezione,
            foglio: foglio.unwrap_or_default(),
            particella: particella.unwrap_or_default(),
            subalterno,
            categoria,
        });
        let address = Address {
            street: c.text("indirizzo").unwrap_or_default(),
            postal_code: c.text("cap"),
            city: c.text("comune").unwrap_or_default(),
            province: c.text("provincia"),
        };
        let square_meters = c.parse("superficie", parse_count);
        let occupants = c.parse_opt("occupanti", parse_count);
        let category = c.text("categoria");
        let start_date = c.parse("data_inizio", parse_date);
        let end_date = c.parse_opt("data_fine", parse_date);
        c.finish()?;
        let (Some(kind), Some(square_meters), Some(start_date)) = (kind, square_meters, start_date)
        else {
            return Err(vec![]);
        };
        let dto = CreateUtenza {
            contribuente_id: String::new(),
            code,
            kind,
            address,
            cadastral,
            square_meters,
            occupants,
            category,
            start_date,
            end_date,
        };
        let utenza = dto.normalized().map_err(|e| {
            relabel(e, |f| match f {
                "code" => "codice_utenza",
                "address.street" => "indirizzo",
                "address.city" => "comune",
                "address.postal_code" => "cap",
                "address.province" => "provincia",
                "cadastral.sezione" => "sezione",
                "cadastral.foglio" => "foglio",
                "cadastral.particella" => "particella",
                "cadastral.subalterno" => "subalterno",
                "cadastral.categoria" => "categoria_catastale",
                "square_meters" => "superficie",
                "occupants" => "occupanti",
                "category" => "categoria",
                "end_date" => "data_fine",
                _ => "data_inizio",
            })
        })?;
        Ok(UtenzaRecord {
            fiscal_code,
            utenza,
        })
    }

    pub fn act(&self, values: &[&str]) -> Result<ActRecord, RowErrors> {
        let mut c = self.cells(values);
        let fiscal_code = c.text("codice_fiscale").unwrap_or_default().to_uppercase();
        let kind = c.parse("tipo", parse_code::<ActKind>);
        let number = c.text("numero").unwrap_or_default();
        let year = c.parse("anno", parse_count);
        let tributo = c.parse("tributo", parse_code::<Tributo>);
        let issued_on = c.parse("data_emissione", parse_date);
        let notified_on = c.parse_opt("data_notifica", parse_date);
        let utenza_code = c.text("codice_utenza");
        let parts = [
            ("quota_tributo", c.parse_opt("quota_tributo", parse_amount)),
            ("sanzioni", c.parse_opt("sanzioni", parse_amount)),
            ("interessi", c.parse_opt("interessi", parse_amount)),
            (
                "spese_notifica",
                c.parse_opt("spese_notifica", parse_amount),
            ),
        ];
        let components = parts.iter().any(|(_, v)| v.is_some()).then(|| {
            let get = |i: usize| parts[i].1.unwrap_or(Money::ZERO);
            Components {
                tributo: get(0),
                sanzioni: get(1),
                interessi: get(2),
                spese_notifica: get(3),
            }
        });
        let mut instalments = Vec::new();
        let mut numbers = Vec::new();
        for &(n, due_at, amount_at) in &self.instalments {
            let (due_col, amount_col) = (format!("scadenza_{n}"), format!("importo_{n}"));
            let due = c.cell(due_at);
            let amount = c.cell(amount_at);
            match (due, amount) {
                (None, None) => {}
                (Some(d), Some(a)) => {
                    let d = parse_date(d).map_err(|(it, en)| FieldError::new(due_col, it, en));
                    let a = parse_amount(a).map_err(|(it, en)| FieldError::new(amount_col, it, en));
                    match (d, a) {
                        (Ok(due_date), Ok(amount)) => {
                            instalments.push(NewInstalment {
                                due_date,
                                amount: amount.cents(),
                            });
                            numbers.push(n);
                        }
                        (d, a) => {
                            c.errors.extend(d.err());
                            c.errors.extend(a.err());
                        }
                    }
                }
                (None, Some(_)) => c.errors.push(required(due_col)),
                (Some(_), None) => c.errors.push(required(amount_col)),
            }
        }
        c.finish()?;
        let (Some(kind), Some(year), Some(tributo), Some(issued_on)) =
            (kind, year, tributo, issued_on)
        else {
            return Err(vec![]);
        };
        let act = CreateAct {
            contribuente_id: String::new(),
            utenza_id: None,
            kind,
            number,
            year: i32::try_from(year).unwrap_or(i32::MAX),
            tributo,
            issued_on,
            notified_on,
            components,
            instalments,
        };
        let checked = act.to_domain().map_err(|e| {
            let mut out = Vec::new();
            for fe in e.field_errors() {
                let f = fe.field.as_ref();
                let column = if let Some(rest) = f.strip_prefix("instalments[") {
                    let (i, what) = rest.split_once("].").unwrap_or((rest, "amount"));
                    let n = i
                        .parse::<usize>()
                        .ok()
                        .and_then(|i| numbers.get(i))
                        .copied()
                        .unwrap_or(1);
                    if what == "due_date" {
                        format!("scadenza_{n}")
                    } else {
                        format!("importo_{n}")
                    }
                } else {
                    match f {
                        "number" => "numero",
                        "year" => "anno",
                        "notified_on" => "data_notifica",
                        "instalments" => "importo_1",
                        "components.sanzioni" => "sanzioni",
                        "components.interessi" => "interessi",
                        "components.spese_notifica" => "spese_notifica",
                        _ => "quota_tributo",
                    }
                    .to_owned()
                };
                out.push(fe.clone().at(column));
            }
            out
        })?;
        Ok(ActRecord {
            fiscal_code,
            utenza_code,
            act,
            checked,
        })
    }

    pub fn payment(&self, values: &[&str]) -> Result<PaymentRecord, RowErrors> {
        let mut c = self.cells(values);
        let external_key = c.text("id_pagamento").unwrap_or_default();
        let tributo = c.parse("tributo", parse_code::<Tributo>);
        let kind = c.parse("tipo_atto", parse_code::<ActKind>);
        let year = c.parse("anno", parse_count);
        let number = c.text("numero_atto").unwrap_or_default();
        let date = c.parse("data", parse_date);
        let amount = c.parse("importo", parse_amount);
        let channel = c.parse("canale", parse_code::<PaymentChannel>);
        let reference = c.text("riferimento").unwrap_or_default();
        let instalment = c.parse_opt("rata", parse_count);
        if external_key.chars().count() > 100 {
            c.errors.push(FieldError::new(
                "id_pagamento",
                "Al massimo 100 caratteri",
                "At most 100 characters",
            ));
        }
        c.finish()?;
        let (Some(tributo), Some(kind), Some(year), Some(date), Some(amount), Some(channel)) =
            (tributo, kind, year, date, amount, channel)
        else {
            return Err(vec![]);
        };
        Ok(PaymentRecord {
            external_key,
            act: ActKey {
                tributo,
                kind,
                year: i32::try_from(year).unwrap_or(i32::MAX),
                number,
            },
            date,
            amount,
            channel,
            reference,
            instalment,
        })
    }
}

fn required(column: String) -> FieldError {
    FieldError::new(column, "Campo obbligatorio", "This field is required")
}

/// The domain's field names turned into the file's columns.
fn relabel(e: DomainError, column: impl Fn(&str) -> &'static str) -> RowErrors {
    e.field_errors()
        .iter()
        .map(|fe| fe.clone().at(column(fe.field.as_ref())))
        .collect()
}

/// The cells of one row, collecting the errors of each.
struct Cells<'a> {
    header: &'a Header,
    values: &'a [&'a str],
    errors: RowErrors,
}

impl<'a> Cells<'a> {
    fn cell(&self, pos: usize) -> Option<&'a str> {
        self.values
            .get(pos)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    }

    fn get(&self, column: &'static str) -> Option<&'a str> {
        self.header.index.get(column).and_then(|&p| self.cell(p))
    }

    /// The trimmed text; a required column left empty is an error.
    fn text(&mut self, column: &'static str) -> Option<String> {
        let v = self.get(column).map(str::to_owned);
        if v.is_none() && self.is_required(column) {
            self.errors.push(required(column.to_owned()));
        }
        v
    }

    fn is_required(&self, column: &str) -> bool {
        self.header
            .kind
            .columns()
            .iter()
            .any(|c| c.name == column && c.required)
    }

    fn parse<T>(
        &mut self,
        column: &'static str,
        f: impl Fn(&str) -> Result<T, (String, String)>,
    ) -> Option<T> {
        match self.get(column) {
            None => {
                self.errors.push(required(column.to_owned()));
                None
            }
            Some(v) => self.apply(column, v, f),
        }
    }

    fn parse_opt<T>(
        &mut self,
        column: &'static str,
        f: impl Fn(&str) -> Result<T, (String, String)>,
    ) -> Option<T> {
        let v = self.get(column)?;
        self.apply(column, v, f)
    }

    fn apply<T>(
        &mut self,
        column: &'static str,
        v: &str,
        f: impl Fn(&str) -> Result<T, (String, String)>,
    ) -> Option<T> {
        match f(v) {
            Ok(t) => Some(t),
            Err((it, en)) => {
                self.errors.push(FieldError::new(column, it, en));
                None
            }
        }
    }

    fn finish(self) -> Result<(), RowErrors> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(self.errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn columns(errors: &RowErrors) -> Vec<String> {
        errors.iter().map(|e| e.field.to_string()).collect()
    }

    #[test]
    fn italian_dates_and_amounts() {
        assert_eq!(parse_date("31/12/2025"), Ok(d(2025, 12, 31)));
        assert_eq!(parse_date(" 1/2/2026 "), Ok(d(2026, 2, 1)));
        assert_eq!(parse_date("2026-02-28"), Ok(d(2026, 2, 28)));
        let (it, _) = parse_date("31/02/2026").unwrap_err();
        assert!(it.contains("non esiste"), "{it}");
        for bad in ["12/2025", "aa/bb/cccc", "31/12/25", "2026/02/01x", ""] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_amount("1.234,56").unwrap().cents(), 123_456);
        assert_eq!(parse_amount("0,5").unwrap().cents(), 50);
        assert_eq!(parse_amount("12").unwrap().cents(), 1200);
        assert!(parse_amount("-3,00").unwrap_err().0.contains("negativo"));
        assert!(parse_amount("1,234,5").is_err());
    }

    #[test]
    fn headers_report_unknown_missing_and_repeated_columns() {
        let h = Header::parse(
            ImportKind::Contribuenti,
            &["\u{feff}Codice_Fiscale", " Nome "],
        );
        assert!(h.is_ok());
        let err = Header::parse(
            ImportKind::Utenze,
            &["codice_utenza", "colore", "codice_utenza"],
        )
        .unwrap_err();
        let msgs: Vec<&str> = err
            .field_errors()
            .iter()
            .map(|e| e.message.it.as_ref())
            .collect();
        assert!(msgs[0].contains("ripetuta"), "{msgs:?}");
        assert!(msgs[1].contains("colore"), "{msgs:?}");
        assert!(msgs[2].contains("codice_fiscale, tipo"), "{msgs:?}");
        let err = Header::parse(
            ImportKind::Acts,
            &[
                "codice_fiscale",
                "tipo",
                "numero",
                "anno",
                "tributo",
                "data_emissione",
                "scadenza_1",
                "importo_1",
                "scadenza_2",
            ],
        )
        .unwrap_err();
        assert!(
            err.field_errors()[0]
                .message
                .it
                .contains("scadenza_2 e importo_2")
        );
    }

    #[test]
    fn an_act_row_becomes_a_checked_act_with_errors_by_column() {
        let names = [
            "codice_fiscale",
            "tipo",
            "numero",
            "anno",
            "tributo",
            "data_emissione",
            "sanzioni",
            "scadenza_1",
            "importo_1",
            "scadenza_2",
            "importo_2",
        ];
        let h = Header::parse(ImportKind::Acts, &names).unwrap();
        let ok = h
            .act(&[
                "rssmra80a01h501u",
                "Avviso Ordinario",
                "2025/1",
                "2025",
                "TARI",
                "01/04/2025",
                "",
                "31/05/2025",
                "100,00",
                "30/09/2025",
                "1.000,50",
            ])
            .unwrap();
        assert_eq!(ok.fiscal_code, "RSSMRA80A01H501U");
        assert_eq!(ok.checked.kind, ActKind::AvvisoOrdinario);
        assert_eq!(ok.checked.total().cents(), 110_050);
        assert_eq!(ok.act.components, None);
        let bad = h
            .act(&[
                "X",
                "avviso_ordinario",
                "1",
                "2025",
                "tari",
                "01/04/2025",
                "-1",
                "31/02/2025",
                "10",
                "",
                "5",
            ])
            .unwrap_err();
        assert_eq!(columns(&bad), ["sanzioni", "scadenza_1", "scadenza_2"]);
        // Checked by the domain: a due date before the issue date, named by its column.
        let bad = h
            .act(&[
                "X",
                "avviso_ordinario",
                "1",
                "2025",
                "tari",
                "01/04/2025",
                "",
                "31/05/2025",
                "10",
                "01/03/2025",
                "5",
            ])
            .unwrap_err();
        assert_eq!(columns(&bad), ["scadenza_2", "scadenza_2"]);
    }

    #[test]
    fn contribuente_utenza_and_payment_rows() {
        let h = Header::parse(
            ImportKind::Contribuenti,
            &[
                "codice_fiscale",
                "cognome",
                "nome",
                "comune",
                "indirizzo",
                "email",
            ],
        )
        .unwrap();
        let c = h
            .contribuente(&[
                "RSSMRA80A01H501U",
                "Rossi",
                "Mario",
                "Pisa",
                "Via Roma 1",
                "",
            ])
            .unwrap();
        assert_eq!(c.residence.unwrap().city, "Pisa");
        let bad = h
            .contribuente(&["RSSMRA80A01H501U", "Rossi", "", "Pisa", "", "non-mail"])
            .unwrap_err();
        assert_eq!(columns(&bad), ["nome", "indirizzo", "email"]);

        let names = [
            "codice_utenza",
            "codice_fiscale",
            "tipo",
            "indirizzo",
            "comune",
            "superficie",
            "occupanti",
            "data_inizio",
        ];
        let h = Header::parse(ImportKind::Utenze, &names).unwrap();
        let u = h
            .utenza(&[
                "U1",
                "rssmra80a01h501u",
                "D",
                "Via Roma 1",
                "Pisa",
                "85",
                "3",
                "01/01/2020",
            ])
            .unwrap();
        assert_eq!(
            (u.fiscal_code.as_str(), u.utenza.kind),
            ("RSSMRA80A01H501U", UtenzaKind::Domestica)
        );
        let bad = h
            .utenza(&[
                "U1",
                "X",
                "box",
                "Via Roma 1",
                "Pisa",
                "0",
                "tre",
                "31/04/2020",
            ])
            .unwrap_err();
        assert_eq!(columns(&bad), ["tipo", "occupanti", "data_inizio"]);

        let names = [
            "id_pagamento",
            "tributo",
            "tipo_atto",
            "anno",
            "numero_atto",
            "data",
            "importo",
            "canale",
            "rata",
        ];
        let h = Header::parse(ImportKind::Payments, &names).unwrap();
        let p = h
            .payment(&[
                "P1",
                "tari",
                "avviso_ordinario",
                "2025",
                "2025/1",
                "15/05/2025",
                "50",
                "PAGOPA",
                "1",
            ])
            .unwrap();
        assert_eq!(
            (p.amount.cents(), p.channel, p.instalment),
            (5000, PaymentChannel::Pagopa, Some(1))
        );
        let bad = h
            .payment(&[
                "",
                "tari",
                "avviso_ordinario",
                "2025",
                "2025/1",
                "15/05/2025",
                "-50",
                "cash",
                "",
            ])
            .unwrap_err();
        assert_eq!(columns(&bad), ["id_pagamento", "importo", "canale"]);
        assert_eq!(payment_column("date"), "data");
    }
}
