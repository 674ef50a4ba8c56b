//! YAML → position-keeping nodes.
//!
//! A small loader over `saphyr-parser` events: every key and value becomes a [`Node`] that knows its
//! [`Span`]. It reads multi-document streams, resolves plain scalars with the YAML 1.2 core schema, expands
//! aliases and `<<` merge keys, and guards the reader: a nesting depth limit (checked before descending, so a
//! 20,000-deep file is an error, not a stack overflow), a budget of nodes created by alias expansion ("billion
//! laughs"), a document count limit, duplicate keys, complex keys and unknown tags are errors. Plain scalars
//! that a YAML 1.1 reader such as kubectl would read differently (`yes`, `on`, `017`, `1_000`) get a warning.
//!
//! The loader is iterative (an explicit stack); everything after it may recurse because depth is bounded.
//! It does no I/O: input is the text of one file.

use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Pos, Span};
use saphyr_parser::{Event, Parser, ScalarStyle, Span as YSpan};
use std::collections::HashMap;

/// Reader limits; the defaults suit any real Kubernetes repository.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub max_depth: usize,
    pub max_alias_nodes: usize,
    pub max_documents: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 128,
            max_alias_nodes: 100_000,
            max_documents: 10_000,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Key, Node)>),
}

/// A mapping key: always a string in Kubernetes objects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key {
    pub text: String,
    pub span: Span,
}

/// One YAML document of a file.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    pub file: FileId,
    /// 0-based index of the document in its file.
    pub index: usize,
    pub root: Node,
}

/// What reading one file gave: its non-empty documents and any diagnostics. When a diagnostic is an
/// error the documents must not be used.
#[derive(Debug, Default)]
pub struct Parsed {
    pub documents: Vec<Document>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Node {
    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a sequence",
            Value::Map(_) => "a mapping",
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    pub fn entry(&self, key: &str) -> Option<(&Key, &Node)> {
        match &self.value {
            Value::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.text == key)
                .map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The node at an RFC 6901 JSON pointer, and the key that leads to it when the last step is a map key.
    pub fn at_pointer(&self, pointer: &str) -> Option<(Option<&Key>, &Node)> {
        let mut node = self;
        let mut key = None;
        if pointer.is_empty() {
            return Some((None, node));
        }
        for raw in pointer.strip_prefix('/')?.split('/') {
            let step = raw.replace("~1", "/").replace("~0", "~");
            match &node.value {
                Value::Map(entries) => {
                    let (k, v) = entries.iter().find(|(k, _)| k.text == step)?;
                    key = Some(k);
                    node = v;
                }
                Value::Seq(items) => {
                    node = items.get(step.parse::<usize>().ok()?)?;
                    key = None;
                }
                _ => return None,
            }
        }
        Some((key, node))
    }

    /// The best span for a JSON pointer: the deepest node that exists along it.
    pub fn span_at(&self, pointer: &str) -> Span {
        let mut p = pointer;
        loop {
            if let Some((_, n)) = self.at_pointer(p) {
                return n.span;
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return self.span,
            }
        }
    }

    /// The span of the key at the end of a pointer (falls back to [`Node::span_at`]).
    pub fn key_span_at(&self, pointer: &str) -> Span {
        match self.at_pointer(pointer) {
            Some((Some(k), _)) => k.span,
            _ => self.span_at(pointer),
        }
    }

    /// Convert to JSON (Kubernetes objects are JSON). Floats that JSON cannot hold were rejected at parse time.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
            Value::Str(s) => J::String(s.clone()),
            Value::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => J::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.text.clone(), v.to_json()))
                    .collect(),
            ),
        }
    }

    fn count(&self) -> usize {
        match &self.value {
            Value::Seq(items) => 1 + items.iter().map(Node::count).sum::<usize>(),
            Value::Map(entries) => 1 + entries.iter().map(|(_, v)| 1 + v.count()).sum::<usize>(),
            _ => 1,
        }
    }
}

