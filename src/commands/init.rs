//! `fanout init [DIR] [--clusters FILE] [--argocd] [--flux] [--repo-url URL]`: a new fanout repository
//! that validates and renders as written: `fanout.yaml`, a cluster inventory (one file per cluster,
//! from `kubectl get clusters -o yaml` output, or two sample clusters), a sample short-form workload,
//! `.pre-commit-config.yaml`, and the Argo CD or Flux wiring that syncs `rendered/<cluster>`.
//!
//! Every file is decided before anything is written; if one of them exists, nothing is written and
//! the existing files are named.

use crate::cli::exit;
use fanout::diagnostic;
use fanout::source::{SourceFile, Sources};
use serde_json::Value;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Where the Argo CD and Flux wiring goes: excluded in `fanout.yaml`, so fanout does not place it.
const GITOPS: &str = "gitops";
/// The URL written when `--repo-url` is not given.
const PLACEHOLDER_URL: &str = "https://git.example.com/platform/fleet.git";

pub struct Options<'a> {
    pub dir: &'a Path,
    pub clusters: Option<&'a Path>,
    pub argocd: bool,
    pub flux: bool,
    pub repo_url: Option<&'a str>,
}

pub fn run(o: &Options) -> i32 {
    let clusters = match o.clusters {
        Some(file) => match inventory(file) {
            Ok(c) => c,
            Err(code) => return code,
        },
        None => sample_clusters(),
    };
    let names: Vec<String> = clusters.iter().map(|(n, _)| n.clone()).collect();
    // Paths first, so the check for existing files needs nothing else; the wiring's contents
    // depend on where DIR sits in git, known once DIR exists.
    let mut files: Vec<(PathBuf, String)> = vec![
        ("fanout.yaml".into(), config(o.argocd || o.flux)),
        (".pre-commit-config.yaml".into(), PRE_COMMIT.to_owned()),
        ("apps/hello/workload.yaml".into(), WORKLOAD.to_owned()),
    ];
    files.extend(
        clusters
            .into_iter()
            .map(|(name, yaml)| (PathBuf::from(format!("clusters/{name}.yaml")), yaml)),
    );
    let mut wiring: Vec<PathBuf> = Vec::new();
    if o.argocd {
        wiring.push(format!("{GITOPS}/argocd/applicationset.yaml").into());
    }
    if o.flux {
        wiring.extend(
            names
                .iter()
                .map(|n| PathBuf::from(format!("{GITOPS}/flux/{n}.yaml"))),
        );
    }
    let existing: Vec<String> = files
        .iter()
        .map(|(p, _)| p)
        .chain(&wiring)
        .map(|p| o.dir.join(p))
        .filter(|p| p.symlink_metadata().is_ok())
        .map(|p| p.display().to_string())
        .collect();
    if !existing.is_empty() {
        eprintln!(
            "error: refusing to overwrite {}; nothing was written",
            existing.join(", ")
        );
        return exit::USAGE_OR_IO;
    }
    if let Err(e) = std::fs::create_dir_all(o.dir) {
        eprintln!("error: cannot create {}: {e}", o.dir.display());
        return exit::USAGE_OR_IO;
    }
    let prefix = git_prefix(o.dir);
    let url = o.repo_url.unwrap_or(PLACEHOLDER_URL);
    if o.argocd {
        files.push((wiring[0].clone(), argocd(&names, &prefix, url)));
    }
    if o.flux {
        files.extend(names.iter().map(|n| {
            (
                format!("{GITOPS}/flux/{n}.yaml").into(),
                flux(n, &prefix, url),
            )
        }));
    }
    for (rel, text) in &files {
        let path = o.dir.join(rel);
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| {
                std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(&path)
            })
            .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()));
        if let Err(e) = written {
            eprintln!("error: cannot write {}: {e}", path.display());
            return exit::USAGE_OR_IO;
        }
    }
    note!(
        "wrote {} files in {}: {} clusters, a sample workload (apps/hello){}{}",
        files.len(),
        o.dir.display(),
        names.len(),
        if o.argocd { ", Argo CD wiring" } else { "" },
        if o.flux { ", Flux wiring" } else { "" },
    );
    note!(
        "next: fanout validate {0} && fanout render {0}, then commit rendered/ too",
        o.dir.display()
    );
    exit::OK
}

