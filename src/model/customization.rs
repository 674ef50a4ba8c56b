//! A repository's `config.karmada.io/v1alpha1` `ResourceInterpreterCustomization`s → the rules fanout
//! applies without running Lua ([`Customizations`], read by [`crate::place::interpret`]).
//!
//! As Karmada's config manager does, customizations merge per target (exact `apiVersion` and `kind`) in
//! name order; Karmada's admission webhook refuses a second customization scripting the same hook of the
//! same target (dependency scripts excepted: they add up), and so does fanout, at the later one by name.
//! Three hooks decide placement and rendering, and are read by shape ([`lua`]):
//! - `replicaResource` (GetReplicas): the replicas at a path, or a constant, and the pod template whose
//!   requests and node claim are the per-pod requirements;
//! - `replicaRevision` (ReviseReplica): the path each cluster's replicas are written to;
//! - `dependencyInterpretation` (GetDependencies): the pod template whose ConfigMaps, Secrets,
//!   ServiceAccounts and PVCs follow the workload.
//!
//! Any other script in those hooks is an error at its `luaScript`, with the line and the reason. The
//! other hooks (health, status reflection and aggregation, retention, and `componentResource`, which
//! Karmada only reads with an alpha feature gate that is off by default) change nothing offline and are
//! accepted unread. An empty script is no script, as in Karmada.

pub mod lua;

use crate::diagnostic::Diagnostic;
use crate::front::classify::Object;
use crate::source::{Pos, Span};
use serde_json::Value;
use std::collections::BTreeMap;

pub use lua::{ReplicaSource, Replicas};

/// Every target's merged customization.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Customizations {
    /// By `(apiVersion, kind)`.
    targets: BTreeMap<(String, String), Customization>,
}

impl Customizations {
    /// The customization of an exact `apiVersion` and `kind`.
    pub fn get(&self, api_version: &str, kind: &str) -> Option<&Customization> {
        self.targets.get(&(api_version.to_owned(), kind.to_owned()))
    }
}

/// What the repository declares for one kind, each rule with the customization it comes from.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Customization {
    pub replicas: Option<Declared<Replicas>>,
    /// The pointer ReviseReplica writes.
    pub revise: Option<Declared<String>>,
    /// The pod templates of GetDependencies, one per script.
    pub dependencies: Vec<Declared<String>>,
}

/// A rule and the name of the `ResourceInterpreterCustomization` that declares it.
#[derive(Clone, Debug, PartialEq)]
pub struct Declared<T> {
    pub rule: T,
    pub name: String,
}

/// Karmada's hooks by field, with the operation name its webhook gives in a conflict.
const HOOKS: [(&str, &str); 8] = [
    ("retention", "Retain"),
    ("replicaResource", "InterpretReplica"),
    ("componentResource", "InterpretComponent"),
    ("replicaRevision", "ReviseReplica"),
    ("statusReflection", "InterpretStatus"),
    ("statusAggregation", "AggregateStatus"),
    ("healthInterpretation", "InterpretHealth"),
    ("dependencyInterpretation", "InterpretDependency"),
];

/// The shape each read hook must have, for messages.
fn shape(hook: &str) -> &'static str {
    match hook {
        "replicaResource" => {
            "`function GetReplicas(obj) replica = obj.<path> requirement = kube.accuratePodRequirements(obj.<path>) return replica, requirement end`"
        }
        "replicaRevision" => {
            "`function ReviseReplica(obj, desiredReplica) obj.<path> = desiredReplica return obj end`"
        }
        _ => {
            "`function GetDependencies(desiredObj) return kube.getPodDependencies(desiredObj.<path>, desiredObj.metadata.namespace) end`"
        }
    }
}

