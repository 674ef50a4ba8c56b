//! `fanout schemas --out DIR [--vscode] [REPO]`: the JSON Schemas fanout validates with, written out
//! for editors and other validators, each with a stable `$id`, plus `fanout.schema.json`, one schema
//! for any file fanout reads (it picks the right one by `apiVersion` and `kind`). `--vscode` also
//! points VS Code's YAML extension at them (`.vscode/settings.json`, `yaml.schemas`).
//!
//! The files are the ones embedded in the binary (the same `include_str!` of `schema/` as
//! `front::schemas`); in `schema/` they carry no `$id` so that their relative references resolve next to
//! each file. The exported copies keep those relative references: each `$id` ends with the file's own
//! name, so relative references resolve to the sibling files under the `$id` base as on disk.

use crate::cli::exit;
use fanout::front::classify::{CLUSTER_API, POLICY_API};
use fanout::model::shortform;
use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};

/// The base of every exported schema's `$id`: it names the format (`v1alpha1`, the API version of
/// fanout's own objects), not a fanout release, so it stays the same as long as the schemas are compatible.
pub const ID_BASE: &str = "https://fanout.dev/schema/v1alpha1/";

/// The schema for any file fanout reads.
pub const DISPATCH: &str = "fanout.schema.json";

/// Every file of `schema/`, as embedded in the binary (a test checks the list against the directory);
/// `kubernetes.schema.json` without its descriptions.
fn files() -> impl Iterator<Item = (&'static str, &'static str)> {
    (fanout::front::schemas::FILES.into_iter()).chain([(
        "kubernetes.schema.json",
        fanout::front::schemas::KUBERNETES_TEXT,
    )])
}

/// Which schema a document gets, by `apiVersion` and kinds: the classes of `front::classify`.
pub const DISPATCHED: [(&str, &[&str], &str); 5] = [
    (CLUSTER_API, &["Cluster"], "cluster.schema.json"),
    (
        POLICY_API,
        &["PropagationPolicy", "ClusterPropagationPolicy"],
        "propagationpolicy.schema.json",
    ),
    (
        POLICY_API,
        &["OverridePolicy", "ClusterOverridePolicy"],
        "overridepolicy.schema.json",
    ),
    (
        shortform::API_VERSION,
        &[shortform::DEPLOYMENT_KIND],
        "multiclouddeployment.schema.json",
    ),
    (
        shortform::API_VERSION,
        &[shortform::JOB_KIND],
        "multicloudjob.schema.json",
    ),
];

pub fn run(out: &Path, vscode: bool, repo: &Path) -> i32 {
    let files = match exported() {
        Ok(files) => files,
        Err(e) => {
            eprintln!("error: cannot export the schemas: {e}");
            return exit::USAGE_OR_IO;
        }
    };
    if let Err(e) = std::fs::create_dir_all(out) {
        eprintln!("error: cannot create {}: {e}", out.display());
        return exit::USAGE_OR_IO;
    }
    for (name, text) in &files {
        let path = out.join(name);
        if let Err(e) = std::fs::write(&path, text) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return exit::USAGE_OR_IO;
        }
    }
    note!("wrote {} schemas to {}", files.len(), out.display());
    if vscode {
        match write_vscode(Path::new("."), out, repo) {
            Ok(path) => note!("wrote `yaml.schemas` in {}", path.display()),
            Err(e) => {
                eprintln!("error: {e}");
                return exit::USAGE_OR_IO;
            }
        }
    }
    exit::OK
}

/// Every exported file as (name, pretty JSON text): the embedded schemas with their `$id`, then
/// [`DISPATCH`].
pub fn exported() -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for (name, text) in files() {
        let document: Value =
            serde_json::from_str(text).map_err(|e| format!("schema/{name}: {e}"))?;
        out.push((name.to_owned(), pretty(&with_id(name, document))?));
    }
    out.push((DISPATCH.to_owned(), pretty(&dispatch())?));
    Ok(out)
}

fn pretty(value: &Value) -> Result<String, String> {
    serde_json::to_string_pretty(value)
        .map(|s| s + "\n")
        .map_err(|e| e.to_string())
}

