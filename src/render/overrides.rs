//! Per-cluster differences: Karmada's OverridePolicy and ClusterOverridePolicy applied to one object for
//! one member cluster (`pkg/util/overridemanager`, `pkg/util/imageparser`; karmada-semantics.md §7).
//!
//! Input → output: [`policies_for`] picks, from the model, the override policies that select a resource,
//! in Karmada's application order; [`apply`] runs them for one target cluster over the object's JSON,
//! in place, or says which overrider failed and why ([`OverrideError`], located by a JSON pointer into
//! the policy's own YAML).
//!
//! Order (`overridemanager.go`): every matching ClusterOverridePolicy, then, for a namespaced object, every
//! matching OverridePolicy of its namespace; within each set ascending by implicit priority (no selectors
//! counts as match-all) and then by name, so the later, more specific policy wins. Within a policy, each rule
//! whose `targetCluster` is absent or matches; within a rule's `overriders`: image, command, args, labels,
//! annotations, field, plaintext, each list in order.
//!
//! Every overrider behaves as Karmada's code does, including its quirks, because the output must be what
//! Karmada would push to the member cluster:
//! - JSON patches follow `evanphx/json-patch/v5` as Karmada calls it: negative array indices count from
//!   the end, indices are parsed leniently (`+1`, `007`), a path's first segment is ignored when it does
//!   not start with `/`, removing a key keeps the order of the others. Paths are resolved here and the
//!   resolved, canonical operation is applied with the `json-patch` crate. After every patch of the whole
//!   object it must still be a JSON object with a `kind` (Karmada decodes it back into an `Unstructured`).
//! - Images are parsed with the docker reference grammar without `docker.io` normalisation; only the
//!   `containers` (not init containers) of Pod, ReplicaSet, Deployment, DaemonSet, StatefulSet and Job are
//!   touched unless a predicate names the path. The same kinds, matched by `kind` alone, get command and
//!   args overriders.
//! - A field overrider reads the string at `fieldPath` as JSON or as YAML, patches it and writes it back.
//!   JSON comes back compact, in its own key order, untouched numbers and strings spelled as they were,
//!   with Go's HTML escaping. YAML is read with yaml.v2's YAML 1.1 scalars (`yes` is a boolean, `017`
//!   octal, a plain `y` key becomes `"true"`) and written as yaml.v2 writes it: its key order (letters
//!   first, digit runs compared as numbers), 2-space indent, unindented sequences, literal blocks for
//!   multi-line strings, its choice of single or double quotes. An overrider with neither `json` nor
//!   `yaml` empties the field, as Karmada's does.
//!
//! Invariants: pure (no I/O), deterministic, never panics on any input; the object is left unspecified
//! when an error is returned, as Karmada discards it too. Error messages are fanout's own, not Karmada's.
//!
//! Known differences from Karmada, all in the text of YAML fields (same data, other spelling): serde-saphyr
//! never folds long lines (yaml.v2 folds plain scalars at 80 columns), writes non-integral floats with its
//! own exponent style (`1.0e-7` for yaml.v2's `1e-07`), quotes a few strings yaml.v2 leaves plain (`=`,
//! `<<`, `tRUE`, `1.2.3`, `2002-02-30`), writes characters outside the BMP unescaped, and indents blank
//! lines of literal blocks. Duplicate keys in a YAML field are an error here (yaml.v2 keeps the last).
//! Not done here: the number normalisation that Karmada's round trip through `Unstructured` applies to
//! the whole object (left to rendering).

use crate::model::api;
use crate::model::{Cluster, Model, OverridePolicy, Resource};
use crate::place::affinity::cluster_matches;
use crate::place::matching::{Match, best_match};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Map, Value};
use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt::Write as _;

/// Which override policies apply to `resource`, in Karmada's application order
/// (pkg/util/overridemanager/overridemanager.go): all matching ClusterOverridePolicies, then (namespaced
/// resources only) the matching OverridePolicies of its namespace; within each set sorted ascending by
/// implicit priority (empty resourceSelectors = match-all) then by name; later wins.
pub fn policies_for<'m>(model: &'m Model, resource: &Resource) -> Vec<&'m OverridePolicy> {
    ByNamespace::new(model).policies_for(resource)
}

/// The model's override policies grouped by namespace (`None`: ClusterOverridePolicies), built once so
/// that finding a resource's policies looks only at its own namespace's.
pub struct ByNamespace<'m>(HashMap<Option<&'m str>, Vec<&'m OverridePolicy>>);

impl<'m> ByNamespace<'m> {
    pub fn new(model: &'m Model) -> Self {
        let mut map: HashMap<Option<&'m str>, Vec<&'m OverridePolicy>> = HashMap::new();
        for p in &model.override_policies {
            map.entry(p.namespace.as_deref()).or_default().push(p);
        }
        ByNamespace(map)
    }

    /// See [`policies_for`].
    pub fn policies_for(&self, resource: &Resource) -> Vec<&'m OverridePolicy> {
        let ranked = |namespace: Option<&str>| {
            let mut found: Vec<(Match, &'m OverridePolicy)> = (self.0.get(&namespace))
                .into_iter()
                .flatten()
                .map(|&p| {
                    let rank = if p.selectors.is_empty() {
                        Match::All
                    } else {
                        best_match(resource, &p.selectors)
                    };
                    (rank, p)
                })
                .filter(|(rank, _)| *rank != Match::None)
                .collect();
            found.sort_by(|(ra, a), (rb, b)| ra.cmp(rb).then_with(|| a.name.cmp(&b.name)));
            found.into_iter().map(|(_, p)| p)
        };
        let mut out: Vec<&'m OverridePolicy> = ranked(None).collect();
        if let Some(ns) = resource.id.namespace.as_deref().filter(|ns| !ns.is_empty()) {
            out.extend(ranked(Some(ns)));
        }
        out
    }
}

/// Apply the policies for one target cluster to the object (JSON), rule by rule (a rule applies when it
/// has no targetCluster or `cluster_matches`), each overriders block in Karmada's order: imageOverrider,
/// commandOverrider, argsOverrider, labelsOverrider, annotationsOverrider, fieldOverrider, plaintext. Any
/// failing patch aborts the whole override for that cluster: return the error and leave `object`
/// unspecified.
pub fn apply(
    policies: &[&OverridePolicy],
    cluster: &Cluster,
    object: &mut Value,
) -> Result<(), OverrideError> {
    apply_rules(policies, &matching_rules(policies, cluster), object)
}

/// The rules that apply to `cluster`, as (policy index, rule index) in application order. Overriders do
/// not depend on the cluster otherwise, so two clusters with the same rules get the same object.
pub fn matching_rules(policies: &[&OverridePolicy], cluster: &Cluster) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (index, policy) in policies.iter().enumerate() {
        for (rule_index, rule) in policy.rules.iter().enumerate() {
            let applies = (rule.target_cluster.as_ref())
                .is_none_or(|target| cluster_matches(cluster, target).is_ok());
            if applies {
                out.push((index, rule_index));
            }
        }
    }
    out
}

/// Apply the given rules (from [`matching_rules`]) in order; see [`apply`].
pub fn apply_rules(
    policies: &[&OverridePolicy],
    rules: &[(usize, usize)],
    object: &mut Value,
) -> Result<(), OverrideError> {
    for &(index, rule_index) in rules {
        let policy = policies[index];
        let rule = &policy.rules[rule_index];
        apply_overriders(&rule.overriders, object).map_err(|f| OverrideError {
            policy: index,
            pointer: pointer_in_policy(policy, rule_index, &f.at),
            message: f.message,
        })?;
    }
    Ok(())
}

/// Why overriding one object for one cluster failed, and which overrider of which policy did it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OverrideError {
    /// Index of the failing policy in the slice given to `apply`.
    pub policy: usize,
    /// JSON pointer of the failing overrider inside the policy's own YAML, so the caller can point at it:
    /// e.g. "/spec/overrideRules/0/overriders/plaintext/1" (or "/spec/overriders/..." for the deprecated
    /// form); for a policy generated from a short form (`generated_for.is_some()`),
    /// `/spec/overrides/<rule index>`.
    pub pointer: String,
    /// lower case, no trailing period, names in backticks, e.g. "json patch `replace` at `/spec/foo`: path
    /// does not exist"
    pub message: String,
}

