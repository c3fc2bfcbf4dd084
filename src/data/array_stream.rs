//! A top-level JSON array read one element at a time.
//!
//! cli.md ("Inputs") asks that large batches are not held in memory all at
//! once where the format allows streaming. For a JSON file whose top level is
//! an array, [`ArrayScanner`] finds each element's bytes without parsing them
//! (it tracks strings, with their escapes, and the depth of brackets), so that
//! the run can parse and check the elements a batch at a time, like the lines
//! of a JSON Lines file. Memory stays bounded by a batch plus the largest
//! element, whatever the size of the file: a minified array on one 300 MB line
//! too.
//!
//! Each element comes with the text around it that a report shows (a
//! [`Fragment`] that knows where it starts in the file), so that positions are
//! those of the whole file. The structure between elements (commas, the closing
//! `]`, nothing after it) is checked here, in the words of the JSON parser
//! (their shared lexer, `super::json_lex`, writes them); a mistake there ends
//! the reading, since what follows can no longer be delimited reliably.

use std::io::{ErrorKind, Read};
use std::ops::Range;

use super::json_lex::{self as lex, Expected, is_ws, to_u32};
use super::node::{LoadError, LoadErrorKind};

/// How many bytes are asked of the reader at a time.
const CHUNK: usize = 1 << 20;
/// An element's fragment starts at the beginning of its line (or of the line
/// before) when that adds at most this many bytes (`[`, indentation, `}, `);
/// likewise it ends at the end of its last line (or of the line after). Beyond
/// that it starts or ends at the element, so that a minified line is not copied
/// with every element.
pub const MAX_CONTEXT: usize = 256;
/// How much of the text before and after a structural error is shown.
const WINDOW: usize = 2048;
/// The UTF-8 byte order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A piece of the input with where it starts in the file: it becomes a source
/// of its own (`Sources::add_fragment_at`) when a report points into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fragment {
    /// The text.
    pub text: String,
    /// Lines of the file before the text's first line.
    pub first_line: usize,
    /// Characters of the file before the text on its first line (a byte order
    /// mark not counted).
    pub first_column: usize,
}

impl Fragment {
    /// Line `index` (from 0) of a file, whole.
    pub fn line(text: String, index: usize) -> Fragment {
        Fragment {
            text,
            first_line: index,
            first_column: 0,
        }
    }
}

/// One element of the array.
#[derive(Debug)]
pub struct Element {
    /// Its position in the array, from 0: the document is `FILE#N`.
    pub index: usize,
    /// The element, with the short text around it that reports show.
    pub fragment: Fragment,
    /// Where the element is in the fragment's text. After a raw line break in
    /// one of its strings (invalid JSON), only the element's beginning is kept:
    /// enough for the parser to find the first error.
    pub range: Range<usize>,
    /// When the element is not UTF-8: the offset in the fragment's text of the
    /// first bad byte (the text then has bad bytes replaced by U+FFFD).
    pub not_utf8: Option<usize>,
}

/// Why reading stopped before the end of the array.
#[derive(Debug)]
pub struct Broken {
    /// What is wrong, with offsets in `window`'s text. Its second place
    /// (`other`: the `[` of an array that is not closed) is in `open` when that
    /// is set, else in `window` too.
    pub error: LoadError,
    /// The text around the place.
    pub window: Fragment,
    /// The line of the opening `[`, when the second place is not in `window`.
    pub open: Option<Fragment>,
    /// Set when the problem is element N's size (larger than the limit given to
    /// [`ArrayScanner::new`]), rather than the syntax.
    pub too_long: Option<usize>,
}

/// What the scanner found next.
#[derive(Debug)]
pub enum Item {
    /// An element.
    Element(Element),
    /// The structure of the array is broken, or an element is too long:
    /// nothing more is read.
    Broken(Box<Broken>),
    /// The input could not be read: nothing more is read.
    Failed(std::io::Error),
}

