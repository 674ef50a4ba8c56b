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
mod commands;

use clap::Parser;
use cli::{Cli, Command, exit};
use commands::render;
use std::process::ExitCode;

/// mimalloc instead of the system allocator: fanout makes millions of small allocations (YAML nodes,
/// JSON values, paths); glibc's malloc kept several times the live heap as resident memory and took a
/// large share of the run time. Guarded: template renderings run under a memory budget
/// (`fanout::front::memory`).
#[global_allocator]
static ALLOCATOR: fanout::front::memory::Guarded<mimalloc::MiMalloc> =
    fanout::front::memory::Guarded(mimalloc::MiMalloc);

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            commands::color::set_from_raw(std::env::args_os());
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
    commands::color::set(cli.color);
    let code = match cli.command {
        Command::Validate { repo, output, fast } => commands::validate::run(&repo, output, fast),
        Command::Plan {
            repo,
            output,
            workload,
            out,
            reschedule,
            shard,
        } => commands::plan::run(&repo, output, &workload, out.as_deref(), &reschedule, shard),
        Command::Render {
            repo,
            out,
            clusters,
            diff,
            stdout,
            reschedule,
            shard,
        } => render::run(
            &repo,
            out.as_deref(),
            &clusters,
            diff,
            stdout,
            &reschedule,
            shard,
        ),
        Command::Check {
            repo,
            out,
            reschedule,
            shard,
        } => render::check(&repo, out.as_deref(), &reschedule, shard),
        Command::Shards {
            repo,
            count,
            output,
        } => commands::shards::run(&repo, count as usize, output),
        Command::Diff { repo, base, output } => commands::diff::run(&repo, &base, output),
        Command::ArgocdGenerate { repo } => {
            match commands::argocd::cluster_from_env(&|k| std::env::var(k).ok()) {
                Ok(cluster) => {
                    note!("argocd-generate: cluster `{cluster}`");
                    render::run(&repo, None, &[cluster], false, true, &[], None)
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    exit::USAGE_OR_IO
                }
            }
        }
        Command::Import {
            files,
            out_dir,
            force,
        } => commands::import::run(&files, out_dir.as_deref(), force),
        Command::AdoptBindings { files, repo, out } => {
            commands::adopt::run(&files, &repo, out.as_deref())
        }
        Command::Init {
            dir,
            clusters,
            argocd,
            flux,
            repo_url,
        } => commands::init::run(&commands::init::Options {
            dir: &dir,
            clusters: clusters.as_deref(),
            argocd,
            flux,
            repo_url: repo_url.as_deref(),
        }),
        Command::Schemas { repo, out, vscode } => commands::schemas::run(&out, vscode, &repo),
        Command::Completions { shell } => commands::manual::completions(shell),
        Command::Man { dir } => commands::manual::man(dir.as_deref()),
    };
    ExitCode::from(code as u8)
}

/// `--quiet`: only errors and what was asked for are printed.
static QUIET: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

pub(crate) fn quiet() -> bool {
    QUIET.load(std::sync::atomic::Ordering::Relaxed)
}
