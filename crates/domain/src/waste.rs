//! The Riciclabolario: where each kind of waste goes. An item names a thing citizens
//! throw away, the fraction (and so the bin) it belongs to, and, when no bin takes it,
//! where to bring it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::api::SaveWasteItem;
use crate::content::{optional_text, required_text};
use crate::error::{DomainError, Errors, FieldError};

/// Most alternative names one item may have.
pub const MAX_SYNONYMS: usize = 10;
/// Most rows one CSV import may carry.
pub const MAX_IMPORT_ROWS: usize = 5_000;

crate::delivery::coded_enum! {
    /// A fraction of the separate collection.
    WasteFraction {
        Organic = "organico",
        Paper = "carta",
        Plastic = "plastica",
        Glass = "vetro",
        Metals = "metalli",
        /// Plastic and metals together, where the Comune collects them in one bin.
        Multimaterial = "multimateriale",
        Residual = "indifferenziato",
        Garden = "verde",
        Textiles = "tessili",
        /// Electrical and electronic equipment (RAEE).
        Electronics = "raee",
        Bulky = "ingombranti",
        /// Batteries, medicines, paints and other hazardous household waste.
        Hazardous = "pericolosi",
        /// Used cooking oil.
        CookingOil = "olio",
    }
}

impl WasteFraction {
    /// Name in (Italian, English).
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            Self::Organic => ("Organico", "Organic"),
            Self::Paper => ("Carta e cartone", "Paper and cardboard"),
            Self::Plastic => ("Plastica", "Plastic"),
            Self::Glass => ("Vetro", "Glass"),
            Self::Metals => ("Metalli", "Metals"),
            Self::Multimaterial => ("Plastica e metalli", "Plastic and metals"),
            Self::Residual => ("Indifferenziato", "Residual waste"),
            Self::Garden => ("Sfalci e potature", "Garden waste"),
            Self::Textiles => ("Abiti e tessili", "Clothes and textiles"),
            Self::Electronics => (
                "RAEE (apparecchiature elettriche)",
                "Electrical equipment (WEEE)",
            ),
            Self::Bulky => ("Ingombranti", "Bulky waste"),
            Self::Hazardous => ("Rifiuti pericolosi", "Hazardous waste"),
            Self::CookingOil => ("Olio alimentare esausto", "Used cooking oil"),
        }
    }

    /// The usual bin, in (Italian, English), when the item gives none; `None` for the
    /// fractions no household bin takes.
    pub fn usual_bin(self) -> Option<(&'static str, &'static str)> {
        match self {
            Self::Organic => Some(("Contenitore marrone", "Brown bin")),
            Self::Paper => Some(("Contenitore blu", "Blue bin")),
            Self::Plastic | Self::Multimaterial | Self::Metals => {
                Some(("Contenitore giallo", "Yellow bin"))
            }
            Self::Glass => Some(("Contenitore verde", "Green bin")),
            Self::Residual => Some(("Contenitore grigio", "Grey bin")),
            Self::Garden
            | Self::Textiles
            | Self::Electronics
            | Self::Bulky
            | Self::Hazardous
            | Self::CookingOil => None,
        }
    }
}

crate::delivery::coded_enum! {
    /// Where to bring an item no household bin takes.
    TakeTo {
        /// The collection centre (centro di raccolta / isola ecologica).
        CollectionCentre = "centro_raccolta",
        /// The bulky-waste pickup at home, booked in the portal.
        BulkyPickup = "ritiro_ingombranti",
        /// Street containers of their own (medicines at chemists', batteries at shops,
        /// clothes containers).
        DedicatedContainer = "contenitori_dedicati",
        /// Back to the shop that sells the new one (RAEE "uno contro uno").
        Retailer = "rivenditore",
    }
}

impl TakeTo {
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            Self::CollectionCentre => ("Centro di raccolta", "Collection centre"),
            Self::BulkyPickup => (
                "Ritiro ingombranti a domicilio",
                "Bulky-waste pickup at home",
            ),
            Self::DedicatedContainer => ("Contenitori dedicati", "Dedicated containers"),
            Self::Retailer => ("Riconsegna al rivenditore", "Back to the retailer"),
        }
    }
}

