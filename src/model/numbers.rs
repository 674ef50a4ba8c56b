//! Integer fields Kubernetes reads as int32 or int64: replicas, a Job's parallelism, completions,
//! backoff limit and deadline (also in a CronJob's job template and in the short forms), container and
//! host ports.
//!
//! JSON Schema's `integer` accepts `3.0` and `1e3`, and the YAML reader turns an integer too large for
//! 64 bits into a float, so without this check such values reached placement, which reads integers only:
//! `replicas: 3.0` placed one replica, `2147483648` was clamped to 2147483647. The API server rejects a
//! number with a decimal point or an exponent in an integer field, and one out of the field's range;
//! here each is an error located at the value, naming the field and the range.

use crate::diagnostic::Diagnostic;
use crate::front::classify::{Class, Object};
use crate::front::yaml::{Node, Value};
use crate::model::shortform;

/// An integer field's range, and the name of its type.
#[derive(Clone, Copy, Debug)]
struct Range {
    min: i64,
    max: i64,
    kind: &'static str,
}

const INT32_MAX: i64 = i32::MAX as i64;
const COUNT: Range = Range {
    min: 0,
    max: INT32_MAX,
    kind: "int32",
};
const POSITIVE_COUNT: Range = Range {
    min: 1,
    max: INT32_MAX,
    kind: "int32",
};
const SECONDS: Range = Range {
    min: 1,
    max: i64::MAX,
    kind: "int64",
};
const CONTAINER_PORT: Range = Range {
    min: 1,
    max: 65535,
    kind: "a port number",
};
const HOST_PORT: Range = Range {
    min: 0,
    max: 65535,
    kind: "a port number",
};

/// A Job spec's integer fields, below `base`.
fn job(base: &str) -> Vec<(String, Range)> {
    [
        ("parallelism", COUNT),
        ("completions", COUNT),
        ("backoffLimit", COUNT),
        ("activeDeadlineSeconds", SECONDS),
    ]
    .into_iter()
    .map(|(field, range)| (format!("{base}/{field}"), range))
    .collect()
}

/// The integer fields of an object as JSON pointers, `*` standing for every item of a list.
fn fields(o: &Object) -> Vec<(String, Range)> {
    let group = o.api_version.rsplit_once('/').map_or("", |(g, _)| g);
    let (mut fields, pod) = match (o.class, group, o.kind.as_str()) {
        (Class::ShortForm, _, shortform::DEPLOYMENT_KIND) => (
            vec![("/spec/replicas".to_owned(), COUNT)],
            Some("/spec/template/spec"),
        ),
        (Class::ShortForm, _, _) => (
            vec![
                ("/spec/parallelism".to_owned(), POSITIVE_COUNT),
                ("/spec/completions".to_owned(), POSITIVE_COUNT),
                ("/spec/backoffLimit".to_owned(), COUNT),
                ("/spec/timeoutSeconds".to_owned(), SECONDS),
            ],
            Some("/spec/template/spec"),
        ),
        (Class::Resource, "apps", "Deployment" | "StatefulSet" | "ReplicaSet") => (
            vec![("/spec/replicas".to_owned(), COUNT)],
            Some("/spec/template/spec"),
        ),
        (Class::Resource, "apps", "DaemonSet") => (Vec::new(), Some("/spec/template/spec")),
        (Class::Resource, "batch", "Job") => (job("/spec"), Some("/spec/template/spec")),
        (Class::Resource, "batch", "CronJob") => (
            job("/spec/jobTemplate/spec"),
            Some("/spec/jobTemplate/spec/template/spec"),
        ),
        (Class::Resource, "", "Pod") => (Vec::new(), Some("/spec")),
        _ => (Vec::new(), None),
    };
    if let Some(pod) = pod {
        for containers in ["containers", "initContainers"] {
            for (port, range) in [("containerPort", CONTAINER_PORT), ("hostPort", HOST_PORT)] {
                fields.push((format!("{pod}/{containers}/*/ports/*/{port}"), range));
            }
        }
    }
    fields
}

