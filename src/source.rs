//! Policy source files and the spans that point into them.
//!
//! Every AST node, typed-program node and diagnostic refers to text through a
//! [`Span`]: a file id plus a byte range. Keeping the id inside the span means a
//! diagnostic can always be rendered against the right file, even when a pack has
//! many files and one error (a duplicate declaration) points into two of them.

use std::sync::Arc;

/// Identifies one file in a [`Sources`] set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(u32);

impl FileId {
    /// An id that names no file (for placeholders that are never rendered).
    pub const NONE: FileId = FileId(u32::MAX);
}

/// A byte range in one source file.
///
/// Offsets are `u32` to keep spans small (they sit on every AST node); the loader
/// refuses policy files too large for that, see [`MAX_POLICY_FILE_BYTES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Span {
    /// The file the range is in.
    pub file: FileId,
    /// Byte offset of the first byte.
    pub start: u32,
    /// Byte offset one past the last byte.
    pub end: u32,
}

/// The largest policy file preflight reads: far above any real policy, small enough
/// that every byte offset fits a `u32` and a runaway file is refused early.
pub const MAX_POLICY_FILE_BYTES: usize = 8 * 1024 * 1024;

impl Span {
    /// A span over `start..end` of `file`.
    ///
    /// Offsets beyond `u32::MAX` saturate; files that large are refused when loaded.
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Span {
            file,
            start: clamp(start),
            end: clamp(end.max(start)),
        }
    }

    /// The smallest span covering both `self` and `other` (same file assumed).
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// The empty span at the start of `self`.
    pub fn start_point(self) -> Span {
        Span {
            end: self.start,
            ..self
        }
    }

    /// The byte range as `usize`s, for slicing and for miette.
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    /// Length in bytes.
    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    /// Whether the span covers no bytes.
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
}

/// One file (a policy, an input or a data file): its display name (the path as
/// the user gave it) and its text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    name: String,
    text: Arc<str>,
    /// Byte offset of each line's start. Lines end at `\n`, `\r\n` or a lone
    /// `\r`, as miette and YAML count them.
    line_starts: Arc<[usize]>,
    /// Whether the text is all ASCII: columns are then byte differences, which
    /// keeps locations on a long minified line cheap.
    ascii: bool,
    /// How many lines of the real file come before this text: non-zero for a
    /// fragment (one line of a JSON Lines file, or one element of a JSON array,
    /// read as a stream), so that its positions are reported as the whole file's.
    first_line: usize,
    /// How many characters of the real file come before this text on its first
    /// line: non-zero for a fragment that starts in the middle of a line (an
    /// element of a minified array), added to columns on the first line only.
    first_column: usize,
    /// The text as a terminal may show it: control characters and bidirectional
    /// overrides replaced by characters of the same length in bytes (so that every
    /// offset still fits), or `None` when there are none.
    display: Option<Arc<str>>,
}

impl SourceFile {
    /// A piece of a file that starts at line `first_line + 1`, column
    /// `first_column + 1` of it (see [`Sources::add_fragment_at`]); made apart
    /// from any [`Sources`] so that its lines can be scanned on another thread.
    pub fn fragment(
        name: impl Into<String>,
        text: impl Into<Arc<str>>,
        first_line: usize,
        first_column: usize,
    ) -> SourceFile {
        let text: Arc<str> = text.into();
        SourceFile {
            name: name.into(),
            line_starts: line_starts(&text),
            ascii: text.is_ascii(),
            display: displayable(&text),
            first_line,
            first_column,
            text,
        }
    }

    /// The name shown in diagnostics, usually the path as given on the command line.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The whole text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// A cheap shared handle on the text, for miette's `NamedSource`.
    pub fn shared_text(&self) -> Arc<str> {
        Arc::clone(&self.text)
    }

