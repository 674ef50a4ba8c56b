use super::*;

fn parse_ok(text: &str) -> Vec<Document> {
    let parsed = parse(FileId(0), text, Limits::default());
    assert!(
        !crate::diagnostic::has_errors(&parsed.diagnostics),
        "{:?}",
        parsed.diagnostics
    );
    parsed.documents
}

fn parse_err(text: &str) -> Diagnostic {
    first_error(parse(FileId(0), text, Limits::default()))
}

#[test]
fn keys_and_values_keep_positions() {
    let docs = parse_ok("a: 1\nspec:\n  replicas: \"three\"\n");
    let root = &docs[0].root;
    let (key, value) = root.at_pointer("/spec/replicas").unwrap();
    let key = key.unwrap();
    assert_eq!((key.span.start.line, key.span.start.col), (3, 3));
    assert_eq!((value.span.start.line, value.span.start.col), (3, 13));
    assert_eq!(value.span.end.col, 20);
    assert_eq!(value.as_str(), Some("three"));
}

#[test]
fn multi_document_streams_skip_empty_documents() {
    let docs = parse_ok("---\na: 1\n---\n# only a comment\n---\nb: 2\n...\n");
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0].index, 0);
    assert_eq!(docs[1].index, 2);
}

#[test]
fn core_schema_scalars() {
    let docs = parse_ok(
        "a: 1\nb: -2.5\nc: true\nd: ~\ne: '1'\nf: 0x1f\ng: 1e3\nh: hello\ni: 12:30\nj: 99999999999999999999\n",
    );
    let j = docs[0].root.to_json();
    assert_eq!(j["a"], 1);
    assert_eq!(j["b"], -2.5);
    assert_eq!(j["c"], true);
    assert!(j["d"].is_null());
    assert_eq!(j["e"], "1");
    assert_eq!(j["f"], 31);
    assert_eq!(j["g"], 1000.0);
    assert_eq!(j["h"], "hello");
    assert_eq!(j["i"], "12:30");
    assert!(j["j"].is_f64());
}

#[test]
fn yaml11_ambiguities_warn() {
    let parsed = parse(
        FileId(0),
        "a: yes\nb: 017\nc: 1_000\nd: 'yes'\n",
        Limits::default(),
    );
    let lines: Vec<u32> = parsed
        .diagnostics
        .iter()
        .filter(|d| d.code == "ambiguous-scalar")
        .map(|d| d.span.unwrap().start.line)
        .collect();
    assert_eq!(lines, vec![1, 2, 3]);
    assert_eq!(parsed.documents[0].root.to_json()["b"], 17);
}

#[test]
fn duplicate_keys_are_errors_naming_both() {
    let d = parse_err("a: 1\nb: 2\na: 3\n");
    assert_eq!(d.message, "duplicate key `a`");
    assert_eq!(d.span.unwrap().start.line, 3);
    assert_eq!(d.related[0].0.start.line, 1);
}

#[test]
fn merge_keys_and_aliases() {
    let docs = parse_ok("base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  y: 3\nd: *b\n");
    let j = docs[0].root.to_json();
    assert_eq!(j["c"], serde_json::json!({"x": 1, "y": 3}));
    assert_eq!(j["d"], serde_json::json!({"x": 1, "y": 2}));
}

#[test]
fn billion_laughs_is_a_clean_error_quickly() {
    let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let prev = format!("*a{}", i - 1);
        text.push_str(&format!(
            "a{i}: &a{i} [{}]\n",
            [prev.as_str(); 10].join(", ")
        ));
    }
    let started = std::time::Instant::now();
    let d = parse_err(&text);
    assert_eq!(d.code, "limit");
    assert!(d.message.contains("maxAliasNodes"), "{}", d.message);
    assert!(started.elapsed().as_secs() < 2);
}

#[test]
fn deep_nesting_is_a_clean_error() {
    let depth = 20_000;
    let text = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    // flow nesting is stopped by the parser's own guard or ours; either way a located error
    let d = parse_err(&text);
    assert!(
        d.span.is_some() && matches!(d.code, "limit" | "yaml"),
        "{d:?}"
    );
    let block: String = (0..20_000)
        .map(|i| format!("{}k:\n", " ".repeat(i)))
        .collect();
    assert_eq!(parse_err(&block).code, "limit");
}

