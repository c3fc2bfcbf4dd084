//! What the summaries of the human and JSON forms count, added up a document at
//! a time so that a streamed run need not keep its documents, and what the exit
//! code is decided on.

use crate::eval::{OutcomeKind, Tally};
use crate::model::program::{Program, RuleSeverity};
use crate::run::{BaselineMark, DocumentResult};

/// What the summaries of the human and JSON forms count, added up a document at
/// a time so that the documents need not be kept.
#[derive(Debug, Clone, Default)]
pub struct Counts {
    /// Documents evaluated.
    pub evaluated: usize,
    /// Documents read but not evaluated.
    pub not_evaluated: usize,
    /// Findings of `error`, `warning` and `info` rules, waived ones left out.
    pub by_severity: [u64; 3],
    /// Of those, the findings new since the baseline (with `--baseline`).
    pub new_by_severity: [u64; 3],
    /// Findings per rule, by index in [`Program::rules`], waived ones left out.
    pub by_rule: Vec<u64>,
    /// Outcomes of every document, kept or not, as evaluation gave them
    /// (waived findings among `fail` and `error`: see [`Counts::outcomes`]).
    pub tally: Tally,
    /// Waived findings that were `fail` outcomes.
    pub waived_fail: u64,
    /// Waived findings that were `error` outcomes.
    pub waived_error: u64,
    /// With `--baseline`: findings new since it, and findings it had too.
    pub new: u64,
    /// See `new`.
    pub unchanged: u64,
}

/// Outcomes by kind as reports count them: a waived finding is `waived`,
/// neither `fail` nor `error`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutcomeCounts {
    /// `pass`
    pub pass: u64,
    /// `fail`, not waived.
    pub fail: u64,
    /// `skip`
    pub skip: u64,
    /// `error`, not waived.
    pub error: u64,
    /// Findings a waiver accepts.
    pub waived: u64,
}

impl Counts {
    /// Counts one document.
    pub fn add(&mut self, program: &Program, doc: &DocumentResult) {
        self.tally.merge(doc.tally);
        if doc.evaluated {
            self.evaluated += 1;
        } else {
            self.not_evaluated += 1;
        }
        for o in doc.outcomes.iter().filter(|o| o.finding.is_some()) {
            match o.disposition.baseline {
                Some(BaselineMark::New) => self.new += 1,
                Some(BaselineMark::Unchanged) => self.unchanged += 1,
                None => {}
            }
            if o.is_waived() {
                match o.kind {
                    OutcomeKind::Error => self.waived_error += 1,
                    _ => self.waived_fail += 1,
                }
                continue;
            }
            let severity = severity_index(program.severity(o.rule));
            if let Some(n) = self.by_severity.get_mut(severity) {
                *n += 1;
            }
            if o.disposition.baseline == Some(BaselineMark::New)
                && let Some(n) = self.new_by_severity.get_mut(severity)
            {
                *n += 1;
            }
            if self.by_rule.len() <= o.rule {
                self.by_rule.resize(o.rule + 1, 0);
            }
            if let Some(n) = self.by_rule.get_mut(o.rule) {
                *n += 1;
            }
        }
    }

    /// Whether some finding (not waived) is of `severity` or more serious.
    pub fn any_at_or_above(&self, severity: RuleSeverity) -> bool {
        self.by_severity
            .iter()
            .take(severity_index(severity) + 1)
            .any(|n| *n > 0)
    }

    /// Whether some finding new since the baseline (not waived) is of
    /// `severity` or more serious: what `--fail-on-new` decides on.
    pub fn any_new_at_or_above(&self, severity: RuleSeverity) -> bool {
        self.new_by_severity
            .iter()
            .take(severity_index(severity) + 1)
            .any(|n| *n > 0)
    }

    /// Findings a waiver accepts.
    pub fn waived(&self) -> u64 {
        self.waived_fail + self.waived_error
    }

    /// Outcomes by kind, waived findings counted as such.
    pub fn outcomes(&self) -> OutcomeCounts {
        let t = self.tally;
        OutcomeCounts {
            pass: t.pass,
            fail: t.fail.saturating_sub(self.waived_fail),
            skip: t.skip,
            error: t.error.saturating_sub(self.waived_error),
            waived: self.waived(),
        }
    }
}

fn severity_index(severity: RuleSeverity) -> usize {
    match severity {
        RuleSeverity::Error => 0,
        RuleSeverity::Warning => 1,
        RuleSeverity::Info => 2,
    }
}
