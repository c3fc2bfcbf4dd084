//! The syntax of an input file. Which one an input has is decided once, by
//! [`crate::data::read::Input::format`]: from its name, or the
//! `--input-format` given for names that do not say it (standard input has
//! only the latter).

use std::path::Path;

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
