//! JSON text as `evanphx/json-patch` writes a patched document with its fork of Go's `encoding/json`:
//! compact, keys in document order, HTML escaping (`<`, `>`, `&`, U+2028 and U+2029 as `\u` escapes), and
//! every string or number the patch did not touch spelled as it was in the source (`1.0`, `10.50`,
//! `"\u00e9"`), found by scanning the source text.
//!
//! Not here: reading JSON (serde_json does, keeping the key order), indentation (evanphx writes compact
//! text), and Go's float formatting itself (`number`).

use super::number::go_json_float;
use serde_json::Value;
use std::fmt::Write as _;

/// The source text of every string and number of a valid JSON document, by JSON pointer: evanphx keeps
/// the spelling of values a patch does not touch (`1.0`, `10.50`, `"\u00e9"`).
pub(crate) fn raw_leaves(text: &str) -> std::collections::HashMap<String, &str> {
    let mut scan = Scan {
        text,
        pos: 0,
        found: std::collections::HashMap::new(),
    };
    scan.value(&mut String::new());
    scan.found
}

/// A scan of valid JSON text that records, by JSON pointer, where each string and number is spelled.
struct Scan<'t> {
    text: &'t str,
    pos: usize,
    found: std::collections::HashMap<String, &'t str>,
}

impl<'t> Scan<'t> {
    /// The next byte after whitespace, which is skipped.
    fn peek(&mut self) -> Option<u8> {
        while let Some(&b) = self.text.as_bytes().get(self.pos) {
            if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                self.pos += 1;
            } else {
                return Some(b);
            }
        }
        None
    }
    /// The string token at `pos`, quotes included, and move past it.
    fn string(&mut self) -> &'t str {
        let start = self.pos;
        let bytes = self.text.as_bytes();
        self.pos += 1;
        while let Some(&b) = bytes.get(self.pos) {
            self.pos += if b == b'\\' { 2 } else { 1 };
            if b == b'"' {
                break;
            }
        }
        self.text.get(start..self.pos).unwrap_or("")
    }
    /// Record the leaves of the value at `pos`, whose pointer is `pointer`, and move past it.
    fn value(&mut self, pointer: &mut String) {
        let len = pointer.len();
        match self.peek() {
            Some(b'{') => {
                self.pos += 1;
                while let Some(b) = self.peek() {
                    match b {
                        b'}' => {
                            self.pos += 1;
                            break;
                        }
                        b',' => self.pos += 1,
                        b'"' => {
                            let key: String =
                                serde_json::from_str(self.string()).unwrap_or_default();
                            self.peek();
                            self.pos += 1; // the colon
                            pointer.push('/');
                            pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
                            self.value(pointer);
                            pointer.truncate(len);
                        }
                        _ => return,
                    }
                }
            }
            Some(b'[') => {
                self.pos += 1;
                let mut index = 0usize;
                while let Some(b) = self.peek() {
                    match b {
                        b']' => {
                            self.pos += 1;
                            break;
                        }
                        b',' => self.pos += 1,
                        _ => {
                            let _ = write!(pointer, "/{index}");
                            self.value(pointer);
                            pointer.truncate(len);
                            index += 1;
                        }
                    }
                }
            }
            Some(b'"') => {
                let raw = self.string();
                self.found.insert(pointer.clone(), raw);
            }
            Some(_) => {
                let start = self.pos;
                let bytes = self.text.as_bytes();
                while bytes.get(self.pos).is_some_and(|b| {
                    !matches!(b, b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r')
                }) {
                    self.pos += 1;
                }
                if self.pos == start {
                    self.pos += 1;
                } else if let Some(raw) = self.text.get(start..self.pos) {
                    self.found.insert(pointer.clone(), raw);
                }
            }
            None => {}
        }
    }
}

/// Go's `encoding/json` (as forked by evanphx/json-patch) with HTML escaping, compact. A string or
/// number whose source spelling is known at the same pointer, for the same value, keeps that spelling
/// (with HTML characters escaped, as Go's `Compact` does).
pub(crate) fn go_json(
    v: &Value,
    pointer: &mut String,
    raw: &std::collections::HashMap<String, &str>,
    out: &mut String,
) {
    if let (Some(text), Value::String(_) | Value::Number(_)) = (raw.get(pointer.as_str()), v)
        && serde_json::from_str::<Value>(text).is_ok_and(|original| original == *v)
    {
        for c in text.chars() {
            match c {
                '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                    let _ = write!(out, "\\u{:04x}", u32::from(c));
                }
                c => out.push(c),
            }
        }
        return;
    }
    let len = pointer.len();
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                let _ = write!(out, "{i}");
            } else if let Some(u) = n.as_u64() {
                let _ = write!(out, "{u}");
            } else {
                go_json_float(n.as_f64().unwrap_or(0.0), out);
            }
        }
        Value::String(s) => go_json_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let _ = write!(pointer, "/{i}");
                go_json(item, pointer, raw, out);
                pointer.truncate(len);
            }
            out.push(']');
        }
        Value::Object(m) => {
            out.push('{');
            for (i, (k, item)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                go_json_string(k, out);
                out.push(':');
                pointer.push('/');
                pointer.push_str(&k.replace('~', "~0").replace('/', "~1"));
                go_json(item, pointer, raw, out);
                pointer.truncate(len);
            }
            out.push('}');
        }
    }
}

fn go_json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
