//! Stage 4, evaluation: running a checked [`Program`](crate::model::program::Program) over conformed documents.
//!
//! Owns the run-time semantics of language.md §4–§6: subjects per `for` binding,
//! the four outcomes, short-circuit logic, generators and functions. Evaluation is
//! pure (no I/O, no clock: `today()` comes from the [`Evaluator`]'s settings) and
//! total: every run-time problem becomes an `error` outcome, never a panic.
//!
//! Passing subjects cost no allocation for reports: only when a `require` fails is
//! it evaluated a second time with a recorder ([`trace`]) that keeps the values it
//! read and the sub-values it computed, and only then are paths built.

mod aggregates;
mod budget;
mod builtins;
mod calls;
mod error;
mod evaluator;
mod frame;
mod identity;
mod lets;
mod operators;
mod outcome;
mod place;
mod rules;
pub mod trace;
mod trace_notes;
mod value_paths;

#[cfg(test)]
mod tests;

pub use self::error::{EvalError, EvalErrorKind};
pub use self::evaluator::Evaluator;
pub use self::outcome::{DocumentOutcomes, FindingDetail, Keep, Outcome, OutcomeKind, Tally};