/// `document` with `"$id": ID_BASE + name` right after `$schema`.
fn with_id(name: &str, document: Value) -> Value {
    let Value::Object(map) = document else {
        return document;
    };
    let mut out = Map::new();
    if let Some(schema) = map.get("$schema") {
        out.insert("$schema".to_owned(), schema.clone());
    }
    out.insert("$id".to_owned(), json!(format!("{ID_BASE}{name}")));
    let rest = map.into_iter().filter(|(k, _)| k != "$schema");
    out.extend(rest.filter(|(k, _)| k != "$id"));
    Value::Object(out)
}

/// One schema for any document fanout reads: a `List` checks each item, fanout's and Karmada's kinds
/// their own schema, a kustomization file nothing (fanout skips it), anything else with `apiVersion`
/// and `kind` the schema of a Kubernetes object to place.
fn dispatch() -> Value {
    let is = |api: &str, kinds: &[&str]| {
        json!({
            "properties": {"apiVersion": {"const": api}, "kind": {"enum": kinds}},
            "required": ["apiVersion", "kind"],
        })
    };
    let mut chain = json!({"$ref": "resource.schema.json"});
    for (api, kinds, file) in DISPATCHED.iter().rev() {
        chain = json!({"if": is(api, kinds), "then": {"$ref": file}, "else": chain});
    }
    chain = json!({
        "if": {
            "properties": {"kind": {"const": "Kustomization"}, "apiVersion": {"pattern": "^kustomize\\.config\\.k8s\\.io/"}},
            "required": ["apiVersion", "kind"],
        },
        "then": true,
        "else": chain,
    });
    chain = json!({
        "if": {
            "properties": {"kind": {"type": "string", "pattern": "List$"}, "items": {"type": ["array", "null"]}},
            "required": ["kind", "items"],
        },
        "then": {"properties": {"items": {"type": ["array", "null"], "items": {"$ref": "#"}}}},
        "else": chain,
    });
    let mut document = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": format!("{ID_BASE}{DISPATCH}"),
        "title": "Any file fanout reads",
        "description": "Picks the schema by `apiVersion` and `kind`: a Karmada Cluster, PropagationPolicy or OverridePolicy, a fanout short form, or any other Kubernetes object; a `List` checks each item. Written by `fanout schemas`.",
        "type": "object",
    });
    if let (Value::Object(map), Value::Object(chain)) = (&mut document, chain) {
        map.extend(chain);
    }
    document
}

/// Set `yaml.schemas` in `<workspace>/.vscode/settings.json` (other settings kept): the repository's
/// YAML files to [`DISPATCH`], its `fanout.yaml` to the config schema. Paths are relative to the
/// workspace when they are inside it.
fn write_vscode(workspace: &Path, out: &Path, repo: &Path) -> Result<PathBuf, String> {
    let dir = workspace.join(".vscode");
    let path = dir.join("settings.json");
    // The workspace may be a repository someone else wrote: no symlink is followed, in or out.
    if std::fs::symlink_metadata(&dir).is_ok_and(|m| !m.is_dir()) {
        return Err(format!(
            "{} is not a directory (a symlink is not followed)",
            dir.display()
        ));
    }
    let mut settings = match fanout::safe_read::read_regular(&path, 1 << 20) {
        Ok(bytes) => serde_json::from_slice::<Value>(&bytes).map_err(|e| {
            format!(
                "{} is not plain JSON ({e}); add the `yaml.schemas` entries by hand",
                path.display()
            )
        })?,
        Err(fanout::safe_read::ReadError::NotFound) => json!({}),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let Some(settings_map) = settings.as_object_mut() else {
        return Err(format!("{} is not a JSON object", path.display()));
    };
    let schema = |name: &str| relative(workspace, &out.join(name));
    let repo = relative(workspace, repo);
    let under = |glob: &str| {
        if repo.is_empty() || repo == "." {
            glob.to_owned()
        } else {
            format!("{repo}/{glob}")
        }
    };
    let map = settings_map
        .entry("yaml.schemas")
        .or_insert_with(|| json!({}));
    let Some(map) = map.as_object_mut() else {
        return Err(format!(
            "`yaml.schemas` in {} is not an object",
            path.display()
        ));
    };
    map.insert(
        schema(DISPATCH),
        json!([under("**/*.yaml"), under("**/*.yml")]),
    );
    map.insert(schema("config.schema.json"), json!([under("fanout.yaml")]));
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let text = serde_json::to_string_pretty(&settings).map_err(|e| e.to_string())? + "\n";
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32);
    }
    (options.open(&path))
        .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