/// `fanout.yaml`: the output directory and the usual excludes.
fn config(wiring: bool) -> String {
    let mut text = String::from(
        "# fanout's configuration: every *.yaml / *.yml file below this directory is read, except\n\
         # hidden files, the output directory and these excludes (globs from this directory).\n\
         output: rendered\n\
         exclude:\n  \
           - \"**/kustomization.yaml\"   # kustomize's own files are not objects to place\n  \
           - \"**/kustomization.yml\"\n  \
           - \"charts/**\"               # Helm charts: `helm template` them into plain files instead\n",
    );
    if wiring {
        text.push_str(&format!(
            "  - \"{GITOPS}/**\"               # the Argo CD / Flux wiring is applied by hand, not placed\n"
        ));
    }
    text
}

const PRE_COMMIT: &str = r#"# pre-commit hooks: run `pre-commit install` once; then a commit that touches YAML is validated and
# the committed rendered/ tree checked against a fresh render (`fanout render` fixes it).
# These run the fanout on PATH. To pin a fanout version instead, use fanout's own hooks:
#   - repo: <fanout's git repository>
#     rev: <a tag>
#     hooks: [{id: fanout-validate}, {id: fanout-check}]
# When this directory is not the git repository's root, move this file there and add
# `args: [path/to/this/directory]` to both hooks.
repos:
  - repo: local
    hooks:
      - id: fanout-validate
        name: fanout validate
        entry: fanout validate
        language: system
        pass_filenames: false
        files: '\.ya?ml(\.j2)?$'
      - id: fanout-check
        name: fanout check
        entry: fanout check
        language: system
        pass_filenames: false
        files: '\.ya?ml(\.j2)?$'
"#;

const WORKLOAD: &str = r#"# A sample workload in fanout's short form (docs/short-form.md in fanout's repository): a Deployment
# placed on every cluster with its full replica count. Replace it with your own; `fanout import`
# turns a live Deployment (`kubectl get deploy NAME -o yaml`) into this form.
apiVersion: fanout.dev/v1alpha1
kind: MulticloudDeployment
metadata:
  name: hello
  namespace: default
spec:
  description: A sample workload, on every cluster
  replicas: 2
  placement: {}                 # every cluster; e.g. `providers: [aws]`, `labels: [...]`, `exclude: [...]`
  scheduling:
    type: Duplicated            # each cluster runs all replicas; Divided kinds: DynamicWeight, StaticWeight, Aggregated
  template:
    spec:
      containers:
        - name: hello
          image: registry.k8s.io/e2e-test-images/agnhost:2.53
          args: [netexec, --http-port=8080]
          ports:
            - {name: http, containerPort: 8080}
          resources:
            requests: {cpu: 50m, memory: 64Mi}
"#;

/// Two sample clusters, as `(name, file text)`.
fn sample_clusters() -> Vec<(String, String)> {
    let cluster = |name: &str, provider: &str, region: &str, zone: &str| {
        format!(
            "# A sample cluster: replace it with yours (`fanout init --clusters FILE` reads\n\
             # `kubectl get clusters -o yaml` from a Karmada control plane).\n\
             apiVersion: cluster.karmada.io/v1alpha1\n\
             kind: Cluster\n\
             metadata:\n  \
               name: {name}                  # names the output directory rendered/{name}\n  \
               labels: {{env: dev}}\n\
             spec:\n  \
               provider: {provider}\n  \
               region: {region}\n  \
               zones: [{zone}]\n\
             status:\n  \
               resourceSummary:               # capacity, for the divided scheduling types\n    \
                 allocatable: {{cpu: \"16\", memory: 64Gi, pods: \"110\"}}\n    \
                 allocated: {{cpu: \"2\", memory: 8Gi, pods: \"20\"}}\n"
        )
    };
    vec![
        (
            "sample-eu-1".to_owned(),
            cluster("sample-eu-1", "aws", "eu-west-1", "eu-west-1a"),
        ),
        (
            "sample-us-1".to_owned(),
            cluster("sample-us-1", "gcp", "us-central1", "us-central1-a"),
        ),
    ]
}

