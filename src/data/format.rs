//! The syntax of an input: decided once per input, from its name or the
//! `--input-format` given for names that do not say it (standard input has
//! only the latter).

use std::path::Path;

use super::read::Input;
use crate::diagnostic::{Code, Diagnostic};

/// The syntax of an input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// JSON: an object, or an array of documents.
    Json,
    /// YAML: one or more `---` documents; a lone top-level sequence is a list of documents.
    Yaml,
    /// JSON Lines: one JSON document per line.
    Jsonl,
}

impl Format {
    /// The format a file's extension says (`.json`, `.yaml`/`.yml`, `.jsonl`/`.ndjson`).
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "json" => Some(Format::Json),
            "yaml" | "yml" => Some(Format::Yaml),
            "jsonl" | "ndjson" => Some(Format::Jsonl),
            _ => None,
        }
    }
}

/// The format of `input`: its own (standard input and bytes in memory carry
/// one), else what its name says, else `fallback`; a usage error when none of
/// them says it.
pub fn of_input(input: &Input, fallback: Option<Format>) -> Result<Format, Diagnostic> {
    match input {
        Input::Stdin(f) | Input::Memory { format: f, .. } => Ok(*f),
        Input::File(path) => Format::from_path(path).or(fallback).ok_or_else(|| {
            Diagnostic::error(
                Code::Usage,
                format!(
                    "`{}`: the file name does not say its format",
                    path.display()
                ),
            )
            .help(
                "name it `.json`, `.yaml`, `.yml`, `.jsonl` or `.ndjson`, or give `--input-format`",
            )
        }),
    }
}
