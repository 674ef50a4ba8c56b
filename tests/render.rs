//! The real binary writing real trees: idempotence, pruning, foreign files, failures that leave the tree,
//! secret masking, `--stdout`, `--cluster`, and `kubectl kustomize` on every rendered cluster directory.

mod common;
use common::{copy_dir, text};

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fanout(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fanout"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run fanout")
}

/// A copy of the example repository in a temporary directory.
fn example() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/multicloud"),
        &repo,
    );
    let _ = fs::remove_dir_all(repo.join("rendered"));
    (tmp, repo)
}

/// Every file under `dir` with its inode and mtime.
fn snapshot(dir: &Path) -> Vec<(PathBuf, u64, i64, Vec<u8>)> {
    let mut out = Vec::new();
    for e in walk(dir) {
        let m = fs::metadata(&e).unwrap();
        out.push((
            e.clone(),
            m.ino(),
            m.mtime_nsec() + m.mtime() * 1_000_000_000,
            fs::read(&e).unwrap(),
        ));
    }
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = fs::read_dir(dir) {
        for e in entries {
            let p = e.unwrap().path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn second_render_writes_nothing_and_check_is_clean() {
    let (_tmp, repo) = example();
    let first = fanout(&["render", "."], &repo);
    assert!(first.status.success(), "{}", text(&first));
    let before = snapshot(&repo.join("rendered"));
    assert!(before.len() > 40);
    let second = fanout(&["render", "."], &repo);
    assert!(second.status.success(), "{}", text(&second));
    assert!(
        String::from_utf8_lossy(&second.stderr).contains("aws-eu-1: 0 added, 0 changed, 0 removed")
    );
    assert_eq!(
        before,
        snapshot(&repo.join("rendered")),
        "a no-op render touched files"
    );
    let check = fanout(&["check", "."], &repo);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check));
}

#[test]
fn editing_one_workload_changes_only_its_files() {
    let (_tmp, repo) = example();
    assert!(fanout(&["render", "."], &repo).status.success());
    let before = snapshot(&repo.join("rendered"));
    let path = repo.join("apps/payments/deployment.yaml");
    let edited = fs::read_to_string(&path)
        .unwrap()
        .replace("api:4.0.2", "api:4.0.3");
    fs::write(&path, edited).unwrap();
    let check = fanout(&["check", "."], &repo);
    assert_eq!(check.status.code(), Some(1), "{}", text(&check));
    let out = fanout(&["render", ".", "--diff"], &repo);
    assert!(out.status.success(), "{}", text(&out));
    let diff = String::from_utf8_lossy(&out.stdout);
    assert!(
        diff.contains("-        image: registry.acme.io/payments/api:4.0.2"),
        "{diff}"
    );
    let after = snapshot(&repo.join("rendered"));
    let changed: Vec<String> = before
        .iter()
        .zip(&after)
        .filter(|(a, b)| a.3 != b.3)
        .map(|(a, _)| {
            a.0.strip_prefix(repo.join("rendered"))
                .unwrap()
                .display()
                .to_string()
        })
        .collect();
    assert_eq!(
        changed,
        vec![
            ".fanout/cache",
            ".fanout/index",
            "aws-eu-1/payments/Deployment.apps_payments-api.yaml",
            "aws-eu-2/payments/Deployment.apps_payments-api.yaml",
            "gcp-eu-1/payments/Deployment.apps_payments-api.yaml",
        ]
    );
    // unchanged files keep their inode and mtime
    for (a, b) in before.iter().zip(&after) {
        if a.3 == b.3 && !a.0.ends_with("index") {
            assert_eq!((a.1, a.2), (b.1, b.2), "{} was rewritten", a.0.display());
        }
    }
}

#[test]
fn pruning_removes_owned_files_and_never_touches_foreign_ones() {
    let (_tmp, repo) = example();
    assert!(fanout(&["render", "."], &repo).status.success());
    let foreign = repo.join("rendered/aws-eu-1/payments/NOTES.md");
    fs::write(&foreign, "kept by hand\n").unwrap();
    let ino = fs::metadata(&foreign).unwrap().ino();
    fs::remove_file(repo.join("apps/payments/deployment.yaml")).unwrap();
    fs::write(
        repo.join("apps/payments/policies.yaml"),
        fs::read_to_string(repo.join("apps/payments/policies.yaml"))
            .unwrap()
            .replace("propagateDeps: true", "propagateDeps: false"),
    )
    .unwrap();
    let out = fanout(&["render", "."], &repo);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        !repo
            .join("rendered/aws-eu-1/payments/Deployment.apps_payments-api.yaml")
            .exists()
    );
    assert_eq!(fs::read_to_string(&foreign).unwrap(), "kept by hand\n");
    assert_eq!(fs::metadata(&foreign).unwrap().ino(), ino);
}

