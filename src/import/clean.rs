//! Cleaning: the live object without server-set fields and without fields equal to the defaults the API
//! server fills in. What remains is what the short form must carry; nothing is converted here.

use super::*;

/// The live object as a user would have written it: `status`, server-set metadata, controller labels and
/// annotations, the generated Job selector and every field equal to the default the API server fills in
/// are removed. What remains is what the short form must carry.
pub(super) fn clean(object: &Value) -> Value {
    let Value::Object(map) = object else {
        return object.clone();
    };
    let is_job = map.get("kind").and_then(Value::as_str) == Some("Job");
    let mut out = Map::new();
    for (key, value) in map {
        match (key.as_str(), value) {
            ("status", _) => {}
            ("metadata", Value::Object(meta)) => {
                out.insert(
                    key.clone(),
                    Value::Object(clean_metadata(meta, is_job, true)),
                );
            }
            ("spec", Value::Object(spec)) => {
                let spec = if is_job {
                    clean_job_spec(spec)
                } else {
                    clean_deployment_spec(spec)
                };
                out.insert(key.clone(), Value::Object(spec));
            }
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    Value::Object(out)
}

/// Whether a label or annotation key is set by the server, Karmada or the applying tool.
pub(super) fn dropped_key(key: &str, is_job: bool) -> bool {
    let domain = key.split_once('/').map_or("", |(d, _)| d);
    DROPPED_KEYS.contains(&key)
        || key == "kustomize.toolkit.fluxcd.io/namespace"
        || domain == "karmada.io"
        || domain.ends_with(".karmada.io")
        || (is_job && JOB_LABELS.contains(&key))
}

pub(super) fn clean_metadata(
    meta: &Map<String, Value>,
    is_job: bool,
    top: bool,
) -> Map<String, Value> {
    let mut out = Map::new();
    for (key, value) in meta {
        let server_set =
            crate::render::SERVER_METADATA.contains(&key.as_str()) || key == "generateName";
        if server_set && (top || key == "creationTimestamp") {
            continue;
        }
        match (key.as_str(), value) {
            ("labels" | "annotations", Value::Object(m)) => {
                let tracking = |k: &str| top && key == "labels" && k == ARGO_CD_INSTANCE_LABEL;
                let kept: Map<String, Value> = m
                    .iter()
                    .filter(|(k, _)| !dropped_key(k, is_job) && !tracking(k))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                if !kept.is_empty() {
                    out.insert(key.clone(), Value::Object(kept));
                }
            }
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    out
}

/// Remove `key` from `map` when its value equals `default`.
pub(super) fn drop_default(map: &mut Map<String, Value>, key: &str, default: &Value) {
    if map.get(key) == Some(default) {
        map.shift_remove(key);
    }
}

pub(super) fn clean_deployment_spec(spec: &Map<String, Value>) -> Map<String, Value> {
    let mut out = spec.clone();
    drop_default(&mut out, "progressDeadlineSeconds", &json!(600));
    drop_default(&mut out, "revisionHistoryLimit", &json!(10));
    drop_default(&mut out, "minReadySeconds", &json!(0));
    drop_default(&mut out, "paused", &json!(false));
    let default_strategy = |s: &Value| {
        s == &json!({"type": "RollingUpdate"})
            || s == &json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}})
    };
    if out.get("strategy").is_some_and(default_strategy) {
        out.shift_remove("strategy");
    }
    clean_template(&mut out, false);
    out
}

pub(super) fn clean_job_spec(spec: &Map<String, Value>) -> Map<String, Value> {
    let mut out = spec.clone();
    drop_default(&mut out, "backoffLimit", &json!(6));
    drop_default(&mut out, "completionMode", &json!("NonIndexed"));
    drop_default(&mut out, "suspend", &json!(false));
    drop_default(&mut out, "manualSelector", &json!(false));
    if !out.contains_key("podFailurePolicy") {
        drop_default(
            &mut out,
            "podReplacementPolicy",
            &json!("TerminatingOrFailed"),
        );
    }
    if out.get("manualSelector") != Some(&json!(true)) {
        out.shift_remove("selector");
    }
    clean_template(&mut out, true);
    out
}

pub(super) fn clean_template(spec: &mut Map<String, Value>, is_job: bool) {
    let Some(Value::Object(template)) = spec.get_mut("template") else {
        return;
    };
    if let Some(Value::Object(meta)) = template.get_mut("metadata") {
        *meta = clean_metadata(meta, is_job, false);
        if meta.is_empty() {
            template.shift_remove("metadata");
        }
    }
    if let Some(Value::Object(pod)) = template.get_mut("spec") {
        clean_pod_spec(pod, is_job);
    }
}

pub(super) fn clean_pod_spec(pod: &mut Map<String, Value>, is_job: bool) {
    drop_default(pod, "dnsPolicy", &json!("ClusterFirst"));
    drop_default(pod, "schedulerName", &json!("default-scheduler"));
    drop_default(pod, "securityContext", &json!({}));
    drop_default(pod, "terminationGracePeriodSeconds", &json!(30));
    drop_default(pod, "enableServiceLinks", &json!(true));
    if !is_job {
        drop_default(pod, "restartPolicy", &json!("Always"));
    }
    if let Some(account) = pod.get("serviceAccountName").cloned() {
        drop_default(pod, "serviceAccount", &account);
    }
    for key in ["containers", "initContainers"] {
        if let Some(Value::Array(containers)) = pod.get_mut(key) {
            for c in containers.iter_mut() {
                if let Value::Object(c) = c {
                    clean_container(c);
                    name_first(c, &["name", "image"]);
                }
            }
        }
    }
    if let Some(Value::Array(volumes)) = pod.get_mut("volumes") {
        for v in volumes.iter_mut() {
            if let Value::Object(v) = v {
                clean_volume(v);
                name_first(v, &["name"]);
            }
        }
    }
}

/// Put `keys` first (kubectl prints keys sorted, which buries a container's name).
pub(super) fn name_first(map: &mut Map<String, Value>, keys: &[&str]) {
    let mut ordered = Map::new();
    for k in keys {
        if let Some(v) = map.shift_remove(*k) {
            ordered.insert((*k).to_owned(), v);
        }
    }
    ordered.extend(std::mem::take(map));
    *map = ordered;
}

/// The pull policy Kubernetes gives a container without one: `Always` for `:latest` or no tag (and no
/// digest), `IfNotPresent` otherwise.
pub(super) fn default_pull_policy(image: &str) -> &'static str {
    if image.contains('@') {
        return "IfNotPresent";
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.rsplit_once(':') {
        Some((_, tag)) if tag != "latest" => "IfNotPresent",
        _ => "Always",
    }
}

pub(super) fn clean_container(c: &mut Map<String, Value>) {
    drop_default(c, "terminationMessagePath", &json!("/dev/termination-log"));
    drop_default(c, "terminationMessagePolicy", &json!("File"));
    drop_default(c, "resources", &json!({}));
    if let Some(image) = c.get("image").and_then(Value::as_str) {
        let policy = json!(default_pull_policy(image));
        drop_default(c, "imagePullPolicy", &policy);
    }
    if let Some(Value::Array(ports)) = c.get_mut("ports") {
        for p in ports.iter_mut().filter_map(Value::as_object_mut) {
            drop_default(p, "protocol", &json!("TCP"));
        }
    }
    for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
        if let Some(Value::Object(p)) = c.get_mut(probe) {
            drop_default(p, "failureThreshold", &json!(3));
            drop_default(p, "periodSeconds", &json!(10));
            drop_default(p, "successThreshold", &json!(1));
            drop_default(p, "timeoutSeconds", &json!(1));
            clean_handler(p);
        }
    }
    if let Some(Value::Object(lifecycle)) = c.get_mut("lifecycle") {
        for hook in ["postStart", "preStop"] {
            if let Some(Value::Object(h)) = lifecycle.get_mut(hook) {
                clean_handler(h);
            }
        }
    }
    if let Some(Value::Array(env)) = c.get_mut("env") {
        for e in env.iter_mut() {
            if let Some(Value::Object(from)) = e.get_mut("valueFrom") {
                clean_value_from(from);
            }
        }
    }
}

