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

/// What a node costs when an alias copies it, as the alias budgets count: nodes (a mapping entry is one
/// more than its value) and bytes of keys and strings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Size {
    nodes: usize,
    bytes: usize,
}

impl Size {
    const ONE: Size = Size { nodes: 1, bytes: 0 };

    fn of_scalar(value: &Value) -> Size {
        match value {
            Value::Str(s) => Size {
                nodes: 1,
                bytes: s.len(),
            },
            _ => Size::ONE,
        }
    }

    fn add(&mut self, other: Size) {
        self.nodes = self.nodes.saturating_add(other.nodes);
        self.bytes = self.bytes.saturating_add(other.bytes);
    }
}

/// An anchor: the range of [`Loader::log`] that holds its node's events, and what replaying them builds.
#[derive(Clone, Copy, Debug)]
struct Anchor {
    events: (usize, usize),
    size: Size,
}

/// The alias being expanded: where it is, and how deep the stack was when it started (frames above are
/// part of the copy).
#[derive(Clone, Copy, Debug)]
struct Replay {
    alias: Span,
    depth: usize,
}

enum Frame {
    Seq {
        items: Vec<Node>,
        start: Pos,
        /// the anchor's id and the index of this node's first event in the log
        anchor: Option<(usize, usize)>,
        size: Size,
    },
    Map {
        entries: Vec<(Key, Node)>,
        index: HashMap<String, usize>,
        /// keys that came from a `<<` merge and may still be overridden
        merged: Vec<bool>,
        key: Option<Key>,
        start: Pos,
        anchor: Option<(usize, usize)>,
        size: Size,
    },
}

