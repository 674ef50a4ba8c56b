//! Steady scheduling scenarios with the real binary: every folder under `tests/steady/` is a scenario,
//! `README.md` says what it shows and how each expectation follows from Karmada's code, and
//! `steps/1/`, `steps/2/`, ... are the repository at each step, rendered one after the other into one
//! output directory, so each step starts from the schedule result the one before recorded.
//!
//! A step holds the repository's YAML files and `expected.txt`: one line per object with replicas,
//! `<Kind> <namespace>/<name>: <cluster>=<replicas> ... (<change>)`, the change being what `plan` says
//! became of the previous result (`kept`, `scaledUp`, `scaledDown`, `rescheduled`, `fresh`) or `first`
//! on a first schedule. Optional: `args` (more arguments for `plan` and `render`, e.g. `--reschedule`),
//! `delete-output` (the output directory is deleted before the step).
//!
//! At every step: `plan` (reading the previous result) must say exactly `expected.txt`; `render` must
//! write the same placement; then the invariants: `check` is clean, a second `render` changes nothing,
//! `plan` afterwards shows the same replicas, and `check` on a fresh copy of the tree (no stat cache)
//! is clean.

mod common;
use common::{copy_dir, text};

use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fanout(args: &[&str], repo: &Path, out: &Path, extra: &[String]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fanout"))
        .args(args)
        .arg(repo)
        .arg("--out")
        .arg(out)
        .args(extra)
        .env("NO_COLOR", "1")
        .output()
        .expect("run fanout")
}

/// `<Kind> <ns>/<name>: <cluster>=<n> ... (<change>)` for every object with replicas in a JSON plan.
fn placements(plan: &Value) -> Vec<String> {
    let mut lines = Vec::new();
    for w in plan["workloads"].as_array().unwrap() {
        if w["totalReplicas"].is_null() {
            continue;
        }
        let name = match w["namespace"].as_str() {
            Some(ns) => format!("{ns}/{}", w["name"].as_str().unwrap()),
            None => w["name"].as_str().unwrap().to_owned(),
        };
        let clusters: Vec<String> = (w["clusters"].as_array().unwrap().iter())
            .map(|c| format!("{}={}", c["name"].as_str().unwrap(), c["replicas"]))
            .collect();
        let change = w["schedule"]["change"].as_str().unwrap_or("first");
        let error = w["error"]
            .as_str()
            .map(|e| format!(" error: {e}"))
            .unwrap_or_default();
        lines.push(format!(
            "{} {name}: {} ({change}){error}",
            w["kind"].as_str().unwrap(),
            clusters.join(" ")
        ));
    }
    lines
}

/// The same without the change: what the tree holds.
fn replicas_only(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .map(|l| l.rsplit_once(" (").map_or(l.clone(), |(p, _)| p.to_owned()))
        .collect()
}

/// `plan --output json`, checked against its schema, as placement lines.
fn plan(repo: &Path, out: &Path, extra: &[String]) -> Vec<String> {
    let o = fanout(&["plan", "--output", "json"], repo, out, extra);
    assert!(
        o.status.code() == Some(0),
        "plan {}\n{}",
        repo.display(),
        text(&o)
    );
    let json: Value = serde_json::from_slice(&o.stdout).unwrap();
    let schemas = fanout::front::schemas::Schemas::new();
    let errors = schemas.validate(fanout::front::schemas::SchemaKind::Plan, &json);
    assert!(errors.is_empty(), "{}: {errors:?}", repo.display());
    placements(&json)
}

/// The placement recorded in the tree: `.fanout/placement.tsv` lines of objects with replicas, as
/// `<object>: <cluster>=<n> ...`.
fn rendered(out: &Path) -> Vec<String> {
    let tsv = fs::read_to_string(out.join(".fanout/placement.tsv")).unwrap();
    let mut by_object: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for line in tsv.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        if f[3] != "-" {
            by_object
                .entry(f[2].to_owned())
                .or_default()
                .push(format!("{}={}", f[0], f[3]));
        }
    }
    by_object
        .into_iter()
        .map(|(o, c)| format!("{o}: {}", c.join(" ")))
        .collect()
}

