//! `fanout diff --base REV`: what a change does, per cluster: the repository at a git revision against
//! the working tree, each side starting from its own previous schedule result (the revision's
//! committed `.fanout/schedule.tsv`, the working tree's output directory).

use super::render::compiled;
use super::{Versioned, count, print_stdout, print_text, summary};
use crate::cli::{ReviewFormat, exit};
use fanout::front::gitrev;
use fanout::front::schemas::Schemas;
use fanout::place::steady::Prior;
use fanout::render::review;
use std::path::Path;

/// `fanout diff --base REV`: the repository at REV against the working tree.
pub fn run(repo: &Path, base: &str, format: ReviewFormat) -> i32 {
    let (_, head) = match compiled(repo, None, &[], None) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let schemas = Schemas::new();
    let (mut loaded, (schedule_name, schedule)) =
        match gitrev::load_with_schedule(repo, base, &schemas) {
            Ok(x) => x,
            Err(e) => {
                eprintln!("error: {e}");
                return exit::USAGE_OR_IO;
            }
        };
    let prior = match fanout::previous::parse(&schedule_name, schedule) {
        Ok(history) => Prior {
            history,
            ..Prior::default()
        },
        Err(e) => {
            eprintln!("error: {e}");
            return exit::INVALID;
        }
    };
    let before = match fanout::compile_clusters(&mut loaded, &schemas, None, &prior) {
        Ok(before) => {
            print_text(&before.diagnostics, &loaded);
            before
        }
        Err(diagnostics) => {
            print_text(&diagnostics, &loaded);
            let (errors, warnings) = count(&diagnostics);
            eprintln!(
                "error: the repository at `{base}` does not compile: {}",
                summary(errors, warnings)
            );
            return exit::INVALID;
        }
    };
    let r = review::review(&before, &head);
    let text = match format {
        ReviewFormat::Text => review::to_text(&r),
        ReviewFormat::Markdown => review::to_markdown(&r),
        ReviewFormat::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(&Versioned::new(review::to_json(&r))).unwrap_or_default()
        ),
    };
    if let Err(code) = print_stdout(|out| out.write_all(text.as_bytes())) {
        return code;
    }
    if r.is_empty() {
        exit::OK
    } else {
        exit::DIFFERENCES
    }
}
