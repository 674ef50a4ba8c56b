//! `fanout validate`: every check short of writing, every problem at once, as text or JSON. The front
//! end (schemas, semantic rules), then placement, dependencies, overrides and templates per cluster, all
//! in memory, placement starting from the previous schedule result in the output directory; `--fast`
//! stops after the front end.

use super::{Versioned, count, front, print_stdout, print_text, summary};
use crate::cli::{Format, exit};
use fanout::diagnostic::{self, Diagnostic};
use fanout::front::schemas::Schemas;
use std::path::Path;

pub fn run(repo: &Path, output: Format, fast: bool) -> i32 {
    let schemas = Schemas::new();
    let (loaded, analysis) = match front(repo, None, &schemas) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let m = &analysis.model;
    let counts = format!(
        "{} files, {} clusters, {} resources, {} propagation policies, {} override policies",
        loaded.files.len(),
        m.clusters.len(),
        m.resources.len(),
        m.propagation_policies.len(),
        m.override_policies.len(),
    );
    let diagnostics: Vec<Diagnostic> = if fast || analysis.has_errors() {
        analysis.diagnostics
    } else {
        let prior = match super::render::output_dir(&loaded, None, None)
            .and_then(|out| super::render::prior(&out, &[]))
        {
            Ok(p) => p,
            Err(code) => return code,
        };
        match fanout::place_and_render(analysis, &loaded.sources, None, &prior) {
            Ok(compiled) => compiled.diagnostics,
            Err(diagnostics) => diagnostics,
        }
    };
    let (errors, warnings) = count(&diagnostics);
    match output {
        Format::Json => {
            let json = Versioned::new(diagnostic::render_json(&diagnostics, &loaded.sources));
            if let Err(code) = print_stdout(|out| {
                serde_json::to_writer_pretty(&mut *out, &json)?;
                writeln!(out)
            }) {
                return code;
            }
        }
        Format::Text => {
            print_text(&diagnostics, &loaded);
            if errors == 0 {
                note!(
                    "{}: valid: {counts}{}",
                    repo.display(),
                    summary(0, warnings)
                );
            } else {
                eprintln!("{}: invalid: {}", repo.display(), summary(errors, warnings));
            }
        }
    }
    if errors > 0 { exit::INVALID } else { exit::OK }
}
