//! Findings as github (being written).

use crate::check::program::Program;
use crate::run::Checked;

/// Renders the findings of a run.
pub fn render(_checked: &Checked, _program: &Program) -> String {
    String::new()
}