impl std::fmt::Display for OverrideError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for OverrideError {}

/// Where a rule's overriders live in the policy's YAML, joined with `at` (e.g. `plaintext/1`).
fn pointer_in_policy(policy: &OverridePolicy, rule: usize, at: &str) -> String {
    if policy.generated_for.is_some() {
        return format!("/spec/overrides/{rule}");
    }
    let listed = match policy.origin.node.at_pointer("/spec/overrideRules") {
        Some((_, node)) => match &node.value {
            crate::front::yaml::Value::Seq(items) => items.len(),
            _ => 0,
        },
        None => 0,
    };
    if rule < listed {
        format!("/spec/overrideRules/{rule}/overriders/{at}")
    } else {
        format!("/spec/overriders/{at}")
    }
}

/// A failure inside one `overriders` block: where (relative to the block) and why.
#[derive(Debug)]
struct Failure {
    at: String,
    message: String,
}

fn fail(at: String) -> impl FnOnce(String) -> Failure {
    move |message| Failure { at, message }
}

/// One `overriders` block, in Karmada's order (`applyPolicyOverriders`).
fn apply_overriders(ov: &api::Overriders, object: &mut Value) -> Result<(), Failure> {
    for (i, o) in ov.image_overrider.iter().enumerate() {
        let at = format!("imageOverrider/{i}");
        let ops = image_ops(object, o).map_err(fail(at.clone()))?;
        patch_object(object, &ops).map_err(fail(at))?;
    }
    for (field, list, name) in [
        ("command", &ov.command_overrider, "commandOverrider"),
        ("args", &ov.args_overrider, "argsOverrider"),
    ] {
        for (i, o) in list.iter().enumerate() {
            let at = format!("{name}/{i}");
            let ops = command_args_ops(object, field, o).map_err(fail(at.clone()))?;
            patch_object(object, &ops).map_err(fail(at))?;
        }
    }
    for (field, list, name) in [
        ("labels", &ov.labels_overrider, "labelsOverrider"),
        (
            "annotations",
            &ov.annotations_overrider,
            "annotationsOverrider",
        ),
    ] {
        for (i, o) in list.iter().enumerate() {
            let ops = map_ops(object, field, o);
            if !ops.is_empty() {
                patch_object(object, &ops).map_err(fail(format!("{name}/{i}")))?;
            }
        }
    }
    for (i, o) in ov.field_overrider.iter().enumerate() {
        field_override(object, o).map_err(|(sub, message)| Failure {
            at: format!("fieldOverrider/{i}{sub}"),
            message,
        })?;
    }
    let ops: Vec<Op> = ov
        .plaintext
        .iter()
        .map(|p| Op::new(&p.operator, &p.path, p.value.clone().unwrap_or(Value::Null)))
        .collect();
    match patch(object, &ops) {
        Ok(()) => still_an_object(object).map_err(fail("plaintext".into())),
        Err((i, message)) => Err(Failure {
            at: format!("plaintext/{i}"),
            message,
        }),
    }
}

// ---------------------------------------------------------------------------------------------------
// JSON patch with evanphx/json-patch/v5 addressing
// ---------------------------------------------------------------------------------------------------

/// One RFC 6902 operation as Karmada builds it (`overrideOption`): an absent value is JSON `null`.
#[derive(Clone, Debug, PartialEq)]
struct Op {
    op: String,
    path: String,
    value: Value,
}

impl Op {
    fn new(op: &str, path: &str, value: Value) -> Op {
        Op {
            op: op.to_owned(),
            path: path.to_owned(),
            value,
        }
    }
}

/// A patch of the whole object: applied, then the object must still decode as an `Unstructured`.
fn patch_object(object: &mut Value, ops: &[Op]) -> Result<(), String> {
    patch(object, ops).map_err(|(_, message)| message)?;
    still_an_object(object)
}

/// What `Unstructured.UnmarshalJSON` demands of a patched object.
fn still_an_object(object: &Value) -> Result<(), String> {
    match object {
        Value::Object(m) => match m.get("kind") {
            Some(Value::String(k)) if !k.is_empty() => Ok(()),
            _ => Err("after the patch the object has no `kind`".into()),
        },
        _ => Err("after the patch the object is no longer a JSON object".into()),
    }
}

/// Apply operations in order; on failure, the index of the failing operation and why.
fn patch(doc: &mut Value, ops: &[Op]) -> Result<(), (usize, String)> {
    for (i, op) in ops.iter().enumerate() {
        apply_op(doc, op)
            .map_err(|why| (i, format!("json patch `{}` at `{}`: {why}", op.op, op.path)))?;
    }
    Ok(())
}

