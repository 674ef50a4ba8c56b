//! `.fanout/schedule.tsv`: the schedule result of every placed object, as Karmada keeps it on the
//! ResourceBinding, written with each render and read back by the next one as the previous result
//! ([`crate::place::steady`]). Not YAML, so no GitOps controller applies it.
//!
//! ```text
//! # fanout schedule v1: the previous result the next render starts from (see README)
//! # apiVersion→kind→namespace→name→placement→affinityTerm→clusters
//! apps/v1→Deployment→shop→web→1f0c2a9e8d7b6a5c→-→aws-eu-1=3,gcp-us-1=2
//! v1→ConfigMap→shop→web-config→0a1b2c3d4e5f6a7b→-→aws-eu-1,gcp-us-1
//! ```
//!
//! (`→` stands for a tab.) One line per object its own policy placed (a dependency that only follows its workloads has none),
//! sorted; tab-separated: the object (`-` as the namespace of a cluster-scoped one), the fingerprint of
//! the placement it was scheduled with (everything but `clusterAffinities`), the `clusterAffinities`
//! term last used as `name@fingerprint` (`-` for none), and `spec.clusters`: `cluster=replicas` for
//! workloads, `cluster` for objects without replicas, `-` for none. Fields are escaped: a byte outside
//! `[A-Za-z0-9._:/-]` is written `%XX`.
//!
//! [`parse`] is strict: the first line must be the header above, and any line it cannot read makes the
//! whole file an error (with its line number); a file is used whole or not at all. Lines naming objects
//! that are not in the repository any more are ignored (Karmada ignores a binding without its template).
//!
//! Pure: text in, text out; the edges read and write the file.

use crate::model::{Model, ObjectRef};
use crate::place::Decision;
use crate::place::steady::{History, Previous};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The file, relative to the output directory.
pub const SCHEDULE_FILE: &str = ".fanout/schedule.tsv";

/// The first line: names the format and its version.
pub const HEADER: &str = "# fanout schedule v1";

/// The file for these decisions.
pub fn to_text(model: &Model, decisions: &[Decision]) -> String {
    let mut lines = Vec::new();
    for d in decisions {
        let Some(record) = &d.record else {
            continue;
        };
        lines.push(line(
            &model.resources[d.resource].id,
            &record.placement,
            record.term.as_ref(),
            &record.clusters,
        ));
    }
    file(lines)
}

/// The file for previous results (as `fanout adopt-bindings` makes them).
pub fn history_text(history: &History) -> String {
    let lines = history
        .iter()
        .map(|(id, prev)| {
            let clusters: Vec<(String, Option<i32>)> = (prev.clusters.iter())
                .map(|(c, n)| (c.clone(), Some(*n)))
                .collect();
            line(id, &prev.placement, prev.term.as_ref(), &clusters)
        })
        .collect();
    file(lines)
}

fn line(
    id: &ObjectRef,
    placement: &str,
    term: Option<&(String, String)>,
    clusters: &[(String, Option<i32>)],
) -> String {
    let term = match term {
        Some((name, hash)) => format!("{}@{hash}", escape(name)),
        None => "-".into(),
    };
    let clusters: Vec<String> = (clusters.iter())
        .map(|(c, replicas)| match replicas {
            Some(n) => format!("{}={n}", escape(c)),
            None => escape(c),
        })
        .collect();
    let clusters = if clusters.is_empty() {
        "-".to_owned()
    } else {
        clusters.join(",")
    };
    format!(
        "{}\t{}\t{}\t{}\t{placement}\t{term}\t{clusters}",
        escape(&id.api_version),
        escape(&id.kind),
        id.namespace.as_deref().map_or("-".into(), escape),
        escape(&id.name),
    )
}

fn file(mut lines: Vec<String>) -> String {
    lines.sort();
    let mut out = format!(
        "{HEADER}: the previous result the next render starts from (see README)\n\
         # apiVersion\tkind\tnamespace\tname\tplacement\taffinityTerm\tclusters\n"
    );
    for l in lines {
        let _ = writeln!(out, "{l}");
    }
    out
}

/// A line of the file that cannot be read: its number (from 1) and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineError {
    pub line: usize,
    pub message: String,
}

/// The previous results in `text`, or every line that is wrong.
pub fn parse(text: &str) -> Result<History, Vec<LineError>> {
    let mut errors = Vec::new();
    let mut history = History::new();
    let mut seen: BTreeMap<ObjectRef, usize> = BTreeMap::new();
    let total = text.split('\n').count();
    let mut lines = text.split('\n').enumerate();
    match lines.next() {
        Some((_, first)) if first.starts_with(HEADER) => {}
        _ => {
            return Err(vec![LineError {
                line: 1,
                message: format!(
                    "not a fanout schedule file: the first line must start with `{HEADER}`"
                ),
            }]);
        }
    }
    for (i, line) in lines {
        let number = i + 1;
        if line.is_empty() && number == total {
            break; // the newline ending the last line
        }
        if line.starts_with('#') {
            continue;
        }
        match parse_line(line) {
            Ok((id, prev)) => {
                if let Some(first) = seen.insert(id.clone(), number) {
                    errors.push(LineError {
                        line: number,
                        message: format!("`{id}` is listed twice (first on line {first})"),
                    });
                }
                history.insert(id, prev);
            }
            Err(message) => errors.push(LineError {
                line: number,
                message,
            }),
        }
    }
    if errors.is_empty() {
        Ok(history)
    } else {
        Err(errors)
    }
}

