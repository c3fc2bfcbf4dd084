//! What a run finds, ready to report: documents with their outcomes, findings
//! with every value's place resolved, and the run's problems. Reports read
//! these and nothing else, so they never evaluate.

use serde_json::Value as Json;

use crate::diagnostic::Diagnostic;
use crate::eval::{OutcomeKind, Tally};
use crate::source::{Sources, Span};

/// The result of a run.
#[derive(Debug)]
pub struct Checked {
    /// Every file involved: the pack's policy files, then data and input files.
    pub sources: Sources,
    /// Problems that make the run untrustworthy (exit code 2): unreadable files,
    /// data that does not parse or conform, bad settings.
    pub errors: Vec<Diagnostic>,
    /// Documents in input order, each with its kept outcomes.
    pub documents: Vec<DocumentResult>,
    /// Outcomes of every document, kept or not.
    pub tally: Tally,
}

/// One document's result.
#[derive(Debug)]
pub struct DocumentResult {
    /// `FILE` or `FILE#N`.
    pub name: String,
    /// The input file's name as given.
    pub file: String,
    /// Whether it was evaluated (false when it did not parse or conform).
    pub evaluated: bool,
    /// Its title, when the pack gives one (`input … title "…"`): the
    /// customer and the partners, say, for the change-board report.
    pub title: Option<String>,
    /// Kept outcomes: rule order, then subject order.
    pub outcomes: Vec<ReportedOutcome>,
    /// Counts of every outcome, kept or not.
    pub tally: Tally,
}

/// An outcome ready to report.
#[derive(Debug)]
pub struct ReportedOutcome {
    /// Index of the rule in [`Program::rules`](crate::model::program::Program::rules).
    pub rule: usize,
    /// The subject's path, as text.
    pub subject: String,
    /// What it came to.
    pub kind: OutcomeKind,
    /// For `fail` and `error`.
    pub finding: Option<Finding>,
    /// What sign-off decided about the finding: the waiver that accepts it,
    /// and whether it was in the baseline. Set by `signoff::Judge` before a
    /// report sees the document; the default (nothing) without `--waivers` or
    /// `--baseline`.
    pub disposition: Disposition,
}

/// What sign-off decided about one finding (signoff.md §1–§2).
#[derive(Debug, Clone, Default)]
pub struct Disposition {
    /// The waiver that accepts it: the finding is `waived`, shown as such and
    /// not counted towards the exit code.
    pub waiver: Option<std::sync::Arc<AppliedWaiver>>,
    /// With `--baseline`: whether the baseline had it.
    pub baseline: Option<BaselineMark>,
}

/// A waiver as the reports show it on the finding it accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedWaiver {
    /// The waiver file, as named on the command line.
    pub file: String,
    /// The first line of its entry (1-based).
    pub line: usize,
    /// Why the finding is accepted.
    pub reason: String,
    /// Who answers for it.
    pub owner: String,
    /// Who approved it (a change-board reference), when given.
    pub approved_by: Option<String>,
    /// The last day it applies, `YYYY-MM-DD`.
    pub expires: String,
}

/// Whether a finding of this run was in the baseline run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaselineMark {
    /// The baseline has no finding of the same rule, document and subject.
    New,
    /// The baseline has it.
    Unchanged,
}

impl BaselineMark {
    /// The word of the JSON form's `baseline` field.
    pub fn as_str(self) -> &'static str {
        match self {
            BaselineMark::New => "new",
            BaselineMark::Unchanged => "unchanged",
        }
    }
}

impl ReportedOutcome {
    /// The outcome as reports and test files name it: `waived` for a finding
    /// a waiver accepts, else the evaluation's outcome.
    pub fn word(&self) -> &'static str {
        if self.is_waived() {
            "waived"
        } else {
            self.kind.as_str()
        }
    }

    /// Whether a waiver accepts this outcome's finding.
    pub fn is_waived(&self) -> bool {
        self.disposition.waiver.is_some()
    }
}

/// A finding with every place resolved.
#[derive(Debug)]
pub struct Finding {
    /// The rule's `message`, interpolated; `None` when the rule has none (the
    /// reports then say what failed: `report::findings::message`).
    pub message: Option<String>,
    /// The failing `require`'s condition as written, on one line.
    pub requirement: Option<String>,
    /// The interpolated help.
    pub help: Option<String>,
    /// Where in the input the finding points: the value the rule's `at` clause
    /// names, else the first value the failing `require` read from the
    /// document, else the subject.
    pub location: Option<Span>,
    /// The `at` expression as written, when it names a record or a list (which
    /// are not shown as values): what the human form labels the location with.
    pub anchor: Option<String>,
    /// The failing `require`, or the expression whose evaluation failed.
    pub policy: Option<Span>,
    /// For `error` outcomes: what stopped evaluation.
    pub error: Option<String>,
    /// Values the failing `require` read, with their places.
    pub values: Vec<FindingValue>,
    /// Sub-values computed by the failing clause (`sum(…) = 40`), shown on the
    /// policy.
    pub computed: Vec<ComputedValue>,
}

/// A sub-value computed by a failing clause.
#[derive(Debug)]
pub struct ComputedValue {
    /// The expression as written in the policy.
    pub expr: String,
    /// The value as JSON.
    pub value: Json,
    /// The value as people read it.
    pub text: String,
    /// The expression in the policy.
    pub span: Span,
}

/// A value read by a failing `require`.
#[derive(Debug)]
pub struct FindingValue {
    /// The expression as written in the policy.
    pub expr: String,
    /// The value as JSON.
    pub value: Json,
    /// The value as people read it (a string or enum member unquoted).
    pub text: String,
    /// Whether it is a string or an enum member, which labels quote so that
    /// blanks and case are visible.
    pub is_text: bool,
    /// Where it is in the input or data file, when found.
    pub location: Option<Span>,
}

impl Checked {
    /// Documents that were neither evaluated nor named by an error: always none
    /// (an invariant the tests and fuzz targets check, ARCHITECTURE.md).
    pub fn unaccounted(&self) -> impl Iterator<Item = &DocumentResult> {
        self.documents.iter().filter(|doc| {
            !doc.evaluated
                && !self
                    .errors
                    .iter()
                    .any(|e| e.document.as_deref() == Some(doc.name.as_str()))
        })
    }

    /// A run that stopped before any document was read, for these reasons.
    pub fn failed(sources: Sources, errors: Vec<Diagnostic>) -> Checked {
        Checked {
            sources,
            errors,
            documents: Vec::new(),
            tally: Tally::default(),
        }
    }
}
