//! A cheap lexical pass that runs before pest and refuses input that would make
//! the recursive stages (pest, lowering, checking) recurse without bound.
//!
//! It tracks bracket nesting outside comments and plain strings, and *inside* the
//! `{…}` interpolations of `message`/`help` strings (which hold expressions). The
//! grammar's brackets are the only way an expression nests through pest's
//! recursion, so capping them here caps pest's recursion; operator chains are
//! capped in `expr.rs`, where the flat operator sequence is visible. It also
//! reports unterminated strings and lone carriage returns, which pest would
//! otherwise describe confusingly.

use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, Span};

/// The deepest bracket nesting (`(`, `[`, `{` and interpolations together) a
/// policy may use.
pub const MAX_BRACKET_DEPTH: usize = 64;

/// The most comma-separated items one pair of brackets may hold (list
/// elements, call arguments, record fields). Parsing costs microseconds per
/// item; a list this long belongs in a data file.
pub const MAX_BRACKET_ITEMS: usize = 10_000;

/// Where the scanner is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    /// Policy text, or the expression of an interpolation, which records the
    /// bracket depth its `{` opened (its own `}` brings the depth back below it).
    Code {
        interpolation: Option<(usize, usize)>,
    },
    /// A string; `template` for `message` and `help` strings.
    Str { template: bool, start: usize },
}

/// Returns the problems found; empty when pest may run.
pub fn prescan(file: FileId, text: &str) -> Vec<Diagnostic> {
    let bytes = text.as_bytes();
    let mut stack = vec![Context::Code {
        interpolation: None,
    }];
    let mut depth = 0usize;
    // For each open bracket: where it is, and the commas seen directly inside.
    let mut open: Vec<(usize, usize)> = Vec::new();
    // For each bracket level (the outermost first): the `if`s whose branches may
    // still be open there. Pest recurses once per `if` nested in another's
    // branch, so they count towards the depth like brackets; they end at the
    // level's `,`, `for` and closing bracket, and at a clause's keyword.
    let mut ifs: Vec<usize> = vec![0];
    let mut open_ifs = 0usize;
    let mut last_word: &str = "";
    let mut i = 0usize;
    while let Some(&b) = bytes.get(i) {
        let next = bytes.get(i + 1).copied();
        let here = stack.last().copied().unwrap_or(Context::Code {
            interpolation: None,
        });
        if b == b'\r' && next != Some(b'\n') {
            return vec![
                Diagnostic::error(Code::Parse, "a carriage return without a line feed")
                    .label(Span::new(file, i, i + 1), "lone `\\r`")
                    .help("save the file with LF or CRLF line ends"),
            ];
        }
        match here {
            Context::Code { interpolation } => match b {
                b'/' if next == Some(b'/') => {
                    i = line_end(bytes, i);
                    continue;
                }
                b'"' => {
                    let template =
                        interpolation.is_none() && (last_word == "message" || last_word == "help");
                    stack.push(Context::Str { template, start: i });
                }
                b'\'' => {
                    // Not part of the language (lowering says so); skip it like pest does.
                    let end = bytes
                        .get(i + 1..)
                        .and_then(|r| r.iter().position(|&c| c == b'\'' || c == b'\n'));
                    match end.and_then(|e| bytes.get(i + 1 + e).map(|&c| (e, c))) {
                        Some((e, b'\'')) => i += e + 1,
                        _ => return vec![unterminated(file, i, line_end(bytes, i), '\'')],
                    }
                }
                b'(' | b'[' | b'{' => {
                    depth += 1;
                    if depth > MAX_BRACKET_DEPTH {
                        return vec![too_deep(file, i)];
                    }
                    open.push((i, 0));
                    ifs.push(0);
                }
                b',' => {
                    if let Some(level) = ifs.last_mut() {
                        open_ifs -= std::mem::take(level);
                    }
                    if let Some((at, commas)) = open.last_mut() {
                        *commas += 1;
                        if *commas >= MAX_BRACKET_ITEMS {
                            return vec![too_many_items(file, *at, i)];
                        }
                    }
                }
                b'}' if interpolation.is_some_and(|(d, _)| d == depth) => {
                    depth = depth.saturating_sub(1);
                    open.pop();
                    close_level(&mut ifs, &mut open_ifs);
                    stack.pop();
                }
                b')' | b']' | b'}' => {
                    depth = depth.saturating_sub(1);
                    open.pop();
                    close_level(&mut ifs, &mut open_ifs);
                }
                _ => {}
            },
            Context::Str { template, start } => match b {
                b'\n' => {
                    // A string that starts inside an interpolation and runs to the end
                    // of the line usually means the `{` was meant literally.
                    let open_brace = stack.iter().rev().find_map(|c| match c {
                        Context::Code {
                            interpolation: Some((_, at)),
                        } => Some(*at),
                        _ => None,
                    });
                    return vec![match open_brace {
                        Some(at) => unclosed_interpolation(file, at),
                        None => unterminated(file, start, i, '"'),
                    }];
                }
                b'"' => {
                    stack.pop();
                }
                b'\\' => {
                    // `\u{…}` is an escape, not an interpolation.
                    // (only when closed on the string's line, as the grammar reads it;
                    // otherwise `\u` is a bad escape and `{` opens an interpolation).
                    if next == Some(b'u') && bytes.get(i + 2) == Some(&b'{') {
                        let stop = bytes.get(i..).and_then(|r| {
                            r.iter().position(|&c| c == b'}' || c == b'"' || c == b'\n')
                        });
                        if let Some(close) = stop.filter(|&c| bytes.get(i + c) == Some(&b'}')) {
                            i += close + 1;
                            continue;
                        }
                    }
                    i += 2;
                    continue;
                }
                b'{' | b'}' if template && next == Some(b) => {
                    i += 2;
                    continue;
                }
                b'{' if template => {
                    depth += 1;
                    if depth > MAX_BRACKET_DEPTH {
                        return vec![too_deep(file, i)];
                    }
                    open.push((i, 0));
                    ifs.push(0);
                    stack.push(Context::Code {
                        interpolation: Some((depth, i)),
                    });
                }
                _ => {}
            },
        }
        if b.is_ascii_alphanumeric() || b == b'_' {
            let start = i;
            while bytes
                .get(i)
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
            {
                i += 1;
            }
            last_word = text.get(start..i).unwrap_or("");
            if matches!(here, Context::Code { .. }) {
                if last_word == "if" {
                    open_ifs += 1;
                    if let Some(level) = ifs.last_mut() {
                        *level += 1;
                    }
                    if depth + open_ifs > MAX_BRACKET_DEPTH {
                        return vec![too_deep_ifs(file, start)];
                    }
                } else if ENDS_IFS.contains(&last_word)
                    && let Some(level) = ifs.last_mut()
                {
                    open_ifs -= std::mem::take(level);
                }
            }
            continue;
        }
        if !b.is_ascii_whitespace() {
            last_word = "";
        }
        i += 1;
    }
    match stack.last() {
        Some(Context::Str { start, .. }) => vec![unterminated(file, *start, text.len(), '"')],
        _ => Vec::new(),
    }
}

