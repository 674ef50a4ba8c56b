//! `fanout adopt-bindings FILE... [--repo REPO] [--out DIR]`: live Karmada ResourceBindings
//! (`kubectl get resourcebindings,clusterresourcebindings -A -o yaml`) recorded as the previous schedule
//! result (`DIR/.fanout/schedule.tsv`), so the next `render` starts where the live Karmada is instead
//! of from a first schedule. Only the schedule file is written, through the output writer (atomic,
//! owned files only); the rest of the tree is left as it is.

use super::{front, print_text};
use crate::cli::exit;
use fanout::emit;
use fanout::front::schemas::Schemas;
use fanout::render::schedule::{self, SCHEDULE_FILE};
use fanout::source::{SourceFile, Sources};
use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The largest bindings file read.
const MAX_BYTES: u64 = 256 << 20;

pub fn run(files: &[PathBuf], repo: &Path, out: Option<&Path>) -> i32 {
    let schemas = Schemas::new();
    let (loaded, analysis) = match front(repo, out, &schemas) {
        Ok(x) => x,
        Err(code) => return code,
    };
    if analysis.has_errors() {
        print_text(&analysis.diagnostics, &loaded);
        eprintln!("{}: invalid; nothing adopted", repo.display());
        return exit::INVALID;
    }
    let out_dir = match super::render::output_dir(&loaded, out, None) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let documents = match read(files) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let adopted = match fanout::adopt::adopt(&analysis.model, &documents, &schemas) {
        Ok(a) => a,
        Err(errors) => {
            for e in errors {
                eprintln!("error: {e}");
            }
            eprintln!("nothing adopted");
            return exit::INVALID;
        }
    };
    for n in &adopted.notes {
        note!("note: {n}");
    }
    let owned = match emit::read_owned(&out_dir) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE_OR_IO;
        }
    };
    let state = fanout::render::STATE_DIR;
    let mut tree: emit::Tree = (owned.into_iter())
        .filter(|(p, _)| p.starts_with(&format!("{state}/")))
        .collect();
    tree.insert(
        SCHEDULE_FILE.into(),
        schedule::history_text(&adopted.history).into_bytes().into(),
    );
    let scope: BTreeSet<String> = [state.to_owned()].into();
    if let Err(e) = emit::write(&out_dir, &tree, Some(&scope)) {
        eprintln!("error: {e}");
        return exit::USAGE_OR_IO;
    }
    note!(
        "{}: adopted {} binding{}; run `fanout render` to render from them",
        out_dir.join(SCHEDULE_FILE).display(),
        adopted.history.len(),
        if adopted.history.len() == 1 { "" } else { "s" }
    );
    exit::OK
}

/// Every document of the files (`-`: standard input), as JSON; on failure print why.
fn read(files: &[PathBuf]) -> Result<Vec<serde_json::Value>, i32> {
    let mut sources = Sources::default();
    let mut documents = Vec::new();
    let mut problems = Vec::new();
    for path in files {
        let bytes = if path.as_os_str() == "-" {
            let mut b = Vec::new();
            (std::io::stdin().take(MAX_BYTES + 1))
                .read_to_end(&mut b)
                .map_err(|e| e.to_string())
                .and_then(|_| {
                    if b.len() as u64 > MAX_BYTES {
                        Err("standard input is over the size limit".to_owned())
                    } else {
                        Ok(b)
                    }
                })
        } else {
            fanout::safe_read::read_regular(path, MAX_BYTES).map_err(|e| e.to_string())
        };
        let text = match bytes.and_then(|b| String::from_utf8(b).map_err(|_| "not UTF-8".into())) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: cannot read `{}`: {e}", path.display());
                return Err(exit::USAGE_OR_IO);
            }
        };
        let id = sources.add(SourceFile {
            rel_path: path.display().to_string(),
            display_path: path.display().to_string(),
            text,
        });
        let limits = fanout::front::yaml::Limits {
            max_file_bytes: MAX_BYTES as usize,
            ..fanout::front::yaml::Limits::default()
        };
        let parsed = fanout::front::yaml::parse(id, &sources.get(id).text, limits);
        problems.extend(parsed.diagnostics);
        documents.extend(parsed.documents.iter().map(|d| d.root.to_json()));
    }
    if fanout::diagnostic::has_errors(&problems) {
        let text = fanout::diagnostic::render_text(&problems, &sources);
        let _ = std::io::stderr().write_all(text.as_bytes());
        return Err(exit::INVALID);
    }
    Ok(documents)
}
