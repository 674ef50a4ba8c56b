//! Writing YAML as yaml.v2's `Marshal` does after `sigs.k8s.io/yaml`'s `JSONToYAML`: its key order
//! (letters first, digit runs compared as numbers), 2-space indent, unindented sequences, literal blocks
//! for multi-line strings, its choice of plain, single-quoted or double-quoted strings (libyaml's scalar
//! analysis), integral floats written as integers. serde-saphyr does the writing.
//!
//! Not here, the known differences (same data, other spelling): serde-saphyr never folds long lines
//! (yaml.v2 folds plain scalars at 80 columns), writes non-integral floats with its own exponent style
//! (`1.0e-7` for yaml.v2's `1e-07`), quotes a few strings yaml.v2 leaves plain (`=`, `<<`, `tRUE`,
//! `1.2.3`, `2002-02-30`), writes characters outside the BMP unescaped, and indents blank lines of literal
//! blocks.

use super::{Scalar11, is_base60_float, resolve_scalar11};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::Value;
use std::cmp::Ordering;

/// How yaml.v2 writes a string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

/// A value ready for serde-saphyr: keys in yaml.v2 order, each string with yaml.v2's style.
#[derive(Debug)]
enum Out<'a> {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(&'a str, Style),
    Seq(Vec<Out<'a>>),
    Map(Vec<(Out<'a>, Out<'a>)>),
}

impl Serialize for Out<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Out::Null => s.serialize_unit(),
            Out::Bool(b) => s.serialize_bool(*b),
            Out::Int(i) => s.serialize_i64(*i),
            Out::UInt(u) => s.serialize_u64(*u),
            Out::Float(f) => s.serialize_f64(*f),
            Out::Str(text, Style::Single) => serde_saphyr::SingleQuoted(*text).serialize(s),
            Out::Str(text, Style::Double) => serde_saphyr::DoubleQuoted(*text).serialize(s),
            Out::Str(text, Style::Plain | Style::Literal) => s.serialize_str(text),
            Out::Seq(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Out::Map(entries) => {
                let mut map = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

/// `yaml.Marshal` of what `yaml.Unmarshal` makes of the JSON text (`JSONToYAML`).
pub(crate) fn write_yaml_v2(doc: &Value) -> Result<String, String> {
    let out = to_out(doc);
    let mut options = serde_saphyr::SerializerOptions::default();
    options.indent_step = 2;
    options.compact_list_indent = true;
    options.empty_as_braces = true;
    options.prefer_block_scalars = true;
    options.min_fold_chars = usize::MAX;
    options.folded_wrap_chars = usize::MAX;
    options.yaml_12 = false;
    let mut text = serde_saphyr::to_string_with_options(&out, options)
        .map_err(|e| format!("cannot write YAML: {e}"))?;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

fn to_out(v: &Value) -> Out<'_> {
    match v {
        Value::Null => Out::Null,
        Value::Bool(b) => Out::Bool(*b),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Out::Int(i)
            } else if let Some(u) = n.as_u64() {
                Out::UInt(u)
            } else {
                // Go writes integral floats as integers in JSON, which yaml.v2 then reads as ints.
                let f = n.as_f64().unwrap_or(0.0);
                #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
                let int = (f.fract() == 0.0 && f.abs() < 9.0e18).then_some(f as i64);
                int.map_or(Out::Float(f), Out::Int)
            }
        }
        Value::String(s) => Out::Str(s, yaml_v2_style(s, false)),
        Value::Array(items) => Out::Seq(items.iter().map(to_out).collect()),
        Value::Object(m) => {
            let mut entries: Vec<(&String, &Value)> = m.iter().collect();
            merge_sort_by(&mut entries, &|a, b| yaml_v2_key_order(a.0, b.0));
            Out::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| (Out::Str(k, yaml_v2_style(k, true)), to_out(v)))
                    .collect(),
            )
        }
    }
}

/// A stable merge sort that cannot panic whatever the comparison does.
fn merge_sort_by<T: Copy>(items: &mut [T], cmp: &dyn Fn(&T, &T) -> Ordering) {
    if items.len() < 2 {
        return;
    }
    let mid = items.len() / 2;
    merge_sort_by(&mut items[..mid], cmp);
    merge_sort_by(&mut items[mid..], cmp);
    let (left, right) = items.split_at(mid);
    let mut merged = Vec::with_capacity(items.len());
    let (mut i, mut j) = (0, 0);
    while i < left.len() && j < right.len() {
        if cmp(&right[j], &left[i]) == Ordering::Less {
            merged.push(right[j]);
            j += 1;
        } else {
            merged.push(left[i]);
            i += 1;
        }
    }
    merged.extend_from_slice(&left[i..]);
    merged.extend_from_slice(&right[j..]);
    items.copy_from_slice(&merged);
}

/// yaml.v2's `keyList.Less` for string keys: letters before other characters, runs of digits compared
/// as numbers.
fn yaml_v2_key_order(a: &str, b: &str) -> Ordering {
    let less = |a: &[char], b: &[char]| -> bool {
        let digit = |c: char| c.is_ascii_digit() || (!c.is_ascii() && c.is_numeric());
        let value = |c: char| i64::from(u32::from(c)) - i64::from(u32::from('0'));
        for i in 0..a.len().min(b.len()) {
            if a[i] == b[i] {
                continue;
            }
            let (al, bl) = (a[i].is_alphabetic(), b[i].is_alphabetic());
            if al && bl {
                return a[i] < b[i];
            }
            if al || bl {
                return bl;
            }
            let (mut an, mut bn) = (0i64, 0i64);
            if a[i] == '0' || b[i] == '0' {
                for j in (0..i).rev() {
                    if !digit(a[j]) {
                        break;
                    }
                    if a[j] != '0' {
                        an = 1;
                        bn = 1;
                        break;
                    }
                }
            }
            let mut ai = i;
            while ai < a.len() && digit(a[ai]) {
                an = an.wrapping_mul(10).wrapping_add(value(a[ai]));
                ai += 1;
            }
            let mut bi = i;
            while bi < b.len() && digit(b[bi]) {
                bn = bn.wrapping_mul(10).wrapping_add(value(b[bi]));
                bi += 1;
            }
            if an != bn {
                return an < bn;
            }
            if ai != bi {
                return ai < bi;
            }
            return a[i] < b[i];
        }
        a.len() < b.len()
    };
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if less(&a, &b) {
        Ordering::Less
    } else if less(&b, &a) {
        Ordering::Greater
    } else {
        Ordering::Equal
    }
}

