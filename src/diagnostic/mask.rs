//! Secret values kept out of diagnostics.
//!
//! A diagnostic prints source lines and may quote a value; neither may show what a Secret holds. Where
//! the values are comes from [`Sources::secret_values`] for a file read into documents (see
//! [`crate::front::classify::secret_values`]), and from [`textual`] for any other file: one that failed to
//! parse, a template's own text, the readable part of a file that is not UTF-8.
//!
//! - Every source line shown has those values replaced by `***` (keys and the rest of the line stay);
//!   carets move with the text.
//! - A message, label or note of a diagnostic that points at a line holding a value (its span or a
//!   related span) has every backquoted fragment that is, or is part of, such a value replaced by `***`,
//!   and the value itself wherever it appears (values of 4 characters or more).
//! - Values of 8 characters or more are replaced in every message, wherever the diagnostic points.

use crate::source::{FileId, Pos, Sources, Span, lines};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

/// What replaces a value; always three characters, whatever the value's length.
pub(super) const MASK: &str = "***";

/// Values at least this long are masked in every message.
const GLOBAL_MIN: usize = 8;

/// Values at least this long are masked wherever they appear in the message of a diagnostic that points
/// at them (shorter ones only as a whole backquoted fragment).
const LOCAL_MIN: usize = 4;

/// Where the secret values of every file are, ready for printing.
#[derive(Debug, Default)]
pub(super) struct Masks {
    /// Per file and line: the masked column ranges `[from, to)` (1-based, in characters), sorted and
    /// disjoint, with the text of each.
    lines: HashMap<FileId, BTreeMap<u32, Vec<Segment>>>,
    /// Values of [`GLOBAL_MIN`] characters or more, longest first.
    global: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Segment {
    from: u32,
    to: u32,
    text: String,
}

impl Masks {
    pub(super) fn new(sources: &Sources) -> Masks {
        let mut masks = Masks::default();
        let mut global = Vec::new();
        for (id, file) in sources.iter() {
            let found;
            let spans = match sources.secret_values(id) {
                Some(spans) => spans,
                None => {
                    found = textual(id, &file.text);
                    &found[..]
                }
            };
            if spans.is_empty() {
                continue;
            }
            let text: Vec<&str> = lines(&file.text).collect();
            let mut per_line: BTreeMap<u32, Vec<(u32, u32)>> = BTreeMap::new();
            for span in spans {
                for number in span.start.line..=span.end.line {
                    let Some(line) = text.get(number.saturating_sub(1) as usize) else {
                        break;
                    };
                    let width = line.chars().count() as u32;
                    let Some(first) = line.chars().position(|c| !c.is_whitespace()) else {
                        continue;
                    };
                    let first = first as u32 + 1;
                    let from = if number == span.start.line {
                        span.start.col
                    } else {
                        first
                    };
                    let to = if number == span.end.line {
                        span.end.col
                    } else {
                        width + 1
                    };
                    let (from, to) = (from.max(1), to.min(width + 1));
                    if from < to {
                        per_line.entry(number).or_default().push((from, to));
                    }
                }
            }
            let mut file_lines = BTreeMap::new();
            for (number, mut ranges) in per_line {
                ranges.sort_unstable();
                let mut merged: Vec<(u32, u32)> = Vec::new();
                for (from, to) in ranges {
                    match merged.last_mut() {
                        Some(last) if from <= last.1 => last.1 = last.1.max(to),
                        _ => merged.push((from, to)),
                    }
                }
                let line = text[number as usize - 1];
                let segments: Vec<Segment> = merged
                    .into_iter()
                    .map(|(from, to)| Segment {
                        from,
                        to,
                        text: line
                            .chars()
                            .skip(from as usize - 1)
                            .take((to - from) as usize)
                            .collect(),
                    })
                    .collect();
                for s in &segments {
                    global.extend(
                        values(&s.text)
                            .into_iter()
                            .filter(|v| v.chars().count() >= GLOBAL_MIN),
                    );
                }
                file_lines.insert(number, segments);
            }
            masks.lines.insert(id, file_lines);
        }
        global.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        global.dedup();
        masks.global = global;
        masks
    }

    /// A source line as shown: each value replaced by [`MASK`], and the ranges replaced (for
    /// [`Masks::column`]).
    pub(super) fn line<'a>(
        &self,
        file: FileId,
        number: u32,
        text: &'a str,
    ) -> (Cow<'a, str>, Vec<(u32, u32)>) {
        let Some(segments) = self.lines.get(&file).and_then(|l| l.get(&number)) else {
            return (Cow::Borrowed(text), Vec::new());
        };
        let mut out = String::with_capacity(text.len());
        let mut ranges = Vec::with_capacity(segments.len());
        let mut next = segments.iter().peekable();
        let mut masking = false;
        for (i, c) in text.chars().enumerate() {
            let col = i as u32 + 1;
            while next.peek().is_some_and(|s| s.to <= col) {
                next.next();
                masking = false;
            }
            match next.peek() {
                Some(s) if s.from <= col => {
                    if !masking {
                        out.push_str(MASK);
                        ranges.push((s.from, s.to));
                        masking = true;
                    }
                }
                _ => out.push(c),
            }
        }
        (Cow::Owned(out), ranges)
    }

