//! The canonical layout of policy files (being written).

use crate::diagnostic::Diagnostic;
use crate::source::Sources;

/// Formats the policy text `text` (named `name` in diagnostics): the canonical
/// layout, or the reasons it cannot be formatted (a file that does not parse is
/// never rewritten), with the sources they point into.
pub fn format_source(name: &str, text: &str) -> Result<String, (Sources, Vec<Diagnostic>)> {
    let _ = name;
    Ok(text.to_string())
}
