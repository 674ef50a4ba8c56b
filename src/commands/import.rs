//! The `import` command: read live objects from files (or standard input), turn them into short-form
//! workloads, and print them or write one file each.

use crate::cli::exit;
use fanout::diagnostic;
use fanout::source::{SourceFile, Sources};
use std::io::{Read, Write};
use std::path::Path;

pub fn run(files: &[std::path::PathBuf], out_dir: Option<&Path>) -> i32 {
    let mut sources = Sources::default();
    let mut objects = Vec::new();
    let mut problems = Vec::new();
    for path in files {
        let text = if path.as_os_str() == "-" {
            let mut s = String::new();
            std::io::stdin().read_to_string(&mut s).map(|_| s)
        } else {
            std::fs::read_to_string(path)
        };
        let text = match text {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: cannot read `{}`: {e}", path.display());
                return exit::USAGE_OR_IO;
            }
        };
        let id = sources.add(SourceFile {
            rel_path: path.display().to_string(),
            display_path: path.display().to_string(),
            text,
        });
        let parsed = fanout::front::yaml::parse(
            id,
            &sources.get(id).text,
            fanout::front::yaml::Limits::default(),
        );
        if !diagnostic::has_errors(&parsed.diagnostics) {
            let secrets = fanout::front::classify::secret_values(&parsed.documents);
            sources.set_secret_values(id, secrets);
        }
        problems.extend(parsed.diagnostics);
        objects.extend(parsed.documents.iter().map(|d| d.root.to_json()));
    }
    if diagnostic::has_errors(&problems) {
        let _ =
            std::io::stderr().write_all(diagnostic::render_text(&problems, &sources).as_bytes());
        return exit::INVALID;
    }
    let imported = match fanout::import::import(&objects) {
        Ok(i) => i,
        Err(errors) => {
            for e in errors {
                eprintln!("error: {e}");
            }
            return exit::INVALID;
        }
    };
    for i in &imported {
        for w in &i.warnings {
            note!("warning: `{} {}/{}`: {w}", i.kind, i.namespace, i.name);
        }
    }
    match out_dir {
        None => {
            let text: String = imported
                .iter()
                .map(|i| format!("---\n{}", i.yaml))
                .collect();
            let _ = std::io::stdout().write_all(text.as_bytes());
        }
        Some(dir) => {
            for i in &imported {
                let path = dir.join(i.file_name());
                let written = path
                    .parent()
                    .map_or(Ok(()), std::fs::create_dir_all)
                    .and_then(|()| std::fs::write(&path, &i.yaml));
                if let Err(e) = written {
                    eprintln!("error: cannot write `{}`: {e}", path.display());
                    return exit::USAGE_OR_IO;
                }
                note!("wrote {}", path.display());
            }
        }
    }
    exit::OK
}
