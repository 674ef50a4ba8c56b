//! `fanout.yaml`: the optional repository configuration (output directory, exclusions, reader limits).
//!
//! Parsed with the same YAML reader and checked against `schema/config.schema.json`, so its errors are
//! located like any other. Pure: `load` reads the file and hands its text here.
//!
//! The limits: `maxFileBytes` (the largest file, and so the largest template rendering), `templateFuel`,
//! and the YAML reader's `maxDocuments`, `maxDepth`, `maxAliasNodes` and `maxAliasBytes`; the reader gets
//! `maxFileBytes` too, as templates hand it text that was never a file.

use crate::diagnostic::Diagnostic;
use crate::front::schemas::{SchemaKind, Schemas};
use crate::front::yaml;
use crate::source::{FileId, Span};
use serde::Deserialize;

pub const FILE_NAME: &str = "fanout.yaml";

/// The most a repository may raise each limit to, with why: a limit an untrusted repository could set
/// to anything would promise nothing. Each is the limit's key under `limits`, its ceiling, and what the
/// ceiling keeps (the figures behind them are in the README's limits table).
pub const CEILINGS: [(&str, u64, &str); 6] = [
    (
        "maxFileBytes",
        MAX_FILE_BYTES_CEILING,
        "memory: a file's nodes take several times its size, a template rendering up to 16 times it",
    ),
    (
        "maxDocuments",
        1_000_000,
        "memory: every document is kept until the file is read",
    ),
    (
        "maxDepth",
        MAX_DEPTH_CEILING as u64,
        "deeper nesting could overflow the stack",
    ),
    (
        "maxAliasNodes",
        1_000_000,
        "memory and time: ten million nodes made by aliases take 3 GiB and 14 s",
    ),
    (
        "maxAliasBytes",
        256 * 1024 * 1024,
        "memory: what aliases copy is held twice, as YAML nodes and as JSON",
    ),
    (
        "templateFuel",
        TEMPLATE_FUEL_CEILING,
        "time: 20 million instructions of the tightest template loops take 1 to 2.5 s",
    ),
];

/// Ceiling of `limits.maxFileBytes`: 256 MiB.
pub const MAX_FILE_BYTES_CEILING: u64 = 256 * 1024 * 1024;
/// Ceiling of `limits.maxDepth`. Everything after the (iterative) reader may recurse once per level:
/// on a 2 MiB thread, converting a document to JSON overflows at about 2,100 levels in a debug build
/// and 8,100 in a release build; writing a file, on the main thread's 8 MiB, at about 4,500 (debug) and
/// 20,000 (release) levels, and overrides may nest a value as deep as the limit into an object as deep
/// (see `render`). 1,000 leaves a margin of two over the worst of these.
pub const MAX_DEPTH_CEILING: usize = 1_000;
/// Ceiling of `limits.templateFuel`: 20 million instructions, 1 to 2.5 s of the tightest template loops
/// (a release build on the benchmark machine, idle; 50 million took 2.5 to 6 s, and past 10 s under
/// load, when a rendering is stopped whatever its fuel: `template::TIME_LIMIT`).
pub const TEMPLATE_FUEL_CEILING: u64 = 20_000_000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// Output directory relative to the repository root.
    pub output: String,
    /// Where `fanout.yaml` sets `output`, if it does.
    pub output_at: Option<Span>,
    /// Glob patterns, relative to the repository root, of paths not to read.
    pub exclude: Vec<String>,
    /// Karmada's `--skipped-propagating-namespaces`: regular expressions, matched anywhere in a name.
    pub skipped_namespaces: Vec<String>,
    pub limits: Limits,
}

/// Karmada's default `--skipped-propagating-namespaces`.
pub const DEFAULT_SKIPPED_NAMESPACES: &str = "kube-.*";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest file read, in bytes; also the largest rendering of a template (see [`crate::front::template`]),
    /// which is why the YAML reader's limits carry it too.
    pub max_file_bytes: u64,
    /// Instruction budget of one template rendering.
    pub template_fuel: u64,
    pub yaml: yaml::Limits,
}