/// RFC 6901 token decoding as evanphx does it (`~1` → `/`, `~0` → `~`, anything else kept).
fn decode_token(token: &str) -> String {
    let mut out = String::with_capacity(token.len());
    let mut chars = token.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('~', Some('1')) => {
                out.push('/');
                chars.next();
            }
            ('~', Some('0')) => {
                out.push('~');
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}

/// Go's `strconv.Atoi`: optional sign, decimal digits, 64-bit range.
fn go_atoi(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.strip_prefix('+').unwrap_or(s).parse().ok()
}

/// Resolve a (possibly negative) array index against a length, as evanphx does for get, replace and
/// remove; `None` when out of range.
fn existing_index(key: &str, len: usize) -> Result<usize, String> {
    let idx = go_atoi(key).ok_or_else(|| format!("`{key}` is not an array index"))?;
    let len = len as i128;
    let mut i = i128::from(idx);
    if i < 0 {
        i += len;
    }
    if (0..len).contains(&i) {
        usize::try_from(i).map_err(|_| format!("index `{key}` is out of range"))
    } else {
        Err(format!("index `{key}` is out of range"))
    }
}

fn apply_op(doc: &mut Value, op: &Op) -> Result<(), String> {
    use json_patch::jsonptr::PointerBuf;
    if !matches!(op.op.as_str(), "add" | "remove" | "replace") {
        return Err(format!("unsupported operator `{}`", op.op));
    }
    if op.path.is_empty() && op.op != "remove" {
        // The whole document is replaced; evanphx only accepts a container.
        if !(op.value.is_object() || op.value.is_array()) {
            return Err("a whole document must be an object or an array".into());
        }
        *doc = op.value.clone();
        return Ok(());
    }
    let split: Vec<&str> = op.path.split('/').collect();
    let (parents, last): (&[&str], &str) = if op.path.is_empty() {
        (&[], "")
    } else if split.len() < 2 {
        return Err("path does not exist".into());
    } else {
        (&split[1..split.len() - 1], split[split.len() - 1])
    };
    let mut tokens: Vec<String> = Vec::with_capacity(parents.len() + 1);
    let mut node: &Value = doc;
    for part in parents {
        let token = decode_token(part);
        node = match node {
            Value::Object(m) => {
                let next = m.get(&token).ok_or("path does not exist")?;
                tokens.push(token);
                next
            }
            Value::Array(items) => {
                let i = existing_index(&token, items.len()).map_err(|_| "path does not exist")?;
                tokens.push(i.to_string());
                &items[i]
            }
            _ => return Err("path does not exist".into()),
        };
        if !(node.is_object() || node.is_array()) {
            return Err("path does not exist".into());
        }
    }
    let key = decode_token(last);
    let parent = PointerBuf::from_tokens(tokens.iter().map(String::as_str));
    let mut removed_at: Option<(usize, usize)> = None;
    let target: String = match node {
        Value::Object(m) => {
            if op.op != "add" {
                let Some(pos) = m.keys().position(|k| *k == key) else {
                    return Err("path does not exist".into());
                };
                removed_at = Some((pos, m.len()));
            }
            key
        }
        Value::Array(items) => {
            let len = items.len();
            if op.op == "add" {
                if key == "-" {
                    len.to_string()
                } else {
                    let idx =
                        go_atoi(&key).ok_or_else(|| format!("`{key}` is not an array index"))?;
                    let size = len as i128 + 1;
                    let mut i = i128::from(idx);
                    if i >= size || i < -size {
                        return Err(format!("index `{key}` is out of range"));
                    }
                    if i < 0 {
                        i += size;
                    }
                    i.to_string()
                }
            } else {
                existing_index(&key, len)?.to_string()
            }
        }
        _ => return Err("path does not exist".into()),
    };
    let mut path = parent.clone();
    path.push_back(target.as_str());
    let operation = match op.op.as_str() {
        "add" => json_patch::PatchOperation::Add(json_patch::AddOperation {
            path,
            value: op.value.clone(),
        }),
        "remove" => json_patch::PatchOperation::Remove(json_patch::RemoveOperation { path }),
        _ => json_patch::PatchOperation::Replace(json_patch::ReplaceOperation {
            path,
            value: op.value.clone(),
        }),
    };
    json_patch::patch(doc, &[operation]).map_err(|e| e.kind.to_string())?;
    if op.op == "remove" {
        // serde_json's `remove` swaps the last key into the hole; Go keeps the order: move it back.
        if let (Some((pos, len)), Some(Value::Object(m))) =
            (removed_at, doc.pointer_mut(parent.as_str()))
            && pos + 1 < len
            && let Some(moved) = m.keys().nth(pos).cloned()
            && let Some(v) = m.shift_remove(&moved)
        {
            m.insert(moved, v);
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------------
// Images (pkg/util/imageparser, imageoverride.go)
// ---------------------------------------------------------------------------------------------------

/// An image as Karmada's `imageparser.Components`: at most one of tag and digest is kept.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Image {
    hostname: String,
    repository: String,
    tag: String,
    digest: String,
}

impl std::fmt::Display for Image {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if !self.hostname.is_empty() {
            write!(f, "{}/", self.hostname)?;
        }
        f.write_str(&self.repository)?;
        if !self.tag.is_empty() {
            write!(f, ":{}", self.tag)
        } else if !self.digest.is_empty() {
            write!(f, "@{}", self.digest)
        } else {
            Ok(())
        }
    }
}

impl Image {
    /// `reference.Parse` (distribution/reference v0.6) then Karmada's own hostname split.
    fn parse(s: &str) -> Result<Image, &'static str> {
        let Some((name, tag, digest)) = reference_parts(s) else {
            if s.is_empty() {
                return Err("repository name must have at least one component");
            }
            if reference_parts(&s.to_lowercase()).is_some() {
                return Err("repository name must be lowercase");
            }
            return Err("invalid reference format");
        };
        let path = match name.split_once('/') {
            Some((domain, rest)) if is_domain_and_port(domain) && is_remote_name(rest) => rest,
            _ => name,
        };
        if path.len() > 255 {
            return Err("repository name must not be more than 255 characters");
        }
        if let Some(d) = digest {
            validate_digest(d)?;
        }
        let (hostname, repository) = split_hostname(name);
        let mut image = Image {
            hostname: hostname.to_owned(),
            repository: repository.to_owned(),
            ..Image::default()
        };
        match (tag, digest) {
            (Some(t), _) => image.tag = t.to_owned(),
            (None, Some(d)) => image.digest = d.to_owned(),
            (None, None) => {}
        }
        Ok(image)
    }

    fn tag_or_digest(&self) -> &str {
        if self.tag.is_empty() {
            &self.digest
        } else {
            &self.tag
        }
    }

    /// A valid tag replaces tag and digest; else a valid digest does; else nothing changes.
    fn set_tag_or_digest(&mut self, input: &str) {
        if is_tag(input) {
            self.tag = input.to_owned();
            self.digest.clear();
        } else if is_digest(input) {
            self.digest = input.to_owned();
            self.tag.clear();
        }
    }

    fn remove_tag_or_digest(&mut self) {
        if !self.tag.is_empty() {
            self.tag.clear();
        } else {
            self.digest.clear();
        }
    }
}

/// The reference grammar `name(:tag)?(@digest)?`, split into its parts when `s` matches it.
fn reference_parts(s: &str) -> Option<(&str, Option<&str>, Option<&str>)> {
    let (rest, digest) = match s.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (s, None),
    };
    // A tag cannot hold `/` or `:`, a port is always followed by `/`: the last `:` with no `/` after it
    // starts the tag.
    let (name, tag) = match rest.rsplit_once(':') {
        Some((n, t)) if !t.contains('/') => (n, Some(t)),
        _ => (rest, None),
    };
    let ok = is_name(name) && tag.is_none_or(is_tag) && digest.is_none_or(is_digest);
    ok.then_some((name, tag, digest))
}

/// `(?:domainAndPort/)?remoteName`.
fn is_name(s: &str) -> bool {
    if let Some((domain, rest)) = s.split_once('/')
        && is_domain_and_port(domain)
        && is_remote_name(rest)
    {
        return true;
    }
    is_remote_name(s)
}

/// Path components `[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*` joined by `/`.
fn is_remote_name(s: &str) -> bool {
    s.split('/').all(|component| {
        let bytes = component.as_bytes();
        let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
        if bytes.is_empty() || !alnum(bytes[0]) || !alnum(bytes[bytes.len() - 1]) {
            return false;
        }
        let mut i = 0;
        while i < bytes.len() {
            if alnum(bytes[i]) {
                i += 1;
                continue;
            }
            let start = i;
            while i < bytes.len() && !alnum(bytes[i]) {
                i += 1;
            }
            let sep = &component[start..i];
            if !(sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|b| b == b'-')) {
                return false;
            }
        }
        true
    })
}

/// `(?:domainName|\[ipv6\])(?::[0-9]+)?`.
fn is_domain_and_port(s: &str) -> bool {
    let (host, port) = if let Some(inner) = s.strip_prefix('[') {
        let Some((addr, after)) = inner.split_once(']') else {
            return false;
        };
        if addr.is_empty() || !addr.bytes().all(|b| b.is_ascii_hexdigit() || b == b':') {
            return false;
        }
        match after {
            "" => return true,
            p => match p.strip_prefix(':') {
                Some(port) => ("", Some(port)),
                None => return false,
            },
        }
    } else {
        match s.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (s, None),
        }
    };
    let domain_ok = host.is_empty() && s.starts_with('[')
        || host.split('.').all(|c| {
            let b = c.as_bytes();
            !b.is_empty()
                && b[0].is_ascii_alphanumeric()
                && b[b.len() - 1].is_ascii_alphanumeric()
                && b.iter().all(|x| x.is_ascii_alphanumeric() || *x == b'-')
        });
    domain_ok && port.is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// `[\w][\w.-]{0,127}`.
fn is_tag(s: &str) -> bool {
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 128
        && word(b[0])
        && b[1..].iter().all(|&x| word(x) || x == b'.' || x == b'-')
}

/// `[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][[:xdigit:]]{32,}`.
fn is_digest(s: &str) -> bool {
    let Some((algorithm, hex)) = s.split_once(':') else {
        return false;
    };
    let components_ok = algorithm.split(['-', '_', '+', '.']).all(|c| {
        let b = c.as_bytes();
        !b.is_empty() && b[0].is_ascii_alphabetic() && b.iter().all(u8::is_ascii_alphanumeric)
    });
    components_ok && hex.len() >= 32 && hex.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `digest.Parse` (opencontainers/go-digest) with the algorithms Karmada links in.
fn validate_digest(d: &str) -> Result<(), &'static str> {
    let Some((algorithm, encoded)) = d.split_once(':') else {
        return Err("invalid checksum digest format");
    };
    let size = match algorithm {
        "sha256" => 64,
        "sha384" => 96,
        "sha512" => 128,
        _ => {
            let lower = |c: &str| {
                !c.is_empty()
                    && c.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            };
            let algorithm_ok = algorithm.split(['.', '+', '_', '-']).all(lower);
            let encoded_ok = !encoded.is_empty()
                && encoded
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'=' || b == b'_' || b == b'-');
            return Err(if algorithm_ok && encoded_ok {
                "unsupported digest algorithm"
            } else {
                "invalid checksum digest format"
            });
        }
    };
    if encoded.len() != size {
        return Err("invalid checksum digest length");
    }
    if !encoded
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err("invalid checksum digest format");
    }
    Ok(())
}

