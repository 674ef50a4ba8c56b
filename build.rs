//! Build script: the git commit fanout is built from (for `fanout --version`), and the binary's copy of
//! `schema/kubernetes.schema.json`.
//!
//! The commit: `FANOUT_GIT_COMMIT` in the environment wins (a packager building from a tarball can set
//! it); else `git rev-parse --short HEAD` in the crate's directory; else `unknown`. Never fails the
//! build: a source tree outside git, or a machine without git, gets `unknown`.
//!
//! The schema: the binary's copy of `schema/kubernetes.schema.json`: the same document without its `description`
//! strings and indentation (1.5 MB → 0.3 MB). Editors read the file with its descriptions; validation
//! never reads them. The file is written by `schema/vendor-kubernetes.py` (`json.dump`, `indent=1`), so
//! every string value sits on the line of its key and no string holds a raw newline: a description
//! is a whole line `"description": "...",`, dropped here with the comma it may leave before a `}`.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    commit();
    kubernetes_schema();
}

fn commit() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=FANOUT_GIT_COMMIT");
    let dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let from_env = std::env::var("FANOUT_GIT_COMMIT")
        .ok()
        .filter(|c| !c.trim().is_empty());
    let commit = from_env
        .or_else(|| git_commit(&dir))
        .unwrap_or_else(|| "unknown".to_owned());
    // Rebuild when HEAD moves: HEAD itself, the branch it points at, and packed refs.
    for file in watched(&dir) {
        println!("cargo:rerun-if-changed={}", file.display());
    }
    println!("cargo:rustc-env=FANOUT_GIT_COMMIT={commit}");
}

fn kubernetes_schema() {
    let source = "schema/kubernetes.schema.json";
    println!("cargo::rerun-if-changed={source}");
    let text = fs::read_to_string(source).unwrap_or_else(|e| panic!("{source}: {e}"));
    let mut out = String::with_capacity(text.len() / 4);
    for line in text.lines() {
        let line = line.trim_start();
        if line.starts_with("\"description\": \"") {
            continue;
        }
        if (line.starts_with('}') || line.starts_with(']')) && out.ends_with(',') {
            out.pop();
        }
        out.push_str(line);
    }
    let target = Path::new(&env::var("OUT_DIR").unwrap()).join("kubernetes.schema.json");
    fs::write(&target, out).unwrap_or_else(|e| panic!("{}: {e}", target.display()));
}

/// Standard output of `git ARGS` run in `dir`, trimmed; `None` when git is missing or fails.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?.trim().to_owned();
    (out.status.success() && !text.is_empty()).then_some(text)
}

/// The short commit of HEAD in `dir`, if `dir` is in a git work tree with at least one commit.
pub fn git_commit(dir: &Path) -> Option<String> {
    git(dir, &["rev-parse", "--short", "HEAD"])
        .filter(|c| c.chars().all(|ch| ch.is_ascii_hexdigit()))
}

/// The files whose change moves HEAD (worktrees included: git resolves each path).
fn watched(dir: &Path) -> Vec<PathBuf> {
    let mut names = vec!["HEAD".to_owned(), "packed-refs".to_owned()];
    if let Some(branch) = git(dir, &["symbolic-ref", "-q", "HEAD"]) {
        names.push(branch);
    }
    names
        .iter()
        .filter_map(|name| git(dir, &["rev-parse", "--git-path", name]))
        .map(|p| dir.join(p))
        .filter(|p| p.exists())
        .collect()
}
