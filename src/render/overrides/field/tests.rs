//! The field overrider: JSON and YAML output, field paths, YAML 1.1 input, and outputs of Karmada's own
//! libraries on the same inputs.

use super::*;
use serde_json::json;

fn field(path: &str, format: &str, list: &[(&str, &str, Value)]) -> api::FieldOverrider {
    let patches: Vec<api::FieldPatch> = list
        .iter()
        .map(|(op, sub, value)| api::FieldPatch {
            sub_path: (*sub).to_owned(),
            operator: (*op).to_owned(),
            value: (!value.is_null()).then(|| value.clone()),
        })
        .collect();
    api::FieldOverrider {
        field_path: path.into(),
        json: if format == "json" {
            patches.clone()
        } else {
            Vec::new()
        },
        yaml: if format == "yaml" {
            patches
        } else {
            Vec::new()
        },
    }
}

fn yaml_field(text: &str, list: &[(&str, &str, Value)]) -> Result<String, (String, String)> {
    let mut cm = json!({"kind": "ConfigMap", "data": {"f": text}});
    field_override(&mut cm, &field("/data/f", "yaml", list))?;
    Ok(cm["data"]["f"].as_str().unwrap().to_owned())
}

fn json_field(text: &str, list: &[(&str, &str, Value)]) -> Result<String, (String, String)> {
    let mut cm = json!({"kind": "ConfigMap", "data": {"f": text}});
    field_override(&mut cm, &field("/data/f", "json", list))?;
    Ok(cm["data"]["f"].as_str().unwrap().to_owned())
}

