//! Output file names: one per object, distinct for distinct objects, within what file systems accept.
//!
//! `<namespace>/<Kind>[.<group>]_<name>.yaml` (`_cluster/` for cluster-scoped objects). Each part is
//! escaped: bytes outside `[A-Za-z0-9-]` become `%XX`, except `.` in the group and `.` and `_` in the
//! name. So the kind never holds a raw `.` or `_` (the first `.` ends it) and the group never a raw `_`
//! (the first `_` ends it): a file name can be read back into its group, kind and name, which makes the
//! scheme injective. Ordinary kinds and groups hold neither, so their names read as before.
//!
//! A name longer than [`MAX_FILE_NAME`] bytes (a 253-character object name with a long kind and group, or
//! one whose characters are escaped) is cut, and `~` and the first [`HASH_HEX`] hex digits of the blake3
//! hash of the whole name are appended before `.yaml`. An escaped name never holds `~`, so a shortened
//! name is never an unshortened one, and two shortened names differ by their hashes.

use crate::model::ObjectRef;

/// The longest file name ext4, XFS, btrfs, APFS and NTFS accept, in bytes.
pub const MAX_FILE_NAME: usize = 255;
/// Hex digits of the hash that ends a shortened name (128 bits).
pub const HASH_HEX: usize = 32;
const SUFFIX: &str = ".yaml";

/// Path of an object's file below the output directory: `<cluster>/<namespace>/<file name>`.
pub fn object_path(cluster: &str, id: &ObjectRef) -> String {
    let dir = id.namespace.as_deref().unwrap_or("_cluster");
    format!(
        "{cluster}/{dir}/{}",
        file_name(id.group(), &id.kind, &id.name)
    )
}

/// `<Kind>[.<group>]_<name>.yaml`, escaped, at most [`MAX_FILE_NAME`] bytes.
pub fn file_name(group: &str, kind: &str, name: &str) -> String {
    let mut stem = escape(kind, b"-");
    if !group.is_empty() {
        stem.push('.');
        stem.push_str(&escape(group, b".-"));
    }
    stem.push('_');
    stem.push_str(&escape(name, b"._-"));
    if stem.len() + SUFFIX.len() <= MAX_FILE_NAME {
        return stem + SUFFIX;
    }
    let hash = blake3::hash(stem.as_bytes()).to_hex();
    // the stem is ASCII: any byte offset is a character boundary
    let keep = MAX_FILE_NAME - SUFFIX.len() - 1 - HASH_HEX;
    format!("{}~{}{SUFFIX}", &stem[..keep], &hash[..HASH_HEX])
}

