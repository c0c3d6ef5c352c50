//! `Authentication-Results` (RFC 8601): what the mailbox's provider found when the mail
//! arrived (SPF, DKIM, DMARC), and whether that authenticates the sender's domain.
//!
//! Anyone can write such a header into a mail, with any authserv-id, so only the provider's
//! own counts: it prepends its header on arrival above everything the sender wrote (§5), so
//! the topmost header is the provider's verdict if it carries the authserv-id configured on
//! the mailbox. Every header below may be the sender's, even with the provider's id (a
//! provider is supposed to remove those, not all do): none of them can make a sender
//! verified, though a failure the provider recorded in its own headers right below still
//! counts against.

/// One `method=result` of a header, with its properties (`header.from`, `header.d`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodResult {
    /// Lowercase, without version: `dkim`, `spf`, `dmarc`, …
    pub method: String,
    /// Lowercase: `pass`, `fail`, `none`, …
    pub result: String,
    /// `(ptype.property lowercase, value)`.
    pub props: Vec<(String, String)>,
}

impl MethodResult {
    fn prop(&self, name: &str) -> Option<&str> {
        self.props
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A parsed `Authentication-Results` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthResults {
    pub authserv_id: String,
    pub results: Vec<MethodResult>,
}

/// Removes RFC 5322 comments (nested parentheses), keeping quoted strings intact.
fn strip_comments(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let (mut depth, mut quoted, mut escaped) = (0usize, false, false);
    for c in s.chars() {
        if escaped {
            escaped = false;
            if depth == 0 {
                out.push(c);
            }
            continue;
        }
        match c {
            '\\' if quoted || depth > 0 => {
                escaped = true;
                if depth == 0 {
                    out.push(c);
                }
            }
            '"' if depth == 0 => {
                quoted = !quoted;
                out.push(c);
            }
            '(' if !quoted => depth += 1,
            ')' if !quoted && depth > 0 => {
                depth -= 1;
                out.push(' ');
            }
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Splits on `;` outside quoted strings.
fn split_semicolons(s: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let (mut quoted, mut escaped) = (false, false);
    for c in s.chars() {
        let last = parts.last_mut().expect("never empty");
        if escaped {
            escaped = false;
            last.push(c);
            continue;
        }
        match c {
            '\\' if quoted => {
                escaped = true;
                last.push(c);
            }
            '"' => {
                quoted = !quoted;
                last.push(c);
            }
            ';' if !quoted => parts.push(String::new()),
            _ => last.push(c),
        }
    }
    parts
}

fn is_keyword_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
}

/// Reads `method[/version] = result *(key = value)` from one `;`-separated part.
fn resinfo(part: &str) -> Option<MethodResult> {
    let mut rest = part.trim_start();
    let keyword = |rest: &mut &str| -> Option<String> {
        let end = rest
            .find(|c: char| !is_keyword_char(c))
            .unwrap_or(rest.len());
        if end == 0 {
            return None;
        }
        let k = rest[..end].to_ascii_lowercase();
        *rest = rest[end..].trim_start();
        Some(k)
    };
    let equals = |rest: &mut &str| -> Option<()> {
        *rest = rest.strip_prefix('=')?.trim_start();
        Some(())
    };
    let method = keyword(&mut rest)?;
    if let Some(r) = rest.strip_prefix('/') {
        rest = r.trim_start();
        keyword(&mut rest)?;
    }
    equals(&mut rest)?;
    let result = keyword(&mut rest)?;
    let mut props = Vec::new();
    while !rest.is_empty() {
        let key = keyword(&mut rest)?;
        equals(&mut rest)?;
        let value = if let Some(q) = rest.strip_prefix('"') {
            let mut v = String::new();
            let mut chars = q.char_indices();
            let mut end = None;
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, n)) = chars.next() {
                            v.push(n);
                        }
                    }
                    '"' => {
                        end = Some(i + 1);
                        break;
                    }
                    _ => v.push(c),
                }
            }
            rest = q[end?..].trim_start();
            v
        } else {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            let v = rest[..end].to_owned();
            rest = rest[end..].trim_start();
            v
        };
        if key.contains('.') {
            props.push((key, value));
        }
    }
    Some(MethodResult {
        method,
        result,
        props,
    })
}