enum Frame {
    Seq {
        items: Vec<Node>,
        start: Pos,
        anchor: usize,
    },
    Map {
        entries: Vec<(Key, Node)>,
        index: HashMap<String, usize>,
        /// keys that came from a `<<` merge and may still be overridden
        merged: Vec<bool>,
        key: Option<Key>,
        start: Pos,
        anchor: usize,
    },
}

struct Loader {
    file: FileId,
    limits: Limits,
    anchors: HashMap<usize, (Node, usize)>,
    alias_budget: usize,
    stack: Vec<Frame>,
    diagnostics: Vec<Diagnostic>,
}

/// Read one file's text into documents.
pub fn parse(file: FileId, text: &str, limits: Limits) -> Parsed {
    let mut loader = Loader {
        file,
        limits,
        anchors: HashMap::new(),
        alias_budget: limits.max_alias_nodes,
        stack: Vec::new(),
        diagnostics: Vec::new(),
    };
    let mut parsed = Parsed::default();
    let mut index = 0usize;
    let mut root: Option<Node> = None;
    for item in Parser::new_from_str(text) {
        let (event, yspan) = match item {
            Ok(pair) => pair,
            Err(e) => {
                let m = e.marker();
                let pos = Pos {
                    line: to_u32(m.line()),
                    col: to_u32(m.col() + 1),
                };
                parsed
                    .diagnostics
                    .push(scan_error(file, text, pos, e.info()));
                parsed.documents.clear();
                return finish(parsed, loader);
            }
        };
        let span = loader.span(yspan);
        let result = match event {
            Event::DocumentStart(_) => {
                root = None;
                loader.anchors.clear();
                Ok(None)
            }
            Event::DocumentEnd => {
                if let Some(node) = root.take()
                    && !matches!(node.value, Value::Null)
                {
                    if parsed.documents.len() >= limits.max_documents {
                        parsed.diagnostics.push(Diagnostic::error(
                                "limit",
                                node.span,
                                format!(
                                    "more than {} documents in one file (raise `limits.maxDocuments` in fanout.yaml)",
                                    limits.max_documents
                                ),
                            ));
                        return finish(parsed, loader);
                    }
                    parsed.documents.push(Document {
                        file,
                        index,
                        root: node,
                    });
                }
                index += 1;
                Ok(None)
            }
            Event::Scalar(text, style, anchor, tag) => loader
                .scalar(
                    &text,
                    style,
                    tag.as_deref()
                        .map(|t| (t.handle.as_str(), t.suffix.as_str())),
                    span,
                )
                .map(|node| {
                    if anchor > 0 {
                        loader.anchor(anchor, &node);
                    }
                    Some(node)
                }),
            Event::Alias(id) => loader.alias(id, span).map(Some),
            Event::SequenceStart(anchor, tag) => loader
                .check_tag(
                    tag.as_deref()
                        .map(|t| (t.handle.as_str(), t.suffix.as_str())),
                    "seq",
                    span,
                )
                .and_then(|()| {
                    loader.push(
                        Frame::Seq {
                            items: Vec::new(),
                            start: span.start,
                            anchor,
                        },
                        span,
                    )
                })
                .map(|()| None),
            Event::MappingStart(anchor, tag) => loader
                .check_tag(
                    tag.as_deref()
                        .map(|t| (t.handle.as_str(), t.suffix.as_str())),
                    "map",
                    span,
                )
                .and_then(|()| {
                    loader.push(
                        Frame::Map {
                            entries: Vec::new(),
                            index: HashMap::new(),
                            merged: Vec::new(),
                            key: None,
                            start: span.start,
                            anchor,
                        },
                        span,
                    )
                })
                .map(|()| None),
            Event::SequenceEnd | Event::MappingEnd => Ok(loader.pop(span)),
            Event::StreamStart | Event::StreamEnd | Event::Nothing => Ok(None),
        };
        match result {
            Ok(Some(node)) => {
                if let Err(d) = loader.attach(node, &mut root) {
                    parsed.diagnostics.push(d);
                    parsed.documents.clear();
                    return finish(parsed, loader);
                }
            }
            Ok(None) => {}
            Err(d) => {
                parsed.diagnostics.push(d);
                parsed.documents.clear();
                return finish(parsed, loader);
            }
        }
    }
    finish(parsed, loader)
}

