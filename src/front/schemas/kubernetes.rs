//! The built-in Kubernetes kinds: `schema/kubernetes.schema.json`, the strict schema of every kind of
//! the Kubernetes version [`KUBERNETES_VERSION`] names (vendored by `schema/vendor-kubernetes.py`).
//!
//! The document is large (767 definitions), so nothing of it is compiled up front: it is parsed on a
//! thread of its own as soon as a [`super::Schemas`] is made ([`prefetch`]), and each kind's validator is compiled the first time an
//! object of that kind is checked, then kept for the rest of the process (shared by every
//! [`super::Schemas`] and every thread). The binary embeds the document without its descriptions
//! (`build.rs`); editors read the file itself.
//!
//! The document's root dispatches on `apiVersion` and `kind`: its first `allOf` entry refers to
//! `$defs/builtinKinds` (an object of a built-in API group names a version and a kind this Kubernetes
//! serves), and every other entry is `if` (this apiVersion and kind) `then` (`$ref` to the kind's
//! definition). That list is read here as the map of kinds, so the file and the binary cannot disagree.
//!
//! Deliberately not here: the wording of errors ([`super::messages`]) and custom resources
//! ([`super::crd`]).

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use jsonschema::{Registry, Validator};
use serde_json::{Value, json};

use super::{BASE_URI, FILES};

/// The Kubernetes version whose built-in kinds are validated strictly (`fanout --version` prints it).
pub const KUBERNETES_VERSION: &str = "1.37";

/// The file's name under `schema/`.
pub(super) const FILE: &str = "kubernetes.schema.json";

/// The file without descriptions, as `build.rs` writes it.
/// `schema/kubernetes.schema.json` without its descriptions (see build.rs).
pub const KUBERNETES_TEXT: &str = include_str!(concat!(env!("OUT_DIR"), "/kubernetes.schema.json"));
const TEXT: &str = KUBERNETES_TEXT;

static LOADED: OnceLock<Kubernetes> = OnceLock::new();

/// The parsed document, its kinds and the validators compiled so far.
pub(super) struct Kubernetes {
    pub(super) document: Arc<Value>,
    registry: Registry<'static>,
    /// `$defs/builtinKinds`, the check of `apiVersion` and `kind`.
    builtin: Validator,
    /// `(apiVersion, kind)` → the kind's definition and its validator once compiled.
    kinds: BTreeMap<(String, String), Kind>,
}

struct Kind {
    definition: String,
    validator: OnceLock<Validator>,
}

/// The loaded document, if something has loaded it (error messages read it).
pub(super) fn loaded() -> Option<&'static Kubernetes> {
    LOADED.get()
}

/// Starts parsing the document on a thread of its own, unless it is parsed already: the ~10 ms it
/// takes overlap with reading the repository, before the first object is validated.
pub(super) fn prefetch() {
    if LOADED.get().is_none() {
        std::thread::spawn(get);
    }
}

/// The document, parsed on first use. Panics if the embedded file is broken: a bug in fanout (a unit
/// test loads it).
pub(super) fn get() -> &'static Kubernetes {
    LOADED.get_or_init(Kubernetes::load)
}

impl Kubernetes {
    fn load() -> Kubernetes {
        let document: Arc<Value> = Arc::new(
            serde_json::from_str(TEXT)
                .unwrap_or_else(|e| panic!("embedded schema/{FILE} is not valid JSON: {e}")),
        );
        let kinds = read_kinds(&document);
        let defs = FILES
            .iter()
            .find(|(name, _)| *name == "defs.schema.json")
            .map(|(_, text)| serde_json::from_str::<Value>(text).expect("defs.schema.json"))
            .expect("defs.schema.json is embedded");
        let registry = Registry::new()
            .extend([
                (format!("{BASE_URI}{FILE}"), Arc::clone(&document)),
                (
                    format!("{BASE_URI}defs.schema.json"),
                    Arc::new(defs) as Arc<Value>,
                ),
            ])
            .and_then(|builder| builder.prepare())
            .unwrap_or_else(|e| panic!("embedded schema/{FILE} does not register: {e}"));
        let builtin = compile(&registry, "builtinKinds");
        Kubernetes {
            document,
            registry,
            builtin,
            kinds,
        }
    }

    /// The check of `apiVersion` and `kind` every object gets.
    pub(super) fn builtin(&self) -> &Validator {
        &self.builtin
    }

    /// The validator of a built-in kind, compiled on first use; `None` for any other kind.
    pub(super) fn kind(&self, api_version: &str, kind: &str) -> Option<&Validator> {
        let entry = self
            .kinds
            .get(&(api_version.to_string(), kind.to_string()))?;
        Some(
            entry
                .validator
                .get_or_init(|| compile(&self.registry, &entry.definition)),
        )
    }

    /// Every built-in `(apiVersion, kind)` and its definition's name, in order.
    #[cfg(test)]
    pub(super) fn kinds(&self) -> impl Iterator<Item = (&str, &str, &str)> {
        self.kinds
            .iter()
            .map(|((a, k), e)| (a.as_str(), k.as_str(), e.definition.as_str()))
    }
}

/// A validator of `$defs/<definition>`, resolved in the registry. Panics if it does not compile: the
/// embedded file is a bug in fanout then.
fn compile(registry: &Registry<'static>, definition: &str) -> Validator {
    let pointer = definition.replace('~', "~0").replace('/', "~1");
    let wrapper = json!({ "$ref": format!("{BASE_URI}{FILE}#/$defs/{pointer}") });
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .with_base_uri(format!("{BASE_URI}kinds/{pointer}"))
        .with_registry(registry)
        .offline()
        .build(&wrapper)
        .unwrap_or_else(|e| panic!("schema/{FILE}#/$defs/{definition} does not compile: {e}"))
}

/// The root's dispatch: every `{"if": {apiVersion, kind consts}, "then": {"$ref": "#/$defs/X"}}`.
fn read_kinds(document: &Value) -> BTreeMap<(String, String), Kind> {
    let mut kinds = BTreeMap::new();
    let entries = document["allOf"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    for entry in entries {
        let properties = &entry["if"]["properties"];
        let (Some(api_version), Some(kind), Some(target)) = (
            properties["apiVersion"]["const"].as_str(),
            properties["kind"]["const"].as_str(),
            entry["then"]["$ref"].as_str(),
        ) else {
            continue;
        };
        let definition = target
            .strip_prefix("#/$defs/")
            .unwrap_or_else(|| panic!("schema/{FILE}: unexpected reference {target}"));
        kinds.insert(
            (api_version.to_string(), kind.to_string()),
            Kind {
                definition: definition.to_string(),
                validator: OnceLock::new(),
            },
        );
    }
    kinds
}

#[cfg(test)]
mod tests;
