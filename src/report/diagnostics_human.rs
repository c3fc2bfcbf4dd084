//! Pack diagnostics as miette's graphical reports.

use miette::{GraphicalReportHandler, GraphicalTheme};

use crate::diagnostic::Diagnostic;
use crate::source::Sources;

/// Renders diagnostics one after another, as a terminal shows them.
pub fn render(diagnostics: &[Diagnostic], sources: &Sources, color: bool) -> String {
    let width = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(100);
    if !color {
        return crate::diagnostic::render_plain(diagnostics, sources, width);
    }
    let handler = GraphicalReportHandler::new_themed(GraphicalTheme::unicode()).with_width(width);
    crate::diagnostic::render_with(&handler, diagnostics, sources)
}