/// Parses one header value; `None` when it does not follow the grammar.
pub fn parse(value: &str) -> Option<AuthResults> {
    let clean = strip_comments(value);
    let mut parts = split_semicolons(&clean).into_iter();
    let head = parts.next()?;
    let mut words = head.split_whitespace();
    let id = words.next()?;
    let authserv_id = match id.strip_prefix('"') {
        Some(q) => q.strip_suffix('"')?.to_owned(),
        None => id.to_owned(),
    };
    // An optional version, nothing else.
    if words.any(|w| !w.chars().all(|c| c.is_ascii_digit())) || authserv_id.is_empty() {
        return None;
    }
    let mut results = Vec::new();
    for p in parts {
        if p.trim().eq_ignore_ascii_case("none") {
            continue;
        }
        results.push(resinfo(&p)?);
    }
    Some(AuthResults {
        authserv_id,
        results,
    })
}

/// The provider's results among a mail's `Authentication-Results` values (top to bottom):
/// the leading ones with `authserv_id`, the topmost first. Only the first can vouch for a
/// sender (see [`authenticates`]).
pub fn trusted<'a>(
    values: impl IntoIterator<Item = &'a str>,
    authserv_id: &str,
) -> Vec<AuthResults> {
    values
        .into_iter()
        .map(parse)
        .take_while(|r| {
            r.as_ref()
                .is_some_and(|r| r.authserv_id.eq_ignore_ascii_case(authserv_id))
        })
        .flatten()
        .collect()
}

/// The domain of `local@domain` (or of a bare domain), lowercase.
fn domain_of(v: &str) -> String {
    v.rsplit_once('@')
        .map_or(v, |(_, d)| d)
        .trim()
        .trim_end_matches('.')
        .to_ascii_lowercase()
}

/// DMARC's relaxed alignment, without the public-suffix list: one domain is the other or
/// one of its subdomains, and the shorter has at least two labels.
fn aligned(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    !short.is_empty()
        && short.contains('.')
        && (long == short || long.ends_with(&format!(".{short}")))
}

