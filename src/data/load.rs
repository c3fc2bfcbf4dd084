//! Splitting an input file into documents, per cli.md "Inputs".
//!
//! A JSON or YAML file whose top level is an object is one document, an array is
//! one document per element, a YAML stream is one document per YAML document, and
//! JSONL is one document per non-blank line. A document that cannot be parsed
//! stays in the list as an error, so that numbering is stable and no document is
//! silently lost.

use std::path::Path;

use super::json::{parse_json_with, parse_jsonl_with};
use super::node::{LoadError, Node, NodeKind};
use crate::limits::Limits;

/// The syntax of an input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
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

/// The documents of one file.
#[derive(Debug)]
pub struct Split {
    /// Each document, or why it could not be read. A parse error that ends a JSON
    /// or YAML file is the last entry.
    pub docs: Vec<Result<Node, LoadError>>,
    /// Whether documents are named `FILE#N` (several documents possible) rather
    /// than `FILE` (the file is one document).
    pub numbered: bool,
}

/// Splits `text` into documents.
pub fn split(text: &str, format: Format) -> Split {
    split_with(text, format, &Limits::default())
}

/// [`split`] with the nesting and alias limits of `limits`.
pub fn split_with(text: &str, format: Format, limits: &Limits) -> Split {
    match format {
        Format::Json => match parse_json_with(text, 0, limits) {
            Ok(node) => one_or_elements(node),
            Err(e) => Split {
                docs: vec![Err(e)],
                numbered: false,
            },
        },
        Format::Jsonl => Split {
            docs: parse_jsonl_with(text, limits)
                .into_iter()
                .map(|(_, d)| d)
                .collect(),
            numbered: true,
        },
        Format::Yaml => {
            let (mut nodes, error) = parse_yaml_with(text, limits);
            // A document with nothing in it (a trailing `---`, a stream of
            // comments) is no document: skipped, not reported as `null`.
            nodes.retain(|n| !(n.kind == NodeKind::Null && n.start == n.end));
            let mut split = match (nodes.len(), &error) {
                (1, None) => {
                    let mut nodes = nodes;
                    match nodes.pop() {
                        Some(node) => one_or_elements(node),
                        None => Split {
                            docs: Vec::new(),
                            numbered: false,
                        },
                    }
                }
                _ => Split {
                    numbered: nodes.len() > 1,
                    docs: nodes.into_iter().map(Ok).collect(),
                },
            };
            if let Some(e) = error {
                split.docs.push(Err(e));
                // The documents before the error keep the names they would have
                // had without it.
                split.numbered |= split.docs.len() > 1;
            }
            split
        }
    }
}

/// A top-level array is a list of documents; anything else is one document.
fn one_or_elements(node: Node) -> Split {
    match node.kind {
        NodeKind::Array(items) => Split {
            docs: items.into_iter().map(Ok).collect(),
            numbered: true,
        },
        _ => Split {
            docs: vec![Ok(node)],
            numbered: false,
        },
    }
}

/// [`super::yaml::parse_yaml`], with a panic inside the YAML library turned into
/// a load error: saphyr-parser is not written against panics, and a bad input
/// file must never crash a run.
pub fn parse_yaml(text: &str) -> (Vec<Node>, Option<LoadError>) {
    parse_yaml_with(text, &Limits::default())
}

/// [`parse_yaml`] with the nesting and alias limits of `limits`.
pub fn parse_yaml_with(text: &str, limits: &Limits) -> (Vec<Node>, Option<LoadError>) {
    std::panic::catch_unwind(|| super::yaml::parse_yaml_with(text, limits)).unwrap_or_else(|_| {
        let end = u32::try_from(text.len()).unwrap_or(u32::MAX);
        (
            Vec::new(),
            Some(LoadError::new(
                "the YAML parser failed on this file (an internal error)",
                0,
                end.min(1),
            )),
        )
    })
}