#[test]
fn a_failed_render_leaves_the_previous_tree_exactly() {
    let (_tmp, repo) = example();
    assert!(fanout(&["render", "."], &repo).status.success());
    let before = snapshot(&repo.join("rendered"));
    // a capacity shortfall: dynamic weight needs more replicas than the clusters hold
    let path = repo.join("apps/storefront/workload.yaml");
    fs::write(
        &path,
        fs::read_to_string(&path)
            .unwrap()
            .replace("replicas: 6", "replicas: 100000"),
    )
    .unwrap();
    let out = fanout(&["render", "."], &repo);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot be placed") && err.contains("nothing written"),
        "{err}"
    );
    assert_eq!(before, snapshot(&repo.join("rendered")));
    // and a plain syntax error
    fs::write(repo.join("broken.yaml"), "a: [1, 2\n").unwrap();
    let out = fanout(&["render", "."], &repo);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert_eq!(before, snapshot(&repo.join("rendered")));
}

#[test]
fn secret_values_never_reach_any_output() {
    let (_tmp, repo) = example();
    let canary = "s3cr3t-canary";
    assert!(
        fs::read_to_string(repo.join("apps/payments/deployment.yaml"))
            .unwrap()
            .contains(canary)
    );
    let mut outputs = vec![fanout(&["render", ".", "--diff"], &repo)];
    let path = repo.join("apps/payments/deployment.yaml");
    fs::write(
        &path,
        fs::read_to_string(&path)
            .unwrap()
            .replace(canary, "s3cr3t-canary-2"),
    )
    .unwrap();
    outputs.push(fanout(&["check", "."], &repo));
    outputs.push(fanout(&["render", ".", "--diff"], &repo));
    outputs.push(fanout(&["plan", "."], &repo));
    outputs.push(fanout(&["plan", ".", "--output", "json"], &repo));
    outputs.push(fanout(&["validate", "."], &repo));
    for o in &outputs {
        let all = text(o);
        assert!(!all.contains(canary), "{all}");
    }
    assert!(
        text(&outputs[1]).contains("password: \"*** (before)\""),
        "{}",
        text(&outputs[1])
    );
}

/// A value that must never be printed.
const CANARY: &str = "CANARY-3141";