    /// A message, label or note of a diagnostic pointing at `spans`, with the values it may quote
    /// replaced by [`MASK`].
    pub(super) fn message(&self, text: &str, spans: &[Span]) -> String {
        let mut local: Vec<String> = Vec::new();
        for span in spans {
            let Some(file) = self.lines.get(&span.file) else {
                continue;
            };
            let last = span.end.line.max(span.start.line);
            for (_, segments) in file.range(span.start.line..=last) {
                for s in segments {
                    local.extend(values(&s.text));
                }
            }
        }
        if local.is_empty() && self.global.is_empty() {
            return text.to_owned();
        }
        let masked_fragment = |f: &str| {
            let n = f.chars().count();
            !f.trim().is_empty()
                && local.iter().any(|v| {
                    v == f || (n >= 3 && v.contains(f)) || (v.chars().count() >= 3 && f.contains(v))
                })
        };
        // backquoted fragments (an unpaired last backquote opens none)
        let parts: Vec<&str> = text.split('`').collect();
        let paired = parts.len() % 2 == 1;
        let mut out = String::with_capacity(text.len());
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                out.push('`');
            }
            let quoted = i % 2 == 1 && (paired || i + 1 < parts.len());
            if quoted && masked_fragment(part) {
                out.push_str(MASK);
            } else {
                out.push_str(part);
            }
        }
        local.retain(|v| v.chars().count() >= LOCAL_MIN);
        local.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        for v in local.iter().chain(&self.global) {
            if out.contains(v.as_str()) {
                out = out.replace(v.as_str(), MASK);
            }
        }
        out
    }
}

/// A column of a line as shown once [`Masks::line`] replaced `ranges`: a column inside a replaced range
/// lands inside its [`MASK`].
pub(super) fn column(ranges: &[(u32, u32)], col: u32) -> u32 {
    let mut shift: i64 = 0;
    for &(from, to) in ranges {
        if col >= to {
            shift += i64::from(to - from) - MASK.len() as i64;
        } else if col >= from {
            let inside = (col - from).min(MASK.len() as u32 - 1);
            return (i64::from(from + inside) - shift).max(1) as u32;
        }
    }
    (i64::from(col) - shift).max(1) as u32
}

/// The values a masked piece of text may stand for in a message: itself trimmed, unquoted, and for flow
/// collections (`{a: x, b: y}`) each item's value.
fn values(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut add = |t: &str| {
        let t = t.trim();
        for v in [t, unquote(t)] {
            if !v.is_empty() && !out.iter().any(|o| o == v) {
                out.push(v.to_owned());
            }
        }
    };
    add(text);
    if text.contains(['{', '[', ',']) {
        for piece in text.split(['{', '}', '[', ']', ',']) {
            let value = piece.split_once(": ").map_or(piece, |(_, v)| v);
            add(value);
        }
    }
    out
}

fn unquote(t: &str) -> &str {
    let t = t.strip_prefix(['"', '\'']).unwrap_or(t);
    t.strip_suffix(['"', '\'']).unwrap_or(t).trim()
}

/// Where a text that was not read into documents may hold Secret values, by its lines alone. In every
/// document (lines between `---` separators) with a line that names `kind` ... `Secret`, such as
/// `kind: Secret` or `"kind": "Secret"`:
///
/// - a line whose key (after any `- `) is `data` or `stringData` starts a block: the rest of that line
///   after the `:` is masked, and so is each following line indented more than the key (blank and
///   comment lines do not end it): on a line at the block's first indentation that reads `key: value`,
///   the value; on any other line, everything after the indentation;
/// - on a line where `data:` or `stringData:` appears further on (a flow mapping,
///   `{kind: Secret, data: {...}}`), everything after its `:`, and the following lines indented more
///   than that line, as above.
///
/// It errs on the side of masking: `data` of any object in such a document, and a templated value's
/// whole line, are masked too.
pub(super) fn textual(file: FileId, text: &str) -> Vec<Span> {
    if !text.contains("Secret") {
        return Vec::new();
    }
    let all: Vec<&str> = lines(text).collect();
    let mut out = Vec::new();
    let mut start = 0;
    while start < all.len() {
        let mut end = start + 1;
        while end < all.len() && !is_separator(all[end]) {
            end += 1;
        }
        if all[start..end].iter().any(|l| names_secret_kind(l)) {
            mask_document(file, &all, start, end, &mut out);
        }
        start = end;
    }
    out
}