fn steps(scenario: &Path) -> Vec<PathBuf> {
    let mut steps: Vec<(u32, PathBuf)> = fs::read_dir(scenario.join("steps"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| (p.file_name().unwrap().to_str().unwrap().parse().unwrap(), p))
        .collect();
    steps.sort();
    steps.into_iter().map(|(_, p)| p).collect()
}

fn run_scenario(scenario: &Path, failures: &mut Vec<String>) {
    let name = scenario.file_name().unwrap().to_string_lossy().into_owned();
    let readme = fs::read_to_string(scenario.join("README.md")).unwrap_or_default();
    assert!(
        readme.contains("karmada"),
        "{name}: README.md must say which Karmada functions the expectations follow from"
    );
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    for step in steps(scenario) {
        let at = format!(
            "{name} step {}",
            step.file_name().unwrap().to_string_lossy()
        );
        if step.join("delete-output").exists() {
            let _ = fs::remove_dir_all(&out);
        }
        let extra: Vec<String> = fs::read_to_string(step.join("args"))
            .map(|a| a.split_whitespace().map(str::to_owned).collect())
            .unwrap_or_default();
        let expected: Vec<String> = fs::read_to_string(step.join("expected.txt"))
            .unwrap()
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_owned)
            .collect();

        let predicted = plan(&step, &out, &extra);
        if predicted != expected {
            failures.push(format!(
                "{at}: plan says\n  {}\nexpected\n  {}",
                predicted.join("\n  "),
                expected.join("\n  ")
            ));
            return;
        }
        let o = fanout(&["render"], &step, &out, &extra);
        if !o.status.success() {
            failures.push(format!("{at}: render failed\n{}", text(&o)));
            return;
        }
        let written = rendered(&out);
        if written != replicas_only(&expected) {
            failures.push(format!(
                "{at}: the tree records\n  {}\nexpected\n  {}",
                written.join("\n  "),
                replicas_only(&expected).join("\n  ")
            ));
        }

        // Invariants: the tree is a fixed point of rendering.
        let o = fanout(&["check"], &step, &out, &[]);
        if o.status.code() != Some(0) {
            failures.push(format!(
                "{at}: check after render is not clean\n{}",
                text(&o)
            ));
        }
        let o = fanout(&["render"], &step, &out, &[]);
        let stderr = String::from_utf8_lossy(&o.stderr);
        if !o.status.success()
            || stderr
                .lines()
                .any(|l| !l.contains(" 0 added, 0 changed, 0 removed"))
        {
            failures.push(format!(
                "{at}: a render right after a render changed something\n{}",
                text(&o)
            ));
        }
        let again = plan(&step, &out, &[]);
        if replicas_only(&again) != replicas_only(&expected) {
            failures.push(format!(
                "{at}: plan after render says\n  {}",
                again.join("\n  ")
            ));
        }
        let copy = tmp.path().join("copy");
        let _ = fs::remove_dir_all(&copy);
        copy_dir(&out, &copy);
        let _ = fs::remove_file(copy.join(".fanout/cache"));
        let o = fanout(&["check"], &step, &copy, &[]);
        if o.status.code() != Some(0) {
            failures.push(format!(
                "{at}: check on a fresh copy of the tree is not clean\n{}",
                text(&o)
            ));
        }
    }
}

#[test]
fn steady_scenarios() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/steady");
    let mut scenarios: Vec<PathBuf> = fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("steps").is_dir())
        .collect();
    scenarios.sort();
    assert!(
        scenarios.len() >= 8,
        "scenarios missing under {}",
        root.display()
    );
    let mut failures = Vec::new();
    for s in &scenarios {
        run_scenario(s, &mut failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn run(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fanout"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run fanout")
}

fn git(dir: &Path, args: &[&str]) {
    let o = Command::new("git")
        .args(["-c", "user.email=ci@example.com", "-c", "user.name=ci"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git must be installed for these tests");
    assert!(o.status.success(), "git {args:?}: {}", text(&o));
}

/// The example repository, rendered, in a temporary directory.
fn rendered_example() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("multicloud");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/multicloud"),
        &repo,
    );
    let o = run(&["render", "."], &repo);
    assert!(o.status.success(), "{}", text(&o));
    (tmp, repo)
}

fn set_storefront_replicas(repo: &Path, replicas: u32) {
    let path = repo.join("apps/storefront/workload.yaml");
    let text = fs::read_to_string(&path).unwrap();
    let (head, rest) = text.split_once("  replicas: ").unwrap();
    let (_, tail) = rest.split_once('\n').unwrap();
    fs::write(&path, format!("{head}  replicas: {replicas}\n{tail}")).unwrap();
}

/// Every file under `dir` with its bytes (the stat cache left out).
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if !p.ends_with(".fanout/cache") {
                out.push((p.clone(), fs::read(&p).unwrap_or_default()));
            }
        }
    }
    out.sort();
    out
}

