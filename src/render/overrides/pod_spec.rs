//! Where a workload's pod spec is, by `kind` alone, for the kinds Karmada's image, command and args
//! overriders know: Pod (`spec`), and ReplicaSet, Deployment, DaemonSet, StatefulSet and Job
//! (`spec.template.spec`).
//!
//! Not here: any other kind (a CronJob, a custom resource: Karmada leaves them alone, and so does this),
//! the `apiVersion` (not looked at, as in Karmada), and walking the containers (each overrider does, with
//! its own errors).

use serde_json::Value;

const TEMPLATE_KINDS: [&str; 5] = [
    "ReplicaSet",
    "Deployment",
    "DaemonSet",
    "StatefulSet",
    "Job",
];

/// Where the pod spec of a workload kind is, as path segments (`None`: Karmada leaves the kind alone).
pub(super) fn pod_spec_segments(object: &Value) -> Option<&'static [&'static str]> {
    match object.get("kind").and_then(Value::as_str).unwrap_or("") {
        "Pod" => Some(&["spec"]),
        k if TEMPLATE_KINDS.contains(&k) => Some(&["spec", "template", "spec"]),
        _ => None,
    }
}