/// Take a tree apart without recursion: the reader may build one deeper than recursive code can drop.
fn dismantle(documents: Vec<Document>) {
    let mut nodes: Vec<Node> = documents.into_iter().map(|d| d.root).collect();
    while let Some(node) = nodes.pop() {
        match node.value {
            Value::Seq(items) => nodes.extend(items),
            Value::Map(entries) => nodes.extend(entries.into_iter().map(|(_, v)| v)),
            _ => {}
        }
    }
}

/// The reader itself never overflows the stack, whatever the depth limit (issue #13, item 8): the
/// loader is iterative, and the parser under it keeps its state on the heap for block collections and
/// stops flow collections at 255 levels. Run on a thread of the default 2 MiB (rayon's, which parses
/// files) and one of 8 MiB (the main thread's), with no depth limit at all.
#[test]
fn the_reader_never_overflows_whatever_the_limit() {
    let unlimited = Limits {
        max_depth: usize::MAX,
        max_file_bytes: usize::MAX,
        ..Limits::default()
    };
    let depth = 20_000;
    let flow = format!("a: {}{}\n", "[".repeat(depth), "]".repeat(depth));
    let block_sequences = format!("a:\n{}x\n", "- ".repeat(depth));
    // indentation grows a column per level: 4,000 levels are 8 MB of text
    let block_mappings: String = (0..4_000)
        .map(|i| format!("{}k:\n", " ".repeat(i)))
        .collect();
    for stack in [2 << 20, 8 << 20] {
        let (flow, block_sequences, block_mappings) = (
            flow.clone(),
            block_sequences.clone(),
            block_mappings.clone(),
        );
        std::thread::Builder::new()
            .stack_size(stack)
            .spawn(move || {
                let parsed = parse(FileId(0), &flow, unlimited);
                let d = first_error(parsed);
                assert_eq!(d.code, "limit", "{d:?}");
                assert!(d.message.contains("255 levels"), "{}", d.message);
                for (text, levels) in [(&block_sequences, depth + 1), (&block_mappings, 4_000)] {
                    let parsed = parse(FileId(0), text, unlimited);
                    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
                    let mut node = &parsed.documents[0].root;
                    let mut found = 0;
                    loop {
                        node = match &node.value {
                            Value::Seq(items) => &items[0],
                            Value::Map(entries) => &entries[0].1,
                            _ => break,
                        };
                        found += 1;
                    }
                    assert_eq!(found, levels);
                    dismantle(parsed.documents);
                }
                // under the ceiling's limit, the same inputs are located errors
                let ceiling = Limits {
                    max_depth: crate::front::config::MAX_DEPTH_CEILING,
                    ..unlimited
                };
                let d = first_error(parse(FileId(0), &block_sequences, ceiling));
                assert_eq!(d.code, "limit");
                assert_eq!(d.span.unwrap().start.line, 2);
                assert!(
                    d.message.contains("deeper than 1000 levels"),
                    "{}",
                    d.message
                );
                let d = first_error(parse(FileId(0), &block_mappings, ceiling));
                assert_eq!((d.code, d.span.unwrap().start.line), ("limit", 1001));
            })
            .unwrap()
            .join()
            .unwrap();
    }
}

#[test]
fn syntax_errors_are_located() {
    let d = parse_err("a: [1, 2\nb: 3\n");
    assert_eq!(d.code, "yaml");
    assert!(d.message.starts_with("invalid YAML"), "{}", d.message);
    assert!(d.span.is_some());
}

#[test]
fn unknown_tags_and_complex_keys_are_errors() {
    assert!(
        parse_err("a: !custom x\n")
            .message
            .contains("unsupported tag")
    );
    assert!(
        parse_err("? [a, b]\n: c\n")
            .message
            .contains("complex mapping keys")
    );
    assert!(
        parse_err("a: .nan\n")
            .message
            .contains("cannot be represented")
    );
}

#[test]
fn document_limit() {
    let limits = Limits {
        max_documents: 2,
        ..Limits::default()
    };
    let parsed = parse(FileId(0), "a: 1\n---\nb: 1\n---\nc: 1\n", limits);
    assert!(parsed.documents.is_empty());
    assert!(parsed.diagnostics[0].message.contains("maxDocuments"));
}

