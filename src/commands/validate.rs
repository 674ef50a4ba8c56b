//! `fanout validate`: the front end only; every problem at once, as text or JSON.

use super::{count, front, print_stdout, print_text, summary};
use crate::cli::{Format, exit};
use fanout::diagnostic;
use fanout::front::schemas::Schemas;
use std::path::Path;

pub fn run(repo: &Path, output: Format) -> i32 {
    let schemas = Schemas::new();
    let (loaded, analysis) = match front(repo, &schemas) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let (errors, warnings) = count(&analysis.diagnostics);
    match output {
        Format::Json => {
            let json = diagnostic::render_json(&analysis.diagnostics, &loaded.sources);
            if let Err(code) = print_stdout(|out| {
                serde_json::to_writer_pretty(&mut *out, &json)?;
                writeln!(out)
            }) {
                return code;
            }
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