/// yaml.v2's `stringv` and libyaml's scalar analysis in block context.
fn yaml_v2_style(s: &str, key: bool) -> Style {
    let can_plain = resolve_scalar11_nonempty(s).is_none() && !is_base60_float(s);
    let a = analyze_scalar(s);
    let mut style = if s.contains('\n') {
        Style::Literal
    } else if can_plain {
        Style::Plain
    } else {
        Style::Double
    };
    if style == Style::Plain && (!a.block_plain_allowed || (s.is_empty() && key)) {
        style = Style::Single;
    }
    // serde-saphyr cannot write U+2028 or U+2029 in single quotes (yaml.v2 breaks the line there).
    if style == Style::Single && (!a.single_quoted_allowed || s.contains(['\u{2028}', '\u{2029}']))
    {
        style = Style::Double;
    }
    if style == Style::Literal && (!a.block_allowed || key) {
        style = Style::Double;
    }
    style
}

/// [`resolve_scalar11`] that treats the empty string as null, as yaml.v2 does.
fn resolve_scalar11_nonempty(s: &str) -> Option<Scalar11> {
    if s.is_empty() {
        Some(Scalar11::Null)
    } else {
        resolve_scalar11(s)
    }
}

struct Analysis {
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

/// libyaml's `yaml_emitter_analyze_scalar` as yaml.v2 carries it (unicode output on).
fn analyze_scalar(s: &str) -> Analysis {
    if s.is_empty() {
        return Analysis {
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let printable = |c: char| {
        matches!(c, '\n' | '\u{20}'..='\u{7e}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}')
            && c != '\u{feff}'
    };
    let chars: Vec<char> = s.chars().collect();
    let block_indicators = has_block_indicators(s, &chars);
    let (mut special, mut line_breaks) = (false, false);
    let (mut leading_space, mut leading_break) = (false, false);
    let (mut trailing_space, mut trailing_break) = (false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut previous_space, mut previous_break) = (false, false);
    for (i, &c) in chars.iter().enumerate() {
        if !printable(c) {
            special = true;
        }
        let last = i + 1 == chars.len();
        if c == ' ' {
            leading_space |= i == 0;
            trailing_space |= last;
            break_space |= previous_break;
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            line_breaks = true;
            leading_break |= i == 0;
            trailing_break |= last;
            space_break |= previous_space;
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
    }
    let mut a = Analysis {
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.block_plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
        a.block_allowed = false;
    }
    if line_breaks || block_indicators {
        a.block_plain_allowed = false;
    }
    a
}

/// The indicators of libyaml's scalar analysis that rule out a plain scalar in block context: a
/// document marker at the start, an indicator character first, `?`, `:` or `-` first and followed by
/// whitespace, `:` followed by whitespace or `#` preceded by it anywhere.
fn has_block_indicators(s: &str, chars: &[char]) -> bool {
    let mut block_indicators = s.starts_with("---") || s.starts_with("...");
    let mut preceded_by_whitespace = true;
    for (i, &c) in chars.iter().enumerate() {
        let followed_by_whitespace = chars.get(i + 1).is_none_or(|&n| is_blank(n));
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => block_indicators = true,
                '?' | ':' | '-' if followed_by_whitespace => block_indicators = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_by_whitespace => block_indicators = true,
                '#' if preceded_by_whitespace => block_indicators = true,
                _ => {}
            }
        }
        preceded_by_whitespace = is_blank(c) || is_break(c) || c == '\0';
    }
    block_indicators
}

/// libyaml's `IS_BREAK`.
fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// libyaml's `IS_BLANK`.
fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_v2_styles() {
        let cases = [
            ("plain", Style::Plain),
            ("with space", Style::Plain),
            ("a:b", Style::Plain),
            ("?x", Style::Plain),
            ("", Style::Double),
            ("true", Style::Double),
            ("1:20", Style::Double),
            (" lead", Style::Single),
            ("trail ", Style::Single),
            ("# c", Style::Single),
            ("a #c", Style::Single),
            ("*ref", Style::Single),
            ("---", Style::Single),
            ("tab\there", Style::Double),
            ("emoji 😀", Style::Double),
            ("x\ny", Style::Literal),
            ("x \ny", Style::Double),
            ("\nx", Style::Literal),
        ];
        for (s, style) in cases {
            assert_eq!(yaml_v2_style(s, false), style, "{s:?}");
        }
        assert_eq!(yaml_v2_style("x\ny", true), Style::Double);
    }

    #[test]
    fn yaml_v2_key_order_table() {
        let mut keys = vec![
            "a10", "a2", "a1", "b", "A", "_", "1", "01", "001", "10", "9", "a", "ab", "a-b",
        ];
        merge_sort_by(&mut keys, &|a, b| yaml_v2_key_order(a, b));
        assert_eq!(
            keys,
            [
                "_", "1", "01", "001", "9", "10", "A", "a", "a-b", "a1", "a2", "a10", "ab", "b"
            ]
        );
    }
}