#[test]
fn pointer_lookup_escapes() {
    let docs = parse_ok("metadata:\n  labels:\n    app.kubernetes.io/name: web\n");
    let (k, v) = docs[0]
        .root
        .at_pointer("/metadata/labels/app.kubernetes.io~1name")
        .unwrap();
    assert_eq!(k.unwrap().text, "app.kubernetes.io/name");
    assert_eq!(v.as_str(), Some("web"));
    assert_eq!(docs[0].root.span_at("/metadata/missing/x").start.line, 2);
}

/// Heap accounting for the tests of what the loader keeps in memory: the system allocator plus, per
/// thread (tests run in parallel), the net bytes allocated and their peak.
mod heap {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::cell::Cell;

    thread_local! {
        static LIVE: Cell<isize> = const { Cell::new(0) };
        static PEAK: Cell<isize> = const { Cell::new(0) };
    }

    fn count(delta: isize) {
        // `try_with`: an allocator must not panic, even while a thread is torn down
        let _ = LIVE.try_with(|live| {
            let now = live.get() + delta;
            live.set(now);
            let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
        });
    }

    struct Counting;

    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            count(layout.size() as isize);
            unsafe { System.alloc(layout) }
        }

        unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
            count(layout.size() as isize);
            unsafe { System.alloc_zeroed(layout) }
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            count(-(layout.size() as isize));
            unsafe { System.dealloc(ptr, layout) }
        }

        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            count(new_size as isize - layout.size() as isize);
            unsafe { System.realloc(ptr, layout, new_size) }
        }
    }

    #[global_allocator]
    static COUNTING: Counting = Counting;

    /// The most bytes that `f` had allocated at once on this thread, beyond what was live before.
    pub fn peak<T>(f: impl FnOnce() -> T) -> (T, usize) {
        let before = LIVE.with(Cell::get);
        PEAK.with(|p| p.set(before));
        let out = f();
        let peak = PEAK.with(Cell::get) - before;
        (out, usize::try_from(peak).unwrap_or(0))
    }
}

fn with_limits(limits: Limits, text: &str) -> Parsed {
    parse(FileId(0), text, limits)
}

fn first_error(parsed: Parsed) -> Diagnostic {
    assert!(parsed.documents.is_empty());
    parsed
        .diagnostics
        .into_iter()
        .find(Diagnostic::is_error)
        .expect("an error")
}

#[test]
fn aliases_of_a_long_string_are_charged_its_bytes() {
    // fuzz/oom's alias-long-scalar, scaled down: few nodes, many bytes
    let long = "x".repeat(100);
    let text = format!(
        "a: &a \"{long}\"\nb: &b [{}]\nc: [*b, *b]\n",
        ["*a"; 10].join(", ")
    );
    let limits = Limits {
        max_alias_bytes: 1000,
        ..Limits::default()
    };
    let d = first_error(with_limits(limits, &text));
    assert_eq!(d.code, "limit");
    assert_eq!(
        d.message,
        "aliases copy more than 1000 bytes of keys and strings (raise `limits.maxAliasBytes` in fanout.yaml)"
    );
    let span = d.span.unwrap();
    assert_eq!((span.start.line, span.start.col), (3, 5));
    assert_eq!(span.end.col, 7);
    // the same file with room for it reads whole
    let parsed = with_limits(
        Limits {
            max_alias_bytes: 3000,
            ..Limits::default()
        },
        &text,
    );
    assert!(!crate::diagnostic::has_errors(&parsed.diagnostics));
    let j = parsed.documents[0].root.to_json();
    assert_eq!(j["c"][1][9], serde_json::json!(long));
}

#[test]
fn alias_bytes_count_keys_and_nested_copies_once() {
    // 50 nested anchors around one 100-byte string: an alias of the outermost copies it once
    let mut text = String::from("x: ");
    for i in 0..50 {
        text.push_str(&format!("&a{i} ["));
    }
    text.push_str(&format!("\"{}\"", "s".repeat(100)));
    text.push_str(&"]".repeat(50));
    text.push_str("\ny: *a0\nz: &m {key: v}\nw: *m\n");
    let at = |bytes| {
        with_limits(
            Limits {
                max_alias_bytes: bytes,
                ..Limits::default()
            },
            &text,
        )
    };
    // 100 for the string, 4 for `key` and `v`
    assert!(!crate::diagnostic::has_errors(&at(104).diagnostics));
    let d = first_error(at(103));
    assert!(d.message.contains("maxAliasBytes"), "{}", d.message);
    assert_eq!(d.span.unwrap().start.line, 4);
    assert_eq!(first_error(at(99)).span.unwrap().start.line, 2);
}

