//! What the summaries of the human and JSON forms count, added up a document at
//! a time so that a streamed run need not keep its documents, and what the exit
//! code is decided on.

use crate::eval::Tally;
use crate::model::program::{Program, RuleSeverity};
use crate::run::DocumentResult;

/// What the summaries of the human and JSON forms count, added up a document at
/// a time so that the documents need not be kept.
#[derive(Debug, Clone, Default)]
pub struct Counts {
    /// Documents evaluated.
    pub evaluated: usize,
    /// Documents read but not evaluated.
    pub not_evaluated: usize,
    /// Findings of `error`, `warning` and `info` rules.
    pub by_severity: [u64; 3],
    /// Findings per rule, by index in [`Program::rules`].
    pub by_rule: Vec<u64>,
    /// Outcomes of every document, kept or not.
    pub tally: Tally,
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
            if let Some(n) = self
                .by_severity
                .get_mut(severity_index(program.severity(o.rule)))
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

    /// Whether some finding is of `severity` or more serious.
    pub fn any_at_or_above(&self, severity: RuleSeverity) -> bool {
        self.by_severity
            .iter()
            .take(severity_index(severity) + 1)
            .any(|n| *n > 0)
    }
}

fn severity_index(severity: RuleSeverity) -> usize {
    match severity {
        RuleSeverity::Error => 0,
        RuleSeverity::Warning => 1,
        RuleSeverity::Info => 2,
    }
}