/// Write `files` into a copy of the example, run `validate` (text and JSON), `plan`, `render` and
/// `render --diff`, and check that no output holds the canary or any of `hidden`, while every output
/// still names each of `located` (`path`, line, column) and says `code` (text outputs name the
/// place as `path:line:col`; the JSON one in `file`, `line` and `column`).
fn secret_stays_hidden(
    files: &[(&str, &str)],
    code: &str,
    located: &[(&str, u32, u32)],
    hidden: &[&str],
) {
    let (_tmp, repo) = example();
    for (path, body) in files {
        fs::write(repo.join(path), body).unwrap();
    }
    let commands: [&[&str]; 5] = [
        &["validate", "."],
        &["validate", ".", "--output", "json"],
        &["plan", "."],
        &["render", "."],
        &["render", ".", "--diff"],
    ];
    for args in commands {
        let out = fanout(args, &repo);
        let all = text(&out);
        for secret in hidden.iter().chain([&CANARY]) {
            assert!(
                !all.contains(secret),
                "`{args:?}` printed `{secret}`:\n{all}"
            );
        }
        if args.contains(&"json") {
            let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
            let diagnostics = json["diagnostics"].as_array().unwrap();
            for &(file, line, column) in located {
                assert!(
                    diagnostics.iter().any(|d| d["file"] == file
                        && d["line"] == line
                        && d["column"] == column
                        && d["code"] == code),
                    "{file}:{line}:{column} [{code}] not in {all}"
                );
            }
        } else {
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(stderr.contains(&format!("[{code}]")), "`{args:?}`: {all}");
            for &(file, line, column) in located {
                let place = format!("--> {file}:{line}:{column}\n");
                assert!(stderr.contains(&place), "`{args:?}` lacks {place}{all}");
            }
        }
    }
}

/// A Secret in the `payments` namespace with the given top-level fields after its metadata.
fn secret(name: &str, fields: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: {name}\n  namespace: payments\n{fields}"
    )
}

#[test]
fn invalid_base64_in_data_is_located_not_printed() {
    let body = secret("b64", "data:\n  token: CANARY-3141!!\n");
    secret_stays_hidden(
        &[("apps/payments/b64.yaml", &body)],
        "schema",
        &[("apps/payments/b64.yaml", 7, 10)],
        &[],
    );
}

#[test]
fn duplicate_key_in_string_data_is_located_not_printed() {
    let body = secret(
        "dup",
        "stringData:\n  password: CANARY-3141\n  password: CANARY-3141-again\n",
    );
    secret_stays_hidden(
        &[("apps/payments/dup.yaml", &body)],
        "yaml",
        &[("apps/payments/dup.yaml", 8, 3)],
        &[],
    );
}

#[test]
fn ambiguous_scalar_warnings_on_secret_values_hide_the_value() {
    // a warning only: `plan` and `render` succeed and print it
    let body = secret(
        "flags",
        "stringData:\n  password: CANARY-3141\n  enabled: on\n  pin: 3_141_592\n",
    );
    secret_stays_hidden(
        &[("apps/payments/flags.yaml", &body)],
        "ambiguous-scalar",
        &[
            ("apps/payments/flags.yaml", 8, 12),
            ("apps/payments/flags.yaml", 9, 8),
        ],
        &["3_141_592", "`on`", "enabled: on"],
    );
}

#[test]
fn secret_inside_a_list_is_masked() {
    let body = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Secret\n  metadata: {name: listed, namespace: payments}\n  stringData: {password: CANARY-3141, enabled: yes}\n";
    secret_stays_hidden(
        &[("apps/payments/list.yaml", body)],
        "ambiguous-scalar",
        &[("apps/payments/list.yaml", 7, 48)],
        &["`yes`"],
    );
}

#[test]
fn template_error_on_a_secret_value_line_is_masked() {
    let body = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: templated\n  namespace: payments\nstringData:\n  password: CANARY-3141-{{ cluster.nmae }}\n";
    secret_stays_hidden(
        &[("platform/secret.yaml.j2", body)],
        "template",
        &[("platform/secret.yaml.j2", 7, 28)],
        &[],
    );
}

#[test]
fn warning_in_a_templates_rendering_is_masked() {
    let body = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: templated\n  namespace: payments\nstringData:\n  password: {{ cluster.name }}-CANARY-3141\n  enabled: on\n";
    secret_stays_hidden(
        &[("platform/secret.yaml.j2", body)],
        "ambiguous-scalar",
        &[("platform/secret.yaml.j2 (rendered for aws-eu-1)", 8, 12)],
        &["`on`"],
    );
}

