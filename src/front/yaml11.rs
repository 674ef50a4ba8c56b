//! What a YAML 1.1 reader makes of a plain scalar, by the YAML 1.1 type repository's regular
//! expressions (yaml.org/type: `null`, `bool`, `int`, `float`, `timestamp`), and so which plain scalars
//! fanout (YAML 1.2 core schema) reads differently from YAML 1.1 readers such as kubectl or PyYAML.
//!
//! Pure string work. It only answers "what is this to YAML 1.1"; the reader decides what to warn about.
//! Not covered: the `merge` (`<<`, handled as a key by the reader) and `value` (`=`) types.

use crate::front::yaml::Value;

/// A plain scalar as YAML 1.1 resolves it.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar11 {
    Null,
    Bool(bool),
    /// An integer (`i128` holds every value a repository writes; beyond it, `None`).
    Int(Option<i128>),
    Float(f64),
    Timestamp,
    Str,
}

/// How YAML 1.1 resolves a plain scalar.
pub fn resolve(text: &str) -> Scalar11 {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Scalar11::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Scalar11::Bool(true);
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Scalar11::Bool(false);
        }
        ".nan" | ".NaN" | ".NAN" => return Scalar11::Float(f64::NAN),
        _ => {}
    }
    let (negative, unsigned) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let sign = |v: f64| if negative { -v } else { v };
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") {
        return Scalar11::Float(sign(f64::INFINITY));
    }
    if let Some(i) = int(unsigned) {
        return Scalar11::Int(i.map(|v| if negative { -v } else { v }));
    }
    if let Some(f) = float(unsigned) {
        return Scalar11::Float(sign(f));
    }
    if is_timestamp(text) {
        return Scalar11::Timestamp;
    }
    Scalar11::Str
}

/// `0b[0-1_]+`, `0[0-7_]+`, `0|[1-9][0-9_]*`, `0x[0-9a-fA-F_]+`, `[1-9][0-9_]*(:[0-5]?[0-9])+`, without
/// the sign; `Some(None)` for an integer too large to hold.
fn int(s: &str) -> Option<Option<i128>> {
    let digits =
        |t: &str, ok: fn(char) -> bool| !t.is_empty() && t.chars().all(|c| ok(c) || c == '_');
    let value = |t: &str, radix: u32| i128::from_str_radix(&t.replace('_', ""), radix).ok();
    if let Some(bin) = s.strip_prefix("0b") {
        return digits(bin, |c| c == '0' || c == '1').then(|| value(bin, 2));
    }
    if let Some(hex) = s.strip_prefix("0x") {
        return digits(hex, |c| c.is_ascii_hexdigit()).then(|| value(hex, 16));
    }
    if s == "0" {
        return Some(Some(0));
    }
    if let Some(oct) = s.strip_prefix('0') {
        return digits(oct, |c| ('0'..='7').contains(&c)).then(|| value(oct, 8));
    }
    let first_ok = s.chars().next().is_some_and(|c| ('1'..='9').contains(&c));
    if !first_ok {
        return None;
    }
    if digits(s, |c| c.is_ascii_digit()) {
        return Some(value(s, 10));
    }
    let (head, sixties) = s.split_once(':')?;
    if !digits(head, |c| c.is_ascii_digit()) || !sixties.split(':').all(is_base60_digit) {
        return None;
    }
    let mut total = value(head, 10);
    for part in sixties.split(':') {
        total = total.and_then(|t| t.checked_mul(60)?.checked_add(part.parse::<i128>().ok()?));
    }
    Some(total)
}

/// `[0-5]?[0-9]`.
fn is_base60_digit(s: &str) -> bool {
    let b = s.as_bytes();
    match b {
        [d] => d.is_ascii_digit(),
        [t, d] => (b'0'..=b'5').contains(t) && d.is_ascii_digit(),
        _ => false,
    }
}

