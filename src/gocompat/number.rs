//! Go's number text: `strconv.Atoi`, `strconv.ParseInt` and `ParseUint` with base prefixes,
//! `strconv.ParseFloat`, and floats formatted as `strconv.FormatFloat(x, 'g', -1, bits)` and
//! `encoding/json` write them, so numbers read and written on Karmada's behalf are spelled as Go spells
//! them.
//!
//! Not here: YAML's own number forms (underscores, `.inf`, base 60: `yaml_v2`), JSON text as a whole
//! (`json`), and what fanout does not need (explicit bases, hexadecimal floats, 32-bit parsing).

use std::fmt::Write as _;

/// Go's `strconv.Atoi`: optional sign, decimal digits, 64-bit range.
pub(crate) fn go_atoi(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.strip_prefix('+').unwrap_or(s).parse().ok()
}

/// Go's `strconv.ParseInt(s, 0, 64)` (underscores already removed).
pub(super) fn go_parse_int(s: &str) -> Option<i64> {
    let (negative, digits) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let magnitude = go_parse_uint(digits)?;
    if negative {
        0i64.checked_sub_unsigned(magnitude)
    } else {
        i64::try_from(magnitude).ok()
    }
}

/// Go's `strconv.ParseUint(s, 0, 64)`: `0x`, `0o`, `0b` and a leading `0` (octal) prefixes.
pub(super) fn go_parse_uint(s: &str) -> Option<u64> {
    let lower = s.get(..2).map(str::to_ascii_lowercase);
    let (radix, digits) = match lower.as_deref() {
        Some("0x") => (16, &s[2..]),
        Some("0o") => (8, &s[2..]),
        Some("0b") => (2, &s[2..]),
        _ if s.len() > 1 && s.starts_with('0') => (8, &s[1..]),
        _ => (10, s),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    u64::from_str_radix(digits, radix).ok()
}

/// Go's `strconv.ParseFloat(s, 64)` for decimal text: out-of-range values are errors.
pub(super) fn go_parse_float(s: &str) -> Option<f64> {
    let ok = s
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'));
    let f: f64 = if ok { s.parse().ok()? } else { return None };
    f.is_finite().then_some(f)
}

/// Go's `strconv.FormatFloat(x, 'g', -1, bits)`, given Rust's shortest `{:e}` text of `x` at that width.
pub(super) fn go_format_g(sci: &str) -> String {
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let Ok(exp) = exp.parse::<i64>() else {
        return sci.to_owned();
    };
    if digits.is_empty() {
        return sci.to_owned();
    }
    let mut out = String::new();
    if mantissa.starts_with('-') {
        out.push('-');
    }
    if !(-4..6).contains(&exp) {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let _ = write!(out, "e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs());
    } else if exp < 0 {
        out.push_str("0.");
        for _ in 0..(-exp - 1) {
            out.push('0');
        }
        out.push_str(&digits);
    } else {
        let point = usize::try_from(exp).unwrap_or(0) + 1;
        if digits.len() <= point {
            out.push_str(&digits);
            for _ in digits.len()..point {
                out.push('0');
            }
        } else {
            out.push_str(&digits[..point]);
            out.push('.');
            out.push_str(&digits[point..]);
        }
    }
    out
}

/// A float64 as Go's JSON encoder writes it: `%f` between 1e-6 and 1e21, else `%e` with `e-7`, `e+21`.
pub(super) fn go_json_float(f: f64, out: &mut String) {
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let sci = format!("{f:e}");
        let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        let _ = if exp < 0 {
            write!(out, "{mantissa}e-{}", -exp)
        } else {
            write!(out, "{mantissa}e+{exp:02}")
        };
    } else {
        let _ = write!(out, "{f}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_number_formats() {
        let g = |x: f64| go_format_g(&format!("{x:e}"));
        assert_eq!(g(1.0), "1");
        assert_eq!(g(1.5), "1.5");
        assert_eq!(g(123456.0), "123456");
        assert_eq!(g(1234567.5), "1.2345675e+06");
        assert_eq!(g(1e6), "1e+06");
        assert_eq!(g(0.0001), "0.0001");
        assert_eq!(g(0.00001), "1e-05");
        assert_eq!(g(-0.0), "-0");
        assert_eq!(g(1e100), "1e+100");
        let mut out = String::new();
        go_json_float(1e20, &mut out);
        assert_eq!(out, "100000000000000000000");
    }
}