pub(super) fn clean_handler(handler: &mut Map<String, Value>) {
    if let Some(Value::Object(get)) = handler.get_mut("httpGet") {
        drop_default(get, "scheme", &json!("HTTP"));
    }
}

/// `fieldRef.apiVersion: v1` and `resourceFieldRef.divisor: "0"` are defaults.
pub(super) fn clean_value_from(from: &mut Map<String, Value>) {
    if let Some(Value::Object(f)) = from.get_mut("fieldRef") {
        drop_default(f, "apiVersion", &json!("v1"));
    }
    if let Some(Value::Object(r)) = from.get_mut("resourceFieldRef") {
        drop_default(r, "divisor", &json!("0"));
    }
}

pub(super) fn clean_volume(v: &mut Map<String, Value>) {
    for source in ["configMap", "secret", "projected", "downwardAPI"] {
        if let Some(Value::Object(s)) = v.get_mut(source) {
            drop_default(s, "defaultMode", &json!(420));
            if source == "downwardAPI" {
                clean_downward_items(s);
            }
        }
    }
    if let Some(Value::Object(p)) = v.get_mut("projected")
        && let Some(Value::Array(sources)) = p.get_mut("sources")
    {
        for s in sources.iter_mut().filter_map(Value::as_object_mut) {
            if let Some(Value::Object(d)) = s.get_mut("downwardAPI") {
                clean_downward_items(d);
            }
            if let Some(Value::Object(t)) = s.get_mut("serviceAccountToken") {
                drop_default(t, "expirationSeconds", &json!(3600));
            }
        }
    }
    if let Some(Value::Object(h)) = v.get_mut("hostPath") {
        drop_default(h, "type", &json!(""));
    }
}

pub(super) fn clean_downward_items(d: &mut Map<String, Value>) {
    if let Some(Value::Array(items)) = d.get_mut("items") {
        for item in items.iter_mut().filter_map(Value::as_object_mut) {
            clean_value_from(item);
        }
    }
}
