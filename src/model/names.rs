//! Kubernetes name and label rules (apimachinery's validation), as plain predicates returning a reason.

/// A DNS-1123 label: at most 63 characters, lower-case alphanumerics and `-`, starting and ending alphanumeric.
pub fn dns1123_label(s: &str) -> Result<(), String> {
    if s.is_empty() || s.len() > 63 {
        return Err(format!(
            "must be 1 to 63 characters, `{s}` has {}",
            s.chars().count()
        ));
    }
    let ok_inner = s
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    let ok_ends = |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if !ok_inner || !ok_ends(s.chars().next()) || !ok_ends(s.chars().last()) {
        return Err(format!(
            "`{s}` is not a DNS-1123 label (lower-case letters, digits and `-`, starting and ending with a letter or digit)"
        ));
    }
    Ok(())
}

/// A DNS-1123 subdomain: at most 253 characters, dot-separated labels.
pub fn dns1123_subdomain(s: &str) -> Result<(), String> {
    if s.is_empty() || s.len() > 253 {
        return Err(format!(
            "must be 1 to 253 characters, `{s}` has {}",
            s.chars().count()
        ));
    }
    if s.split('.').any(|part| dns1123_label(part).is_err()) {
        return Err(format!(
            "`{s}` is not a DNS-1123 subdomain (lower-case letters, digits, `-` and `.`)"
        ));
    }
    Ok(())
}

/// The name of any object: what the API server accepts as a path segment (not empty, `.`, `..`,
/// nor containing `/` or `%`), at most 253 characters.
pub fn object_name(s: &str) -> Result<(), String> {
    if s.is_empty() || s.len() > 253 {
        return Err(format!(
            "must be 1 to 253 characters, `{s}` has {}",
            s.chars().count()
        ));
    }
    if s == "." || s == ".." || s.contains(['/', '%']) || s.chars().any(char::is_control) {
        return Err(format!(
            "`{s}` may not be `.`, `..`, or contain `/`, `%` or control characters"
        ));
    }
    Ok(())
}

/// The name rule the API server applies to an object of this group and kind: a DNS-1123 label for
/// Services and Namespaces, a DNS-1123 subdomain for the common built-in kinds (at most 63 characters
/// for Jobs, whose name becomes a label value, and 52 for CronJobs, whose Jobs get a suffix), and the
/// path-segment rule for everything else (RBAC objects and custom resources accept more).
pub fn object_name_for(group: &str, kind: &str, name: &str) -> Result<(), String> {
    match (group, kind) {
        ("", "Service" | "Namespace") => dns1123_label(name),
        ("batch", "CronJob") if name.len() > 52 => Err(format!(
            "a CronJob name may have at most 52 characters, `{name}` has {}",
            name.len()
        )),
        ("batch", "Job") if name.len() > 63 => Err(format!(
            "a Job name may have at most 63 characters, `{name}` has {}",
            name.len()
        )),
        (
            "",
            "ConfigMap"
            | "Secret"
            | "ServiceAccount"
            | "PersistentVolumeClaim"
            | "PersistentVolume"
            | "Pod",
        )
        | ("apps", "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet")
        | ("batch", "Job" | "CronJob")
        | ("networking.k8s.io", "Ingress" | "NetworkPolicy")
        | ("policy", "PodDisruptionBudget")
        | ("autoscaling", "HorizontalPodAutoscaler") => dns1123_subdomain(name),
        _ => object_name(name),
    }
}

fn qualified_name_part(s: &str) -> bool {
    let alnum = |c: char| c.is_ascii_alphanumeric();
    !s.is_empty()
        && s.len() <= 63
        && s.chars().all(|c| alnum(c) || matches!(c, '-' | '_' | '.'))
        && s.chars().next().is_some_and(alnum)
        && s.chars().last().is_some_and(alnum)
}

/// A label or annotation key: an optional DNS subdomain prefix and `/`, then a name of at most 63 characters.
pub fn label_key(s: &str) -> Result<(), String> {
    let (prefix, name) = match s.split_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, s),
    };
    if prefix.is_some_and(|p| dns1123_subdomain(p).is_err()) || !qualified_name_part(name) {
        return Err(format!(
            "`{s}` is not a valid label key (an optional DNS subdomain and `/`, then up to 63 letters, digits, `-`, `_` or `.`, starting and ending with a letter or digit)"
        ));
    }
    Ok(())
}

/// A label value: empty, or a name part of at most 63 characters.
pub fn label_value(s: &str) -> Result<(), String> {
    if s.is_empty() || qualified_name_part(s) {
        Ok(())
    } else {
        Err(format!(
            "`{s}` is not a valid label value (up to 63 letters, digits, `-`, `_` or `.`, starting and ending with a letter or digit)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert!(dns1123_label("web-1").is_ok());
        assert!(dns1123_label(&"a".repeat(63)).is_ok());
        assert!(dns1123_label(&"a".repeat(64)).is_err());
        assert!(dns1123_label("Web").is_err());
        assert!(dns1123_label("-web").is_err());
        assert!(dns1123_label("").is_err());
    }

    #[test]
    fn subdomains_and_names() {
        assert!(dns1123_subdomain("a.b-c.d").is_ok());
        assert!(dns1123_subdomain("a..b").is_err());
        assert!(object_name("system:controller").is_ok());
        assert!(object_name("..").is_err());
        assert!(object_name("a/b").is_err());
    }

    #[test]
    fn names_by_kind() {
        assert!(object_name_for("apps", "Deployment", "api-server").is_ok());
        assert!(object_name_for("apps", "Deployment", "ApiServer").is_err());
        assert!(object_name_for("", "ConfigMap", "Web_Config").is_err());
        assert!(object_name_for("", "Service", "a.b").is_err());
        assert!(object_name_for("", "ConfigMap", "a.b").is_ok());
        assert!(object_name_for("batch", "CronJob", &"a".repeat(53)).is_err());
        assert!(
            object_name_for(
                "rbac.authorization.k8s.io",
                "ClusterRole",
                "system:Controller"
            )
            .is_ok()
        );
        assert!(object_name_for("example.com", "Widget", "Anything_Goes").is_ok());
    }

    #[test]
    fn label_keys_and_values() {
        assert!(label_key("app.kubernetes.io/name").is_ok());
        assert!(label_key("topology.kubernetes.io/zone").is_ok());
        assert!(label_key("env").is_ok());
        assert!(label_key("Bad Key").is_err());
        assert!(label_key("a/b/c").is_err());
        assert!(label_value("").is_ok());
        assert!(label_value("prod_1.x").is_ok());
        assert!(label_value("no spaces").is_err());
    }
}