/// Each side of `diff --base` starts from its own previous result: the base revision's committed
/// schedule file, and the working tree's output directory.
#[test]
fn diff_base_starts_each_side_from_its_own_schedule() {
    let (_tmp, repo) = rendered_example();
    // The committed tree: storefront scaled 6 -> 9 in steady mode, 3/1/2 -> 5/1/3 (a first schedule of
    // 9 would be 4/1/4).
    set_storefront_replicas(&repo, 9);
    let o = run(&["render", "."], &repo);
    assert!(o.status.success(), "{}", text(&o));
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-qm", "base"]);
    // 9 -> 12, not rendered: the base side keeps 5/1/3 (its own schedule), the new side scales up from
    // the working tree's 5/1/3 to 7/1/4 (a first schedule of 12 would be 6/2/4).
    set_storefront_replicas(&repo, 12);
    let moves = [
        "  Deployment shop/storefront on aws-eu-1: 5 -> 7\n",
        "  Deployment shop/storefront on gcp-us-1: 3 -> 4\n",
    ];
    let check_moves = |o: &Output| {
        assert_eq!(o.status.code(), Some(1), "{}", text(o));
        let stdout = String::from_utf8_lossy(&o.stdout);
        let shown: Vec<&str> = stdout.lines().filter(|l| l.contains(" -> ")).collect();
        assert_eq!(shown.len(), 2, "{}", text(o));
        for m in moves {
            assert!(stdout.contains(m), "{}", text(o));
        }
    };
    check_moves(&run(&["diff", "--base", "HEAD", "."], &repo));
    // Rendered: the working tree's schedule says 7/1/4 now, the base revision's still 5/1/3.
    let o = run(&["render", "."], &repo);
    assert!(o.status.success(), "{}", text(&o));
    check_moves(&run(&["diff", "--base", "HEAD", "."], &repo));
    // A broken schedule file in the base revision is an error naming `REV:path:line`.
    let schedule = repo.join("rendered/.fanout/schedule.tsv");
    let good = fs::read(&schedule).unwrap();
    fs::write(&schedule, "# fanout schedule v1\nnot a line\n").unwrap();
    git(&repo, &["commit", "-qam", "broken"]);
    fs::write(&schedule, good).unwrap();
    let o = run(&["diff", "--base", "HEAD", "."], &repo);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("HEAD:rendered/.fanout/schedule.tsv:2: expected 7 tab-separated fields"),
        "{}",
        text(&o)
    );
}

/// A malformed schedule file is an error naming the file and every bad line, and nothing is written
/// or half used; a symlink in its place is refused; lines of objects that are gone are ignored.
#[test]
fn the_schedule_file_is_used_whole_or_not_at_all() {
    let (_tmp, repo) = rendered_example();
    let schedule = repo.join("rendered/.fanout/schedule.tsv");
    let good = fs::read_to_string(&schedule).unwrap();
    set_storefront_replicas(&repo, 9);

    let mut lines: Vec<String> = good.lines().map(str::to_owned).collect();
    lines[3] = lines[3].replace("Deployment", "Deployment\textra");
    lines[4] = lines[4].replacen('=', "=x", 1);
    fs::write(&schedule, lines.join("\n") + "\n").unwrap();
    let before = snapshot(&repo.join("rendered"));
    for command in ["render", "plan", "check", "validate"] {
        let o = run(&[command, "."], &repo);
        assert_eq!(o.status.code(), Some(2), "{command}: {}", text(&o));
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(
            stderr.contains("rendered/.fanout/schedule.tsv:4: expected 7 tab-separated fields")
                && stderr.contains("rendered/.fanout/schedule.tsv:5: replicas `x"),
            "{command}: {}",
            text(&o)
        );
    }
    assert_eq!(
        before,
        snapshot(&repo.join("rendered")),
        "nothing may be written"
    );

    #[cfg(unix)]
    {
        let elsewhere = repo.join("elsewhere.tsv");
        fs::write(&elsewhere, &good).unwrap();
        fs::remove_file(&schedule).unwrap();
        std::os::unix::fs::symlink(&elsewhere, &schedule).unwrap();
        let o = run(&["plan", "."], &repo);
        assert_eq!(o.status.code(), Some(3), "{}", text(&o));
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("symlink"),
            "{}",
            text(&o)
        );
        fs::remove_file(&schedule).unwrap();
    }

    // An object that no longer exists: ignored; the next render drops its line.
    let gone = "apps/v1\tDeployment\tshop\tgone\t0123456789abcdef\t-\taws-eu-1=4\n";
    fs::write(&schedule, format!("{good}{gone}")).unwrap();
    let o = run(&["render", "."], &repo);
    assert!(o.status.success(), "{}", text(&o));
    let now = fs::read_to_string(&schedule).unwrap();
    assert!(!now.contains("gone"), "{now}");
    assert!(now.contains("storefront\t"), "{now}");
}