/// Karmada's `SplitHostname`: the part before the first `/` is a registry when it holds `.` or `:` or
/// is `localhost`.
fn split_hostname(name: &str) -> (&str, &str) {
    match name.split_once('/') {
        Some((host, rest)) if host.contains(['.', ':']) || host == "localhost" => (host, rest),
        _ => ("", name),
    }
}

/// The image after one overrider (`overrideImage`).
fn override_image(image: &str, o: &api::ImageOverrider) -> Result<String, String> {
    let mut c = Image::parse(image).map_err(|e| format!("cannot parse image `{image}`: {e}"))?;
    let op = o.operator.as_str();
    match o.component.as_str() {
        "Registry" => match op {
            "add" => c.hostname.push_str(&o.value),
            "replace" => c.hostname.clone_from(&o.value),
            "remove" => c.hostname.clear(),
            _ => {}
        },
        "Repository" => match op {
            "add" => c.repository.push_str(&o.value),
            "replace" => c.repository.clone_from(&o.value),
            "remove" => c.repository.clear(),
            _ => {}
        },
        "Tag" => match op {
            "add" => {
                let joined = format!("{}{}", c.tag_or_digest(), o.value);
                c.set_tag_or_digest(&joined);
            }
            "replace" => c.set_tag_or_digest(&o.value),
            "remove" => c.remove_tag_or_digest(),
            _ => {}
        },
        other => return Err(format!("unsupported image component `{other}`")),
    }
    Ok(c.to_string())
}

const TEMPLATE_KINDS: [&str; 5] = [
    "ReplicaSet",
    "Deployment",
    "DaemonSet",
    "StatefulSet",
    "Job",
];

/// Where the pod spec of a workload kind is, as path segments (`None`: Karmada leaves the kind alone).
fn pod_spec_segments(object: &Value) -> Option<&'static [&'static str]> {
    match object.get("kind").and_then(Value::as_str).unwrap_or("") {
        "Pod" => Some(&["spec"]),
        k if TEMPLATE_KINDS.contains(&k) => Some(&["spec", "template", "spec"]),
        _ => None,
    }
}

/// The replace operations of one image overrider (`buildPatches`).
fn image_ops(object: &Value, o: &api::ImageOverrider) -> Result<Vec<Op>, String> {
    if let Some(predicate) = &o.predicate {
        let path = &predicate.path;
        let image =
            predicate_image(object, path).map_err(|e| format!("image predicate `{path}`: {e}"))?;
        if !path.starts_with('/') {
            return Err(format!("image predicate `{path}` must start with `/`"));
        }
        let new = override_image(&image, o)?;
        return Ok(vec![Op::new("replace", path, Value::String(new))]);
    }
    let Some(segments) = pod_spec_segments(object) else {
        return Ok(Vec::new());
    };
    // Karmada converts the object to its typed form first: null or absent parts mean no containers.
    let mut node = object;
    let mut walked = String::new();
    for seg in segments {
        walked.push('.');
        walked.push_str(seg);
        match node.get(*seg) {
            None | Some(Value::Null) => return Ok(Vec::new()),
            Some(v @ Value::Object(_)) => node = v,
            Some(_) => return Err(format!("`{walked}` is not an object")),
        }
    }
    let containers = match node.get("containers") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(_) => return Err(format!("`{walked}.containers` is not a list")),
    };
    let prefix = format!("/{}", segments.join("/"));
    let mut ops = Vec::with_capacity(containers.len());
    for (i, c) in containers.iter().enumerate() {
        let image = match c {
            Value::Null => "",
            Value::Object(m) => match m.get("image") {
                None | Some(Value::Null) => "",
                Some(Value::String(s)) => s,
                Some(_) => return Err(format!("`{walked}.containers[{i}].image` is not a string")),
            },
            _ => return Err(format!("`{walked}.containers[{i}]` is not an object")),
        };
        let path = format!("{prefix}/containers/{i}/image");
        let new =
            override_image(image, o).map_err(|e| format!("container image at `{path}`: {e}"))?;
        ops.push(Op::new("replace", &path, Value::String(new)));
    }
    Ok(ops)
}

/// Karmada's `obtainImageValue`: plain `/`-separated segments (no `~` escapes), a list step takes the
/// next segment as its index.
fn predicate_image(object: &Value, path: &str) -> Result<String, String> {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let mut current = object
        .as_object()
        .ok_or("the object is not a JSON object")?;
    let mut i = 0;
    while i + 1 < segments.len() {
        match current.get(segments[i]) {
            Some(Value::Object(m)) => current = m,
            Some(Value::Array(items)) => {
                let index_text = segments[i + 1];
                let index = go_atoi(index_text)
                    .filter(|n| i32::try_from(*n).is_ok())
                    .ok_or_else(|| format!("`{index_text}` is not a list index"))?;
                current = usize::try_from(index)
                    .ok()
                    .and_then(|n| items.get(n))
                    .ok_or_else(|| format!("index `{index_text}` is out of range"))?
                    .as_object()
                    .ok_or_else(|| format!("item `{index_text}` is not an object"))?;
                i += 1;
            }
            _ => return Err(format!("`{}` is not an object or a list", segments[i])),
        }
        i += 1;
    }
    let last = segments[segments.len() - 1];
    match current.get(last) {
        Some(Value::String(s)) => Ok(s.clone()),
        _ => Err(format!("`{last}` is not a string")),
    }
}

// ---------------------------------------------------------------------------------------------------
// Command and args (commandargsoverride.go)
// ---------------------------------------------------------------------------------------------------

/// The operations of one command or args overrider: for each container of that name, `add` the list
/// when it is absent or null, else `replace` it.
fn command_args_ops(
    object: &Value,
    field: &str,
    o: &api::CommandArgsOverrider,
) -> Result<Vec<Op>, String> {
    let Some(segments) = pod_spec_segments(object) else {
        return Ok(Vec::new());
    };
    let segments: Vec<&str> = segments.iter().copied().chain(["containers"]).collect();
    // `unstructured.NestedSlice`: a null or absent step means none, any other non-object is an error.
    let mut node = object;
    for (i, seg) in segments.iter().enumerate() {
        if node.is_null() {
            return Ok(Vec::new());
        }
        let Value::Object(m) = node else {
            return Err(format!("`.{}` is not an object", segments[..i].join(".")));
        };
        match m.get(*seg) {
            None => return Ok(Vec::new()),
            Some(v) => node = v,
        }
    }
    let Value::Array(containers) = node else {
        return Err(format!("`.{}` is not a list", segments.join(".")));
    };
    let base = segments.join("/");
    let mut ops = Vec::new();
    for (i, c) in containers.iter().enumerate() {
        let Value::Object(c) = c else {
            return Err(format!("`.{}[{i}]` is not an object", segments.join(".")));
        };
        if c.get("name").and_then(Value::as_str) != Some(o.container_name.as_str()) {
            continue;
        }
        let path = format!("/{base}/{i}/{field}");
        let (op, current) = match c.get(field) {
            None | Some(Value::Null) => ("add", Vec::new()),
            Some(Value::Array(items)) => {
                let strings = items
                    .iter()
                    .map(|v| v.as_str().map(str::to_owned))
                    .collect::<Option<Vec<String>>>()
                    .ok_or_else(|| {
                        format!(
                            "`{field}` of container `{}` holds a non-string item",
                            o.container_name
                        )
                    })?;
                ("replace", strings)
            }
            Some(_) => {
                return Err(format!(
                    "`{field}` of container `{}` is not a list",
                    o.container_name
                ));
            }
        };
        let new: Vec<Value> = match o.operator.as_str() {
            "add" => current.into_iter().chain(o.value.iter().cloned()).collect(),
            "remove" => current
                .into_iter()
                .filter(|v| !o.value.contains(v))
                .collect(),
            _ => current,
        }
        .into_iter()
        .map(Value::String)
        .collect();
        ops.push(Op::new(op, &path, Value::Array(new)));
    }
    Ok(ops)
}

