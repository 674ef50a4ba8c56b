//! EDGE: the previous schedule result, `.fanout/schedule.tsv` of an output directory
//! ([`crate::render::schedule`]), read for steady scheduling ([`crate::place::steady`]).
//!
//! Read like every file fanout reads from an untrusted tree: through [`crate::safe_read`] (no symlink
//! followed, a FIFO or device refused, the size checked before reading, at most [`MAX_BYTES`]), and
//! `.fanout` itself must be a real directory. No file is a first schedule. A file that cannot be read,
//! is not UTF-8 or has a line [`crate::render::schedule::parse`] rejects is an error naming the file and
//! the lines; nothing of it is used. A base revision's file comes from git's object store
//! ([`crate::front::gitrev::load_with_schedule`]) and goes through [`parse`] the same way.

use crate::place::steady::History;
use crate::render::schedule::{self, LineError, SCHEDULE_FILE};
use crate::safe_read::{self, ReadError};
use std::fmt;
use std::path::Path;

/// The largest schedule file read (about half a million objects).
pub const MAX_BYTES: u64 = 64 << 20;

/// Why the previous result could not be used.
#[derive(Debug)]
pub enum PreviousError {
    /// The file (named as shown) exists but could not be read.
    Unreadable { file: String, why: String },
    /// Lines of the file (named as shown) that are wrong.
    Malformed {
        file: String,
        errors: Vec<LineError>,
    },
}

impl fmt::Display for PreviousError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PreviousError::Unreadable { file, why } => {
                write!(
                    f,
                    "cannot read the previous schedule result `{file}`: {why}"
                )
            }
            PreviousError::Malformed { file, errors } => {
                let mut first = true;
                for e in errors {
                    if !first {
                        f.write_str("\nerror: ")?;
                    }
                    first = false;
                    write!(f, "{file}:{}: {}", e.line, e.message)?;
                }
                write!(
                    f,
                    "\n  = note: this is the previous schedule result fanout wrote; restore it (e.g. `git checkout -- {file}`), or delete it to schedule every object afresh"
                )
            }
        }
    }
}

impl std::error::Error for PreviousError {}

/// The previous results recorded in the output directory `out`; empty when there is none.
pub fn read(out: &Path) -> Result<History, PreviousError> {
    let path = out.join(SCHEDULE_FILE);
    let file = path.display().to_string();
    let state = out.join(crate::render::STATE_DIR);
    match std::fs::symlink_metadata(&state) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(History::new()),
        Err(e) => {
            return Err(PreviousError::Unreadable {
                file,
                why: e.to_string(),
            });
        }
        Ok(m) if !m.is_dir() => {
            return Err(PreviousError::Unreadable {
                file,
                why: format!(
                    "`{}` is not a directory (a symlink is not followed)",
                    state.display()
                ),
            });
        }
        Ok(_) => {}
    }
    let bytes = match safe_read::read_regular(&path, MAX_BYTES) {
        Ok(b) => Some(b),
        Err(ReadError::NotFound) => None,
        Err(why) => {
            return Err(PreviousError::Unreadable {
                file,
                why: why.to_string(),
            });
        }
    };
    parse(&file, bytes)
}

/// The previous results in `bytes` (`None`: no file), the file named `file` in errors.
pub fn parse(file: &str, bytes: Option<Vec<u8>>) -> Result<History, PreviousError> {
    let Some(bytes) = bytes else {
        return Ok(History::new());
    };
    let text = String::from_utf8(bytes).map_err(|_| PreviousError::Malformed {
        file: file.to_owned(),
        errors: vec![LineError {
            line: 1,
            message: "the file is not UTF-8 text".into(),
        }],
    })?;
    schedule::parse(&text).map_err(|errors| PreviousError::Malformed {
        file: file.to_owned(),
        errors,
    })
}
