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
        Class::InterpreterCustomization => SchemaKind::InterpreterCustomization,
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

/// Typical mistakes, each with the schema that must reject it.
fn mistakes() -> Vec<(SchemaKind, serde_json::Value)> {
    vec![
        (
            SchemaKind::PropagationPolicy,
            serde_json::json!({"apiVersion": "policy.karmada.io/v1alpha1", "kind": "PropagationPolicy", "metadata": {"name": "p"}, "spec": {"resourceSelectors": [{"apiVersion": "v1", "kind": "ConfigMap"}], "placement": {"clusterAfinity": {}}}}),
        ),
        (
            SchemaKind::PropagationPolicy,
            serde_json::json!({"apiVersion": "policy.karmada.io/v1alpha1", "kind": "PropagationPolicy", "metadata": {"name": "p"}, "spec": {"resourceSelectors": [{"apiVersion": "v1", "kind": "ConfigMap"}], "placement": {}, "failover": {"cluster": {"purgeMode": "Sometimes"}}}}),
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
            SchemaKind::Resource,
            serde_json::json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}, "spec": {"replicaz": 5, "selector": {}, "template": {"spec": {"containers": [{"name": "c"}]}}}}),
        ),
        (
            SchemaKind::Resource,
            serde_json::json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}, "spec": {"ports": [{"port": 2_147_483_648_i64}]}}),
        ),
        (
            SchemaKind::Resource,
            serde_json::json!({"apiVersion": "apps/v1", "kind": "Deploymnet", "metadata": {"name": "d"}}),
        ),
        (
            SchemaKind::MulticloudDeployment,
            serde_json::json!({"apiVersion": "fanout.dev/v1alpha1", "kind": "MulticloudDeployment", "metadata": {"name": "Web"}, "spec": {"template": {"spec": {"containers": [{"name": "c", "image": "i"}]}}}}),
        ),
        (
            SchemaKind::Cluster,
            serde_json::json!({"apiVersion": "cluster.karmada.io/v1alpha1", "kind": "Cluster", "metadata": {"name": "c"}, "spec": {"taints": [{"key": "k", "effect": "Sometimes"}]}}),
        ),
    ]
}

#[test]
fn both_validators_reject_the_same_mistakes() {
    if !available() {
        return;
    }
    let cases = mistakes();
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

/// `fanout schemas --out DIR`: every exported file, parsed.
fn exported(dir: &Path) -> BTreeMap<String, serde_json::Value> {
    let out = Command::new(env!("CARGO_BIN_EXE_fanout"))
        .args(["schemas", "--out"])
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            let text = std::fs::read_to_string(&p).unwrap();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, serde_json::from_str(&text).unwrap())
        })
        .collect()
}

/// Issue #17: the exported schemas carry a stable `$id` and work as a set identified by those ids:
/// `fanout.schema.json`, resolved only through the ids, accepts every object fanout accepts (example
/// and fixtures) and rejects the typical mistakes.
#[test]
fn exported_schemas_work_by_their_ids() {
    let tmp = tempfile::tempdir().unwrap();
    let files = exported(tmp.path());
    assert_eq!(files.len(), 12, "{:?}", files.keys());
    let base = "https://fanout.dev/schema/v1alpha1/";
    for (name, document) in &files {
        assert_eq!(document["$id"], format!("{base}{name}"), "{name}");
    }
    // The embedded originals, without `$id`, are what the exported files hold otherwise.
    let original: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/cluster.schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let mut cluster = files["cluster.schema.json"].clone();
    cluster.as_object_mut().unwrap().remove("$id");
    assert_eq!(cluster, original);

    let registry = jsonschema::Registry::new()
        .extend(
            files
                .values()
                .map(|d| (d["$id"].as_str().unwrap().to_owned(), d)),
        )
        .and_then(|b| b.prepare())
        .unwrap();
    let any = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .with_registry(&registry)
        .offline()
        .build(&files["fanout.schema.json"])
        .unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut by_kind = BTreeMap::new();
    objects(&root.join("examples/multicloud"), &mut by_kind);
    let mut checked = 0;
    for instances in by_kind.values() {
        for i in instances {
            let errors: Vec<String> = any.iter_errors(i).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{i}: {errors:?}");
            checked += 1;
        }
    }
    assert!(checked > 20, "{checked}");
    let list = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": [
        {"apiVersion": "cluster.karmada.io/v1alpha1", "kind": "Cluster", "metadata": {"name": "a"}},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}]});
    assert!(any.is_valid(&list));
    let kustomization = serde_json::json!({"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization", "resources": ["a.yaml"]});
    assert!(any.is_valid(&kustomization));
    let mut bad_list = list.clone();
    bad_list["items"][0]["spec"] = serde_json::json!({"provder": "aws"});
    assert!(!any.is_valid(&bad_list));
    for (_, instance) in mistakes() {
        assert!(!any.is_valid(&instance), "accepted {instance}");
    }

    // A second validator, told where the files are (it would otherwise fetch the `$id`s).
    if !available() {
        return;
    }
    let schema = tmp.path().join("fanout.schema.json");
    let check = |instance: &serde_json::Value| {
        let file = tmp.path().join("instance.json");
        std::fs::write(&file, instance.to_string()).unwrap();
        Command::new("check-jsonschema")
            .arg("--base-uri")
            .arg(format!("file://{}", schema.display()))
            .arg("--schemafile")
            .arg(&schema)
            .arg(&file)
            .output()
            .unwrap()
    };
    let o = check(&list);
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    for (_, instance) in mistakes() {
        let o = check(&instance);
        assert_eq!(
            o.status.code(),
            Some(1),
            "check-jsonschema accepted {instance}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

/// Issue #17: `--vscode` sets `yaml.schemas` in `.vscode/settings.json`, keeping other settings, and
/// refuses a settings file it cannot read as JSON (VS Code allows comments), leaving it as it was.
#[test]
fn vscode_settings_map_the_repository_to_the_schemas() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_fanout"))
            .args(args)
            .current_dir(tmp.path())
            .output()
            .unwrap()
    };
    std::fs::create_dir_all(tmp.path().join(".vscode")).unwrap();
    let settings = tmp.path().join(".vscode/settings.json");
    std::fs::write(
        &settings,
        r#"{"editor.tabSize": 2, "yaml.schemas": {"other.json": ["x.yaml"]}}"#,
    )
    .unwrap();
    let o = run(&["schemas", "--out", "schema", "--vscode", "deploy"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&settings).unwrap()).unwrap();
    assert_eq!(
        written,
        serde_json::json!({"editor.tabSize": 2, "yaml.schemas": {
            "other.json": ["x.yaml"],
            "schema/fanout.schema.json": ["deploy/**/*.yaml", "deploy/**/*.yml"],
            "schema/config.schema.json": ["deploy/fanout.yaml"],
        }})
    );
    assert!(tmp.path().join("schema/fanout.schema.json").is_file());
    let o = run(&["schemas", "--out", "schema", "--vscode"]);
    assert!(o.status.success());
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&settings).unwrap()).unwrap();
    assert_eq!(
        written["yaml.schemas"]["schema/fanout.schema.json"],
        serde_json::json!(["**/*.yaml", "**/*.yml"])
    );

    let jsonc = "{\n  // comments are allowed by VS Code\n  \"editor.tabSize\": 2\n}\n";
    std::fs::write(&settings, jsonc).unwrap();
    let o = run(&["schemas", "--out", "schema", "--vscode"]);
    assert_eq!(o.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&o.stderr).contains("yaml.schemas"));
    assert_eq!(std::fs::read_to_string(&settings).unwrap(), jsonc);
}
