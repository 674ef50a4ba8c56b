//! What exists only to reproduce Go behaviour Karmada's results depend on: where Karmada's outcome
//! follows from how Go does something rather than from Karmada's own rules, the Go behaviour is
//! reproduced here, step for step, so that fanout decides exactly as Karmada does.
//!
//! - [`sort`]: Go's `sort.Sort` (pdqsort, unstable above 12 elements), which orders clusters of equal
//!   available replicas;
//! - [`fnv`]: the FNV-1a-32 hash of a uid, whose parity breaks Webster ties.
//!
//! Deliberately not here: Karmada's own rules (they live in the stage that applies them, e.g.
//! `place::divide`), and Go behaviour no result depends on.

pub mod fnv;
pub mod sort;
