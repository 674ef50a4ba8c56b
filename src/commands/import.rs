//! The `import` command: read live objects from files (or standard input), turn them into short-form
//! workloads, and print them or write one file each.

use crate::cli::exit;
use fanout::diagnostic;
use fanout::source::{SourceFile, Sources};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

pub fn run(files: &[std::path::PathBuf], out_dir: Option<&Path>, force: bool) -> i32 {
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
            let targets: Vec<(PathBuf, &str)> = (imported.iter())
                .map(|i| (dir.join(i.file_name()), i.yaml.as_str()))
                .collect();
            // every target is checked before any is written: all or nothing
            let refused: Vec<String> = (targets.iter())
                .filter_map(|(path, _)| refusal(dir, path, force))
                .collect();
            if !refused.is_empty() {
                for why in &refused {
                    eprintln!("error: {why}");
                }
                eprintln!("{}: nothing written", dir.display());
                return exit::USAGE_OR_IO;
            }
            for (path, yaml) in &targets {
                if let Err(e) = write(path, yaml, force) {
                    eprintln!("error: cannot write `{}`: {e}", path.display());
                    return exit::USAGE_OR_IO;
                }
                note!("wrote {}", path.display());
            }
        }
    }
    exit::OK
}

/// Why `path` (a file below `dir`) must not be written, if so: it exists and `force` is not given, or
/// it, or a directory between `dir` and it, is a symlink (never followed, even with `force`).
fn refusal(dir: &Path, path: &Path, force: bool) -> Option<String> {
    let below = path.strip_prefix(dir).ok()?;
    let mut here = dir.to_path_buf();
    for part in below.components() {
        here.push(part);
        match std::fs::symlink_metadata(&here) {
            Ok(m) if m.file_type().is_symlink() => {
                return Some(format!(
                    "`{}` is a symlink; fanout import never writes through one",
                    here.display()
                ));
            }
            Ok(m) if here == path && m.is_dir() => {
                return Some(format!("`{}` is a directory", path.display()));
            }
            Ok(_) if here == path && !force => {
                return Some(format!(
                    "`{}` already exists; pass `--force` to overwrite it",
                    path.display()
                ));
            }
            Ok(m) if here != path && !m.is_dir() => {
                return Some(format!("`{}` is not a directory", here.display()));
            }
            Ok(_) => {}
            Err(_) => return None,
        }
    }
    None
}

/// Write one file without following a symlink in its place: a new file, or with `force` a
/// truncated one.
fn write(path: &Path, text: &str, force: bool) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32);
    }
    options.open(path)?.write_all(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The last line of defence, for a symlink planted after the checks: the open itself does not
    /// follow it, with or without `force`.
    #[cfg(unix)]
    #[test]
    fn writing_never_follows_a_symlink() {
        let tmp = tempfile::tempdir().unwrap();
        let victim = tmp.path().join("victim.yaml");
        std::fs::write(&victim, "precious\n").unwrap();
        let link = tmp.path().join("web.deployment.yaml");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        for force in [false, true] {
            assert!(write(&link, "imported\n", force).is_err(), "force: {force}");
        }
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
        let file = tmp.path().join("new.yaml");
        write(&file, "a\n", false).unwrap();
        assert!(
            write(&file, "b\n", false).is_err(),
            "never overwritten unforced"
        );
        write(&file, "b\n", true).unwrap();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "b\n");
    }
}
