//! Positions: LSP's line and column (in UTF-16 code units unless the client
//! agreed to UTF-8) against the byte offsets every span holds.

use lsp_types::{Position, Range};

/// How columns are counted, as negotiated in `initialize`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Bytes of UTF-8: what spans count already.
    Utf8,
    /// UTF-16 code units: the protocol's default.
    Utf16,
}

/// The start of each line of one text, for converting both ways in
/// logarithmic time.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    /// The lines of `text` (ended by `\n`; a `\r` before it belongs to the line).
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex {
            starts,
            len: text.len(),
        }
    }

    /// The position of byte `offset` (clamped to the text, moved back to the
    /// start of a character it falls inside).
    pub fn position(&self, text: &str, offset: usize, encoding: Encoding) -> Position {
        let mut offset = offset.min(self.len);
        while offset > 0 && !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let before = text.get(start..offset).unwrap_or("");
        let column = match encoding {
            Encoding::Utf8 => before.len(),
            Encoding::Utf16 => before.chars().map(char::len_utf16).sum(),
        };
        Position::new(saturate(line), saturate(column))
    }

    /// The byte offset of `position`, or `None` when its line is past the end
    /// of the text. A column past the end of its line means the end of the
    /// line; one inside a character (half of a surrogate pair) means its end.
    pub fn offset(&self, text: &str, position: Position, encoding: Encoding) -> Option<usize> {
        let line = usize::try_from(position.line).ok()?;
        let start = *self.starts.get(line)?;
        let end = self
            .starts
            .get(line + 1)
            .map_or(self.len, |next| next.saturating_sub(1));
        let line_text = text.get(start..end).unwrap_or("");
        let line_text = line_text.strip_suffix('\r').unwrap_or(line_text);
        let want = usize::try_from(position.character).unwrap_or(usize::MAX);
        let mut counted = 0;
        for (i, c) in line_text.char_indices() {
            if counted >= want {
                return Some(start + i);
            }
            counted += match encoding {
                Encoding::Utf8 => c.len_utf8(),
                Encoding::Utf16 => c.len_utf16(),
            };
        }
        Some(start + line_text.len())
    }

    /// The range of bytes `start..end`.
    pub fn range(&self, text: &str, start: usize, end: usize, encoding: Encoding) -> Range {
        Range::new(
            self.position(text, start, encoding),
            self.position(text, end, encoding),
        )
    }
}

fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_after_non_ascii_characters_count_in_both_encodings() {
        // "é" is 2 bytes and 1 UTF-16 unit; "🙂" is 4 bytes and 2 units.
        let text = "/// café 🙂\nrule a { require x }\n";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(
            index.position(text, x, Encoding::Utf16),
            Position::new(1, 17)
        );
        let after_emoji = text.find('\n').unwrap();
        assert_eq!(
            index.position(text, after_emoji, Encoding::Utf16),
            Position::new(0, 11)
        );
        assert_eq!(
            index.position(text, after_emoji, Encoding::Utf8),
            Position::new(0, 14)
        );
        for encoding in [Encoding::Utf8, Encoding::Utf16] {
            for offset in [0, 4, 5, 7, 9, after_emoji, x, text.len()] {
                let p = index.position(text, offset, encoding);
                assert_eq!(
                    index.offset(text, p, encoding),
                    Some(offset),
                    "{offset} {encoding:?}"
                );
            }
        }
    }

    #[test]
    fn positions_outside_the_text_are_clamped_or_refused() {
        let text = "ab\r\ncd";
        let index = LineIndex::new(text);
        assert_eq!(
            index.offset(text, Position::new(0, 99), Encoding::Utf16),
            Some(2)
        );
        assert_eq!(
            index.offset(text, Position::new(1, 99), Encoding::Utf16),
            Some(6)
        );
        assert_eq!(
            index.offset(text, Position::new(2, 0), Encoding::Utf16),
            None
        );
        assert_eq!(
            index.position(text, 999, Encoding::Utf8),
            Position::new(1, 2)
        );
        // Inside the emoji: its start.
        let text = "🙂x";
        let index = LineIndex::new(text);
        assert_eq!(
            index.offset(text, Position::new(0, 1), Encoding::Utf16),
            Some(4)
        );
        assert_eq!(index.position(text, 2, Encoding::Utf8), Position::new(0, 0));
    }
}
