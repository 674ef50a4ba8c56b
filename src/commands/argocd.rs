//! The Argo CD Config Management Plugin's side of the contract: which cluster an Application asks for.
//!
//! Argo CD runs the plugin's `generate` command in the Application's source directory, with the
//! Application's plugin settings in the environment:
//!
//! - parameters (`spec.source.plugin.parameters`) as one JSON list in `ARGOCD_APP_PARAMETERS`, e.g.
//!   `[{"name":"cluster","string":"gcp-us-1"}]`, or `null` when the Application sets none. Only
//!   parameters set in the Application are sent: the defaults `plugin.yaml` announces to the UI are
//!   not, so the plugin applies its own (here: none; a cluster must be named);
//! - each `spec.source.plugin.env` entry as `ARGOCD_ENV_<NAME>`, e.g. `ARGOCD_ENV_FANOUT_CLUSTER`.
//!
//! This module only reads values through the lookup it is given: no I/O, no process environment.
//! Error messages never repeat parameter values other than the cluster name, which is checked to be a
//! DNS-1123 label before it is used (and escaped when it is not one).

use fanout::model::names;
use serde_json::Value;

/// The environment variable holding the Application's plugin parameters as JSON.
pub const PARAMETERS_VAR: &str = "ARGOCD_APP_PARAMETERS";
/// The plugin parameter naming the cluster to render.
pub const CLUSTER_PARAMETER: &str = "cluster";
/// The environment variable Argo CD sets from the Application's `plugin.env` entry `FANOUT_CLUSTER`.
pub const CLUSTER_ENV_VAR: &str = "ARGOCD_ENV_FANOUT_CLUSTER";

/// The cluster an Argo CD Application asks for: the plugin parameter `cluster` (from
/// `ARGOCD_APP_PARAMETERS`), else the plugin env `FANOUT_CLUSTER` (`ARGOCD_ENV_FANOUT_CLUSTER`), else
/// an error naming both ways. An empty value counts as unset. The name must be a DNS-1123 label, as
/// every cluster name in the inventory is. `get` looks up one environment variable.
pub fn cluster_from_env(get: &dyn Fn(&str) -> Option<String>) -> Result<String, String> {
    let from_parameter = parameter_cluster(get(PARAMETERS_VAR).as_deref())?;
    let (name, origin) = match from_parameter {
        Some(name) => (name, format!("plugin parameter `{CLUSTER_PARAMETER}`")),
        None => match get(CLUSTER_ENV_VAR).filter(|v| !v.is_empty()) {
            Some(name) => (
                name,
                format!("plugin env `FANOUT_CLUSTER` ({CLUSTER_ENV_VAR})"),
            ),
            None => {
                return Err(format!(
                    "no cluster given: set the plugin parameter `{CLUSTER_PARAMETER}` \
                     (spec.source.plugin.parameters: [{{name: {CLUSTER_PARAMETER}, string: CLUSTER}}]) \
                     or the plugin env `FANOUT_CLUSTER` \
                     (spec.source.plugin.env: [{{name: FANOUT_CLUSTER, value: CLUSTER}}], seen as {CLUSTER_ENV_VAR})"
                ));
            }
        },
    };
    check_label(&name).map_err(|why| format!("{origin}: {why}"))?;
    Ok(name)
}

/// The `cluster` parameter from the JSON of `ARGOCD_APP_PARAMETERS`; `None` when it is not set (or
/// empty). Any other parameter is an error, so a misspelt one is not silently ignored.
fn parameter_cluster(json: Option<&str>) -> Result<Option<String>, String> {
    let json = match json.map(str::trim) {
        None | Some("") | Some("null") => return Ok(None),
        Some(j) => j,
    };
    // The serde error is reduced to its position: its message may quote values.
    let value: Value = serde_json::from_str(json).map_err(|e| {
        format!(
            "{PARAMETERS_VAR} is not valid JSON (line {}, column {})",
            e.line(),
            e.column()
        )
    })?;
    let Value::Array(parameters) = value else {
        return Err(format!("{PARAMETERS_VAR} is not a JSON list of parameters"));
    };
    let mut found: Option<String> = None;
    for (i, parameter) in parameters.iter().enumerate() {
        let Some(name) = parameter.get("name").and_then(Value::as_str) else {
            return Err(format!(
                "{PARAMETERS_VAR}: parameter {} has no string `name`",
                i + 1
            ));
        };
        if name != CLUSTER_PARAMETER {
            return Err(format!(
                "unknown plugin parameter {}: fanout's plugin takes only `{CLUSTER_PARAMETER}`",
                quote(name)
            ));
        }
        if found.is_some() {
            return Err(format!(
                "plugin parameter `{CLUSTER_PARAMETER}` is given more than once"
            ));
        }
        let value = match parameter.get("string") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Null) | None
                if parameter.get("array").is_none() && parameter.get("map").is_none() =>
            {
                String::new()
            }
            _ => {
                return Err(format!(
                    "plugin parameter `{CLUSTER_PARAMETER}` must be a string (`string: CLUSTER`), not an array or a map"
                ));
            }
        };
        found = Some(value);
    }
    Ok(found.filter(|v| !v.is_empty()))
}

/// A DNS-1123 label ([`names::dns1123_label`]), with messages that never print a value unescaped.
fn check_label(s: &str) -> Result<(), String> {
    if s.len() > 63 {
        return Err(format!(
            "the cluster name is {} characters long; a cluster name is a DNS-1123 label of at most 63",
            s.chars().count()
        ));
    }
    names::dns1123_label(s).map_err(|_| {
        format!(
            "{} is not a cluster name (a DNS-1123 label: lower-case letters, digits and `-`, starting and ending with a letter or digit)",
            quote(s)
        )
    })
}

