//! Diagnostics: problems found in the user's repository, as data.
//!
//! A [`Diagnostic`] has a severity, a short code, a message, the span it is about, optional related spans
//! ("first defined here") and notes. Stages collect all their diagnostics and stop at their boundary;
//! [`render_text`] prints them rustc-style (`error[code]: message`, `--> path:line:col`, the source line with
//! a caret) and [`render_json`] as a stable JSON document. Rendering reads only [`Sources`], never the disk.

use crate::source::{Sources, Span};
use serde_json::json;
use std::fmt::Write as _;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable short code, e.g. `schema`, `yaml`, `duplicate`.
    pub code: &'static str,
    /// Lower case, no trailing period, names in backticks.
    pub message: String,
    pub span: Option<Span>,
    /// Other places that explain this one, with a label each.
    pub related: Vec<(Span, String)>,
    pub notes: Vec<String>,
}

impl Diagnostic {
    pub fn error(
        code: &'static str,
        span: impl Into<Option<Span>>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            span: span.into(),
            related: Vec::new(),
            notes: Vec::new(),
        }
    }

    pub fn warning(
        code: &'static str,
        span: impl Into<Option<Span>>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, span, message)
        }
    }

    pub fn with_related(mut self, span: Span, label: impl Into<String>) -> Self {
        self.related.push((span, label.into()));
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Whether any diagnostic is an error.
pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(Diagnostic::is_error)
}

/// Sort by file path, then position, then severity and message; drop exact duplicates.
pub fn sort(diagnostics: &mut Vec<Diagnostic>, sources: &Sources) {
    diagnostics.sort_by(|a, b| {
        let key = |d: &Diagnostic| {
            d.span
                .map(|s| (sources.get(s.file).display_path.clone(), s.start, s.end))
        };
        key(a)
            .cmp(&key(b))
            .then(a.severity.cmp(&b.severity))
            .then(a.code.cmp(b.code))
            .then(a.message.cmp(&b.message))
    });
    diagnostics.dedup();
}

/// Human-readable rendering, rustc style.
pub fn render_text(diagnostics: &[Diagnostic], sources: &Sources) -> String {
    render_styled(diagnostics, sources, false)
}

/// [`render_text`], with the severity styled (`anstyle`) when `color` is set; the caller's stream
/// (`anstream`) keeps or strips the styles.
pub fn render_styled(diagnostics: &[Diagnostic], sources: &Sources, color: bool) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let style = match d.severity {
            Severity::Error => anstyle::AnsiColor::Red.on_default().bold(),
            Severity::Warning => anstyle::AnsiColor::Yellow.on_default().bold(),
        };
        let severity = match color {
            false => d.severity.as_str().to_owned(),
            true => format!("{style}{}{style:#}", d.severity.as_str()),
        };
        let _ = writeln!(out, "{severity}[{}]: {}", d.code, d.message);
        let gutter = d
            .span
            .iter()
            .chain(d.related.iter().map(|(s, _)| s))
            .map(|s| s.start.line.to_string().len())
            .max()
            .unwrap_or(1);
        if let Some(span) = d.span {
            snippet(&mut out, sources, span, "", gutter, "-->");
        }
        for (span, label) in &d.related {
            snippet(&mut out, sources, *span, label, gutter, ":::");
        }
        for note in &d.notes {
            let _ = writeln!(out, "{:gutter$} = note: {note}", "");
        }
        out.push('\n');
    }
    out
}

fn snippet(
    out: &mut String,
    sources: &Sources,
    span: Span,
    label: &str,
    gutter: usize,
    arrow: &str,
) {
    let file = sources.get(span.file);
    let _ = writeln!(
        out,
        "{:gutter$}{arrow} {}:{}:{}",
        "", file.display_path, span.start.line, span.start.col
    );
    let Some(full) = file.line(span.start.line) else {
        return;
    };
    let width = full.chars().count() as u32;
    let mut start = span.start.col.saturating_sub(1).min(width);
    let mut end = if span.end.line == span.start.line {
        span.end.col.saturating_sub(1).min(width)
    } else {
        width
    };
    // Very long lines (minified or generated files) are shown as a window around the span.
    let (line, lead) = if width > MAX_SHOWN {
        end = end.min(start + MAX_SHOWN / 2);
        let from = start.saturating_sub(MAX_SHOWN / 4);
        let to = (end + MAX_SHOWN / 4).min(width);
        let cut: String = full
            .chars()
            .skip(from as usize)
            .take((to - from) as usize)
            .collect();
        let left = if from > 0 { "…" } else { "" };
        let right = if to < width { "…" } else { "" };
        start -= from;
        end -= from;
        (format!("{left}{cut}{right}"), u32::from(from > 0))
    } else {
        (full.to_owned(), 0)
    };
    // Padding and carets in display columns: a wide character (`日`) takes two.
    let width_of = |c: char| unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
    let carets = line
        .chars()
        .skip((start + lead) as usize)
        .take(end.saturating_sub(start) as usize)
        .map(width_of)
        .sum::<usize>()
        .max(1);
    let _ = writeln!(out, "{:gutter$} |", "");
    let _ = writeln!(out, "{:>gutter$} | {line}", span.start.line);
    let pad: String = line
        .chars()
        .take((start + lead) as usize)
        .map(|c| match c {
            '\t' => "\t".to_owned(),
            c => " ".repeat(width_of(c)),
        })
        .collect();
    let label = if label.is_empty() {
        String::new()
    } else {
        format!(" {label}")
    };
    let _ = writeln!(out, "{:gutter$} | {pad}{}{label}", "", "^".repeat(carets));
}