#[test]
fn yaml_syntax_error_inside_secret_data_is_masked() {
    let tab = secret(
        "tab",
        "stringData:\n  user: CANARY-3141\n\tpassword: CANARY-3141\n",
    );
    let indent = secret(
        "indent",
        "data:\n  token: Q0FOQVJZ\n    other: CANARY-3141\n",
    );
    secret_stays_hidden(
        &[
            ("apps/payments/tab.yaml", &tab),
            ("apps/payments/indent.yaml", &indent),
        ],
        "yaml",
        &[
            ("apps/payments/tab.yaml", 7, 9),
            ("apps/payments/indent.yaml", 8, 10),
        ],
        &["Q0FOQVJZ"],
    );
}

#[test]
fn stdout_prints_one_clusters_stream_and_writes_nothing() {
    let (_tmp, repo) = example();
    let out = fanout(&["render", ".", "--cluster", "gcp-us-1", "--stdout"], &repo);
    assert!(out.status.success(), "{}", text(&out));
    let stream = String::from_utf8_lossy(&out.stdout);
    assert!(
        stream.starts_with("---\n") && stream.contains("name: storefront"),
        "{stream}"
    );
    assert!(!stream.contains("payments-api"), "{stream}");
    assert!(!repo.join("rendered").exists());
    let bad = fanout(&["render", ".", "--cluster", "nope", "--stdout"], &repo);
    assert_eq!(bad.status.code(), Some(3), "{}", text(&bad));
}

#[test]
fn cluster_subset_leaves_other_clusters_alone() {
    let (_tmp, repo) = example();
    assert!(fanout(&["render", "."], &repo).status.success());
    let path = repo.join("apps/payments/deployment.yaml");
    fs::write(
        &path,
        fs::read_to_string(&path)
            .unwrap()
            .replace("api:4.0.2", "api:5.0.0"),
    )
    .unwrap();
    let out = fanout(&["render", ".", "--cluster", "aws-eu-1"], &repo);
    assert!(out.status.success(), "{}", text(&out));
    let read = |c: &str| {
        fs::read_to_string(repo.join(format!(
            "rendered/{c}/payments/Deployment.apps_payments-api.yaml"
        )))
        .unwrap()
    };
    assert!(read("aws-eu-1").contains("api:5.0.0"));
    assert!(read("aws-eu-2").contains("api:4.0.2"));
}

