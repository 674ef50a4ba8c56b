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

fn plan(repo: &Path, out: &Path, extra: &[String]) -> Vec<String> {
    let o = fanout(&["plan", "--output", "json"], repo, out, extra);
    assert!(
        o.status.code() == Some(0),
        "plan {}\n{}",
        repo.display(),
        text(&o)
    );
    placements(&serde_json::from_slice(&o.stdout).unwrap())
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
