//! The JSON Schemas in `schema/` give the same answers in a second, independent validator
//! (`check-jsonschema`, the PyPI package), so editors using yaml-language-server agree with the CLI: every
//! object of the example and of the valid fixtures passes, and typical mistakes fail in both.

mod common;

use fanout::front::classify::{self, Class};
use fanout::front::schemas::{SchemaKind, Schemas, schema_file};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn available() -> bool {
    common::installed("check-jsonschema", &["--version"])
}

fn kind_of(class: Class, kind: &str) -> SchemaKind {
    match class {
        Class::Cluster => SchemaKind::Cluster,
        Class::PropagationPolicy | Class::ClusterPropagationPolicy => SchemaKind::PropagationPolicy,
        Class::OverridePolicy | Class::ClusterOverridePolicy => SchemaKind::OverridePolicy,
        Class::ShortForm if kind == "MulticloudJob" => SchemaKind::MulticloudJob,
        Class::ShortForm => SchemaKind::MulticloudDeployment,
        Class::Resource => SchemaKind::Resource,
    }
}

/// Every object fanout reads in the repository at `dir` (templates excluded), by schema.
fn objects(dir: &Path, out: &mut BTreeMap<SchemaKind, Vec<serde_json::Value>>) {
    let repo = fanout::front::load::load(dir, None, &Schemas::new()).unwrap();
    for &id in &repo.files {
        let file = repo.sources.get(id);
        if fanout::front::template::is_template(&file.rel_path) {
            continue;
        }
        let parsed =
            fanout::front::yaml::parse(id, &file.text, fanout::front::yaml::Limits::default());
        let (objs, _) = classify::classify(parsed.documents);
        for o in objs {
            out.entry(kind_of(o.class, &o.kind))
                .or_default()
                .push(o.json());
        }
    }
}

/// Run check-jsonschema on the given instances; true when all pass.
fn check(kind: SchemaKind, instances: &[serde_json::Value]) -> (bool, String) {
    let tmp = tempfile::tempdir().unwrap();
    let files: Vec<PathBuf> = instances
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let p = tmp.path().join(format!("{i}.json"));
            std::fs::write(&p, serde_json::to_string(v).unwrap()).unwrap();
            p
        })
        .collect();
    let schema = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schema")
        .join(schema_file(kind));
    let out = Command::new("check-jsonschema")
        .arg("--schemafile")
        .arg(&schema)
        .args(&files)
        .output()
        .unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn a_second_validator_accepts_every_valid_object() {
    if !available() {
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut by_kind = BTreeMap::new();
    objects(&root.join("examples/multicloud"), &mut by_kind);
    for e in std::fs::read_dir(root.join("fixtures")).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if !name.starts_with("err-") {
            objects(&p.join("repo"), &mut by_kind);
        }
    }
    assert!(
        by_kind.len() >= 6,
        "{:?}",
        by_kind.keys().collect::<Vec<_>>()
    );
    let schemas = Schemas::new();
    for (kind, instances) in &by_kind {
        for i in instances {
            assert!(schemas.validate(*kind, i).is_empty(), "{kind:?}: {i}");
        }
        let (ok, output) = check(*kind, instances);
        assert!(ok, "{kind:?}: check-jsonschema disagrees:\n{output}");
    }
}

#[test]
fn both_validators_reject_the_same_mistakes() {
    if !available() {
        return;
    }
    let cases = [
        (
            SchemaKind::PropagationPolicy,
            serde_json::json!({"apiVersion": "policy.karmada.io/v1alpha1", "kind": "PropagationPolicy", "metadata": {"name": "p"}, "spec": {"resourceSelectors": [{"apiVersion": "v1", "kind": "ConfigMap"}], "placement": {"clusterAfinity": {}}}}),
        ),
        (
            SchemaKind::PropagationPolicy,
            serde_json::json!({"apiVersion": "policy.karmada.io/v1alpha1", "kind": "PropagationPolicy", "metadata": {"name": "p"}, "spec": {"resourceSelectors": [{"apiVersion": "v1", "kind": "ConfigMap"}], "placement": {}, "failover": {}}}),
        ),
        (
            SchemaKind::Resource,
            serde_json::json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}, "spec": {"replicas": "three"}}),
        ),
        (
            SchemaKind::Resource,
            serde_json::json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "i", "resources": {"requests": {"cpu": "4 cores"}}}]}}),
        ),
        (
            SchemaKind::MulticloudDeployment,
            serde_json::json!({"apiVersion": "fanout.dev/v1alpha1", "kind": "MulticloudDeployment", "metadata": {"name": "Web"}, "spec": {"template": {"spec": {"containers": [{"name": "c", "image": "i"}]}}}}),
        ),
        (
            SchemaKind::Cluster,
            serde_json::json!({"apiVersion": "cluster.karmada.io/v1alpha1", "kind": "Cluster", "metadata": {"name": "c"}, "spec": {"taints": [{"key": "k", "effect": "Sometimes"}]}}),
        ),
    ];
    let schemas = Schemas::new();
    for (kind, instance) in cases {
        assert!(
            !schemas.validate(kind, &instance).is_empty(),
            "fanout accepted {instance}"
        );
        let (ok, _) = check(kind, std::slice::from_ref(&instance));
        assert!(!ok, "check-jsonschema accepted {instance}");
    }
}
