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
