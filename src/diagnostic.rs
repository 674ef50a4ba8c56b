//! Diagnostics: problems found in the user's repository, as data.
//!
//! A [`Diagnostic`] has a severity, a short code, a message, the span it is about, optional related spans
//! ("first defined here") and notes. Stages collect all their diagnostics and stop at their boundary;
//! [`render_text`] prints them rustc-style (`error[code]: message`, `--> path:line:col`, the source line with
//! a caret) and [`render_json`] as a stable JSON document. Rendering reads only [`Sources`], never the disk.
//!
//! Both keep Secret values out ([`mask`]): every source line shown has them replaced by `***`, and so has
//! every message, label and note that quotes one.

mod mask;

use crate::source::{Sources, Span};
use mask::Masks;
use serde_json::json;
use std::fmt::Write as _;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    /// Worth knowing, never a problem: not counted as a warning, hidden by `--quiet`.
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
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

    pub fn info(
        code: &'static str,
        span: impl Into<Option<Span>>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Info,
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
    if diagnostics.is_empty() {
        return out;
    }
    let masks = Masks::new(sources);
    for d in diagnostics {
        let style = match d.severity {
            Severity::Error => anstyle::AnsiColor::Red.on_default().bold(),
            Severity::Warning => anstyle::AnsiColor::Yellow.on_default().bold(),
            Severity::Info => anstyle::AnsiColor::Cyan.on_default().bold(),
        };
        let severity = match color {
            false => d.severity.as_str().to_owned(),
            true => format!("{style}{}{style:#}", d.severity.as_str()),
        };
        let spans = spans(d);
        let message = masks.message(&d.message, &spans);
        let _ = writeln!(out, "{severity}[{}]: {message}", d.code);
        let gutter = d
            .span
            .iter()
            .chain(d.related.iter().map(|(s, _)| s))
            .map(|s| s.start.line.to_string().len())
            .max()
            .unwrap_or(1);
        if let Some(span) = d.span {
            snippet(&mut out, sources, &masks, span, "", gutter, "-->");
        }
        for (span, label) in &d.related {
            let label = masks.message(label, &spans);
            snippet(&mut out, sources, &masks, *span, &label, gutter, ":::");
        }
        for note in &d.notes {
            let note = masks.message(note, &spans);
            let _ = writeln!(out, "{:gutter$} = note: {note}", "");
        }
        out.push('\n');
    }
    out
}

/// The spans a diagnostic points at: its own and the related ones.
fn spans(d: &Diagnostic) -> Vec<Span> {
    d.span
        .iter()
        .copied()
        .chain(d.related.iter().map(|(s, _)| *s))
        .collect()
}

fn snippet(
    out: &mut String,
    sources: &Sources,
    masks: &Masks,
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
    let Some(original) = file.line(span.start.line) else {
        return;
    };
    let original_end = if span.end.line == span.start.line {
        span.end.col
    } else {
        original.chars().count() as u32 + 1
    };
    let (full, masked) = masks.line(span.file, span.start.line, original);
    let width = full.chars().count() as u32;
    let mut start = mask::column(&masked, span.start.col)
        .saturating_sub(1)
        .min(width);
    let mut end = mask::column(&masked, original_end)
        .saturating_sub(1)
        .min(width);
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
        (full.into_owned(), 0)
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
    let masks = if diagnostics.is_empty() {
        Masks::default()
    } else {
        Masks::new(sources)
    };
    let items: Vec<_> = diagnostics
        .iter()
        .map(|d| {
            let spans = spans(d);
            let mut item = json!({
                "severity": d.severity.as_str(),
                "code": d.code,
                "message": masks.message(&d.message, &spans),
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
                    l["label"] = json!(masks.message(label, &spans));
                    l
                })
                .collect();
            let notes: Vec<String> = d.notes.iter().map(|n| masks.message(n, &spans)).collect();
            item["notes"] = json!(notes);
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

    /// A Secret that did not parse (a duplicate key): masked by the textual rule.
    fn secret_sources() -> Sources {
        let mut s = Sources::default();
        s.add(SourceFile {
            rel_path: "db.yaml".into(),
            display_path: "db.yaml".into(),
            text: "kind: Secret\nstringData:\n  enabled: on\n  password: CANARY-3141\n  password: CANARY-3141\n".into(),
        });
        s
    }

    #[test]
    fn secret_values_are_masked_in_lines_related_lines_and_messages() {
        let sources = secret_sources();
        let diagnostics = [
            Diagnostic::warning("ambiguous-scalar", span(3, 12, 14), "`on` is a string here"),
            Diagnostic::error("yaml", span(5, 3, 11), "duplicate key `password`")
                .with_related(span(4, 13, 24), "`CANARY-3141` first defined here")
                .with_note("it was CANARY-3141"),
        ];
        let text = render_text(&diagnostics, &sources);
        assert_eq!(
            text,
            "warning[ambiguous-scalar]: `***` is a string here\n --> db.yaml:3:12\n  |\n3 |   enabled: ***\n  |            ^^^\n\n\
             error[yaml]: duplicate key `password`\n --> db.yaml:5:3\n  |\n5 |   password: ***\n  |   ^^^^^^^^\n \
             ::: db.yaml:4:13\n  |\n4 |   password: ***\n  |             ^^^ `***` first defined here\n  = note: it was ***\n\n"
        );
        let json = render_json(&diagnostics, &sources).to_string();
        assert!(!json.contains("CANARY") && !json.contains("`on`"), "{json}");
        assert!(json.contains("duplicate key `password`"), "{json}");
    }

    #[test]
    fn long_lines_are_masked_before_they_are_windowed() {
        let mut s = Sources::default();
        let id = s.add(SourceFile {
            rel_path: "x.yaml".into(),
            display_path: "x.yaml".into(),
            text: format!("{}CANARY-3141{}\n", "a".repeat(500), "b".repeat(500)),
        });
        let secret = Span {
            file: id,
            start: Pos { line: 1, col: 501 },
            end: Pos { line: 1, col: 512 },
        };
        s.set_secret_values(id, vec![secret]);
        let text = render_text(&[Diagnostic::error("yaml", secret, "here")], &s);
        assert!(!text.contains("CANARY"), "{text}");
        let caret_line = text.lines().find(|l| l.contains('^')).unwrap();
        let code_line = text.lines().find(|l| l.contains("***")).unwrap();
        assert_eq!(
            caret_line
                .find('^')
                .map(|i| caret_line[..i].chars().count()),
            code_line
                .find("***")
                .map(|i| code_line[..i].chars().count()),
            "{text}"
        );
        assert!(caret_line.ends_with(" ^^^"), "{text}");
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
