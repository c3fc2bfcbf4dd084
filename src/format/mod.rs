//! `preflight fmt`: the one canonical layout of policy files.
//!
//! Owns [`format_source`], which parses a policy file, prints its declarations in
//! the layout below and carries every comment over to where it was. The layout
//! depends only on the syntax tree, the comments and the places of blank lines,
//! never on how the file was indented or spaced, so formatting is idempotent:
//! formatting a formatted file changes nothing.
//!
//! A file that does not parse is never rewritten: its diagnostics are returned
//! instead (warnings alone, such as a `///` that documents nothing, do not stop
//! formatting). The result is parsed again before it is returned, and must give
//! the same syntax tree (spans aside) and the same warnings; otherwise the file is
//! left alone and an internal error is reported.
//!
//! # The canonical layout
//!
//! **Lines.** Indentation is two spaces per level. Lines end with a line feed
//! (`\r\n` becomes `\n`), carry no trailing white space, and the file ends with
//! exactly one line feed (a file with nothing in it becomes empty). A byte-order
//! mark is dropped. Lines aim at 100 columns, but only list literals, `and`/`or`
//! chains, `if … then … else …` and the body of a `fn` are ever broken to get
//! there: other long lines, such as a long `message`, stay long.
//!
//! **Declarations** keep their order, and each starts on a line of its own in
//! column 0:
//!
//! ```text
//! enum Status { "active", "suspended", "expired" }
//!
//! enum Cloud {
//!   /// Microsoft's worldwide commercial cloud.
//!   "public",
//!   "us_government",
//! }
//!
//! record Target {
//!   offer: string,
//!   quantity: int?,
//!   tags: [string],
//!   limits: [string: int],
//! }
//!
//! record Payload {
//!   "@odata.type": string?,
//!   offerId: string,
//!   ..
//! }
//!
//! input transfer: Transfer
//! data catalog: Catalog = "catalog.yaml"
//! param grace_days: int = 30
//!
//! rule license-count {
//!   severity warning
//!   for s in transfer.subscriptions
//!   when s has target
//!   let n = s.quantity
//!   require s.target.quantity == n
//!   message "subscription {s.id}: {n} licenses today"
//!   help "provision exactly {n} licenses"
//! }
//! ```
//!
//! - An enum is written on one line, `enum Name { "a", "b" }`, when that fits in 100
//!   columns and no comment stands between its braces; otherwise one member per
//!   line, each followed by a comma.
//! - A record has one field per line, `name: Type,`, each followed by a comma; an
//!   open record ends with `..` on a line of its own. A field name is quoted only
//!   when it is not an identifier or is a keyword (`"@odata.type": string?`), and
//!   then copied as written; the same holds for the name after `has`.
//! - A `fn` is `fn name(a: T, b: U): R = body` on one line when that fits, else
//!   with the body on the next line, one level deeper.
//! - `input`, `data` and `param` take one line each.
//! - A rule is `rule id {`, one clause per line in the order written, and `}`.
//! - A record, enum or rule with nothing (not even a comment) between its braces is
//!   written `record Name {}`.
//! - Types are written `int`, `[T]`, `[string: T]`, `T?`.
//!
//! **Expressions** are printed with single spaces around binary operators (`a == b`,
//! `a not in xs`, `a ?? b`, `x has f`) and after `not`; none after `-`, around `.`,
//! or inside parentheses and brackets (`-x`, `a.b`, `a[k]`, `(a or b)`); `, `
//! between arguments and list elements, with no trailing comma (`f(x, y)`,
//! `[a, b]`); generators as `all(b for x in xs if c)` and `map(k: v for x in xs)`. Parentheses are kept exactly
//! as written: none added, none removed. Literals are copied as written: string
//! escapes stay as they are, `1_000` stays `1_000`, and `message` and `help`
//! strings are copied byte for byte, the expressions interpolated in them included.
//!
//! These constructs break when their line would pass 100 columns:
//!
//! - a list literal: one element per line, indented one level deeper than the line
//!   the list starts on, each followed by a comma, and `]` back at that line's
//!   indentation;
//! - a chain of `and` (or of `or`) that is the whole expression of a clause or
//!   `param`: a line break before each operator, the continuation lines indented
//!   one level deeper than the clause. An operand that is itself a chain of the
//!   other operator breaks the same way, one level deeper still. Chains inside
//!   parentheses, calls or other operators are never broken;
//! - `if c then a else b`: a line break before `then` and before `else`, the
//!   continuation lines one level deeper than the line the `if` starts on; in an
//!   `else if` chain every `then` and `else` line is at that same level;
//! - the body of a `fn`: on the next line, one level deeper, where it breaks
//!   further as a clause's expression does.
//!
//! ```text
//! rule r {
//!   let next_step = [
//!     "the partner sends a reseller relationship request from Partner Center",
//!     "the request is waiting for the customer to accept it in the admin center",
//!   ][count(r for r in [transfer.relationship] if r == "pending")]
//!   require lower(s.id) == upper(s.id)
//!     or starts_with(s.id, "A") and ends_with(s.id, "Z")
//!     or contains(s.id, "-")
//!   let action = if transfer.relationship == "pending"
//!     then "ask the customer to accept the reseller relationship request"
//!     else if transfer.relationship == "none"
//!     then "send a reseller relationship request"
//!     else "nothing to do"
//! }
//!
//! fn same_offer(a: string, b: string): bool =
//!   lower(a) == lower(b) or starts_with(lower(a), lower(b)) and ends_with(lower(a), "-trial")
//! ```
//!
//! **Comments** (`//`, `///`, `////`…) are all kept, each as written except for
//! trailing white space:
//!
//! - A comment that has its line to itself keeps a line to itself, indented like the
//!   declaration, field, member or clause that follows it; before a closing brace,
//!   like the lines inside the braces.
//! - A comment after code stays after that code, at the end of the line, one space
//!   after it. When two such comments would meet on one line (because the code
//!   between them was joined onto one line), the second goes on a line of its own
//!   below.
//! - A comment *inside* the code of a field, clause, declaration header or one-line
//!   declaration (for example in the middle of an expression written over several
//!   lines) moves onto a line of its own just above that field, clause or
//!   declaration: expressions are printed without comments.
//! - Doc comments (`///`) stay with what they document, on lines of their own: one
//!   written after code (`"a", /// doc of b`) moves onto the next line, just above
//!   what it documents. The one exception is a `///` above a declaration that
//!   documents nothing (the parser warns about it): the parser takes only `///` lines that
//!   start in column 0, right above a declaration, as its documentation, so such a
//!   comment stays at the end of its line when it was written there, and is
//!   otherwise indented by two spaces, so that it still documents nothing.
//!
//! **Blank lines** are kept where they were written, between declarations, between
//! the fields, members and clauses inside braces, and around comments, but a run of
//! blank lines becomes one, and blank lines at the start and end of the file, after
//! an opening brace and before a closing brace are removed. No blank line is added.

