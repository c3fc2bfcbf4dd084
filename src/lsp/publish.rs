//! The pack's diagnostics as the protocol's: on the file and range of their
//! first label, the other labels as related information.

use lsp_types::{DiagnosticRelatedInformation, DiagnosticSeverity, NumberOrString, Range};

use super::analysis::Analysis;
use super::text::Encoding;
use crate::diagnostic::{Diagnostic, Severity};

/// One diagnostic in the protocol's terms. The message is the diagnostic's
/// message, its first label's text and its help, each on a line, as an
/// editor shows them together; the other labels are related information.
pub fn convert(analysis: &Analysis, d: &Diagnostic, encoding: Encoding) -> lsp_types::Diagnostic {
    let primary = d.labels.first();
    let range = primary.map_or_else(Range::default, |l| analysis.range(l.span, encoding));
    let mut message = d.message.clone();
    if let Some(text) = primary.and_then(|l| l.text.as_deref()) {
        message.push('\n');
        message.push_str(text);
    }
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .skip(1)
        .filter_map(|l| {
            Some(DiagnosticRelatedInformation {
                location: analysis.location(l.span, encoding)?,
                message: l.text.clone().unwrap_or_else(|| "here".to_string()),
            })
        })
        .collect();
    lsp_types::Diagnostic {
        range,
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Info => DiagnosticSeverity::INFORMATION,
        }),
        code: Some(NumberOrString::String(d.code.as_str().to_string())),
        source: Some("preflight".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..lsp_types::Diagnostic::default()
    }
}

/// Every diagnostic of `file`.
pub fn of_file(
    analysis: &Analysis,
    file: crate::source::FileId,
    encoding: Encoding,
) -> Vec<lsp_types::Diagnostic> {
    analysis
        .diagnostics_of(file)
        .map(|d| convert(analysis, d, encoding))
        .collect()
}
