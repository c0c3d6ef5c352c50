//! pagoPA identifiers and payloads: the IUV and numero avviso with their check digits, the
//! QR code and Poste DataMatrix contents of a notice, the CBILL code.

pub mod fdr;
pub mod issue;
pub mod iuv;
pub mod notice;
pub mod reminders;
pub mod settings;
pub mod transfers;

pub use iuv::{Iuv, NoticeNumber, SegregationCode};
pub use notice::{
    CbillCode, NoticeStatus, PosteAccount, PosteDataMatrix, poste_datamatrix, qr_payload,
};
pub use settings::{Iban, PagopaConfig};