#[test]
fn every_cluster_directory_builds_with_kubectl_kustomize() {
    if !common::installed("kubectl", &["version", "--client"]) {
        return;
    }
    let (_tmp, repo) = example();
    assert!(fanout(&["render", "."], &repo).status.success());
    let mut built = 0;
    for e in fs::read_dir(repo.join("rendered")).unwrap() {
        let dir = e.unwrap().path();
        if !dir.join("kustomization.yaml").exists() {
            continue;
        }
        let out = Command::new("kubectl")
            .arg("kustomize")
            .arg(&dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}: {}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        built += 1;
    }
    assert_eq!(built, 7);
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.email=ci@example.com", "-c", "user.name=ci"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn diff_against_a_git_revision_shows_moves_per_cluster() {
    if !common::installed("git", &["--version"]) {
        return;
    }
    let (tmp, repo) = example();
    git(tmp.path(), &["init", "-q"]);
    git(tmp.path(), &["add", "-A"]);
    git(tmp.path(), &["commit", "-qm", "base"]);
    let same = fanout(&["diff", ".", "--base", "HEAD"], &repo);
    assert_eq!(same.status.code(), Some(0), "{}", text(&same));
    let path = repo.join("apps/payments/deployment.yaml");
    let edited = fs::read_to_string(&path)
        .unwrap()
        .replace("replicas: 5", "replicas: 8")
        .replace("s3cr3t-canary", "s3cr3t-canary-rotated");
    fs::write(&path, edited).unwrap();
    let out = fanout(&["diff", ".", "--base", "HEAD", "--output", "json"], &repo);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(!text(&out).contains("s3cr3t-canary"), "{}", text(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["formatVersion", "clusters", "replicas", "diff"]);
    assert_eq!(json["formatVersion"], 1);
    let moves: Vec<(String, i64, i64)> = json["replicas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["cluster"].as_str().unwrap().to_owned(),
                m["before"].as_i64().unwrap(),
                m["after"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        moves,
        vec![
            ("aws-eu-1".into(), 3, 4),
            ("aws-eu-2".into(), 1, 2),
            ("gcp-eu-1".into(), 1, 2)
        ]
    );
    let md = fanout(
        &["diff", ".", "--base", "HEAD", "--output", "markdown"],
        &repo,
    );
    assert!(
        String::from_utf8_lossy(&md.stdout).contains("| `aws-eu-1` | 0 | 2 | 0 |"),
        "{}",
        text(&md)
    );
    let bad = fanout(&["diff", ".", "--base", "no-such-rev"], &repo);
    assert_eq!(bad.status.code(), Some(3), "{}", text(&bad));
}

/// Regression: with `--out`, both that directory and the configured `rendered/` are output, never input.
#[test]
fn output_directories_are_never_read_as_input() {
    let (_tmp, repo) = example();
    assert!(fanout(&["render", "."], &repo).status.success());
    let first = fanout(&["render", ".", "--out", "elsewhere"], &repo);
    assert!(first.status.success(), "{}", text(&first));
    let again = fanout(&["render", ".", "--out", "elsewhere"], &repo);
    assert!(again.status.success(), "{}", text(&again));
    let check = fanout(&["check", ".", "--out", "elsewhere"], &repo);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check));
    let validate = fanout(&["validate", "."], &repo);
    assert!(
        String::from_utf8_lossy(&validate.stderr).contains("15 files"),
        "{}",
        text(&validate)
    );
}

/// An override whose JSON patch cannot apply fails the render at the overrider, and writes nothing.
#[test]
fn a_failing_json_patch_is_located_and_nothing_is_written() {
    let (_tmp, repo) = example();
    assert!(fanout(&["render", "."], &repo).status.success());
    let before = snapshot(&repo.join("rendered"));
    let path = repo.join("apps/payments/policies.yaml");
    let broken = fs::read_to_string(&path).unwrap().replace(
        "path: /spec/template/spec/containers/0/env/-",
        "path: /spec/template/spec/nothing/here",
    );
    fs::write(&path, broken).unwrap();
    let out = fanout(&["render", "."], &repo);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("error[override]") && err.contains("apps/payments/policies.yaml:"),
        "{err}"
    );
    assert!(err.contains("gcp-eu-1"), "{err}");
    assert_eq!(before, snapshot(&repo.join("rendered")));
}

/// Symlinks never make fanout read outside the repository; links inside are read under their own path.
#[test]
fn symlinks_out_of_the_repository_are_not_followed() {
    let (tmp, repo) = example();
    let outside = tmp.path().join("outside.yaml");
    fs::write(&outside, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: stolen, namespace: shop}\ndata: {secret: outside}\n").unwrap();
    std::os::unix::fs::symlink(&outside, repo.join("apps/leak.yaml")).unwrap();
    std::os::unix::fs::symlink(tmp.path(), repo.join("apps/up")).unwrap();
    let inside = repo.join("apps/storefront/config.yaml");
    std::os::unix::fs::symlink(&inside, repo.join("apps/again.yaml")).unwrap();
    let out = fanout(&["validate", "."], &repo);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("warning[symlink]") && err.contains("apps/leak.yaml"),
        "{err}"
    );
    assert!(
        !err.contains("stolen") && !err.contains("apps/up/"),
        "{err}"
    );
    // the link inside the repository is read (and so duplicates what it points at)
    assert!(
        err.contains("apps/again.yaml") && err.contains("defined twice"),
        "{err}"
    );
}