fn parse_line(line: &str) -> Result<(ObjectRef, Previous), String> {
    let fields: Vec<&str> = line.split('\t').collect();
    let [
        api_version,
        kind,
        namespace,
        name,
        placement,
        term,
        clusters,
    ] = fields[..]
    else {
        return Err(format!(
            "expected 7 tab-separated fields (apiVersion, kind, namespace, name, placement, affinityTerm, clusters), found {}",
            fields.len()
        ));
    };
    let field = |what: &str, s: &str| -> Result<String, String> {
        let v = unescape(s)
            .ok_or_else(|| format!("{what} `{}` is not escaped text", s.escape_debug()))?;
        if v.is_empty() {
            return Err(format!("{what} is empty"));
        }
        Ok(v)
    };
    let id = ObjectRef {
        api_version: field("apiVersion", api_version)?,
        kind: field("kind", kind)?,
        namespace: match namespace {
            "-" => None,
            ns => Some(field("namespace", ns)?),
        },
        name: field("name", name)?,
    };
    if !is_hash(placement) {
        return Err(format!(
            "placement `{}` is not a fingerprint (16 hexadecimal digits)",
            placement.escape_debug()
        ));
    }
    let term = match term {
        "-" => None,
        t => {
            let (name, hash) = t
                .rsplit_once('@')
                .filter(|(_, h)| is_hash(h))
                .ok_or_else(|| {
                    format!(
                        "affinityTerm `{}` is neither `-` nor `name@fingerprint`",
                        t.escape_debug()
                    )
                })?;
            Some((field("affinity term name", name)?, hash.to_owned()))
        }
    };
    let mut list: Vec<(String, i32)> = Vec::new();
    if clusters != "-" {
        for entry in clusters.split(',') {
            let (cluster, replicas) = match entry.split_once('=') {
                Some((c, n)) => {
                    let n: i32 = n.parse().ok().filter(|n| *n >= 0).ok_or_else(|| {
                        format!(
                            "replicas `{}` of a cluster are not a number of 0 or more",
                            n.escape_debug()
                        )
                    })?;
                    (c, n)
                }
                None => (entry, 0),
            };
            let cluster = field("cluster", cluster)?;
            if list.iter().any(|(c, _)| *c == cluster) {
                return Err(format!("cluster `{cluster}` is listed twice"));
            }
            list.push((cluster, replicas));
        }
    }
    list.sort();
    Ok((
        id,
        Previous {
            placement: placement.to_owned(),
            term,
            clusters: list,
        },
    ))
}

fn is_hash(s: &str) -> bool {
    s.len() == 16 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'/' | b'-') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn unescape(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = s.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'/' | b'-') => {
                out.push(b);
                i += 1;
            }
            _ => return None,
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "# fanout schedule v1: x\n# comment\napps/v1\tDeployment\tshop\tweb\t0123456789abcdef\t-\tb=2,a=3\nv1\tNamespace\t-\tshop\t0123456789abcdef\tprimary@fedcba9876543210\ta,b\n";

    #[test]
    fn a_file_is_read_whole() {
        let h = parse(GOOD).unwrap();
        assert_eq!(h.len(), 2);
        let web = ObjectRef {
            api_version: "apps/v1".into(),
            kind: "Deployment".into(),
            namespace: Some("shop".into()),
            name: "web".into(),
        };
        assert_eq!(h[&web].clusters, vec![("a".into(), 3), ("b".into(), 2)]);
        let ns = h.keys().find(|k| k.kind == "Namespace").unwrap();
        assert_eq!(ns.namespace, None);
        assert_eq!(
            h[ns].term,
            Some(("primary".into(), "fedcba9876543210".into()))
        );
    }

    #[test]
    fn every_bad_line_is_reported_and_nothing_is_used() {
        let text = format!(
            "{GOOD}apps/v1\tDeployment\tshop\tweb\t0123456789abcdef\t-\ta=1\nx\ty\nv1\tA\t-\tn\tnothex\t-\t-\nv1\tA\t-\tn\t0123456789abcdef\t-\ta=-1\nv1\tA\t-\tn\t0123456789abcdef\t-\ta,a\nv1\tA\t-\tn%zz\t0123456789abcdef\t-\t-\n"
        );
        let errors = parse(&text).unwrap_err();
        let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [5, 6, 7, 8, 9, 10], "{errors:?}");
        assert!(errors[0].message.contains("listed twice (first on line 3)"));
        assert!(
            parse("apps/v1\tDeployment\n").unwrap_err()[0]
                .message
                .contains("first line")
        );
        assert!(parse("").is_err());
        assert!(parse("# fanout schedule v1\n\n").unwrap_err()[0].line == 2);
    }

    #[test]
    fn names_round_trip_through_the_escapes() {
        for s in ["plain-name.x", "tab\there", "a,b=c@d%e f", "ünï"] {
            assert_eq!(unescape(&escape(s)).as_deref(), Some(s));
        }
        assert!(!escape("a\tb,c=d@e").contains(['\t', ',', '=', '@']));
    }
}
