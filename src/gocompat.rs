//! What exists only to reproduce Go behaviour Karmada's results depend on: the Go libraries whose output
//! ends up in what Karmada pushes to member clusters, rewritten so that fanout's output is spelled the same.
//!
//! - [`yaml_v2`]: YAML read and written as `gopkg.in/yaml.v2` (behind `sigs.k8s.io/yaml`) does.
//! - [`json`]: JSON written as evanphx/json-patch's fork of `encoding/json` writes it.
//! - [`number`]: Go's `strconv` number parsing and float formatting.
//!
//! Not here: Karmada's own semantics ([`crate::place`], [`crate::render::overrides`]); these modules know
//! Go's libraries, not Kubernetes. Pure, deterministic, never panics.

pub mod json;
pub mod number;
pub mod yaml_v2;
