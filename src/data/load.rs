//! Splitting an input file into documents, per cli.md "Inputs".
//!
//! A JSON or YAML file whose top level is an object is one document, an array is
//! one document per element, a YAML stream is one document per YAML document, and
//! JSONL is one document per non-blank line. A document that cannot be parsed
//! stays in the list as an error, so that numbering is stable and no document is
//! silently lost.
//!
//! `preflight check` does not split a JSON array here: it reads one as a stream,
//! element by element ([`super::array_stream`]), with the same numbering.

use std::path::Path;

use super::format::Format;
use super::json::{parse_json_with, parse_jsonl_with};
use super::node::{LoadError, LoadErrorKind, Node, NodeKind};
use crate::limits::Limits;

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
            let (mut nodes, mut error) = parse_yaml_with(text, limits);
            // A document with nothing in it (a trailing `---`, a stream of
            // comments) is no document: skipped, not reported as `null`.
            let empty = is_empty_document;
            nodes.retain(|n| !empty(n));
            if error.is_none() && nodes.len() == 1 {
                return match nodes.pop() {
                    Some(node) => one_or_elements(node),
                    None => Split {
                        docs: Vec::new(),
                        numbered: false,
                    },
                };
            }
            let mut docs: Vec<Result<Node, LoadError>> = nodes.into_iter().map(Ok).collect();
            // After a syntax error, reading resumes at the next `---` line, so
            // that one broken document does not hide the ones after it.
            // Each restart reads the rest of the file again, so there are at
            // most [`MAX_YAML_RESTARTS`]; past that, the rest is reported unread.
            let mut resumed_at = 0;
            let mut restarts = 0;
            while let Some(e) = error.take() {
                let from = line_start(text, e.start as usize).max(resumed_at + 1);
                docs.push(Err(e));
                let Some(next) = next_document_marker(text, from) else {
                    break;
                };
                if restarts == MAX_YAML_RESTARTS {
                    let mut e = LoadError::new(
                        format!(
                            "more than {MAX_YAML_RESTARTS} documents of this file do not parse; the rest of the file was not read"
                        ),
                        u32::try_from(next).unwrap_or(u32::MAX),
                        u32::try_from(next + 3).unwrap_or(u32::MAX),
                    );
                    e.label = Some("not read from here on".into());
                    e.kind = LoadErrorKind::Limit;
                    docs.push(Err(e));
                    break;
                }
                restarts += 1;
                resumed_at = next;
                let (more, more_error) = parse_yaml_with(&blank_before(text, next), limits);
                docs.extend(more.into_iter().filter(|n| !empty(n)).map(Ok));
                error = more_error;
            }
            Split {
                numbered: docs.len() > 1,
                docs,
            }
        }
    }
}

/// Parses a data file (its name says JSON, else it is YAML): one document,
/// never a stream or JSON Lines.
pub fn parse_data_file(name: &str, text: &str, limits: &Limits) -> Result<Node, LoadError> {
    match Format::from_path(Path::new(name)).unwrap_or(Format::Yaml) {
        Format::Json => parse_json_with(text, 0, limits),
        Format::Yaml => {
            let (mut docs, error) = parse_yaml_with(text, limits);
            // Empty documents (a trailing `---`) are none, as in inputs.
            docs.retain(|n| !is_empty_document(n));
            match (error, docs.len()) {
                (Some(e), _) => Err(e),
                (None, 1) => docs
                    .pop()
                    .ok_or_else(|| LoadError::new("the file is empty", 0, 0)),
                (None, 0) => Err(LoadError::new("the file is empty", 0, 0)),
                (None, _) => Err(LoadError::new(
                    "a data file holds one YAML document, this one has several",
                    0,
                    0,
                )),
            }
        }
        Format::Jsonl => Err(LoadError::new(
            "a data file is one JSON or YAML document, not JSON Lines",
            0,
            0,
        )),
    }
}

/// Whether a YAML document holds nothing at all (a trailing `---`, a stream
/// of comments): it is no document, not a `null` one, in inputs and data
/// files alike.
fn is_empty_document(node: &Node) -> bool {
    node.kind == NodeKind::Null && node.start == node.end
}

/// How many times reading a YAML stream starts again after a broken document.
pub const MAX_YAML_RESTARTS: usize = 20;

/// The offset of the start of the line holding `offset`.
fn line_start(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .and_then(|before| before.rfind('\n'))
        .map_or(0, |i| i + 1)
}

/// The start of the first line at or after `from` that starts a YAML document
/// (`---` alone or followed by a space). Such a line ends whatever came before
/// it, even a broken document, so parsing can start again there.
fn next_document_marker(text: &str, from: usize) -> Option<usize> {
    let mut at = line_start(text, from);
    if at < from {
        at = from + text.get(from..)?.find('\n')? + 1;
    }
    loop {
        let rest = text.get(at..)?;
        if let Some(after) = rest.strip_prefix("---")
            && (after.is_empty() || after.starts_with([' ', '\t', '\n', '\r']))
        {
            return Some(at);
        }
        at += rest.find('\n')? + 1;
    }
}

/// `text` with every byte before `offset` turned into a space (newlines kept),
/// so a parse of the rest reports the offsets of the whole file.
fn blank_before(text: &str, offset: usize) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        if i >= offset {
            out.push_str(text.get(i..).unwrap_or(""));
            break;
        }
        if c == '\n' {
            out.push('\n');
        } else {
            out.extend(std::iter::repeat_n(' ', c.len_utf8()));
        }
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(split: &Split) -> Vec<&'static str> {
        split
            .docs
            .iter()
            .map(|d| if d.is_ok() { "ok" } else { "err" })
            .collect()
    }

    #[test]
    fn a_broken_yaml_document_does_not_hide_the_ones_after_it() {
        let text = "---\na: 1\n---\nb: [\n---\nc: 3\n--- \nd: 4\n";
        let split = split(text, Format::Yaml);
        assert_eq!(kinds(&split), ["ok", "err", "ok", "ok"]);
        assert!(split.numbered);
        // Offsets after the restart are offsets in the file.
        let Ok(c) = &split.docs[2] else { panic!() };
        assert_eq!(text.get(c.start as usize..c.end as usize), Some("c: 3"));
    }

    #[test]
    fn a_data_file_may_end_with_an_empty_document() {
        let limits = Limits::default();
        for text in ["a: 1\n---\n", "---\na: 1\n---\n", "a: 1\n---\n# nothing\n"] {
            let node = parse_data_file("d.yaml", text, &limits);
            assert!(
                matches!(
                    node,
                    Ok(Node {
                        kind: NodeKind::Object(_),
                        ..
                    })
                ),
                "{text:?}: {node:?}"
            );
        }
        let several = parse_data_file("d.yaml", "a: 1\n---\nb: 2\n", &limits);
        assert!(several.is_err_and(|e| e.message.contains("several")));
        let empty = parse_data_file("d.yaml", "---\n", &limits);
        assert!(empty.is_err_and(|e| e.message.contains("empty")));
    }

    #[test]
    fn indented_dashes_do_not_start_a_document() {
        let text = "a: [\n ---\nb: 1\n";
        assert_eq!(kinds(&split(text, Format::Yaml)), ["err"]);
    }

    #[test]
    fn restarts_are_bounded_and_the_rest_is_reported() {
        let text = "---\nx: [\n".repeat(30);
        let split = split(&text, Format::Yaml);
        assert_eq!(split.docs.len(), MAX_YAML_RESTARTS + 2);
        let Some(Err(last)) = split.docs.last() else {
            panic!()
        };
        assert!(last.message.contains("the rest of the file was not read"));
    }
}
