//! What sign-off concluded about a run: the waivers and what became of
//! them, the baseline's verdict, and the provenance. The judge makes it; every
//! report reads it at its end.

use std::sync::Arc;

use super::baseline::FixedFinding;
use crate::run::AppliedWaiver;
use crate::run::provenance::Provenance;

/// What sign-off concluded about a run, for the end of every report.
#[derive(Debug, Clone, Default)]
pub struct SignOff {
    /// What the run was made of; `None` when it stopped before its pack and
    /// data were loaded.
    pub provenance: Option<Provenance>,
    /// Every waiver given, in file order, with what became of it.
    pub waivers: Vec<WaiverUse>,
    /// With `--baseline`: what it said.
    pub baseline: Option<BaselineOutcome>,
}

/// A waiver and what became of it in the run.
#[derive(Debug, Clone)]
pub struct WaiverUse {
    /// The waiver as reports show it.
    pub waiver: Arc<AppliedWaiver>,
    /// Its rule id.
    pub rule: String,
    /// Applied, expired or unused.
    pub status: WaiverStatus,
    /// The findings it matched (for an expired waiver: would have).
    pub matched: u64,
}

/// What became of a waiver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaiverStatus {
    /// It accepted at least one finding.
    Applied,
    /// Its `expires` is before the run's date: it accepted nothing.
    Expired,
    /// It matched no finding.
    Unused,
}

impl WaiverStatus {
    /// The word of the JSON form's `waivers[].status`.
    pub fn as_str(self) -> &'static str {
        match self {
            WaiverStatus::Applied => "applied",
            WaiverStatus::Expired => "expired",
            WaiverStatus::Unused => "unused",
        }
    }
}

/// What the baseline said about the run.
#[derive(Debug, Clone)]
pub struct BaselineOutcome {
    /// The baseline file, as named on the command line.
    pub file: String,
    /// The pack digest the baseline recorded, if any.
    pub digest: Option<String>,
    /// Whether it was made with the same pack digest (`None`: it recorded none).
    pub same_pack: Option<bool>,
    /// Its findings that are gone, in its order.
    pub fixed: Vec<FixedFinding>,
}