/// `path` relative to `base` when it lies under it (lexically, after making both absolute), else
/// absolute; with `/` separators.
fn relative(base: &Path, path: &Path) -> String {
    let absolute = |p: &Path| {
        std::path::absolute(p)
            .map(|p| normalize(&p))
            .unwrap_or_else(|_| p.to_path_buf())
    };
    let (base, path) = (absolute(base), absolute(path));
    let shown = match path.strip_prefix(&base) {
        Ok(rel) if rel.as_os_str().is_empty() => PathBuf::from("."),
        Ok(rel) => rel.to_path_buf(),
        Err(_) => path,
    };
    shown.to_string_lossy().replace('\\', "/")
}

/// `.` and `..` components resolved lexically.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use fanout::front::classify::{Class, class_of};

    /// A workspace written by someone else: a symlinked `.vscode/settings.json` (or `.vscode`) is
    /// neither read nor written through.
    #[cfg(unix)]
    #[test]
    fn vscode_settings_are_never_written_through_a_symlink() {
        let tmp = tempfile::tempdir().unwrap();
        let outside = tmp.path().join("outside.json");
        std::fs::write(&outside, "{\"keep\": \"CANARY\"}\n").unwrap();
        let workspace = tmp.path().join("repo");
        std::fs::create_dir_all(workspace.join(".vscode")).unwrap();
        let settings = workspace.join(".vscode/settings.json");
        std::os::unix::fs::symlink(&outside, &settings).unwrap();
        let out = workspace.join("schemas");
        let e = write_vscode(&workspace, &out, &workspace).unwrap_err();
        assert!(e.contains("symlink"), "{e}");
        assert!(!e.contains("CANARY"), "{e}");
        assert_eq!(
            std::fs::read_to_string(&outside).unwrap(),
            "{\"keep\": \"CANARY\"}\n"
        );

        std::fs::remove_dir_all(workspace.join(".vscode")).unwrap();
        std::os::unix::fs::symlink(tmp.path(), workspace.join(".vscode")).unwrap();
        assert!(write_vscode(&workspace, &out, &workspace).is_err());
        assert!(!tmp.path().join("settings.json").exists());
    }

    #[test]
    fn every_file_of_the_schema_directory_is_exported() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".json"))
            .collect();
        on_disk.sort();
        let mut embedded: Vec<String> = files().map(|(n, _)| n.to_owned()).collect();
        embedded.sort();
        assert_eq!(on_disk, embedded);
    }

    #[test]
    fn the_dispatch_follows_the_classes_of_the_reader() {
        for (api, kinds, file) in DISPATCHED {
            for kind in kinds {
                let class = class_of(api, kind);
                assert_ne!(class, Class::Resource, "{api} {kind}");
                assert!(files().any(|(n, _)| n == file), "{file}");
            }
        }
    }

    #[test]
    fn ids_follow_the_schema_keyword_and_paths_are_relative() {
        let files = exported().unwrap();
        for (name, text) in &files {
            let v: Value = serde_json::from_str(text).unwrap();
            let keys: Vec<&String> = v.as_object().unwrap().keys().take(2).collect();
            assert_eq!(keys, ["$schema", "$id"], "{name}");
            assert_eq!(v["$id"], format!("{ID_BASE}{name}"));
        }
        assert_eq!(relative(Path::new("/a/b"), Path::new("/a/b/c/d")), "c/d");
        assert_eq!(relative(Path::new("/a/b"), Path::new("/a/b/./c/../e")), "e");
        assert_eq!(relative(Path::new("/a/b"), Path::new("/a/b")), ".");
        assert_eq!(relative(Path::new("/a/b"), Path::new("/x")), "/x");
    }
}
