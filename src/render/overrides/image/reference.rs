//! Image references as Karmada's `pkg/util/imageparser` reads them: the docker reference grammar of
//! `distribution/reference` v0.6 (`name(:tag)?(@digest)?`, with its error messages, digests checked as
//! `opencontainers/go-digest` does), then Karmada's own hostname split, and its setters for the tag or
//! digest.
//!
//! Not here: `docker.io` or `library/` normalisation (Karmada does none), and what an overrider does with
//! the parts (the image overrider).

/// An image as Karmada's `imageparser.Components`: at most one of tag and digest is kept.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Image {
    pub(super) hostname: String,
    pub(super) repository: String,
    pub(super) tag: String,
    pub(super) digest: String,
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
    pub(super) fn parse(s: &str) -> Result<Image, &'static str> {
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

    pub(super) fn tag_or_digest(&self) -> &str {
        if self.tag.is_empty() {
            &self.digest
        } else {
            &self.tag
        }
    }

    /// A valid tag replaces tag and digest; else a valid digest does; else nothing changes.
    pub(super) fn set_tag_or_digest(&mut self, input: &str) {
        if is_tag(input) {
            self.tag = input.to_owned();
            self.digest.clear();
        } else if is_digest(input) {
            self.digest = input.to_owned();
            self.tag.clear();
        }
    }

    pub(super) fn remove_tag_or_digest(&mut self) {
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

#[cfg(test)]
mod tests;
