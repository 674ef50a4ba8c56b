//! The wording of schema violations: one validator error → fanout's [`SchemaError`]s, each a one-line,
//! lower-case message with names in backticks. The texts a schema carries for its own violations
//! (`errorMessage`, `patternErrorMessage`, `deprecationMessage`, `writeOnly`) are read from the subschema
//! that failed; otherwise the message is built from the kind of violation and the offending value.
//!
//! Deliberately not here: compiling the schemas and ordering the errors ([`super`]), and pointer syntax
//! ([`super::pointer`]). It does not know where a pointer is in the source file.

use std::str::FromStr;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{JsonType, ValidationError};
use serde_json::{Map, Value};

use super::pointer::{escape_segment, key_of, percent_decode};
use super::{BASE_URI, SchemaError, Schemas, kubernetes};

impl Schemas {
    /// Turns one validator error into friendly errors (several for several unknown keys).
    pub(super) fn convert(
        &self,
        error: &ValidationError<'_>,
        root: &Value,
        out: &mut Vec<SchemaError>,
    ) {
        let pointer = error.instance_path().as_str().to_string();
        let value: &Value = error.instance();
        let schema = self.failing_subschema(error);
        let text = |keyword: &str| {
            schema
                .and_then(|s| s.get(keyword))
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        let message = match error.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected }
            | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
                for key in unexpected {
                    out.push(SchemaError {
                        pointer: format!("{pointer}/{}", escape_segment(key)),
                        message: format!("unknown field `{key}`"),
                        key: Some(key.clone()),
                    });
                }
                return;
            }
            // `additionalProperties: false` without `properties`: every key is unknown
            ValidationErrorKind::FalseSchema
                if error
                    .schema_path()
                    .as_str()
                    .ends_with("/additionalProperties")
                    && root.pointer(&pointer).is_some_and(Value::is_object) =>
            {
                for key in root
                    .pointer(&pointer)
                    .and_then(Value::as_object)
                    .into_iter()
                    .flat_map(Map::keys)
                {
                    out.push(SchemaError {
                        pointer: format!("{pointer}/{}", escape_segment(key)),
                        message: format!("unknown field `{key}`"),
                        key: Some(key.clone()),
                    });
                }
                return;
            }
            ValidationErrorKind::Not { .. } | ValidationErrorKind::FalseSchema => {
                let key = key_of(root, &pointer);
                let message = text("errorMessage")
                    .or_else(|| text("deprecationMessage"))
                    .unwrap_or_else(|| match &key {
                        Some(key) => format!("`{key}` is not allowed here"),
                        None => "this value is not allowed here".to_string(),
                    });
                out.push(SchemaError {
                    pointer,
                    message,
                    key,
                });
                return;
            }
            ValidationErrorKind::Type { kind } => {
                // the schema's own order ("string or number"), else the validator's; a null that is
                // also allowed is not worth naming (Kubernetes' schemas allow it for every optional
                // field: "expected an integer", not "expected an integer or null")
                let declared = schema
                    .and_then(|s| s.get("type"))
                    .and_then(Value::as_array)
                    .map(|types| {
                        let names: Vec<JsonType> = types
                            .iter()
                            .filter_map(Value::as_str)
                            .filter_map(|name| JsonType::from_str(name).ok())
                            .collect();
                        phrase_types(&names)
                    })
                    .filter(|names| !names.is_empty());
                let expected = declared.unwrap_or_else(|| expected_types(kind));
                format!("expected {expected}, found {}", describe(value))
            }
            ValidationErrorKind::Enum { options } => {
                text("errorMessage").unwrap_or_else(|| enum_message(value, options))
            }
            ValidationErrorKind::Constant { expected_value } => text("errorMessage")
                .unwrap_or_else(|| {
                    format!(
                        "expected {}, found {}",
                        literal(expected_value),
                        literal(value)
                    )
                }),
            ValidationErrorKind::Required { property } => {
                format!("missing field `{}`", plain(property))
            }
            ValidationErrorKind::Pattern { pattern } => {
                let secret = schema
                    .and_then(|s| s.get("writeOnly"))
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                match (text("patternErrorMessage"), secret) {
                    (Some(noun), true) => format!("the value is {noun}"),
                    (Some(noun), false) => format!("{} is {noun}", literal(value)),
                    (None, true) => "the value does not have the expected form".to_string(),
                    (None, false) => format!("{} does not match `{pattern}`", literal(value)),
                }
            }
            ValidationErrorKind::Minimum { limit } => {
                format!("expected at least {}, found {}", plain(limit), plain(value))
            }
            ValidationErrorKind::Maximum { limit } => {
                format!("expected at most {}, found {}", plain(limit), plain(value))
            }
            ValidationErrorKind::ExclusiveMinimum { limit } => {
                format!(
                    "expected more than {}, found {}",
                    plain(limit),
                    plain(value)
                )
            }
            ValidationErrorKind::ExclusiveMaximum { limit } => {
                format!(
                    "expected less than {}, found {}",
                    plain(limit),
                    plain(value)
                )
            }
            ValidationErrorKind::MinLength { limit } => {
                let found = value.as_str().map_or(0, |s| s.chars().count());
                format!(
                    "expected at least {}, found {found}",
                    counted(*limit, "character")
                )
            }
            ValidationErrorKind::MaxLength { limit } => {
                let found = value.as_str().map_or(0, |s| s.chars().count());
                format!(
                    "expected at most {}, found {found}",
                    counted(*limit, "character")
                )
            }
            ValidationErrorKind::MinItems { limit } => {
                let found = value.as_array().map_or(0, Vec::len);
                format!(
                    "expected at least {}, found {found}",
                    counted(*limit, "item")
                )
            }
            ValidationErrorKind::MaxItems { limit } => {
                let found = value.as_array().map_or(0, Vec::len);
                format!(
                    "expected at most {}, found {found}",
                    counted(*limit, "item")
                )
            }
            ValidationErrorKind::MinProperties { limit } => {
                let found = value.as_object().map_or(0, Map::len);
                format!(
                    "expected at least {}, found {found}",
                    counted(*limit, "entry")
                )
            }
            ValidationErrorKind::MaxProperties { limit } => {
                let found = value.as_object().map_or(0, Map::len);
                format!(
                    "expected at most {}, found {found}",
                    counted(*limit, "entry")
                )
            }
            ValidationErrorKind::UniqueItems => {
                "expected unique items, found duplicates".to_string()
            }
            ValidationErrorKind::Format { format } => {
                format!("{} is not a valid `{format}`", literal(value))
            }
            _ => fallback(&error.to_string()),
        };
        out.push(SchemaError {
            pointer,
            message,
            key: None,
        });
    }

    /// The schema object holding the keyword that failed, read from the embedded file through
    /// the error's absolute keyword location (`file:///fanout/schema/<file>#/<pointer>/<keyword>`).
    fn failing_subschema(&self, error: &ValidationError<'_>) -> Option<&Map<String, Value>> {
        let location = error.absolute_keyword_location()?;
        let (file, fragment) = location.as_str().strip_prefix(BASE_URI)?.split_once('#')?;
        let fragment = percent_decode(fragment);
        let (parent, _keyword) = fragment.rsplit_once('/')?;
        let document = match file {
            kubernetes::FILE => &*kubernetes::loaded()?.document,
            _ => self.documents.get(file)?,
        };
        document.pointer(parent)?.as_object()
    }
}

