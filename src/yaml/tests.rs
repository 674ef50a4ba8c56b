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
    let parsed = parse(FileId(0), text, Limits::default());
    assert!(parsed.documents.is_empty());
    parsed
        .diagnostics
        .into_iter()
        .find(Diagnostic::is_error)
        .expect("an error")
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
