//! Numbers as Italians write them: `1.234` (a dot between thousands), `12,5` (a decimal
//! comma), `100,0 %` (a non-breaking space before the sign). The web app, the register and
//! the amounts (`Money`) print through these, so a figure reads the same everywhere.
//!
//! Integer arithmetic only: float formatting is large in WebAssembly.

/// The non-breaking space before `%` and `€`, so a figure never wraps from its sign.
pub const NBSP: char = '\u{a0}';

/// An integer with a dot between thousands: `1234567` → `1.234.567`.
pub fn integer(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// A count, as [`integer`].
pub fn count(n: u64) -> String {
    integer(i64::try_from(n).unwrap_or(i64::MAX))
}

/// One decimal, rounded half away from zero: `2.25` → `2,3`, `1234.5` → `1.234,5`.
pub fn tenths(x: f64) -> String {
    let t = (x * 10.0).round();
    // Beyond i64 nothing the product prints is meaningful; clamp rather than wrap.
    let t = t.clamp(i64::MIN as f64, i64::MAX as f64) as i64;
    let sign = if t < 0 { "-" } else { "" };
    let abs = t.unsigned_abs();
    format!("{sign}{},{}", count(abs / 10), abs % 10)
}

/// A percentage with one decimal: `100.0` → `100,0 %`.
pub fn percent(x: f64) -> String {
    format!("{}{NBSP}%", tenths(x))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_group_thousands_with_dots() {
        for (n, text) in [
            (0, "0"),
            (7, "7"),
            (999, "999"),
            (1_000, "1.000"),
            (1_234, "1.234"),
            (1_234_567, "1.234.567"),
            (-1_234, "-1.234"),
            (i64::MIN, "-9.223.372.036.854.775.808"),
        ] {
            assert_eq!(integer(n), text);
        }
        assert_eq!(count(1_000_000), "1.000.000");
    }

    #[test]
    fn tenths_use_a_decimal_comma() {
        for (x, text) in [
            (0.0, "0,0"),
            (2.25, "2,3"),
            (12.04, "12,0"),
            (1_234.5, "1.234,5"),
            (-3.26, "-3,3"),
            (99.95, "100,0"),
        ] {
            assert_eq!(tenths(x), text, "{x}");
        }
    }

    #[test]
    fn percent_keeps_its_sign_on_the_line() {
        assert_eq!(percent(100.0), "100,0\u{a0}%");
        assert_eq!(percent(87.54), "87,5\u{a0}%");
    }
}
