//! The invariants of dependency interpretation: pointers name the referencing field, the output is
//! grouped, ordered and de-duplicated, wrong shapes never panic, and label values are checked as
//! Kubernetes does.

use super::*;

#[test]
fn pointers_name_the_referencing_field() {
    let object = json!({
        "apiVersion": "batch/v1", "kind": "CronJob",
        "spec": {"jobTemplate": {"spec": {"template": {"spec": {
            "serviceAccountName": "runner",
            "imagePullSecrets": [{"name": "pull"}],
            "initContainers": [{"env": [
                {"value": "x"},
                {"valueFrom": {"configMapKeyRef": {"name": "init-cm"}}}
            ]}],
            "containers": [{}, {"envFrom": [{"prefix": "A_"}, {"configMapRef": {"name": "cm"}}]}],
            "ephemeralContainers": [{"envFrom": [{"secretRef": {"name": "debug"}}]}],
            "volumes": [
                {"name": "p", "projected": {"sources": [
                    {"serviceAccountToken": {}}, {"secret": {"name": "proj"}}
                ]}},
                {"name": "c", "csi": {"driver": "d", "nodePublishSecretRef": {"name": "csi"}}},
                {"name": "d", "persistentVolumeClaim": {"claimName": "data"}}
            ]
        }}}}}
    });
    let base = "/spec/jobTemplate/spec/template/spec";
    let got: Vec<(String, String)> = dependencies(&object, NS)
        .into_iter()
        .map(|d| (d.name, d.pointer))
        .collect();
    let want: Vec<(String, String)> = [
        (
            "init-cm",
            "/initContainers/0/env/1/valueFrom/configMapKeyRef/name",
        ),
        ("cm", "/containers/1/envFrom/1/configMapRef/name"),
        ("pull", "/imagePullSecrets/0/name"),
        ("debug", "/ephemeralContainers/0/envFrom/0/secretRef/name"),
        ("proj", "/volumes/0/projected/sources/1/secret/name"),
        ("csi", "/volumes/1/csi/nodePublishSecretRef/name"),
        ("runner", "/serviceAccountName"),
        ("data", "/volumes/2/persistentVolumeClaim/claimName"),
    ]
    .iter()
    .map(|(name, at)| ((*name).to_owned(), format!("{base}{at}")))
    .collect();
    assert_eq!(got, want);
    for dependency in dependencies(&object, NS) {
        assert_eq!(
            object.pointer(&dependency.pointer).and_then(Value::as_str),
            Some(dependency.name.as_str())
        );
    }
}

#[test]
fn deterministic_grouped_and_deduplicated() {
    let spec = json!({
        "volumes": [
            {"name": "v0", "persistentVolumeClaim": {"claimName": "data"}},
            {"name": "v1", "secret": {"secretName": "tls"}},
            {"name": "v2", "configMap": {"name": "settings"}},
            {"name": "v3", "persistentVolumeClaim": {"claimName": "data"}},
            {"name": "v4", "projected": {"sources": [
                {"configMap": {"name": "settings"}},
                {"secret": {"name": "tls"}},
                {"configMap": {"name": "extra"}}
            ]}}
        ],
        "serviceAccountName": "app",
        "containers": [
            {"envFrom": [{"secretRef": {"name": "env"}}, {"configMapRef": {"name": "settings"}}]},
            {"env": [{"valueFrom": {"secretKeyRef": {"name": "tls"}}},
                     {"valueFrom": {"secretKeyRef": {"name": "env"}}}]}
        ],
        "initContainers": [{"envFrom": [{"configMapRef": {"name": "boot"}}]}],
        "imagePullSecrets": [{"name": "pull"}, {"name": "env"}]
    });
    let object = json!({"apiVersion": "apps/v1", "kind": "Deployment",
                        "spec": {"template": {"spec": spec}}});
    let first = dependencies(&object, NS);
    assert_eq!(
        names(&first),
        pairs(&[
            (CONFIG_MAP, "boot"),
            (CONFIG_MAP, "settings"),
            (CONFIG_MAP, "extra"),
            (SECRET, "pull"),
            (SECRET, "env"),
            (SECRET, "tls"),
            (SERVICE_ACCOUNT, "app"),
            (PERSISTENT_VOLUME_CLAIM, "data"),
        ])
    );
    let pointer_of = |name: &str| {
        first
            .iter()
            .find(|d| d.name == name)
            .map(|d| d.pointer.as_str())
    };
    let base = "/spec/template/spec";
    assert_eq!(
        pointer_of("settings"),
        Some(format!("{base}/containers/0/envFrom/1/configMapRef/name").as_str())
    );
    assert_eq!(
        pointer_of("env"),
        Some(format!("{base}/imagePullSecrets/1/name").as_str())
    );
    assert_eq!(
        pointer_of("tls"),
        Some(format!("{base}/containers/1/env/0/valueFrom/secretKeyRef/name").as_str())
    );
    assert_eq!(
        pointer_of("data"),
        Some(format!("{base}/volumes/0/persistentVolumeClaim/claimName").as_str())
    );
    let mut keys: Vec<_> = first.iter().map(|d| (d.kind, d.name.as_str())).collect();
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(keys.len(), first.len(), "no duplicates");
    for _ in 0..3 {
        assert_eq!(dependencies(&object.clone(), NS), first);
    }
    // the namespace is the one given, not the object's
    let mut other = object.clone();
    other["metadata"] = json!({"namespace": "elsewhere"});
    assert!(
        dependencies(&other, "given")
            .iter()
            .all(|d| d.namespace == "given")
    );
}

