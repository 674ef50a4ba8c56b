//! Source files and positions.
//!
//! Every file fanout reads becomes a [`SourceFile`] with a [`FileId`]; every YAML node keeps a [`Span`]
//! into it, so any later stage can point at the exact text a problem comes from. Lines and columns are
//! 1-based and counted in characters, as editors show them. [`Sources`] also keeps, per file, where the
//! values of Secrets are, once its documents were read, so that diagnostics never print them. This module
//! does no I/O.

/// Index of a file in [`Sources`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct FileId(pub u32);

/// A line and column, both 1-based, column in characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

impl Pos {
    pub const START: Pos = Pos { line: 1, col: 1 };
}

/// A range of text in one file; `end` is exclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub file: FileId,
    pub start: Pos,
    pub end: Pos,
}

impl Span {
    /// The start of a file, for problems that concern the file as a whole.
    pub fn file_start(file: FileId) -> Span {
        Span {
            file,
            start: Pos::START,
            end: Pos::START,
        }
    }

    /// A span covering `self` and `other` (same file assumed).
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// One file of the repository.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceFile {
    /// Path relative to the repository root, `/`-separated (used for output names and exclusion).
    pub rel_path: String,
    /// Path as shown to the user (relative to where fanout was started when possible).
    pub display_path: String,
    pub text: String,
}

impl SourceFile {
    /// The text of a 1-based line, without its line break. Lines end at `\r\n`, `\n` or a lone `\r`, as
    /// YAML counts them, so positions from the reader always name a real line.
    pub fn line(&self, line: u32) -> Option<&str> {
        if self.text.is_empty() {
            return None;
        }
        let index = usize::try_from(line).ok()?.checked_sub(1)?;
        lines(&self.text).nth(index)
    }
}

/// The lines of a text, split at `\r\n`, `\n` and lone `\r`.
pub(crate) fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let t = rest?;
        match t.find(['\r', '\n']) {
            Some(i) => {
                let skip = if t[i..].starts_with("\r\n") { 2 } else { 1 };
                rest = Some(&t[i + skip..]);
                Some(&t[..i])
            }
            None => {
                rest = None;
                Some(t)
            }
        }
    })
}

/// Every file read for one run, addressed by [`FileId`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sources {
    files: Vec<SourceFile>,
    /// Per file, the spans of the Secret values its documents hold (see
    /// [`crate::front::classify::secret_values`]); `None` until the file was read into documents
    /// without an error.
    secrets: Vec<Option<Vec<Span>>>,
}

impl Sources {
    pub fn add(&mut self, file: SourceFile) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(file);
        self.secrets.push(None);
        id
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// Record where a file's Secret values are, found from its documents.
    pub fn set_secret_values(&mut self, id: FileId, spans: Vec<Span>) {
        if let Some(slot) = self.secrets.get_mut(id.0 as usize) {
            *slot = Some(spans);
        }
    }

    /// Where a file's Secret values are, when its documents were read; `None` when they were not (a
    /// file that failed to parse, a template's own text): diagnostics then mask by a textual rule.
    pub fn secret_values(&self, id: FileId) -> Option<&[Span]> {
        self.secrets.get(id.0 as usize)?.as_deref()
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// The position just after `prefix`, e.g. of the first byte that is not valid UTF-8.
pub fn pos_after(prefix: &str) -> Pos {
    let mut count = 0usize;
    let mut last = "";
    for l in lines(prefix) {
        count += 1;
        last = l;
    }
    let line = count.max(1);
    let col = last.chars().count() + 1;
    Pos {
        line: u32::try_from(line).unwrap_or(u32::MAX),
        col: u32::try_from(col).unwrap_or(u32::MAX),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_one_based_and_strip_cr() {
        let f = SourceFile {
            rel_path: "a.yaml".into(),
            display_path: "a.yaml".into(),
            text: "a: 1\r\nb: 2\n".into(),
        };
        assert_eq!(f.line(1), Some("a: 1"));
        assert_eq!(f.line(2), Some("b: 2"));
        assert_eq!(f.line(0), None);
        let mac = SourceFile {
            rel_path: "m.yaml".into(),
            display_path: "m.yaml".into(),
            text: "a: 1\rb: 2\r\nc: 3".into(),
        };
        assert_eq!((mac.line(2), mac.line(3)), (Some("b: 2"), Some("c: 3")));
    }

    #[test]
    fn pos_after_counts_characters() {
        assert_eq!(pos_after(""), Pos { line: 1, col: 1 });
        assert_eq!(pos_after("ab\ncé"), Pos { line: 2, col: 3 });
        assert_eq!(pos_after("ab\rc"), Pos { line: 2, col: 2 });
        assert_eq!(pos_after("ab\n"), Pos { line: 2, col: 1 });
    }
}
