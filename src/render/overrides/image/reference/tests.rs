//! Karmada's `pkg/util/imageparser/parser_test.go` cases, then the grammar's edges.

use super::*;
use crate::render::overrides::image::tests::DIGEST;

/// TestParse.
#[test]
fn image_parse_karmada_table() {
    let digest_image = format!("fictional.registry.example:10443/subpath/imagename@{DIGEST}");
    let cases = [
        ("simple", "pause", "", "pause", "", ""),
        (
            "repository",
            "subpath/imagename:v1.0.0",
            "",
            "subpath/imagename",
            "v1.0.0",
            "",
        ),
        (
            "normal",
            "fictional.registry.example/imagename:v1.0.0",
            "fictional.registry.example",
            "imagename",
            "v1.0.0",
            "",
        ),
        (
            "hostname with port",
            "fictional.registry.example:10443/subpath/imagename:v1.0.0",
            "fictional.registry.example:10443",
            "subpath/imagename",
            "v1.0.0",
            "",
        ),
        (
            "digest",
            digest_image.as_str(),
            "fictional.registry.example:10443",
            "subpath/imagename",
            "",
            DIGEST,
        ),
    ];
    for (name, image, hostname, repository, tag, digest) in cases {
        let c = Image::parse(image).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(c.to_string(), image, "{name}: full name changed");
        assert_eq!(c.hostname, hostname, "{name}");
        assert_eq!(c.repository, repository, "{name}");
        assert_eq!(c.tag, tag, "{name}");
        assert_eq!(c.digest, digest, "{name}");
    }
}

/// TestSplitHostname.
#[test]
fn split_hostname_karmada_table() {
    let cases = [
        ("empty image got nothing", "", "", ""),
        ("simple repository", "imagename", "", "imagename"),
        (
            "repository with sub-path",
            "subpath/imagename",
            "",
            "subpath/imagename",
        ),
        (
            "canonical image",
            "fictional.registry.example/subpath/imagename",
            "fictional.registry.example",
            "subpath/imagename",
        ),
        (
            "hostname with port",
            "fictional.registry.example:10443/subpath/imagename",
            "fictional.registry.example:10443",
            "subpath/imagename",
        ),
        (
            "hostname with IP",
            "10.10.10.10:10443/subpath/imagename",
            "10.10.10.10:10443",
            "subpath/imagename",
        ),
    ];
    for (name, input, hostname, repository) in cases {
        assert_eq!(split_hostname(input), (hostname, repository), "{name}");
    }
}

/// ExampleComponents_SetHostname, ExampleComponents_SetRepository, ExampleComponents_SetTagOrDigest,
/// ExampleComponents_String.
#[test]
fn image_components_karmada_examples() {
    let mut c = Image::parse("imagename:v1.0.0").unwrap();
    c.hostname = "fictional.registry.example".into();
    assert_eq!(c.to_string(), "fictional.registry.example/imagename:v1.0.0");
    c.hostname = "gcr.io".into();
    assert_eq!(c.to_string(), "gcr.io/imagename:v1.0.0");
    c.hostname.clear();
    assert_eq!(c.to_string(), "imagename:v1.0.0");

    let mut c = Image::parse("gcr.io/kube-apiserver:v1.19.0").unwrap();
    c.repository = "kube-controller-manager".into();
    assert_eq!(c.to_string(), "gcr.io/kube-controller-manager:v1.19.0");

    let mut c = Image::parse("gcr.io/kube-apiserver").unwrap();
    c.set_tag_or_digest("v1.19.0");
    assert_eq!(c.to_string(), "gcr.io/kube-apiserver:v1.19.0");
    c.remove_tag_or_digest();
    assert_eq!(c.to_string(), "gcr.io/kube-apiserver");
    c.set_tag_or_digest(DIGEST);
    assert_eq!(c.to_string(), format!("gcr.io/kube-apiserver@{DIGEST}"));
    c.remove_tag_or_digest();
    assert_eq!(c.to_string(), "gcr.io/kube-apiserver");

    let c = Image {
        hostname: "fictional.registry.example".into(),
        repository: "karmada-scheduler".into(),
        tag: "v1.0.0".into(),
        digest: String::new(),
    };
    assert_eq!(
        c.to_string(),
        "fictional.registry.example/karmada-scheduler:v1.0.0"
    );
}

