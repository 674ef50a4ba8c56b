//! A Job's `parallelism` and `completions` as Karmada sees them: after the API server's defaults.
//!
//! karmada-apiserver is a Kubernetes API server, so a Job template is stored with `SetDefaults_Job`
//! applied (Kubernetes `pkg/apis/batch/v1/defaults.go`): with neither `parallelism` nor `completions`,
//! both become 1; without `parallelism`, it becomes 1 and `completions` stays unset (a work-queue Job).
//! Karmada's GetReplicas (`jobReplica`, `pkg/resourceinterpreter/default/native/replica.go`) reads the
//! defaulted counts; its ReviseReplica (`reviseJobReplica`, `revisereplica.go`) writes a cluster's share
//! into `parallelism`, and the binding controller its divided `completions` (`applyJobCompletions`,
//! `pkg/controllers/binding/common.go`), each only where the field exists — in the defaulted template
//! `parallelism` always does, `completions` unless the Job is a work queue.
//!
//! Only these two fields are defaulted here: they are the ones Karmada reads and writes. The API
//! server's other Job defaults (`backoffLimit`, `completionMode`, `suspend`, ...) are left to the member
//! cluster's API server, which applies the same ones.
//!
//! Pure; never panics. A null count is absent (as Go decodes it); one that is present but not an
//! integer (the schema refuses it) is read as absent and left as it is; an integer is clamped to
//! 0..=2147483647 as everywhere in placement.

use serde_json::Value;

/// `parallelism` and `completions` after the API server's defaults: `(parallelism, completions)`,
/// `completions` `None` for a work-queue Job.
pub fn counts(job: &Value) -> (i32, Option<i32>) {
    let count = |field: &str| {
        job.pointer(&format!("/spec/{field}"))
            .and_then(Value::as_i64)
            .map(|n| n.clamp(0, i64::from(i32::MAX)) as i32)
    };
    match (count("parallelism"), count("completions")) {
        (None, None) => (1, Some(1)),
        (parallelism, completions) => (parallelism.unwrap_or(1), completions),
    }
}

/// Writes the defaulted counts into a Job whose `spec` lacks them (absent or null), first in
/// `spec` as Kubernetes orders a JobSpec: `parallelism`, then `completions`. A Job without a `spec`
/// mapping is left alone.
pub fn apply_defaults(job: &mut Value) {
    let (parallelism, completions) = counts(job);
    let Some(Value::Object(spec)) = job.get_mut("spec") else {
        return;
    };
    let absent =
        |spec: &serde_json::Map<String, Value>, key: &str| spec.get(key).is_none_or(Value::is_null);
    if let Some(c) = completions
        && absent(spec, "completions")
    {
        spec.shift_insert(0, "completions".to_owned(), Value::from(c));
    }
    if absent(spec, "parallelism") {
        spec.shift_insert(0, "parallelism".to_owned(), Value::from(parallelism));
    }
}

#[cfg(test)]
mod tests;
