//! EDGE: reading the repository from disk.
//!
//! Walks the repository root in sorted order and reads every `*.yaml` / `*.yml` file (and `*.yaml.j2`
//! templates), skipping the output
//! directory (the configured one, one given on the command line, and any directory holding fanout's
//! index), hidden files and directories, and paths matching `exclude` in `fanout.yaml`. Symlinks are
//! never followed out of the repository: a link whose target lies outside is reported as a warning and not
//! read; a link to a file inside is read under the link's path; links to directories are not descended
//! (their target, being inside, is walked anyway). Files over the size limit and files that are not UTF-8
//! are located errors. This is one of the two modules that touch the disk.

use crate::diagnostic::Diagnostic;
use crate::front::config::{self, Config};
use crate::front::schemas::Schemas;
use crate::source::{FileId, Pos, SourceFile, Sources, Span, pos_after};
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// What loading found: the files read, the configuration, and problems (warnings, or errors that stop the run).
#[derive(Clone, Debug)]
pub struct Repo {
    pub root: PathBuf,
    pub config: Config,
    pub sources: Sources,
    pub diagnostics: Vec<Diagnostic>,
    /// The files to parse (not `fanout.yaml`, not unreadable ones).
    pub files: Vec<FileId>,
}

/// An I/O failure, naming its path.
#[derive(Debug)]
pub struct LoadError {
    pub path: PathBuf,
    pub error: io::Error,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot read `{}`: {}", self.path.display(), self.error)
    }
}

impl std::error::Error for LoadError {}

fn display_path(root: &Path, rel: &str) -> String {
    let root = root.to_string_lossy();
    let root = root.trim_end_matches('/');
    if root.is_empty() || root == "." {
        rel.to_owned()
    } else {
        format!("{root}/{rel}")
    }
}

/// Read the repository at `root`. `output` overrides the output directory of `fanout.yaml` (a path as
/// given on the command line, relative to the working directory).
pub fn load(root: &Path, output: Option<&Path>, schemas: &Schemas) -> Result<Repo, LoadError> {
    let io_err = |path: &Path| {
        let path = path.to_path_buf();
        move |error| LoadError { path, error }
    };
    let canonical_root = fs::canonicalize(root).map_err(io_err(root))?;
    if !canonical_root.is_dir() {
        return Err(LoadError {
            path: root.to_path_buf(),
            error: io::Error::new(io::ErrorKind::NotADirectory, "not a directory"),
        });
    }
    let mut sources = Sources::default();
    let mut diagnostics = Vec::new();
    let config_path = root.join(config::FILE_NAME);
    let config = match fs::read(&config_path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Config::default(),
        Err(e) => {
            return Err(LoadError {
                path: config_path,
                error: e,
            });
        }
        Ok(bytes) => {
            let rel = config::FILE_NAME.to_owned();
            match decode(bytes) {
                Ok(text) => {
                    let id = sources.add(SourceFile {
                        display_path: display_path(root, &rel),
                        rel_path: rel,
                        text,
                    });
                    match config::parse(id, &sources.get(id).text.clone(), schemas) {
                        Ok(c) => c,
                        Err(d) => {
                            diagnostics.extend(d);
                            Config::default()
                        }
                    }
                }
                Err(prefix) => {
                    let id = sources.add(SourceFile {
                        display_path: display_path(root, &rel),
                        rel_path: rel,
                        text: String::new(),
                    });
                    diagnostics.push(not_utf8(id, &prefix));
                    Config::default()
                }
            }
        }
    };
    if output.is_none()
        && let Some(link) = symlink_on_the_way(root, &config.output)
    {
        // a committed `rendered -> .` (or `-> /elsewhere`) would have the render swap out the
        // repository itself, or write outside it
        let span = config.output_at.unwrap_or_else(|| {
            let id = sources.add(SourceFile {
                rel_path: link.clone(),
                display_path: display_path(root, &link),
                text: String::new(),
            });
            Span::file_start(id)
        });
        diagnostics.push(Diagnostic::error(
            "invalid",
            span,
            format!(
                "the output directory `{}` goes through the symlink `{link}`; it must be a directory of the repository itself",
                config.output
            ),
        ));
    }
    let excludes = globs(&config.exclude);
    // The configured output directory and one given on the command line are both output, never input.
    let outputs: Vec<PathBuf> = [
        Some(root.join(&config.output)),
        output.map(Path::to_path_buf),
    ]
    .into_iter()
    .flatten()
    .filter_map(|p| fs::canonicalize(p).ok())
    .collect();

    let mut files = Vec::new();
    let walker = WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if e.depth() == 0 {
                return true;
            }
            let name = e.file_name().to_string_lossy();
            if name.starts_with('.') {
                return false;
            }
            let rel = rel_path(root, e.path());
            if excludes.is_match(&rel) {
                return false;
            }
            if e.file_type().is_dir() {
                // any directory fanout has written (it holds fanout's index) is output, wherever it is
                if e.path().join(crate::emit::INDEX_PATH).is_file() {
                    return false;
                }
                if let Ok(here) = fs::canonicalize(e.path())
                    && outputs.contains(&here)
                {
                    return false;
                }
            }
            true
        });
    for entry in walker {
        let entry = entry.map_err(|e| {
            let path = e
                .path()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| root.to_path_buf());
            LoadError {
                path,
                error: e
                    .into_io_error()
                    .unwrap_or_else(|| io::Error::other("filesystem loop")),
            }
        })?;
        let path = entry.path();
        let rel = rel_path(root, path);
        if entry.depth() == 0 || rel == config::FILE_NAME {
            continue;
        }
        let is_yaml = rel.ends_with(".yaml")
            || rel.ends_with(".yml")
            || crate::front::template::is_template(&rel);
        if entry.path_is_symlink() {
            match fs::canonicalize(path) {
                Err(_) if is_yaml => {
                    diagnostics.push(file_warning(
                        &mut sources,
                        root,
                        &rel,
                        "broken symlink; not read",
                    ));
                    continue;
                }
                Err(_) => continue,
                Ok(target) if !target.starts_with(&canonical_root) => {
                    diagnostics.push(file_warning(
                        &mut sources,
                        root,
                        &rel,
                        &format!(
                            "symlink points outside the repository (to `{}`); not read",
                            target.display()
                        ),
                    ));
                    continue;
                }
                Ok(target) if target.is_dir() => continue,
                Ok(_) => {}
            }
        } else if !entry.file_type().is_file() {
            continue;
        }
        if !is_yaml {
            continue;
        }
        let size = fs::metadata(path).map_err(io_err(path))?.len();
        let display = display_path(root, &rel);
        if size > config.limits.max_file_bytes {
            let id = sources.add(SourceFile {
                rel_path: rel,
                display_path: display,
                text: String::new(),
            });
            diagnostics.push(Diagnostic::error(
                "limit",
                Span::file_start(id),
                format!(
                    "file is {size} bytes, over the limit of {} (raise `limits.maxFileBytes` in fanout.yaml)",
                    config.limits.max_file_bytes
                ),
            ));
            continue;
        }
        let bytes = fs::read(path).map_err(io_err(path))?;
        if bytes.iter().take(8000).any(|b| *b == 0) {
            let id = sources.add(SourceFile {
                rel_path: rel,
                display_path: display,
                text: String::new(),
            });
            diagnostics.push(Diagnostic::error(
                "encoding",
                Span::file_start(id),
                "binary file (it contains NUL bytes); YAML files must be UTF-8 text",
            ));
            continue;
        }
        match decode(bytes) {
            Ok(text) => files.push(sources.add(SourceFile {
                rel_path: rel,
                display_path: display,
                text,
            })),
            Err(prefix) => {
                let id = sources.add(SourceFile {
                    rel_path: rel,
                    display_path: display,
                    text: prefix.clone(),
                });
                diagnostics.push(not_utf8(id, &prefix));
            }
        }
    }
    Ok(Repo {
        root: root.to_path_buf(),
        config,
        sources,
        diagnostics,
        files,
    })
}