/// `([0-9][0-9_]*)?\.[0-9.]*([eE][-+][0-9]+)?` and `[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*`, without the
/// sign.
fn float(s: &str) -> Option<f64> {
    if let Some((whole, fraction)) = s.split_once('.')
        && whole.contains(':')
    {
        let (head, sixties) = whole.split_once(':')?;
        let head_ok = head.starts_with(|c: char| c.is_ascii_digit())
            && head.chars().all(|c| c.is_ascii_digit() || c == '_');
        let fraction_ok = fraction.chars().all(|c| c.is_ascii_digit() || c == '_');
        if !head_ok || !fraction_ok || !sixties.split(':').all(is_base60_digit) {
            return None;
        }
        let mut total: f64 = head.replace('_', "").parse().ok()?;
        for part in sixties.split(':') {
            total = total * 60.0 + part.parse::<f64>().ok()?;
        }
        let fraction: f64 = format!("0.{}", fraction.replace('_', ""))
            .parse()
            .unwrap_or(0.0);
        return Some(total + fraction);
    }
    let dot = s.find('.')?;
    let (whole, rest) = (&s[..dot], &s[dot + 1..]);
    let whole_ok = whole.is_empty()
        || (whole.starts_with(|c: char| c.is_ascii_digit())
            && whole.chars().all(|c| c.is_ascii_digit() || c == '_'));
    let (fraction, exponent) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let fraction_ok = fraction.chars().all(|c| c.is_ascii_digit() || c == '.');
    let exponent_ok = exponent.is_none_or(|e| {
        e.len() > 1 && e.starts_with(['-', '+']) && e[1..].chars().all(|c| c.is_ascii_digit())
    });
    // The expression also admits `.` and `..`, which no YAML 1.1 reader takes for a number: a digit is
    // needed.
    let has_digit = whole
        .chars()
        .chain(fraction.chars())
        .any(|c| c.is_ascii_digit());
    if !whole_ok || !fraction_ok || !exponent_ok || !has_digit {
        return None;
    }
    // The regular expression admits `1.2.3` (a YAML 1.1 float that no reader can turn into a number).
    let number = format!(
        "{}.{}{}",
        whole.replace('_', ""),
        fraction,
        exponent.map(|e| format!("e{e}")).unwrap_or_default()
    );
    Some(number.parse().unwrap_or(f64::NAN))
}

/// `[0-9]{4}-[0-9]{2}-[0-9]{2}`, or the long form `[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt]|[ \t]+)[0-9]{1,2}:
/// [0-9]{2}:[0-9]{2}(\.[0-9]*)?(([ \t]*)Z|[-+][0-9]{1,2}(:[0-9]{2})?)?`.
fn is_timestamp(s: &str) -> bool {
    let n = |t: &str, min: usize, max: usize| {
        (min..=max).contains(&t.len()) && t.chars().all(|c| c.is_ascii_digit())
    };
    let mut date_time = s.splitn(2, ['T', 't', ' ', '\t']);
    let date = date_time.next().unwrap_or_default();
    let parts: Vec<&str> = date.split('-').collect();
    let Some(time) = date_time.next() else {
        return parts.len() == 3 && n(parts[0], 4, 4) && n(parts[1], 2, 2) && n(parts[2], 2, 2);
    };
    if !(parts.len() == 3 && n(parts[0], 4, 4) && n(parts[1], 1, 2) && n(parts[2], 1, 2)) {
        return false;
    }
    let time = time.trim_start_matches([' ', '\t']);
    let zone_at = time
        .char_indices()
        .skip(1)
        .find(|&(_, c)| matches!(c, 'Z' | '+' | '-' | ' ' | '\t'))
        .map_or(time.len(), |(i, _)| i);
    let (clock, zone) = time.split_at(zone_at);
    let (hms, fraction) = clock.split_once('.').unwrap_or((clock, ""));
    let hms: Vec<&str> = hms.split(':').collect();
    let clock_ok = hms.len() == 3
        && n(hms[0], 1, 2)
        && n(hms[1], 2, 2)
        && n(hms[2], 2, 2)
        && fraction.chars().all(|c| c.is_ascii_digit());
    let zone = zone.trim_start_matches([' ', '\t']);
    let zone_ok = zone.is_empty()
        || zone == "Z"
        || zone.strip_prefix(['+', '-']).is_some_and(|z| {
            let (h, m) = z.split_once(':').unwrap_or((z, "00"));
            n(h, 1, 2) && n(m, 2, 2)
        });
    clock_ok && zone_ok
}

