//! Run-time errors: what stops a subject's evaluation, as a value.
//!
//! An [`EvalError`] makes the subject's outcome `error`. Its message is what a
//! report shows; its [`EvalErrorKind`] says what went wrong, so that code can
//! tell errors apart without reading the text (and a later output form can name
//! them with [`EvalErrorKind::as_str`]). Every error is built by the frame
//! (`Frame::error` and `Frame::internal` in `frame.rs`), which gives it its kind.

use crate::model::path::Path;
use crate::source::Span;

/// A run-time problem: the subject's outcome becomes `error`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalError {
    /// What kind of problem it is (the message says it in words).
    pub kind: EvalErrorKind,
    /// What went wrong, naming the expression: `no offer "X" in catalog.offers`.
    pub message: String,
    /// The expression that could not be evaluated.
    pub span: Span,
    /// Where the value involved came from, when it came from a file.
    pub path: Option<Path>,
    /// How a policy author can make the rule decide (a guard to add).
    pub help: Option<String>,
}

impl EvalError {
    /// The same error with a help line.
    pub(crate) fn with_help(mut self, help: String) -> EvalError {
        self.help = Some(help);
        self
    }
}

/// What kind of run-time problem an [`EvalError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EvalErrorKind {
    /// An integer result beyond the 64-bit range: `+`, `-`, `*`, `/`, unary `-`,
    /// a `sum` or a `count`.
    Overflow,
    /// A `/` whose right side is 0.
    DivisionByZero,
    /// A map lookup (`m[k]`) of a key the map does not have.
    MissingKey,
    /// A list index (`xs[i]`) below 0 or past the end.
    IndexOutOfRange,
    /// An optional field read where it is absent (only a `message` or `help`
    /// can read one unguarded: the checker requires a guard elsewhere).
    AbsentOptional,
    /// `min` or `max` of no values.
    EmptyAggregate,
    /// The document's evaluation step budget (`--max-steps`) ran out.
    StepBudget,
    /// `date()` of text that is not a valid `YYYY-MM-DD` date.
    InvalidDate,
    /// `add_days` past the supported dates.
    DateOutOfRange,
    /// `datetime()` of text that is not an RFC 3339 datetime with a zone.
    InvalidDateTime,
    /// `to_int()` of text that is not a decimal integer in the 64-bit range.
    InvalidNumber,
    /// An argument a function cannot work with, found at run time: an empty
    /// separator of `split`, an empty `from` of `replace`, a negative count
    /// of `take` or `drop`.
    InvalidArgument,
    /// A string built by `replace` or `join` longer than the evaluator builds.
    TooLarge,
    /// A variable whose clause was not reached for this subject (only a `message`
    /// or `help` of an `error` outcome can read one).
    NotComputed,
    /// Pack functions calling one another nested deeper than the evaluator
    /// allows (no function calls itself, so only a very long chain can).
    CallDepth,
    /// A value of an unexpected type: impossible for a checked program; kept so
    /// that evaluation stays total rather than panic.
    Internal,
}

impl EvalErrorKind {
    /// A stable kebab-case name, for machine-readable output.
    pub fn as_str(self) -> &'static str {
        match self {
            EvalErrorKind::Overflow => "overflow",
            EvalErrorKind::DivisionByZero => "division-by-zero",
            EvalErrorKind::MissingKey => "missing-key",
            EvalErrorKind::IndexOutOfRange => "index-out-of-range",
            EvalErrorKind::AbsentOptional => "absent-optional",
            EvalErrorKind::EmptyAggregate => "empty-aggregate",
            EvalErrorKind::StepBudget => "step-budget",
            EvalErrorKind::InvalidDate => "invalid-date",
            EvalErrorKind::DateOutOfRange => "date-out-of-range",
            EvalErrorKind::InvalidDateTime => "invalid-datetime",
            EvalErrorKind::InvalidNumber => "invalid-number",
            EvalErrorKind::InvalidArgument => "invalid-argument",
            EvalErrorKind::TooLarge => "too-large",
            EvalErrorKind::NotComputed => "not-computed",
            EvalErrorKind::CallDepth => "call-depth",
            EvalErrorKind::Internal => "internal",
        }
    }
}