/// A render that changes nothing skips compiling when the inputs are those the tree was last written
/// from; the tree must still be verified, and any change to an input, to the clusters asked for or to an
/// owned file must be seen.
#[test]
fn unchanged_inputs_skip_the_compile_but_never_a_change() {
    let (_tmp, repo) = example();
    let first = fanout(&["render", "."], &repo);
    assert!(first.status.success(), "{}", text(&first));
    let cache = fs::read_to_string(repo.join("rendered/.fanout/cache")).unwrap();
    assert!(
        cache
            .lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("inputs ")),
        "a warning-free render records its inputs:\n{cache}"
    );

    // Unchanged: the same summary as a compiled no-op, nothing touched.
    let before = snapshot(&repo.join("rendered"));
    let again = fanout(&["render", "."], &repo);
    assert!(again.status.success(), "{}", text(&again));
    let said = String::from_utf8_lossy(&again.stderr);
    assert!(
        said.contains("aws-eu-1: 0 added, 0 changed, 0 removed"),
        "{said}"
    );
    assert_eq!(before, snapshot(&repo.join("rendered")));

    // An owned file edited by hand: its stat no longer matches, so the render runs and restores it.
    let owned = repo.join("rendered/aws-eu-1/payments/Deployment.apps_payments-api.yaml");
    let original = fs::read(&owned).unwrap();
    fs::write(&owned, "edited by hand\n").unwrap();
    let restored = fanout(&["render", "."], &repo);
    assert!(restored.status.success(), "{}", text(&restored));
    assert!(String::from_utf8_lossy(&restored.stderr).contains("aws-eu-1: 0 added, 1 changed"));
    assert_eq!(fs::read(&owned).unwrap(), original);

    // An input edited: compiled and written.
    let path = repo.join("apps/payments/deployment.yaml");
    let edited = fs::read_to_string(&path)
        .unwrap()
        .replace("api:4.0.2", "api:4.0.3");
    fs::write(&path, edited).unwrap();
    let changed = fanout(&["render", "."], &repo);
    assert!(changed.status.success(), "{}", text(&changed));
    assert!(
        String::from_utf8_lossy(&fs::read(&owned).unwrap()).contains("api:4.0.3"),
        "the edited input reached the tree"
    );

    // Other clusters asked for: another fingerprint, so a compiled render, which changes nothing.
    let scoped = fanout(&["render", ".", "--cluster", "aws-eu-1"], &repo);
    assert!(scoped.status.success(), "{}", text(&scoped));
    let said = String::from_utf8_lossy(&scoped.stderr);
    assert!(
        said.contains("aws-eu-1: 0 added, 0 changed, 0 removed"),
        "{said}"
    );
    assert!(!said.contains("gcp-"), "only the cluster asked for: {said}");
}

/// Issue #13, items 9 and 11: a kind spelt like another group's kind gets a file of its own, and a
/// 253-character name a shortened one; the kustomization lists exactly the files written, and
/// `kubectl kustomize` (when installed) builds all four objects.
#[test]
fn file_names_are_distinct_short_enough_and_listed() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/file-names/repo"),
        &repo,
    );
    let out = fanout(&["render", "."], &repo);
    assert!(out.status.success(), "{}", text(&out));
    let cluster = repo.join("rendered/eu-1");
    let mut files: Vec<String> = walk(&cluster)
        .iter()
        .map(|p| {
            p.strip_prefix(&cluster)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|p| p != "kustomization.yaml")
        .collect();
    files.sort();
    assert_eq!(files.len(), 4, "{files:?}");
    assert!(files.contains(&"shop/Widget.shop.example.com_web.yaml".to_owned()));
    assert!(files.contains(&"shop/Widget%2Eshop.example.com_web.yaml".to_owned()));
    for f in &files {
        let name = f.rsplit('/').next().unwrap();
        assert!(name.len() <= 255, "{name} is {} bytes", name.len());
    }
    let kustomization = fs::read_to_string(cluster.join("kustomization.yaml")).unwrap();
    let listed: Vec<String> = kustomization
        .lines()
        .filter_map(|l| l.strip_prefix("- "))
        .map(str::to_owned)
        .collect();
    assert_eq!(listed, files);
    if Command::new("kubectl")
        .arg("version")
        .arg("--client")
        .output()
        .is_ok()
    {
        let built = Command::new("kubectl")
            .arg("kustomize")
            .arg(&cluster)
            .output()
            .unwrap();
        assert!(built.status.success(), "{}", text(&built));
        let stream = String::from_utf8_lossy(&built.stdout);
        assert_eq!(
            stream.matches("\nkind: ").count() + usize::from(stream.starts_with("kind: ")),
            4,
            "{stream}"
        );
    }
}