/// Words after which no `if` of the same bracket level can still be open: the
/// variable of a generator, and the keywords that start a clause or declaration.
const ENDS_IFS: &[&str] = &[
    "for", "require", "when", "let", "message", "help", "severity", "rule", "fn", "param", "data",
    "input", "record", "enum",
];

/// Forgets the `if`s of a bracket level that closes.
fn close_level(ifs: &mut Vec<usize>, open_ifs: &mut usize) {
    if ifs.len() > 1 {
        *open_ifs -= ifs.pop().unwrap_or(0);
    }
}

fn too_deep_ifs(file: FileId, at: usize) -> Diagnostic {
    Diagnostic::error(
        Code::Limit,
        format!("`if` expressions and brackets nested more than {MAX_BRACKET_DEPTH} deep"),
    )
    .label(Span::new(file, at, at + 2), "this `if` is too deep")
    .help("each `if` inside the branch of another counts one level, as `else if` does: split the expression with `let` clauses, or look the value up in a map")
}

fn unclosed_interpolation(file: FileId, at: usize) -> Diagnostic {
    Diagnostic::error(Code::Parse, "a `{` in this message is not closed")
        .label(
            Span::new(file, at, at + 1),
            "this `{` starts an interpolation",
        )
        .help("`{expr}` shows a value, as in `{s.id}`; write `{{` and `}}` for literal braces")
}

fn unterminated(file: FileId, start: usize, end: usize, quote: char) -> Diagnostic {
    let help = if quote == '\'' {
        "strings are written in double quotes, on one line: `\"…\"`".to_string()
    } else {
        "strings are single-line: close it with `\"` (write `\\n` for a line break)".to_string()
    };
    Diagnostic::error(Code::Parse, "unterminated string")
        .label(
            Span::new(file, start, end),
            "this string is not closed on its line",
        )
        .help(help)
}

fn too_deep(file: FileId, at: usize) -> Diagnostic {
    Diagnostic::error(
        Code::Limit,
        format!("brackets nested more than {MAX_BRACKET_DEPTH} deep"),
    )
    .label(Span::new(file, at, at + 1), "this bracket is too deep")
    .help("split the expression with `let` clauses")
}

fn too_many_items(file: FileId, open: usize, at: usize) -> Diagnostic {
    Diagnostic::error(
        Code::Limit,
        format!("more than {MAX_BRACKET_ITEMS} items inside one pair of brackets"),
    )
    .label(Span::new(file, open, open + 1), "these brackets")
    .label(Span::new(file, at, at + 1), format!("item {} starts after this comma", MAX_BRACKET_ITEMS + 1))
    .help("a list this long belongs in a data file: declare it with `data NAME: T = \"FILE\"` and read it from there")
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
        assert_eq!(diags.first().map(|d| d.code), Some(Code::Limit));
    }

    #[test]
    fn brackets_inside_interpolations_count() {
        let text = format!("message \"{{{}1{}}}\"", "(".repeat(100), ")".repeat(100));
        assert_eq!(
            prescan(id(), &text).first().map(|d| d.code),
            Some(Code::Limit)
        );
    }

    #[test]
    fn strings_inside_interpolations_are_strings() {
        let text = "help \"{s.note ?? \"the customer's {note}\"} and {{braces}} \\u{1F600}\"\nrule";
        assert!(prescan(id(), text).is_empty(), "{:?}", prescan(id(), text));
    }

    #[test]
    fn plain_strings_are_not_templates() {
        assert!(prescan(id(), "require x == \"{\" and y == \"}\"").is_empty());
    }

    #[test]
    fn unterminated_strings_are_reported() {
        let diags = prescan(id(), "message \"abc\nrequire true");
        assert_eq!(
            diags.first().map(|d| d.message.as_str()),
            Some("unterminated string")
        );
        let diags = prescan(id(), "message \"{x\"");
        assert_eq!(
            diags.first().map(|d| d.message.as_str()),
            Some("unterminated string")
        );
    }

    #[test]
    fn lone_carriage_returns_are_refused() {
        assert_eq!(prescan(id(), "a\rb").len(), 1);
        assert!(prescan(id(), "a\r\nb").is_empty());
    }
}