/// The reference grammar's edges: what distribution/reference accepts and the errors it gives.
#[test]
fn image_parse_grammar_edges() {
    let ok = [
        ("localhost/app", "localhost", "app", "", ""),
        ("localhost:5000/app:1", "localhost:5000", "app", "1", ""),
        ("host:5000", "", "host", "5000", ""),
        ("[::1]:5000/app", "[::1]:5000", "app", "", ""),
        (
            "docker.io/library/nginx",
            "docker.io",
            "library/nginx",
            "",
            "",
        ),
        ("library/nginx", "", "library/nginx", "", ""),
        ("a__b/c--d/e.f_g", "", "a__b/c--d/e.f_g", "", ""),
        ("Registry.Example/app", "Registry.Example", "app", "", ""),
    ];
    for (image, hostname, repository, tag, digest) in ok {
        let c = Image::parse(image).unwrap_or_else(|e| panic!("{image}: {e}"));
        assert_eq!(
            (
                c.hostname.as_str(),
                c.repository.as_str(),
                c.tag.as_str(),
                c.digest.as_str()
            ),
            (hostname, repository, tag, digest),
            "{image}"
        );
    }
    // Tag and digest together: only the tag is kept.
    let c = Image::parse(&format!("nginx:1.0@{DIGEST}")).unwrap();
    assert_eq!(c.to_string(), "nginx:1.0");

    let errors = [
        ("", "repository name must have at least one component"),
        ("Nginx", "repository name must be lowercase"),
        ("app:", "invalid reference format"),
        ("a___b", "invalid reference format"),
        ("-app", "invalid reference format"),
        ("app@sha256:abc", "invalid reference format"),
        (
            "app@sha256:50d858e0985ecc7f60418aaf0cc5ab587f42c2570a884095a9e8ccacd0f6545",
            "invalid checksum digest length",
        ),
        (
            "app@SHA256:50d858e0985ecc7f60418aaf0cc5ab587f42c2570a884095a9e8ccacd0f6545c",
            "invalid checksum digest format",
        ),
        (
            "app@md5:50d858e0985ecc7f60418aaf0cc5ab58",
            "unsupported digest algorithm",
        ),
        (
            "app@sha256:50D858E0985ECC7F60418AAF0CC5AB587F42C2570A884095A9E8CCACD0F6545C",
            "invalid checksum digest format",
        ),
    ];
    for (image, message) in errors {
        assert_eq!(Image::parse(image), Err(message), "{image}");
    }
    let long = "a".repeat(256);
    assert_eq!(
        Image::parse(&long),
        Err("repository name must not be more than 255 characters")
    );
    assert!(Image::parse(&format!("registry.io/{}", "a".repeat(255))).is_ok());
}

#[test]
fn tag_and_digest_validity() {
    assert!(is_tag("v1.0.0"));
    assert!(is_tag("_x"));
    assert!(is_tag(&"a".repeat(128)));
    assert!(!is_tag(&"a".repeat(129)));
    assert!(!is_tag(".x"));
    assert!(!is_tag("-x"));
    assert!(!is_tag("a:b"));
    assert!(!is_tag("é"));
    assert!(is_digest(DIGEST));
    assert!(is_digest("a+b.c:0123456789abcdefABCDEF0123456789"));
    assert!(!is_digest("sha256:0123"));
    assert!(!is_digest("1sha:0123456789abcdef0123456789abcdef"));
    assert!(!is_digest(
        "v1.0.0sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c"
    ));
}

#[test]
fn no_panics_on_odd_images() {
    for image in [
        "@", ":", "/", "a//b", "[", "[::1", "[]:1/a", "a@", "a:b:c", "é",
    ] {
        let _ = Image::parse(image);
    }
}
