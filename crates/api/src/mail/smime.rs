//! The S/MIME signature of a PEC envelope (`multipart/signed` with `smime.p7s`, RFC 8551):
//! verified against the certificates configured on the mailbox, so that receipts and
//! certified messages are believed only when the provider really signed them.
//!
//! A signer is trusted when its certificate is one of those configured, or is issued and
//! signed by one of them, and is valid when the mail arrived. The signature algorithms are
//! RSA PKCS#1 v1.5 and ECDSA (P-256, P-384) with SHA-256/384/512, verified with ring.

use chrono::{DateTime, Utc};
use cms::cert::CertificateChoices;
use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerIdentifier, SignerInfo};
use mail_parser::{MessageParser, MimeHeaders};
use ring::signature::{self, UnparsedPublicKey, VerificationAlgorithm};
use x509_cert::Certificate;
use x509_cert::der::asn1::{ObjectIdentifier, OctetString};
use x509_cert::der::{Decode, Encode};
use x509_cert::ext::pkix::SubjectKeyIdentifier;

const SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
const SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
const SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");
const RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const RSA_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const RSA_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.12");
const RSA_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.13");
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const ECDSA_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const ECDSA_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.3");
const P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const SKI: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.14");

/// The certificates of a PEM text (one or more `CERTIFICATE` blocks).
pub fn certificates(pem: &str) -> Result<Vec<Certificate>, String> {
    let certs = Certificate::load_pem_chain(pem.trim().as_bytes())
        .map_err(|e| format!("certificato PEM non valido: {e}"))?;
    if certs.is_empty() {
        return Err("nessun certificato".into());
    }
    Ok(certs)
}

/// Rewrites BER (indefinite lengths, segmented strings: what S/MIME signers often emit) as
/// DER, which the CMS decoder requires. `None` for malformed input.
fn ber_to_der(input: &[u8]) -> Option<Vec<u8>> {
    fn element(input: &[u8], depth: usize) -> Option<(Vec<u8>, usize)> {
        if depth > 64 {
            return None;
        }
        let mut pos = 0;
        let first = *input.first()?;
        pos += 1;
        if first & 0x1f == 0x1f {
            // High tag number: continuation bytes.
            while input.get(pos)? & 0x80 != 0 {
                pos += 1;
            }
            pos += 1;
        }
        let tag = input.get(..pos)?.to_vec();
        let constructed = first & 0x20 != 0;
        let len_byte = *input.get(pos)?;
        pos += 1;
        let (content, consumed) = if len_byte == 0x80 {
            // Indefinite: children up to the end-of-contents octets.
            if !constructed {
                return None;
            }
            let mut children = Vec::new();
            loop {
                let rest = input.get(pos..)?;
                if rest.starts_with(&[0, 0]) {
                    pos += 2;
                    break;
                }
                let (child, n) = element(rest, depth + 1)?;
                children.push(child);
                pos += n;
            }
            (children, pos)
        } else {
            let len = if len_byte & 0x80 == 0 {
                usize::from(len_byte)
            } else {
                let n = usize::from(len_byte & 0x7f);
                if n > 4 {
                    return None;
                }
                let mut len = 0usize;
                for _ in 0..n {
                    len = (len << 8) | usize::from(*input.get(pos)?);
                    pos += 1;
                }
                len
            };
            let body = input.get(pos..pos.checked_add(len)?)?;
            let children = if constructed {
                let mut out = Vec::new();
                let mut at = 0;
                while at < body.len() {
                    let (child, n) = element(&body[at..], depth + 1)?;
                    out.push(child);
                    at += n;
                }
                out
            } else {
                vec![body.to_vec()]
            };
            (children, pos + len)
        };
        let mut tag = tag;
        let body: Vec<u8> = if constructed && tag == [0x24] {
            // A segmented OCTET STRING becomes one primitive string of its segments.
            tag = vec![0x04];
            content
                .iter()
                .map(|c| strip_header(c).map(<[u8]>::to_vec))
                .collect::<Option<Vec<_>>>()?
                .concat()
        } else {
            content.concat()
        };
        let mut out = tag;
        push_len(&mut out, body.len());
        out.extend_from_slice(&body);
        Some((out, consumed))
    }
    fn strip_header(der: &[u8]) -> Option<&[u8]> {
        let len_byte = *der.get(1)?;
        let skip = if len_byte & 0x80 == 0 {
            2
        } else {
            2 + usize::from(len_byte & 0x7f)
        };
        der.get(skip..)
    }
    fn push_len(out: &mut Vec<u8>, len: usize) {
        if len < 0x80 {
            out.push(len as u8);
        } else {
            let bytes = len.to_be_bytes();
            let skip = bytes.iter().take_while(|b| **b == 0).count();
            out.push(0x80 | (bytes.len() - skip) as u8);
            out.extend_from_slice(&bytes[skip..]);
        }
    }
    let (der, n) = element(input, 0)?;
    (n == input.len() || input[n..].iter().all(|b| *b == 0)).then_some(der)
}

