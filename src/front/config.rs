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
use crate::source::FileId;
use serde::Deserialize;

pub const FILE_NAME: &str = "fanout.yaml";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// Output directory relative to the repository root.
    pub output: String,
    /// Glob patterns, relative to the repository root, of paths not to read.
    pub exclude: Vec<String>,
    pub limits: Limits,
}

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
            exclude: Vec::new(),
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
    let errors = schemas.validate(SchemaKind::Config, &json);
    if !errors.is_empty() {
        return Err(errors
            .into_iter()
            .map(|e| {
                let span = if e.key.is_some() {
                    doc.root.key_span_at(&e.pointer)
                } else {
                    doc.root.span_at(&e.pointer)
                };
                Diagnostic::error("schema", span, e.message)
            })
            .collect());
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
    if !bad_globs.is_empty() {
        return Err(bad_globs);
    }
    let max_file_bytes = raw.limits.max_file_bytes.unwrap_or(defaults.max_file_bytes);
    Ok(Config {
        output,
        exclude: raw.exclude,
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
    fn alias_bytes_must_be_positive() {
        let errors =
            parse(FileId(0), "limits:\n  maxAliasBytes: 0\n", &Schemas::new()).unwrap_err();
        assert_eq!(errors[0].code, "schema");
        assert_eq!(errors[0].span.unwrap().start.line, 2);
    }
}
