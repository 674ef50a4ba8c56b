//! Issue #13, "Untrusted repositories": what a repository (or a file given to `import`) must not be able
//! to do, with the real binary: swap out the repository or write outside it through its output
//! directory, crash fanout with deep nesting, overwrite files or follow planted symlinks on import.

mod common;
use common::text;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn fanout(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fanout"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run fanout")
}

const CLUSTER: &str = "apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {name: eu-1}\nspec: {provider: aws, region: eu-west-1}\n";
const CONFIG_MAP: &str = "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: web, namespace: shop}\ndata: {a: b}\n---\napiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {name: web, namespace: shop}\nspec:\n  resourceSelectors: [{apiVersion: v1, kind: ConfigMap}]\n  placement: {}\n";

/// A small valid repository in a fresh temporary directory.
fn repo() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    fs::create_dir(&repo).unwrap();
    fs::write(repo.join("repo.yaml"), format!("{CLUSTER}{CONFIG_MAP}")).unwrap();
    (tmp, repo)
}

/// Every path under `dir`, sorted (symlinks not followed).
fn listing(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap().path().display().to_string())
        .collect();
    out.sort();
    out
}

/// Item 4: `output: .` (and spellings of it) would swap the repository itself for the output.
#[test]
fn the_repository_is_never_its_own_output() {
    for output in [".", "./", "./."] {
        let (_tmp, repo) = repo();
        fs::write(repo.join("fanout.yaml"), format!("output: \"{output}\"\n")).unwrap();
        let before = listing(&repo);
        let out = fanout(&["render", "."], &repo);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("--> fanout.yaml:1:9"), "{stderr}");
        assert!(stderr.contains("not the repository itself"), "{stderr}");
        assert_eq!(listing(&repo), before, "nothing written");
    }
}

/// Item 4 through a symlink: a committed `rendered -> .`, or `-> /elsewhere`, as the output directory.
#[test]
fn the_output_directory_is_no_symlink() {
    let (tmp, repo) = repo();
    std::os::unix::fs::symlink(".", repo.join("rendered")).unwrap();
    let before = listing(&repo);
    let out = fanout(&["render", "."], &repo);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--> rendered") && stderr.contains("goes through the symlink `rendered`"),
        "{stderr}"
    );
    assert_eq!(listing(&repo), before, "nothing written");

    // the same through fanout.yaml, pointing outside: located at its `output`
    let outside = tmp.path().join("outside");
    fs::create_dir(&outside).unwrap();
    fs::remove_file(repo.join("rendered")).unwrap();
    fs::create_dir(repo.join("out")).unwrap();
    std::os::unix::fs::symlink(&outside, repo.join("out/link")).unwrap();
    fs::write(repo.join("fanout.yaml"), "output: out/link/rendered\n").unwrap();
    let out = fanout(&["render", "."], &repo);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--> fanout.yaml:1:9") && stderr.contains("`out/link`"),
        "{stderr}"
    );
    assert_eq!(
        fs::read_dir(&outside).unwrap().count(),
        0,
        "nothing written outside"
    );

    // an output directory given on the command line is the user's choice, not the repository's
    let out = fanout(&["render", ".", "--out", "elsewhere"], &repo);
    assert!(out.status.success(), "{}", text(&out));
}

/// A repository at the depth ceiling: `maxDepth: 1000`.
fn deep_repo(object: &str, policies: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    fs::create_dir(&repo).unwrap();
    fs::write(repo.join("fanout.yaml"), "limits:\n  maxDepth: 1000\n").unwrap();
    fs::write(repo.join("clusters.yaml"), CLUSTER).unwrap();
    fs::write(
        repo.join("deep.yaml"),
        format!("apiVersion: acme.dev/v1\nkind: Widget\nmetadata: {{name: w, namespace: shop}}\nspec:\n  deep:\n    {object}\n{policies}"),
    )
    .unwrap();
    (tmp, repo)
}

const PLACE_WIDGET: &str = "---\napiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {name: w, namespace: shop}\nspec:\n  resourceSelectors: [{apiVersion: acme.dev/v1, kind: Widget}]\n  placement: {}\n";