fn finish(mut parsed: Parsed, loader: Loader) -> Parsed {
    parsed.diagnostics.extend(loader.diagnostics);
    if crate::diagnostic::has_errors(&parsed.diagnostics) {
        parsed.documents.clear();
    }
    parsed
}

/// The reader's own syntax errors, reworded where fanout knows better.
fn scan_error(file: FileId, text: &str, pos: Pos, info: &str) -> Diagnostic {
    let point = Span {
        file,
        start: pos,
        end: pos,
    };
    if info == "recursion limit exceeded" {
        return Diagnostic::error(
            "limit",
            point,
            "flow collections (`[...]`, `{...}`) nested deeper than 255 levels, the YAML reader's limit",
        );
    }
    if info.contains("unknown anchor") {
        // name the alias: it starts at the error position with `*`
        let line = text
            .split('\n')
            .nth(pos.line.saturating_sub(1) as usize)
            .unwrap_or("");
        let alias: String = line
            .chars()
            .skip(pos.col.saturating_sub(1) as usize)
            .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | ']' | '}'))
            .collect();
        if alias.starts_with('*') && alias.len() > 1 {
            let end = Pos {
                line: pos.line,
                col: pos.col + alias.chars().count() as u32,
            };
            return Diagnostic::error(
                "yaml",
                Span {
                    file,
                    start: pos,
                    end,
                },
                format!("alias `{alias}` refers to an anchor that is not defined before it"),
            );
        }
        return Diagnostic::error(
            "yaml",
            point,
            "alias to an anchor that is not defined before it",
        );
    }
    Diagnostic::error("yaml", point, format!("invalid YAML: {info}"))
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Loader {
    fn span(&self, s: YSpan) -> Span {
        let start = Pos {
            line: to_u32(s.start.line()),
            col: to_u32(s.start.col() + 1),
        };
        let mut end = Pos {
            line: to_u32(s.end.line()),
            col: to_u32(s.end.col() + 1),
        };
        if end < start {
            end = start;
        }
        Span {
            file: self.file,
            start,
            end,
        }
    }

    fn push(&mut self, frame: Frame, span: Span) -> Result<(), Diagnostic> {
        if self.stack.len() >= self.limits.max_depth {
            return Err(Diagnostic::error(
                "limit",
                span,
                format!(
                    "nesting deeper than {} levels (raise `limits.maxDepth` in fanout.yaml)",
                    self.limits.max_depth
                ),
            ));
        }
        self.stack.push(frame);
        Ok(())
    }

    fn pop(&mut self, end: Span) -> Option<Node> {
        let frame = self.stack.pop()?;
        let (value, start, anchor) = match frame {
            Frame::Seq {
                items,
                start,
                anchor,
            } => (Value::Seq(items), start, anchor),
            Frame::Map {
                entries,
                start,
                anchor,
                ..
            } => (Value::Map(entries), start, anchor),
        };
        let node = Node {
            value,
            span: Span {
                file: self.file,
                start,
                end: end.end.max(start),
            },
        };
        if anchor > 0 {
            self.anchor(anchor, &node);
        }
        Some(node)
    }

    fn anchor(&mut self, id: usize, node: &Node) {
        self.anchors.insert(id, (node.clone(), node.count()));
    }

    fn alias(&mut self, id: usize, span: Span) -> Result<Node, Diagnostic> {
        let Some((node, count)) = self.anchors.get(&id) else {
            return Err(Diagnostic::error(
                "yaml",
                span,
                "alias to an unknown anchor",
            ));
        };
        if *count > self.alias_budget {
            return Err(Diagnostic::error(
                "limit",
                span,
                format!(
                    "aliases expand to more than {} nodes (raise `limits.maxAliasNodes` in fanout.yaml)",
                    self.limits.max_alias_nodes
                ),
            ));
        }
        self.alias_budget -= count;
        Ok(node.clone())
    }

    fn check_tag(
        &self,
        tag: Option<(&str, &str)>,
        expected: &str,
        span: Span,
    ) -> Result<(), Diagnostic> {
        match tag {
            None => Ok(()),
            Some(("!!", suffix)) if suffix == expected => Ok(()),
            Some(("tag:yaml.org,2002:", suffix)) if suffix == expected => Ok(()),
            Some((handle, suffix)) => Err(Diagnostic::error(
                "yaml",
                span,
                format!("unsupported tag `{handle}{suffix}`"),
            )),
        }
    }

    fn scalar(
        &mut self,
        text: &str,
        style: ScalarStyle,
        tag: Option<(&str, &str)>,
        span: Span,
    ) -> Result<Node, Diagnostic> {
        let tag = tag.map(|(h, s)| match h {
            "!!" | "tag:yaml.org,2002:" => Ok(s),
            _ => Err(format!("{h}{s}")),
        });
        let value = match tag {
            Some(Err(other)) => {
                return Err(Diagnostic::error(
                    "yaml",
                    span,
                    format!("unsupported tag `{other}`"),
                ));
            }
            Some(Ok("str" | "binary" | "timestamp")) => Value::Str(text.to_owned()),
            Some(Ok(t @ ("int" | "float" | "bool" | "null"))) => {
                let v = resolve_plain(text);
                let ok = matches!(
                    (t, &v),
                    ("int", Value::Int(_))
                        | ("float", Value::Float(_) | Value::Int(_))
                        | ("bool", Value::Bool(_))
                        | ("null", Value::Null)
                );
                if !ok {
                    return Err(Diagnostic::error(
                        "yaml",
                        span,
                        format!("`{text}` is not a valid `!!{t}`"),
                    ));
                }
                match v {
                    Value::Int(i) if t == "float" => Value::Float(i as f64),
                    v => v,
                }
            }
            Some(Ok(other)) => {
                return Err(Diagnostic::error(
                    "yaml",
                    span,
                    format!("unsupported tag `!!{other}`"),
                ));
            }
            None if style == ScalarStyle::Plain => {
                let v = resolve_plain(text);
                if let Some(note) = yaml11_ambiguity(text, &v) {
                    self.diagnostics.push(Diagnostic::warning(
                        "ambiguous-scalar",
                        span,
                        format!("`{text}` {note}; quote it to make the intent explicit"),
                    ));
                }
                v
            }
            None => Value::Str(text.to_owned()),
        };
        if let Value::Float(f) = value
            && !f.is_finite()
        {
            return Err(Diagnostic::error(
                "yaml",
                span,
                format!("`{text}` cannot be represented in JSON, which Kubernetes objects are"),
            ));
        }
        Ok(Node { value, span })
    }

    /// Put a finished node into its parent (or make it the document root).
    fn attach(&mut self, node: Node, root: &mut Option<Node>) -> Result<(), Diagnostic> {
        match self.stack.last_mut() {
            None => {
                *root = Some(node);
                Ok(())
            }
            Some(Frame::Seq { items, .. }) => {
                items.push(node);
                Ok(())
            }
            Some(Frame::Map {
                entries,
                index,
                merged,
                key,
                ..
            }) => match key.take() {
                None => {
                    let text = match &node.value {
                        Value::Str(s) => s.clone(),
                        Value::Null => "null".to_owned(),
                        Value::Bool(b) => b.to_string(),
                        Value::Int(i) => i.to_string(),
                        Value::Float(f) => f.to_string(),
                        Value::Seq(_) | Value::Map(_) => {
                            return Err(Diagnostic::error(
                                "yaml",
                                node.span,
                                "complex mapping keys are not supported; keys must be strings",
                            ));
                        }
                    };
                    *key = Some(Key {
                        text,
                        span: node.span,
                    });
                    Ok(())
                }
                Some(k) if k.text == "<<" => {
                    let sources: Vec<&Node> = match &node.value {
                        Value::Map(_) => vec![&node],
                        Value::Seq(items) => items.iter().collect(),
                        _ => Vec::new(),
                    };
                    if sources.is_empty()
                        || sources.iter().any(|n| !matches!(n.value, Value::Map(_)))
                    {
                        return Err(Diagnostic::error(
                            "yaml",
                            node.span,
                            "a `<<` merge key needs a mapping or a list of mappings",
                        ));
                    }
                    for source in sources {
                        if let Value::Map(source_entries) = &source.value {
                            for (mk, mv) in source_entries {
                                if !index.contains_key(&mk.text) {
                                    index.insert(mk.text.clone(), entries.len());
                                    entries.push((mk.clone(), mv.clone()));
                                    merged.push(true);
                                }
                            }
                        }
                    }
                    Ok(())
                }
                Some(k) => {
                    match index.get(&k.text) {
                        Some(&i) if merged[i] => {
                            entries[i] = (k, node);
                            merged[i] = false;
                        }
                        Some(&i) => {
                            let first = entries[i].0.span;
                            self.diagnostics.push(
                                Diagnostic::error(
                                    "yaml",
                                    k.span,
                                    format!("duplicate key `{}`", k.text),
                                )
                                .with_related(first, "first defined here"),
                            );
                        }
                        None => {
                            index.insert(k.text.clone(), entries.len());
                            entries.push((k, node));
                            merged.push(false);
                        }
                    }
                    Ok(())
                }
            },
        }
    }
}

