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
use crate::safe_read::{self, ReadError};
use crate::source::{FileId, Pos, SourceFile, Sources, Span, pos_after};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
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

fn display_path(root: &str, rel: &str) -> String {
    if root.is_empty() || root == "." {
        rel.to_owned()
    } else {
        format!("{root}/{rel}")
    }
}

/// The largest `fanout.yaml` read (its own limits are not known before it is read).
pub(crate) const CONFIG_MAX_BYTES: u64 = 1 << 20;

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
    let display_root = root.to_string_lossy().trim_end_matches('/').to_owned();
    let mut reader = Reader::new(move |rel| display_path(&display_root, rel));
    let config_path = root.join(config::FILE_NAME);
    reader
        .config(
            safe_read::read_regular(&config_path, CONFIG_MAX_BYTES),
            schemas,
        )
        .map_err(io_err(&config_path))?;
    let excludes = globs(&reader.config.exclude);
    if output.is_none()
        && let Some(link) = symlink_on_the_way(root, &reader.config.output)
    {
        // a committed `rendered -> .` (or `-> /elsewhere`) would have the render swap out the
        // repository itself, or write outside it
        reader.output_through_symlink(&link);
    }
    // The configured output directory and one given on the command line are both output, never input.
    let outputs: Vec<PathBuf> = [
        Some(root.join(&reader.config.output)),
        output.map(Path::to_path_buf),
    ]
    .into_iter()
    .flatten()
    .filter_map(|p| fs::canonicalize(p).ok())
    .collect();

    let mut charts = Vec::new();
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
                if e.path().join(CHART_FILE).is_file() {
                    // Excluding what is inside (`charts/**`) silences the warning too.
                    if !excludes.is_match(format!("{rel}/{CHART_FILE}")) {
                        charts.push(rel);
                    }
                    return false;
                }
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
    let max = reader.config.limits.max_file_bytes;
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
        if entry.depth() == 0 || rel == config::FILE_NAME || !is_input_name(&rel) {
            continue;
        }
        if is_kustomization(&rel) {
            reader.kustomization(&rel);
            continue;
        }
        // The file actually read: the entry itself, or the target of a symlink inside the repository
        // (opened without following links, so a link swapped in meanwhile is not followed either).
        let read_path = if entry.path_is_symlink() {
            match fs::canonicalize(path) {
                Err(_) => {
                    reader.warn("symlink", &rel, "broken symlink; not read");
                    continue;
                }
                Ok(target) if !target.starts_with(&canonical_root) => {
                    reader.warn(
                        "symlink",
                        &rel,
                        &format!(
                            "symlink points outside the repository (to `{}`); not read",
                            target.display()
                        ),
                    );
                    continue;
                }
                Ok(target) if target.is_dir() => continue,
                Ok(target) => target,
            }
        } else if entry.file_type().is_dir() {
            continue;
        } else {
            path.to_path_buf()
        };
        reader
            .file(rel, safe_read::read_regular(&read_path, max))
            .map_err(io_err(path))?;
    }
    for chart in charts {
        reader.chart(&chart);
    }
    Ok(reader.finish(root.to_path_buf()))
}

/// A Helm chart's directory holds this file; fanout does not read charts.
pub(crate) const CHART_FILE: &str = "Chart.yaml";

/// Whether a path is a kustomization file (`kustomization.yaml` / `.yml`): kustomize's input, not a
/// Kubernetes object.
pub(crate) fn is_kustomization(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    name == "kustomization.yaml" || name == "kustomization.yml"
}

/// Whether a path names a file fanout reads as input: YAML (`*.yaml`, `*.yml`) or a template.
pub(crate) fn is_input_name(rel: &str) -> bool {
    rel.ends_with(".yaml") || rel.ends_with(".yml") || crate::front::template::is_template(rel)
}

/// What the disk walk and a git revision's reader share: `fanout.yaml` first, then each file's bytes (or
/// why there are none) turned into sources and located diagnostics. `display` names a file for humans
/// (`repo/apps/x.yaml`, or `REV:apps/x.yaml` for a revision).
pub(crate) struct Reader<D: Fn(&str) -> String> {
    display: D,
    pub(crate) config: Config,
    sources: Sources,
    diagnostics: Vec<Diagnostic>,
    files: Vec<FileId>,
}

impl<D: Fn(&str) -> String> Reader<D> {
    pub(crate) fn new(display: D) -> Self {
        Reader {
            display,
            config: Config::default(),
            sources: Sources::default(),
            diagnostics: Vec::new(),
            files: Vec::new(),
        }
    }

    fn add(&mut self, rel: &str, text: String) -> FileId {
        self.sources.add(SourceFile {
            display_path: (self.display)(rel),
            rel_path: rel.to_owned(),
            text,
        })
    }

    /// `fanout.yaml` as read: absent means the defaults; anything but a regular file is an error at it.
    pub(crate) fn config(
        &mut self,
        read: Result<Vec<u8>, ReadError>,
        schemas: &Schemas,
    ) -> Result<(), io::Error> {
        let rel = config::FILE_NAME;
        let bytes = match read {
            Err(ReadError::NotFound) => return Ok(()),
            Err(ReadError::Io(e)) => return Err(e),
            Err(why) => {
                let id = self.add(rel, String::new());
                self.diagnostics.push(Diagnostic::error(
                    "config",
                    Span::file_start(id),
                    format!("`{rel}` is not read: {why} (at most {CONFIG_MAX_BYTES} bytes)"),
                ));
                return Ok(());
            }
            Ok(bytes) => bytes,
        };
        match decode(bytes) {
            Ok(text) => {
                let id = self.add(rel, text);
                match config::parse(id, &self.sources.get(id).text.clone(), schemas) {
                    Ok(c) => self.config = c,
                    Err(d) => self.diagnostics.extend(d),
                }
            }
            Err(prefix) => {
                let id = self.add(rel, String::new());
                self.diagnostics.push(not_utf8(id, &prefix));
            }
        }
        Ok(())
    }

