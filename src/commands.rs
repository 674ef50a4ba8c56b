//! The subcommands, one file each: they load and compile through the library, print, and map the
//! outcome to an exit code (`cli::exit`). What they share is here: loading a repository's front end and
//! printing diagnostics and summaries.

pub mod adopt;
pub mod argocd;
pub mod color;
pub mod diff;
pub mod import;
pub mod init;
pub mod manual;
pub mod plan;
pub mod progress;
pub mod render;
pub mod schemas;
pub mod shards;
pub mod stream_cache;
pub mod validate;

use crate::cli::exit;
use crate::quiet;
use fanout::Analysis;
use fanout::diagnostic::{self, Diagnostic, Severity};
use fanout::front::load::Repo;
use fanout::front::schemas::Schemas;
use std::io::Write;
use std::path::Path;

/// Load and analyse a repository (`out`: an output directory given on the command line, never read as
/// input); on I/O failure print it and give the exit code.
pub(crate) fn front(
    repo: &Path,
    out: Option<&Path>,
    schemas: &Schemas,
) -> Result<(Repo, Analysis), i32> {
    let mut loaded = fanout::front::load::load(repo, out, schemas).map_err(|e| {
        eprintln!("error: {e}");
        exit::USAGE_OR_IO
    })?;
    let analysis = fanout::analyse_repo(&mut loaded, schemas);
    Ok((loaded, analysis))
}

/// `--reschedule` values: none given → nothing; an empty one (`--reschedule` alone) → every object;
/// else the objects named `NAMESPACE/NAME` (`NAME` for cluster-scoped objects).
pub(crate) fn reschedule(names: &[String]) -> fanout::place::steady::Reschedule {
    use fanout::place::steady::Reschedule;
    if names.is_empty() {
        Reschedule::None
    } else if names.iter().any(String::is_empty) {
        Reschedule::All
    } else {
        Reschedule::Only(names.iter().cloned().collect())
    }
}

/// The non-empty `names` (`NAMESPACE/NAME` or `NAME`) that match no resource of the model, joined for
/// a message; `None` when every one matches.
pub(crate) fn unknown_names(model: &fanout::model::Model, names: &[String]) -> Option<String> {
    let known: std::collections::BTreeSet<String> = (model.resources.iter())
        .map(|r| fanout::place::steady::short_name(&r.id))
        .collect();
    let unknown: Vec<String> = (names.iter())
        .filter(|n| !n.is_empty() && !known.contains(*n))
        .map(|n| format!("`{n}`"))
        .collect();
    (!unknown.is_empty()).then(|| unknown.join(", "))
}

/// `formatVersion` of the JSON documents of `validate` and `diff` (`--output json`): each document
/// has its own, raised when its format changes in a way a reader must know about (a field removed,
/// renamed or given another meaning); adding a field does not raise it.
pub(crate) const FORMAT_VERSION: u32 = 1;

/// `formatVersion` of `plan --output json`: 2 since rejected clusters are grouped by reason
/// (`{"reason", "clusters": [...]}`; version 1 had one `{"cluster", "reason"}` per cluster).
pub(crate) const PLAN_FORMAT_VERSION: u32 = 2;

/// A JSON output with `formatVersion` first, the command's own fields after it. Serialised straight
/// to the output (`flatten` writes the inner fields one by one: a large plan is never held twice).
#[derive(serde::Serialize)]
pub(crate) struct Versioned<T> {
    #[serde(rename = "formatVersion")]
    format_version: u32,
    #[serde(flatten)]
    inner: T,
}

impl<T> Versioned<T> {
    /// A document of [`FORMAT_VERSION`].
    pub(crate) fn new(inner: T) -> Self {
        Self::with_version(FORMAT_VERSION, inner)
    }

    pub(crate) fn with_version(format_version: u32, inner: T) -> Self {
        Versioned {
            format_version,
            inner,
        }
    }
}

/// Print diagnostics on stderr (warnings left out under `--quiet`).
pub(crate) fn print_text(diagnostics: &[Diagnostic], repo: &Repo) {
    print_diagnostics(diagnostics, &repo.sources);
}

/// [`print_text`] for diagnostics about files outside a repository.
pub(crate) fn print_diagnostics(diagnostics: &[Diagnostic], sources: &fanout::source::Sources) {
    let shown: Vec<Diagnostic> = diagnostics
        .iter()
        .filter(|d| !quiet() || d.severity == Severity::Error)
        .cloned()
        .collect();
    // Styled always; the stream strips the styles unless `--color` and the environment ask for them.
    let text = diagnostic::render_styled(&shown, sources, true);
    let _ = anstream::stderr().write_all(text.as_bytes());
}

pub(crate) fn count(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let of = |s: Severity| diagnostics.iter().filter(|d| d.severity == s).count();
    (of(Severity::Error), of(Severity::Warning))
}

pub(crate) fn summary(errors: usize, warnings: usize) -> String {
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (0, 0) => String::new(),
        (0, w) => format!(", {}", plural(w, "warning")),
        (e, 0) => plural(e, "error"),
        (e, w) => format!("{}, {}", plural(e, "error"), plural(w, "warning")),
    }
}

/// Write a command's output to standard output. A failed write is an I/O error: one line on stderr and
/// `Err` with exit code 3, so no command reports success (or differences) having printed nothing. A
/// closed pipe (`fanout plan | head`) is not an error: the output ends there, quietly, as ripgrep's does.
pub(crate) fn print_stdout(
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), i32> {
    let mut out = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
    match write(&mut out).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => {
            // Nothing more reaches stdout: what is buffered is dropped with the writer.
            let _ = out.into_parts();
            eprintln!("error: cannot write to standard output: {e}");
            Err(exit::USAGE_OR_IO)
        }
    }
}
