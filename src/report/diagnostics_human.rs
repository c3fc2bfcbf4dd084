//! Pack diagnostics as miette's graphical reports.

use std::io::IsTerminal;

use miette::{GraphicalReportHandler, GraphicalTheme};

use crate::diagnostic::Diagnostic;
use crate::source::Sources;

/// When to use colour, as given by `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when standard error is a terminal and `NO_COLOR` is not set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

impl ColorChoice {
    /// Whether to colour output written to standard error.
    pub fn for_stderr(self) -> bool {
        self.decide(std::io::stderr().is_terminal())
    }

    /// Whether to colour output written to standard output.
    pub fn for_stdout(self) -> bool {
        self.decide(std::io::stdout().is_terminal())
    }

    fn decide(self, terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && terminal
            }
        }
    }
}

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