/// Whether an input that starts with `head` is a JSON array: `Some(true)` when
/// its first character after a byte order mark and whitespace is `[`,
/// `Some(false)` when it is something else, `None` when `head` has nothing else.
pub fn starts_array(head: &[u8]) -> Option<bool> {
    let rest = head.strip_prefix(BOM).unwrap_or(head);
    rest.iter().find(|b| !is_ws(**b)).map(|&b| b == b'[')
}

/// Reads the start of an input, up to its first character that is not
/// whitespace: the bytes read, and whether they start a JSON array. An input
/// that cannot be read again (standard input) is then read on from `head`.
pub fn sniff(reader: &mut impl Read) -> std::io::Result<(Vec<u8>, bool)> {
    let mut head = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        if head.len() >= BOM.len()
            && let Some(array) = starts_array(&head)
        {
            return Ok((head, array));
        }
        let n = match reader.read(&mut chunk) {
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if n == 0 {
            let array = starts_array(&head) == Some(true);
            return Ok((head, array));
        }
        head.extend_from_slice(chunk.get(..n).unwrap_or(&[]));
    }
}

fn is_break(b: &u8) -> bool {
    matches!(b, b'\n' | b'\r')
}

/// Whether `b` ends a scalar element (a number or a literal word), whose
/// extent the parser checks.
fn ends_scalar(b: u8) -> bool {
    is_ws(b) || matches!(b, b',' | b'"' | b'{' | b'[' | b'}' | b']')
}

/// Characters in UTF-8 bytes (continuation bytes not counted).
fn chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count()
}

/// A place in the file with its line and column.
#[derive(Debug, Clone, Copy)]
struct Mark {
    offset: u64,
    /// Line breaks before it.
    line: usize,
    /// The file offset of its line's start.
    line_start: u64,
    /// Characters from its line's start (a byte order mark not counted).
    column: usize,
}

/// Where the scanner is in the array.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before the `[`.
    Start,
    /// Right after the `[`: an element or `]`.
    First,
    /// After a comma: an element.
    Value,
    /// After an element: `,` or `]`.
    After,
    /// After the `]`: only whitespace.
    Closed,
    /// Nothing more to read.
    Done,
}

/// The element being read.
#[derive(Debug)]
struct Current {
    mark: Mark,
    /// Where its fragment starts, and the fragment's first line and column.
    start: (u64, usize, usize),
    /// The beginning of an element known to be invalid (a raw line break in a
    /// string): the rest of it is scanned, not kept.
    captured: Option<Vec<u8>>,
}

/// How the scan of an element ended.
enum End {
    /// At its last byte (a scalar: before the byte that ends it).
    Complete,
    /// The input ended inside it.
    Eof,
    /// It grew longer than the limit.
    TooLong,
}

/// Finds the elements of a JSON array in a byte stream, one at a time
/// ([`ArrayScanner::next_item`]), keeping only the bytes it still needs.
pub struct ArrayScanner<R> {
    reader: R,
    max_element: u64,
    chunk: usize,
    /// A window of the input: bytes before it are forgotten.
    buf: Vec<u8>,
    /// The file offset of `buf[0]`.
    base: u64,
    /// The index in `buf` of the next byte to look at.
    pos: usize,
    eof: bool,
    read: u64,
    /// Line breaks before `pos`.
    line: usize,
    /// The file offset of the start of `pos`'s line.
    line_start: u64,
    /// A place on `pos`'s line and its column: columns are counted on from
    /// there, so that a long line is counted once.
    known: (u64, usize),
    state: State,
    count: usize,
    current: Option<Current>,
    /// The `[`, with the text around it.
    open: Option<(Mark, Fragment, u64)>,
}

impl<R: Read> ArrayScanner<R> {
    /// A scanner over the whole input (from its first byte), which must start
    /// with `[` (see [`starts_array`]). Elements longer than `max_element`
    /// bytes end the reading.
    pub fn new(reader: R, max_element: u64) -> ArrayScanner<R> {
        ArrayScanner {
            reader,
            max_element,
            chunk: CHUNK,
            buf: Vec::new(),
            base: 0,
            pos: 0,
            eof: false,
            read: 0,
            line: 0,
            line_start: 0,
            known: (0, 0),
            state: State::Start,
            count: 0,
            current: None,
            open: None,
        }
    }

