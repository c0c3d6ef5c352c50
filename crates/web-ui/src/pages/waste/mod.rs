//! The public waste pages, an app of their own (`src/bin/waste.rs`, [`AppKind::Waste`]):
//! "Trasparenza rifiuti" (the items of TITR art. 3.1 with the separate-collection chart
//! and the compliance with the quality standards) and the Riciclabolario.
//!
//! [`AppKind::Waste`]: crate::app::AppKind::Waste

mod guide;
mod transparency;

pub use guide::WasteGuide;
pub use transparency::Transparency;

use domain::Lang;

/// A percentage with one decimal as its readers write it: "67,4 %" (a no-break space
/// before the sign) in Italian, "67.4%" in English. Integer arithmetic on the tenths.
pub fn percent(lang: Lang, p: f64) -> String {
    #[allow(clippy::cast_possible_truncation)]
    let tenths = (p * 10.0).round() as i64;
    let (sign, tenths) = if tenths < 0 {
        ("-", -tenths)
    } else {
        ("", tenths)
    };
    match lang {
        Lang::It => format!("{sign}{},{}\u{a0}%", tenths / 10, tenths % 10),
        Lang::En => format!("{sign}{}.{}%", tenths / 10, tenths % 10),
    }
}