fn digest(alg: &ObjectIdentifier, data: &[u8]) -> Option<Vec<u8>> {
    let a = match *alg {
        SHA256 => &ring::digest::SHA256,
        SHA384 => &ring::digest::SHA384,
        SHA512 => &ring::digest::SHA512,
        _ => return None,
    };
    Some(ring::digest::digest(a, data).as_ref().to_vec())
}

/// The ring algorithm for a signature made with `key`'s algorithm, `sig_alg` and `digest`.
fn algorithm(
    key: &Certificate,
    sig_alg: &ObjectIdentifier,
    digest_alg: Option<&ObjectIdentifier>,
) -> Option<&'static dyn VerificationAlgorithm> {
    let spki = &key.tbs_certificate.subject_public_key_info;
    let hash = match (*sig_alg, digest_alg) {
        (RSA_SHA256 | ECDSA_SHA256, _) | (RSA | EC_PUBLIC_KEY, Some(&SHA256)) => SHA256,
        (RSA_SHA384 | ECDSA_SHA384, _) | (RSA | EC_PUBLIC_KEY, Some(&SHA384)) => SHA384,
        (RSA_SHA512, _) | (RSA, Some(&SHA512)) => SHA512,
        _ => return None,
    };
    if spki.algorithm.oid == RSA {
        return Some(match hash {
            SHA256 => &signature::RSA_PKCS1_2048_8192_SHA256,
            SHA384 => &signature::RSA_PKCS1_2048_8192_SHA384,
            _ => &signature::RSA_PKCS1_2048_8192_SHA512,
        });
    }
    if spki.algorithm.oid == EC_PUBLIC_KEY {
        let curve: ObjectIdentifier = spki.algorithm.parameters.as_ref()?.decode_as().ok()?;
        return match (curve, hash) {
            (P256, SHA256) => Some(&signature::ECDSA_P256_SHA256_ASN1),
            (P256, SHA384) => Some(&signature::ECDSA_P256_SHA384_ASN1),
            (P384, SHA256) => Some(&signature::ECDSA_P384_SHA256_ASN1),
            (P384, SHA384) => Some(&signature::ECDSA_P384_SHA384_ASN1),
            _ => None,
        };
    }
    None
}

fn verify_with(
    key: &Certificate,
    sig_alg: &ObjectIdentifier,
    digest_alg: Option<&ObjectIdentifier>,
    message: &[u8],
    sig: &[u8],
) -> bool {
    let Some(alg) = algorithm(key, sig_alg, digest_alg) else {
        return false;
    };
    let Some(raw_key) = key
        .tbs_certificate
        .subject_public_key_info
        .subject_public_key
        .as_bytes()
    else {
        return false;
    };
    UnparsedPublicKey::new(alg, raw_key)
        .verify(message, sig)
        .is_ok()
}

fn subject_key_id(cert: &Certificate) -> Option<Vec<u8>> {
    let ext = cert
        .tbs_certificate
        .extensions
        .as_ref()?
        .iter()
        .find(|e| e.extn_id == SKI)?;
    let ski = SubjectKeyIdentifier::from_der(ext.extn_value.as_bytes()).ok()?;
    Some(ski.0.as_bytes().to_vec())
}

fn identifies(sid: &SignerIdentifier, cert: &Certificate) -> bool {
    match sid {
        SignerIdentifier::IssuerAndSerialNumber(i) => {
            i.issuer == cert.tbs_certificate.issuer
                && i.serial_number == cert.tbs_certificate.serial_number
        }
        SignerIdentifier::SubjectKeyIdentifier(s) => {
            subject_key_id(cert).is_some_and(|k| k == s.0.as_bytes())
        }
    }
}

fn valid_at(cert: &Certificate, at: DateTime<Utc>) -> bool {
    let v = &cert.tbs_certificate.validity;
    let secs = |t: x509_cert::time::Time| i64::try_from(t.to_unix_duration().as_secs()).ok();
    let now = at.timestamp();
    secs(v.not_before).is_some_and(|s| s <= now) && secs(v.not_after).is_some_and(|s| now <= s)
}

/// Whether `cert` is one of `anchors` or issued and signed by one of them.
fn trusted(cert: &Certificate, anchors: &[Certificate]) -> bool {
    anchors.iter().any(|a| {
        if a == cert {
            return true;
        }
        if a.tbs_certificate.subject != cert.tbs_certificate.issuer {
            return false;
        }
        let Ok(tbs) = cert.tbs_certificate.to_der() else {
            return false;
        };
        let Some(sig) = cert.signature.as_bytes() else {
            return false;
        };
        verify_with(a, &cert.signature_algorithm.oid, None, &tbs, sig)
    })
}

