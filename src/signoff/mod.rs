//! Stage 5½, sign-off (signoff.md §1–§3): what a change board needs besides
//! the findings. Waivers accept findings as known risks, by rule, document and
//! subject, with an owner and an expiry; a baseline (an earlier run's JSON)
//! says which findings are new and which are fixed; and the provenance (in
//! `run::provenance`) says which pack, data, params and inputs the run was
//! made of.
//!
//! The [`Judge`](judge::Judge) sits between a session and its report: it
//! marks each finding before a report sees it and concludes with a
//! [`SignOff`], which the reports read at the end. Reports never match
//! waivers themselves.

pub mod baseline;
pub mod conclusion;
pub mod glob;
pub mod judge;
pub mod waivers;

pub use self::baseline::{Baseline, FixedFinding};
pub use self::conclusion::{BaselineOutcome, SignOff, WaiverStatus, WaiverUse};
pub use self::judge::{Judge, judge_run};