// ---------------------------------------------------------------------------------------------------
// Labels and annotations (labelannotationoverrider.go)
// ---------------------------------------------------------------------------------------------------

/// `unstructured.NestedStringMap(obj, "metadata", field)`: `None` when absent, null, not a map, or
/// holding a non-string value.
fn string_map<'a>(object: &'a Value, field: &str) -> Option<&'a Map<String, Value>> {
    let map = object
        .get("metadata")?
        .as_object()?
        .get(field)?
        .as_object()?;
    map.values().all(Value::is_string).then_some(map)
}

/// The operations of one labels or annotations overrider. `add` first makes the map exist (replacing one
/// that is not a map of strings, as Karmada does); `replace` and `remove` skip keys that do not exist.
fn map_ops(object: &mut Value, field: &str, o: &api::MapOverrider) -> Vec<Op> {
    let mut ops = Vec::new();
    for (key, value) in &o.value {
        let skip = match o.operator.as_str() {
            "remove" | "replace" => !string_map(object, field).is_some_and(|m| m.contains_key(key)),
            "add" => string_map(object, field).is_none() && !reset_map(object, field),
            _ => false,
        };
        if skip {
            continue;
        }
        // Only `/` is escaped, as in Karmada: `~` is not valid in label or annotation keys.
        let path = format!("/metadata/{field}/{}", key.replace('/', "~1"));
        ops.push(Op::new(&o.operator, &path, Value::String(value.clone())));
    }
    ops
}

/// `unstructured.SetNestedStringMap(obj, {}, "metadata", field)`; false when `metadata` is not a map.
fn reset_map(object: &mut Value, field: &str) -> bool {
    let Some(root) = object.as_object_mut() else {
        return false;
    };
    let metadata = root
        .entry("metadata")
        .or_insert_with(|| Value::Object(Map::new()));
    match metadata {
        Value::Object(m) => {
            m.insert(field.to_owned(), Value::Object(Map::new()));
            true
        }
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------------------
// Field overrider (applyFieldOverriders)
// ---------------------------------------------------------------------------------------------------

/// One field overrider; on failure, the pointer suffix within it (`/json/0`, or empty) and why.
fn field_override(object: &mut Value, f: &api::FieldOverrider) -> Result<(), (String, String)> {
    let whole = |e: String| (String::new(), e);
    let path = &f.field_path;
    let slot = field_slot(object, path).map_err(whole)?;
    let Value::String(text) = slot else {
        return Err(whole(format!("field `{path}` is not a string")));
    };
    let new = if !f.yaml.is_empty() {
        patch_yaml_text(text, &f.yaml).map_err(|(at, e)| match at {
            Some(j) => (format!("/yaml/{j}"), e),
            None => (String::new(), format!("field `{path}`: {e}")),
        })?
    } else if !f.json.is_empty() {
        patch_json_text(text, &f.json).map_err(|(at, e)| match at {
            Some(j) => (format!("/json/{j}"), e),
            None => (String::new(), format!("field `{path}`: {e}")),
        })?
    } else {
        String::new()
    };
    *slot = Value::String(new);
    Ok(())
}

/// go-openapi/jsonpointer `Get`, returning the slot so it can be `Set` afterwards.
fn field_slot<'a>(object: &'a mut Value, path: &str) -> Result<&'a mut Value, String> {
    if path.is_empty() {
        return Ok(object);
    }
    let Some(rest) = path.strip_prefix('/') else {
        return Err(format!("field path `{path}` must start with `/`"));
    };
    let mut node = object;
    for raw in rest.split('/') {
        let token = raw.replace("~1", "/").replace("~0", "~");
        node = match node {
            Value::Object(m) => m
                .get_mut(&token)
                .ok_or_else(|| format!("field `{path}` does not exist"))?,
            Value::Array(items) => {
                let len = items.len();
                go_atoi(&token)
                    .and_then(|i| usize::try_from(i).ok())
                    .filter(|i| *i < len)
                    .and_then(|i| items.get_mut(i))
                    .ok_or_else(|| format!("field `{path}` does not exist"))?
            }
            _ => return Err(format!("field `{path}` does not exist")),
        };
    }
    Ok(node)
}

fn sub_ops(list: &[api::FieldPatch]) -> Vec<Op> {
    list.iter()
        .map(|p| {
            Op::new(
                &p.operator,
                &p.sub_path,
                p.value.clone().unwrap_or(Value::Null),
            )
        })
        .collect()
}

/// Error of a text patch: the failing sub-operation, if one failed, and why.
type TextError = (Option<usize>, String);

/// `applyRawJSONPatch`: empty text is left alone; otherwise the result is compact, in key order.
fn patch_json_text(text: &str, list: &[api::FieldPatch]) -> Result<String, TextError> {
    if text.is_empty() {
        return Ok(String::new());
    }
    let mut doc: Value =
        serde_json::from_str(text).map_err(|e| (None, format!("not valid JSON: {e}")))?;
    // evanphx reads the document as an array only when its very first byte is `[`.
    if !(text.starts_with('[') || doc.is_object() || doc.is_null()) {
        return Err((None, "not a JSON object".into()));
    }
    patch(&mut doc, &sub_ops(list)).map_err(|(i, e)| (Some(i), e))?;
    if doc.is_null() {
        return Err((None, "the patched document is not an object".into()));
    }
    let raw = raw_leaves(text);
    let mut out = String::new();
    go_json(&doc, &mut String::new(), &raw, &mut out);
    Ok(out)
}

/// The source text of every string and number of a valid JSON document, by JSON pointer: evanphx keeps
/// the spelling of values a patch does not touch (`1.0`, `10.50`, `"\u00e9"`).
fn raw_leaves(text: &str) -> std::collections::HashMap<String, &str> {
    struct Scan<'t> {
        text: &'t str,
        pos: usize,
        found: std::collections::HashMap<String, &'t str>,
    }
    impl<'t> Scan<'t> {
        fn peek(&mut self) -> Option<u8> {
            while let Some(&b) = self.text.as_bytes().get(self.pos) {
                if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                    self.pos += 1;
                } else {
                    return Some(b);
                }
            }
            None
        }
        fn string(&mut self) -> &'t str {
            let start = self.pos;
            let bytes = self.text.as_bytes();
            self.pos += 1;
            while let Some(&b) = bytes.get(self.pos) {
                self.pos += if b == b'\\' { 2 } else { 1 };
                if b == b'"' {
                    break;
                }
            }
            self.text.get(start..self.pos).unwrap_or("")
        }
        fn value(&mut self, pointer: &mut String) {
            let len = pointer.len();
            match self.peek() {
                Some(b'{') => {
                    self.pos += 1;
                    while let Some(b) = self.peek() {
                        match b {
                            b'}' => {
                                self.pos += 1;
                                break;
                            }
                            b',' => self.pos += 1,
                            b'"' => {
                                let key: String =
                                    serde_json::from_str(self.string()).unwrap_or_default();
                                self.peek();
                                self.pos += 1; // the colon
                                pointer.push('/');
                                pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
                                self.value(pointer);
                                pointer.truncate(len);
                            }
                            _ => return,
                        }
                    }
                }
                Some(b'[') => {
                    self.pos += 1;
                    let mut index = 0usize;
                    while let Some(b) = self.peek() {
                        match b {
                            b']' => {
                                self.pos += 1;
                                break;
                            }
                            b',' => self.pos += 1,
                            _ => {
                                let _ = write!(pointer, "/{index}");
                                self.value(pointer);
                                pointer.truncate(len);
                                index += 1;
                            }
                        }
                    }
                }
                Some(b'"') => {
                    let raw = self.string();
                    self.found.insert(pointer.clone(), raw);
                }
                Some(_) => {
                    let start = self.pos;
                    let bytes = self.text.as_bytes();
                    while bytes.get(self.pos).is_some_and(|b| {
                        !matches!(b, b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r')
                    }) {
                        self.pos += 1;
                    }
                    if self.pos == start {
                        self.pos += 1;
                    } else if let Some(raw) = self.text.get(start..self.pos) {
                        self.found.insert(pointer.clone(), raw);
                    }
                }
                None => {}
            }
        }
    }
    let mut scan = Scan {
        text,
        pos: 0,
        found: std::collections::HashMap::new(),
    };
    scan.value(&mut String::new());
    scan.found
}

