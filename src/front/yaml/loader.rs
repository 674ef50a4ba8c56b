//! The loader's machinery: the event loop over `saphyr-parser` that builds [`Node`]s on an explicit stack,
//! alias replay with its budgets, merge keys, duplicate keys, tags, and scan errors as located diagnostics.
//! [`super::parse`] drives it; the node types and limits are in the parent.

use super::*;

/// What a node costs when an alias copies it, as the alias budgets count: nodes (a mapping entry is one
/// more than its value) and bytes of keys and strings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Size {
    pub(super) nodes: usize,
    pub(super) bytes: usize,
}

impl Size {
    const ONE: Size = Size { nodes: 1, bytes: 0 };

    pub(super) fn of_scalar(value: &Value) -> Size {
        match value {
            Value::Str(s) => Size {
                nodes: 1,
                bytes: s.len(),
            },
            _ => Size::ONE,
        }
    }

    pub(super) fn add(&mut self, other: Size) {
        self.nodes = self.nodes.saturating_add(other.nodes);
        self.bytes = self.bytes.saturating_add(other.bytes);
    }
}

/// An anchor: the range of [`Loader::log`] that holds its node's events, and what replaying them builds.
#[derive(Clone, Copy, Debug)]
pub(super) struct Anchor {
    pub(super) events: (usize, usize),
    pub(super) size: Size,
}

/// The alias being expanded: where it is, and how deep the stack was when it started (frames above are
/// part of the copy).
#[derive(Clone, Copy, Debug)]
pub(super) struct Replay {
    pub(super) alias: Span,
    pub(super) depth: usize,
}

pub(super) enum Frame {
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

pub(super) struct Loader<'t> {
    pub(super) file: FileId,
    pub(super) limits: Limits,
    pub(super) anchors: HashMap<usize, Anchor>,
    /// The events of the current document's anchored nodes, in order, which aliases replay. Scalars borrow
    /// from the text where the parser could, so the log costs little more than the events' structure.
    pub(super) log: Vec<(Event<'t>, YSpan)>,
    /// anchored collections still open: while there are any, every event goes to the log
    pub(super) open_anchors: usize,
    pub(super) alias_nodes: usize,
    pub(super) alias_bytes: usize,
    pub(super) replay: Option<Replay>,
    pub(super) stack: Vec<Frame>,
    pub(super) diagnostics: Vec<Diagnostic>,
}

pub(super) fn finish(mut parsed: Parsed, loader: Loader) -> Parsed {
    parsed.diagnostics.extend(loader.diagnostics);
    if crate::diagnostic::has_errors(&parsed.diagnostics) {
        parsed.documents.clear();
    }
    parsed
}

/// The reader's own syntax errors, reworded where fanout knows better.
pub(super) fn scan_error(file: FileId, text: &str, pos: Pos, info: &str) -> Diagnostic {
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

pub(super) fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl<'t> Loader<'t> {
    pub(super) fn span(&self, s: YSpan) -> Span {
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
    pub(super) fn read(
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
    pub(super) fn build(
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
    pub(super) fn open_anchor(&mut self, anchor: usize) -> Option<(usize, usize)> {
        if anchor == 0 || self.replay.is_some() {
            return None;
        }
        self.open_anchors += 1;
        Some((anchor, self.log.len() - 1))
    }

    pub(super) fn push(&mut self, frame: Frame, span: Span) -> Result<(), Diagnostic> {
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

    pub(super) fn pop(&mut self, end: Span) -> Option<(Node, Size)> {
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
    pub(super) fn alias(
        &mut self,
        id: usize,
        span: Span,
        root: &mut Option<Node>,
    ) -> Result<(), Diagnostic> {
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

    pub(super) fn replay_events(
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

    pub(super) fn check_tag(
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
    pub(super) fn scalar(
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
    pub(super) fn attach(
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
