//! `fanout diff --base REV` on the layouts people use: the fanout repository at the git root, in a
//! subdirectory, in a second worktree, and reached through a symlinked path; a base revision's problems
//! are named `REV:path:line:col`; and a hostile base revision (duplicate names, links out, a huge blob)
//! is read from git's object store without writing or reading anything outside.

mod common;

use common::{copy_dir, text};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fanout(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fanout"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run fanout")
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(["-c", "user.email=ci@example.com", "-c", "user.name=ci"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git must be installed for these tests");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// `git` with `stdin`, for `hash-object --stdin` and `mktree`.
fn git_in(dir: &Path, args: &[&str], stdin: &[u8]) -> String {
    use std::io::Write;
    let mut child = Command::new("git")
        .args(args)
        .current_dir(dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("git");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "git {args:?}");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// The example repository committed at `<tmp>/<sub>` (`sub` empty: at the git root).
fn committed(sub: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let top = tmp.path().join("work");
    let repo = top.join(sub);
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/multicloud"),
        &repo,
    );
    let _ = fs::remove_dir_all(repo.join("rendered"));
    git(&top, &["init", "-q"]);
    git(&top, &["add", "-A"]);
    git(&top, &["commit", "-qm", "base"]);
    (tmp, repo)
}

fn scale_storefront(repo: &Path) {
    let path = repo.join("apps/storefront/workload.yaml");
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains("replicas: 6"));
    fs::write(&path, text.replace("replicas: 6", "replicas: 8")).unwrap();
}

fn assert_moves(out: &Output) {
    assert_eq!(out.status.code(), Some(1), "{}", text(out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("Deployment shop/storefront on aws-eu-1: 3 -> 4"),
        "{}",
        text(out)
    );
}

#[test]
fn at_the_git_root() {
    let (_tmp, repo) = committed("");
    let same = fanout(&["diff", "--base", "HEAD", "."], &repo);
    assert_eq!(same.status.code(), Some(0), "{}", text(&same));
    scale_storefront(&repo);
    assert_moves(&fanout(&["diff", "--base", "HEAD", "."], &repo));
}

#[test]
fn in_a_subdirectory_from_above_and_from_inside() {
    let (_tmp, repo) = committed("deploy/fleet");
    scale_storefront(&repo);
    let top = repo.parent().unwrap().parent().unwrap();
    assert_moves(&fanout(&["diff", "--base", "HEAD", "deploy/fleet"], top));
    assert_moves(&fanout(&["diff", "--base", "HEAD", "."], &repo));
}

#[test]
fn in_a_second_worktree() {
    let (tmp, repo) = committed("");
    let worktree = tmp.path().join("second");
    git(
        &repo,
        &["worktree", "add", "-q", worktree.to_str().unwrap()],
    );
    scale_storefront(&worktree);
    assert_moves(&fanout(&["diff", "--base", "HEAD", "."], &worktree));
}

#[test]
fn through_a_symlinked_path() {
    let (tmp, repo) = committed("fleet");
    scale_storefront(&repo);
    let link = tmp.path().join("link");
    std::os::unix::fs::symlink(&repo, &link).unwrap();
    assert_moves(&fanout(&["diff", "--base", "HEAD", "link"], tmp.path()));
    assert_moves(&fanout(&["diff", "--base", "HEAD", "."], &link));
}

/// Regression: errors in the base revision pointed at a deleted temporary copy.
#[test]
fn base_revision_problems_are_named_rev_path_line_col() {
    let (_tmp, repo) = committed("");
    fs::write(
        repo.join("bad.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [\n",
    )
    .unwrap();
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-qm", "broken"]);
    git(&repo, &["tag", "broken"]);
    fs::remove_file(repo.join("bad.yaml")).unwrap();
    let out = fanout(&["diff", "--base", "broken", "."], &repo);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--> broken:bad.yaml:5:1"), "{}", text(&out));
    assert!(!stderr.contains("fanout-base-"), "{}", text(&out));
    assert!(!stderr.contains("nothing written"), "{}", text(&out));
}

/// A base commit built by hand from `entries` (`mktree` lines) on top of the committed repository.
fn hostile_commit(repo: &Path, entries: &str) -> String {
    let base = git(repo, &["ls-tree", "HEAD"]);
    let tree = git_in(
        repo,
        &["mktree", "--missing"],
        format!("{base}\n{entries}").as_bytes(),
    );
    git(repo, &["commit-tree", &tree, "-m", "hostile"])
}

fn blob(repo: &Path, bytes: &[u8]) -> String {
    git_in(repo, &["hash-object", "-w", "--stdin"], bytes)
}

/// Everything below `dir`: paths and contents.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut all = Vec::new();
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let e = e.unwrap();
        let bytes = if e.file_type().is_file() {
            fs::read(e.path()).unwrap()
        } else {
            Vec::new()
        };
        all.push((e.path().to_path_buf(), bytes));
    }
    all
}

#[test]
fn a_hostile_base_revision_is_read_from_the_object_store_only() {
    let (tmp, repo) = committed("");
    let outside = tmp.path().join("outside");
    fs::create_dir(&outside).unwrap();
    fs::write(outside.join("canary.yaml"), "canary: CANARY-5150\n").unwrap();
    let before = snapshot(&outside);
    let inner = blob(
        &repo,
        b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
    );
    let sub = git_in(
        &repo,
        &["mktree"],
        format!("100644 blob {inner}\tx.yaml\n").as_bytes(),
    );
    let to_dir = blob(&repo, outside.to_str().unwrap().as_bytes());
    let to_file = blob(
        &repo,
        outside.join("canary.yaml").to_str().unwrap().as_bytes(),
    );

    // One name, two entries: a link out and a tree (or a blob) behind it.
    for entries in [
        format!("120000 blob {to_dir}\tapps\n040000 tree {sub}\tapps"),
        format!("120000 blob {to_file}\tleak.yaml\n100644 blob {inner}\tleak.yaml"),
    ] {
        let rev = hostile_commit(&repo, &entries);
        let out = fanout(&["diff", "--base", &rev, "."], &repo);
        assert_eq!(out.status.code(), Some(3), "{}", text(&out));
        assert!(
            text(&out).contains("duplicate entries named"),
            "{}",
            text(&out)
        );
        assert!(!text(&out).contains("CANARY-5150"), "{}", text(&out));
    }

    // Links out of the repository, absolute and relative: warned, never read.
    let relative = blob(&repo, b"../outside/canary.yaml");
    let rev = hostile_commit(
        &repo,
        &format!("120000 blob {to_file}\tabs.yaml\n120000 blob {relative}\trel.yaml"),
    );
    let out = fanout(&["diff", "--base", &rev, "."], &repo);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("{rev}:abs.yaml")),
        "{}",
        text(&out)
    );
    assert!(
        stderr.contains(&format!("{rev}:rel.yaml")),
        "{}",
        text(&out)
    );
    assert!(!text(&out).contains("CANARY-5150"), "{}", text(&out));

    // A link to a file inside is read under the link's path, as in a working tree.
    let inside = blob(&repo, b"apps/storefront/workload.yaml");
    let rev = hostile_commit(&repo, &format!("120000 blob {inside}\tcopy.yaml"));
    let out = fanout(&["diff", "--base", &rev, "."], &repo);
    assert!(text(&out).contains("defined twice"), "{}", text(&out));

    // A blob over `maxFileBytes` is refused from its size alone.
    let big = vec![b'a'; 17 << 20];
    let big = blob(&repo, &big);
    let rev = hostile_commit(&repo, &format!("100644 blob {big}\tbig.yaml"));
    let out = fanout(&["diff", "--base", &rev, "."], &repo);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains(&format!("{rev}:big.yaml")) && text(&out).contains("over the limit"),
        "{}",
        text(&out)
    );
    assert_eq!(snapshot(&outside), before);
    assert_eq!(
        fs::read_dir(tmp.path()).unwrap().count(),
        2,
        "nothing new beside the repository"
    );
}