    /// Bytes read from the input so far (for a progress bar).
    pub fn bytes_read(&self) -> u64 {
        self.read
    }

    /// Elements found so far.
    pub fn elements(&self) -> usize {
        self.count
    }

    /// The next element, or why reading stopped; `None` after the array's end
    /// (or after a [`Item::Broken`] or [`Item::Failed`]).
    pub fn next_item(&mut self) -> Option<Item> {
        match self.step() {
            Ok(item) => item,
            Err(e) => {
                self.state = State::Done;
                Some(Item::Failed(e))
            }
        }
    }

    fn step(&mut self) -> std::io::Result<Option<Item>> {
        loop {
            if self.state == State::Done {
                return Ok(None);
            }
            if self.state == State::Start {
                while self.buf.len() < BOM.len() && self.fill()? {}
            }
            let next = self.skip_ws()?;
            match (self.state, next) {
                (State::Done, _) => return Ok(None),
                (State::Start, _) => {
                    if self.buf.starts_with(BOM) && self.base == 0 && self.pos == 0 {
                        self.pos = BOM.len();
                        self.known = (self.pos as u64, 0);
                        continue;
                    }
                    if next != Some(b'[') {
                        return self.unexpected(Expected::OpenArray, None).map(Some);
                    }
                    let mark = self.mark();
                    let (window, at) = self.window(&mark)?;
                    self.open = Some((mark, window, at));
                    self.pos += 1;
                    self.state = State::First;
                }
                (State::First, Some(b']')) | (State::After, Some(b']')) => {
                    self.pos += 1;
                    self.state = State::Closed;
                }
                (State::First | State::Value, None) => {
                    return self.at_end(Expected::Value).map(Some);
                }
                (State::First | State::Value, Some(b)) => {
                    if b < 0x20 || matches!(b, b',' | b']' | b'}' | b':' | b'/') {
                        let stop = Some("not read from here on");
                        return self.unexpected(Expected::Value, stop).map(Some);
                    }
                    return self.element().map(Some);
                }
                (State::After, None) => return self.at_end(Expected::AfterElement).map(Some),
                (State::After, Some(b',')) => {
                    let comma = self.mark();
                    self.pos += 1;
                    self.state = State::Value;
                    if self.skip_ws()? == Some(b']') {
                        let error = lex::trailing_comma(true, 0);
                        return self.stop(&comma, error).map(Some);
                    }
                }
                (State::After, Some(_)) => {
                    let stop = Some("not read from here on");
                    return self.unexpected(Expected::AfterElement, stop).map(Some);
                }
                (State::Closed, None) => {
                    self.state = State::Done;
                    return Ok(None);
                }
                (State::Closed, Some(_)) => {
                    let mark = self.mark();
                    let error = lex::trailing(self.ahead(&mark)?, 0);
                    return self.stop(&mark, error).map(Some);
                }
            }
        }
    }

    // ----- the bytes ---------------------------------------------------------

    /// The file offset of buffer index `i`.
    fn off(&self, i: usize) -> u64 {
        self.base + i as u64
    }

    /// The buffer index of file offset `off` (clamped to the buffer).
    fn at(&self, off: u64) -> usize {
        usize::try_from(off.saturating_sub(self.base))
            .unwrap_or(usize::MAX)
            .min(self.buf.len())
    }

    fn slice(&self, from: u64, to: u64) -> &[u8] {
        self.buf.get(self.at(from)..self.at(to)).unwrap_or(&[])
    }