    /// One input file as read. Too large, binary or not UTF-8: a located error; not a regular file: a
    /// warning, not read.
    pub(crate) fn file(
        &mut self,
        rel: String,
        read: Result<Vec<u8>, ReadError>,
    ) -> Result<(), io::Error> {
        let bytes = match read {
            Ok(bytes) => bytes,
            Err(ReadError::Io(e)) => return Err(e),
            Err(ReadError::TooLarge(size)) => {
                self.too_large(&rel, size);
                return Ok(());
            }
            Err(ReadError::NotFound) => {
                self.warn("file", &rel, "vanished while reading; not read");
                return Ok(());
            }
            Err(why) => {
                self.warn("file", &rel, &format!("not read: {why}"));
                return Ok(());
            }
        };
        if bytes.iter().take(8000).any(|b| *b == 0) {
            let id = self.add(&rel, String::new());
            self.diagnostics.push(Diagnostic::error(
                "encoding",
                Span::file_start(id),
                "binary file (it contains NUL bytes); YAML files must be UTF-8 text",
            ));
            return Ok(());
        }
        match decode(bytes) {
            Ok(text) => {
                let id = self.add(&rel, text);
                self.files.push(id);
            }
            Err(prefix) => {
                let id = self.add(&rel, prefix.clone());
                self.diagnostics.push(not_utf8(id, &prefix));
            }
        }
        Ok(())
    }

    /// A file over `limits.maxFileBytes`, known before reading it.
    pub(crate) fn too_large(&mut self, rel: &str, size: u64) {
        let id = self.add(rel, String::new());
        self.diagnostics.push(Diagnostic::error(
            "limit",
            Span::file_start(id),
            format!(
                "file is {size} bytes, over the limit of {} (raise `limits.maxFileBytes` in fanout.yaml)",
                self.config.limits.max_file_bytes
            ),
        ));
    }

    pub(crate) fn warn(&mut self, code: &'static str, rel: &str, message: &str) {
        let id = self.add(rel, String::new());
        self.diagnostics
            .push(Diagnostic::warning(code, Span::file_start(id), message));
    }

    /// A kustomization file, skipped with a warning saying how to silence it.
    pub(crate) fn kustomization(&mut self, rel: &str) {
        self.warn(
            "layout",
            rel,
            &format!(
                "a kustomization file, not a Kubernetes object; not read (fanout reads plain objects: \
                 add `exclude: [\"**/{}\"]` to fanout.yaml to silence this)",
                rel.rsplit('/').next().unwrap_or(rel)
            ),
        );
    }

    /// A Helm chart's directory, skipped whole with a warning saying how to silence it.
    pub(crate) fn chart(&mut self, dir: &str) {
        self.warn(
            "layout",
            &format!("{dir}/{CHART_FILE}"),
            &format!(
                "`{dir}` is a Helm chart (its templates are not YAML); not read: render it with \
                 `helm template` into plain files, and add `exclude: [\"{dir}/**\"]` to fanout.yaml \
                 to silence this"
            ),
        );
    }

    /// The configured output directory goes through a symlink: an error at `fanout.yaml`'s `output`.
    fn output_through_symlink(&mut self, link: &str) {
        let span = match self.config.output_at {
            Some(span) => span,
            None => Span::file_start(self.add(link, String::new())),
        };
        self.diagnostics.push(Diagnostic::error(
            "invalid",
            span,
            format!(
                "the output directory `{}` goes through the symlink `{link}`; it must be a directory of the repository itself",
                self.config.output
            ),
        ));
    }

    pub(crate) fn finish(self, root: PathBuf) -> Repo {
        Repo {
            root,
            config: self.config,
            sources: self.sources,
            diagnostics: self.diagnostics,
            files: self.files,
        }
    }
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

/// The exclusion set, as gitignore reads a pattern anchored at the root: `*` and `?` stop at `/`, `**`
/// crosses directories. `config` has already rejected invalid patterns.
pub(crate) fn globs(patterns: &[String]) -> GlobSet {
    let mut b = GlobSetBuilder::new();
    let glob = |p: &String| GlobBuilder::new(p).literal_separator(true).build().ok();
    for glob in patterns.iter().filter_map(glob) {
        b.add(glob);
    }
    b.build().unwrap_or_else(|_| GlobSet::empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_star_stops_at_a_slash_and_two_stars_cross_it() {
        let set = globs(&[
            "jobs/*.yaml".into(),
            "charts/**".into(),
            "**/kustomization.yaml".into(),
        ]);
        assert!(set.is_match("jobs/a.yaml"));
        assert!(!set.is_match("jobs/x/job.yaml"));
        assert!(set.is_match("charts/web/templates/a.yaml"));
        assert!(set.is_match("kustomization.yaml"));
        assert!(set.is_match("apps/web/kustomization.yaml"));
        assert!(!set.is_match("apps/web/deployment.yaml"));
    }
}
