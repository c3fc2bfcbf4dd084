//! Support code for preflight's benchmarks: a deterministic generator of CSP
//! transfer plans ([`generate()`]), the default pack's offer catalog ([`catalog`]),
//! and the same five preconditions written for preflight, Cedar and Rego
//! ([`peers`]), with a check that the engines agree before any of them is timed.
//!
//! A workspace member of its own and not a default member, so `cargo test` at the
//! root never builds it (nor criterion, `cedar-policy` or `regorus`). Its own
//! tests: `cargo test -p preflight-benches`.

pub mod catalog;
pub mod generate;
pub mod peers;

pub use generate::{Plan, generate, generate_plans, write_jsonl};

/// The five preconditions compared across engines, by their rule ids in the
/// default pack (`policies/csp/`).
pub const PRECONDITIONS: [&str; 5] = [
    "same-region",
    "reseller-relationship",
    "equivalent-offer",
    "discontinued-offer",
    "license-count",
];

#[cfg(test)]
mod tests;