/// A checked [`SaveWasteItem`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WasteEntry {
    pub name: String,
    pub fraction: WasteFraction,
    pub bin: Option<String>,
    pub notes: Option<String>,
    pub take_to: Option<TakeTo>,
    pub synonyms: Vec<String>,
}

impl WasteEntry {
    pub fn new(save: &SaveWasteItem) -> Result<Self, DomainError> {
        let mut errors = Errors::new();
        let name = errors.check(required_text(
            "name",
            &save.name,
            ("Nome", "Name"),
            120,
            false,
        ));
        let bin = errors
            .check(optional_text(
                "bin",
                save.bin.as_deref(),
                ("Contenitore", "Bin"),
                120,
                false,
            ))
            .flatten();
        let notes = errors
            .check(optional_text(
                "notes",
                save.notes.as_deref(),
                ("Note", "Notes"),
                1000,
                true,
            ))
            .flatten();
        if save.synonyms.len() > MAX_SYNONYMS {
            errors.push(FieldError::new(
                "synonyms",
                format!("Al massimo {MAX_SYNONYMS} sinonimi"),
                format!("At most {MAX_SYNONYMS} synonyms"),
            ));
        }
        let mut synonyms: Vec<String> = Vec::new();
        for (i, s) in save.synonyms.iter().take(MAX_SYNONYMS).enumerate() {
            if let Some(s) = errors.check(required_text(
                &format!("synonyms[{i}]"),
                s,
                ("Sinonimo", "Synonym"),
                120,
                false,
            )) && !synonyms.iter().any(|x| x.eq_ignore_ascii_case(&s))
            {
                synonyms.push(s);
            }
        }
        errors.finish()?;
        Ok(Self {
            name: name.unwrap_or_default(),
            fraction: save.fraction,
            bin,
            notes,
            take_to: save.take_to,
            synonyms,
        })
    }

    /// The key two items may not share: the name without case or surrounding blanks.
    pub fn key(&self) -> String {
        name_key(&self.name)
    }
}

/// The uniqueness key of an item's name.
pub fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// The columns of the Riciclabolario CSV, in order; the first line is this header.
pub const CSV_COLUMNS: [&str; 6] = [
    "nome",
    "frazione",
    "contenitore",
    "dove_portarlo",
    "note",
    "sinonimi",
];

/// One CSV row (its cells, in [`CSV_COLUMNS`] order) as an item to save. A fraction or
/// destination is given by its code or its Italian name, any case; synonyms are
/// separated by `|`. Errors name the column.
pub fn item_from_csv(cells: &[&str]) -> Result<SaveWasteItem, DomainError> {
    let cell = |i: usize| cells.get(i).map(|c| c.trim()).unwrap_or_default();
    let mut errors = Errors::new();
    if cells.len() > CSV_COLUMNS.len() {
        errors.push(FieldError::new(
            "columns",
            format!("Troppe colonne: al massimo {}", CSV_COLUMNS.len()),
            format!("Too many columns: at most {}", CSV_COLUMNS.len()),
        ));
    }
    let fraction = parse_label(cell(1), WasteFraction::ALL, WasteFraction::code, |f| {
        f.label().0
    });
    if fraction.is_none() {
        errors.push(FieldError::new(
            "frazione",
            format!(
                "Frazione sconosciuta «{}»: usare una di {}",
                cell(1),
                codes(WasteFraction::ALL.iter().map(|f| f.code()))
            ),
            format!(
                "Unknown fraction {:?}: use one of {}",
                cell(1),
                codes(WasteFraction::ALL.iter().map(|f| f.code()))
            ),
        ));
    }
    let take_to = if cell(3).is_empty() {
        None
    } else {
        let t = parse_label(cell(3), TakeTo::ALL, TakeTo::code, |t| t.label().0);
        if t.is_none() {
            errors.push(FieldError::new(
                "dove_portarlo",
                format!(
                    "Destinazione sconosciuta «{}»: usare una di {}",
                    cell(3),
                    codes(TakeTo::ALL.iter().map(|t| t.code()))
                ),
                format!(
                    "Unknown destination {:?}: use one of {}",
                    cell(3),
                    codes(TakeTo::ALL.iter().map(|t| t.code()))
                ),
            ));
        }
        t
    };
    errors.finish()?;
    let nonempty = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    Ok(SaveWasteItem {
        name: cell(0).to_owned(),
        fraction: fraction.unwrap_or(WasteFraction::Residual),
        bin: nonempty(cell(2)),
        take_to,
        notes: nonempty(cell(4)),
        synonyms: cell(5)
            .split('|')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
    })
}

