//! YAML as `gopkg.in/yaml.v2` (behind `sigs.k8s.io/yaml`) reads and writes it, for YAML text that Karmada
//! patches inside a field. This file says which plain scalars mean something other than a string in its
//! YAML 1.1 (`yes` is a boolean, `017` octal, `1_000` a thousand; timestamps stay strings) and which it
//! quotes when writing (base-60 numbers); `read` turns text into JSON with those meanings, `write` turns
//! JSON back into text with yaml.v2's key order and quoting.
//!
//! Not here: parsing the structure (fanout's own YAML 1.2 reader, `crate::front::yaml`, does; only plain
//! scalars are resolved again), and anything about Kubernetes (which field holds YAML is the field
//! overrider's business).

mod read;
mod write;

pub(crate) use read::read_yaml11;
pub(crate) use write::write_yaml_v2;

use super::number::{go_parse_float, go_parse_int, go_parse_uint};

/// A value yaml.v2 gives a non-string meaning to, or `None` for a string.
#[derive(Debug, PartialEq)]
enum Scalar11 {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
}

/// yaml.v2's `resolve("", text)` for a plain scalar (timestamps stay strings when decoding into
/// `interface{}`, as there).
fn resolve_scalar11(text: &str) -> Option<Scalar11> {
    match text {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Some(Scalar11::Bool(true));
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Some(Scalar11::Bool(false));
        }
        "" | "~" | "null" | "Null" | "NULL" => return Some(Scalar11::Null),
        ".nan" | ".NaN" | ".NAN" => return Some(Scalar11::Float(f64::NAN)),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Some(Scalar11::Float(f64::INFINITY));
        }
        "-.inf" | "-.Inf" | "-.INF" => return Some(Scalar11::Float(f64::NEG_INFINITY)),
        _ => {}
    }
    let first = text.as_bytes()[0];
    if first == b'.' {
        return go_parse_float(text).map(Scalar11::Float);
    }
    if !(first.is_ascii_digit() || first == b'+' || first == b'-') {
        return None;
    }
    if is_timestamp(text) {
        return None;
    }
    let plain = text.replace('_', "");
    if let Some(i) = go_parse_int(&plain) {
        return Some(Scalar11::Int(i));
    }
    if let Some(u) = go_parse_uint(&plain) {
        return Some(Scalar11::UInt(u));
    }
    if is_yaml_style_float(&plain) {
        return go_parse_float(&plain).map(Scalar11::Float);
    }
    None
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_style_float(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", frac)) => digits(frac),
        Some((int, frac)) => digits(int) && (frac.is_empty() || digits(frac)),
        None => digits(mantissa),
    };
    mantissa_ok && exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e)))
}

/// yaml.v2's `parseTimestamp`: four digits and `-`, then one of its four layouts.
fn is_timestamp(s: &str) -> bool {
    fn num(s: &str, min: usize, max: usize) -> Option<(u32, &str)> {
        let n = s.bytes().take_while(u8::is_ascii_digit).count();
        if n < min || n > max {
            return None;
        }
        Some((s[..n].parse().ok()?, &s[n..]))
    }
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let parse = || -> Option<()> {
        let (year, rest) = num(s, 4, 4)?;
        let (month, rest) = num(rest.strip_prefix('-')?, 1, 2)?;
        let (day, rest) = num(rest.strip_prefix('-')?, 1, 2)?;
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        if day == 0 || day > days {
            return None;
        }
        if rest.is_empty() {
            return Some(());
        }
        let zoned = rest.starts_with(['T', 't']);
        let rest = rest.strip_prefix(['T', 't', ' '])?;
        let (hour, rest) = num(rest, 1, 2)?;
        let (minute, rest) = num(rest.strip_prefix(':')?, 1, 2)?;
        let (second, mut rest) = num(rest.strip_prefix(':')?, 1, 2)?;
        if hour > 23 || minute > 59 || second > 59 {
            return None;
        }
        if let Some(frac) = rest.strip_prefix('.') {
            let n = frac.bytes().take_while(u8::is_ascii_digit).count();
            if n == 0 {
                return None;
            }
            rest = &frac[n..];
        }
        if !zoned {
            return rest.is_empty().then_some(());
        }
        if rest == "Z" {
            return Some(());
        }
        let zone = rest.strip_prefix(['+', '-'])?;
        let (h, zone) = num(zone, 2, 2)?;
        let (m, zone) = num(zone.strip_prefix(':')?, 2, 2)?;
        (zone.is_empty() && h < 24 && m < 60).then_some(())
    };
    parse().is_some()
}

/// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`.
fn is_base60_float(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (main, frac) = match s.split_once('.') {
        Some((m, f)) => (m, Some(f)),
        None => (s, None),
    };
    if frac.is_some_and(|f| !f.bytes().all(|b| b.is_ascii_digit() || b == b'_')) {
        return false;
    }
    let mut parts = main.split(':');
    let head = parts.next().unwrap_or("");
    let head_ok = head.as_bytes().first().is_some_and(u8::is_ascii_digit)
        && head.bytes().all(|b| b.is_ascii_digit() || b == b'_');
    let mut sexagesimal = 0;
    for part in parts {
        let b = part.as_bytes();
        let ok = match b {
            [d] => d.is_ascii_digit(),
            [t, d] => (b'0'..=b'5').contains(t) && d.is_ascii_digit(),
            _ => false,
        };
        if !ok {
            return false;
        }
        sexagesimal += 1;
    }
    head_ok && sexagesimal > 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_1_1_resolution() {
        let cases: [(&str, Option<Scalar11>); 20] = [
            ("y", Some(Scalar11::Bool(true))),
            ("Off", Some(Scalar11::Bool(false))),
            ("NULL", Some(Scalar11::Null)),
            ("nope", None),
            ("0o17", Some(Scalar11::Int(15))),
            ("-0b11", Some(Scalar11::Int(-3))),
            ("+12", Some(Scalar11::Int(12))),
            ("18446744073709551615", Some(Scalar11::UInt(u64::MAX))),
            ("1e3", Some(Scalar11::Float(1000.0))),
            ("1.", Some(Scalar11::Float(1.0))),
            (".5", Some(Scalar11::Float(0.5))),
            ("1e400", None),
            ("2001-12-14", None),
            ("2001-12-14t21:59:43.10-05:00", None),
            ("1:20", None),
            ("12-1", None),
            ("1.2.3", None),
            ("-", None),
            ("0x", None),
            ("~", Some(Scalar11::Null)),
        ];
        for (text, want) in cases {
            assert_eq!(resolve_scalar11(text), want, "{text}");
        }
        assert!(is_timestamp("2001-12-14"));
        assert!(is_timestamp("2001-2-3 4:05:06.5"));
        assert!(is_timestamp("2001-12-14T21:59:43Z"));
        assert!(!is_timestamp("2001-02-30"));
        assert!(!is_timestamp("2001-12-14T21:59:43"));
        assert!(is_base60_float("1:20"));
        assert!(is_base60_float("-190:20:30.15"));
        assert!(!is_base60_float("1:60"));
        assert!(!is_base60_float("12"));
    }
}
