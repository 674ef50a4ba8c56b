use super::*;
use crate::source::SourceFile;

const F: FileId = FileId(0);

/// The text of each line with [`textual`]'s ranges replaced, as [`Masks::line`] shows it.
fn shown_textual(text: &str) -> Vec<String> {
    let mut sources = Sources::default();
    sources.add(SourceFile {
        rel_path: "s.yaml".into(),
        display_path: "s.yaml".into(),
        text: text.into(),
    });
    let masks = Masks::new(&sources);
    lines(text.strip_suffix('\n').unwrap_or(text))
        .enumerate()
        .map(|(i, l)| masks.line(F, i as u32 + 1, l).0.into_owned())
        .collect()
}

#[test]
fn textual_masks_values_under_data_and_string_data_of_secrets_only() {
    let text = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  token: Q0FOQVJZ!\n  # a comment\n\n  pem: |\n    CANARY line\n    key: CANARY\nstringData:\n  password: CANARY\n\tbad: CANARY\ntype: Opaque\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  plain: visible\n";
    let shown = shown_textual(text);
    let expected = [
        "apiVersion: v1",
        "kind: Secret",
        "metadata:",
        "  name: db",
        "data:",
        "  token: ***",
        "  # a comment",
        "",
        "  pem: ***",
        "    ***",
        "    ***",
        "stringData:",
        "  password: ***",
        "\t***",
        "type: Opaque",
        "---",
        "apiVersion: v1",
        "kind: ConfigMap",
        "metadata: {name: c}",
        "data:",
        "  plain: visible",
    ];
    assert_eq!(shown, expected);
}

#[test]
fn textual_reads_lists_flow_json_and_templates() {
    let list = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Secret\n  metadata: {name: a}\n  stringData:\n    a: CANARY\n- stringData:\n    b: CANARY\n  kind: \"Secret\"\n";
    let shown = shown_textual(list);
    assert_eq!(shown[7], "    a: ***");
    assert_eq!(shown[9], "    b: ***");
    let flow = "- {apiVersion: v1, kind: Secret, metadata: {name: a}, data: {a: CANARY,\n    b: CANARY}}\n";
    assert_eq!(
        shown_textual(flow),
        [
            "- {apiVersion: v1, kind: Secret, metadata: {name: a}, data: ***",
            "    b: ***"
        ]
    );
    let json = "{\n  \"kind\": \"Secret\",\n  \"data\": {\n    \"a\": \"CANARY\"\n  },\n  \"metadata\": {\"name\": \"m\"}\n}\n";
    let shown = shown_textual(json);
    assert_eq!(shown[3], "    \"a\": ***");
    assert_eq!(shown[5], "  \"metadata\": {\"name\": \"m\"}");
    let template = "apiVersion: v1\nkind: {{ \"Secret\" }}\nstringData:\n  password: CANARY-{{ cluster.name }}\n";
    assert_eq!(shown_textual(template)[3], "  password: ***");
}

#[test]
fn textual_ignores_texts_without_a_secret_kind() {
    for text in [
        "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: visible\n",
        "kind: SecretProviderClass\ndata:\n  a: visible\n",
        "metadata: {name: Secret}\ndata:\n  a: visible\n",
    ] {
        assert!(textual(F, text).is_empty(), "{text}");
    }
}

#[test]
fn lines_keep_keys_and_columns_follow_the_masks() {
    let mut sources = Sources::default();
    sources.add(SourceFile {
        rel_path: "s.yaml".into(),
        display_path: "s.yaml".into(),
        text: "a: {x: CANARY-LONG, y: 12}\n".into(),
    });
    let span = |from, to| Span {
        file: F,
        start: Pos { line: 1, col: from },
        end: Pos { line: 1, col: to },
    };
    sources.set_secret_values(F, vec![span(8, 19), span(24, 26)]);
    let masks = Masks::new(&sources);
    let (shown, ranges) = masks.line(F, 1, "a: {x: CANARY-LONG, y: 12}");
    assert_eq!(shown, "a: {x: ***, y: ***}");
    assert_eq!(ranges, [(8, 19), (24, 26)]);
    // before, inside and after a mask, and past a mask shorter than `***`
    let cols: Vec<u32> = [1, 8, 12, 19, 21, 24, 25, 26, 27]
        .iter()
        .map(|&c| column(&ranges, c))
        .collect();
    assert_eq!(cols, [1, 8, 10, 11, 13, 16, 17, 19, 20]);
    assert_eq!(masks.line(F, 2, "other").0, "other");
}