/// Whether the provider's results ([`trusted`]) authenticate mail from `from_domain`: in the
/// topmost header DMARC passed for it, or, without a DMARC result there, a DKIM signature of
/// an aligned domain passed; and no DMARC result of the leading headers failed for it. `Err`
/// says why not, in Italian for the desk.
pub fn authenticates(results: &[AuthResults], from_domain: &str) -> Result<(), String> {
    let from_domain = from_domain.to_ascii_lowercase();
    let Some(top) = results.first() else {
        return Err(
            "nessun Authentication-Results del gestore della casella in cima al messaggio".into(),
        );
    };
    let dmarc_of = |r: &AuthResults| -> Vec<MethodResult> {
        r.results
            .iter()
            .filter(|m| m.method == "dmarc")
            .filter(|m| {
                m.prop("header.from")
                    .is_none_or(|d| domain_of(d) == from_domain)
            })
            .cloned()
            .collect()
    };
    if let Some(bad) = results
        .iter()
        .flat_map(dmarc_of)
        .find(|m| m.result != "pass")
    {
        return Err(format!("DMARC {} per {from_domain}", bad.result));
    }
    let all = || top.results.iter();
    let dmarc: Vec<&MethodResult> = all()
        .filter(|m| m.method == "dmarc")
        .filter(|m| {
            m.prop("header.from")
                .is_none_or(|d| domain_of(d) == from_domain)
        })
        .collect();
    if let Some(bad) = dmarc.iter().find(|m| m.result != "pass") {
        return Err(format!("DMARC {} per {from_domain}", bad.result));
    }
    if !dmarc.is_empty() {
        return Ok(());
    }
    let dkim_ok = all().any(|m| {
        m.method == "dkim"
            && m.result == "pass"
            && m.prop("header.d")
                .or_else(|| m.prop("header.i"))
                .is_some_and(|d| aligned(&domain_of(d), &from_domain))
    });
    if dkim_ok {
        Ok(())
    } else {
        Err(format!(
            "né DMARC né una firma DKIM allineata superati per {from_domain}"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_rfc_examples_and_comments() {
        let r = parse(
            "example.com; spf=pass smtp.mailfrom=example.net (sender is \"x\"; ok)\r\n \
             header.from=example.com; dkim=pass (good signature) header.d=example.com \
             header.b=Ab/c+d=; dmarc=pass header.from=example.com",
        )
        .unwrap();
        assert_eq!(r.authserv_id, "example.com");
        assert_eq!(r.results.len(), 3);
        assert_eq!(r.results[0].method, "spf");
        assert_eq!(r.results[1].prop("header.b"), Some("Ab/c+d="));
        assert_eq!(r.results[2].prop("header.from"), Some("example.com"));
        let none = parse("mx.example.org 1; none").unwrap();
        assert!(none.results.is_empty());
        assert!(parse("").is_none());
        assert!(parse("mx.example.org; dkim").is_none());
        assert!(parse("mx.example.org junk; dkim=pass").is_none());
        let q = parse("\"mx.example.org\"; dkim/1=pass header.i=\"@example.it\"").unwrap();
        assert_eq!(q.authserv_id, "mx.example.org");
        assert_eq!(q.results[0].prop("header.i"), Some("@example.it"));
    }

    #[test]
    fn only_the_providers_topmost_headers_count() {
        let mine = "mx.comune.it; dmarc=fail header.from=example.it";
        let forged = "mx.comune.it; dmarc=pass header.from=example.it";
        let other = "evil.example; dmarc=pass header.from=example.it";
        let t = trusted([mine, forged], "mx.comune.it");
        assert!(authenticates(&t, "example.it").is_err());
        // A copy with the provider's id right below its header vouches for nothing.
        let silent = "mx.comune.it; spf=fail smtp.mailfrom=example.it";
        let forged_dkim = "mx.comune.it; dkim=pass header.d=example.it";
        let t = trusted([silent, forged_dkim], "mx.comune.it");
        assert_eq!(t.len(), 2);
        assert!(authenticates(&t, "example.it").is_err());
        assert!(authenticates(&t[1..], "example.it").is_ok());
        // Another id on top ends the provider's block: nothing below counts.
        assert!(trusted([other, forged], "mx.comune.it").is_empty());
        assert!(trusted(["garbage ; ;", forged], "mx.comune.it").is_empty());
        // Two headers of the provider, one after the other.
        let t = trusted(
            [
                "MX.Comune.it; spf=pass smtp.mailfrom=example.it",
                "mx.comune.it; dkim=pass header.d=example.it",
                forged,
            ],
            "mx.comune.it",
        );
        assert_eq!(t.len(), 3);
    }

    #[test]
    fn dmarc_pass_or_aligned_dkim() {
        let t = |v: &str| trusted([v], "mx");
        assert!(authenticates(&t("mx; dmarc=pass header.from=Example.IT"), "example.it").is_ok());
        assert!(authenticates(&t("mx; dmarc=pass header.from=other.it"), "example.it").is_err());
        assert!(
            authenticates(
                &t("mx; dmarc=fail header.from=example.it; dkim=pass header.d=example.it"),
                "example.it"
            )
            .is_err()
        );
        assert!(authenticates(&t("mx; dkim=pass header.d=example.it"), "example.it").is_ok());
        assert!(authenticates(&t("mx; dkim=pass header.d=mail.example.it"), "example.it").is_ok());
        assert!(authenticates(&t("mx; dkim=pass header.d=example.org"), "example.it").is_err());
        assert!(authenticates(&t("mx; dkim=pass header.d=it"), "example.it").is_err());
        assert!(authenticates(&t("mx; dkim=fail header.d=example.it"), "example.it").is_err());
        assert!(authenticates(&t("mx; spf=pass smtp.mailfrom=example.it"), "example.it").is_err());
        assert!(authenticates(&[], "example.it").is_err());
    }
}
