//! The `render` and `check` commands: compile, then write (or compare) the output tree, printing a
//! summary line per cluster and, when asked, the diff. Both start from the previous schedule result
//! in the output directory (`.fanout/schedule.tsv`), as `plan`, `validate` and `diff` do.

use super::{count, print_stdout, print_text, summary};
use crate::cli::exit;
use fanout::diagnostic::Diagnostic;
use fanout::front::load::Repo;
use fanout::front::schemas::Schemas;
use fanout::model::Model;
use fanout::place::steady::Prior;
use fanout::render::{self, diff};
use fanout::shard::Shard;
use fanout::{Compiled, emit};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Load and compile from the previous schedule result in the output directory (`reschedule`: see
/// [`super::reschedule`]); on failure print why and give the exit code.
/// `out`: an output directory given on the command line, never read as input.
pub(super) fn compiled(
    repo: &Path,
    out: Option<&Path>,
    reschedule: &[String],
    shard: Option<Shard>,
) -> Result<(Repo, Compiled), i32> {
    let schemas = Schemas::new();
    let mut loaded = loaded(repo, out, &schemas)?;
    let out_dir = output_dir(&loaded, out, shard)?;
    let prior = prior(&out_dir, reschedule)?;
    let c = compile_loaded(repo, &mut loaded, &schemas, None, shard, &prior)?;
    check_reschedule(&c.model, reschedule)?;
    Ok((loaded, c))
}

/// The previous schedule result in `out_dir` and the reschedule requests; on failure print why.
pub(super) fn prior(out_dir: &Path, reschedule: &[String]) -> Result<Prior, i32> {
    let history = fanout::previous::read(out_dir).map_err(|e| {
        eprintln!("error: {e}");
        match e {
            fanout::previous::PreviousError::Unreadable { .. } => exit::USAGE_OR_IO,
            fanout::previous::PreviousError::Malformed { .. } => exit::INVALID,
        }
    })?;
    Ok(Prior {
        history,
        reschedule: super::reschedule(reschedule),
    })
}

/// Every `--reschedule=NS/NAME` must name an object of the repository; print those that do not.
pub(super) fn check_reschedule(model: &Model, reschedule: &[String]) -> Result<(), i32> {
    match super::unknown_names(model, reschedule) {
        None => Ok(()),
        Some(names) => {
            eprintln!("error: --reschedule: no resource named {names}");
            Err(exit::USAGE_OR_IO)
        }
    }
}

/// Read the repository; on failure print why and give the exit code.
fn loaded(repo: &Path, out: Option<&Path>, schemas: &Schemas) -> Result<Repo, i32> {
    let progress = super::progress::Progress::start("reading", crate::quiet());
    let loaded = fanout::front::load::load(repo, out, schemas);
    drop(progress);
    loaded.map_err(|e| {
        eprintln!("error: {e}");
        exit::USAGE_OR_IO
    })
}

/// Compile a loaded repository; on failure print why and give the exit code.
fn compile_loaded(
    repo: &Path,
    loaded: &mut Repo,
    schemas: &Schemas,
    only: Option<&BTreeSet<String>>,
    shard: Option<Shard>,
    prior: &Prior,
) -> Result<Compiled, i32> {
    let progress = super::progress::Progress::start("validating and placing", crate::quiet());
    let result = fanout::shard::compile(loaded, schemas, only, shard, prior);
    drop(progress);
    match result {
        Ok(c) => {
            print_text(&c.diagnostics, loaded);
            Ok(c)
        }
        Err(diagnostics) => {
            fail(repo, &diagnostics, loaded);
            Err(exit::INVALID)
        }
    }
}

/// The fingerprint of everything a render depends on: this very executable, the repository's files
/// and the clusters asked for. None when the executable cannot be read (then nothing is skipped).
fn fingerprint(loaded: &Repo, clusters: &[String], shard: Option<Shard>) -> Option<blake3::Hash> {
    let tool = std::env::current_exe().and_then(std::fs::read).ok()?;
    let inputs = fanout::fingerprint(loaded, clusters, &tool);
    Some(fanout::shard::fingerprint(inputs, shard))
}

fn fail(repo: &Path, diagnostics: &[Diagnostic], loaded: &Repo) {
    print_text(diagnostics, loaded);
    let (errors, warnings) = count(diagnostics);
    eprintln!(
        "{}: nothing written: {}",
        repo.display(),
        summary(errors, warnings)
    );
}

/// The output directory: `--out` as given, else `fanout.yaml`'s `output` under the repository, which
/// must resolve inside it (a committed symlink must not redirect the render); on failure print why.
pub(super) fn output_dir(
    repo: &Repo,
    out: Option<&Path>,
    shard: Option<Shard>,
) -> Result<PathBuf, i32> {
    match out {
        Some(out) => Ok(out.to_path_buf()),
        None => {
            let out = repo.root.join(&repo.config.output);
            let out = shard.map_or(out.clone(), |s| out.join(s.dir_name()));
            // A symlink on the way is already a located error of the load (it stops the compile);
            // this is the last check before anything is written.
            if fanout::diagnostic::has_errors(&repo.diagnostics) {
                return Ok(out);
            }
            emit::check_inside(&repo.root, &out).map_err(|e| {
                eprintln!("error: {e}");
                exit::USAGE_OR_IO
            })?;
            Ok(out)
        }
    }
}

fn print_summary(changes: &emit::Changes, clusters: &[&String]) {
    let counts = diff::summary(changes);
    for c in clusters {
        let [a, ch, r] = counts.get(c.as_str()).copied().unwrap_or_default();
        note!("{c}: {a} added, {ch} changed, {r} removed");
    }
    // Directories of clusters no longer rendered (left the inventory, or receive nothing now).
    for (c, [_, _, r]) in &counts {
        if *r > 0 && !c.starts_with('.') && !clusters.iter().any(|k| k.as_str() == c) {
            note!("{c}: directory removed ({r} files): the cluster is no longer rendered");
        }
    }
}

pub fn run(
    repo: &Path,
    out: Option<&Path>,
    clusters: &[String],
    show_diff: bool,
    stdout: bool,
    reschedule: &[String],
    shard: Option<Shard>,
) -> i32 {
    let only: Option<BTreeSet<String>> =
        (!clusters.is_empty()).then(|| clusters.iter().cloned().collect());
    let schemas = Schemas::new();
    let mut loaded = match loaded(repo, out, &schemas) {
        Ok(l) => l,
        Err(code) => return code,
    };
    // Even `--stdout` reads the output directory: the previous schedule result is there.
    let out_dir = match output_dir(&loaded, out, shard) {
        Ok(dir) => dir,
        Err(code) => return code,
    };
    // Nothing changed since the last render that wrote this tree (and the tree is as it left it, its
    // schedule result included): the result would be the same, so skip compiling. Only for renders that
    // printed no warning, so every warning is shown again on every run, and never with `--reschedule`.
    let inputs = (!stdout && only_info(&loaded.diagnostics) && reschedule.is_empty())
        .then(|| fingerprint(&loaded, clusters, shard))
        .flatten();
    if let Some(tops) = inputs.and_then(|i| emit::rendered_from(&out_dir, i)) {
        let shown: Vec<&String> = (tops.iter())
            .filter(|c| only.as_ref().is_none_or(|o| o.contains(*c)))
            .collect();
        print_summary(&emit::Changes::default(), &shown);
        return exit::OK;
    }
    let prior = match prior(&out_dir, reschedule) {
        Ok(p) => p,
        Err(code) => return code,
    };
    // A stream printed before from the same inputs, previous result and clusters (see
    // [`super::stream_cache`]): print it again as it was. Only for streams printed without warnings.
    let cached = (stdout && reschedule.is_empty() && only_info(&loaded.diagnostics))
        .then(|| super::stream_cache::dir(&|k| std::env::var(k).ok()))
        .flatten()
        .and_then(|dir| {
            let inputs = fingerprint(&loaded, clusters, shard)?;
            let context = format!("{shard:?}\n{:?}", prior.history);
            Some((dir, super::stream_cache::key(inputs, context.as_bytes())))
        });
    if let Some((dir, key)) = &cached
        && let Some(body) = super::stream_cache::get(dir, key)
    {
        return match print_stdout(|out| out.write_all(&body)) {
            Ok(()) => exit::OK,
            Err(code) => code,
        };
    }
    let c = match compile_loaded(repo, &mut loaded, &schemas, only.as_ref(), shard, &prior) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if let Err(code) = check_reschedule(&c.model, reschedule) {
        return code;
    }
    let unknown: Vec<&String> = clusters
        .iter()
        .filter(|n| !c.model.clusters.iter().any(|k| &&k.name == n))
        .collect();
    if !unknown.is_empty() {
        let names: Vec<String> = unknown.iter().map(|n| format!("`{n}`")).collect();
        eprintln!("error: no cluster {} in the inventory", names.join(", "));
        return exit::USAGE_OR_IO;
    }
    if stdout {
        let cache = cached.filter(|_| only_info(&c.diagnostics));
        return print_stream(&c, only.as_ref(), cache);
    }
    let out = out_dir;
    let mut new = render::tree(&c.model, &c.rendered, &c.decisions, only.as_ref());
    if let Err(code) = super::shards::own(&out, shard, &mut new) {
        return code;
    }
    let scope = only.as_ref().map(|o| {
        let mut s = o.clone();
        s.insert(render::STATE_DIR.to_owned());
        s
    });
    if show_diff {
        // Only the diff needs the old contents; the writer compares by itself.
        let old = match emit::read_owned(&out) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: {e}");
                return exit::USAGE_OR_IO;
            }
        };
        let changes = emit::changes(&old, &new, scope.as_ref());
        let diff = diff::tree_diff(&old, &new, &changes);
        if let Err(code) = print_stdout(|out| out.write_all(diff.as_bytes())) {
            eprintln!("{}: nothing written", repo.display());
            return code;
        }
    }
    let progress = super::progress::Progress::start("writing", crate::quiet());
    let record = inputs.filter(|_| only_info(&c.diagnostics));
    let written = emit::write_recording(&out, &new, scope.as_ref(), record);
    drop(progress);
    let changes = match written {
        Ok(ch) => ch,
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!("{}: nothing written", repo.display());
            return exit::USAGE_OR_IO;
        }
    };
    let shown: Vec<&String> = c
        .rendered
        .keys()
        .filter(|k| only.as_ref().is_none_or(|o| o.contains(*k)))
        .collect();
    print_summary(&changes, &shown);
    exit_now(loaded, c, new);
    exit::OK
}

