//! Every folder under `fixtures/` is a case: `repo/` is the input repository, `expected/` holds what the
//! real binary prints for it: `validate.txt` (exit code and stderr of `fanout validate`), and for
//! repositories that pass `fanout validate --fast` `plan.txt` and `plan.json` (stdout of `fanout plan`) and, when every workload is placed,
//! `rendered/` (the tree `fanout render` writes). The example repository is a case too; its golden tree is
//! its committed `examples/multicloud/rendered/`.
//! `UPDATE_GOLDEN=1 cargo test --test fixtures` rewrites the expectations; review them as a diff.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn run(repo: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_fanout"))
        .args(args)
        .arg(".")
        .current_dir(repo)
        .env("NO_COLOR", "1")
        .output()
        .expect("run fanout");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn check(expected: &Path, actual: &str, failures: &mut Vec<String>) {
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        fs::create_dir_all(expected.parent().unwrap()).unwrap();
        fs::write(expected, actual).unwrap();
        return;
    }
    match fs::read_to_string(expected) {
        Ok(want) if want == actual => {}
        Ok(want) => failures.push(format!(
            "{} differs\n--- expected\n{want}\n--- actual\n{actual}",
            expected.display()
        )),
        Err(_) => failures.push(format!(
            "{} is missing (run with UPDATE_GOLDEN=1)\n--- actual\n{actual}",
            expected.display()
        )),
    }
}

fn files(dir: &Path, base: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, base, out);
        } else {
            let rel = p.strip_prefix(base).unwrap().to_string_lossy().into_owned();
            // The stat cache describes this machine's files (inodes, times): never golden.
            if rel != ".fanout/cache" {
                out.push((rel, fs::read(&p).unwrap()));
            }
        }
    }
}

/// Render into a temporary directory and compare the whole tree with `expected`.
fn check_tree(repo: &Path, expected: &Path, failures: &mut Vec<String>) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let status = Command::new(env!("CARGO_BIN_EXE_fanout"))
        .args(["render", ".", "--out"])
        .arg(&out)
        .current_dir(repo)
        .output()
        .expect("run fanout");
    if !status.status.success() {
        failures.push(format!(
            "{}: render failed: {}",
            repo.display(),
            String::from_utf8_lossy(&status.stderr)
        ));
        return;
    }
    let mut actual = Vec::new();
    files(&out, &out, &mut actual);
    actual.sort();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        let _ = fs::remove_dir_all(expected);
        for (rel, bytes) in &actual {
            let path = expected.join(rel);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, bytes).unwrap();
        }
        return;
    }
    let mut want = Vec::new();
    files(expected, expected, &mut want);
    want.sort();
    let names = |v: &[(String, Vec<u8>)]| v.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    if names(&want) != names(&actual) {
        failures.push(format!(
            "{}: rendered files differ\n--- expected\n{:?}\n--- actual\n{:?}",
            expected.display(),
            names(&want),
            names(&actual)
        ));
        return;
    }
    for ((name, a), (_, b)) in want.iter().zip(&actual) {
        if a != b {
            failures.push(format!(
                "{}/{name} differs\n--- expected\n{}\n--- actual\n{}",
                expected.display(),
                String::from_utf8_lossy(a),
                String::from_utf8_lossy(b)
            ));
        }
    }
}

fn cases() -> Vec<(PathBuf, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut cases: Vec<(PathBuf, PathBuf)> = fs::read_dir(root.join("fixtures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("repo").is_dir())
        .map(|p| (p.join("repo"), p.join("expected")))
        .collect();
    cases.push((
        root.join("examples/multicloud"),
        root.join("tests/expected/multicloud"),
    ));
    cases.sort();
    cases
}

#[test]
fn fixtures() {
    let mut failures = Vec::new();
    let cases = cases();
    assert!(cases.len() > 1, "no fixtures found");
    for (repo, expected) in &cases {
        let name = repo
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let (code, _, stderr) = run(repo, &["validate"]);
        check(
            &expected.join("validate.txt"),
            &format!("exit: {code}\n{stderr}"),
            &mut failures,
        );
        // `validate` checks everything short of writing; `--fast` only the front end, which every
        // case but the `err-` ones must pass to be planned (a capacity shortfall plans, and fails there).
        let (fast, _, fast_stderr) = run(repo, &["validate", "--fast"]);
        let invalid_case = name.starts_with("err-");
        if invalid_case && code == 0 {
            failures.push(format!("{name}: an err- case must not validate"));
        }
        if !invalid_case && fast != 0 {
            failures.push(format!("{name}: validation failed:\n{fast_stderr}"));
        }
        if fast == 0 {
            let (code, stdout, stderr) = run(repo, &["plan"]);
            check(
                &expected.join("plan.txt"),
                &format!("exit: {code}\n{stderr}{stdout}"),
                &mut failures,
            );
            let (_, stdout, _) = run(repo, &["plan", "--output", "json"]);
            check(&expected.join("plan.json"), &stdout, &mut failures);
            if code == 0 {
                // the example's golden tree is its committed `rendered/`, as a user would keep it
                let golden = if name == "examples" {
                    repo.join("rendered")
                } else {
                    expected.join("rendered")
                };
                check_tree(repo, &golden, &mut failures);
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// `fanout plan --output json` always matches its published schema.
#[test]
fn plan_json_follows_its_schema() {
    let schemas = fanout::front::schemas::Schemas::new();
    for (repo, _) in cases() {
        let (code, stdout, _) = run(&repo, &["plan", "--output", "json"]);
        if code == 3 || stdout.is_empty() {
            continue;
        }
        let json: serde_json::Value = serde_json::from_str(&stdout).expect("plan prints JSON");
        let errors = schemas.validate(fanout::front::schemas::SchemaKind::Plan, &json);
        assert!(errors.is_empty(), "{}: {errors:?}", repo.display());
    }
}
