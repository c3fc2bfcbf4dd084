//! What every findings form says alike: the order in which a document's
//! outcomes are reported, and the one-line text of a finding. Kept here, not in
//! any one form, so that the human, SARIF, JUnit and GitHub forms cannot drift
//! apart.

use crate::model::program::Program;
use crate::run::{Finding, ReportedOutcome};

/// Outcomes of one document in report order: rule id, then subject order.
pub fn sorted<'a>(outcomes: &'a [ReportedOutcome], program: &Program) -> Vec<&'a ReportedOutcome> {
    let mut v: Vec<&ReportedOutcome> = outcomes.iter().collect();
    v.sort_by(|a, b| {
        let id = |o: &ReportedOutcome| program.rules.get(o.rule).map_or("", |r| r.id.as_str());
        id(a).cmp(id(b))
    });
    v
}

/// The text of a finding for one line of a report: its message and, for an
/// `error` outcome, what stopped evaluation, unless the message already shows
/// it (a part of the rule's message that could not be computed reads
/// `<error: …>`, and preflight's own wording for a rule without a message is
/// the error).
pub fn finding_text(finding: &Finding) -> String {
    match &finding.error {
        Some(e) if finding.message.contains(e.as_str()) => {
            format!("{} (could not be evaluated)", finding.message)
        }
        Some(e) if finding.message_from_rule => {
            format!("{} (could not be evaluated: {e})", finding.message)
        }
        _ => finding.message.clone(),
    }
}
