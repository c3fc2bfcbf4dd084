//! What evaluation produces: each subject's outcome, what a report needs to
//! explain a finding, and the counts of a document's outcomes.

use super::error::EvalError;
use super::trace::{Computed, Read};
use crate::model::path::Path;
use crate::source::Span;

/// What a subject's evaluation came to (language.md §4, "Outcomes").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OutcomeKind {
    /// Every `require` held.
    Pass,
    /// A `require` was false.
    Fail,
    /// A `when` was false.
    Skip,
    /// Evaluation could not finish.
    Error,
}

impl OutcomeKind {
    /// The word used in reports and test files.
    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeKind::Pass => "pass",
            OutcomeKind::Fail => "fail",
            OutcomeKind::Skip => "skip",
            OutcomeKind::Error => "error",
        }
    }
}

/// One subject's outcome for one rule.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Index of the rule in [`Program::rules`](crate::model::program::Program::rules).
    pub rule: usize,
    /// The subject: the innermost `for` element, or the document root.
    pub subject: Path,
    /// What it came to.
    pub kind: OutcomeKind,
    /// For `fail` and `error`: what a report needs to explain it.
    pub finding: Option<Box<FindingDetail>>,
}

/// Why a subject failed or errored.
#[derive(Debug, Clone)]
pub struct FindingDetail {
    /// The rule's message, interpolated; parts that could not be computed read
    /// `<error: …>` (for an `error` outcome, a `let` may not have been reached).
    /// `None` when the rule has no `message`.
    pub message: Option<String>,
    /// The rule's help, interpolated likewise.
    pub help: Option<String>,
    /// For `fail`: the failing `require` clause.
    pub require: Option<Span>,
    /// For `error`: what stopped evaluation.
    pub error: Option<EvalError>,
    /// Values the failing `require` read from the document and data files.
    pub reads: Vec<Read>,
    /// Sub-values it computed (`sum(…) = 40`), for labels on the policy.
    pub computed: Vec<Computed>,
    /// The value the rule's `at` clause names, with its place: where the
    /// finding points. `None` without an `at`, or when its value has no place
    /// in a file (a computed value) or could not be computed.
    pub anchor: Option<Read>,
}

/// How many outcomes of each kind a document produced.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// `pass` outcomes.
    pub pass: u64,
    /// `fail` outcomes.
    pub fail: u64,
    /// `skip` outcomes.
    pub skip: u64,
    /// `error` outcomes.
    pub error: u64,
}

impl Tally {
    /// Counts one outcome.
    pub fn add(&mut self, kind: OutcomeKind) {
        match kind {
            OutcomeKind::Pass => self.pass += 1,
            OutcomeKind::Fail => self.fail += 1,
            OutcomeKind::Skip => self.skip += 1,
            OutcomeKind::Error => self.error += 1,
        }
    }

    /// Adds another tally to this one.
    pub fn merge(&mut self, other: Tally) {
        self.pass += other.pass;
        self.fail += other.fail;
        self.skip += other.skip;
        self.error += other.error;
    }
}

/// Which outcomes to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// Only findings (`fail`, `error`); passes and skips are counted.
    Findings,
    /// Every outcome, with its subject (`--show all`, `preflight test`).
    All,
}

/// The outcomes of one document.
#[derive(Debug, Clone, Default)]
pub struct DocumentOutcomes {
    /// Outcomes kept, in rule order, then subject order.
    pub outcomes: Vec<Outcome>,
    /// Counts of every outcome, kept or not.
    pub tally: Tally,
    /// The document's title, when the pack gives one (`input … title "…"`).
    pub title: Option<String>,
}
