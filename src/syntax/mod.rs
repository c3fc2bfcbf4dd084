//! Stage 1, syntax: policy text in, AST out.
//!
//! Owns the pest grammar binding, the lowering of pest pairs into [`ast`], and the
//! syntax diagnostics (parse errors in words, targeted help for common slips,
//! nesting limits). It knows nothing of types or names: that is `check/`.

pub mod ast;
mod expr;
mod grammar;
pub mod literal;
mod lower;
mod parse_error;
#[cfg(test)]
mod parse_tests;
mod prescan;

pub use expr::{MAX_EXPR_DEPTH, MAX_OPERATOR_CHAIN};
pub use parse_error::KEYWORDS;
pub use prescan::MAX_BRACKET_DEPTH;

use pest::Parser as _;

use crate::diagnostic::Diagnostic;
use crate::source::FileId;

/// Parses one policy file. Always returns an AST together with every problem
/// found; the AST of a file with problems still holds every declaration that
/// parsed, so the checker can report what it can.
///
/// The file is parsed one top-level declaration at a time (a declaration starts
/// at a line beginning with its keyword, or with the `///` comments above it), so
/// a syntax error in one declaration does not hide the errors of the others.
pub fn parse(file: FileId, text: &str) -> (ast::File, Vec<Diagnostic>) {
    let mut out = ast::File::default();
    let mut diags = Vec::new();
    let chunks = chunks(text);
    let count = chunks.len();
    for (index, (base, chunk)) in chunks.into_iter().enumerate() {
        let last = index + 1 == count;
        let early = prescan::prescan(file, chunk);
        let result = if early.is_empty() {
            grammar::PolicyParser::parse(grammar::Rule::file, chunk).map_err(|_| {
                // Tracking what was expected slows every parse down a lot, so it is
                // only switched on to explain a chunk that failed.
                pest::set_error_detail(true);
                let error = grammar::PolicyParser::parse(grammar::Rule::file, chunk).err();
                pest::set_error_detail(false);
                error
                    .map(|e| parse_error::parse_error(file, chunk, &e, last))
                    .into_iter()
                    .collect()
            })
        } else {
            Err(early)
        };
        match result {
            Ok(mut pairs) => {
                let lowerer = lower::Lowerer::new(file, base);
                if let Some(pair) = pairs.next() {
                    let lowered = lowerer.file(pair);
                    out.decls.extend(lowered.decls);
                    out.unparsed.extend(lowered.unparsed);
                }
                diags.extend(lowerer.into_diagnostics());
            }
            Err(errors) => {
                diags.extend(errors.into_iter().map(|d| shift(d, base)));
                out.unparsed.push(unparsed(chunk));
            }
        }
    }
    (out, diags)
}

/// Splits a file into chunks that each start at a top-level declaration: a line
/// that starts (in column 0) with a declaration keyword, together with the `///`
/// lines right above it. Returns each chunk with its byte offset.
fn chunks(text: &str) -> Vec<(usize, &str)> {
    const KEYWORDS: [&str; 7] = ["enum", "record", "input", "data", "param", "rule", "fn"];
    let mut starts = vec![0];
    let mut offset = 0;
    let mut doc_start: Option<usize> = None;
    for raw_line in text.split_inclusive('\n') {
        let line = raw_line.trim_start_matches('\u{feff}');
        let starts_decl = KEYWORDS.iter().any(|k| {
            line.strip_prefix(k)
                .is_some_and(|rest| rest.starts_with([' ', '\t']))
        });
        if line.starts_with("///") {
            doc_start.get_or_insert(offset);
        } else if starts_decl {
            let start = doc_start.unwrap_or(offset);
            if start > 0 {
                starts.push(start);
            }
            doc_start = None;
        } else if !line.trim().is_empty() && !line.trim_start().starts_with("//") {
            // A plain `//` comment between doc comments and their declaration
            // does not separate them (the grammar skips it too).
            doc_start = None;
        }
        offset += raw_line.len();
    }
    starts.dedup();
    let mut out = Vec::with_capacity(starts.len());
    for (i, &start) in starts.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(text.len());
        if let Some(chunk) = text.get(start..end) {
            out.push((start, chunk));
        }
    }
    out
}

/// The leading words of a chunk that did not parse.
fn unparsed(chunk: &str) -> ast::Unparsed {
    let mut words = chunk
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("//"))
        .flat_map(|l| l.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-')))
        .filter(|w| !w.is_empty());
    let keyword = words.next().unwrap_or("").to_string();
    let name = words.next().unwrap_or("").to_string();
    ast::Unparsed { keyword, name }
}

/// Moves a diagnostic made on a chunk to the chunk's place in the file.
fn shift(mut diagnostic: Diagnostic, base: usize) -> Diagnostic {
    for label in &mut diagnostic.labels {
        label.span = crate::source::Span::new(
            label.span.file,
            label.span.start as usize + base,
            label.span.end as usize + base,
        );
    }
    diagnostic
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_start_at_declarations_with_their_docs() {
        let text =
            "// header\nrecord A { x: int }\n\n/// doc\nrule r {\n  require true\n}\ninput a: A\n";
        let starts: Vec<usize> = chunks(text).iter().map(|(s, _)| *s).collect();
        assert_eq!(starts, vec![0, 10, 31, 65]);
        assert!(
            chunks(text)
                .iter()
                .all(|(s, c)| text.get(*s..).is_some_and(|t| t.starts_with(c)))
        );
    }

    #[test]
    fn errors_in_two_declarations_are_both_reported() {
        let mut sources = crate::source::Sources::new();
        let text = "record A { x int }\nrule r {\n  require\n}\ninput a: A\n";
        let id = sources.add("t.policy", text);
        let (ast, diags) = parse(id, text);
        assert_eq!(diags.len(), 2);
        assert_eq!(ast.decls.len(), 1);
        assert_eq!(ast.unparsed.len(), 2);
    }
}
