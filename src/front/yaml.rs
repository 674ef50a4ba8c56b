//! YAML → position-keeping nodes.
//!
//! A small loader over `saphyr-parser` events: every key and value becomes a [`Node`] that knows its
//! [`Span`]. It reads multi-document streams, resolves plain scalars with the YAML 1.2 core schema, expands
//! aliases and `<<` merge keys, and guards the reader: a size limit on the text, a nesting depth limit
//! (checked before descending, so a 20,000-deep file is an error, not a stack overflow, and checked again
//! while an alias is expanded), a document count limit, and two budgets for what aliases copy ("billion
//! laughs"): nodes (`maxAliasNodes`) and bytes of keys and strings (`maxAliasBytes`), so that a few aliases
//! of one long string cannot copy gigabytes either. Duplicate keys, complex keys and unknown tags are
//! errors. Plain scalars that a YAML 1.1 reader such as kubectl would read differently (`yes`, `on`, `017`,
//! `1_000`) get a warning.
//!
//! An anchor copies nothing: the loader records the parser events of anchored nodes (only those) and an
//! alias replays its anchor's events, which builds the copy it stands for and is charged to the alias
//! budgets first. Memory is therefore the file's nodes, one record of its anchored events, and what the
//! budgets allow, however deeply anchors nest.
//!
//! The loader is iterative (an explicit stack, and an explicit stack of replayed ranges for aliases within
//! aliases), and so is the parser under it for block collections; flow collections stop at 255 levels
//! (the parser's own guard). So reading never overflows the stack, whatever `max_depth` is (a test reads
//! 20,000 levels on a 2 MiB thread). Everything after it may recurse because depth is bounded, and a
//! repository cannot raise the bound past [`MAX_DEPTH_CEILING`](crate::front::config::MAX_DEPTH_CEILING).
//! It does no I/O: input is the text of one file.

use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Pos, Span};
use saphyr_parser::{Event, Parser, ScalarStyle, Span as YSpan};
use std::borrow::Cow;
use std::collections::HashMap;

mod loader;
mod scalar;

use loader::*;
pub use scalar::resolve_plain;

/// Reader limits; the defaults suit any real Kubernetes repository.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest text read as one file, in bytes (`limits.maxFileBytes`). `load` checks files before reading
    /// them; this also bounds text that never was a file, such as a template's rendering.
    pub max_file_bytes: usize,
    pub max_depth: usize,
    /// Nodes that aliases may create in one file, a mapping entry counting one more than its value.
    pub max_alias_nodes: usize,
    /// Bytes of keys and strings that aliases may copy in one file: a node budget alone lets a few aliases
    /// of one long string copy gigabytes.
    pub max_alias_bytes: usize,
    pub max_documents: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 16 * 1024 * 1024,
            max_depth: 128,
            max_alias_nodes: 100_000,
            // with the node budget, what aliases can add to one file stays within a few tens of MiB
            max_alias_bytes: 16 * 1024 * 1024,
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
}

/// Read one file's text into documents.
pub fn parse(file: FileId, text: &str, limits: Limits) -> Parsed {
    let mut loader = Loader {
        file,
        limits,
        anchors: HashMap::new(),
        log: Vec::new(),
        open_anchors: 0,
        alias_nodes: limits.max_alias_nodes,
        alias_bytes: limits.max_alias_bytes,
        replay: None,
        stack: Vec::new(),
        diagnostics: Vec::new(),
    };
    let mut parsed = Parsed::default();
    if text.len() > limits.max_file_bytes {
        parsed.diagnostics.push(Diagnostic::error(
            "limit",
            Span::file_start(file),
            format!(
                "file is {} bytes, over the limit of {} (raise `limits.maxFileBytes` in fanout.yaml)",
                text.len(),
                limits.max_file_bytes
            ),
        ));
        return parsed;
    }
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
        let result = match event {
            Event::DocumentStart(_) => {
                root = None;
                loader.anchors.clear();
                loader.log.clear();
                loader.open_anchors = 0;
                Ok(())
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
                Ok(())
            }
            Event::StreamStart | Event::StreamEnd | Event::Nothing => Ok(()),
            event => loader.read(event, yspan, &mut root),
        };
        if let Err(d) = result {
            parsed.diagnostics.push(d);
            parsed.documents.clear();
            return finish(parsed, loader);
        }
    }
    finish(parsed, loader)
}

#[cfg(test)]
mod tests;