/// `s` with every byte that is not an ASCII letter or digit, nor in `keep`, written as `%XX`.
fn escape(s: &str, keep: &[u8]) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || keep.contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    fn id(group: &str, kind: &str, namespace: Option<&str>, name: &str) -> ObjectRef {
        ObjectRef {
            api_version: if group.is_empty() {
                "v1".into()
            } else {
                format!("{group}/v1")
            },
            kind: kind.into(),
            namespace: namespace.map(str::to_owned),
            name: name.into(),
        }
    }

    fn unescape(s: &str) -> String {
        let bytes = s.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    }

    /// Read an unshortened path back into (group, kind, namespace, name).
    fn decode(path: &str) -> (String, String, Option<String>, String) {
        let (_cluster, rest) = path.split_once('/').unwrap();
        let (dir, file) = rest.split_once('/').unwrap();
        let stem = file.strip_suffix(SUFFIX).unwrap();
        let (kind_group, name) = stem.split_once('_').unwrap();
        let (kind, group) = kind_group.split_once('.').unwrap_or((kind_group, ""));
        let namespace = (dir != "_cluster").then(|| dir.to_owned());
        (unescape(group), unescape(kind), namespace, unescape(name))
    }

    #[test]
    fn ordinary_objects_keep_their_names() {
        let cases = [
            (
                id("apps", "Deployment", Some("shop"), "web"),
                "c/shop/Deployment.apps_web.yaml",
            ),
            (
                id("", "ConfigMap", Some("shop"), "a.b_c"),
                "c/shop/ConfigMap_a.b_c.yaml",
            ),
            (
                id("networking.k8s.io", "Ingress", Some("shop"), "web"),
                "c/shop/Ingress.networking.k8s.io_web.yaml",
            ),
            (
                id("", "Namespace", None, "shop"),
                "c/_cluster/Namespace_shop.yaml",
            ),
            (
                id(
                    "rbac.authorization.k8s.io",
                    "ClusterRole",
                    None,
                    "system:view",
                ),
                "c/_cluster/ClusterRole.rbac.authorization.k8s.io_system%3Aview.yaml",
            ),
        ];
        for (id, want) in cases {
            assert_eq!(object_path("c", &id), want);
        }
    }

    /// The collision of issue #13 item 9: a core kind spelt like a grouped one.
    #[test]
    fn a_dotted_kind_is_not_a_group() {
        let core = object_path("c", &id("", "Deployment.apps", Some("ns"), "web"));
        let apps = object_path("c", &id("apps", "Deployment", Some("ns"), "web"));
        assert_eq!(apps, "c/ns/Deployment.apps_web.yaml");
        assert_eq!(core, "c/ns/Deployment%2Eapps_web.yaml");
        let a = object_path("c", &id("", "A_b", Some("ns"), "c"));
        let b = object_path("c", &id("", "A", Some("ns"), "b_c"));
        assert_ne!(a, b);
        let a = object_path("c", &id("g_h", "A", Some("ns"), "c"));
        let b = object_path("c", &id("g", "A", Some("ns"), "h_c"));
        assert_ne!(a, b);
    }

    #[test]
    fn a_253_character_name_fits() {
        let label = "a".repeat(63);
        let name = [label.as_str(); 4].join(".")[..253].to_owned();
        let path = object_path(
            "c",
            &id(
                "rbac.authorization.k8s.io",
                "ClusterRoleBinding",
                None,
                &name,
            ),
        );
        let file = path.rsplit('/').next().unwrap();
        assert_eq!(file.len(), MAX_FILE_NAME);
        assert!(file.starts_with("ClusterRoleBinding.rbac.authorization.k8s.io_aaaa"));
        assert!(file.ends_with(".yaml"));
        let other = object_path(
            "c",
            &id(
                "rbac.authorization.k8s.io",
                "ClusterRoleBinding",
                None,
                &name.replace("a.a", "a.b"),
            ),
        );
        assert_ne!(path, other);
    }

    fn part(alphabet: &'static str, max: usize) -> impl Strategy<Value = String> {
        let chars: Vec<char> = alphabet.chars().collect();
        proptest::collection::vec(proptest::sample::select(chars), 0..=max)
            .prop_map(|v| v.into_iter().collect())
    }

    /// Small alphabets full of separators, escapes and multi-byte characters make collisions likely for
    /// any scheme that is not injective; long runs of them exercise shortening.
    fn tuple() -> impl Strategy<Value = (String, String, Option<String>, String)> {
        (
            part("a._%/-é~", 6),
            part("A._%-é~", 6).prop_filter("a kind is not empty", |k| !k.is_empty()),
            proptest::option::of(part("ab-", 3).prop_filter("non-empty", |n| !n.is_empty())),
            prop_oneof![
                part("a._%-é~ ", 8),
                (part("a._", 4), 240usize..260).prop_map(|(tail, n)| "a".repeat(n) + &tail),
                (part("é_", 4), 80usize..90).prop_map(|(tail, n)| "é".repeat(n) + &tail),
            ]
            .prop_filter("a name is not empty", |n| !n.is_empty()),
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn distinct_objects_get_distinct_short_enough_files(tuples in proptest::collection::vec(tuple(), 1..40)) {
            let mut seen: HashMap<String, (String, String, Option<String>, String)> = HashMap::new();
            for t in tuples {
                let (group, kind, namespace, name) = &t;
                let path = object_path("c", &id(group, kind, namespace.as_deref(), name));
                let file = path.rsplit('/').next().unwrap();
                prop_assert!(file.len() <= MAX_FILE_NAME, "{file} is {} bytes", file.len());
                prop_assert!(file.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-%~".contains(&b)));
                if file.contains('~') {
                    prop_assert_eq!(file.len(), MAX_FILE_NAME);
                } else {
                    prop_assert_eq!(&decode(&path), &t);
                }
                if let Some(first) = seen.insert(path.clone(), t.clone()) {
                    prop_assert_eq!(&first, &t, "two objects share {}", path);
                }
            }
        }
    }
}