/// The clusters of `kubectl get clusters -o yaml` output (a `List`, or Cluster documents; YAML or
/// JSON; `-` is standard input), each as `(name, file text)` with server-set fields dropped.
fn inventory(file: &Path) -> Result<Vec<(String, String)>, i32> {
    let text = if file.as_os_str() == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).map(|_| s)
    } else {
        std::fs::read_to_string(file)
    };
    let text = text.map_err(|e| {
        eprintln!("error: cannot read {}: {e}", file.display());
        exit::USAGE_OR_IO
    })?;
    let mut sources = Sources::default();
    let id = sources.add(SourceFile {
        rel_path: file.display().to_string(),
        display_path: file.display().to_string(),
        text,
    });
    let parsed = fanout::front::yaml::parse(
        id,
        &sources.get(id).text,
        fanout::front::yaml::Limits::default(),
    );
    if diagnostic::has_errors(&parsed.diagnostics) {
        super::print_diagnostics(&parsed.diagnostics, &sources);
        return Err(exit::INVALID);
    }
    let mut objects = Vec::new();
    for d in &parsed.documents {
        let v = d.root.to_json();
        match v.get("items") {
            Some(Value::Array(items))
                if v["kind"].as_str().is_some_and(|k| k.ends_with("List")) =>
            {
                objects.extend(items.iter().cloned())
            }
            _ if v.is_null() => {}
            _ => objects.push(v),
        }
    }
    let mut out: Vec<(String, String)> = Vec::new();
    for o in objects {
        let (api, kind) = (o["apiVersion"].as_str(), o["kind"].as_str());
        let name = o["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if api != Some(fanout::front::classify::CLUSTER_API) || kind != Some("Cluster") {
            eprintln!(
                "error: {}: `{} {name}` is not a Karmada Cluster ({})",
                file.display(),
                kind.unwrap_or("?"),
                fanout::front::classify::CLUSTER_API
            );
            return Err(exit::INVALID);
        }
        if !is_dns_label(&name) {
            eprintln!(
                "error: {}: cluster name `{name}` is not a DNS-1123 label (it names files and directories)",
                file.display()
            );
            return Err(exit::INVALID);
        }
        if out.iter().any(|(n, _)| *n == name) {
            eprintln!("error: {}: cluster `{name}` twice", file.display());
            return Err(exit::INVALID);
        }
        let header = format!(
            "# Cluster {name}, from `kubectl get clusters -o yaml` (server-set metadata dropped). `status` is\n\
             # the capacity and API list fanout places by: refresh it when the cluster changes.\n"
        );
        out.push((name, header + &fanout::render::to_yaml(&strip(o))));
    }
    if out.is_empty() {
        eprintln!("error: {}: no Karmada Cluster found", file.display());
        return Err(exit::INVALID);
    }
    out.sort();
    Ok(out)
}

/// Metadata the API server sets, dropped from an imported cluster. `deletionTimestamp` is kept (a
/// cluster being deleted is skipped by placement), and so is `status` (capacity, enabled APIs).
const SERVER_SET: [&str; 8] = [
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "managedFields",
    "selfLink",
    "finalizers",
    "ownerReferences",
];

fn strip(mut cluster: Value) -> Value {
    if let Some(meta) = cluster.get_mut("metadata").and_then(Value::as_object_mut) {
        for key in SERVER_SET {
            meta.remove(key);
        }
        if let Some(annotations) = meta.get_mut("annotations").and_then(Value::as_object_mut) {
            annotations.remove("kubectl.kubernetes.io/last-applied-configuration");
            if annotations.is_empty() {
                meta.remove("annotations");
            }
        }
    }
    cluster
}