    /// The text under `span` (empty if the span does not fit, which cannot happen
    /// for spans made by the parser of this file).
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }

    /// 1-based line and column of a byte offset; the column counts characters, as
    /// editors and the JSON output do (a byte order mark is not counted).
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self
            .line_starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1);
        let mut line_start = self.line_starts.get(line).copied().unwrap_or(0);
        if line == 0 && self.text.starts_with('\u{feff}') && offset >= 3 {
            line_start = 3;
        }
        let mut column = if self.ascii {
            offset - line_start
        } else {
            self.text
                .get(line_start..offset)
                .map_or(0, |s| s.chars().count())
        };
        if line == 0 {
            column += self.first_column;
        }
        (line + 1 + self.first_line, column + 1)
    }

    /// See the field.
    pub(crate) fn first_line(&self) -> usize {
        self.first_line
    }

    /// See the field.
    pub(crate) fn first_column(&self) -> usize {
        self.first_column
    }

    /// The line starts (see the field).
    pub(crate) fn line_starts(&self) -> &Arc<[usize]> {
        &self.line_starts
    }

    /// The text to show on a terminal (see the field).
    pub(crate) fn display_text(&self) -> Arc<str> {
        Arc::clone(self.display.as_ref().unwrap_or(&self.text))
    }
}

/// Line starts: after each `\n`, and after each `\r` not followed by `\n`.
fn line_starts(text: &str) -> Arc<[usize]> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    for (i, b) in bytes.iter().enumerate() {
        let lone_cr = *b == b'\r' && bytes.get(i + 1) != Some(&b'\n');
        if *b == b'\n' || lone_cr {
            starts.push(i + 1);
        }
    }
    Arc::from(starts)
}

/// Whether a character must not reach a terminal as it is: C0 and C1 controls
/// other than tab and line ends (escape sequences start with them), and the
/// bidirectional formatting characters that can make text read differently from
/// what it is.
pub(crate) fn is_unsafe_char(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The text with every unsafe character replaced by one of the same UTF-8 length
/// (`?` for one byte, U+FFFD for three), or `None` if there is none.
fn displayable(text: &str) -> Option<Arc<str>> {
    // Most files are printable ASCII with tabs and line ends: a byte scan
    // settles them; only text with other bytes is decoded character by character.
    let plain = |b: &u8| matches!(b, b' '..=b'~' | b'\t' | b'\n' | b'\r');
    if text.as_bytes().iter().all(plain) || !text.chars().any(is_unsafe_char) {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_unsafe_char(c) {
            match c.len_utf8() {
                1 => out.push('?'),
                2 => out.push_str("??"),
                3 => out.push('\u{fffd}'),
                _ => out.push_str("????"),
            }
        } else {
            out.push(c);
        }
    }
    Some(Arc::from(out))
}

/// A message or label with unsafe characters written as `\u{…}` escapes, so that
/// values from input files cannot move the cursor, change colours or the
/// terminal title when printed.
pub fn escape_for_terminal(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// All policy files of a run, addressed by [`FileId`].
#[derive(Debug, Clone, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

/// Bytes of a file that should be UTF-8 text, decoded.
#[derive(Debug)]
pub enum Decoded {
    /// Valid UTF-8.
    Text(String),
    /// UTF-16 (it starts with a UTF-16 byte order mark).
    Utf16,
    /// Not UTF-8: the text with each bad sequence replaced by U+FFFD (so the
    /// place can still be shown), and the byte offset of the first one, which
    /// is the same in both.
    Invalid {
        /// The text, bad sequences replaced.
        lossy: String,
        /// Where the first bad byte is.
        offset: usize,
    },
}

/// Decodes the bytes of a policy or input file.
pub fn decode_text(bytes: Vec<u8>) -> Decoded {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Decoded::Utf16;
    }
    match String::from_utf8(bytes) {
        Ok(text) => Decoded::Text(text),
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            Decoded::Invalid {
                lossy: String::from_utf8_lossy(e.as_bytes()).into_owned(),
                offset,
            }
        }
    }
}

/// The span of the replacement character at `offset` of a text from
/// [`Decoded::Invalid`].
pub fn replacement_span(file: FileId, offset: usize) -> Span {
    Span::new(file, offset, offset + '\u{fffd}'.len_utf8())
}

impl Sources {
    /// An empty set.
    pub fn new() -> Sources {
        Sources::default()
    }