    /// Reads more of the input; false at its end. Bytes no longer needed (all
    /// but [`WINDOW`] bytes before the position, and the element being read)
    /// are dropped first when they are at least half of the buffer, so that
    /// the cost of moving what is kept stays linear.
    fn fill(&mut self) -> std::io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        let mut keep = self.pos.saturating_sub(WINDOW);
        if let Some(c) = &self.current
            && c.captured.is_none()
        {
            keep = keep.min(self.at(c.start.0));
        }
        if keep > 0 && keep >= self.buf.len() - keep {
            let known = self.at(self.known.0);
            if known < keep {
                let counted = chars(self.buf.get(known..keep).unwrap_or(&[]));
                self.known = (self.off(keep), self.known.1 + counted);
            }
            self.buf.drain(..keep);
            self.base += keep as u64;
            self.pos -= keep;
        }
        let old = self.buf.len();
        self.buf.resize(old + self.chunk, 0);
        loop {
            let result = match self.buf.get_mut(old..) {
                Some(space) => self.reader.read(space),
                None => Ok(0),
            };
            match result {
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.buf.truncate(old);
                    return Err(e);
                }
                Ok(n) => {
                    self.buf.truncate(old + n);
                    self.read += n as u64;
                    self.eof = n == 0;
                    return Ok(n > 0);
                }
            }
        }
    }

    /// Notes the line break at buffer index `i` (a `\n` after `\r` ends no
    /// other line, as `Sources` counts lines).
    fn line_break(&mut self, i: usize) {
        let crlf = self.buf.get(i) == Some(&b'\n')
            && i.checked_sub(1).and_then(|j| self.buf.get(j)) == Some(&b'\r');
        if !crlf {
            self.line += 1;
        }
        self.line_start = self.off(i + 1);
        self.known = (self.line_start, 0);
    }

    /// Skips whitespace; the next byte, or `None` at the end of the input.
    fn skip_ws(&mut self) -> std::io::Result<Option<u8>> {
        loop {
            match self.buf.get(self.pos).copied() {
                Some(b) if is_ws(b) => {
                    if is_break(&b) {
                        self.line_break(self.pos);
                    }
                    self.pos += 1;
                }
                Some(b) => return Ok(Some(b)),
                None => {
                    if !self.fill()? {
                        return Ok(None);
                    }
                }
            }
        }
    }

    /// The place of `pos`.
    fn mark(&mut self) -> Mark {
        let from = self.at(self.known.0);
        let column = self.known.1 + chars(self.buf.get(from..self.pos).unwrap_or(&[]));
        self.known = (self.off(self.pos), column);
        Mark {
            offset: self.off(self.pos),
            line: self.line,
            line_start: self.line_start,
            column,
        }
    }

    // ----- elements ----------------------------------------------------------

    fn element(&mut self) -> std::io::Result<Item> {
        let mark = self.mark();
        let start = self.context_before(&mark, MAX_CONTEXT, false);
        self.current = Some(Current {
            mark,
            start,
            captured: None,
        });
        let end = self.scan()?;
        let end_off = self.off(self.pos);
        let captured = self.current.as_ref().is_some_and(|c| c.captured.is_some());
        if matches!(end, End::TooLong) || (!captured && end_off - mark.offset > self.max_element) {
            self.state = State::Done;
            let (window, at) = self.window(&mark)?;
            self.current = None;
            let mut error =
                LoadError::new("the document is too long", 0, 0).with_kind(LoadErrorKind::Limit);
            error.start = to_u32(at);
            error.end = error.start.saturating_add(1).min(to_u32(window.text.len()));
            error.label = Some("the document starts here".into());
            return Ok(Item::Broken(Box::new(Broken {
                error,
                window,
                open: None,
                too_long: Some(self.count),
            })));
        }
        self.state = match end {
            End::Complete => State::After,
            _ => State::Done,
        };
        // The rest of the last line, and the line after, while they are short.
        let suffix_end = match end {
            End::Complete => self.context_after(end_off, MAX_CONTEXT, false)?,
            _ => end_off,
        };
        let current = self.current.take();
        let Some(Current {
            mark,
            start: (mut from, mut first_line, mut first_column),
            captured,
        }) = current
        else {
            return Ok(Item::Failed(ErrorKind::Other.into()));
        };
        let (bytes, range) = match captured {
            Some(bytes) => {
                let start = usize::try_from(mark.offset - from).unwrap_or(0);
                let end =
                    usize::try_from(end_off - from).map_or(bytes.len(), |e| e.min(bytes.len()));
                (bytes, start..end)
            }
            None => {
                let mut to = suffix_end;
                if to - from > self.max_element {
                    (from, first_line, first_column) = (mark.offset, mark.line, mark.column);
                    to = end_off;
                }
                let bytes = self.slice(from, to).to_vec();
                let start = usize::try_from(mark.offset - from).unwrap_or(0);
                let end = usize::try_from(end_off - from).unwrap_or(0);
                (bytes, start..end)
            }
        };
        let (text, not_utf8) = match String::from_utf8(bytes) {
            Ok(text) => (text, None),
            Err(e) => {
                let bad = e.utf8_error().valid_up_to();
                (
                    String::from_utf8_lossy(e.as_bytes()).into_owned(),
                    Some(bad),
                )
            }
        };
        let index = self.count;
        self.count += 1;
        Ok(Item::Element(Element {
            index,
            fragment: Fragment {
                text,
                first_line,
                first_column,
            },
            range,
            not_utf8,
        }))
    }

    /// Moves `pos` past the element that starts there.
    fn scan(&mut self) -> std::io::Result<End> {
        let (mut depth, mut in_string) = match self.buf.get(self.pos) {
            Some(b'{' | b'[') => (1usize, false),
            Some(b'"') => (0, true),
            _ => (0, false),
        };
        let scalar = depth == 0 && !in_string;
        if !scalar {
            self.pos += 1;
        }
        let mut escaped = false;
        loop {
            // Skip the bytes that change nothing at once (in a string, all but
            // `"`, `\` and control characters, of which line breaks count).
            let rest = self.buf.get(self.pos..).unwrap_or(&[]);
            self.pos += if escaped {
                0
            } else if in_string {
                lex::string_run_end(rest, 0)
            } else if scalar {
                rest.iter()
                    .position(|&b| ends_scalar(b))
                    .unwrap_or(rest.len())
            } else {
                rest.iter()
                    .position(|&b| matches!(b, b'"' | b'{' | b'[' | b'}' | b']' | b'\n' | b'\r'))
                    .unwrap_or(rest.len())
            };
            let Some(&b) = self.buf.get(self.pos) else {
                let long = self.current.as_ref().is_some_and(|c| {
                    c.captured.is_none() && self.off(self.pos) - c.mark.offset > self.max_element
                });
                if long {
                    return Ok(End::TooLong);
                }
                if self.fill()? {
                    continue;
                }
                return Ok(if scalar { End::Complete } else { End::Eof });
            };
            if in_string {
                self.pos += 1;
                match b {
                    b'\n' | b'\r' => {
                        escaped = false;
                        self.line_break(self.pos - 1);
                        self.capture(self.off(self.pos - 1))?;
                    }
                    _ if escaped => escaped = false,
                    b'\\' => escaped = true,
                    b'"' => {
                        in_string = false;
                        if depth == 0 {
                            return Ok(End::Complete);
                        }
                    }
                    _ => {}
                }
                continue;
            }
            if scalar {
                if ends_scalar(b) {
                    return Ok(End::Complete);
                }
                self.pos += 1;
                continue;
            }
            self.pos += 1;
            match b {
                b'"' => in_string = true,
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(End::Complete);
                    }
                }
                b'\n' | b'\r' => self.line_break(self.pos - 1),
                _ => {}
            }
        }
    }

    /// A raw line break in a string at file offset `at`: the element is
    /// invalid JSON, and the string may never end. Its beginning, up to the
    /// end of the next line, is kept for the parser to report; the rest is
    /// only scanned.
    fn capture(&mut self, at: u64) -> std::io::Result<()> {
        if self.current.as_ref().is_none_or(|c| c.captured.is_some()) {
            return Ok(());
        }
        let end = self.context_after(at, WINDOW, true)?;
        let from = self.current.as_ref().map_or(at, |c| c.start.0);
        let bytes = self.slice(from, end).to_vec();
        if let Some(c) = &mut self.current {
            c.captured = Some(bytes);
        }
        Ok(())
    }

    // ----- the text around a place --------------------------------------------

    /// Where text shown before `mark` starts: at the start of its line or of
    /// the line before when that is at most `max` bytes back; else, if `cut`,
    /// `max` bytes back, else at `mark`. Returns the file offset, and the line
    /// and column there.
    fn context_before(&self, mark: &Mark, max: usize, cut: bool) -> (u64, usize, usize) {
        let p = mark.offset;
        let max = max as u64;
        let is_text = |from: u64| std::str::from_utf8(self.slice(from, p)).is_ok();
        if mark.line_start >= self.base && p - mark.line_start <= max {
            if let Some(previous) = self.previous_line(mark.line_start, p.saturating_sub(max))
                && is_text(previous)
            {
                return (previous, mark.line.saturating_sub(1), 0);
            }
            if is_text(mark.line_start) {
                return (mark.line_start, mark.line, 0);
            }
        }
        if !cut {
            return (p, mark.line, mark.column);
        }
        // Start on a character of valid UTF-8 after which all is valid.
        let mut from = p.saturating_sub(max).max(self.base).max(mark.line_start);
        while let Err(e) = std::str::from_utf8(self.slice(from, p)) {
            from += e.valid_up_to() as u64 + e.error_len().unwrap_or(1) as u64;
        }
        let before = chars(self.slice(from, p));
        (from, mark.line, mark.column.saturating_sub(before))
    }

    /// The start of the line before the one starting at `line_start`, if it is
    /// in the buffer and not before `lowest`.
    fn previous_line(&self, line_start: u64, lowest: u64) -> Option<u64> {
        let mut i = line_start.checked_sub(1).filter(|&i| i >= self.base)?;
        if self.slice(i, i + 1) == b"\n" && i > self.base && self.slice(i - 1, i) == b"\r" {
            i -= 1;
        }
        let lowest = lowest.max(self.base);
        let before = self.slice(lowest, i);
        match before.iter().rposition(is_break) {
            Some(j) => Some(lowest + j as u64 + 1),
            None if lowest == 0 => Some(0),
            None => None,
        }
    }

    /// Where text shown after file offset `from` ends: at the end of its line
    /// or of the line after, when that is at most `max` bytes on (or the end
    /// of the input); else, if `cut`, `max` bytes on, else at `from`. Only
    /// valid UTF-8 is shown.
    fn context_after(&mut self, from: u64, max: usize, cut: bool) -> std::io::Result<u64> {
        if from < self.base {
            return Ok(from);
        }
        while self.off(self.buf.len()) < from + max as u64 + 2 && self.fill()? {}
        let p = self.at(from);
        let limit = (p + max).min(self.buf.len());
        let to_eof = self.eof && p + max >= self.buf.len();
        let rest = self.buf.get(p..limit).unwrap_or(&[]);
        let end = match rest.iter().position(is_break) {
            None if to_eof || cut => limit,
            None => p,
            Some(j) => {
                let mut next = p + j + 1;
                if rest.get(j) == Some(&b'\r') && self.buf.get(next) == Some(&b'\n') {
                    next += 1;
                }
                let tail = self.buf.get(next..limit).unwrap_or(&[]);
                match tail.iter().position(is_break) {
                    Some(k) => next + k,
                    None if to_eof => limit,
                    None => p + j,
                }
            }
        };
        let shown = self.buf.get(p..end).unwrap_or(&[]);
        let valid = match std::str::from_utf8(shown) {
            Ok(_) => shown.len(),
            Err(e) => e.valid_up_to(),
        };
        Ok(from + valid as u64)
    }

    /// The text around `mark`, and `mark`'s offset in it.
    fn window(&mut self, mark: &Mark) -> std::io::Result<(Fragment, u64)> {
        if mark.offset < self.base {
            // Far behind (after a long run of whitespace): the place alone.
            let place = Fragment {
                text: String::new(),
                first_line: mark.line,
                first_column: mark.column,
            };
            return Ok((place, 0));
        }
        let end = self.context_after(mark.offset, WINDOW, true)?;
        let (from, first_line, first_column) = self.context_before(mark, WINDOW, true);
        let text = String::from_utf8_lossy(self.slice(from, end)).into_owned();
        let fragment = Fragment {
            text,
            first_line,
            first_column,
        };
        Ok((fragment, mark.offset.saturating_sub(from)))
    }

    // ----- structural errors ----------------------------------------------------

    /// Stops reading with `error`, whose place is given from `mark` on
    /// (`0..len`): it is moved to `mark`'s place in the text shown around it.
    fn stop(&mut self, mark: &Mark, mut error: LoadError) -> std::io::Result<Item> {
        self.state = State::Done;
        let (window, at) = self.window(mark)?;
        let len = error.end.saturating_sub(error.start);
        error.start = to_u32(at);
        error.end = error
            .start
            .saturating_add(len)
            .min(to_u32(window.text.len()))
            .max(error.start);
        Ok(Item::Broken(Box::new(Broken {
            error,
            window,
            open: None,
            too_long: None,
        })))
    }

    /// The bytes at `mark` (the position) on, at most [`WINDOW`] of them, read
    /// in first: enough to show a comment there, and to name the character.
    fn ahead(&mut self, mark: &Mark) -> std::io::Result<&[u8]> {
        self.context_after(mark.offset, WINDOW, true)?;
        let rest = self.buf.get(self.pos..).unwrap_or(&[]);
        Ok(rest.get(..WINDOW).unwrap_or(rest))
    }

    /// "expected …, found …" at `pos` (or the comment there), with `label`.
    fn unexpected(&mut self, expected: Expected, label: Option<&str>) -> std::io::Result<Item> {
        let mark = self.mark();
        let mut error = lex::unexpected(expected, self.ahead(&mark)?, 0);
        if error.kind != LoadErrorKind::Comment {
            error.label = label.map(str::to_string);
        }
        self.stop(&mark, error)
    }

    /// The input ended where `expected` was expected, inside the array.
    fn at_end(&mut self, expected: Expected) -> std::io::Result<Item> {
        let mark = self.mark();
        let mut item = self.stop(&mark, lex::unexpected_end(expected, 0))?;
        if let (Item::Broken(broken), Some((open, open_window, at))) = (&mut item, &self.open) {
            let label = lex::not_closed(true);
            let window_start = mark.offset - u64::from(broken.error.start);
            let window_end = window_start + broken.window.text.len() as u64;
            if (window_start..window_end).contains(&open.offset) {
                let start = to_u32(usize::try_from(open.offset - window_start).unwrap_or(0));
                broken.error.other = Some((start, start + 1, label));
            } else {
                let start = to_u32(usize::try_from(*at).unwrap_or(0));
                broken.error.other = Some((start, start + 1, label));
                broken.open = Some(open_window.clone());
            }
        }
        Ok(item)
    }
}

/// Up to `size` elements of a streamed array, and what stopped the reading
/// (a broken array, an I/O error) if something did.
pub fn array_batch(
    scanner: &mut ArrayScanner<impl std::io::Read>,
    size: usize,
) -> (Vec<Element>, Option<Item>) {
    let mut batch = Vec::with_capacity(size);
    while batch.len() < size {
        match scanner.next_item() {
            Some(Item::Element(element)) => batch.push(element),
            Some(other) => return (batch, Some(other)),
            None => break,
        }
    }
    (batch, None)
}

#[cfg(test)]
mod tests;