/// Item 8: whatever a repository nests, fanout reports it or renders it, and never overflows its stack.
/// 20,000 levels are a located error under the ceiling; an object as deep as the ceiling allows, with
/// an override putting a value as deep again at its bottom (1,993 levels), is rendered; overrides
/// stacking values deeper still are a located error.
#[test]
fn deep_nesting_is_rendered_or_refused_never_a_crash() {
    // 20,000 levels of block sequences, and of flow sequences
    for object in [
        "- ".repeat(20_000) + "x",
        "[".repeat(20_000) + &"]".repeat(20_000),
    ] {
        let (_tmp, repo) = deep_repo(&object, "");
        let out = fanout(&["validate", "."], &repo);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("error[limit]") && stderr.contains("--> deep.yaml:"),
            "{stderr}"
        );
    }

    // the deepest object the ceiling allows (root, spec, 998 sequences) and the deepest override value
    // (993 sequences below the policy's own 7 levels), put in place of its innermost scalar
    let object = "- ".repeat(998) + "x";
    let value = "- ".repeat(993) + "z";
    let path = "/spec/deep".to_owned() + &"/0".repeat(998);
    let overrides = format!(
        "---\napiVersion: policy.karmada.io/v1alpha1\nkind: OverridePolicy\nmetadata: {{name: w, namespace: shop}}\nspec:\n  resourceSelectors: [{{apiVersion: acme.dev/v1, kind: Widget}}]\n  overrideRules:\n    - overriders:\n        plaintext:\n          - path: {path}\n            operator: replace\n            value:\n              {value}\n"
    );
    let (_tmp, repo) = deep_repo(&object, &format!("{PLACE_WIDGET}{overrides}"));
    for args in [&["validate", "."][..], &["plan", "."], &["render", "."]] {
        let out = fanout(args, &repo);
        assert!(out.status.success(), "{args:?}: {}", text(&out));
    }
    let file = fs::read_to_string(repo.join("rendered/eu-1/shop/Widget.acme.dev_w.yaml")).unwrap();
    assert!(
        file.contains(&format!("\n  {}z\n", "- ".repeat(998 + 993))),
        "all 1,991 sequences written"
    );
    let out = fanout(&["render", ".", "--cluster", "eu-1", "--stdout"], &repo);
    assert!(out.status.success(), "{}", text(&out));

    // two more rules, each putting a value below the one before: past the bound, at the third rule
    let mut rules = String::new();
    for i in 0..3 {
        let path = "/spec/deep".to_owned() + &"/0".repeat(998 + 993 * i);
        rules.push_str(&format!(
            "    - overriders:\n        plaintext:\n          - path: {path}\n            operator: replace\n            value:\n              {value}\n"
        ));
    }
    let overrides = format!(
        "---\napiVersion: policy.karmada.io/v1alpha1\nkind: OverridePolicy\nmetadata: {{name: w, namespace: shop}}\nspec:\n  resourceSelectors: [{{apiVersion: acme.dev/v1, kind: Widget}}]\n  overrideRules:\n{rules}"
    );
    let (_tmp, repo) = deep_repo(&object, &format!("{PLACE_WIDGET}{overrides}"));
    let out = fanout(&["render", "."], &repo);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("error[override]") && stderr.contains("more than the 2048 fanout writes"),
        "{stderr}"
    );
    assert!(!repo.join("rendered").exists());
}

/// Item 8, time: fuel counts instructions, not the size of what they work on, so a template looping
/// over a string of some MiB would run for hours even on the fuel ceiling; the rendering is stopped at
/// its fixed time limit (10 s) with a located error, and nothing else is rendered.
#[test]
fn a_template_cannot_run_for_hours() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    fs::create_dir(&repo).unwrap();
    fs::write(
        repo.join("fanout.yaml"),
        "limits:\n  templateFuel: 20000000\n",
    )
    .unwrap();
    fs::write(repo.join("clusters.yaml"), CLUSTER).unwrap();
    fs::write(
        repo.join("slow.yaml.j2"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: slow, namespace: shop}\n{% set s = range(100000)|join(',') %}{% set s = s ~ s ~ s ~ s ~ s ~ s ~ s ~ s %}{% for i in range(100000) %}{% for j in range(100000) %}{% set t = s|upper %}{% endfor %}{% endfor %}\n",
    )
    .unwrap();
    let started = std::time::Instant::now();
    let out = fanout(&["validate", "."], &repo);
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--> slow.yaml.j2:1:1") && stderr.contains("ran longer than 10 s"),
        "{stderr}"
    );
    assert!(took < std::time::Duration::from_secs(20), "{took:?}");
}

