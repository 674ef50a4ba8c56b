//! What exists only to reproduce Go behaviour Karmada's results depend on: where Karmada's outcome
//! follows from how a Go library does something rather than from Karmada's own rules, the Go behaviour is
//! reproduced here, step for step, so that fanout decides and spells its output exactly as Karmada does.
//!
//! - [`sort`]: Go's `sort.Sort` (pdqsort, unstable above 12 elements), which orders clusters of equal
//!   available replicas;
//! - [`fnv`]: the FNV-1a-32 hash of a uid, whose parity breaks Webster ties;
//! - [`yaml_v2`]: YAML read and written as `gopkg.in/yaml.v2` (behind `sigs.k8s.io/yaml`) does;
//! - [`json`]: JSON written as evanphx/json-patch's fork of `encoding/json` writes it;
//! - [`number`]: Go's `strconv` number parsing and float formatting.
//!
//! Deliberately not here: Karmada's own semantics ([`crate::place`], [`crate::render::overrides`]);
//! these modules know Go's libraries, not Kubernetes. Pure, deterministic, never panics.

pub mod fnv;
pub mod json;
pub mod number;
pub mod sort;
pub mod yaml_v2;
