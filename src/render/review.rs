//! What a change does, per cluster: two compiled repositories (a base revision and the working tree) →
//! objects added, changed and removed per cluster, replicas that moved, and the unified diff (Secret
//! values masked), as text, Markdown for a pull-request comment, or JSON for bots. Pure.

use crate::Compiled;
use crate::emit::{self, Tree};
use crate::place::Outcome;
use crate::render::{self, diff};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Move {
    pub object: String,
    pub cluster: String,
    pub before: Option<i32>,
    pub after: Option<i32>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Review {
    pub changes: emit::Changes,
    /// Replica counts that differ, per object and cluster (absent = not placed there).
    pub moves: Vec<Move>,
    pub diff: String,
    /// Every cluster of either side.
    pub clusters: Vec<String>,
}

impl Review {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.moves.is_empty()
    }
}

fn tree(c: &Compiled) -> Tree {
    let mut t = render::tree(&c.model, &c.rendered, &c.decisions, None);
    t.retain(|p, _| !p.starts_with(render::STATE_DIR));
    t
}

fn replicas(c: &Compiled) -> BTreeMap<(String, String), i32> {
    let mut out = BTreeMap::new();
    for d in &c.decisions {
        let Outcome::Placed(p) = &d.outcome else {
            continue;
        };
        for t in &p.targets {
            if let Some(n) = t.replicas {
                out.insert(
                    (
                        c.model.resources[d.resource].id.to_string(),
                        t.cluster.clone(),
                    ),
                    n,
                );
            }
        }
    }
    out
}

pub fn review(base: &Compiled, head: &Compiled) -> Review {
    let (old, new) = (tree(base), tree(head));
    let changes = emit::changes(&old, &new, None);
    let diff = diff::tree_diff(&old, &new, &changes);
    let (before, after) = (replicas(base), replicas(head));
    let keys: BTreeSet<&(String, String)> = before.keys().chain(after.keys()).collect();
    let moves = keys
        .into_iter()
        .filter(|k| before.get(*k) != after.get(*k))
        .map(|k| Move {
            object: k.0.clone(),
            cluster: k.1.clone(),
            before: before.get(k).copied(),
            after: after.get(k).copied(),
        })
        .collect();
    let clusters: BTreeSet<String> = base
        .rendered
        .keys()
        .chain(head.rendered.keys())
        .cloned()
        .collect();
    Review {
        changes,
        moves,
        diff,
        clusters: clusters.into_iter().collect(),
    }
}

fn count(n: Option<i32>) -> String {
    n.map_or("-".to_owned(), |n| n.to_string())
}

pub fn to_text(r: &Review) -> String {
    let mut out = String::new();
    let summary = diff::summary(&r.changes);
    for c in &r.clusters {
        let [a, ch, rm] = summary.get(c).copied().unwrap_or_default();
        let _ = writeln!(out, "{c}: {a} added, {ch} changed, {rm} removed");
    }
    if !r.moves.is_empty() {
        out.push_str("\nreplicas:\n");
        for m in &r.moves {
            let _ = writeln!(
                out,
                "  {} on {}: {} -> {}",
                m.object,
                m.cluster,
                count(m.before),
                count(m.after)
            );
        }
    }
    if !r.diff.is_empty() {
        out.push('\n');
        out.push_str(&r.diff);
    }
    out
}

pub fn to_markdown(r: &Review) -> String {
    let mut out = String::from("### fanout: what this change does per cluster\n\n");
    if r.is_empty() {
        out.push_str("No cluster's manifests change.\n");
        return out;
    }
    out.push_str("| cluster | added | changed | removed |\n|---|---:|---:|---:|\n");
    let summary = diff::summary(&r.changes);
    for c in &r.clusters {
        let [a, ch, rm] = summary.get(c).copied().unwrap_or_default();
        if a + ch + rm > 0 {
            let _ = writeln!(out, "| `{c}` | {a} | {ch} | {rm} |");
        }
    }
    if !r.moves.is_empty() {
        out.push_str(
            "\n**Replicas**\n\n| object | cluster | before | after |\n|---|---|---:|---:|\n",
        );
        for m in &r.moves {
            let _ = writeln!(
                out,
                "| `{}` | `{}` | {} | {} |",
                m.object,
                m.cluster,
                count(m.before),
                count(m.after)
            );
        }
    }
    if !r.diff.is_empty() {
        let fence = if r.diff.contains("```") {
            "````"
        } else {
            "```"
        };
        let _ = write!(
            out,
            "\n<details><summary>Diff</summary>\n\n{fence}diff\n{}{fence}\n\n</details>\n",
            r.diff
        );
    }
    out
}

pub fn to_json(r: &Review) -> serde_json::Value {
    let per = |prefix: &str, list: &[String]| -> Vec<String> {
        list.iter()
            .filter(|p| p.split('/').next() == Some(prefix))
            .cloned()
            .collect()
    };
    json!({
        "clusters": r.clusters.iter().map(|c| json!({
            "name": c,
            "added": per(c, &r.changes.added),
            "changed": per(c, &r.changes.changed),
            "removed": per(c, &r.changes.removed),
        })).collect::<Vec<_>>(),
        "replicas": r.moves.iter().map(|m| json!({
            "object": m.object, "cluster": m.cluster, "before": m.before, "after": m.after,
        })).collect::<Vec<_>>(),
        "diff": r.diff,
    })
}