mod doc;
mod expr;
mod layout;
mod trivia;
mod verify;

use crate::diagnostic::{Code, Diagnostic};
use crate::source::{MAX_POLICY_FILE_BYTES, Sources};
use crate::syntax;

/// The message of the safety net of [`format_source`]: the layout would
/// have changed what the file says, so it was left as it is.
pub const CHANGES_MEANING: &str = "internal error: formatting would change what this file says";

/// Formats the policy text `text` (named `name` in diagnostics): the canonical
/// layout, or the reasons it cannot be formatted (a file that does not parse is
/// never rewritten), with the sources they point into.
///
/// The text returned parses to the same declarations as `text`, with the same
/// comments; formatting it again returns it unchanged.
pub fn format_source(name: &str, text: &str) -> Result<String, (Sources, Vec<Diagnostic>)> {
    let mut sources = Sources::new();
    if text.len() > MAX_POLICY_FILE_BYTES {
        let diagnostic = Diagnostic::error(
            Code::Limit,
            format!(
                "`{name}` is {} bytes, more than the limit of {MAX_POLICY_FILE_BYTES}",
                text.len()
            ),
        );
        return Err((sources, vec![diagnostic]));
    }
    let id = sources.add(name, text);
    let (ast, diagnostics) = syntax::parse(id, text);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err((sources, diagnostics));
    }
    let formatted = layout::layout(text, &ast);

    // The safety net: the output must mean what the input meant.
    let mut check = Sources::new();
    let check_id = check.add(name, formatted.as_str());
    let (again, again_diagnostics) = syntax::parse(check_id, &formatted);
    let warnings = |diags: &[Diagnostic]| -> Vec<(Code, String)> {
        diags.iter().map(|d| (d.code, d.message.clone())).collect()
    };
    let difference = verify::first_difference(&ast, &again)
        .or_else(|| (warnings(&diagnostics) != warnings(&again_diagnostics)).then_some(0));
    if let Some(index) = difference {
        let mut diagnostic = Diagnostic::error(Code::Parse, CHANGES_MEANING)
        .help("the file was left as it is; this is a bug in preflight, please report it with this policy");
        if let Some(decl) = ast.decls.get(index) {
            diagnostic = diagnostic.label(decl_span(decl), "formatting changes this declaration");
        }
        return Err((sources, vec![diagnostic]));
    }
    Ok(formatted)
}

fn decl_span(decl: &syntax::ast::Decl) -> crate::source::Span {
    use syntax::ast::Decl;
    match decl {
        Decl::Enum(d) => d.span,
        Decl::Record(d) => d.span,
        Decl::Input(d) => d.span,
        Decl::Data(d) => d.span,
        Decl::Param(d) => d.span,
        Decl::Rule(d) => d.span,
        Decl::Fn(d) => d.span,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The examples of the layout in this module's documentation.
    fn documented_examples() -> Vec<String> {
        let mut examples = Vec::new();
        let mut current: Option<String> = None;
        for line in include_str!("mod.rs").lines() {
            let Some(line) = line.strip_prefix("//!") else {
                continue;
            };
            let line = line.strip_prefix(' ').unwrap_or(line);
            match (&mut current, line) {
                (None, "```text") => current = Some(String::new()),
                (Some(_), "```") => examples.extend(current.take()),
                (Some(example), _) => {
                    example.push_str(line);
                    example.push('\n');
                }
                (None, _) => {}
            }
        }
        examples
    }

    #[test]
    fn the_documented_examples_are_in_canonical_layout() {
        let examples = documented_examples();
        assert_eq!(examples.len(), 2);
        for example in examples {
            let formatted = format_source("example.policy", &example)
                .unwrap_or_else(|(_, diags)| panic!("{diags:?}"));
            assert_eq!(formatted, example);
        }
    }
}
