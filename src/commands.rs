//! The subcommands, one file each: they load and compile through the library, print, and map the
//! outcome to an exit code (`cli::exit`). What they share is here: loading a repository's front end and
//! printing diagnostics and summaries.

pub mod argocd;
pub mod diff;
pub mod import;
pub mod manual;
pub mod plan;
pub mod progress;
pub mod render;
pub mod shards;
pub mod validate;

use crate::cli::exit;
use crate::quiet;
use fanout::Analysis;
use fanout::diagnostic::{self, Diagnostic, Severity};
use fanout::front::load::Repo;
use fanout::front::schemas::Schemas;
use std::io::Write;
use std::path::Path;

/// Load and analyse a repository; on I/O failure print it and give the exit code.
pub(crate) fn front(repo: &Path, schemas: &Schemas) -> Result<(Repo, Analysis), i32> {
    let mut loaded = fanout::front::load::load(repo, None, schemas).map_err(|e| {
        eprintln!("error: {e}");
        exit::USAGE_OR_IO
    })?;
    let analysis = fanout::analyse_repo(&mut loaded, schemas);
    Ok((loaded, analysis))
}

/// Colour on stderr only when it is a terminal and `NO_COLOR` is not set.
fn color() -> bool {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Print diagnostics on stderr (warnings left out under `--quiet`).
pub(crate) fn print_text(diagnostics: &[Diagnostic], repo: &Repo) {
    let shown: Vec<Diagnostic> = diagnostics
        .iter()
        .filter(|d| !quiet() || d.severity == Severity::Error)
        .cloned()
        .collect();
    let text = diagnostic::render_styled(&shown, &repo.sources, color());
    let _ = std::io::stderr().write_all(text.as_bytes());
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
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
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