/// The first component of `output` (relative to `root`) that is a symlink, as a repository path.
fn symlink_on_the_way(root: &Path, output: &str) -> Option<String> {
    let mut here = root.to_path_buf();
    let mut rel: Vec<&str> = Vec::new();
    for part in output.split('/').filter(|p| !p.is_empty() && *p != ".") {
        here.push(part);
        rel.push(part);
        match fs::symlink_metadata(&here) {
            Ok(m) if m.file_type().is_symlink() => return Some(rel.join("/")),
            Ok(_) => {}
            Err(_) => return None,
        }
    }
    None
}

fn rel_path(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// UTF-8 text without a byte-order mark, or the valid prefix when the bytes are not UTF-8.
fn decode(bytes: Vec<u8>) -> Result<String, String> {
    match String::from_utf8(bytes) {
        Ok(mut s) => {
            if s.starts_with('\u{feff}') {
                s.drain(..3);
            }
            Ok(s)
        }
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            Err(String::from_utf8_lossy(&bytes[..valid]).into_owned())
        }
    }
}

fn not_utf8(id: FileId, prefix: &str) -> Diagnostic {
    let pos = pos_after(prefix);
    Diagnostic::error(
        "encoding",
        Span {
            file: id,
            start: pos,
            end: Pos {
                line: pos.line,
                col: pos.col + 1,
            },
        },
        "file is not valid UTF-8 (YAML files must be UTF-8 text)",
    )
}

fn file_warning(sources: &mut Sources, root: &Path, rel: &str, message: &str) -> Diagnostic {
    let id = sources.add(SourceFile {
        rel_path: rel.to_owned(),
        display_path: display_path(root, rel),
        text: String::new(),
    });
    Diagnostic::warning("symlink", Span::file_start(id), message)
}

/// The exclusion set; `config` has already rejected invalid patterns.
fn globs(patterns: &[String]) -> GlobSet {
    let mut b = GlobSetBuilder::new();
    for glob in patterns.iter().filter_map(|p| Glob::new(p).ok()) {
        b.add(glob);
    }
    b.build().unwrap_or_else(|_| GlobSet::empty())
}
