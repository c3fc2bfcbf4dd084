//! Pack diagnostics as JSON, for scripts and editors.
//!
//! The shape follows the `errors` array of `cli.md`: each entry has `code`,
//! `message` and, when it points into a file, `location` (1-based line, column in
//! characters). Fields are only ever added.

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::source::{Sources, Span};

/// A place in a file.
#[derive(Debug, Serialize)]
pub struct Location {
    /// The file as given.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// One diagnostic. Fields in the order of cli.md's `errors` entries (`code`,
/// `message`, `location`), then the additions.
#[derive(Debug, Serialize)]
pub struct JsonDiagnostic {
    /// Stable code, e.g. `preflight::unknown-field`.
    pub code: &'static str,
    /// The message.
    pub message: String,
    /// The primary location.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// The input document the problem belongs to (`FILE` or `FILE#N`), for
    /// problems of one document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
    /// `error` or `warning`.
    pub severity: &'static str,
    /// What to do, when there is something to say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// Every labelled span, the primary one first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<JsonLabel>,
}

/// A labelled span.
#[derive(Debug, Serialize)]
pub struct JsonLabel {
    /// The label's text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Where it points.
    pub location: Location,
}

/// The location of a span's start.
pub fn location(sources: &Sources, span: Span) -> Option<Location> {
    let file = sources.get(span.file)?;
    let (line, column) = file.line_col(span.start as usize);
    Some(Location {
        file: file.name().to_string(),
        line,
        column,
    })
}

/// Converts diagnostics for serialization.
pub fn diagnostics(diagnostics: &[Diagnostic], sources: &Sources) -> Vec<JsonDiagnostic> {
    diagnostics
        .iter()
        .map(|d| JsonDiagnostic {
            code: d.code.as_str(),
            severity: d.severity.as_str(),
            message: d.message.clone(),
            help: d.help.clone(),
            location: d.primary_span().and_then(|s| location(sources, s)),
            document: d.document.as_deref().map(str::to_string),
            labels: d
                .labels
                .iter()
                .filter_map(|l| {
                    location(sources, l.span).map(|location| JsonLabel {
                        message: l.text.clone(),
                        location,
                    })
                })
                .collect(),
        })
        .collect()
}