#[test]
fn nested_anchors_share_their_text() {
    // fuzz/oom's nested-anchors, scaled down: every anchor used to keep a copy of its subtree
    let depth = 64;
    let long = "x".repeat(1 << 20);
    let text = format!(
        "{}\"{long}\"{}\n",
        (0..depth).map(|i| format!("&a{i} [")).collect::<String>(),
        "]".repeat(depth)
    );
    let (parsed, peak) = heap::peak(|| parse(FileId(0), &text, Limits::default()));
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    let mut node = &parsed.documents[0].root;
    for _ in 0..depth {
        match &node.value {
            Value::Seq(items) => node = &items[0],
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(node.as_str().map(str::len), Some(1 << 20));
    // the string once in the node and once in the record of anchored events (2x), not once per anchor
    assert!(
        peak < 3 * text.len(),
        "peak {peak} for {} bytes",
        text.len()
    );
}

#[test]
fn copies_are_built_like_the_original() {
    let docs = parse_ok(
        "a: &a {k: [1, 2], s: text}\nb: &b [*a, *a]\nc:\n  <<: *a\n  s: other\nd: [*b, *b]\n&n name: *a\n",
    );
    let j = docs[0].root.to_json();
    let a = serde_json::json!({"k": [1, 2], "s": "text"});
    assert_eq!(j["b"], serde_json::json!([a, a]));
    assert_eq!(j["c"], serde_json::json!({"k": [1, 2], "s": "other"}));
    assert_eq!(j["d"], serde_json::json!([[a, a], [a, a]]));
    assert_eq!(j["name"], a);
    // a copy keeps the spans of what it copies
    let (_, copy) = docs[0].root.at_pointer("/d/1/0/s").unwrap();
    assert_eq!((copy.span.start.line, copy.span.start.col), (1, 22));
}

#[test]
fn copies_do_not_repeat_diagnostics() {
    let parsed = parse(
        FileId(0),
        "a: &a {x: yes, x: 2}\nb: *a\nc: [*a, *a]\n",
        Limits::default(),
    );
    let count = |code: &str| parsed.diagnostics.iter().filter(|d| d.code == code).count();
    assert_eq!(count("yaml"), 1, "{:?}", parsed.diagnostics);
    assert_eq!(count("ambiguous-scalar"), 1, "{:?}", parsed.diagnostics);
    // a duplicate made by the alias itself is still one
    let d = parse_err("a: &a 1\nb: 2\nb: *a\n");
    assert_eq!(d.message, "duplicate key `b`");
    assert_eq!(d.span.unwrap().start.line, 3);
}

#[test]
fn nesting_made_by_an_alias_is_limited_at_the_alias() {
    let limits = Limits {
        max_depth: 4,
        ..Limits::default()
    };
    assert!(
        with_limits(limits, "a: &a [[[x]]]\n")
            .diagnostics
            .is_empty()
    );
    let d = first_error(with_limits(limits, "a: &a [[[x]]]\nb: [[*a]]\n"));
    assert_eq!(
        d.message,
        "nesting deeper than 4 levels once this alias is expanded (raise `limits.maxDepth` in fanout.yaml)"
    );
    let span = d.span.unwrap();
    assert_eq!((span.start.line, span.start.col), (2, 6));
}

#[test]
fn text_over_the_file_limit_is_refused() {
    let limits = Limits {
        max_file_bytes: 8,
        ..Limits::default()
    };
    assert!(with_limits(limits, "a: 12345").diagnostics.is_empty());
    let d = first_error(with_limits(limits, "a: 123456"));
    assert_eq!(
        d.message,
        "file is 9 bytes, over the limit of 8 (raise `limits.maxFileBytes` in fanout.yaml)"
    );
    assert_eq!(d.span.unwrap().start, crate::source::Pos::START);
}
