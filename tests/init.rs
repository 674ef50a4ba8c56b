//! `fanout init`: a new repository that validates, renders and passes its own pre-commit hooks as
//! written; an inventory from `kubectl get clusters -o yaml` split per cluster, placing exactly as the
//! original; the Argo CD and Flux wiring pointing at the rendered directories; nothing overwritten.

mod common;
use common::{copy_dir, installed, text};

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const FANOUT: &str = env!("CARGO_BIN_EXE_fanout");
const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn fanout(args: &[&str], dir: &Path) -> Output {
    Command::new(FANOUT)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run fanout")
}

fn ok(o: Output) -> Output {
    assert!(o.status.success(), "{}", text(&o));
    o
}

/// Every file under `dir`, relative, sorted (`rendered/` left out).
fn listing(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        for e in fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            let rel = p.strip_prefix(base).unwrap().to_string_lossy().into_owned();
            if rel == "rendered" || rel == ".git" {
                continue;
            }
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                out.push(rel);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

fn git(dir: &Path, args: &[&str]) -> Output {
    let o = Command::new("git")
        .args([
            "-c",
            "user.name=fanout",
            "-c",
            "user.email=fanout@example.com",
        ])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("run git");
    assert!(o.status.success(), "git {args:?}: {}", text(&o));
    o
}

#[test]
fn a_new_repository_validates_and_renders_with_its_wiring() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("fleet");
    let o = ok(fanout(
        &[
            "init",
            "fleet",
            "--argocd",
            "--flux",
            "--repo-url",
            "https://git.example.com/acme/fleet.git",
        ],
        tmp.path(),
    ));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("fanout validate"),
        "{}",
        text(&o)
    );
    assert_eq!(
        listing(&repo),
        [
            ".pre-commit-config.yaml",
            "apps/hello/workload.yaml",
            "clusters/sample-eu-1.yaml",
            "clusters/sample-us-1.yaml",
            "fanout.yaml",
            "gitops/argocd/applicationset.yaml",
            "gitops/flux/sample-eu-1.yaml",
            "gitops/flux/sample-us-1.yaml",
        ]
    );
    let config = fs::read_to_string(repo.join("fanout.yaml")).unwrap();
    for glob in [
        "\"**/kustomization.yaml\"",
        "\"**/kustomization.yml\"",
        "\"charts/**\"",
        "\"gitops/**\"",
    ] {
        assert!(config.contains(glob), "{glob}: {config}");
    }

    // The usual layouts the excludes are for: no warning, nothing placed from them.
    fs::write(
        repo.join("apps/kustomization.yaml"),
        "resources: [hello/workload.yaml]\n",
    )
    .unwrap();
    fs::create_dir_all(repo.join("charts/web/templates")).unwrap();
    fs::write(
        repo.join("charts/web/Chart.yaml"),
        "apiVersion: v2\nname: web\nversion: 0.1.0\n",
    )
    .unwrap();
    fs::write(repo.join("charts/web/values.yaml"), "replicas: 1\n").unwrap();

    let o = ok(fanout(&["validate", "."], &repo));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("valid: ") && !err.contains("warning"), "{err}");
    let o = ok(fanout(&["render", "."], &repo));
    assert!(
        !String::from_utf8_lossy(&o.stderr).contains("warning"),
        "{}",
        text(&o)
    );
    ok(fanout(&["check", "."], &repo));
    let plan = ok(fanout(&["plan", ".", "--output", "json"], &repo));
    let plan: serde_json::Value = serde_json::from_slice(&plan.stdout).unwrap();
    assert_eq!(plan["workloads"][0]["name"], "hello");
    assert_eq!(plan["workloads"][0]["totalReplicas"], 4);

    // The wiring syncs each cluster's rendered directory, which the render just wrote.
    let appset = fs::read_to_string(repo.join("gitops/argocd/applicationset.yaml")).unwrap();
    for c in ["sample-eu-1", "sample-us-1"] {
        assert!(appset.contains(&format!("- cluster: {c}\n")), "{appset}");
        assert!(
            repo.join("rendered")
                .join(c)
                .join("kustomization.yaml")
                .is_file()
        );
        let flux = fs::read_to_string(repo.join(format!("gitops/flux/{c}.yaml"))).unwrap();
        assert!(flux.contains(&format!("path: ./rendered/{c}\n")), "{flux}");
        assert!(
            flux.contains("url: https://git.example.com/acme/fleet.git"),
            "{flux}"
        );
    }
    assert!(appset.contains("path: 'rendered/{{.cluster}}'"), "{appset}");
    assert!(appset.contains("name: 'fanout-{{.cluster}}'"), "{appset}");
    // Each wiring file is YAML fanout's reader accepts, with the kinds Argo CD and Flux expect.
    for (file, kinds) in [
        ("gitops/argocd/applicationset.yaml", vec!["ApplicationSet"]),
        (
            "gitops/flux/sample-eu-1.yaml",
            vec!["GitRepository", "Kustomization"],
        ),
    ] {
        let yaml = fs::read_to_string(repo.join(file)).unwrap();
        let parsed =
            fanout::front::yaml::parse(fanout::source::FileId(0), &yaml, Default::default());
        assert!(
            parsed.diagnostics.is_empty(),
            "{file}: {:?}",
            parsed.diagnostics
        );
        let found: Vec<String> = parsed
            .documents
            .iter()
            .map(|d| d.root.to_json()["kind"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(found, kinds, "{file}");
    }
    if installed("kubectl", &["version", "--client"]) {
        for c in ["sample-eu-1", "sample-us-1"] {
            let o = Command::new("kubectl")
                .arg("kustomize")
                .arg(repo.join("rendered").join(c))
                .output()
                .unwrap();
            assert!(o.status.success(), "{}", text(&o));
        }
    }
}

#[test]
fn an_inventory_from_kubectl_is_split_per_cluster_and_places_as_the_original() {
    let fixture = Path::new(ROOT).join("fixtures/cluster-list-kubectl/repo");
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    let list = fixture.join("clusters/kubectl-get-clusters.yaml");
    ok(fanout(
        &["init", "repo", "--clusters", list.to_str().unwrap()],
        tmp.path(),
    ));
    let clusters: Vec<String> = listing(&repo.join("clusters"));
    assert_eq!(clusters, ["member-eu-1.yaml", "member-us-1.yaml"]);
    for c in &clusters {
        let yaml = fs::read_to_string(repo.join("clusters").join(c)).unwrap();
        for gone in [
            "managedFields",
            "resourceVersion",
            "uid:",
            "creationTimestamp",
            "generation",
            "finalizers",
        ] {
            assert!(!yaml.contains(gone), "{gone} left in {c}:\n{yaml}");
        }
        assert!(
            yaml.contains("resourceSummary") && yaml.contains("apiEnablements"),
            "{yaml}"
        );
    }
    ok(fanout(&["validate", "."], &repo));
    ok(fanout(&["render", "."], &repo));

    // The fixture's workloads on the split inventory: the same plan as on `kubectl get` output.
    fs::remove_dir_all(repo.join("apps")).unwrap();
    copy_dir(&fixture.join("apps"), &repo.join("apps"));
    let split = ok(fanout(&["plan", ".", "--output", "json"], &repo)).stdout;
    let original = ok(fanout(&["plan", ".", "--output", "json"], &fixture)).stdout;
    assert_eq!(
        String::from_utf8(split).unwrap(),
        String::from_utf8(original).unwrap()
    );

    // JSON from standard input works too; anything but Clusters is refused, naming it.
    let json = r#"{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"cluster.karmada.io/v1alpha1","kind":"Cluster","metadata":{"name":"a-1","uid":"x"},"spec":{"provider":"aws"}}]}"#;
    let o = stdin_init(tmp.path(), "from-json", json);
    assert!(o.status.success(), "{}", text(&o));
    let a = fs::read_to_string(tmp.path().join("from-json/clusters/a-1.yaml")).unwrap();
    assert!(a.contains("name: a-1") && !a.contains("uid"), "{a}");
    let o = stdin_init(
        tmp.path(),
        "bad",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("`ConfigMap c` is not a Karmada Cluster"),
        "{}",
        text(&o)
    );
    assert!(!tmp.path().join("bad").exists());
}

fn stdin_init(dir: &Path, name: &str, input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(FANOUT)
        .args(["init", name, "--clusters", "-"])
        .current_dir(dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn init_refuses_to_overwrite_and_then_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    fs::create_dir_all(repo.join("clusters")).unwrap();
    fs::write(repo.join("clusters/sample-us-1.yaml"), "mine\n").unwrap();
    fs::write(repo.join("fanout.yaml"), "output: out\n").unwrap();
    let o = fanout(&["init", "--flux"], repo);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("fanout.yaml")
            && err.contains("clusters/sample-us-1.yaml")
            && err.contains("nothing was written"),
        "{err}"
    );
    assert_eq!(listing(repo), ["clusters/sample-us-1.yaml", "fanout.yaml"]);
    assert_eq!(
        fs::read_to_string(repo.join("clusters/sample-us-1.yaml")).unwrap(),
        "mine\n"
    );
}

/// The wiring names the repository's directory inside git, and the written pre-commit hooks pass in
/// the real `pre-commit` (they run the `fanout` on PATH).
#[test]
fn inside_git_the_wiring_and_the_hooks_work() {
    if !installed("git", &["--version"]) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    git(tmp.path(), &["init", "-q"]);
    ok(fanout(
        &["init", "deploy/fleet", "--flux", "--argocd"],
        tmp.path(),
    ));
    let repo = tmp.path().join("deploy/fleet");
    let flux = fs::read_to_string(repo.join("gitops/flux/sample-eu-1.yaml")).unwrap();
    assert!(
        flux.contains("path: ./deploy/fleet/rendered/sample-eu-1\n"),
        "{flux}"
    );
    let appset = fs::read_to_string(repo.join("gitops/argocd/applicationset.yaml")).unwrap();
    assert!(
        appset.contains("path: 'deploy/fleet/rendered/{{.cluster}}'"),
        "{appset}"
    );

    if !installed("pre-commit", &["--version"]) {
        return;
    }
    // A repository of its own, at the git root, as the hooks file expects.
    let root = tmp.path().join("own");
    fs::create_dir_all(&root).unwrap();
    git(&root, &["init", "-q"]);
    ok(fanout(&["init"], &root));
    ok(fanout(&["render"], &root));
    git(&root, &["add", "-A"]);
    let bin: PathBuf = Path::new(FANOUT).parent().unwrap().to_path_buf();
    let path = std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .unwrap();
    let pre_commit = |args: &[&str]| {
        Command::new("pre-commit")
            .args(args)
            .args(["--color", "never"])
            .current_dir(&root)
            .env("PATH", &path)
            .env("PRE_COMMIT_HOME", tmp.path().join("pre-commit-home"))
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .unwrap()
    };
    let o = pre_commit(&["run", "--all-files"]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).matches("Passed").count(),
        2,
        "{}",
        text(&o)
    );
    // A workload changed without rendering: the check hook fails.
    let w = root.join("apps/hello/workload.yaml");
    fs::write(
        &w,
        fs::read_to_string(&w)
            .unwrap()
            .replace("replicas: 2", "replicas: 3"),
    )
    .unwrap();
    let o = pre_commit(&["run", "--all-files"]);
    assert!(!o.status.success(), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("+  replicas: 3"),
        "{}",
        text(&o)
    );
}