/// "a string", "an integer", ... for a JSON type.
fn type_phrase(kind: JsonType) -> &'static str {
    match kind {
        JsonType::Null => "null",
        JsonType::Boolean => "a boolean",
        JsonType::Integer => "an integer",
        JsonType::Number => "a number",
        JsonType::String => "a string",
        JsonType::Array => "a list",
        JsonType::Object => "an object",
    }
}

fn expected_types(kind: &TypeKind) -> String {
    match kind {
        TypeKind::Single(kind) => type_phrase(*kind).to_string(),
        TypeKind::Multiple(set) => phrase_types(&set.iter().collect::<Vec<_>>()),
    }
}

/// "a string or a number"; null is left out when anything else is allowed.
fn phrase_types(types: &[JsonType]) -> String {
    let named: Vec<&str> = types
        .iter()
        .filter(|&&t| t != JsonType::Null || types.len() == 1)
        .map(|&t| type_phrase(t))
        .collect();
    named.join(" or ")
}

/// The type of a value, as a phrase.
fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// A scalar as text (strings unquoted, cut when long); a collection as its type phrase.
fn plain(value: &Value) -> String {
    match value {
        Value::String(s) if s.chars().count() > 60 => {
            format!("{}...", s.chars().take(57).collect::<String>())
        }
        Value::String(s) => s.clone(),
        Value::Null | Value::Bool(_) | Value::Number(_) => value.to_string(),
        Value::Array(_) | Value::Object(_) => describe(value).to_string(),
    }
}

/// A scalar in backticks; a collection as its type phrase.
fn literal(value: &Value) -> String {
    match value {
        Value::Array(_) | Value::Object(_) => describe(value).to_string(),
        _ => format!("`{}`", plain(value)),
    }
}

fn enum_message(value: &Value, options: &Value) -> String {
    let allowed = options
        .as_array()
        .map(|options| options.iter().map(literal).collect::<Vec<_>>().join(", "))
        .unwrap_or_default();
    match value {
        Value::Array(_) | Value::Object(_) => {
            format!("expected one of {allowed}, found {}", describe(value))
        }
        _ => format!("{} is not one of {allowed}", literal(value)),
    }
}

/// "1 character", "63 characters", "1 entry", "2 entries".
fn counted(count: u64, noun: &str) -> String {
    match (count, noun) {
        (1, _) => format!("1 {noun}"),
        (_, "entry") => format!("{count} entries"),
        _ => format!("{count} {noun}s"),
    }
}

/// The validator's own message, in fanout's style: lower-case start, no trailing period.
fn fallback(message: &str) -> String {
    let message = message.trim().trim_end_matches('.');
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => "invalid value".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_styled() {
        assert_eq!(
            fallback("Something Odd happened."),
            "something Odd happened"
        );
        assert_eq!(counted(2, "entry"), "2 entries");
    }
}
