//! Reading YAML as yaml.v2 does: the first document of a text as JSON, plain scalars resolved with YAML
//! 1.1's rules (`yes` is a boolean, `017` octal, a plain `y` key becomes `"true"`), mapping keys turned back
//! into text as `sigs.k8s.io/yaml` does (floats at 32 bits). The structure comes from fanout's own reader;
//! the source text of each plain scalar is resolved again here.
//!
//! Not here: duplicate keys (an error here; yaml.v2 keeps the last), documents after the first (ignored,
//! as `yaml.Unmarshal` does), and writing (`write`).

use super::{Scalar11, resolve_scalar11};
use crate::gocompat::number::go_format_g;
use serde_json::{Map, Value};

/// The first document of `text` as JSON, plain scalars resolved with yaml.v2's rules. fanout's reader
/// resolves with YAML 1.2; the source text of each plain scalar is resolved again here.
pub(crate) fn read_yaml11(text: &str) -> Result<Value, String> {
    let parsed = crate::front::yaml::parse(
        crate::source::FileId(u32::MAX),
        text,
        crate::front::yaml::Limits::default(),
    );
    if let Some(e) = parsed
        .diagnostics
        .iter()
        .find(|d| d.severity == crate::diagnostic::Severity::Error)
    {
        return Err(e.message.clone());
    }
    let lines: Vec<&str> = text.split('\n').collect();
    match parsed.documents.first() {
        Some(doc) => node_to_json11(&doc.root, &lines),
        None => Ok(Value::Null),
    }
}

/// The source text of a plain scalar on one line (a leading anchor `&a` removed), or `None` when the
/// node is quoted, tagged, a block scalar or spans lines.
fn plain_source(span: crate::source::Span, lines: &[&str]) -> Option<String> {
    if span.start.line != span.end.line {
        return None;
    }
    let line = lines.get(usize::try_from(span.start.line).ok()?.checked_sub(1)?)?;
    let from = usize::try_from(span.start.col).ok()?.checked_sub(1)?;
    let count = usize::try_from(span.end.col.saturating_sub(span.start.col)).ok()?;
    let slice: String = line.chars().skip(from).take(count).collect();
    let text = match slice.strip_prefix('&') {
        Some(anchored) => anchored
            .split_once([' ', '\t'])
            .map(|(_, rest)| rest.trim_start().to_owned())?,
        None => slice,
    };
    (!text.starts_with(['\'', '"', '!', '|', '>', '*'])).then_some(text)
}

fn node_to_json11(node: &crate::front::yaml::Node, lines: &[&str]) -> Result<Value, String> {
    use crate::front::yaml::Value as Y;
    let source = || plain_source(node.span, lines);
    Ok(match &node.value {
        Y::Seq(items) => Value::Array(
            items
                .iter()
                .map(|n| node_to_json11(n, lines))
                .collect::<Result<_, _>>()?,
        ),
        Y::Map(entries) => {
            let mut map = Map::new();
            for (key, value) in entries {
                let text = match plain_source(key.span, lines) {
                    Some(src) => key_text11(&src)?,
                    None => key.text.clone(),
                };
                map.insert(text, node_to_json11(value, lines)?);
            }
            Value::Object(map)
        }
        Y::Str(s) => match source() {
            Some(src) if src == *s => resolve11(s)?,
            _ => Value::String(s.clone()),
        },
        Y::Null | Y::Bool(_) | Y::Int(_) | Y::Float(_) => match source() {
            Some(src) => resolve11(&src)?,
            None => node.to_json(),
        },
    })
}

/// A mapping key as `sigs.k8s.io/yaml` turns a resolved key back into text (floats at 32 bits).
fn key_text11(text: &str) -> Result<String, String> {
    Ok(match resolve_scalar11(text) {
        None => text.to_owned(),
        Some(Scalar11::Null) => return Err(format!("the mapping key `{text}` is null")),
        Some(Scalar11::Bool(b)) => b.to_string(),
        Some(Scalar11::Int(i)) => i.to_string(),
        Some(Scalar11::UInt(u)) => u.to_string(),
        Some(Scalar11::Float(f)) if f.is_nan() => ".nan".into(),
        Some(Scalar11::Float(f)) if f.is_infinite() => {
            if f > 0.0 { ".inf" } else { "-.inf" }.into()
        }
        Some(Scalar11::Float(f)) => {
            #[allow(clippy::cast_possible_truncation)]
            let narrow = f as f32;
            if narrow.is_infinite() {
                if narrow > 0.0 { ".inf" } else { "-.inf" }.into()
            } else {
                go_format_g(&format!("{narrow:e}"))
            }
        }
    })
}

fn resolve11(text: &str) -> Result<Value, String> {
    Ok(match resolve_scalar11(text) {
        None => Value::String(text.to_owned()),
        Some(Scalar11::Null) => Value::Null,
        Some(Scalar11::Bool(b)) => Value::Bool(b),
        Some(Scalar11::Int(i)) => Value::from(i),
        Some(Scalar11::UInt(u)) => Value::from(u),
        Some(Scalar11::Float(f)) => serde_json::Number::from_f64(f)
            .map(Value::Number)
            .ok_or_else(|| format!("`{text}` cannot be represented in JSON"))?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_text11_floats_at_32_bits() {
        assert_eq!(key_text11("0.1"), Ok("0.1".into()));
        assert_eq!(key_text11("3.14159265358979"), Ok("3.1415927".into()));
        assert_eq!(key_text11("1e39"), Ok(".inf".into()));
    }

    #[test]
    fn no_panics_on_odd_yaml() {
        for text in [
            "- - - [",
            "a: *x",
            "? [a]\n: b",
            "a: !!binary x",
            "\t",
            "a:\n- b\n c",
        ] {
            let _ = read_yaml11(text);
        }
    }
}