fn verify_signer(
    si: &SignerInfo,
    certs: &[Certificate],
    anchors: &[Certificate],
    content: &[u8],
    at: DateTime<Utc>,
) -> Result<(), String> {
    let cert = certs
        .iter()
        .chain(anchors)
        .find(|c| identifies(&si.sid, c))
        .ok_or("il certificato del firmatario manca")?;
    if !trusted(cert, anchors) {
        return Err("firmato da un certificato non configurato sulla casella".into());
    }
    if !valid_at(cert, at) {
        return Err("il certificato del firmatario non era valido all'arrivo".into());
    }
    let digest_alg = &si.digest_alg.oid;
    let content_digest = digest(digest_alg, content).ok_or("algoritmo di hash non supportato")?;
    let message = match &si.signed_attrs {
        Some(attrs) => {
            let md = attrs
                .iter()
                .find(|a| a.oid == MESSAGE_DIGEST)
                .and_then(|a| a.values.get(0))
                .and_then(|v| v.decode_as::<OctetString>().ok())
                .ok_or("attributo message-digest assente")?;
            if md.as_bytes() != content_digest.as_slice() {
                return Err("il contenuto non corrisponde alla firma".into());
            }
            attrs.to_der().map_err(|e| e.to_string())?
        }
        None => content.to_vec(),
    };
    if verify_with(
        cert,
        &si.signature_algorithm.oid,
        Some(digest_alg),
        &message,
        si.signature.as_bytes(),
    ) {
        Ok(())
    } else {
        Err("firma non valida".into())
    }
}

/// Verifies a detached CMS signature (`p7s`, DER or BER) over `content`.
pub fn verify_detached(
    p7s: &[u8],
    content: &[u8],
    anchors: &[Certificate],
    at: DateTime<Utc>,
) -> Result<(), String> {
    let der = ber_to_der(p7s).ok_or("firma S/MIME illeggibile")?;
    let info = ContentInfo::from_der(&der).map_err(|_| "firma S/MIME illeggibile")?;
    if info.content_type != SIGNED_DATA {
        return Err("la firma S/MIME non è di tipo signedData".into());
    }
    let sd: SignedData = info
        .content
        .decode_as()
        .map_err(|_| "firma S/MIME illeggibile")?;
    let certs: Vec<Certificate> = sd
        .certificates
        .iter()
        .flat_map(|set| set.0.iter())
        .filter_map(|c| match c {
            CertificateChoices::Certificate(c) => Some(c.clone()),
            CertificateChoices::Other(_) => None,
        })
        .collect();
    let mut why = String::from("nessun firmatario");
    for si in sd.signer_infos.0.iter() {
        match verify_signer(si, &certs, anchors, content, at) {
            Ok(()) => return Ok(()),
            Err(e) => why = e,
        }
    }
    Err(why)
}

/// The part bytes of a multipart body (without the line break before each delimiter).
fn multipart_parts<'a>(body: &'a [u8], boundary: &str) -> Vec<&'a [u8]> {
    let delimiter = format!("--{boundary}");
    let d = delimiter.as_bytes();
    // Delimiter lines: at the start, or after a line break.
    let mut starts = Vec::new();
    let mut i = 0;
    while i + d.len() <= body.len() {
        if &body[i..i + d.len()] == d && (i == 0 || body[i - 1] == b'\n') {
            starts.push(i);
            i += d.len();
        } else {
            i += 1;
        }
    }
    let mut parts = Vec::new();
    for w in starts.windows(2) {
        let after = w[0] + d.len();
        // The rest of the delimiter line (transport padding), then the part.
        let Some(eol) = body[after..].iter().position(|b| *b == b'\n') else {
            break;
        };
        let begin = after + eol + 1;
        let mut end = w[1];
        if end > begin && body[end - 1] == b'\n' {
            end -= 1;
            if end > begin && body[end - 1] == b'\r' {
                end -= 1;
            }
        }
        if begin <= end {
            parts.push(&body[begin..end]);
        }
    }
    parts
}

/// Line breaks as CRLF (the canonical form S/MIME signs).
fn crlf(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 40);
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'\n' && (i == 0 || bytes[i - 1] != b'\r') {
            out.push(b'\r');
        }
        out.push(*b);
    }
    out
}