/// A value for a log line: backquoted when plain, else escaped (no control characters reach the log).
fn quote(s: &str) -> String {
    if s.len() <= 63 && s.chars().all(|c| c.is_ascii_graphic() && c != '`') {
        format!("`{s}`")
    } else {
        let short: String = s.chars().take(63).collect();
        let more = if short.len() < s.len() { "..." } else { "" };
        format!("{short:?}{more}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn run(vars: &[(&str, &str)]) -> Result<String, String> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        cluster_from_env(&|k| map.get(k).cloned())
    }

    #[test]
    fn parameter_names_the_cluster() {
        let got = run(&[(
            PARAMETERS_VAR,
            r#"[{"name":"cluster","string":"gcp-us-1"}]"#,
        )]);
        assert_eq!(got, Ok("gcp-us-1".to_owned()));
    }

    #[test]
    fn parameter_wins_over_env() {
        let got = run(&[
            (
                PARAMETERS_VAR,
                r#"[{"name": "cluster", "string": "aws-eu-1"}]"#,
            ),
            (CLUSTER_ENV_VAR, "gcp-eu-1"),
        ]);
        assert_eq!(got, Ok("aws-eu-1".to_owned()));
    }

    #[test]
    fn env_is_the_fallback() {
        for params in [None, Some(""), Some("null"), Some("[]")] {
            let mut vars = vec![(CLUSTER_ENV_VAR, "gcp-eu-1")];
            if let Some(p) = params {
                vars.push((PARAMETERS_VAR, p));
            }
            assert_eq!(run(&vars), Ok("gcp-eu-1".to_owned()), "{params:?}");
        }
    }

    #[test]
    fn empty_parameter_counts_as_unset() {
        let got = run(&[
            (PARAMETERS_VAR, r#"[{"name":"cluster","string":""}]"#),
            (CLUSTER_ENV_VAR, "aws-us-1"),
        ]);
        assert_eq!(got, Ok("aws-us-1".to_owned()));
        let got = run(&[(PARAMETERS_VAR, r#"[{"name":"cluster"}]"#)]);
        assert!(got.unwrap_err().starts_with("no cluster given"));
    }

    #[test]
    fn nothing_set_names_both_ways() {
        for vars in [
            vec![],
            vec![(PARAMETERS_VAR, "null")],
            vec![(CLUSTER_ENV_VAR, "")],
        ] {
            let err = run(&vars).unwrap_err();
            assert!(err.contains("plugin parameter `cluster`"), "{err}");
            assert!(err.contains(CLUSTER_ENV_VAR), "{err}");
            assert!(err.contains("FANOUT_CLUSTER"), "{err}");
        }
    }

    #[test]
    fn malformed_parameters_are_errors_without_values() {
        let err = run(&[(PARAMETERS_VAR, r#"[{"name":"cluster","string":"s3cr3t"#)]).unwrap_err();
        assert!(err.contains("not valid JSON"), "{err}");
        assert!(!err.contains("s3cr3t"), "{err}");
        let err = run(&[(PARAMETERS_VAR, r#"{"cluster":"gcp-us-1"}"#)]).unwrap_err();
        assert!(err.contains("not a JSON list"), "{err}");
        let err = run(&[(PARAMETERS_VAR, r#"[{"string":"gcp-us-1"}]"#)]).unwrap_err();
        assert!(err.contains("no string `name`"), "{err}");
    }

    #[test]
    fn unknown_parameters_are_named_not_their_values() {
        let err = run(&[(
            PARAMETERS_VAR,
            r#"[{"name":"cluster","string":"gcp-us-1"},{"name":"token","string":"s3cr3t"}]"#,
        )])
        .unwrap_err();
        assert!(err.contains("unknown plugin parameter `token`"), "{err}");
        assert!(!err.contains("s3cr3t"), "{err}");
    }

    #[test]
    fn cluster_must_be_one_string() {
        let err =
            run(&[(PARAMETERS_VAR, r#"[{"name":"cluster","array":["a","b"]}]"#)]).unwrap_err();
        assert!(err.contains("must be a string"), "{err}");
        let err = run(&[(
            PARAMETERS_VAR,
            r#"[{"name":"cluster","string":"a"},{"name":"cluster","string":"b"}]"#,
        )])
        .unwrap_err();
        assert!(err.contains("more than once"), "{err}");
    }

    #[test]
    fn names_must_be_dns1123_labels() {
        for bad in [
            "GCP-US-1", "-gcp", "gcp-", "gcp_us", "../etc", "a b", "gcp\nus",
        ] {
            let json = serde_json::json!([{"name": "cluster", "string": bad}]).to_string();
            let err = run(&[(PARAMETERS_VAR, &json)]).unwrap_err();
            assert!(err.starts_with("plugin parameter `cluster`: "), "{err}");
            assert!(err.contains("DNS-1123"), "{err}");
            assert!(!err.contains('\n'), "{err}");
            let err = run(&[(CLUSTER_ENV_VAR, bad)]).unwrap_err();
            assert!(err.contains(CLUSTER_ENV_VAR), "{err}");
        }
        let long = "a".repeat(64);
        let err = run(&[(CLUSTER_ENV_VAR, &long)]).unwrap_err();
        assert!(err.contains("64 characters"), "{err}");
        assert_eq!(
            run(&[(CLUSTER_ENV_VAR, &"a".repeat(63))]),
            Ok("a".repeat(63))
        );
        assert_eq!(run(&[(CLUSTER_ENV_VAR, "0")]), Ok("0".to_owned()));
    }
}
