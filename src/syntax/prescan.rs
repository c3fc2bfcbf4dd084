//! A cheap lexical pass that runs before pest and refuses input that would make
//! the recursive stages (pest, lowering, checking) recurse without bound.
//!
//! It tracks bracket nesting outside strings and comments. The grammar's brackets
//! are the only way an expression nests through pest's recursion, so capping them
//! here caps pest's recursion; operator chains are capped in `expr.rs`, where the
//! flat operator sequence is visible. It also reports unterminated strings, which
//! pest would otherwise describe as a confusing "expected …" further on.

use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, Span};

/// The deepest bracket nesting (`(`, `[`, `{` together) a policy may use.
pub const MAX_BRACKET_DEPTH: usize = 64;

/// Returns the problems found; empty when pest may run.
pub fn prescan(file: FileId, text: &str) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0usize;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = line_end(bytes, i);
                continue;
            }
            b'"' | b'\'' => {
                let start = i;
                i += 1;
                loop {
                    match bytes.get(i) {
                        None | Some(b'\n') => {
                            let quote = if b == b'"' { "\"" } else { "'" };
                            diags.push(
                                Diagnostic::error(Code::Parse, "unterminated string")
                                    .label(Span::new(file, start, i), "this string is not closed on its line")
                                    .help(format!("strings are single-line: close it with `{quote}` (write `\\n` for a line break)")),
                            );
                            break;
                        }
                        Some(b'\\') => i += 2,
                        Some(&c) if c == b => {
                            i += 1;
                            break;
                        }
                        Some(_) => i += 1,
                    }
                }
                continue;
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_BRACKET_DEPTH {
                    diags.push(
                        Diagnostic::error(
                            Code::Limit,
                            format!("brackets nested more than {MAX_BRACKET_DEPTH} deep"),
                        )
                        .label(Span::new(file, i, i + 1), "this bracket is too deep")
                        .help("split the expression with `let` clauses"),
                    );
                    return diags;
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    diags
}

fn line_end(bytes: &[u8], from: usize) -> usize {
    bytes
        .get(from..)
        .and_then(|rest| rest.iter().position(|&b| b == b'\n'))
        .map_or(bytes.len(), |p| from + p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Sources;

    fn id() -> FileId {
        Sources::new().add("t.policy", "")
    }

    #[test]
    fn brackets_in_strings_and_comments_do_not_count() {
        let text = format!("\"{}\" // {}\n", "(".repeat(100), "[".repeat(100));
        assert!(prescan(id(), &text).is_empty());
    }

    #[test]
    fn deep_brackets_are_refused() {
        let text = "(".repeat(MAX_BRACKET_DEPTH + 1);
        let diags = prescan(id(), &text);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags.first().map(|d| d.code), Some(Code::Limit));
    }

    #[test]
    fn unterminated_string_is_reported() {
        let diags = prescan(id(), "message \"abc\nrequire true");
        assert_eq!(
            diags.first().map(|d| d.message.as_str()),
            Some("unterminated string")
        );
    }
}
