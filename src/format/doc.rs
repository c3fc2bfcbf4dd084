//! A small Wadler-style pretty printer: a document of text and possible line
//! breaks, laid out to a width.
//!
//! A [`Doc::Group`] is printed on one line when all of it, and what follows it up
//! to the next possible break, fits in the width; otherwise each of its own
//! [`Doc::Line`]s and [`Doc::SoftLine`]s becomes a line break. Groups inside a
//! broken group are decided afresh. Layout walks the document with an explicit
//! stack (no recursion), and deciding a group looks at most one line ahead, so
//! printing is linear in the size of the document.

use std::borrow::Cow;

/// Spaces per indentation level.
pub(super) const INDENT: usize = 2;

/// A document to lay out.
#[derive(Debug, Clone)]
pub(super) enum Doc<'a> {
    /// Text printed as is (it may hold a line feed only when copied from a
    /// `message` or `help` string that spans lines).
    Text(Cow<'a, str>),
    /// A space, or a line break when its group is broken.
    Line,
    /// Nothing, or a line break when its group is broken.
    SoftLine,
    /// Text printed only when its group is broken (a trailing comma).
    IfBreak(&'static str),
    /// A unit that is printed flat when it fits, else broken.
    Group(Box<Doc<'a>>),
    /// Its content, with line breaks indented one level deeper.
    Indent(Box<Doc<'a>>),
    /// A sequence.
    Concat(Vec<Doc<'a>>),
}

impl<'a> Doc<'a> {
    /// Borrowed or owned text.
    pub(super) fn text(text: impl Into<Cow<'a, str>>) -> Doc<'a> {
        Doc::Text(text.into())
    }

    /// A group around `doc`.
    pub(super) fn group(doc: Doc<'a>) -> Doc<'a> {
        Doc::Group(Box::new(doc))
    }

    /// `doc` indented one level deeper.
    pub(super) fn indent(doc: Doc<'a>) -> Doc<'a> {
        Doc::Indent(Box::new(doc))
    }
}

/// Whether a group is printed on one line or broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Flat,
    Break,
}

/// Lays `doc` out for a line that starts at column `indent` (which is also the
/// indentation of the line breaks at the outer level), within `width` columns.
/// The first line is returned without its indentation; the following lines carry
/// theirs.
pub(super) fn render(doc: &Doc<'_>, indent: usize, width: usize) -> String {
    let mut out = String::new();
    let mut column = indent;
    let mut stack: Vec<(usize, Mode, &Doc<'_>)> = vec![(indent, Mode::Break, doc)];
    while let Some((level, mode, doc)) = stack.pop() {
        match doc {
            Doc::Text(text) => {
                out.push_str(text);
                column = match text.rfind('\n') {
                    Some(at) => text.get(at + 1..).map_or(0, |t| t.chars().count()),
                    None => column + text.chars().count(),
                };
            }
            Doc::Line | Doc::SoftLine if mode == Mode::Break => {
                out.push('\n');
                out.extend(std::iter::repeat_n(' ', level));
                column = level;
            }
            Doc::Line => {
                out.push(' ');
                column += 1;
            }
            Doc::SoftLine => {}
            Doc::IfBreak(text) => {
                if mode == Mode::Break {
                    out.push_str(text);
                    column += text.chars().count();
                }
            }
            Doc::Group(inner) => {
                let flat = mode == Mode::Flat || fits(width.saturating_sub(column), inner, &stack);
                let mode = if flat { Mode::Flat } else { Mode::Break };
                stack.push((level, mode, inner));
            }
            Doc::Indent(inner) => stack.push((level + INDENT, mode, inner)),
            Doc::Concat(items) => {
                stack.extend(items.iter().rev().map(|item| (level, mode, item)));
            }
        }
    }
    out
}

/// Whether `doc`, printed flat, and what follows it on its line fit in `room`
/// columns. What follows is read from `rest` (the layout stack, top last): in a
/// broken group its first line break ends the line.
fn fits(room: usize, doc: &Doc<'_>, rest: &[(usize, Mode, &Doc<'_>)]) -> bool {
    let mut room = room;
    let mut pending: Vec<(Mode, &Doc<'_>)> = vec![(Mode::Flat, doc)];
    let mut rest = rest.iter().rev();
    loop {
        let Some((mode, doc)) = pending
            .pop()
            .or_else(|| rest.next().map(|&(_, mode, doc)| (mode, doc)))
        else {
            return true;
        };
        match doc {
            Doc::Text(text) => {
                let line = text.split('\n').next().unwrap_or("");
                let Some(left) = room.checked_sub(line.chars().count()) else {
                    return false;
                };
                if line.len() < text.len() {
                    return true;
                }
                room = left;
            }
            Doc::Line | Doc::SoftLine if mode == Mode::Break => return true,
            Doc::Line => match room.checked_sub(1) {
                Some(left) => room = left,
                None => return false,
            },
            Doc::SoftLine => {}
            Doc::IfBreak(text) => {
                if mode == Mode::Break {
                    match room.checked_sub(text.chars().count()) {
                        Some(left) => room = left,
                        None => return false,
                    }
                }
            }
            Doc::Group(inner) | Doc::Indent(inner) => pending.push((mode, inner)),
            Doc::Concat(items) => pending.extend(items.iter().rev().map(|item| (mode, item))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(items: &[&'static str]) -> Doc<'static> {
        let mut inner = vec![Doc::SoftLine];
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                inner.push(Doc::text(","));
                inner.push(Doc::Line);
            }
            inner.push(Doc::text(*item));
        }
        inner.push(Doc::IfBreak(","));
        Doc::group(Doc::Concat(vec![
            Doc::text("["),
            Doc::indent(Doc::Concat(inner)),
            Doc::SoftLine,
            Doc::text("]"),
        ]))
    }

    #[test]
    fn a_group_that_fits_stays_flat() {
        assert_eq!(render(&list(&["a", "b"]), 2, 100), "[a, b]");
    }

    #[test]
    fn a_group_that_does_not_fit_breaks() {
        let doc = Doc::Concat(vec![Doc::text("let x = "), list(&["aaaa", "bbbb"])]);
        assert_eq!(render(&doc, 2, 16), "let x = [\n    aaaa,\n    bbbb,\n  ]");
    }

    #[test]
    fn text_after_a_group_counts() {
        let doc = Doc::Concat(vec![list(&["a", "b"]), Doc::text("[0123456789]")]);
        assert_eq!(render(&doc, 0, 12), "[\n  a,\n  b,\n][0123456789]");
        assert_eq!(render(&doc, 0, 18), "[a, b][0123456789]");
    }
}
