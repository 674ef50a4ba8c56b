//! `fanout diff --base REV`: what a change does, per cluster: the repository at a git revision against
//! the working tree.

use super::render::compiled;
use crate::cli::{ReviewFormat, exit};
use fanout::front::gitrev;
use fanout::render::review;
use std::io::Write;
use std::path::Path;

/// `fanout diff --base REV`: the repository at REV against the working tree.
pub fn run(repo: &Path, base: &str, format: ReviewFormat) -> i32 {
    let (_, head) = match compiled(repo, None) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let tmp = match tempfile::Builder::new().prefix("fanout-base-").tempdir() {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: cannot create a temporary directory: {e}");
            return exit::USAGE_OR_IO;
        }
    };
    let base_root = match gitrev::materialise(repo, base, tmp.path()) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE_OR_IO;
        }
    };
    let (_, before) = match compiled(&base_root, None) {
        Ok(x) => x,
        Err(code) => {
            eprintln!("error: the repository at `{base}` does not compile (see above)");
            return code;
        }
    };
    let r = review::review(&before, &head);
    let text = match format {
        ReviewFormat::Text => review::to_text(&r),
        ReviewFormat::Markdown => review::to_markdown(&r),
        ReviewFormat::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(&review::to_json(&r)).unwrap_or_default()
        ),
    };
    let _ = std::io::stdout().write_all(text.as_bytes());
    if r.is_empty() {
        exit::OK
    } else {
        exit::DIFFERENCES
    }
}
