//! Findings as GitHub Actions workflow commands, which GitHub shows as
//! annotations on the files of a pull request (cli.md, "Output forms").
//!
//! One line per finding, in the order of the JSON form:
//! `::error file=F,line=L,col=C,title=RULE::MESSAGE` (`::warning` for warning
//! rules, `::notice` for info ones); `file`, `line` and `col` are left out when
//! the finding points nowhere in the input. In a file of several documents the
//! message starts with the document's name; the help follows the message on a
//! second line. Then one `::error` per problem of the run, titled with its code
//! (`::warning` and `::notice` for its warnings and notes).
//!
//! A finding a waiver accepts (signoff.md §1) is a `::notice` at the same place,
//! titled `RULE (waived)`, whose message says so after the finding's:
//! `waived: REASON (owner O, approved by A, until YYYY-MM-DD; FILE:LINE)`. It
//! no longer asks for a fix, but a reviewer still sees the accepted risk on
//! the line it is about.
//!
//! With `--baseline` (signoff.md §3), each finding's title says whether the
//! baseline had it: `RULE (new)` or `RULE (unchanged)` (a waived finding
//! stays `RULE (waived)`), so that a reviewer sees at a glance what the
//! change brought; each finding of the baseline that is gone is a `::notice`
//! without a place, titled `RULE (fixed)`, whose message names its document
//! and subject and says what the baseline said.
//!
//! Escaping follows GitHub's runner: in the message `%`, `\r` and `\n` are
//! percent-encoded, in property values also `:` and `,`, so that no value read
//! from an input can end a command or start another. Other control characters
//! are written as `\u{…}`, as on a terminal.

use std::fmt::Write as _;

use crate::diagnostic::Severity;
use crate::model::program::Program;
use crate::model::program::RuleSeverity;
use crate::report::diagnostics_json::location;
use crate::report::findings::finding_text;
use crate::report::findings::{sorted, waiver_text};
use crate::run::Checked;
use crate::signoff::SignOff;
use crate::source::{Sources, Span};

/// Renders the findings and problems of a run as workflow commands, one a line.
/// A finding's waiver and baseline mark are on the finding itself (the judge
/// put them there); the sign-off adds the baseline's fixed findings.
pub fn render(checked: &Checked, program: &Program, signoff: &SignOff) -> String {
    let sources = &checked.sources;
    let mut out = String::new();
    for doc in &checked.documents {
        for o in sorted(&doc.outcomes, program) {
            let Some(f) = &o.finding else { continue };
            let waiver = o.disposition.waiver.as_deref();
            let command = match (waiver, program.severity(o.rule)) {
                (Some(_), _) | (None, RuleSeverity::Info) => "notice",
                (None, RuleSeverity::Error) => "error",
                (None, RuleSeverity::Warning) => "warning",
            };
            let id = program.rule_id(o.rule);
            let mut message = finding_text(f);
            if doc.name != doc.file {
                message = format!("{}: {message}", doc.name);
            }
            let title = match (waiver, o.disposition.baseline) {
                (Some(w), _) => {
                    message = format!("{message}\n{}", waiver_text(w));
                    format!("{id} (waived)")
                }
                (None, Some(mark)) => format!("{id} ({})", mark.as_str()),
                (None, None) => id.to_string(),
            };
            push(
                &mut out,
                command,
                place(sources, f.location),
                &title,
                &message,
                f.help.as_deref(),
            );
        }
    }
    for f in signoff.baseline.iter().flat_map(|b| &b.fixed) {
        let message = format!(
            "fixed since the baseline: {}, {} (it said: {})",
            f.document, f.subject, f.message
        );
        push(
            &mut out,
            "notice",
            String::new(),
            &format!("{} (fixed)", f.rule),
            &message,
            None,
        );
    }
    for d in &checked.errors {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        push(
            &mut out,
            command,
            place(sources, d.primary_span()),
            d.code.as_str(),
            &d.message,
            d.help.as_deref(),
        );
    }
    out
}

/// `file=F,line=L,col=C` for a span, escaped; empty when there is no span.
fn place(sources: &Sources, span: Option<Span>) -> String {
    match span.and_then(|s| location(sources, s)) {
        Some(l) => format!(
            "file={},line={},col={}",
            escape_property(&l.file),
            l.line,
            l.column
        ),
        None => String::new(),
    }
}

/// Writes one command line.
fn push(
    out: &mut String,
    command: &str,
    place: String,
    title: &str,
    message: &str,
    help: Option<&str>,
) {
    let mut properties = place;
    if !properties.is_empty() {
        properties.push(',');
    }
    properties.push_str("title=");
    properties.push_str(&escape_property(title));
    let mut data = message.to_string();
    if let Some(help) = help {
        data.push_str("\nhelp: ");
        data.push_str(help);
    }
    let _ = writeln!(out, "::{command} {properties}::{}", escape_data(&data));
}

/// A command's message: `%`, `\r` and `\n` percent-encoded; other control
/// characters as `\u{…}`.
pub fn escape_data(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in crate::source::escape_for_terminal(text).chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push(c),
        }
    }
    out
}

/// A command's property value: as a message, and `:` and `,` percent-encoded.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_cannot_end_a_command() {
        assert_eq!(escape_data("50% off\r\n::stop"), "50%25 off%0D%0A::stop");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
        assert_eq!(escape_data("x\u{1b}[2Jy"), "x\\u{1b}[2Jy");
    }
}