    /// Adds a file and returns its id.
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<Arc<str>>) -> FileId {
        self.add_fragment(name, text, 0)
    }

    /// Adds a piece of a file that starts at line `first_line + 1` of it (a line
    /// of a JSON Lines file read as a stream): positions in it are reported as
    /// positions in the whole file.
    pub fn add_fragment(
        &mut self,
        name: impl Into<String>,
        text: impl Into<Arc<str>>,
        first_line: usize,
    ) -> FileId {
        self.add_fragment_at(name, text, first_line, 0)
    }

    /// Adds a piece of a file that starts at line `first_line + 1`, after
    /// `first_column` characters of that line (an element in the middle of a
    /// minified JSON array read as a stream): positions in it are reported as
    /// positions in the whole file, without keeping the rest of the line.
    pub fn add_fragment_at(
        &mut self,
        name: impl Into<String>,
        text: impl Into<Arc<str>>,
        first_line: usize,
        first_column: usize,
    ) -> FileId {
        self.add_file(SourceFile::fragment(name, text, first_line, first_column))
    }

    /// Adds a file made beforehand (say, a fragment scanned on a worker thread).
    pub fn add_file(&mut self, file: SourceFile) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(file);
        id
    }

    /// Forgets file `id` if it is the last one added (a streamed document's
    /// text, once its report is written). Spans into it must not be used again.
    pub fn forget_last(&mut self, id: FileId) {
        if id.0 as usize + 1 == self.files.len() {
            self.files.pop();
        }
    }

    /// Adds a copy of a file already read (its text and line index are shared,
    /// not copied or scanned again) and returns its id here.
    pub fn add_shared(&mut self, file: &SourceFile) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(file.clone());
        id
    }

    /// The file with this id.
    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    /// The text under a span, or `""` for a span of an unknown file.
    pub fn slice(&self, span: Span) -> &str {
        self.get(span.file).map_or("", |f| f.slice(span))
    }

    /// Every file with its id, in the order added.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(u32::try_from(i).unwrap_or(u32::MAX)), f))
    }
}

/// An I/O error as a lower-case reason without the OS error number.
pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => {
            let text = e.to_string();
            let text = text.split(" (os error").next().unwrap_or(&text).to_string();
            let mut chars = text.chars();
            chars
                .next()
                .map(|c| c.to_lowercase().collect::<String>() + chars.as_str())
                .unwrap_or_default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let mut sources = Sources::new();
        let id = sources.add("a.policy", "ab\n\u{e9}x y\n");
        let file = sources.get(id).unwrap();
        assert_eq!(file.line_col(0), (1, 1));
        assert_eq!(file.line_col(3), (2, 1));
        // `é` is two bytes but one column.
        assert_eq!(file.line_col(5), (2, 2));
        assert_eq!(file.line_col(100), (3, 1));
    }

    #[test]
    fn lone_carriage_returns_end_lines_and_a_bom_is_not_a_column() {
        let mut sources = Sources::new();
        let id = sources.add("a.yaml", "a: 1\rb: 2\r\nc: 3");
        let file = sources.get(id).unwrap();
        assert_eq!(file.line_col(5), (2, 1));
        assert_eq!(file.line_col(11), (3, 1));
        let id = sources.add("b.json", "\u{feff}{\"a\": 1}");
        assert_eq!(sources.get(id).unwrap().line_col(3), (1, 1));
        assert_eq!(sources.get(id).unwrap().line_col(4), (1, 2));
    }

    #[test]
    fn a_fragment_reports_positions_of_the_whole_file() {
        let mut sources = Sources::new();
        // `{"a": 1}` found after 40 characters of line 3 of a minified file.
        let id = sources.add_fragment_at("big.json", "{\"a\":\n \u{e9}1}", 2, 40);
        let file = sources.get(id).unwrap();
        assert_eq!(file.line_col(0), (3, 41));
        assert_eq!(file.line_col(2), (3, 43));
        // Later lines start at column 1, whatever came before the fragment.
        assert_eq!(file.line_col(6), (4, 1));
        assert_eq!(file.line_col(9), (4, 3));
    }

    #[test]
    fn terminal_escapes_are_neutralised() {
        assert_eq!(escape_for_terminal("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(escape_for_terminal("plain"), "plain");
        let mut sources = Sources::new();
        let id = sources.add("x", "a\u{1b}b\u{202e}c");
        let shown = sources.get(id).unwrap().display_text();
        assert_eq!(shown.len(), "a\u{1b}b\u{202e}c".len());
        assert_eq!(&*shown, "a?b\u{fffd}c");
    }
}