/// `applyRawYAMLPatch`: YAML → JSON → patch → YAML, as `sigs.k8s.io/yaml` with yaml.v2 does it.
fn patch_yaml_text(text: &str, list: &[api::FieldPatch]) -> Result<String, TextError> {
    let mut doc = read_yaml11(text).map_err(|e| (None, e))?;
    if !(doc.is_object() || doc.is_array() || doc.is_null()) {
        return Err((None, "not a YAML mapping or sequence".into()));
    }
    patch(&mut doc, &sub_ops(list)).map_err(|(i, e)| (Some(i), e))?;
    write_yaml_v2(&doc).map_err(|e| (None, e))
}

// ---------------------------------------------------------------------------------------------------
// Reading YAML the way yaml.v2 does (YAML 1.1 scalars)
// ---------------------------------------------------------------------------------------------------

/// The first document of `text` as JSON, plain scalars resolved with yaml.v2's rules. fanout's reader
/// resolves with YAML 1.2; the source text of each plain scalar is resolved again here.
fn read_yaml11(text: &str) -> Result<Value, String> {
    let parsed = crate::front::yaml::parse(
        crate::source::FileId(u32::MAX),
        text,
        crate::front::yaml::Limits::default(),
    );
    if let Some(e) = parsed
        .diagnostics
        .iter()
        .find(|d| d.severity == crate::diagnostic::Severity::Error)
    {
        return Err(e.message.clone());
    }
    let lines: Vec<&str> = text.split('\n').collect();
    match parsed.documents.first() {
        Some(doc) => node_to_json11(&doc.root, &lines),
        None => Ok(Value::Null),
    }
}

/// The source text of a plain scalar on one line (a leading anchor `&a` removed), or `None` when the
/// node is quoted, tagged, a block scalar or spans lines.
fn plain_source(span: crate::source::Span, lines: &[&str]) -> Option<String> {
    if span.start.line != span.end.line {
        return None;
    }
    let line = lines.get(usize::try_from(span.start.line).ok()?.checked_sub(1)?)?;
    let from = usize::try_from(span.start.col).ok()?.checked_sub(1)?;
    let count = usize::try_from(span.end.col.saturating_sub(span.start.col)).ok()?;
    let slice: String = line.chars().skip(from).take(count).collect();
    let text = match slice.strip_prefix('&') {
        Some(anchored) => anchored
            .split_once([' ', '\t'])
            .map(|(_, rest)| rest.trim_start().to_owned())?,
        None => slice,
    };
    (!text.starts_with(['\'', '"', '!', '|', '>', '*'])).then_some(text)
}

fn node_to_json11(node: &crate::front::yaml::Node, lines: &[&str]) -> Result<Value, String> {
    use crate::front::yaml::Value as Y;
    let source = || plain_source(node.span, lines);
    Ok(match &node.value {
        Y::Seq(items) => Value::Array(
            items
                .iter()
                .map(|n| node_to_json11(n, lines))
                .collect::<Result<_, _>>()?,
        ),
        Y::Map(entries) => {
            let mut map = Map::new();
            for (key, value) in entries {
                let text = match plain_source(key.span, lines) {
                    Some(src) => key_text11(&src)?,
                    None => key.text.clone(),
                };
                map.insert(text, node_to_json11(value, lines)?);
            }
            Value::Object(map)
        }
        Y::Str(s) => match source() {
            Some(src) if src == *s => resolve11(s)?,
            _ => Value::String(s.clone()),
        },
        Y::Null | Y::Bool(_) | Y::Int(_) | Y::Float(_) => match source() {
            Some(src) => resolve11(&src)?,
            None => node.to_json(),
        },
    })
}

/// A mapping key as `sigs.k8s.io/yaml` turns a resolved key back into text (floats at 32 bits).
fn key_text11(text: &str) -> Result<String, String> {
    Ok(match resolve_scalar11(text) {
        None => text.to_owned(),
        Some(Scalar11::Null) => return Err(format!("the mapping key `{text}` is null")),
        Some(Scalar11::Bool(b)) => b.to_string(),
        Some(Scalar11::Int(i)) => i.to_string(),
        Some(Scalar11::UInt(u)) => u.to_string(),
        Some(Scalar11::Float(f)) if f.is_nan() => ".nan".into(),
        Some(Scalar11::Float(f)) if f.is_infinite() => {
            if f > 0.0 { ".inf" } else { "-.inf" }.into()
        }
        Some(Scalar11::Float(f)) => {
            #[allow(clippy::cast_possible_truncation)]
            let narrow = f as f32;
            if narrow.is_infinite() {
                if narrow > 0.0 { ".inf" } else { "-.inf" }.into()
            } else {
                go_format_g(&format!("{narrow:e}"))
            }
        }
    })
}

/// A value yaml.v2 gives a non-string meaning to, or `None` for a string.
#[derive(Debug, PartialEq)]
enum Scalar11 {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
}

/// yaml.v2's `resolve("", text)` for a plain scalar (timestamps stay strings when decoding into
/// `interface{}`, as there).
fn resolve_scalar11(text: &str) -> Option<Scalar11> {
    match text {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Some(Scalar11::Bool(true));
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Some(Scalar11::Bool(false));
        }
        "" | "~" | "null" | "Null" | "NULL" => return Some(Scalar11::Null),
        ".nan" | ".NaN" | ".NAN" => return Some(Scalar11::Float(f64::NAN)),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Some(Scalar11::Float(f64::INFINITY));
        }
        "-.inf" | "-.Inf" | "-.INF" => return Some(Scalar11::Float(f64::NEG_INFINITY)),
        _ => {}
    }
    let first = text.as_bytes()[0];
    if first == b'.' {
        return go_parse_float(text).map(Scalar11::Float);
    }
    if !(first.is_ascii_digit() || first == b'+' || first == b'-') {
        return None;
    }
    if is_timestamp(text) {
        return None;
    }
    let plain = text.replace('_', "");
    if let Some(i) = go_parse_int(&plain) {
        return Some(Scalar11::Int(i));
    }
    if let Some(u) = go_parse_uint(&plain) {
        return Some(Scalar11::UInt(u));
    }
    if is_yaml_style_float(&plain) {
        return go_parse_float(&plain).map(Scalar11::Float);
    }
    None
}

fn resolve11(text: &str) -> Result<Value, String> {
    Ok(match resolve_scalar11(text) {
        None => Value::String(text.to_owned()),
        Some(Scalar11::Null) => Value::Null,
        Some(Scalar11::Bool(b)) => Value::Bool(b),
        Some(Scalar11::Int(i)) => Value::from(i),
        Some(Scalar11::UInt(u)) => Value::from(u),
        Some(Scalar11::Float(f)) => serde_json::Number::from_f64(f)
            .map(Value::Number)
            .ok_or_else(|| format!("`{text}` cannot be represented in JSON"))?,
    })
}

/// Go's `strconv.ParseInt(s, 0, 64)` (underscores already removed).
fn go_parse_int(s: &str) -> Option<i64> {
    let (negative, digits) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let magnitude = go_parse_uint(digits)?;
    if negative {
        0i64.checked_sub_unsigned(magnitude)
    } else {
        i64::try_from(magnitude).ok()
    }
}