#[test]
fn block_scalars_are_masked_from_their_indentation() {
    let mut sources = Sources::default();
    let text = "pem: |\n  CANARY one\n  CANARY two\nnext: 1\n";
    sources.add(SourceFile {
        rel_path: "s.yaml".into(),
        display_path: "s.yaml".into(),
        text: text.into(),
    });
    // the reader's span of a block scalar: its first content line to where the next key starts
    sources.set_secret_values(
        F,
        vec![Span {
            file: F,
            start: Pos { line: 2, col: 3 },
            end: Pos { line: 4, col: 1 },
        }],
    );
    let masks = Masks::new(&sources);
    let shown: Vec<String> = lines(text.trim_end())
        .enumerate()
        .map(|(i, l)| masks.line(F, i as u32 + 1, l).0.into_owned())
        .collect();
    assert_eq!(shown, ["pem: |", "  ***", "  ***", "next: 1"]);
}

#[test]
fn messages_lose_the_values_they_quote() {
    let mut sources = Sources::default();
    sources.add(SourceFile {
        rel_path: "s.yaml".into(),
        display_path: "s.yaml".into(),
        text: "stringData:\n  enabled: on\n  password: \"hunter2-long\"\n  user: admin\n".into(),
    });
    let at = |line, from, to| Span {
        file: F,
        start: Pos { line, col: from },
        end: Pos { line, col: to },
    };
    sources.set_secret_values(F, vec![at(2, 12, 14), at(3, 13, 27), at(4, 9, 14)]);
    let masks = Masks::new(&sources);
    let on = masks.message("`on` is a string here", &[at(2, 12, 14)]);
    assert_eq!(on, "`***` is a string here");
    // a short value is masked only where the diagnostic points
    assert_eq!(
        masks.message("`on` and `admin`", &[at(5, 1, 2)]),
        "`on` and `admin`"
    );
    assert_eq!(
        masks.message("value admin here, `adm`", &[at(4, 3, 7)]),
        "value *** here, `***`"
    );
    // a long one is masked in every message, quoted or not
    assert_eq!(
        masks.message("copied hunter2-long to `x-hunter2-long`", &[]),
        "copied *** to `x-***`"
    );
    // keys stay
    assert_eq!(
        masks.message("duplicate key `password`", &[at(3, 3, 11)]),
        "duplicate key `password`"
    );
    assert_eq!(masks.message("a `b", &[at(2, 1, 2)]), "a `b");
}

proptest::proptest! {
    /// Any text, however broken, is masked without a panic, and a line's columns stay within it.
    #[test]
    fn any_text_is_masked_without_panicking(
        body in "([ \t\\-:{}\\[\\],'\"#a-zé]{0,12}(data|stringData|kind|Secret)?\n){0,12}",
    ) {
        let text = format!("kind: Secret\n{body}");
        let mut sources = Sources::default();
        sources.add(SourceFile {
            rel_path: "s.yaml".into(),
            display_path: "s.yaml".into(),
            text: text.clone(),
        });
        let masks = Masks::new(&sources);
        for (i, line) in lines(&text).enumerate() {
            let (shown, ranges) = masks.line(F, i as u32 + 1, line);
            let width = shown.chars().count() as u32;
            for col in 1..=line.chars().count() as u32 + 1 {
                proptest::prop_assert!(column(&ranges, col) <= width + 1);
            }
        }
    }
}
