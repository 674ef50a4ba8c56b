//! `fanout shards`: the split of the repository into N shards, as a CI matrix; and what `render` and
//! `check` need to keep a shard's output to itself (the split is `fanout::shard`).

use super::{count, front, print_stdout, print_text, summary};
use crate::cli::{Format, exit};
use fanout::emit::Tree;
use fanout::safe_read::ReadError;
use fanout::shard::{self, Shard};
use serde::Serialize;
use std::path::Path;

/// One matrix entry: `shard` is what `--shard` takes, `dir` the shard's output directory under the
/// configured one (also a name CI artifacts accept).
#[derive(Serialize)]
struct Entry {
    shard: String,
    index: usize,
    count: usize,
    dir: String,
    workloads: usize,
    objects: usize,
    cost: u64,
}

pub fn run(repo: &Path, shards: usize, output: Format) -> i32 {
    let schemas = fanout::front::schemas::Schemas::new();
    let (loaded, analysis) = match front(repo, None, &schemas) {
        Ok(x) => x,
        Err(code) => return code,
    };
    print_text(&analysis.diagnostics, &loaded);
    if analysis.has_errors() {
        let (errors, warnings) = count(&analysis.diagnostics);
        eprintln!("{}: invalid: {}", repo.display(), summary(errors, warnings));
        return exit::INVALID;
    }
    let model = &analysis.model;
    let split = shard::split(model, shards);
    let entries: Vec<Entry> = (split.shards.iter())
        .map(|s| Entry {
            shard: s.shard.to_string(),
            index: s.shard.index,
            count: s.shard.count,
            dir: s.shard.dir_name(),
            workloads: s.workloads,
            objects: s.objects,
            cost: s.cost,
        })
        .collect();
    let printed = print_stdout(|out| match output {
        // one line, so that `echo "matrix=$(fanout shards ...)" >> "$GITHUB_OUTPUT"` works
        Format::Json => {
            serde_json::to_writer(&mut *out, &entries)?;
            writeln!(out)
        }
        Format::Text => {
            writeln!(
                out,
                "{:<9}  {:<16}  {:>9}  {:>7}  {:>5}  {:>10}",
                "shard", "dir", "workloads", "objects", "units", "cost"
            )?;
            for s in &split.shards {
                writeln!(
                    out,
                    "{:<9}  {:<16}  {:>9}  {:>7}  {:>5}  {:>10}",
                    s.shard.to_string(),
                    s.shard.dir_name(),
                    s.workloads,
                    s.objects,
                    s.units,
                    s.cost
                )?;
            }
            let total: u64 = split.shards.iter().map(|s| s.cost).sum();
            writeln!(
                out,
                "cost: objects × {} clusters; total {total}, mean {}, largest unit {}; every shard ≤ {} (never more than the mean + {}% or the mean + the largest unit: {})",
                model.clusters.len().max(1),
                total.div_ceil(shards.max(1) as u64),
                split.largest,
                split.cap,
                shard::SLACK_PERCENT,
                shard::cap(total, shards, split.largest),
            )
        }
    });
    match printed {
        Ok(()) => exit::OK,
        Err(code) => code,
    }
}

/// Before writing `tree` (the render of `shard`, or of the whole repository when `None`) to `out`:
/// refuse when `out` holds another shard's render or the whole repository's (each would prune the
/// other's files), then name the shard in the tree (`.fanout/shard`).
pub(super) fn own(out: &Path, shard: Option<Shard>, tree: &mut Tree) -> Result<(), i32> {
    let path = out.join(shard::MARKER_PATH);
    let held = match fanout::safe_read::read_regular(&path, 64) {
        Ok(bytes) => Some(String::from_utf8_lossy(&bytes).trim().to_owned()),
        Err(ReadError::NotFound) => None,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", path.display());
            return Err(exit::USAGE_OR_IO);
        }
    };
    let rendered = out
        .join(fanout::emit::INDEX_PATH)
        .symlink_metadata()
        .is_ok();
    let wanted = shard.map(|s| s.to_string());
    let clash = match (&held, &wanted) {
        (Some(h), Some(w)) => h != w,
        (Some(_), None) => true,
        (None, Some(_)) => rendered,
        (None, None) => false,
    };
    if clash {
        let holds = held.map_or("the whole repository".to_owned(), |h| format!("shard {h}"));
        let this = wanted.map_or("the whole repository".to_owned(), |w| format!("shard {w}"));
        eprintln!(
            "error: {} holds the render of {holds}; render {this} into a directory of its own (by default each shard has `<output>/shard-I-of-N`)",
            out.display()
        );
        return Err(exit::USAGE_OR_IO);
    }
    mark(shard, tree);
    Ok(())
}

/// Name the shard in its tree, as [`own`] does (for `check`, which compares without writing).
pub(super) fn mark(shard: Option<Shard>, tree: &mut Tree) {
    if let Some(s) = shard {
        tree.insert(
            shard::MARKER_PATH.to_owned(),
            shard::marker(s).into_bytes().into(),
        );
    }
}