/// The nodes at a pointer with `*` steps, with their concrete pointers.
fn matches<'n>(root: &'n Node, pattern: &str) -> Vec<(String, &'n Node)> {
    let mut found = vec![(String::new(), root)];
    for step in pattern.split('/').skip(1) {
        let mut next = Vec::new();
        for (at, node) in found {
            match (&node.value, step) {
                (Value::Seq(items), "*") => next.extend(
                    (items.iter().enumerate()).map(|(i, item)| (format!("{at}/{i}"), item)),
                ),
                (Value::Map(_), key) if key != "*" => {
                    if let Some(child) = node.get(key) {
                        next.push((format!("{at}/{key}"), child));
                    }
                }
                _ => {}
            }
        }
        found = next;
    }
    found
}

/// `spec.template.spec.containers[0].ports[1].containerPort`, as the API server names a field.
fn field_name(pointer: &str) -> String {
    let mut out = String::new();
    for step in pointer.split('/').skip(1) {
        if step.bytes().all(|b| b.is_ascii_digit()) {
            out.push_str(&format!("[{step}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(step);
        }
    }
    out
}

/// Why a value does not fit its field, if it does not.
fn problem(value: &Value, range: Range) -> Option<String> {
    let within = |n: i64| (range.min..=range.max).contains(&n);
    match *value {
        Value::Int(n) if within(n) => None,
        Value::Int(n) => Some(format!("{n} is out of range")),
        // `max as f64 + 1.0` is 2^63 for i64::MAX, which `9223372036854775808` also reads as
        Value::Float(f)
            if f.fract() == 0.0 && f >= range.min as f64 && f < range.max as f64 + 1.0 =>
        {
            Some(format!(
                "a decimal point or an exponent makes it a floating-point number, which the API server rejects here (write {})",
                f as i64
            ))
        }
        Value::Float(f) if f.fract() == 0.0 => Some("this number is out of range".to_owned()),
        Value::Float(f) => Some(format!("{f} is not an integer")),
        Value::Null => Some("found null".to_owned()),
        Value::Bool(_) => Some("found a boolean".to_owned()),
        Value::Str(_) => Some("found a string".to_owned()),
        Value::Seq(_) => Some("found a sequence".to_owned()),
        Value::Map(_) => Some("found a mapping".to_owned()),
    }
}

/// Every integer field of `o` that is not an integer of its range, located at the value.
pub fn check(o: &Object) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (pattern, range) in fields(o) {
        for (pointer, node) in matches(&o.node, &pattern) {
            if let Some(why) = problem(&node.value, range) {
                out.push(Diagnostic::error(
                    "invalid",
                    node.span,
                    format!(
                        "`{}` must be an integer from {} to {} ({}); {why}",
                        field_name(&pointer),
                        range.min,
                        range.max,
                        range.kind
                    ),
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn object(yaml: &str) -> Object {
        let parsed = crate::front::yaml::parse(FileId(0), yaml, Default::default());
        // `1e3` is also an ambiguous scalar to YAML 1.1 readers: a warning, not what is tested here
        let errors = crate::diagnostic::has_errors(&parsed.diagnostics);
        assert!(!errors, "{:?}", parsed.diagnostics);
        let (mut objects, found) = crate::front::classify::classify(parsed.documents);
        assert!(found.is_empty(), "{found:?}");
        objects.remove(0)
    }

    fn messages(yaml: &str) -> Vec<(u32, String)> {
        check(&object(yaml))
            .into_iter()
            .map(|d| (d.span.unwrap().start.line, d.message))
            .collect()
    }

    const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: REPLICAS\n  template:\n    spec:\n      containers:\n        - name: web\n          image: nginx\n          ports: [{containerPort: 8080}, {containerPort: PORT}]\n";

    fn deployment(replicas: &str, port: &str) -> Vec<(u32, String)> {
        messages(
            &DEPLOYMENT
                .replace("REPLICAS", replicas)
                .replace("PORT", port),
        )
    }

    #[test]
    fn integers_in_range_pass() {
        assert!(deployment("3", "80").is_empty());
        assert!(deployment("0", "65535").is_empty());
        assert!(deployment("2147483647", "1").is_empty());
    }

    #[test]
    fn floats_and_numbers_out_of_range_are_located_errors() {
        let float = "`spec.replicas` must be an integer from 0 to 2147483647 (int32); a decimal point or an exponent makes it a floating-point number, which the API server rejects here";
        assert_eq!(deployment("3.0", "80"), [(5, format!("{float} (write 3)"))]);
        assert_eq!(
            deployment("1e3", "80"),
            [(5, format!("{float} (write 1000)"))]
        );
        assert_eq!(
            deployment("2147483648", "80"),
            [(
                5,
                "`spec.replicas` must be an integer from 0 to 2147483647 (int32); 2147483648 is out of range".to_owned()
            )]
        );
        assert_eq!(
            deployment("18446744073709551616", "80"),
            [(
                5,
                "`spec.replicas` must be an integer from 0 to 2147483647 (int32); this number is out of range".to_owned()
            )]
        );
        assert_eq!(
            deployment("2", "65536"),
            [(
                11,
                "`spec.template.spec.containers[0].ports[1].containerPort` must be an integer from 1 to 65535 (a port number); 65536 is out of range".to_owned()
            )]
        );
        assert_eq!(
            deployment("2", "\"http\"")[0].1.split("; ").nth(1),
            Some("found a string")
        );
        assert_eq!(
            deployment("2", "80.5")[0].1.split("; ").nth(1),
            Some("80.5 is not an integer")
        );
    }

    #[test]
    fn jobs_cron_jobs_and_short_forms() {
        let job = messages(
            "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec:\n  parallelism: 2.0\n  completions: 4294967296\n  backoffLimit: 1e1\n  activeDeadlineSeconds: 9223372036854775808\n  template: {spec: {containers: []}}\n",
        );
        assert_eq!(
            job.iter().map(|(line, _)| *line).collect::<Vec<_>>(),
            [5, 6, 7, 8]
        );
        assert_eq!(
            job[3].1,
            "`spec.activeDeadlineSeconds` must be an integer from 1 to 9223372036854775807 (int64); this number is out of range"
        );
        let cron = messages(
            "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  jobTemplate:\n    spec:\n      parallelism: 1.5\n      template: {spec: {containers: [{name: c, image: i, ports: [{hostPort: -1}]}]}}\n",
        );
        assert_eq!(cron.len(), 2, "{cron:?}");
        assert!(cron[0].1.starts_with("`spec.jobTemplate.spec.parallelism`"));
        assert!(cron[1].1.starts_with("`spec.jobTemplate.spec.template.spec.containers[0].ports[0].hostPort` must be an integer from 0 to 65535"));
        let short = messages(
            "apiVersion: fanout.dev/v1alpha1\nkind: MulticloudDeployment\nmetadata: {name: s}\nspec:\n  replicas: 3.0\n",
        );
        assert_eq!(short.len(), 1);
        assert!(short[0].1.starts_with("`spec.replicas`"));
        let short_job = messages(
            "apiVersion: fanout.dev/v1alpha1\nkind: MulticloudJob\nmetadata: {name: s}\nspec:\n  parallelism: 0\n  completions: 2147483648\n",
        );
        assert_eq!(short_job.len(), 2, "{short_job:?}");
        // a custom resource's `replicas` is its own business
        assert!(
            messages("apiVersion: acme.dev/v1\nkind: Widget\nmetadata: {name: w}\nspec: {replicas: 1.5}\n")
                .is_empty()
        );
    }
}