/// Go's `strconv.ParseUint(s, 0, 64)`: `0x`, `0o`, `0b` and a leading `0` (octal) prefixes.
fn go_parse_uint(s: &str) -> Option<u64> {
    let lower = s.get(..2).map(str::to_ascii_lowercase);
    let (radix, digits) = match lower.as_deref() {
        Some("0x") => (16, &s[2..]),
        Some("0o") => (8, &s[2..]),
        Some("0b") => (2, &s[2..]),
        _ if s.len() > 1 && s.starts_with('0') => (8, &s[1..]),
        _ => (10, s),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    u64::from_str_radix(digits, radix).ok()
}

/// Go's `strconv.ParseFloat(s, 64)` for decimal text: out-of-range values are errors.
fn go_parse_float(s: &str) -> Option<f64> {
    let ok = s
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'));
    let f: f64 = if ok { s.parse().ok()? } else { return None };
    f.is_finite().then_some(f)
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_style_float(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", frac)) => digits(frac),
        Some((int, frac)) => digits(int) && (frac.is_empty() || digits(frac)),
        None => digits(mantissa),
    };
    mantissa_ok && exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e)))
}

/// yaml.v2's `parseTimestamp`: four digits and `-`, then one of its four layouts.
fn is_timestamp(s: &str) -> bool {
    fn num(s: &str, min: usize, max: usize) -> Option<(u32, &str)> {
        let n = s.bytes().take_while(u8::is_ascii_digit).count();
        if n < min || n > max {
            return None;
        }
        Some((s[..n].parse().ok()?, &s[n..]))
    }
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let parse = || -> Option<()> {
        let (year, rest) = num(s, 4, 4)?;
        let (month, rest) = num(rest.strip_prefix('-')?, 1, 2)?;
        let (day, rest) = num(rest.strip_prefix('-')?, 1, 2)?;
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        if day == 0 || day > days {
            return None;
        }
        if rest.is_empty() {
            return Some(());
        }
        let zoned = rest.starts_with(['T', 't']);
        let rest = rest.strip_prefix(['T', 't', ' '])?;
        let (hour, rest) = num(rest, 1, 2)?;
        let (minute, rest) = num(rest.strip_prefix(':')?, 1, 2)?;
        let (second, mut rest) = num(rest.strip_prefix(':')?, 1, 2)?;
        if hour > 23 || minute > 59 || second > 59 {
            return None;
        }
        if let Some(frac) = rest.strip_prefix('.') {
            let n = frac.bytes().take_while(u8::is_ascii_digit).count();
            if n == 0 {
                return None;
            }
            rest = &frac[n..];
        }
        if !zoned {
            return rest.is_empty().then_some(());
        }
        if rest == "Z" {
            return Some(());
        }
        let zone = rest.strip_prefix(['+', '-'])?;
        let (h, zone) = num(zone, 2, 2)?;
        let (m, zone) = num(zone.strip_prefix(':')?, 2, 2)?;
        (zone.is_empty() && h < 24 && m < 60).then_some(())
    };
    parse().is_some()
}

// ---------------------------------------------------------------------------------------------------
// Writing YAML the way yaml.v2 does
// ---------------------------------------------------------------------------------------------------

/// How yaml.v2 writes a string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

/// A value ready for serde-saphyr: keys in yaml.v2 order, each string with yaml.v2's style.
#[derive(Debug)]
enum Out<'a> {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(&'a str, Style),
    Seq(Vec<Out<'a>>),
    Map(Vec<(Out<'a>, Out<'a>)>),
}

impl Serialize for Out<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Out::Null => s.serialize_unit(),
            Out::Bool(b) => s.serialize_bool(*b),
            Out::Int(i) => s.serialize_i64(*i),
            Out::UInt(u) => s.serialize_u64(*u),
            Out::Float(f) => s.serialize_f64(*f),
            Out::Str(text, Style::Single) => serde_saphyr::SingleQuoted(*text).serialize(s),
            Out::Str(text, Style::Double) => serde_saphyr::DoubleQuoted(*text).serialize(s),
            Out::Str(text, Style::Plain | Style::Literal) => s.serialize_str(text),
            Out::Seq(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Out::Map(entries) => {
                let mut map = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

/// `yaml.Marshal` of what `yaml.Unmarshal` makes of the JSON text (`JSONToYAML`).
fn write_yaml_v2(doc: &Value) -> Result<String, String> {
    let out = to_out(doc);
    let mut options = serde_saphyr::SerializerOptions::default();
    options.indent_step = 2;
    options.compact_list_indent = true;
    options.empty_as_braces = true;
    options.prefer_block_scalars = true;
    options.min_fold_chars = usize::MAX;
    options.folded_wrap_chars = usize::MAX;
    options.yaml_12 = false;
    let mut text = serde_saphyr::to_string_with_options(&out, options)
        .map_err(|e| format!("cannot write YAML: {e}"))?;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

fn to_out(v: &Value) -> Out<'_> {
    match v {
        Value::Null => Out::Null,
        Value::Bool(b) => Out::Bool(*b),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Out::Int(i)
            } else if let Some(u) = n.as_u64() {
                Out::UInt(u)
            } else {
                // Go writes integral floats as integers in JSON, which yaml.v2 then reads as ints.
                let f = n.as_f64().unwrap_or(0.0);
                #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
                let int = (f.fract() == 0.0 && f.abs() < 9.0e18).then_some(f as i64);
                int.map_or(Out::Float(f), Out::Int)
            }
        }
        Value::String(s) => Out::Str(s, yaml_v2_style(s, false)),
        Value::Array(items) => Out::Seq(items.iter().map(to_out).collect()),
        Value::Object(m) => {
            let mut entries: Vec<(&String, &Value)> = m.iter().collect();
            merge_sort_by(&mut entries, &|a, b| yaml_v2_key_order(a.0, b.0));
            Out::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| (Out::Str(k, yaml_v2_style(k, true)), to_out(v)))
                    .collect(),
            )
        }
    }
}

/// A stable merge sort that cannot panic whatever the comparison does.
fn merge_sort_by<T: Copy>(items: &mut [T], cmp: &dyn Fn(&T, &T) -> Ordering) {
    if items.len() < 2 {
        return;
    }
    let mid = items.len() / 2;
    merge_sort_by(&mut items[..mid], cmp);
    merge_sort_by(&mut items[mid..], cmp);
    let (left, right) = items.split_at(mid);
    let mut merged = Vec::with_capacity(items.len());
    let (mut i, mut j) = (0, 0);
    while i < left.len() && j < right.len() {
        if cmp(&right[j], &left[i]) == Ordering::Less {
            merged.push(right[j]);
            j += 1;
        } else {
            merged.push(left[i]);
            i += 1;
        }
    }
    merged.extend_from_slice(&left[i..]);
    merged.extend_from_slice(&right[j..]);
    items.copy_from_slice(&merged);
}

/// yaml.v2's `keyList.Less` for string keys: letters before other characters, runs of digits compared
/// as numbers.
fn yaml_v2_key_order(a: &str, b: &str) -> Ordering {
    let less = |a: &[char], b: &[char]| -> bool {
        let digit = |c: char| c.is_ascii_digit() || (!c.is_ascii() && c.is_numeric());
        let value = |c: char| i64::from(u32::from(c)) - i64::from(u32::from('0'));
        for i in 0..a.len().min(b.len()) {
            if a[i] == b[i] {
                continue;
            }
            let (al, bl) = (a[i].is_alphabetic(), b[i].is_alphabetic());
            if al && bl {
                return a[i] < b[i];
            }
            if al || bl {
                return bl;
            }
            let (mut an, mut bn) = (0i64, 0i64);
            if a[i] == '0' || b[i] == '0' {
                for j in (0..i).rev() {
                    if !digit(a[j]) {
                        break;
                    }
                    if a[j] != '0' {
                        an = 1;
                        bn = 1;
                        break;
                    }
                }
            }
            let mut ai = i;
            while ai < a.len() && digit(a[ai]) {
                an = an.wrapping_mul(10).wrapping_add(value(a[ai]));
                ai += 1;
            }
            let mut bi = i;
            while bi < b.len() && digit(b[bi]) {
                bn = bn.wrapping_mul(10).wrapping_add(value(b[bi]));
                bi += 1;
            }
            if an != bn {
                return an < bn;
            }
            if ai != bi {
                return ai < bi;
            }
            return a[i] < b[i];
        }
        a.len() < b.len()
    };
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if less(&a, &b) {
        Ordering::Less
    } else if less(&b, &a) {
        Ordering::Greater
    } else {
        Ordering::Equal
    }
}