/// Issue #14: the summary names the cluster directories a render removed.
#[test]
fn the_summary_names_removed_cluster_directories() {
    let (_tmp, repo) = example();
    assert!(fanout(&["render", "."], &repo).status.success());
    fs::remove_file(repo.join("clusters/gcp-asia-1.yaml")).unwrap();
    let out = fanout(&["render", "."], &repo);
    assert!(out.status.success(), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("gcp-asia-1: directory removed"),
        "{}",
        text(&out)
    );
    assert!(!repo.join("rendered/gcp-asia-1").exists());
}

/// Issue #15: with a cache directory, a repeated `--stdout` render of unchanged inputs prints the
/// cached stream (here one planted in the cache proves it is read), a tampered entry is ignored, a
/// changed input misses it, and without a cache directory nothing is cached.
#[test]
fn stdout_streams_are_cached_by_their_inputs() {
    let (tmp, repo) = example();
    let cache = tmp.path().join("cache");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_fanout"))
            .args(args)
            .current_dir(&repo)
            .env("FANOUT_CACHE_DIR", &cache)
            .env_remove("XDG_CACHE_HOME")
            .output()
            .expect("run fanout")
    };
    let args = ["render", ".", "--cluster", "gcp-us-1", "--stdout"];
    let first = run(&args);
    assert!(first.status.success(), "{}", text(&first));
    let entries: Vec<PathBuf> = walk(&cache);
    assert_eq!(entries.len(), 1, "{entries:?}");
    // A sound entry with another body: the next call prints it, so the cache was read.
    let entry = &entries[0];
    let key = entry.file_name().unwrap().to_str().unwrap()["stream-".len()..].to_owned();
    let planted = b"---\nplanted: true\n";
    let header = format!(
        "fanout stream v1 {key} {}\n",
        blake3::hash(planted).to_hex()
    );
    fs::write(entry, [header.as_bytes(), planted].concat()).unwrap();
    let second = run(&args);
    assert!(second.status.success(), "{}", text(&second));
    assert_eq!(second.stdout, planted);
    // Another cluster is another key; a tampered entry is ignored and replaced.
    fs::write(entry, b"fanout stream v1 garbage\n").unwrap();
    let third = run(&args);
    assert_eq!(third.stdout, first.stdout);
    // A changed input misses the cache.
    let path = repo.join("apps/storefront/config.yaml");
    let before = fs::read_to_string(&path).unwrap();
    fs::write(&path, format!("{before}\n# a comment changes the file\n")).unwrap();
    let fourth = run(&args);
    assert!(fourth.status.success(), "{}", text(&fourth));
    assert_eq!(walk(&cache).len(), 2);
    // Without a cache directory nothing is written there.
    let plain = Command::new(env!("CARGO_BIN_EXE_fanout"))
        .args(args)
        .current_dir(&repo)
        .env_remove("FANOUT_CACHE_DIR")
        .env_remove("XDG_CACHE_HOME")
        .output()
        .unwrap();
    assert_eq!(plain.stdout, fourth.stdout);
    assert_eq!(walk(&cache).len(), 2);
}
