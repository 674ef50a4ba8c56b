//! `fanout plan`: the expected placement of every workload (or those asked for), as text or JSON,
//! starting from the previous schedule result in the output directory.

use super::{Versioned, count, front, print_stdout, print_text, summary};
use crate::cli::{Format, exit};
use fanout::diagnostic;
use fanout::front::schemas::Schemas;
use fanout::place::{self, plan};
use fanout::shard::Shard;
use std::path::Path;

pub fn run(
    repo: &Path,
    output: Format,
    workloads: &[String],
    out: Option<&Path>,
    reschedule: &[String],
    shard: Option<Shard>,
) -> i32 {
    let schemas = Schemas::new();
    let (loaded, mut analysis) = match front(repo, out, &schemas) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let prior = match super::render::output_dir(&loaded, out, shard)
        .and_then(|dir| super::render::prior(&dir, reschedule))
    {
        Ok(p) => p,
        Err(code) => return code,
    };
    if analysis.has_errors() {
        print_text(&analysis.diagnostics, &loaded);
        let (errors, warnings) = count(&analysis.diagnostics);
        eprintln!("{}: invalid: {}", repo.display(), summary(errors, warnings));
        return exit::INVALID;
    }
    if let Some(shard) = shard {
        fanout::shard::restrict(&mut analysis.model, shard);
    }
    let model = &analysis.model;
    if let Err(code) = super::render::check_reschedule(model, reschedule) {
        return code;
    }
    let (decisions, found) = place::place_with(model, &prior);
    let mut notes = analysis.diagnostics.clone();
    notes.extend(found);
    notes.extend(plan::idle_overrides(model, &decisions));
    diagnostic::sort(&mut notes, &loaded.sources);
    print_text(&notes, &loaded);
    let shown = plan::filter(model, &decisions, workloads);
    let landed = fanout::render::overridden_replicas(model, &decisions);
    if shown.is_empty() && !workloads.is_empty() {
        eprintln!("error: no resource named {}", workloads.join(", "));
        return exit::USAGE_OR_IO;
    }
    let printed = print_stdout(|out| match output {
        Format::Json => {
            let json = Versioned::with_version(
                super::PLAN_FORMAT_VERSION,
                plan::Json::with_landed(model, &shown, &landed),
            );
            serde_json::to_writer_pretty(&mut *out, &json)?;
            writeln!(out)
        }
        Format::Text => out.write_all(plan::to_text_with(model, &shown, &landed).as_bytes()),
    });
    if let Err(code) = printed {
        return code;
    }
    let failed = shown
        .iter()
        .filter(|d| matches!(d.outcome, place::Outcome::Failed { .. }))
        .count();
    let errors = diagnostic::has_errors(&notes);
    // The process ends next: leave the estate's memory to the operating system rather than freeing
    // millions of allocations one by one.
    std::mem::forget((decisions, analysis, loaded, landed, notes));
    if failed > 0 {
        eprintln!(
            "{failed} workload{} cannot be placed",
            if failed == 1 { "" } else { "s" }
        );
        exit::INVALID
    } else if errors {
        // e.g. an override naming a cluster the workload cannot land on: render would refuse it
        exit::INVALID
    } else {
        exit::OK
    }
}