/// Verifies a `multipart/signed` mail against `anchors` and returns the signed MIME entity
/// (the envelope's content, whose `daticert.xml` can then be believed).
pub fn verify_mail(
    raw: &[u8],
    anchors: &[Certificate],
    at: DateTime<Utc>,
) -> Result<Vec<u8>, String> {
    let msg = MessageParser::default()
        .parse(raw)
        .ok_or("messaggio illeggibile")?;
    let ct = msg.content_type().ok_or("busta non firmata")?;
    let signed = ct.ctype().eq_ignore_ascii_case("multipart")
        && ct
            .subtype()
            .is_some_and(|s| s.eq_ignore_ascii_case("signed"));
    if !signed {
        return Err("busta non firmata".into());
    }
    let boundary = ct.attribute("boundary").ok_or("busta non firmata")?;
    let offset = usize::try_from(msg.root_part().raw_body_offset()).unwrap_or(usize::MAX);
    let body = raw.get(offset..).ok_or("messaggio illeggibile")?;
    let parts = multipart_parts(body, boundary);
    let [content, signature_part, ..] = parts.as_slice() else {
        return Err("busta firmata incompleta".into());
    };
    let sig = MessageParser::default()
        .parse(*signature_part)
        .map(|p| p.root_part().contents().to_vec())
        .filter(|b| !b.is_empty())
        .ok_or("firma S/MIME assente")?;
    let canonical = crlf(content);
    verify_detached(&sig, &canonical, anchors, at)?;
    Ok(canonical)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ber_becomes_der() {
        // SEQUENCE (indefinite) { OCTET STRING (constructed, indefinite) { "ab", "c" } }
        let ber = [
            0x30, 0x80, 0x24, 0x80, 0x04, 0x02, b'a', b'b', 0x04, 0x01, b'c', 0, 0, 0, 0,
        ];
        assert_eq!(
            ber_to_der(&ber).unwrap(),
            vec![0x30, 0x05, 0x04, 0x03, b'a', b'b', b'c']
        );
        assert!(ber_to_der(&[0x30, 0x80, 0x04]).is_none());
        assert!(ber_to_der(&[0x30, 0x05, 0x04]).is_none());
    }

    #[test]
    fn parts_of_a_multipart_body() {
        let body = b"preamble\r\n--b\r\nA: 1\r\n\r\nuno\r\n--b\r\n\r\ndue\r\n--b--\r\n";
        let parts = multipart_parts(body, "b");
        assert_eq!(parts, vec![&b"A: 1\r\n\r\nuno"[..], &b"\r\ndue"[..]]);
    }

    const CA: &str = include_str!("../../tests/fixtures/pec/ca.pem");
    const SIGNER: &str = include_str!("../../tests/fixtures/pec/signer.pem");
    const RECEIPT: &[u8] = include_bytes!("../../tests/fixtures/pec/receipt.eml");
    const ROGUE: &[u8] = include_bytes!("../../tests/fixtures/pec/receipt-rogue.eml");

    #[test]
    fn signed_envelopes_of_the_configured_provider_only() {
        let ca = certificates(CA).unwrap();
        let now = Utc::now();
        let content = verify_mail(RECEIPT, &ca, now).expect("signed by a certificate of the CA");
        assert!(String::from_utf8_lossy(&content).contains("avvenuta-consegna"));
        // The signing certificate itself may be configured instead of its CA.
        assert!(verify_mail(RECEIPT, &certificates(SIGNER).unwrap(), now).is_ok());
        // Another CA (with the same name), a changed content, a time outside validity.
        let rogue = verify_mail(ROGUE, &ca, now).unwrap_err();
        assert!(rogue.contains("non configurato"), "{rogue}");
        let tampered = String::from_utf8_lossy(RECEIPT).replace(
            "&lt;ack.fixture@pec.comune.test&gt;",
            "&lt;altro@pec.comune.test&gt;",
        );
        let err = verify_mail(tampered.as_bytes(), &ca, now).unwrap_err();
        assert!(err.contains("non corrisponde"), "{err}");
        let long_ago = DateTime::parse_from_rfc3339("2001-01-01T00:00:00Z")
            .unwrap()
            .to_utc();
        assert!(verify_mail(RECEIPT, &ca, long_ago).is_err());
        // LF line ends (as some stores keep mail) are the same signed content.
        let lf = String::from_utf8_lossy(RECEIPT).replace("\r\n", "\n");
        assert!(verify_mail(lf.as_bytes(), &ca, now).is_ok());
    }

    #[test]
    fn unsigned_and_garbage_are_refused() {
        let plain = b"From: a@b.it\r\nSubject: x\r\n\r\nciao\r\n";
        assert!(verify_mail(plain, &[], Utc::now()).is_err());
        assert!(verify_detached(b"\x30\x03\x02\x01\x01", b"x", &[], Utc::now()).is_err());
        assert!(
            certificates("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----").is_err()
        );
        assert!(certificates("nessun certificato").is_err());
    }
}
