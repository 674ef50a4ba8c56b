//! Karmada's uid tie-break seed: the FNV-1a-32 hash of a resource template's uid (Go's `hash/fnv`),
//! whose parity decides whether ties between equal Webster quotients go to the smaller or the larger
//! cluster name (`pkg/util/helper/binding.go`).
//!
//! Deliberately not here: the Webster dispenser that uses the rule (`place::divide`), and any other hash of
//! Go's `hash/fnv`.

/// Karmada's uid tie-break: larger names win ties when FNV-1a-32 of the uid is odd.
pub(crate) fn name_descending(uid: &str) -> bool {
    !uid.is_empty() && fnv1a32(uid.as_bytes()) & 1 == 1
}

fn fnv1a32(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5u32, |h, b| {
        (h ^ u32::from(*b)).wrapping_mul(0x0100_0193)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a32_reference_values() {
        assert_eq!(fnv1a32(b""), 0x811c_9dc5);
        assert_eq!(fnv1a32(b"a"), 0xe40c_292c);
        assert_eq!(fnv1a32(b"foobar"), 0xbf9c_f968);
    }
}