fn is_dns_label(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 63
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-')
}

/// DIR's path inside its git work tree (`deploy/fleet/`), empty at the root or outside git.
fn git_prefix(dir: &Path) -> String {
    std::process::Command::new("git")
        .args(["rev-parse", "--show-prefix"])
        .current_dir(dir)
        .stderr(std::process::Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_owned())
        .unwrap_or_default()
}

/// An Argo CD ApplicationSet: one Application per cluster, syncing the committed `rendered/<cluster>`.
fn argocd(clusters: &[String], prefix: &str, url: &str) -> String {
    let elements: String = clusters
        .iter()
        .map(|c| format!("          - cluster: {c}\n"))
        .collect();
    format!(
        r#"# Argo CD: one Application per cluster, each syncing the committed rendered/<cluster> directory
# (a plain kustomize directory: no plugin needed). Apply it on the Argo CD cluster:
#   kubectl apply -n argocd -f {GITOPS}/argocd/applicationset.yaml
# Keep the list equal to clusters/ (re-run `fanout init` elsewhere, or edit it by hand). To have
# Argo CD render instead of committing rendered/, use fanout's Config Management Plugin
# (integrations/argocd in fanout's repository).
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: fanout
  namespace: argocd
spec:
  goTemplate: true
  goTemplateOptions: ["missingkey=error"]
  generators:
    - list:
        elements:
{elements}  template:
    metadata:
      name: 'fanout-{{{{.cluster}}}}'
    spec:
      project: default
      source:
        repoURL: {url}   # your repository
        targetRevision: main
        path: '{prefix}rendered/{{{{.cluster}}}}'
      destination:
        name: '{{{{.cluster}}}}'       # the cluster's name in Argo CD
      syncPolicy:
        automated:
          prune: true
          selfHeal: true
"#
    )
}

/// Flux on one cluster: a GitRepository and a Kustomization syncing `rendered/<cluster>`.
fn flux(cluster: &str, prefix: &str, url: &str) -> String {
    format!(
        r#"# Flux on cluster {cluster}: sync what fanout rendered for {cluster}, and nothing else. Give this file
# to {cluster}'s Flux only (its bootstrap path, or `kubectl --context {cluster} apply -f` it).
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: fanout
  namespace: flux-system
spec:
  interval: 1m
  url: {url}   # your repository
  ref:
    branch: main
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: fanout-{cluster}
  namespace: flux-system
spec:
  interval: 10m
  sourceRef:
    kind: GitRepository
    name: fanout
  path: ./{prefix}rendered/{cluster}
  prune: true          # objects fanout stops rendering for {cluster} are deleted from it
  wait: true
  timeout: 5m
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_labels() {
        for ok in ["a", "eu-1", "x".repeat(63).as_str()] {
            assert!(is_dns_label(ok), "{ok}");
        }
        for bad in ["", "-a", "a-", "A", "a_b", "a/b", "..", &"x".repeat(64)] {
            assert!(!is_dns_label(bad), "{bad}");
        }
    }

    #[test]
    fn server_set_metadata_is_dropped() {
        let c = serde_json::json!({"apiVersion": "cluster.karmada.io/v1alpha1", "kind": "Cluster",
            "metadata": {"name": "a", "uid": "u", "resourceVersion": "1", "managedFields": [],
                "finalizers": ["x"], "deletionTimestamp": "2025-01-01T00:00:00Z",
                "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}"},
                "labels": {"env": "prod"}},
            "spec": {"provider": "aws"}, "status": {"resourceSummary": {}}});
        let s = strip(c);
        assert_eq!(
            s["metadata"],
            serde_json::json!({"name": "a", "deletionTimestamp": "2025-01-01T00:00:00Z", "labels": {"env": "prod"}})
        );
        assert_eq!(s["status"], serde_json::json!({"resourceSummary": {}}));
    }
}