#[test]
fn reschedule_names_objects_that_exist() {
    let (_tmp, repo) = rendered_example();
    let o = run(&["plan", ".", "--reschedule=shop/nothing"], &repo);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("--reschedule: no resource named `shop/nothing`"),
        "{}",
        text(&o)
    );
    set_storefront_replicas(&repo, 9);
    let o = run(
        &[
            "plan",
            ".",
            "--reschedule=shop/storefront",
            "--workload",
            "shop/storefront",
        ],
        &repo,
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("schedule: fresh (--reschedule)"),
        "{stdout}"
    );
    // A reschedule renders the fresh result, and a plain render afterwards keeps it.
    let o = run(&["render", ".", "--reschedule"], &repo);
    assert!(o.status.success(), "{}", text(&o));
    let o = run(&["check", "."], &repo);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}

/// `adopt-bindings` records live ResourceBindings as the previous result: the next render starts from
/// Karmada's split instead of a first schedule.
#[test]
fn adopted_bindings_are_the_previous_result() {
    let (_tmp, repo) = rendered_example();
    fs::remove_dir_all(repo.join("rendered")).unwrap();
    let bindings = repo.join("bindings.json");
    fs::write(
        &bindings,
        r#"{"apiVersion": "v1", "kind": "List", "items": [
          {"apiVersion": "work.karmada.io/v1alpha2", "kind": "ResourceBinding",
           "metadata": {"name": "storefront-deployment", "namespace": "shop"},
           "spec": {"resource": {"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "shop", "name": "storefront"},
                    "replicas": 6,
                    "clusters": [{"name": "aws-eu-1", "replicas": 2}, {"name": "aws-eu-2", "replicas": 2}, {"name": "gcp-us-1", "replicas": 2}]}},
          {"apiVersion": "work.karmada.io/v1alpha2", "kind": "ResourceBinding",
           "metadata": {"name": "old-deployment", "namespace": "shop"},
           "spec": {"resource": {"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "shop", "name": "old"}}}
        ]}"#,
    )
    .unwrap();
    let o = run(&["adopt-bindings", "bindings.json"], &repo);
    assert!(o.status.success(), "{}", text(&o));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("`Deployment shop/old` is not in the repository"),
        "{stderr}"
    );
    assert!(stderr.contains("adopted 1 binding"), "{stderr}");
    // Without the applied placement the binding is rescheduled, in steady mode: 6 replicas are all
    // there, so Karmada's 2/2/2 stays (a first schedule would be 3/1/2).
    let o = run(&["plan", ".", "--workload", "shop/storefront"], &repo);
    let stdout = String::from_utf8_lossy(&o.stdout);
    for want in [
        "aws-eu-1     2 replicas",
        "aws-eu-2     2 replicas",
        "gcp-us-1     2 replicas",
        "schedule: rescheduled (the placement changed)",
    ] {
        assert!(stdout.contains(want), "{want}\n{}", text(&o));
    }
    let o = run(&["render", "."], &repo);
    assert!(o.status.success(), "{}", text(&o));
    let o = run(&["check", "."], &repo);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = run(&["plan", ".", "--workload", "shop/storefront"], &repo);
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("schedule: kept"),
        "{}",
        text(&o)
    );
    // Not a binding: nothing is written.
    fs::write(&bindings, r#"{"apiVersion": "v1", "kind": "Pod"}"#).unwrap();
    let before = snapshot(&repo.join("rendered"));
    let o = run(&["adopt-bindings", "bindings.json"], &repo);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert_eq!(before, snapshot(&repo.join("rendered")));
}