/// Where line `line` (1-based) of a script is in the file, when the script is a literal block (`|`)
/// whose lines are the file's lines from the block's indentation; else the whole script.
fn script_line(span: Span, script: &str, line: usize) -> Span {
    let lines: Vec<&str> = script.lines().collect();
    // a block scalar's span ends where the next token starts, before the block's indentation
    let spanned = span.end.line - span.start.line + u32::from(span.end.col > span.start.col);
    match lines.get(line.wrapping_sub(1)) {
        Some(text) if spanned as usize == lines.len() => {
            let at = span.start.line + line as u32 - 1;
            let indent = text.chars().take_while(|c| c.is_whitespace()).count() as u32;
            Span {
                file: span.file,
                start: Pos {
                    line: at,
                    col: span.start.col + indent,
                },
                end: Pos {
                    line: at,
                    col: span.start.col + text.chars().count() as u32,
                },
            }
        }
        _ => span,
    }
}

/// Resolve the schema-valid customizations among `objects`.
pub fn resolve<'o>(
    objects: impl IntoIterator<Item = &'o Object>,
) -> (Customizations, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut sorted: Vec<&Object> = objects.into_iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    let mut out = Customizations::default();
    // (target, hook) → the customization that scripts it first
    let mut owners: BTreeMap<(String, String, &str), String> = BTreeMap::new();
    for (i, o) in sorted.iter().enumerate() {
        if i > 0 && sorted[i - 1].name == o.name {
            diagnostics.push(Diagnostic::error(
                "duplicate",
                o.node.span_at("/metadata/name"),
                format!(
                    "ResourceInterpreterCustomization `{}` is declared twice",
                    o.name
                ),
            ));
            continue;
        }
        let json = o.json();
        let text = |p: &str| json.pointer(p).and_then(Value::as_str).unwrap_or("");
        let target = (
            text("/spec/target/apiVersion").to_owned(),
            text("/spec/target/kind").to_owned(),
        );
        let mut rules = Customization::default();
        for (hook, operation) in HOOKS {
            let at = format!("/spec/customizations/{hook}/luaScript");
            let script = text(&at);
            if script.is_empty() {
                continue;
            }
            if hook != "dependencyInterpretation" {
                let key = (target.0.clone(), target.1.clone(), hook);
                if let Some(first) = owners.get(&key) {
                    diagnostics.push(Diagnostic::error(
                        "conflict",
                        o.node.key_span_at(&format!("/spec/customizations/{hook}")),
                        format!(
                            "conflicting with InterpreterOperation({operation}) of existing ResourceInterpreterCustomization({first}): both customize `{hook}` of {} `{}`, and Karmada admits only one",
                            target.0, target.1
                        ),
                    ));
                    continue;
                }
                owners.insert(key, o.name.clone());
            }
            let name = o.name.clone();
            let read = match hook {
                "replicaResource" => lua::get_replicas(script)
                    .map(|rule| rules.replicas = Some(Declared { rule, name })),
                "replicaRevision" => lua::revise_replica(script)
                    .map(|rule| rules.revise = Some(Declared { rule, name })),
                "dependencyInterpretation" => lua::get_dependencies(script)
                    .map(|rule| rules.dependencies.push(Declared { rule, name })),
                _ => Ok(()),
            };
            if let Err(refusal) = read {
                diagnostics.push(Diagnostic::error(
                    "unsupported",
                    script_line(o.node.span_at(&at), script, refusal.line),
                    format!(
                        "`spec.customizations.{hook}` of ResourceInterpreterCustomization `{}`: fanout does not run Lua, and reads this hook only in the shape {}; line {} of the script: {}",
                        o.name,
                        shape(hook),
                        refusal.line,
                        refusal.message
                    ),
                ));
            }
        }
        let merged = out.targets.entry(target).or_default();
        if merged.replicas.is_none() {
            merged.replicas = rules.replicas;
        }
        if merged.revise.is_none() {
            merged.revise = rules.revise;
        }
        merged.dependencies.extend(rules.dependencies);
    }
    (out, diagnostics)
}