impl Default for Limits {
    fn default() -> Self {
        let yaml = yaml::Limits::default();
        Limits {
            max_file_bytes: u64::try_from(yaml.max_file_bytes).unwrap_or(u64::MAX),
            template_fuel: 5_000_000,
            yaml,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            output: "rendered".into(),
            output_at: None,
            exclude: Vec::new(),
            skipped_namespaces: vec![DEFAULT_SKIPPED_NAMESPACES.to_owned()],
            limits: Limits::default(),
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Raw {
    output: Option<String>,
    #[serde(default)]
    exclude: Vec<String>,
    skipped_propagating_namespaces: Option<Vec<String>>,
    #[serde(default)]
    limits: RawLimits,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawLimits {
    max_file_bytes: Option<u64>,
    template_fuel: Option<u64>,
    max_documents: Option<usize>,
    max_depth: Option<usize>,
    max_alias_nodes: Option<usize>,
    max_alias_bytes: Option<usize>,
}

/// Parse the text of `fanout.yaml`.
pub fn parse(file: FileId, text: &str, schemas: &Schemas) -> Result<Config, Vec<Diagnostic>> {
    let parsed = yaml::parse(file, text, yaml::Limits::default());
    if crate::diagnostic::has_errors(&parsed.diagnostics) {
        return Err(parsed.diagnostics);
    }
    let Some(doc) = parsed.documents.into_iter().next() else {
        return Ok(Config::default());
    };
    let json = doc.root.to_json();
    // a limit above its ceiling gets its own message (the schema's `maximum` says less)
    let mut over = Vec::new();
    for (key, ceiling, why) in CEILINGS {
        let pointer = format!("/limits/{key}");
        if let Some(value) = json.pointer(&pointer).and_then(serde_json::Value::as_f64)
            && value > ceiling as f64
        {
            over.push((
                pointer.clone(),
                Diagnostic::error(
                    "limit",
                    doc.root.span_at(&pointer),
                    format!(
                        "`limits.{key}` may be at most {ceiling}, a ceiling no repository can raise ({why})"
                    ),
                ),
            ));
        }
    }
    let errors = schemas.validate(SchemaKind::Config, &json);
    if !errors.is_empty() || !over.is_empty() {
        let reported: Vec<String> = over.iter().map(|(pointer, _)| pointer.clone()).collect();
        let schema_errors = errors
            .into_iter()
            .filter(|e| !reported.contains(&e.pointer))
            .map(|e| {
                let span = if e.key.is_some() {
                    doc.root.key_span_at(&e.pointer)
                } else {
                    doc.root.span_at(&e.pointer)
                };
                Diagnostic::error("schema", span, e.message)
            });
        let mut all: Vec<Diagnostic> = over.into_iter().map(|(_, d)| d).collect();
        all.extend(schema_errors);
        return Err(all);
    }
    let raw: Raw = serde_json::from_value(json)
        .map_err(|e| vec![Diagnostic::error("schema", doc.root.span, e.to_string())])?;
    let defaults = Limits::default();
    let output = raw.output.unwrap_or_else(|| "rendered".into());
    let output_ok = !output.is_empty()
        && !std::path::Path::new(&output).is_absolute()
        && !output.split('/').any(|p| p == "..");
    if !output_ok {
        return Err(vec![Diagnostic::error(
            "invalid",
            doc.root.span_at("/output"),
            format!("`output` must be a relative path inside the repository, not `{output}`"),
        )]);
    }
    // `.`, `./`, `./.`: the repository itself, which a render would swap out for its output
    if output.split('/').all(|p| p.is_empty() || p == ".") {
        return Err(vec![Diagnostic::error(
            "invalid",
            doc.root.span_at("/output"),
            format!(
                "`output` must be a directory inside the repository, not the repository itself (`{output}`)"
            ),
        )]);
    }
    let mut bad_globs = Vec::new();
    for (i, pattern) in raw.exclude.iter().enumerate() {
        if let Err(e) = globset::Glob::new(pattern) {
            bad_globs.push(Diagnostic::error(
                "invalid",
                doc.root.span_at(&format!("/exclude/{i}")),
                format!("`{pattern}` is not a valid glob pattern: {}", e.kind()),
            ));
        }
    }
    let skipped_namespaces = (raw.skipped_propagating_namespaces)
        .unwrap_or_else(|| vec![DEFAULT_SKIPPED_NAMESPACES.to_owned()]);
    for (i, pattern) in skipped_namespaces.iter().enumerate() {
        if let Err(e) = regex::Regex::new(pattern) {
            bad_globs.push(Diagnostic::error(
                "invalid",
                doc.root
                    .span_at(&format!("/skippedPropagatingNamespaces/{i}")),
                format!(
                    "`{pattern}` is not a valid regular expression: {}",
                    first_line(&e.to_string())
                ),
            ));
        }
    }
    if !bad_globs.is_empty() {
        return Err(bad_globs);
    }
    let max_file_bytes = raw.limits.max_file_bytes.unwrap_or(defaults.max_file_bytes);
    Ok(Config {
        output_at: doc.root.get("output").map(|n| n.span),
        output,
        exclude: raw.exclude,
        skipped_namespaces,
        limits: Limits {
            max_file_bytes,
            template_fuel: raw.limits.template_fuel.unwrap_or(defaults.template_fuel),
            yaml: yaml::Limits {
                max_file_bytes: usize::try_from(max_file_bytes).unwrap_or(usize::MAX),
                max_depth: raw.limits.max_depth.unwrap_or(defaults.yaml.max_depth),
                max_alias_nodes: raw
                    .limits
                    .max_alias_nodes
                    .unwrap_or(defaults.yaml.max_alias_nodes),
                max_alias_bytes: raw
                    .limits
                    .max_alias_bytes
                    .unwrap_or(defaults.yaml.max_alias_bytes),
                max_documents: raw
                    .limits
                    .max_documents
                    .unwrap_or(defaults.yaml.max_documents),
            },
        },
    })
}

/// The last line of the regex crate's multi-line error (the reason), without its position drawing.
fn first_line(message: &str) -> &str {
    message
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(message)
        .trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> Config {
        parse(FileId(0), text, &Schemas::new()).unwrap()
    }

    #[test]
    fn defaults_agree_with_the_reader() {
        let limits = Limits::default();
        assert_eq!(limits.max_file_bytes, 16 * 1024 * 1024);
        assert_eq!(limits.yaml.max_file_bytes as u64, limits.max_file_bytes);
        assert_eq!(limits.yaml.max_alias_bytes, 16 * 1024 * 1024);
        assert_eq!(parse_ok("output: out\n").limits, limits);
    }

    #[test]
    fn limits_reach_the_reader() {
        let config = parse_ok(
            "limits:\n  maxFileBytes: 4096\n  maxAliasNodes: 7\n  maxAliasBytes: 100\n  maxDepth: 9\n",
        );
        assert_eq!(config.limits.max_file_bytes, 4096);
        assert_eq!(
            config.limits.yaml,
            yaml::Limits {
                max_file_bytes: 4096,
                max_depth: 9,
                max_alias_nodes: 7,
                max_alias_bytes: 100,
                max_documents: 10_000,
            }
        );
    }

    #[test]
    fn every_limit_has_a_ceiling_at_its_line() {
        let text = "limits:\n  maxFileBytes: 268435457\n  maxDocuments: 1000001\n  maxDepth: 15000\n  maxAliasNodes: 1e9\n  maxAliasBytes: 268435457\n  templateFuel: 1000000000000000\n";
        let errors = parse(FileId(0), text, &Schemas::new()).unwrap_err();
        let found: Vec<(u32, &str)> = errors
            .iter()
            .map(|e| (e.span.unwrap().start.line, e.code))
            .collect();
        assert_eq!(
            found,
            [
                (2, "limit"),
                (3, "limit"),
                (4, "limit"),
                (5, "limit"),
                (6, "limit"),
                (7, "limit")
            ],
            "{errors:?}"
        );
        assert_eq!(
            errors[2].message,
            "`limits.maxDepth` may be at most 1000, a ceiling no repository can raise (deeper nesting could overflow the stack)"
        );
        assert!(
            errors[5].message.contains("at most 20000000"),
            "{}",
            errors[5].message
        );
    }

    #[test]
    fn limits_at_their_ceilings_are_accepted() {
        let mut text = String::from("limits:\n");
        for (key, ceiling, _) in CEILINGS {
            text.push_str(&format!("  {key}: {ceiling}\n"));
        }
        let limits = parse_ok(&text).limits;
        assert_eq!(limits.max_file_bytes, MAX_FILE_BYTES_CEILING);
        assert_eq!(limits.template_fuel, TEMPLATE_FUEL_CEILING);
        assert_eq!(limits.yaml.max_depth, MAX_DEPTH_CEILING);
        // the schema's `maximum` says the same, for editors
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../../schema/config.schema.json")).unwrap();
        for (key, ceiling, _) in CEILINGS {
            let maximum = &schema["properties"]["limits"]["properties"][key]["maximum"];
            assert_eq!(maximum.as_u64(), Some(ceiling), "{key}");
        }
    }

    #[test]
    fn the_repository_itself_is_no_output() {
        for output in [".", "./", "./.", ".//"] {
            let errors = parse(
                FileId(0),
                &format!("exclude: []\noutput: \"{output}\"\n"),
                &Schemas::new(),
            )
            .unwrap_err();
            assert_eq!(errors.len(), 1, "{output}");
            assert_eq!(errors[0].span.unwrap().start.line, 2, "{output}");
            assert!(
                errors[0].message.contains("not the repository itself"),
                "{}",
                errors[0].message
            );
        }
        for output in ["a/..", "..", "a/../.."] {
            let errors =
                parse(FileId(0), &format!("output: {output}\n"), &Schemas::new()).unwrap_err();
            assert_eq!(errors[0].span.unwrap().start.line, 1, "{output}");
        }
        assert_eq!(parse_ok("output: ./out/\n").output, "./out/");
    }

    #[test]
    fn alias_bytes_must_be_positive() {
        let errors =
            parse(FileId(0), "limits:\n  maxAliasBytes: 0\n", &Schemas::new()).unwrap_err();
        assert_eq!(errors[0].code, "schema");
        assert_eq!(errors[0].span.unwrap().start.line, 2);
    }
}