/// Every pointer inside `value`, the root included.
fn all_pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                all_pointers(inner, format!("{at}/{key}"), out);
            }
        }
        Value::Array(list) => {
            for (i, inner) in list.iter().enumerate() {
                all_pointers(inner, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

#[test]
fn wrong_shapes_anywhere_never_panic() {
    let mut spec = secrets_pod_spec();
    let config_maps = config_maps_pod_spec();
    for key in [
        "initContainers",
        "containers",
        "ephemeralContainers",
        "volumes",
    ] {
        let extra = config_maps[key].as_array().cloned().unwrap_or_default();
        spec[key].as_array_mut().expect("list").extend(extra);
    }
    spec["serviceAccountName"] = json!("sa");
    spec["volumes"]
        .as_array_mut()
        .expect("list")
        .push(json!({"persistentVolumeClaim": {"claimName": "pvc"}}));
    let objects = [
        json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
               "metadata": {"name": "s"},
               "spec": {"template": {"spec": spec.clone()},
                        "volumeClaimTemplates": [{"metadata": {"name": "pvc"}}]}}),
        json!({"apiVersion": "batch/v1", "kind": "CronJob",
               "spec": {"jobTemplate": {"spec": {"template": {"spec": spec.clone()}}}}}),
        pod(spec),
        json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
               "spec": {"tls": [{"secretName": "a", "hosts": ["h"]}]}}),
        json!({"apiVersion": "multicluster.x-k8s.io/v1alpha1", "kind": "ServiceImport",
               "metadata": {"name": "svc"}}),
    ];
    let replacements = [
        json!(null),
        json!(7),
        json!(-1.5),
        json!("text"),
        json!(true),
        json!([]),
        json!({}),
        json!([null, 1, "x", {}]),
    ];
    for object in &objects {
        let baseline = interpret(object, NS);
        assert!(baseline.is_ok(), "{object}");
        let mut pointers = Vec::new();
        all_pointers(object, String::new(), &mut pointers);
        for pointer in &pointers {
            for replacement in &replacements {
                let mut broken = object.clone();
                match broken.pointer_mut(pointer) {
                    Some(slot) => *slot = replacement.clone(),
                    None => continue,
                }
                let once = interpret(&broken, NS);
                assert_eq!(interpret(&broken, NS), once, "{pointer}");
                for dependency in once.map(|d| d.named).unwrap_or_default() {
                    assert!(!dependency.name.is_empty());
                    let named = broken.pointer(&dependency.pointer).and_then(Value::as_str);
                    let want = match dependency.kind {
                        SERVICE => dependency.name.strip_prefix(DERIVED_SERVICE_PREFIX),
                        _ => Some(dependency.name.as_str()),
                    };
                    assert_eq!(named, want, "{pointer}");
                }
            }
        }
    }
    for junk in [
        json!(null),
        json!(1),
        json!("Pod"),
        json!([{"kind": "Pod"}]),
    ] {
        assert_eq!(interpret(&junk, NS), Ok(Dependencies::default()));
    }
}

#[test]
fn label_values() {
    assert!(is_label_value(""));
    assert!(is_label_value("derived-a.b_c"));
    assert!(is_label_value(&"a".repeat(63)));
    assert!(!is_label_value(&"a".repeat(64)));
    assert!(!is_label_value("derived-"));
    assert!(!is_label_value("-a"));
    assert!(!is_label_value("a/b"));
    assert!(!is_label_value("é"));
}
