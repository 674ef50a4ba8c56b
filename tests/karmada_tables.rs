//! Karmada's own unit-test tables as fixtures: every `fixtures/karmada-*` folder (but the ordinary
//! fixtures named in [`NOT_TRANSCRIPTIONS`]) is one row of a Go test table of Karmada v1.19.0-rc.0 (or
//! one case of a third-party customization's `testdata`), cited by the folder's one-line `README.md`
//! (file, test function, the row's `name:`).
//! Facts carry over, not code: the row's clusters, policy and object are written as a repository
//! (`repo/`); a row that starts from a previous schedule result has it as the `ResourceBinding` Karmada
//! would hold (`binding.yaml`, beside `repo/`), which this test records with `fanout adopt-bindings`
//! before planning; and the answer the table expects is `karmada.tsv`. The YAML files' comments say
//! how each of the row's facts is written.
//!
//! For every such folder the test copies `repo/` into a temporary directory, adopts `binding.yaml` if
//! there is one, runs the real binary (`fanout plan --output json .`), takes the one object a policy
//! places, and checks its placement against `karmada.tsv`, read line by line (tab-separated):
//!
//! - `# ...` and blank lines are comments (they say where an expectation that is not literally in the
//!   table comes from, e.g. the message of a row that only says `wantErr: true`);
//! - `<cluster>\t<replicas>`: the object lands on `<cluster>` with `<replicas>`, Karmada's
//!   `TargetCluster.replicas` (fanout's `null` for an object without replicas counts as 0); `*` when the
//!   table gives only the selected clusters. The lines together are every cluster the object lands on,
//!   and placement must not fail;
//! - `error\t<text>`: placement fails, and the error contains `<text>` (empty: any error);
//! - `field\t<cluster>\t<path>\t<json>`: the object as rendered for `<cluster>` (`fanout render --stdout
//!   --cluster`) holds `<json>` at the dotted `<path>` (`spec.replicas`): ReviseReplica rows;
//! - `or`: what follows is another answer the table accepts (rows with several `wants`).
//!
//! The rows where fanout answers otherwise than Karmada's table are [`KNOWN_DIFFERENCES`], each with
//! the reason: for those the test asserts that fanout still differs, so fixing one fails here until it
//! is taken off the list.
//!
//! The ordinary goldens of these folders (`expected/`, `tests/fixtures.rs`) are what fanout does with
//! `repo/` alone, so for a row with a `binding.yaml` they show a first schedule, not the row's answer.

mod common;
use common::{copy_dir, text};