const LIVE: &str = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: web, namespace: shop}\n  spec:\n    replicas: 2\n    selector: {matchLabels: {app.kubernetes.io/name: web}}\n    template:\n      metadata: {labels: {app.kubernetes.io/name: web}}\n      spec: {containers: [{name: web, image: nginx}]}\n- apiVersion: batch/v1\n  kind: Job\n  metadata: {name: report, namespace: shop}\n  spec:\n    template:\n      spec: {restartPolicy: Never, containers: [{name: report, image: busybox}]}\n";

/// A directory for `import --out-dir`, and the live objects to import.
fn import_dir() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("live.yaml"), LIVE).unwrap();
    let apps = tmp.path().join("apps");
    fs::create_dir_all(apps.join("shop")).unwrap();
    (tmp, apps)
}

/// Item 12: `import --out-dir` never overwrites a file it did not just create unless `--force` is given,
/// checks every target before writing any, and never writes through a symlink, even with `--force`.
#[test]
fn import_overwrites_only_when_forced_and_never_through_a_symlink() {
    let import = |tmp: &Path, extra: &[&str]| {
        let mut args = vec!["import", "live.yaml", "--out-dir", "apps"];
        args.extend(extra);
        fanout(&args, tmp)
    };

    // a hand-written file in the way: refused, named, and the other workload not written either
    let (tmp, apps) = import_dir();
    let job = apps.join("shop/report.job.yaml");
    fs::write(&job, "# hand-written\n").unwrap();
    let out = import(tmp.path(), &[]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("`apps/shop/report.job.yaml` already exists; pass `--force`"),
        "{stderr}"
    );
    assert_eq!(fs::read_to_string(&job).unwrap(), "# hand-written\n");
    assert!(
        !apps.join("shop/web.deployment.yaml").exists(),
        "nothing written"
    );

    // with --force both are written
    let out = import(tmp.path(), &["--force"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        fs::read_to_string(&job)
            .unwrap()
            .contains("kind: MulticloudJob")
    );
    assert!(apps.join("shop/web.deployment.yaml").is_file());

    // a symlink planted where a file goes, or as its directory: never followed, even with --force
    for planted in ["shop/report.job.yaml", "shop"] {
        let (tmp, apps) = import_dir();
        let victim = tmp.path().join("victim");
        fs::create_dir(&victim).unwrap();
        fs::write(victim.join("report.job.yaml"), "precious\n").unwrap();
        let link = apps.join(planted);
        let _ = fs::remove_dir(&link);
        let target = if planted == "shop" {
            victim.clone()
        } else {
            victim.join("report.job.yaml")
        };
        std::os::unix::fs::symlink(&target, &link).unwrap();
        for extra in [&[][..], &["--force"]] {
            let out = import(tmp.path(), extra);
            assert_eq!(
                out.status.code(),
                Some(3),
                "{planted} {extra:?}: {}",
                text(&out)
            );
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(stderr.contains("is a symlink"), "{stderr}");
            assert_eq!(
                fs::read_to_string(victim.join("report.job.yaml")).unwrap(),
                "precious\n"
            );
            assert_eq!(fs::read_dir(&victim).unwrap().count(), 1, "nothing written");
        }
    }
}

/// `--force` is in `--help`, and only with `--out-dir`.
#[test]
fn import_force_is_documented_and_needs_an_output_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let out = fanout(&["import", "--help"], tmp.path());
    assert!(String::from_utf8_lossy(&out.stdout).contains("--force"));
    fs::write(tmp.path().join("live.yaml"), LIVE).unwrap();
    let out = fanout(&["import", "live.yaml", "--force"], tmp.path());
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
}
