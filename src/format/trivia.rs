//! The trivia the parser skips and the formatter keeps: comments and blank lines.
//!
//! Comments are found by a scan of the text that jumps over every string literal
//! the syntax tree knows of (plain strings, enum members, data paths and whole
//! `message`/`help` templates, interpolations included), so a `//` inside a string is
//! never taken for a comment. Spans of the tree may run on over the white space and
//! comments that follow a construct; [`Trivia::code_end`] finds where its code ends.

use std::ops::Range;

/// One `//`, `///` or `////…` comment.
#[derive(Debug, Clone, Copy)]
pub(super) struct Comment<'a> {
    /// Byte offset of the first `/`.
    pub(super) start: usize,
    /// Byte offset just past the comment's last character that is not white space.
    pub(super) end: usize,
    /// The comment as written, without trailing white space.
    pub(super) text: &'a str,
    /// Whether code stands before it on its line (otherwise it has the line alone).
    pub(super) trailing: bool,
    /// Whether it is a `///` doc comment (`////` and longer are plain comments).
    pub(super) doc: bool,
}

/// The comments of one file, in textual order, with the text they were found in.
pub(super) struct Trivia<'a> {
    text: &'a str,
    comments: Vec<Comment<'a>>,
}

impl<'a> Trivia<'a> {
    /// Scans `text` for comments, skipping the byte ranges in `strings` (string
    /// literals with their quotes; they need not be sorted).
    pub(super) fn scan(text: &'a str, mut strings: Vec<Range<usize>>) -> Trivia<'a> {
        strings.sort_by_key(|r| r.start);
        let bytes = text.as_bytes();
        let mut comments = Vec::new();
        let mut skip = strings.into_iter().peekable();
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            // Strings that start before `i` are behind us (or inside a template).
            while skip.next_if(|r| r.start < i).is_some() {}
            if let Some(range) = skip.next_if(|r| r.start == i) {
                i = range.end.max(i + 1);
                continue;
            }
            if b == b'/' && bytes.get(i + 1) == Some(&b'/') {
                let line_end = text
                    .get(i..)
                    .and_then(|rest| rest.find('\n'))
                    .map_or(text.len(), |p| i + p);
                let raw = text.get(i..line_end).unwrap_or("");
                let trimmed = raw.trim_end();
                let line_start = text
                    .get(..i)
                    .and_then(|before| before.rfind('\n'))
                    .map_or(0, |p| p + 1);
                let before = text.get(line_start..i).unwrap_or("");
                comments.push(Comment {
                    start: i,
                    end: i + trimmed.len(),
                    text: trimmed,
                    trailing: !before.chars().all(is_space),
                    doc: trimmed.starts_with("///") && !trimmed.starts_with("////"),
                });
                i = line_end;
                continue;
            }
            i += 1;
        }
        Trivia { text, comments }
    }

    /// Every comment, in textual order.
    pub(super) fn comments(&self) -> &[Comment<'a>] {
        &self.comments
    }

    /// Where the code of a construct whose span ends at `end` really ends: `end`
    /// moved back over white space and comments.
    pub(super) fn code_end(&self, end: usize) -> usize {
        let mut pos = end.min(self.text.len());
        loop {
            pos = self.space_back(pos).0;
            match self.comments.binary_search_by_key(&pos, |c| c.end) {
                Ok(found) if pos > 0 => {
                    pos = self.comments.get(found).map_or(0, |c| c.start);
                }
                _ => return pos,
            }
        }
    }

    /// Where `token` first stands in `from..to` outside comments (the `..` of an
    /// open record, which the syntax tree does not locate).
    pub(super) fn find_code(&self, from: usize, to: usize, token: &str) -> Option<usize> {
        let mut pos = from;
        while pos < to {
            let first = self.comments.partition_point(|c| c.end <= pos);
            let comment = self.comments.get(first).filter(|c| c.start < to);
            let stop = comment.map_or(to, |c| c.start.max(pos));
            if let Some(at) = self.text.get(pos..stop).and_then(|t| t.find(token)) {
                return Some(pos + at);
            }
            pos = comment.map_or(to, |c| c.end.max(pos + 1));
        }
        None
    }

    /// Whether a blank line separates `pos` from the code or comment before it.
    pub(super) fn blank_before(&self, pos: usize) -> bool {
        self.space_back(pos).1 >= 2
    }

    /// `pos` moved back over white space, with the number of line feeds passed.
    fn space_back(&self, pos: usize) -> (usize, usize) {
        let mut pos = pos.min(self.text.len());
        let mut newlines = 0;
        while let Some(c) = self.text.get(..pos).and_then(|t| t.chars().next_back()) {
            if !is_space(c) {
                break;
            }
            if c == '\n' {
                newlines += 1;
            }
            pos -= c.len_utf8();
        }
        (pos, newlines)
    }
}

/// White space as the grammar counts it (a byte-order mark included).
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n' | '\u{feff}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_outside_strings_are_found() {
        let text = "a \"x // no\" // yes  \n  // alone\n/// doc\n//// banner";
        let string = text.find('"').unwrap();
        let strings = std::iter::once(string..string + 9).collect();
        let trivia = Trivia::scan(text, strings);
        let found: Vec<_> = trivia
            .comments()
            .iter()
            .map(|c| (c.text, c.trailing, c.doc))
            .collect();
        assert_eq!(
            found,
            vec![
                ("// yes", true, false),
                ("// alone", false, false),
                ("/// doc", false, true),
                ("//// banner", false, false),
            ]
        );
    }

    #[test]
    fn code_ends_before_trailing_comments() {
        let text = "input a: A // one\n  // two\n\nrecord";
        let trivia = Trivia::scan(text, Vec::new());
        assert_eq!(trivia.code_end(text.len() - 6), 10);
        assert!(trivia.blank_before(text.len() - 6));
        assert!(!trivia.blank_before(text.find("// two").unwrap()));
    }
}