/// YAML 1.2 core schema resolution of a plain scalar.
pub fn resolve_plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Value::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return Value::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        _ => {}
    }
    let digits = |s: &str, radix: u32| !s.is_empty() && s.chars().all(|c| c.is_digit(radix));
    if let Some(hex) = text.strip_prefix("0x")
        && digits(hex, 16)
    {
        return i64::from_str_radix(hex, 16).map_or(Value::Str(text.to_owned()), Value::Int);
    }
    if let Some(oct) = text.strip_prefix("0o")
        && digits(oct, 8)
    {
        return i64::from_str_radix(oct, 8).map_or(Value::Str(text.to_owned()), Value::Int);
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if digits(unsigned, 10) {
        return match text.parse::<i64>() {
            Ok(i) => Value::Int(i),
            Err(_) => text
                .parse::<f64>()
                .map_or(Value::Str(text.to_owned()), Value::Float),
        };
    }
    if is_core_float(unsigned)
        && let Ok(f) = text.parse::<f64>()
    {
        return Value::Float(f);
    }
    Value::Str(text.to_owned())
}

/// `[0-9]+(\.[0-9]*)?` or `\.[0-9]+`, then an optional exponent.
fn is_core_float(s: &str) -> bool {
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let all_digits = |t: &str| t.chars().all(|c| c.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some((a, b)) => all_digits(a) && all_digits(b) && !(a.is_empty() && b.is_empty()),
        None => !mantissa.is_empty() && all_digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && all_digits(e)
    });
    mantissa_ok && exponent_ok && (mantissa.contains('.') || exponent.is_some())
}

/// What a YAML 1.1 reader (kubectl, Kubernetes' own YAML library) would make of a plain scalar that fanout
/// reads differently.
fn yaml11_ambiguity(text: &str, resolved: &Value) -> Option<&'static str> {
    const BOOLS: [&str; 16] = [
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off",
        "OFF",
    ];
    if BOOLS.contains(&text) {
        return Some("is a string here but a boolean to YAML 1.1 readers such as kubectl");
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if matches!(resolved, Value::Int(_)) && unsigned.len() > 1 && unsigned.starts_with('0') {
        return Some("is a decimal number here but octal to YAML 1.1 readers such as kubectl");
    }
    if matches!(resolved, Value::Str(_))
        && unsigned.contains('_')
        && unsigned
            .chars()
            .all(|c| c.is_ascii_digit() || c == '_' || c == '.')
        && unsigned.chars().next().is_some_and(|c| c.is_ascii_digit())
    {
        return Some("is a string here but a number to YAML 1.1 readers such as kubectl");
    }
    None
}

#[cfg(test)]
mod tests;