fn parse_label<T: Copy>(
    value: &str,
    all: &[T],
    code: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> &'static str,
) -> Option<T> {
    let v = value.trim();
    all.iter()
        .copied()
        .find(|&t| code(t).eq_ignore_ascii_case(v) || label(t).to_lowercase() == v.to_lowercase())
}

fn codes<'a>(it: impl Iterator<Item = &'a str>) -> String {
    it.collect::<Vec<_>>().join(", ")
}

impl fmt::Display for WasteEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name, self.fraction.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn save(name: &str, synonyms: &[&str]) -> SaveWasteItem {
        SaveWasteItem {
            name: name.into(),
            fraction: WasteFraction::Plastic,
            bin: None,
            notes: None,
            take_to: None,
            synonyms: synonyms.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    #[test]
    fn an_item_needs_a_name_and_drops_repeated_synonyms() {
        let e = WasteEntry::new(&save(" Bottiglia di plastica ", &["flacone", "Flacone"])).unwrap();
        assert_eq!(e.name, "Bottiglia di plastica");
        assert_eq!(e.synonyms, ["flacone"]);
        assert_eq!(e.key(), "bottiglia di plastica");
        let err = WasteEntry::new(&save("  ", &[""])).unwrap_err();
        let fields: Vec<&str> = err
            .field_errors()
            .iter()
            .map(|e| e.field.as_ref())
            .collect();
        assert_eq!(fields, ["name", "synonyms[0]"]);
    }

    #[test]
    fn csv_rows_take_codes_or_italian_names() {
        let item = item_from_csv(&[
            "Materasso",
            "Ingombranti",
            "",
            "ritiro_ingombranti",
            "Prenotare il ritiro",
            "rete | divano",
        ])
        .unwrap();
        assert_eq!(item.fraction, WasteFraction::Bulky);
        assert_eq!(item.take_to, Some(TakeTo::BulkyPickup));
        assert_eq!(item.synonyms, ["rete", "divano"]);
        assert_eq!(item.bin, None);
        let short = item_from_csv(&["Lattina", "plastica e metalli"]).unwrap();
        assert_eq!(short.fraction, WasteFraction::Multimaterial);
        let err = item_from_csv(&["X", "sabbia", "", "luna"]).unwrap_err();
        let fields: Vec<&str> = err
            .field_errors()
            .iter()
            .map(|e| e.field.as_ref())
            .collect();
        assert_eq!(fields, ["frazione", "dove_portarlo"]);
    }

    #[test]
    fn every_fraction_code_parses_back() {
        for f in WasteFraction::ALL {
            assert_eq!(WasteFraction::from_str(f.code()).unwrap(), *f);
        }
        for t in TakeTo::ALL {
            assert_eq!(TakeTo::from_str(t.code()).unwrap(), *t);
        }
    }

    /// The demo Comune's Riciclabolario (`data/riciclabolario-demo.csv`) is a file the
    /// import accepts whole: every row valid, names unique.
    #[test]
    fn the_demo_riciclabolario_imports_whole() {
        let csv = include_str!("../data/riciclabolario-demo.csv");
        let mut lines = csv.lines();
        assert_eq!(lines.next(), Some(CSV_COLUMNS.join(",").as_str()));
        let mut keys = std::collections::HashSet::new();
        let mut rows = 0;
        for (n, line) in lines.enumerate() {
            let cells = crate::content::csv_line(line);
            let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
            let item = item_from_csv(&cells).unwrap_or_else(|e| panic!("row {}: {e}", n + 2));
            let entry = WasteEntry::new(&item).unwrap_or_else(|e| panic!("row {}: {e}", n + 2));
            assert!(
                keys.insert(entry.key()),
                "row {}: {} twice",
                n + 2,
                entry.name
            );
            rows += 1;
        }
        assert!(rows >= 140, "{rows} items");
        assert!(keys.contains("bottiglia di plastica"));
    }
}
