//! Reading JSON Lines as a stream: a batch of lines at a time, blank lines
//! skipped but counted (for line numbers), a byte-order mark dropped, lines
//! that are not UTF-8 kept with their bad bytes replaced so that the error can
//! point at them. Parsing the lines is left to the workers that check them.

use super::node::{LoadError, LoadErrorKind};
use super::read::{MAX_DATA_FILE_BYTES, load_error};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, io_reason};

/// A line of a JSON Lines stream: its text, or, when it is not UTF-8, its text
/// with the bad bytes replaced and the offset of the first one.
pub type StreamLine = Result<String, (String, usize)>;

/// The lines of a JSON Lines stream, read a batch at a time.
pub struct LineReader<R> {
    reader: R,
    /// Lines read so far, blank ones included (for line numbers).
    line_index: usize,
    /// Documents (lines that are not blank) read so far.
    pub documents: usize,
    buf: Vec<u8>,
}

/// One batch of lines: (line index, document index, the line) each, the bytes
/// they took, and what stopped the reading if something did.
pub struct LineBatch {
    pub lines: Vec<(usize, usize, StreamLine)>,
    /// Bytes of the input they took.
    pub bytes: u64,
    /// What stopped the reading, if something did.
    pub error: Option<Diagnostic>,
}

impl<R: std::io::BufRead> LineReader<R> {
    /// A reader of the lines of `reader`.
    pub fn new(reader: R) -> Self {
        LineReader {
            reader,
            line_index: 0,
            documents: 0,
            buf: Vec::new(),
        }
    }

    /// Up to `size` lines that are not blank. The batch is short at the end of
    /// the input or when reading fails (then `error` says why, and the stream
    /// is over).
    pub fn batch(&mut self, size: usize, name: &str) -> LineBatch {
        use std::io::{BufRead, Read};
        let mut batch = LineBatch {
            lines: Vec::with_capacity(size),
            bytes: 0,
            error: None,
        };
        while batch.lines.len() < size {
            self.buf.clear();
            // A line is read whole, but never past the size spans can address.
            match (&mut self.reader)
                .take(MAX_DATA_FILE_BYTES + 1)
                .read_until(b'\n', &mut self.buf)
            {
                Ok(0) => break,
                Ok(n) if n as u64 > MAX_DATA_FILE_BYTES => {
                    batch.error = Some(
                        Diagnostic::error(
                            Code::Limit,
                            format!("`{name}` line {}: longer than 4 GiB", self.line_index + 1),
                        )
                        .help("split the batch into several files"),
                    );
                    break;
                }
                Ok(n) => batch.bytes += n as u64,
                Err(e) => {
                    batch.error = Some(Diagnostic::error(
                        Code::Io,
                        format!("cannot read `{name}`: {}", io_reason(&e)),
                    ));
                    break;
                }
            }
            let index = self.line_index;
            self.line_index += 1;
            let mut bytes: &[u8] = &self.buf;
            if index == 0 {
                bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            }
            while let [rest @ .., b'\n' | b'\r'] = bytes {
                bytes = rest;
            }
            if bytes.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let line = match std::str::from_utf8(bytes) {
                Ok(t) => Ok(t.to_string()),
                Err(e) => Err((String::from_utf8_lossy(bytes).into_owned(), e.valid_up_to())),
            };
            batch.lines.push((index, self.documents, line));
            self.documents += 1;
        }
        batch
    }
}

/// The diagnostic of a line that does not parse: a line cut short is told
/// that JSON Lines holds each document on one line.
pub fn line_error(e: &LoadError, file: FileId) -> Diagnostic {
    let mut d = load_error(e, file);
    if e.kind == LoadErrorKind::UnexpectedEnd {
        d.message = d.message.replace("end of the file", "end of the line");
        d.help = Some(
            "JSON Lines needs each document whole on one line; a document over several lines belongs in a `.json` file".into(),
        );
    }
    d
}
