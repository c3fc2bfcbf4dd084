//! What a run was made of, for sign-off (signoff.md §3): the tool, the pack
//! and its digest, the params and `today` in effect, and the SHA-256 of every
//! input file. Machine-readable reports carry it so that a change board can
//! tell which policy version, with which settings, said "go" about which
//! files.

use crate::model::digest::{PackDigest, Sha256Hex};

/// The provenance of one run.
#[derive(Debug, Clone)]
pub struct Provenance {
    /// The tool's name.
    pub tool: &'static str,
    /// The tool's version (the crate's).
    pub version: &'static str,
    /// The pack as `-p` named it: `builtin:csp`, or its paths.
    pub pack: String,
    /// The pack's digest over its policy files and the data files the run read.
    pub digest: PackDigest,
    /// Every param in effect, defaults included, as `(name, value as JSON)`,
    /// in declaration order.
    pub params: Vec<(String, serde_json::Value)>,
    /// The evaluation date, `YYYY-MM-DD`.
    pub today: String,
    /// Each input file read, in the order read, with its SHA-256 (empty when
    /// the run was not asked to hash its inputs: the forms that show none).
    pub inputs: Vec<InputDigest>,
}

/// An input file and the SHA-256 of its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputDigest {
    /// The file as reports name it (`-` for standard input).
    pub file: String,
    /// The SHA-256 of every byte read from it.
    pub sha256: Sha256Hex,
}