use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Rows whose Karmada answer fanout does not reproduce: folder name, and why (input, Karmada's
/// answer, fanout's answer, the cause in Karmada's source).
const KNOWN_DIFFERENCES: &[(&str, &str)] = &[];

/// `fixtures/karmada-*` folders that are ordinary fixtures, not transcriptions of a Karmada table.
const NOT_TRANSCRIPTIONS: &[&str] = &["karmada-policy-fields", "karmada-webhook-parity"];

/// One answer of `karmada.tsv`.
#[derive(Debug, Default)]
struct Answer {
    /// `(cluster, replicas)`, `None` for `*`.
    clusters: Vec<(String, Option<u64>)>,
    /// `Some(text)` when placement must fail with an error containing `text`.
    error: Option<String>,
}

/// `karmada.tsv`: the answers the table accepts (one unless `or` lines), and the `field` checks.
#[derive(Debug, Default)]
struct Expected {
    answers: Vec<Answer>,
    fields: Vec<(String, String, Value)>,
}

fn parse(path: &Path) -> Expected {
    let body = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut expected = Expected {
        answers: vec![Answer::default()],
        fields: Vec::new(),
    };
    for (i, line) in body.lines().enumerate() {
        let at = || format!("{}:{}", path.display(), i + 1);
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let answer = expected.answers.last_mut().unwrap();
        match cols.as_slice() {
            ["or"] => expected.answers.push(Answer::default()),
            ["error"] => answer.error = Some(String::new()),
            ["error", text] => answer.error = Some((*text).to_owned()),
            ["field", cluster, field, json] => expected.fields.push((
                (*cluster).to_owned(),
                (*field).to_owned(),
                serde_json::from_str(json).unwrap_or_else(|e| panic!("{}: {e}", at())),
            )),
            [cluster, "*"] => answer.clusters.push(((*cluster).to_owned(), None)),
            [cluster, replicas] => answer.clusters.push((
                (*cluster).to_owned(),
                Some(replicas.parse().unwrap_or_else(|e| panic!("{}: {e}", at()))),
            )),
            _ => panic!("{}: cannot read {line:?}", at()),
        }
    }
    for a in &expected.answers {
        assert!(
            a.error.is_none() || a.clusters.is_empty(),
            "{}: an answer is clusters or an error, not both",
            path.display()
        );
        assert!(
            a.error.is_some() || !a.clusters.is_empty(),
            "{}: an empty answer",
            path.display()
        );
    }
    expected
}

/// What fanout answered for the placed object.
#[derive(Debug)]
struct Got {
    kind: String,
    name: String,
    /// `(cluster, replicas)`, sorted by cluster; `null` replicas as 0.
    clusters: Vec<(String, u64)>,
    total: Option<u64>,
    error: Option<String>,
}

fn fanout(repo: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fanout"))
        .args(args)
        .current_dir(repo)
        .env("NO_COLOR", "1")
        .output()
        .expect("run fanout")
}

/// `fanout plan --output json .`: the one object a policy places. Only `clusters[].name/replicas`,
/// `totalReplicas` and `error` are read, so other changes to the format do not matter here.
fn plan(repo: &Path) -> Result<Got, String> {
    let o = fanout(repo, &["plan", "--output", "json", "."]);
    let json: Value = serde_json::from_slice(&o.stdout)
        .map_err(|e| format!("plan printed no JSON ({e})\n{}", text(&o)))?;
    let placed: Vec<&Value> = json["workloads"]
        .as_array()
        .ok_or_else(|| format!("no `workloads`\n{}", text(&o)))?
        .iter()
        .filter(|w| w["policy"].is_string())
        .collect();
    let [w] = placed.as_slice() else {
        return Err(format!(
            "{} objects placed by a policy, want 1\n{}",
            placed.len(),
            text(&o)
        ));
    };
    let mut clusters: Vec<(String, u64)> = (w["clusters"].as_array().into_iter().flatten())
        .map(|c| {
            let name = c["name"].as_str().unwrap_or_default().to_owned();
            (name, c["replicas"].as_u64().unwrap_or(0))
        })
        .collect();
    clusters.sort();
    Ok(Got {
        kind: w["kind"].as_str().unwrap_or_default().to_owned(),
        name: w["name"].as_str().unwrap_or_default().to_owned(),
        clusters,
        total: w["totalReplicas"].as_u64(),
        error: w["error"].as_str().map(str::to_owned),
    })
}

fn matches(answer: &Answer, got: &Got) -> bool {
    if let Some(want) = &answer.error {
        return got
            .error
            .as_deref()
            .is_some_and(|e| e.contains(want.as_str()));
    }
    if got.error.is_some() {
        return false;
    }
    let mut want: Vec<&(String, Option<u64>)> = answer.clusters.iter().collect();
    want.sort();
    want.len() == got.clusters.len()
        && want
            .iter()
            .zip(&got.clusters)
            .all(|((wn, wr), (gn, gr))| wn == gn && wr.is_none_or(|r| r == *gr))
        // a count the table gives is also the total fanout reports (`null` for no replicas)
        && (answer.clusters.iter().any(|(_, r)| r.is_none())
            || got.total.unwrap_or(0) == got.clusters.iter().map(|(_, r)| r).sum::<u64>())
}

/// The value at a dotted path of the placed object as rendered for `cluster`.
fn rendered_field(repo: &Path, got: &Got, cluster: &str, path: &str) -> Result<Value, String> {
    let o = fanout(repo, &["render", ".", "--stdout", "--cluster", cluster]);
    if !o.status.success() {
        return Err(format!(
            "render --stdout --cluster {cluster} failed\n{}",
            text(&o)
        ));
    }
    let stdout = String::from_utf8_lossy(&o.stdout);
    let parsed = fanout::front::yaml::parse(
        fanout::source::FileId(0),
        &stdout,
        fanout::front::yaml::Limits::default(),
    );
    if fanout::diagnostic::has_errors(&parsed.diagnostics) {
        return Err(format!("rendered YAML: {:?}", parsed.diagnostics));
    }
    let docs: Vec<Value> = parsed.documents.iter().map(|d| d.root.to_json()).collect();
    let object = docs
        .iter()
        .find(|d| d["kind"] == got.kind.as_str() && d["metadata"]["name"] == got.name.as_str())
        .ok_or_else(|| format!("{} {} is not rendered for {cluster}", got.kind, got.name))?;
    let mut v = object;
    for step in path.split('.') {
        v = match step.parse::<usize>() {
            Ok(i) if v.is_array() => &v[i],
            _ => &v[step],
        };
    }
    Ok(v.clone())
}

/// Run one row: `Ok(None)` when fanout gives the table's answer, `Ok(Some(what))` when it does not.
fn run_row(dir: &Path) -> Result<Option<String>, String> {
    let expected = parse(&dir.join("karmada.tsv"));
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    copy_dir(&dir.join("repo"), &repo);
    let binding = dir.join("binding.yaml");
    if binding.exists() {
        let o = fanout(&repo, &["adopt-bindings", binding.to_str().unwrap()]);
        if !o.status.success() {
            return Err(format!("adopt-bindings failed\n{}", text(&o)));
        }
    }
    let got = plan(&repo)?;
    let mut differences = Vec::new();
    if !expected.answers.iter().any(|a| matches(a, &got)) {
        differences.push(format!(
            "placement: Karmada {:?}, fanout {got:?}",
            expected.answers
        ));
    }
    for (cluster, path, want) in &expected.fields {
        let value = rendered_field(&repo, &got, cluster, path)?;
        if &value != want {
            differences.push(format!("{cluster} {path}: Karmada {want}, fanout {value}"));
        }
    }
    Ok((!differences.is_empty()).then(|| differences.join("\n")))
}

fn rows() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut rows: Vec<PathBuf> = fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.starts_with("karmada-") && !NOT_TRANSCRIPTIONS.contains(&name.as_ref())
        })
        .collect();
    rows.sort();
    rows
}