fn is_separator(line: &str) -> bool {
    ["---", "..."].iter().any(|m| {
        line.strip_prefix(m)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
    })
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Whether a line says `kind` ... `Secret`: a `kind` key whose value mentions the word `Secret`.
fn names_secret_kind(line: &str) -> bool {
    let mut from = 0;
    while let Some(i) = line[from..].find("kind").map(|i| i + from) {
        from = i + 4;
        if line[..i].chars().next_back().is_some_and(is_word) {
            continue;
        }
        let rest = line[i + 4..].trim_start_matches(['"', '\'']).trim_start();
        let Some(value) = rest.strip_prefix(':') else {
            continue;
        };
        let mut at = 0;
        while let Some(j) = value[at..].find("Secret").map(|j| j + at) {
            at = j + 6;
            let before = value[..j].chars().next_back();
            let after = value[j + 6..].chars().next();
            if !before.is_some_and(is_word) && !after.is_some_and(is_word) {
                return true;
            }
        }
    }
    false
}

/// A block of lines under a `data`/`stringData` key.
struct Block {
    /// the key's column (0-based, in characters): lines indented more belong to the block
    key: usize,
    /// the indentation of the block's first line
    entry: Option<usize>,
}

fn mask_document(file: FileId, all: &[&str], start: usize, end: usize, out: &mut Vec<Span>) {
    let mut block: Option<Block> = None;
    for (n, line) in all.iter().enumerate().take(end).skip(start) {
        let number = u32::try_from(n + 1).unwrap_or(u32::MAX);
        let chars: Vec<char> = line.chars().collect();
        let indent = chars.iter().take_while(|c| matches!(c, ' ' | '\t')).count();
        if indent == chars.len() || chars[indent] == '#' {
            continue;
        }
        let mut mask = |from: usize| {
            if from < chars.len() {
                out.push(Span {
                    file,
                    start: Pos {
                        line: number,
                        col: from as u32 + 1,
                    },
                    end: Pos {
                        line: number,
                        col: chars.len() as u32 + 1,
                    },
                });
            }
        };
        if let Some(b) = &mut block {
            if indent > b.key {
                let entry = *b.entry.get_or_insert(indent);
                match key_at(&chars, indent) {
                    Some((_, colon)) if indent == entry => mask(value_at(&chars, colon)),
                    _ => mask(indent),
                }
                continue;
            }
            block = None;
        }
        let mut at = indent;
        while chars.get(at) == Some(&'-') && chars.get(at + 1).is_none_or(|c| *c == ' ') {
            at += 1;
            while chars.get(at) == Some(&' ') {
                at += 1;
            }
        }
        if let Some((key, colon)) = key_at(&chars, at)
            && (key == "data" || key == "stringData")
        {
            mask(value_at(&chars, colon));
            block = Some(Block {
                key: at,
                entry: None,
            });
            continue;
        }
        if let Some(colon) = flow_data_key(&chars) {
            mask(value_at(&chars, colon));
            block = Some(Block {
                key: indent,
                entry: None,
            });
        }
    }
}

/// Where a mapping value starts after the `:` at `colon` (the line's end when there is none).
fn value_at(chars: &[char], colon: usize) -> usize {
    let mut i = colon + 1;
    while chars.get(i).is_some_and(|c| matches!(c, ' ' | '\t')) {
        i += 1;
    }
    if chars.get(i) == Some(&'#') {
        chars.len()
    } else {
        i
    }
}

/// The key of a `key: value` line starting at `at`, and the index of its `:`.
fn key_at(chars: &[char], at: usize) -> Option<(String, usize)> {
    let first = *chars.get(at)?;
    let (key, mut i) = match first {
        '"' | '\'' => {
            let mut i = at + 1;
            while i < chars.len() && chars[i] != first {
                i += if first == '"' && chars[i] == '\\' {
                    2
                } else {
                    1
                };
            }
            if i >= chars.len() {
                return None;
            }
            (chars[at + 1..i].iter().collect::<String>(), i + 1)
        }
        '{' | '[' | '#' | '|' | '>' | '%' | '@' | '`' => return None,
        _ => {
            let colon = (at..chars.len()).find(|&i| {
                chars[i] == ':' && chars.get(i + 1).is_none_or(|c| matches!(c, ' ' | '\t'))
            })?;
            let key: String = chars[at..colon].iter().collect();
            if key.contains(" #") {
                return None;
            }
            return Some((key.trim_end().to_owned(), colon));
        }
    };
    while chars.get(i).is_some_and(|c| matches!(c, ' ' | '\t')) {
        i += 1;
    }
    (chars.get(i) == Some(&':')).then_some((key, i))
}

/// The `:` of a `data` or `stringData` key further on a line (flow style), if any.
fn flow_data_key(chars: &[char]) -> Option<usize> {
    let text: String = chars.iter().collect();
    for name in ["stringData", "data"] {
        let mut from = 0;
        while let Some(i) = text[from..].find(name).map(|i| i + from) {
            from = i + name.len();
            let before = text[..i].trim_end_matches(['"', '\'']).chars().next_back();
            if before.is_some_and(|c| is_word(c) || matches!(c, '-' | '.' | '/')) {
                continue;
            }
            let rest = text[i + name.len()..].trim_start_matches(['"', '\'']);
            let rest = rest.trim_start_matches([' ', '\t']);
            if rest.starts_with(':') {
                let colon_byte = text.len() - rest.len();
                return Some(text[..colon_byte].chars().count());
            }
        }
    }
    None
}

#[cfg(test)]
mod tests;
