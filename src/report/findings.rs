//! What every findings form says alike: the order in which a document's
//! outcomes are reported, and the one-line text of a finding. Kept here, not in
//! any one form, so that the human, SARIF, JUnit and GitHub forms cannot drift
//! apart.

use std::borrow::Cow;

use crate::model::program::Program;
use crate::run::{AppliedWaiver, ComputedValue, Finding, FindingValue, ReportedOutcome};

/// Outcomes of one document in report order: rule id, then subject order.
pub fn sorted<'a>(outcomes: &'a [ReportedOutcome], program: &Program) -> Vec<&'a ReportedOutcome> {
    let mut v: Vec<&ReportedOutcome> = outcomes.iter().collect();
    v.sort_by(|a, b| {
        let id = |o: &ReportedOutcome| program.rules.get(o.rule).map_or("", |r| r.id.as_str());
        id(a).cmp(id(b))
    });
    v
}

/// A finding's message: the rule's own, or, for a rule without one, what
/// failed (the requirement that does not hold, or the evaluation error).
pub fn message(finding: &Finding) -> Cow<'_, str> {
    match (&finding.message, &finding.error) {
        (Some(message), _) => Cow::Borrowed(message),
        (None, Some(e)) => Cow::Owned(format!("could not be evaluated: {e}")),
        (None, None) => Cow::Owned(format!(
            "`{}` does not hold",
            finding.requirement.as_deref().unwrap_or_default()
        )),
    }
}

/// The text of a finding for one line of a report: its message and, for an
/// `error` outcome, what stopped evaluation, unless the message already shows
/// it (a part of the rule's message that could not be computed reads
/// `<error: …>`, and the wording for a rule without a message is the error).
pub fn finding_text(finding: &Finding) -> String {
    let message = message(finding);
    match &finding.error {
        Some(e) if message.contains(e.as_str()) => format!("{message} (could not be evaluated)"),
        Some(e) if finding.message.is_some() => {
            format!("{message} (could not be evaluated: {e})")
        }
        _ => message.into_owned(),
    }
}

/// The label of a value a failing `require` read, on the input: the
/// expression and the value, strings and enum members quoted, long values cut.
pub fn value_label(value: &FindingValue) -> String {
    let text = cut(&value.text, 80);
    let shown = if value.is_text {
        format!("{text:?}")
    } else {
        text
    };
    format!("{}: {shown}", value.expr)
}

/// The label of a sub-value a failing clause computed, on the policy:
/// `sum(…) = 40`, long expressions and values shortened.
pub fn computed_label(computed: &ComputedValue) -> String {
    let expr = &computed.expr;
    let short = if expr.chars().count() <= 32 {
        expr.clone()
    } else if let Some(open) = expr.find('(') {
        format!("{}(…)", expr.get(..open).unwrap_or(""))
    } else {
        format!("{}…", expr.chars().take(30).collect::<String>())
    };
    format!("{short} = {}", cut(&computed.text, 60))
}

/// `text` if it has at most `max` characters, else its first `max - 1` and `…`.
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() > max {
        let kept: String = text.chars().take(max.saturating_sub(1)).collect();
        format!("{kept}…")
    } else {
        text.to_string()
    }
}

/// What a waiver says about the finding it accepts: why, who answers for it,
/// who approved it, until when, and where it is written.
pub fn waiver_text(w: &AppliedWaiver) -> String {
    let approved = match &w.approved_by {
        Some(a) => format!(", approved by {a}"),
        None => String::new(),
    };
    format!(
        "waived: {} (owner {}{approved}, until {}; {}:{})",
        w.reason, w.owner, w.expires, w.file, w.line
    )
}
