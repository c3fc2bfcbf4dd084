//! Stage 6, report: turns results into text for people and for machines.
//!
//! One file per output form. `check`'s forms share one interface
//! ([`form::Report`], a run's sink that also ends its output) and one
//! constructor, [`open`]: adding a form is a file here and a line there.
//! Reporting never parses, checks or evaluates; it only renders what earlier
//! stages produced.

mod board;
pub mod counts;
pub mod diagnostics_human;
pub mod diagnostics_json;
pub mod doc_text;
pub mod findings;
pub mod findings_github;
pub mod findings_html;
pub mod findings_human;
pub mod findings_json;
pub mod findings_junit;
pub mod findings_markdown;
pub mod findings_sarif;
pub mod form;
pub mod json_schema;
pub mod progress;
pub mod rules;
mod snippet;
mod whole;

use self::form::{FindingsForm, Report, ReportOptions};
use self::progress::WithProgress;
use self::whole::Whole;
use crate::diagnostic::Diagnostic;
use crate::model::program::Program;
use crate::source::Sources;

/// The report of one `check` run in the form the options name, ready to be
/// given the run's problems and documents. `program` is `None` when the pack
/// did not load; `warnings` are the pack's, shown by the forms that show them.
/// The one place that knows every form.
pub fn open<'p>(
    options: &ReportOptions,
    program: Option<&'p Program>,
    sources: &Sources,
    warnings: &[Diagnostic],
) -> Box<dyn Report + 'p> {
    let form: Box<dyn Report + 'p> = match options.form {
        FindingsForm::Human => Box::new(findings_human::HumanReport::new(
            options, program, sources, warnings,
        )),
        FindingsForm::Json => Box::new(findings_json::JsonReport::new(options, program, warnings)),
        FindingsForm::Sarif => Box::new(Whole::new(options, program, findings_sarif::render)),
        FindingsForm::Junit => Box::new(Whole::new(options, program, findings_junit::render)),
        FindingsForm::Github => Box::new(Whole::new(options, program, findings_github::render)),
        FindingsForm::Html => Box::new(findings_html::HtmlReport::new(
            options, program, sources, warnings,
        )),
        FindingsForm::Markdown => Box::new(findings_markdown::MarkdownReport::new(
            options, program, sources, warnings,
        )),
    };
    if options.progress {
        Box::new(WithProgress::new(form, options.input_bytes))
    } else {
        form
    }
}