/// What a YAML 1.1 reader makes of a plain scalar that fanout resolved to `resolved` (YAML 1.2 core),
/// when the two differ; `None` when they agree.
pub fn ambiguity(text: &str, resolved: &Value) -> Option<String> {
    let number = |v: &Value| match v {
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    };
    let same_number = |a: f64, b: f64| a == b || (a.is_nan() && b.is_nan());
    let shown = |v: &Value| match v {
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        _ => String::new(),
    };
    let eleven = resolve(text);
    let message = match (&eleven, resolved) {
        (Scalar11::Null, Value::Null) | (Scalar11::Str, Value::Str(_)) => return None,
        (Scalar11::Bool(a), Value::Bool(b)) if a == b => return None,
        (Scalar11::Int(Some(a)), v) if number(v).is_some_and(|b| same_number(*a as f64, b)) => {
            return None;
        }
        (Scalar11::Float(a), v) if number(v).is_some_and(|b| same_number(*a, b)) => return None,
        (Scalar11::Bool(b), Value::Str(_)) => {
            format!("is a string here but the boolean `{b}` to YAML 1.1 readers such as kubectl")
        }
        (Scalar11::Int(_) | Scalar11::Float(_), Value::Str(_)) => {
            "is a string here but a number to YAML 1.1 readers".to_owned()
        }
        (Scalar11::Int(Some(b)), v @ Value::Int(_))
            if text.trim_start_matches(['-', '+']).starts_with('0') =>
        {
            format!(
                "is the decimal number {} here but {b} to YAML 1.1 readers such as kubectl (a leading 0 means octal there)",
                shown(v)
            )
        }
        (Scalar11::Int(_) | Scalar11::Float(_), v) if number(v).is_some() => {
            format!(
                "is {} here but another number to YAML 1.1 readers",
                shown(v)
            )
        }
        (Scalar11::Str, v) if number(v).is_some() => {
            format!(
                "is the number {} here but a string to YAML 1.1 readers",
                shown(v)
            )
        }
        (Scalar11::Timestamp, _) => {
            "is a string here but a timestamp to YAML 1.1 readers such as PyYAML".to_owned()
        }
        (Scalar11::Null, _) => "is null to YAML 1.1 readers".to_owned(),
        _ => "means something else to YAML 1.1 readers".to_owned(),
    };
    Some(message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::front::yaml::resolve_plain;

    /// One row per YAML 1.1 rule: the text, what YAML 1.1 makes of it, and whether fanout warns.
    #[test]
    fn the_yaml_1_1_table_row_by_row() {
        let rows: &[(&str, Scalar11, bool)] = &[
            ("~", Scalar11::Null, false),
            ("null", Scalar11::Null, false),
            ("yes", Scalar11::Bool(true), true),
            ("Y", Scalar11::Bool(true), true),
            ("on", Scalar11::Bool(true), true),
            ("OFF", Scalar11::Bool(false), true),
            ("n", Scalar11::Bool(false), true),
            ("true", Scalar11::Bool(true), false),
            ("False", Scalar11::Bool(false), false),
            ("0b1010", Scalar11::Int(Some(10)), true),
            ("-0b1_0", Scalar11::Int(Some(-2)), true),
            ("017", Scalar11::Int(Some(15)), true),
            ("0_17", Scalar11::Int(Some(15)), true),
            ("018", Scalar11::Str, true),
            ("0", Scalar11::Int(Some(0)), false),
            ("42", Scalar11::Int(Some(42)), false),
            ("-42", Scalar11::Int(Some(-42)), false),
            ("1_000", Scalar11::Int(Some(1000)), true),
            ("0x10", Scalar11::Int(Some(16)), false),
            ("0x_1F", Scalar11::Int(Some(31)), true),
            ("0o10", Scalar11::Str, true),
            ("190:20:30", Scalar11::Int(Some(685_230)), true),
            ("12:30", Scalar11::Int(Some(750)), true),
            ("12:60", Scalar11::Str, false),
            ("1.5", Scalar11::Float(1.5), false),
            (".5", Scalar11::Float(0.5), false),
            ("1.", Scalar11::Float(1.0), false),
            ("1.0e+3", Scalar11::Float(1000.0), false),
            ("1e3", Scalar11::Str, true),
            ("1.0e3", Scalar11::Str, true),
            ("6.8523015e+5", Scalar11::Float(685_230.15), false),
            ("1_000.5", Scalar11::Float(1000.5), true),
            ("190:20:30.15", Scalar11::Float(685_230.15), true),
            (".inf", Scalar11::Float(f64::INFINITY), false),
            ("-.INF", Scalar11::Float(f64::NEG_INFINITY), false),
            ("2001-12-14", Scalar11::Timestamp, true),
            ("2001-12-14t21:59:43.10-05:00", Scalar11::Timestamp, true),
            ("2001-12-14 21:59:43.10 -5", Scalar11::Timestamp, true),
            ("2001-12-15T02:59:43.1Z", Scalar11::Timestamp, true),
            ("2001-12-1", Scalar11::Str, false),
            ("web", Scalar11::Str, false),
            (".", Scalar11::Str, false),
            ("v1.2.3", Scalar11::Str, false),
            ("1Gi", Scalar11::Str, false),
            ("500m", Scalar11::Str, false),
        ];
        for (text, want, warns) in rows {
            let got = resolve(text);
            let same = match (&got, want) {
                (Scalar11::Float(a), Scalar11::Float(b)) => (a - b).abs() < 1e-6 || a == b,
                (a, b) => a == b,
            };
            assert!(same, "{text}: YAML 1.1 reads {got:?}, expected {want:?}");
            let v12 = resolve_plain(text);
            let warning = ambiguity(text, &v12);
            assert_eq!(
                warning.is_some(),
                *warns,
                "{text}: {warning:?} (1.2: {v12:?})"
            );
        }
    }

    #[test]
    fn messages_say_what_each_side_reads() {
        let say = |t: &str| ambiguity(t, &resolve_plain(t)).unwrap();
        assert!(
            say("017").contains("decimal number 17 here but 15"),
            "{}",
            say("017")
        );
        assert!(!say("0o10").contains("octal"), "{}", say("0o10"));
        assert!(
            say("0o10").contains("the number 8 here but a string"),
            "{}",
            say("0o10")
        );
        assert!(say("0b1010").contains("a string here but a number"));
        assert!(say("on").contains("boolean `true`"));
    }
}