/// The process ends next: leave the model and the tree to the operating system instead of freeing
/// them one allocation at a time (measurable at 100,000 files).
fn exit_now(repo: Repo, compiled: Compiled, tree: emit::Tree) {
    std::mem::forget((repo, compiled, tree));
}

/// The selected clusters' objects as one YAML stream; an empty stream is an error, because a GitOps
/// controller would prune everything it manages. A printed stream goes to the `cache` given (its
/// directory and key).
fn print_stream(
    c: &Compiled,
    only: Option<&BTreeSet<String>>,
    cache: Option<(PathBuf, String)>,
) -> i32 {
    let mut text = String::new();
    for (cluster, objects) in &c.rendered {
        if only.is_some_and(|o| !o.contains(cluster)) {
            continue;
        }
        for o in objects {
            text.push_str("---\n");
            text.push_str(o.yaml());
        }
    }
    if text.is_empty() {
        eprintln!(
            "error: the selected clusters receive no objects; refusing to print an empty stream"
        );
        return exit::INVALID;
    }
    match print_stdout(|out| out.write_all(text.as_bytes())) {
        Ok(()) => {
            if let Some((dir, key)) = cache {
                super::stream_cache::put(&dir, &key, text.as_bytes());
            }
            exit::OK
        }
        Err(code) => code,
    }
}

