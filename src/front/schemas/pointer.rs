//! JSON pointers (RFC 6901) as schema errors use them: escaping and unescaping one segment, the key a
//! pointer ends in, a numeric-aware order, and the percent-decoding of a keyword location's URI fragment.
//!
//! Deliberately not here: resolving a pointer in a document (serde_json's `Value::pointer` does) or in
//! the source text (the caller maps pointers to spans), and general URI parsing.

use std::borrow::Cow;
use std::cmp::Ordering;

use serde_json::Value;

/// The unescaped last segment of `pointer` when its parent in `root` is an object (so the
/// pointer names a property, not an array item).
pub(super) fn key_of(root: &Value, pointer: &str) -> Option<String> {
    let (parent, last) = pointer.rsplit_once('/')?;
    root.pointer(parent)?.as_object()?;
    Some(last.replace("~1", "/").replace("~0", "~"))
}

/// RFC 6901 escaping of one pointer segment.
pub(super) fn escape_segment(segment: &str) -> Cow<'_, str> {
    if segment.contains(['~', '/']) {
        Cow::Owned(segment.replace('~', "~0").replace('/', "~1"))
    } else {
        Cow::Borrowed(segment)
    }
}

/// Decodes `%XX` escapes of a URI fragment (the pointer of a keyword location).
pub(super) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = bytes
            .get(index + 1..index + 3)
            .filter(|_| bytes[index] == b'%')
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match hex {
            Some(byte) => {
                decoded.push(byte);
                index += 3;
            }
            None => {
                decoded.push(bytes[index]);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

/// Orders pointers segment by segment, array indices numerically (`/2` before `/10`).
pub(super) fn compare_pointers(a: &str, b: &str) -> Ordering {
    let mut left = a.split('/');
    let mut right = b.split('/');
    loop {
        match (left.next(), right.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let order = match (x.parse::<u64>(), y.parse::<u64>()) {
                    (Ok(m), Ok(n)) => m.cmp(&n).then_with(|| x.cmp(y)),
                    _ => x.cmp(y),
                };
                if order != Ordering::Equal {
                    return order;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_sort_numerically_and_fragments_decode() {
        assert_eq!(compare_pointers("/a/2", "/a/10"), Ordering::Less);
        assert_eq!(compare_pointers("/a", "/a/0"), Ordering::Less);
        assert_eq!(compare_pointers("/b", "/a/0"), Ordering::Greater);
        assert_eq!(percent_decode("/%24defs/a%7Eb"), "/$defs/a~b");
    }
}