struct Loader<'t> {
    file: FileId,
    limits: Limits,
    anchors: HashMap<usize, Anchor>,
    /// The events of the current document's anchored nodes, in order, which aliases replay. Scalars borrow
    /// from the text where the parser could, so the log costs little more than the events' structure.
    log: Vec<(Event<'t>, YSpan)>,
    /// anchored collections still open: while there are any, every event goes to the log
    open_anchors: usize,
    alias_nodes: usize,
    alias_bytes: usize,
    replay: Option<Replay>,
    stack: Vec<Frame>,
    diagnostics: Vec<Diagnostic>,
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

impl<'t> Loader<'t> {
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

    /// An event from the file: logged if an alias may replay it, then built, aliases expanded.
    fn read(
        &mut self,
        event: Event<'t>,
        yspan: YSpan,
        root: &mut Option<Node>,
    ) -> Result<(), Diagnostic> {
        let anchored = matches!(
            event,
            Event::Scalar(_, _, a, _) | Event::SequenceStart(a, _) | Event::MappingStart(a, _) if a > 0
        );
        if anchored || self.open_anchors > 0 {
            self.log.push((event.clone(), yspan));
        }
        match event {
            Event::Alias(id) => {
                let span = self.span(yspan);
                self.alias(id, span, root)
            }
            event => self.build(event, yspan, root),
        }
    }

    /// Build from one event that is not an alias: a scalar, or the start or end of a collection.
    fn build(
        &mut self,
        event: Event<'t>,
        yspan: YSpan,
        root: &mut Option<Node>,
    ) -> Result<(), Diagnostic> {
        let span = self.span(yspan);
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                let node = self.scalar(
                    text,
                    style,
                    tag.as_deref()
                        .map(|t| (t.handle.as_str(), t.suffix.as_str())),
                    span,
                )?;
                let size = Size::of_scalar(&node.value);
                if anchor > 0 && self.replay.is_none() {
                    // `read` logged this event last
                    let at = self.log.len() - 1;
                    self.anchors.insert(
                        anchor,
                        Anchor {
                            events: (at, at + 1),
                            size,
                        },
                    );
                }
                self.attach(node, size, root)
            }
            Event::SequenceStart(anchor, tag) => {
                self.check_tag(
                    tag.as_deref()
                        .map(|t| (t.handle.as_str(), t.suffix.as_str())),
                    "seq",
                    span,
                )?;
                let anchor = self.open_anchor(anchor);
                self.push(
                    Frame::Seq {
                        items: Vec::new(),
                        start: span.start,
                        anchor,
                        size: Size::ONE,
                    },
                    span,
                )
            }
            Event::MappingStart(anchor, tag) => {
                self.check_tag(
                    tag.as_deref()
                        .map(|t| (t.handle.as_str(), t.suffix.as_str())),
                    "map",
                    span,
                )?;
                let anchor = self.open_anchor(anchor);
                self.push(
                    Frame::Map {
                        entries: Vec::new(),
                        index: HashMap::new(),
                        merged: Vec::new(),
                        key: None,
                        start: span.start,
                        anchor,
                        size: Size::ONE,
                    },
                    span,
                )
            }
            Event::SequenceEnd | Event::MappingEnd => match self.pop(span) {
                Some((node, size)) => self.attach(node, size, root),
                None => Ok(()),
            },
            Event::Alias(_)
            | Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart(_)
            | Event::DocumentEnd
            | Event::Nothing => Ok(()),
        }
    }

    /// The anchor of a collection that starts now (`read` logged its start event last), unless this is a
    /// replay: the anchors of a copy are the original's.
    fn open_anchor(&mut self, anchor: usize) -> Option<(usize, usize)> {
        if anchor == 0 || self.replay.is_some() {
            return None;
        }
        self.open_anchors += 1;
        Some((anchor, self.log.len() - 1))
    }

    fn push(&mut self, frame: Frame, span: Span) -> Result<(), Diagnostic> {
        if self.stack.len() >= self.limits.max_depth {
            // inside an alias, the nesting is the copy's: point at the alias that makes it
            let (span, what) = match self.replay {
                Some(r) => (r.alias, " once this alias is expanded"),
                None => (span, ""),
            };
            return Err(Diagnostic::error(
                "limit",
                span,
                format!(
                    "nesting deeper than {} levels{what} (raise `limits.maxDepth` in fanout.yaml)",
                    self.limits.max_depth
                ),
            ));
        }
        self.stack.push(frame);
        Ok(())
    }

    fn pop(&mut self, end: Span) -> Option<(Node, Size)> {
        let frame = self.stack.pop()?;
        let (value, start, anchor, size) = match frame {
            Frame::Seq {
                items,
                start,
                anchor,
                size,
            } => (Value::Seq(items), start, anchor, size),
            Frame::Map {
                entries,
                start,
                anchor,
                size,
                ..
            } => (Value::Map(entries), start, anchor, size),
        };
        if let Some((id, first)) = anchor {
            // `read` logged the end event last: the anchor's events are complete
            self.open_anchors -= 1;
            self.anchors.insert(
                id,
                Anchor {
                    events: (first, self.log.len()),
                    size,
                },
            );
        }
        let node = Node {
            value,
            span: Span {
                file: self.file,
                start,
                end: end.end.max(start),
            },
        };
        Some((node, size))
    }

    /// Expand an alias: charge its copy to the budgets, then replay its anchor's events (and those of the
    /// aliases among them, which the charge already includes).
    fn alias(&mut self, id: usize, span: Span, root: &mut Option<Node>) -> Result<(), Diagnostic> {
        let Some(anchor) = self.anchors.get(&id).copied() else {
            return Err(Diagnostic::error(
                "yaml",
                span,
                "alias to an unknown anchor",
            ));
        };
        if anchor.size.nodes > self.alias_nodes {
            return Err(Diagnostic::error(
                "limit",
                span,
                format!(
                    "aliases expand to more than {} nodes (raise `limits.maxAliasNodes` in fanout.yaml)",
                    self.limits.max_alias_nodes
                ),
            ));
        }
        if anchor.size.bytes > self.alias_bytes {
            return Err(Diagnostic::error(
                "limit",
                span,
                format!(
                    "aliases copy more than {} bytes of keys and strings (raise `limits.maxAliasBytes` in fanout.yaml)",
                    self.limits.max_alias_bytes
                ),
            ));
        }
        self.alias_nodes -= anchor.size.nodes;
        self.alias_bytes -= anchor.size.bytes;
        self.replay = Some(Replay {
            alias: span,
            depth: self.stack.len(),
        });
        let result = self.replay_events(anchor.events, root);
        self.replay = None;
        result
    }

    fn replay_events(
        &mut self,
        events: (usize, usize),
        root: &mut Option<Node>,
    ) -> Result<(), Diagnostic> {
        // Anchors are only known once complete, so a range holds aliases of earlier anchors only: the
        // ranges cannot cycle, and all the work is within the budget just charged.
        let mut ranges = vec![events];
        while let Some(range) = ranges.last_mut() {
            let next = (range.0 < range.1).then(|| self.log.get(range.0)).flatten();
            let Some((event, yspan)) = next.cloned() else {
                ranges.pop();
                continue;
            };
            range.0 += 1;
            match event {
                Event::Alias(id) => match self.anchors.get(&id) {
                    Some(inner) => ranges.push(inner.events),
                    None => {
                        return Err(Diagnostic::error(
                            "yaml",
                            self.span(yspan),
                            "alias to an unknown anchor",
                        ));
                    }
                },
                event => self.build(event, yspan, root)?,
            }
        }
        Ok(())
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

    /// A scalar's node. Strings take the event's text rather than a copy of it: a long one is already
    /// held by the parser, and by the log if it is anchored.
    fn scalar(
        &mut self,
        text: Cow<'t, str>,
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
            Some(Ok("str" | "binary" | "timestamp")) => {
                return Ok(Node {
                    value: Value::Str(text.into_owned()),
                    span,
                });
            }
            Some(Ok(t @ ("int" | "float" | "bool" | "null"))) => {
                let v = resolve_plain(&text);
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
                let v = resolve_plain(&text);
                // a copy made by an alias was warned about where its anchor is
                if self.replay.is_none()
                    && let Some(note) = crate::front::yaml11::ambiguity(&text, &v)
                {
                    self.diagnostics.push(Diagnostic::warning(
                        "ambiguous-scalar",
                        span,
                        format!("`{text}` {note}; quote it to make the intent explicit"),
                    ));
                }
                v
            }
            None => {
                return Ok(Node {
                    value: Value::Str(text.into_owned()),
                    span,
                });
            }
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
    fn attach(
        &mut self,
        node: Node,
        size: Size,
        root: &mut Option<Node>,
    ) -> Result<(), Diagnostic> {
        // inside a copy, duplicate keys were reported where the anchor is
        let copying = self.replay.is_some_and(|r| self.stack.len() > r.depth);
        match self.stack.last_mut() {
            None => {
                *root = Some(node);
                Ok(())
            }
            Some(Frame::Seq {
                items, size: total, ..
            }) => {
                items.push(node);
                total.add(size);
                Ok(())
            }
            Some(Frame::Map {
                entries,
                index,
                merged,
                key,
                size: total,
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
                    let span = node.span;
                    let sources: Vec<Node> = match node.value {
                        Value::Map(_) => vec![node],
                        Value::Seq(items) => items,
                        _ => Vec::new(),
                    };
                    if sources.is_empty()
                        || sources.iter().any(|n| !matches!(n.value, Value::Map(_)))
                    {
                        return Err(Diagnostic::error(
                            "yaml",
                            span,
                            "a `<<` merge key needs a mapping or a list of mappings",
                        ));
                    }
                    // an upper bound of what the merged entries count: the merged mappings themselves
                    total.add(size);
                    for source in sources {
                        if let Value::Map(source_entries) = source.value {
                            for (mk, mv) in source_entries {
                                if !index.contains_key(&mk.text) {
                                    index.insert(mk.text.clone(), entries.len());
                                    entries.push((mk, mv));
                                    merged.push(true);
                                }
                            }
                        }
                    }
                    Ok(())
                }
                Some(k) => {
                    total.add(Size {
                        nodes: size.nodes.saturating_add(1),
                        bytes: size.bytes.saturating_add(k.text.len()),
                    });
                    match index.get(&k.text) {
                        Some(&i) if merged[i] => {
                            entries[i] = (k, node);
                            merged[i] = false;
                        }
                        Some(_) if copying => {}
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

#[cfg(test)]
mod tests;