/// yaml.v2's `stringv` and libyaml's scalar analysis in block context.
fn yaml_v2_style(s: &str, key: bool) -> Style {
    let can_plain = resolve_scalar11_nonempty(s).is_none() && !is_base60_float(s);
    let a = analyze_scalar(s);
    let mut style = if s.contains('\n') {
        Style::Literal
    } else if can_plain {
        Style::Plain
    } else {
        Style::Double
    };
    if style == Style::Plain && (!a.block_plain_allowed || (s.is_empty() && key)) {
        style = Style::Single;
    }
    // serde-saphyr cannot write U+2028 or U+2029 in single quotes (yaml.v2 breaks the line there).
    if style == Style::Single && (!a.single_quoted_allowed || s.contains(['\u{2028}', '\u{2029}']))
    {
        style = Style::Double;
    }
    if style == Style::Literal && (!a.block_allowed || key) {
        style = Style::Double;
    }
    style
}

/// [`resolve_scalar11`] that treats the empty string as null, as yaml.v2 does.
fn resolve_scalar11_nonempty(s: &str) -> Option<Scalar11> {
    if s.is_empty() {
        Some(Scalar11::Null)
    } else {
        resolve_scalar11(s)
    }
}

/// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`.
fn is_base60_float(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (main, frac) = match s.split_once('.') {
        Some((m, f)) => (m, Some(f)),
        None => (s, None),
    };
    if frac.is_some_and(|f| !f.bytes().all(|b| b.is_ascii_digit() || b == b'_')) {
        return false;
    }
    let mut parts = main.split(':');
    let head = parts.next().unwrap_or("");
    let head_ok = head.as_bytes().first().is_some_and(u8::is_ascii_digit)
        && head.bytes().all(|b| b.is_ascii_digit() || b == b'_');
    let mut sexagesimal = 0;
    for part in parts {
        let b = part.as_bytes();
        let ok = match b {
            [d] => d.is_ascii_digit(),
            [t, d] => (b'0'..=b'5').contains(t) && d.is_ascii_digit(),
            _ => false,
        };
        if !ok {
            return false;
        }
        sexagesimal += 1;
    }
    head_ok && sexagesimal > 0
}

struct Analysis {
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

/// libyaml's `yaml_emitter_analyze_scalar` as yaml.v2 carries it (unicode output on).
fn analyze_scalar(s: &str) -> Analysis {
    if s.is_empty() {
        return Analysis {
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let printable = |c: char| {
        matches!(c, '\n' | '\u{20}'..='\u{7e}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}')
            && c != '\u{feff}'
    };
    let is_break = |c: char| matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}');
    let is_blank = |c: char| c == ' ' || c == '\t';
    let chars: Vec<char> = s.chars().collect();
    let mut block_indicators = s.starts_with("---") || s.starts_with("...");
    let (mut special, mut line_breaks) = (false, false);
    let (mut leading_space, mut leading_break) = (false, false);
    let (mut trailing_space, mut trailing_break) = (false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut previous_space, mut previous_break) = (false, false);
    let mut preceded_by_whitespace = true;
    for (i, &c) in chars.iter().enumerate() {
        let followed_by_whitespace = chars.get(i + 1).is_none_or(|&n| is_blank(n));
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => block_indicators = true,
                '?' | ':' | '-' if followed_by_whitespace => block_indicators = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_by_whitespace => block_indicators = true,
                '#' if preceded_by_whitespace => block_indicators = true,
                _ => {}
            }
        }
        if !printable(c) {
            special = true;
        }
        let last = i + 1 == chars.len();
        if c == ' ' {
            leading_space |= i == 0;
            trailing_space |= last;
            break_space |= previous_break;
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            line_breaks = true;
            leading_break |= i == 0;
            trailing_break |= last;
            space_break |= previous_space;
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = is_blank(c) || is_break(c) || c == '\0';
    }
    let mut a = Analysis {
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.block_plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
        a.block_allowed = false;
    }
    if line_breaks || block_indicators {
        a.block_plain_allowed = false;
    }
    a
}

// ---------------------------------------------------------------------------------------------------
// Go number and JSON formatting
// ---------------------------------------------------------------------------------------------------

/// Go's `strconv.FormatFloat(x, 'g', -1, bits)`, given Rust's shortest `{:e}` text of `x` at that width.
fn go_format_g(sci: &str) -> String {
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let Ok(exp) = exp.parse::<i64>() else {
        return sci.to_owned();
    };
    if digits.is_empty() {
        return sci.to_owned();
    }
    let mut out = String::new();
    if mantissa.starts_with('-') {
        out.push('-');
    }
    if !(-4..6).contains(&exp) {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let _ = write!(out, "e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs());
    } else if exp < 0 {
        out.push_str("0.");
        for _ in 0..(-exp - 1) {
            out.push('0');
        }
        out.push_str(&digits);
    } else {
        let point = usize::try_from(exp).unwrap_or(0) + 1;
        if digits.len() <= point {
            out.push_str(&digits);
            for _ in digits.len()..point {
                out.push('0');
            }
        } else {
            out.push_str(&digits[..point]);
            out.push('.');
            out.push_str(&digits[point..]);
        }
    }
    out
}

/// Go's `encoding/json` (as forked by evanphx/json-patch) with HTML escaping, compact. A string or
/// number whose source spelling is known at the same pointer, for the same value, keeps that spelling
/// (with HTML characters escaped, as Go's `Compact` does).
fn go_json(
    v: &Value,
    pointer: &mut String,
    raw: &std::collections::HashMap<String, &str>,
    out: &mut String,
) {
    if let (Some(text), Value::String(_) | Value::Number(_)) = (raw.get(pointer.as_str()), v)
        && serde_json::from_str::<Value>(text).is_ok_and(|original| original == *v)
    {
        for c in text.chars() {
            match c {
                '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                    let _ = write!(out, "\\u{:04x}", u32::from(c));
                }
                c => out.push(c),
            }
        }
        return;
    }
    let len = pointer.len();
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                let _ = write!(out, "{i}");
            } else if let Some(u) = n.as_u64() {
                let _ = write!(out, "{u}");
            } else {
                go_json_float(n.as_f64().unwrap_or(0.0), out);
            }
        }
        Value::String(s) => go_json_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let _ = write!(pointer, "/{i}");
                go_json(item, pointer, raw, out);
                pointer.truncate(len);
            }
            out.push(']');
        }
        Value::Object(m) => {
            out.push('{');
            for (i, (k, item)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                go_json_string(k, out);
                out.push(':');
                pointer.push('/');
                pointer.push_str(&k.replace('~', "~0").replace('/', "~1"));
                go_json(item, pointer, raw, out);
                pointer.truncate(len);
            }
            out.push('}');
        }
    }
}

/// A float64 as Go's JSON encoder writes it: `%f` between 1e-6 and 1e21, else `%e` with `e-7`, `e+21`.
fn go_json_float(f: f64, out: &mut String) {
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let sci = format!("{f:e}");
        let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        let _ = if exp < 0 {
            write!(out, "{mantissa}e-{}", -exp)
        } else {
            write!(out, "{mantissa}e+{exp:02}")
        };
    } else {
        let _ = write!(out, "{f}");
    }
}

fn go_json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests;
