//! Reads a Flusso di Rendicontazione file (XML `FlussoRiversamento` 1.0.4) into the
//! domain's [`RawFlow`]: elements by their local names (any namespace prefix), text only,
//! no DTD and no entity but XML's five and character references. What the fields mean and
//! whether they add up is the domain's ([`domain::pagopa::fdr::Flow::from_raw`]).

use domain::error::DomainError;
use domain::pagopa::fdr::{RawFlow, RawPayment};
use quick_xml::events::Event;
use quick_xml::reader::Reader;

/// Deepest nesting accepted (the format needs four levels).
const MAX_DEPTH: usize = 12;

fn malformed(at: u64, why: impl std::fmt::Display) -> DomainError {
    DomainError::invalid(
        "file",
        format!("Il file non è un XML valido (byte {at}): {why}"),
        format!("The file is not well-formed XML (byte {at}): {why}"),
    )
}

/// The text of the leaf `path` (local names from the root's child down).
fn assign(flow: &mut RawFlow, path: &[String], text: &str) {
    let names: Vec<&str> = path.iter().map(String::as_str).collect();
    let slot: Option<&mut String> = match names.as_slice() {
        ["identificativoFlusso"] => Some(&mut flow.flow_id),
        ["dataOraFlusso"] => Some(&mut flow.flow_at),
        ["identificativoUnivocoRegolamento"] => Some(&mut flow.settlement_ref),
        ["dataRegolamento"] => Some(&mut flow.settlement_date),
        [
            "istitutoMittente",
            "identificativoUnivocoMittente",
            "codiceIdentificativoUnivoco",
        ] => Some(&mut flow.sender_id),
        ["istitutoMittente", "denominazioneMittente"] => {
            Some(flow.sender_name.get_or_insert_with(String::new))
        }
        [
            "istitutoRicevente",
            "identificativoUnivocoRicevente",
            "codiceIdentificativoUnivoco",
        ] => Some(&mut flow.receiver_id),
        ["istitutoRicevente", "denominazioneRicevente"] => {
            Some(flow.receiver_name.get_or_insert_with(String::new))
        }
        ["numeroTotalePagamenti"] => Some(&mut flow.payment_count),
        ["importoTotalePagamenti"] => Some(&mut flow.total_amount),
        ["datiSingoliPagamenti", field] => flow.payments.last_mut().and_then(|p| match *field {
            "identificativoUnivocoVersamento" => Some(&mut p.iuv),
            "identificativoUnivocoRiscossione" => Some(&mut p.iur),
            "indiceDatiSingoloPagamento" => Some(&mut p.index),
            "singoloImportoPagato" => Some(&mut p.amount),
            "codiceEsitoSingoloPagamento" => Some(&mut p.result),
            "dataEsitoSingoloPagamento" => Some(&mut p.date),
            _ => None,
        }),
        _ => None,
    };
    if let Some(slot) = slot {
        slot.push_str(text);
    }
}

/// Parses the file; a file that is not XML, or whose root is not `FlussoRiversamento`, is a
/// 422 on `file`.
pub fn parse(bytes: &[u8]) -> Result<RawFlow, DomainError> {
    let mut reader = Reader::from_reader(bytes);
    // Not trimmed: text around an entity (`Banca &amp; Co.`) keeps its spaces; the domain
    // trims each value.
    let mut buf = Vec::new();
    let mut flow = RawFlow::default();
    // Local names of the open elements, the root excluded.
    let mut path: Vec<String> = Vec::new();
    let mut root_seen = false;
    let mut depth = 0usize;
    loop {
        let at = reader.buffer_position();
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| malformed(reader.error_position(), e))?;
        match event {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(malformed(at, "too deeply nested"));
                }
                if depth == 1 {
                    if root_seen || name != "FlussoRiversamento" {
                        return Err(not_a_flow());
                    }
                    root_seen = true;
                } else {
                    if depth == 2 && name == "datiSingoliPagamenti" {
                        flow.payments.push(RawPayment::default());
                    }
                    path.push(name);
                }
            }
            Event::End(_) => {
                if depth > 1 {
                    path.pop();
                }
                depth = depth.saturating_sub(1);
            }
            Event::Empty(e) => {
                if depth == 0 {
                    return Err(not_a_flow());
                }
                if depth == 1 && e.local_name().as_ref() == b"datiSingoliPagamenti" {
                    flow.payments.push(RawPayment::default());
                }
            }
            Event::Text(t) => {
                let text = t.xml10_content().map_err(|e| malformed(at, e))?;
                if depth == 0 {
                    if text.trim().is_empty() {
                        buf.clear();
                        continue;
                    }
                    return Err(malformed(at, "text outside the root element"));
                }
                assign(&mut flow, &path, &text);
            }
            Event::CData(t) => {
                let text = t.xml10_content().map_err(|e| malformed(at, e))?;
                assign(&mut flow, &path, &text);
            }
            Event::GeneralRef(r) => {
                let text = if r.is_char_ref() {
                    r.resolve_char_ref()
                        .map_err(|e| malformed(at, e))?
                        .map(String::from)
                        .unwrap_or_default()
                } else {
                    let name = r.decode().map_err(|e| malformed(at, e))?;
                    quick_xml::escape::resolve_predefined_entity(&name)
                        .ok_or_else(|| malformed(at, format!("unknown entity &{name};")))?
                        .to_owned()
                };
                assign(&mut flow, &path, &text);
            }
            Event::DocType(_) => {
                return Err(malformed(at, "a DOCTYPE is not accepted"));
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
        buf.clear();
    }
    if !root_seen {
        return Err(not_a_flow());
    }
    if depth != 0 {
        return Err(malformed(
            reader.buffer_position(),
            "the document ends inside an element",
        ));
    }
    Ok(flow)
}