pub fn check(repo: &Path, out: Option<&Path>, reschedule: &[String], shard: Option<Shard>) -> i32 {
    let (loaded, c) = match compiled(repo, out, reschedule, shard) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let out = match output_dir(&loaded, out, shard) {
        Ok(dir) => dir,
        Err(code) => return code,
    };
    let mut new = render::tree(&c.model, &c.rendered, &c.decisions, None);
    super::shards::mark(shard, &mut new);
    if emit::up_to_date(&out, &new) {
        note!("{}: up to date", out.display());
        exit_now(loaded, c, new);
        return exit::OK;
    }
    let old = match emit::read_owned(&out) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE_OR_IO;
        }
    };
    let changes = emit::changes(&old, &new, None);
    if changes.is_empty() {
        note!("{}: up to date", out.display());
        return exit::OK;
    }
    let diff = diff::tree_diff(&old, &new, &changes);
    if let Err(code) = print_stdout(|out| out.write_all(diff.as_bytes())) {
        return code;
    }
    let clusters: Vec<&String> = c.rendered.keys().collect();
    print_summary(&changes, &clusters);
    eprintln!(
        "{}: stale; run `fanout render` and commit the result",
        out.display()
    );
    exit::DIFFERENCES
}

/// No warning or error among `diagnostics` (notes are shown on every run anyway, so they do not keep
/// a render from being recorded as warning-free).
fn only_info(diagnostics: &[Diagnostic]) -> bool {
    (diagnostics.iter()).all(|d| d.severity == fanout::diagnostic::Severity::Info)
}