/// Every row gives Karmada's answer, except the known differences, which still differ.
#[test]
fn karmada_tables() {
    let rows = rows();
    assert!(rows.len() >= 30, "only {} rows", rows.len());
    let names: Vec<String> = (rows.iter())
        .map(|r| r.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for (known, why) in KNOWN_DIFFERENCES {
        assert!(names.iter().any(|n| n == known), "{known} is not a row");
        assert!(!why.is_empty(), "{known}: say why");
    }
    let mut failures = Vec::new();
    for (dir, name) in rows.iter().zip(&names) {
        let known = KNOWN_DIFFERENCES.iter().find(|(k, _)| k == name);
        match (run_row(dir), known) {
            (Err(e), _) => failures.push(format!("{name}: {e}")),
            (Ok(Some(diff)), None) => {
                failures.push(format!("{name} differs from Karmada:\n{diff}"))
            }
            (Ok(None), Some(_)) => failures.push(format!(
                "{name} now gives Karmada's answer: take it off KNOWN_DIFFERENCES"
            )),
            (Ok(_), _) => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Each row says where it comes from, in one line, and has its repository and its answer.
#[test]
fn rows_cite_their_table() {
    for dir in rows() {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let readme = fs::read_to_string(dir.join("README.md"))
            .unwrap_or_else(|_| panic!("{name}: README.md is missing"));
        let lines: Vec<&str> = readme.lines().collect();
        assert!(
            lines.len() == 1
                && lines[0].starts_with("Karmada v1.19")
                && lines[0].contains("_test.go"),
            "{name}: README.md must be one line citing the Karmada v1.19 test (file, function, row)"
        );
        assert!(dir.join("repo").is_dir(), "{name}: no repo/");
        assert!(dir.join("karmada.tsv").is_file(), "{name}: no karmada.tsv");
    }
}