fn not_a_flow() -> DomainError {
    DomainError::invalid(
        "file",
        "Il file non è un flusso di rendicontazione (elemento radice FlussoRiversamento)",
        "The file is not a reporting flow (root element FlussoRiversamento)",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<pay_i:FlussoRiversamento xmlns:pay_i="http://www.digitpa.gov.it/schemas/2011/Pagamenti/">
  <pay_i:versioneOggetto>1.0</pay_i:versioneOggetto>
  <pay_i:identificativoFlusso>2026-11-30BCITITMM-S0001</pay_i:identificativoFlusso>
  <pay_i:dataOraFlusso>2026-11-30T10:15:00</pay_i:dataOraFlusso>
  <pay_i:identificativoUnivocoRegolamento>TRN0000123</pay_i:identificativoUnivocoRegolamento>
  <pay_i:dataRegolamento>2026-11-30</pay_i:dataRegolamento>
  <pay_i:istitutoMittente>
    <pay_i:identificativoUnivocoMittente>
      <pay_i:tipoIdentificativoUnivoco>B</pay_i:tipoIdentificativoUnivoco>
      <pay_i:codiceIdentificativoUnivoco>BCITITMM</pay_i:codiceIdentificativoUnivoco>
    </pay_i:identificativoUnivocoMittente>
    <pay_i:denominazioneMittente>Banca &amp; Co.</pay_i:denominazioneMittente>
  </pay_i:istitutoMittente>
  <pay_i:istitutoRicevente>
    <pay_i:identificativoUnivocoRicevente>
      <pay_i:tipoIdentificativoUnivoco>G</pay_i:tipoIdentificativoUnivoco>
      <pay_i:codiceIdentificativoUnivoco>15376371009</pay_i:codiceIdentificativoUnivoco>
    </pay_i:identificativoUnivocoRicevente>
  </pay_i:istitutoRicevente>
  <pay_i:numeroTotalePagamenti>2</pay_i:numeroTotalePagamenti>
  <pay_i:importoTotalePagamenti>150.50</pay_i:importoTotalePagamenti>
  <pay_i:datiSingoliPagamenti>
    <pay_i:identificativoUnivocoVersamento>01000000000000123</pay_i:identificativoUnivocoVersamento>
    <pay_i:identificativoUnivocoRiscossione>IUR1</pay_i:identificativoUnivocoRiscossione>
    <pay_i:indiceDatiSingoloPagamento>1</pay_i:indiceDatiSingoloPagamento>
    <pay_i:singoloImportoPagato>100.00</pay_i:singoloImportoPagato>
    <pay_i:codiceEsitoSingoloPagamento>0</pay_i:codiceEsitoSingoloPagamento>
    <pay_i:dataEsitoSingoloPagamento>2026-11-27</pay_i:dataEsitoSingoloPagamento>
  </pay_i:datiSingoliPagamenti>
  <pay_i:datiSingoliPagamenti>
    <pay_i:identificativoUnivocoVersamento>01000000000000124</pay_i:identificativoUnivocoVersamento>
    <pay_i:identificativoUnivocoRiscossione><![CDATA[IUR2]]></pay_i:identificativoUnivocoRiscossione>
    <pay_i:indiceDatiSingoloPagamento>1</pay_i:indiceDatiSingoloPagamento>
    <pay_i:singoloImportoPagato>50.50</pay_i:singoloImportoPagato>
    <pay_i:codiceEsitoSingoloPagamento>9</pay_i:codiceEsitoSingoloPagamento>
    <pay_i:dataEsitoSingoloPagamento>2026-11-27</pay_i:dataEsitoSingoloPagamento>
  </pay_i:datiSingoliPagamenti>
</pay_i:FlussoRiversamento>"#;

    #[test]
    fn reads_a_prefixed_flow() {
        let raw = parse(SAMPLE.as_bytes()).unwrap();
        assert_eq!(raw.flow_id, "2026-11-30BCITITMM-S0001");
        assert_eq!(raw.sender_id, "BCITITMM");
        assert_eq!(raw.sender_name.as_deref(), Some("Banca & Co."));
        assert_eq!(raw.receiver_id, "15376371009");
        assert_eq!(raw.payments.len(), 2);
        assert_eq!(raw.payments[1].iur, "IUR2");
        assert_eq!(raw.payments[1].result, "9");
        let flow = domain::pagopa::fdr::Flow::from_raw(&raw).unwrap();
        assert_eq!(flow.total.cents(), 15_050);
    }

    #[test]
    fn refuses_what_is_not_a_flow() {
        for bad in [
            "",
            "not xml",
            "<FlussoRiversamento><identificativoFlusso>x</FlussoRiversamento>",
            "<Altro/>",
            "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"b\">]><FlussoRiversamento/>",
            "<FlussoRiversamento><identificativoFlusso>&xxe;</identificativoFlusso></FlussoRiversamento>",
            "<FlussoRiversamento>",
        ] {
            let err = parse(bad.as_bytes()).unwrap_err();
            assert_eq!(err.field_errors()[0].field, "file", "{bad}");
        }
    }
}