/// Longest source line shown in full, in characters.
const MAX_SHOWN: u32 = 160;

/// Machine-readable rendering: `{"diagnostics":[{severity, code, message, file, line, column, endLine, endColumn, related, notes}]}`.
pub fn render_json(diagnostics: &[Diagnostic], sources: &Sources) -> serde_json::Value {
    let location = |span: &Span| {
        json!({
            "file": sources.get(span.file).display_path,
            "line": span.start.line,
            "column": span.start.col,
            "endLine": span.end.line,
            "endColumn": span.end.col,
        })
    };
    let items: Vec<_> = diagnostics
        .iter()
        .map(|d| {
            let mut item = json!({
                "severity": d.severity.as_str(),
                "code": d.code,
                "message": d.message,
            });
            if let (Some(span), Some(obj)) = (d.span, item.as_object_mut())
                && let Some(loc) = location(&span).as_object()
            {
                obj.extend(loc.clone());
            }
            item["related"] = d
                .related
                .iter()
                .map(|(s, label)| {
                    let mut l = location(s);
                    l["label"] = json!(label);
                    l
                })
                .collect();
            item["notes"] = json!(d.notes);
            item
        })
        .collect();
    json!({ "diagnostics": items })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{Pos, SourceFile};

    fn sources() -> Sources {
        let mut s = Sources::default();
        s.add(SourceFile {
            rel_path: "web.yaml".into(),
            display_path: "apps/web.yaml".into(),
            text: "spec:\n  replicas: \"three\"\n".into(),
        });
        s
    }

    fn span(line: u32, col: u32, end: u32) -> Span {
        Span {
            file: crate::source::FileId(0),
            start: Pos { line, col },
            end: Pos { line, col: end },
        }
    }

    #[test]
    fn text_has_location_line_and_caret() {
        let d = Diagnostic::error(
            "schema",
            span(2, 13, 20),
            "expected an integer, found a string",
        );
        let text = render_text(&[d], &sources());
        assert_eq!(
            text,
            "error[schema]: expected an integer, found a string\n --> apps/web.yaml:2:13\n  |\n2 |   replicas: \"three\"\n  |             ^^^^^^^\n\n"
        );
    }

    #[test]
    fn related_spans_and_notes_are_shown() {
        let d = Diagnostic::error("duplicate", span(2, 3, 11), "duplicate")
            .with_related(span(1, 1, 5), "first here")
            .with_note("rename one");
        let text = render_text(&[d], &sources());
        assert!(text.contains("::: apps/web.yaml:1:1"), "{text}");
        assert!(text.contains("^^^^ first here"), "{text}");
        assert!(text.contains("= note: rename one"), "{text}");
    }

    #[test]
    fn long_lines_are_windowed_around_the_span() {
        let mut s = Sources::default();
        s.add(SourceFile {
            rel_path: "x.yaml".into(),
            display_path: "x.yaml".into(),
            text: format!("{}XYZ{}\n", "a".repeat(5000), "b".repeat(5000)),
        });
        let d = Diagnostic::error("yaml", span(1, 5001, 5004), "here");
        let text = render_text(&[d], &s);
        assert!(text.len() < 600, "{text}");
        assert!(
            text.contains("…aaaa") && text.contains("XYZbbb") && text.contains("bbb…"),
            "{text}"
        );
        let caret_line = text.lines().find(|l| l.contains('^')).unwrap();
        let code_line = text.lines().find(|l| l.contains("XYZ")).unwrap();
        let col = |l: &str, i: usize| l[..i].chars().count();
        assert_eq!(
            col(caret_line, caret_line.find('^').unwrap()),
            col(code_line, code_line.find("XYZ").unwrap()),
            "{text}"
        );
    }

    #[test]
    fn json_carries_positions() {
        let d = Diagnostic::warning("yaml", span(2, 3, 4), "m");
        let v = render_json(&[d], &sources());
        assert_eq!(v["diagnostics"][0]["line"], 2);
        assert_eq!(v["diagnostics"][0]["column"], 3);
        assert_eq!(v["diagnostics"][0]["severity"], "warning");
    }
}
