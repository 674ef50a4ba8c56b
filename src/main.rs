//! The `fanout` binary: parse the command line, run the library, print diagnostics, map the outcome to
//! an exit code (see `cli::exit`).

/// A progress or summary line on stderr, left out under `--quiet`.
macro_rules! note {
    ($($arg:tt)*) => {
        if !$crate::quiet() {
            eprintln!($($arg)*);
        }
    };
}

mod cli;
mod import_cmd;
mod progress;
mod render_cmd;

use clap::Parser;
use cli::{Cli, Command, Format, exit};
use fanout::diagnostic::{self, Diagnostic, Severity};
use fanout::load::Repo;
use fanout::schemas::Schemas;
use fanout::{Analysis, place, plan};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

/// mimalloc instead of the system allocator: fanout makes millions of small allocations (YAML nodes,
/// JSON values, paths); glibc's malloc kept several times the live heap as resident memory and took a
/// large share of the run time. Guarded: template renderings run under a memory budget
/// (`fanout::memory`).
#[global_allocator]
static ALLOCATOR: fanout::memory::Guarded<mimalloc::MiMalloc> =
    fanout::memory::Guarded(mimalloc::MiMalloc);

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                exit::USAGE_OR_IO
            } else {
                exit::OK
            };
            let _ = e.print();
            return ExitCode::from(code as u8);
        }
    };
    QUIET.store(cli.quiet, std::sync::atomic::Ordering::Relaxed);
    let code = match cli.command {
        Command::Validate { repo, output } => validate(&repo, output),
        Command::Plan {
            repo,
            output,
            workload,
        } => plan(&repo, output, &workload),
        Command::Render {
            repo,
            out,
            clusters,
            diff,
            stdout,
        } => render_cmd::run(&repo, out.as_deref(), &clusters, diff, stdout),
        Command::Check { repo, out } => render_cmd::check(&repo, out.as_deref()),
        Command::Diff { repo, base, output } => render_cmd::review(&repo, &base, output),
        Command::ArgocdGenerate { repo } => {
            match fanout::argocd::cluster_from_env(&|k| std::env::var(k).ok()) {
                Ok(cluster) => {
                    note!("argocd-generate: cluster `{cluster}`");
                    render_cmd::run(&repo, None, &[cluster], false, true)
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    exit::USAGE_OR_IO
                }
            }
        }
        Command::Import { files, out_dir } => import_cmd::run(&files, out_dir.as_deref()),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "fanout", &mut std::io::stdout());
            exit::OK
        }
        Command::Man => {
            let cmd = <Cli as clap::CommandFactory>::command();
            match clap_mangen::Man::new(cmd).render(&mut std::io::stdout()) {
                Ok(()) => exit::OK,
                Err(e) => {
                    eprintln!("error: cannot write the manual page: {e}");
                    exit::USAGE_OR_IO
                }
            }
        }
    };
    ExitCode::from(code as u8)
}

/// Load and analyse a repository; on I/O failure print it and give the exit code.
fn front(repo: &Path, schemas: &Schemas) -> Result<(Repo, Analysis), i32> {
    let mut loaded = fanout::load::load(repo, None, schemas).map_err(|e| {
        eprintln!("error: {e}");
        exit::USAGE_OR_IO
    })?;
    let analysis = fanout::analyse_repo(&mut loaded, schemas);
    Ok((loaded, analysis))
}

/// `--quiet`: only errors and what was asked for are printed.
static QUIET: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

pub(crate) fn quiet() -> bool {
    QUIET.load(std::sync::atomic::Ordering::Relaxed)
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
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    (errors, diagnostics.len() - errors)
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

fn validate(repo: &Path, output: Format) -> i32 {
    let schemas = Schemas::new();
    let (loaded, analysis) = match front(repo, &schemas) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let (errors, warnings) = count(&analysis.diagnostics);
    match output {
        Format::Json => {
            let json = diagnostic::render_json(&analysis.diagnostics, &loaded.sources);
            println!(
                "{}",
                serde_json::to_string_pretty(&json).unwrap_or_default()
            );
        }
        Format::Text => {
            print_text(&analysis.diagnostics, &loaded);
            let m = &analysis.model;
            if errors == 0 {
                note!(
                    "{}: valid: {} files, {} clusters, {} resources, {} propagation policies, {} override policies{}",
                    repo.display(),
                    loaded.files.len(),
                    m.clusters.len(),
                    m.resources.len(),
                    m.propagation_policies.len(),
                    m.override_policies.len(),
                    summary(0, warnings)
                );
            } else {
                eprintln!("{}: invalid: {}", repo.display(), summary(errors, warnings));
            }
        }
    }
    if errors > 0 { exit::INVALID } else { exit::OK }
}

fn plan(repo: &Path, output: Format, workloads: &[String]) -> i32 {
    let schemas = Schemas::new();
    let (loaded, analysis) = match front(repo, &schemas) {
        Ok(x) => x,
        Err(code) => return code,
    };
    if analysis.has_errors() {
        print_text(&analysis.diagnostics, &loaded);
        let (errors, warnings) = count(&analysis.diagnostics);
        eprintln!("{}: invalid: {}", repo.display(), summary(errors, warnings));
        return exit::INVALID;
    }
    let model = &analysis.model;
    let (decisions, found) = place::place(model);
    let mut notes = analysis.diagnostics.clone();
    notes.extend(found);
    notes.extend(plan::idle_overrides(model, &decisions));
    diagnostic::sort(&mut notes, &loaded.sources);
    print_text(&notes, &loaded);
    let shown = plan::filter(model, &decisions, workloads);
    if shown.is_empty() && !workloads.is_empty() {
        eprintln!("error: no resource named {}", workloads.join(", "));
        return exit::USAGE_OR_IO;
    }
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let _ = match output {
        Format::Json => serde_json::to_writer_pretty(&mut out, &plan::Json::new(model, &shown))
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(out)),
        Format::Text => write!(out, "{}", plan::to_text(model, &shown)),
    };
    let _ = out.flush();
    let failed = shown
        .iter()
        .filter(|d| matches!(d.outcome, place::Outcome::Failed { .. }))
        .count();
    if failed > 0 {
        eprintln!(
            "{failed} workload{} cannot be placed",
            if failed == 1 { "" } else { "s" }
        );
        exit::INVALID
    } else {
        exit::OK
    }
}