#[test]
fn field_overrider_json_output() {
    // Key order kept, new keys last, compact, Go's HTML escaping.
    assert_eq!(
        json_field(
            "{\n  \"z\": 1,\n  \"a\": {\"k\": [1, 2]},\n  \"m\": \"x\"\n}",
            &[
                ("add", "/b", json!("<a&b>")),
                ("remove", "/a/k/0", Value::Null),
                ("replace", "/z", json!(1.5))
            ]
        ),
        Ok(r#"{"z":1.5,"a":{"k":[2]},"m":"x","b":"\u003ca\u0026b\u003e"}"#.to_owned())
    );
    assert_eq!(
        json_field("[1]", &[("add", "/0", json!({"t": "\u{1}\n\u{2028}é"}))]),
        Ok("[{\"t\":\"\\u0001\\n\\u2028é\"},1]".to_owned())
    );
    // Go's float formatting.
    assert_eq!(
        json_field(
            "{}",
            &[(
                "add",
                "/a",
                json!([1e21, 1e-7, 0.000001, 123456789.0, -2.5e-9])
            )]
        ),
        Ok(r#"{"a":[1e+21,1e-7,0.000001,123456789,-2.5e-9]}"#.to_owned())
    );
    // Untouched values keep their spelling (checked against evanphx/json-patch v5.9.11).
    assert_eq!(
        json_field(
            r#"{"a": 1.0, "b": 10.50, "c": "\u00e9<", "l": [1.50]}"#,
            &[("add", "/d", json!(1))]
        ),
        Ok(r#"{"a":1.0,"b":10.50,"c":"\u00e9\u003c","l":[1.50],"d":1}"#.to_owned())
    );
    // Empty text is left alone; no operations blank the field.
    assert_eq!(
        json_field("", &[("add", "/a", json!(1))]),
        Ok(String::new())
    );
    let mut cm = json!({"kind": "ConfigMap", "data": {"f": "{\"a\":1}"}});
    field_override(&mut cm, &field("/data/f", "json", &[])).unwrap();
    assert_eq!(cm["data"]["f"], "");
    // Errors.
    assert_eq!(
        json_field("{", &[("add", "/a", json!(1))]).unwrap_err().0,
        ""
    );
    assert!(
        json_field("{", &[("add", "/a", json!(1))])
            .unwrap_err()
            .1
            .starts_with("field `/data/f`: not valid JSON: ")
    );
    assert_eq!(
        json_field(" [1]", &[("add", "/0", json!(1))]),
        Err((String::new(), "field `/data/f`: not a JSON object".into()))
    );
    assert_eq!(
        json_field("{}", &[("replace", "/a", json!(1))]),
        Err((
            "/json/0".into(),
            "json patch `replace` at `/a`: path does not exist".into()
        ))
    );
}

#[test]
fn field_overrider_paths() {
    let mut object =
        json!({"kind": "X", "spec": {"list": ["{}", 3], "n": null}, "a/b": {"~": "{}"}});
    let add = [("add", "/k", json!(true))];
    field_override(&mut object, &field("/spec/list/0", "json", &add)).unwrap();
    field_override(&mut object, &field("/a~1b/~0", "json", &add)).unwrap();
    assert_eq!(object["spec"]["list"][0], r#"{"k":true}"#);
    assert_eq!(object["a/b"]["~"], r#"{"k":true}"#);
    let errors = [
        ("/spec/list/1", "field `/spec/list/1` is not a string"),
        ("/spec/list/2", "field `/spec/list/2` does not exist"),
        ("/spec/n", "field `/spec/n` is not a string"),
        ("/spec/n/x", "field `/spec/n/x` does not exist"),
        ("/nope", "field `/nope` does not exist"),
        ("", "field `` is not a string"),
        ("spec", "field path `spec` must start with `/`"),
    ];
    for (path, message) in errors {
        assert_eq!(
            field_override(&mut object, &field(path, "json", &add)),
            Err((String::new(), message.to_owned())),
            "{path}"
        );
    }
}

#[test]
fn field_overrider_yaml_output() {
    // yaml.v2 key order: letters before other characters, digit runs as numbers.
    assert_eq!(
        yaml_field(
            "b10: 1\nb9: 2\na: 3\n_x: 4\n\"1\": 5\nB: 6\n",
            &[("add", "/c", json!("z"))]
        ),
        Ok("_x: 4\n\"1\": 5\nB: 6\na: 3\nb9: 2\nb10: 1\nc: z\n".to_owned())
    );
    // Nested maps and unindented sequences, 2-space indent.
    assert_eq!(
        yaml_field(
            "server:\n    ports:\n        - 80\n        - name: https\n          port: 443\n",
            &[("add", "/server/host", json!("example.com"))]
        ),
        Ok(
            "server:\n  host: example.com\n  ports:\n  - 80\n  - name: https\n    port: 443\n"
                .to_owned()
        )
    );
    // Strings that would read as something else are double-quoted, strings plain YAML cannot hold
    // single-quoted, multi-line strings are literal blocks.
    assert_eq!(
        yaml_field(
            "a: x\n",
            &[
                ("add", "/bool", json!("yes")),
                ("add", "/num", json!("1.0")),
                ("add", "/date", json!("2001-12-14")),
                ("add", "/colon", json!("a: b")),
                ("add", "/dash", json!("- x")),
                ("add", "/empty", json!("")),
                ("add", "/lines", json!("one\ntwo\n")),
            ]
        ),
        Ok("a: x\nbool: \"yes\"\ncolon: 'a: b'\ndash: '- x'\ndate: \"2001-12-14\"\nempty: \"\"\nlines: |\n  one\n  two\nnum: \"1.0\"\n".to_owned())
    );
    // Integral floats are written as integers (Go's JSON step turns them into integers).
    assert_eq!(
        yaml_field("a: 1.0\nb: 2.5\n", &[("add", "/c", json!(3.0))]),
        Ok("a: 1\nb: 2.5\nc: 3\n".to_owned())
    );
    // Whole documents.
    assert_eq!(
        yaml_field("", &[("add", "", json!({"a": []}))]),
        Ok("a: []\n".to_owned())
    );
    assert_eq!(
        yaml_field("- 1\n", &[("add", "/-", json!({}))]),
        Ok("- 1\n- {}\n".to_owned())
    );
    assert_eq!(
        yaml_field("just text", &[("add", "/a", json!(1))]),
        Err((
            String::new(),
            "field `/data/f`: not a YAML mapping or sequence".into()
        ))
    );
    assert!(
        yaml_field("a: [", &[("add", "/a", json!(1))])
            .unwrap_err()
            .1
            .starts_with("field `/data/f`: invalid YAML: ")
    );
    assert_eq!(
        yaml_field("a: .inf", &[("add", "/b", json!(1))]),
        Err((
            String::new(),
            "field `/data/f`: `.inf` cannot be represented in JSON, which Kubernetes objects are"
                .into()
        ))
    );
    assert_eq!(
        yaml_field("a: 1", &[("add", "/x/y", json!(1))]),
        Err((
            "/yaml/0".into(),
            "json patch `add` at `/x/y`: path does not exist".into()
        ))
    );
}

#[test]
fn field_overrider_reads_yaml_1_1() {
    // Plain scalars as yaml.v2 resolves them; quoted ones stay strings; anchors and aliases follow.
    assert_eq!(
        yaml_field(
            "a: yes\nb: 'yes'\nc: 017\nd: 1_000\ne: &x off\nf: *x\ng: 0x1F\nh: 08\non: k\ni: ~\nj: !!str no\n",
            &[("add", "/z", json!(0))]
        ),
        Ok("a: true\nb: \"yes\"\nc: 15\nd: 1000\ne: false\nf: false\ng: 31\nh: 8\ni: null\nj: \"no\"\n\"true\": k\nz: 0\n".to_owned())
    );
    assert_eq!(
        read_yaml11("1.5: a\n3: b\nnull: c\n"),
        Err("the mapping key `null` is null".into())
    );
    assert_eq!(
        read_yaml11("1.5: a\n3: b\n"),
        Ok(json!({"1.5": "a", "3": "b"}))
    );
    assert_eq!(read_yaml11("0.1: a\n"), Ok(json!({"0.1": "a"})));
    assert_eq!(
        read_yaml11("017: a\n1e3: b\n3.14159265358979: c\n'017': d\n"),
        Ok(json!({"15": "a", "1000": "b", "3.1415927": "c", "017": "d"}))
    );
    assert_eq!(read_yaml11("---\na: 1\n---\nb: 2\n"), Ok(json!({"a": 1})));
    assert_eq!(read_yaml11(""), Ok(Value::Null));
}

/// Outputs of Karmada's own libraries (go.yaml.in/yaml/v2 v2.4.4 behind sigs.k8s.io/yaml, evanphx/json-patch
/// v5.9.11), run on the same inputs.
#[test]
fn yaml_field_matches_yaml_v2() {
    let strings = [
        "plain",
        "with space",
        "a:b",
        "?x",
        " lead",
        "trail ",
        "# c",
        "a #c",
        "*ref",
        "---",
        "tab\there",
        "x\ny",
        "~x",
        "@x",
        "%x",
        "x \ny",
        "aé",
        "\u{a0}x",
        "1:20",
        "a\u{1}b",
        "  indented\nblock",
        "0777",
        "0x1G",
        "1_0",
        "+1",
        "-",
        "- ",
        "a: ",
        "a:",
        "key # x",
        "'q'",
        "\"dq\"",
        "[x",
        "{x}",
        ",x",
        "!x",
        "&x",
        "|x",
        ">x",
        "`x",
        "y",
        "Y",
        "n",
        "No",
        "ON",
        "null",
        "Null",
        "~",
        "true",
        "True",
        ".inf",
        ".Inf",
        "-.inf",
        ".nan",
        ".NaN",
        "1e3",
        "1E3",
        "1.5e+3",
        "2001-12-14 21:59:43.10",
        "2001-12-14T21:59:43Z",
        "12:30:00",
        "190:20:30.15",
        "0b101",
        "0o17",
        "0O17",
        "-0x1f",
        "1__0",
        "1e",
        "e1",
        "x:y",
        "x :y",
        "x: y",
        "-x",
        "--x",
        "...",
        "... x",
        "a\u{85}b",
        "a\u{feff}b",
        "\t",
        " ",
        "\u{7f}",
    ];
    let want = concat!(
        "a: 1\ns:\n- plain\n- with space\n- a:b\n- ?x\n- ' lead'\n- 'trail '\n- '# c'\n- 'a #c'\n- '*ref'\n",
        "- '---'\n- \"tab\\there\"\n- |-\n  x\n  y\n- ~x\n- '@x'\n- '%x'\n- \"x \\ny\"\n- aé\n- \u{a0}x\n- \"1:20\"\n",
        "- \"a\\x01b\"\n- |2-\n    indented\n  block\n- \"0777\"\n- 0x1G\n- \"1_0\"\n- \"+1\"\n- '-'\n- '- '\n- 'a: '\n",
        "- 'a:'\n- 'key # x'\n- '''q'''\n- '\"dq\"'\n- '[x'\n- '{x}'\n- ',x'\n- '!x'\n- '&x'\n- '|x'\n- '>x'\n- '`x'\n",
        "- \"y\"\n- \"Y\"\n- \"n\"\n- \"No\"\n- \"ON\"\n- \"null\"\n- \"Null\"\n- \"~\"\n- \"true\"\n- \"True\"\n",
        "- \".inf\"\n- \".Inf\"\n- \"-.inf\"\n- \".nan\"\n- \".NaN\"\n- \"1e3\"\n- \"1E3\"\n- \"1.5e+3\"\n",
        "- \"2001-12-14 21:59:43.10\"\n- \"2001-12-14T21:59:43Z\"\n- \"12:30:00\"\n- \"190:20:30.15\"\n- \"0b101\"\n",
        "- \"0o17\"\n- \"0O17\"\n- \"-0x1f\"\n- \"1__0\"\n- 1e\n- e1\n- x:y\n- x :y\n- 'x: y'\n- -x\n- --x\n- '...'\n",
        "- '... x'\n- \"a\\Nb\"\n- \"a\\uFEFFb\"\n- \"\\t\"\n- ' '\n- \"\\x7F\"\n",
    );
    assert_eq!(
        yaml_field("a: 1", &[("add", "/s", json!(strings.to_vec()))]),
        Ok(want.to_owned())
    );

    let keys = r#"{"z": 1, "A": 2, "a": 3, "a1": 4, "a01": 5, "a001": 6, "a10": 7, "a2": 8, "é": 9, "1": 10,
        "-1": 11, "_": 12, "~": 13, "": 14, "b-1": 15, "b_1": 16, "b.1": 17, "b1": 18}"#;
    assert_eq!(
        yaml_field(keys, &[("add", "/x", json!(1))]),
        Ok(concat!(
            "\"\": 14\n\"-1\": 11\n_: 12\n\"~\": 13\n\"1\": 10\nA: 2\na: 3\na1: 4\na01: 5\na001: 6\na2: 8\na10: 7\n",
            "b-1: 15\nb.1: 17\nb_1: 16\nb1: 18\nx: 1\nz: 1\né: 9\n"
        )
        .to_owned())
    );
    assert_eq!(
        yaml_field(
            "a:\n  - [1, 2]\n  - []\n  - {}\n  - {b: {c: [x, {d: e}]}}\nf: null\n",
            &[("add", "/x", json!(1))]
        ),
        Ok(
            "a:\n- - 1\n  - 2\n- []\n- {}\n- b:\n    c:\n    - x\n    - d: e\nf: null\nx: 1\n"
                .to_owned()
        )
    );
    assert_eq!(
        yaml_field(
            "base: &b {x: 1, y: 2}\nd:\n  <<: *b\n  y: 3\n",
            &[("add", "/z", json!(0))]
        ),
        Ok("base:\n  \"true\": 2\n  x: 1\nd:\n  \"true\": 3\n  x: 1\nz: 0\n".to_owned())
    );
    assert_eq!(
        yaml_field(
            "a: \"x\\ty\"\nb: |\n  multi\n  line\nc: >\n  folded\n  text\nd: 'it''s'\ne: plain # comment\n",
            &[("add", "/z", json!(0))]
        ),
        Ok(
            "a: \"x\\ty\"\nb: |\n  multi\n  line\nc: |\n  folded text\nd: it's\ne: plain\nz: 0\n"
                .to_owned()
        )
    );
}
