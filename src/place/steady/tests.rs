//! Karmada's reschedule triggers and placement fingerprints.
