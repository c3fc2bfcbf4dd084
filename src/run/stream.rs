//! Inputs read as streams: JSON Lines and top-level JSON arrays, a batch of
//! documents at a time, each batch checked on all threads and merged in input
//! order, so that memory stays flat however long the input is.

use super::*;

impl<S: Sink> Session<'_, S> {
    /// Reads a JSON file whose top level is an array as a stream, like a JSON
    /// Lines file: a batch of elements at a time ([`ArrayScanner`]), checked on
    /// all threads and merged in order, each document named `FILE#N`. The next
    /// batch is scanned while one is checked. An element that does not parse
    /// is that document's error; a mistake between elements (or an element too
    /// long) ends the reading of the file.
    pub(super) fn check_array_stream(&mut self, reader: impl std::io::Read + Send, name: &str) {
        use rayon::prelude::*;
        const BATCH: usize = 2048;
        let mut scanner = ArrayScanner::new(reader, MAX_DATA_FILE_BYTES);
        let mut reported = 0;
        let mut broken = false;
        let mut next = Some(array_batch(&mut scanner, BATCH));
        while let Some((batch, stop)) = next.take() {
            let more = stop.is_none() && batch.len() == BATCH;
            let checker = &self.checker;
            let (outputs, following) = rayon::join(
                || {
                    let check = |element| checker.check_element(name, element).prepared();
                    batch.into_par_iter().map(check).collect::<Vec<_>>()
                },
                || more.then(|| array_batch(&mut scanner, BATCH)),
            );
            for out in outputs {
                self.merge(out);
            }
            broken |= stop.is_some();
            match stop {
                Some(Item::Broken(why)) => self.report_broken(name, *why),
                Some(Item::Failed(e)) => self.report(Diagnostic::error(
                    Code::Io,
                    format!("cannot read `{name}`: {}", crate::pack::io_reason(&e)),
                )),
                _ => {}
            }
            self.sink.read(scanner.bytes_read() - reported);
            reported = scanner.bytes_read();
            next = following;
        }
        if scanner.elements() == 0 && !broken {
            self.report(
                Diagnostic::error(Code::Data, format!("`{name}` contains no documents"))
                    .help("an input file holds one document (an object) or an array of them"),
            );
        }
    }

    /// Reports why reading a streamed array stopped, on fragments of the file
    /// around the place (and around the `[` of an array not closed).
    pub(super) fn report_broken(&mut self, name: &str, broken: Broken) {
        let Broken {
            mut error,
            window,
            open,
            too_long,
        } = broken;
        let add = |sources: &mut Sources, f: Fragment| {
            sources.add_fragment_at(name, f.text, f.first_line, f.first_column)
        };
        let file = add(&mut self.sources, window);
        let other = match open {
            Some(open) => error
                .other
                .take()
                .map(|o| (add(&mut self.sources, open), o)),
            None => None,
        };
        let mut d = match too_long {
            Some(n) => Diagnostic::error(Code::Limit, format!("`{name}#{n}` is longer than 4 GiB"))
                .label(
                    Span::new(file, error.start as usize, error.end as usize),
                    error.label.unwrap_or_default(),
                )
                .help("split the batch into several files"),
            None => load_error(&error, file),
        };
        if let Some((id, (start, end, text))) = other {
            d = d.label(Span::new(id, start as usize, end as usize), text);
        }
        self.report(d);
    }

    /// Reads a JSON Lines file as a stream: a batch of lines at a time, each batch
    /// checked on all threads and merged in order, while the next batch is read.
    /// Only the lines that something points into are kept, so memory stays flat
    /// however long the file is.
    pub(super) fn check_jsonl_stream(&mut self, reader: impl std::io::BufRead + Send, name: &str) {
        use rayon::prelude::*;
        const BATCH: usize = 2048;
        let mut lines = LineReader::new(reader);
        let mut next = Some(lines.batch(BATCH, name));
        while let Some(batch) = next.take() {
            let more = batch.error.is_none() && batch.lines.len() == BATCH;
            let checker = &self.checker;
            let LineBatch {
                lines: batch_lines,
                bytes,
                error,
            } = batch;
            let (outputs, following) = rayon::join(
                || {
                    batch_lines
                        .into_par_iter()
                        .map(|(index, n, line)| checker.check_line(name, index, n, line).prepared())
                        .collect::<Vec<_>>()
                },
                || more.then(|| lines.batch(BATCH, name)),
            );
            for out in outputs {
                self.merge(out);
            }
            if let Some(error) = error {
                self.report(error);
            }
            self.sink.read(bytes);
            next = following;
        }
        if lines.documents == 0 {
            self.report(
                Diagnostic::error(Code::Data, format!("`{name}` contains no documents"))
                    .help("a JSON Lines file holds one document (an object) per line"),
            );
        }
    }

    /// Checks a JSON input as a stream if its top level is an array (`None`);
    /// else reads it whole, for [`Session::check_input`] to go on with.
    pub(super) fn check_json_array(
        &mut self,
        input: &Input,
    ) -> Option<Result<(String, String), Unreadable>> {
        use crate::data::array_stream::{sniff, starts_array};
        use std::io::Read as _;
        let cannot_read = |name: &str, e: &std::io::Error| {
            let why = crate::pack::io_reason(e);
            let what = match input {
                Input::Stdin(_) => "standard input".to_string(),
                _ => format!("`{name}`"),
            };
            Unreadable::from(Diagnostic::error(
                Code::Io,
                format!("cannot read {what}: {why}"),
            ))
        };
        let (name, rest): (String, Box<dyn std::io::Read + Send>) = match input {
            Input::Memory { name, bytes, .. } => {
                if starts_array(bytes) == Some(true) {
                    self.check_array_stream(bytes.as_slice(), name);
                    return None;
                }
                return Some(read_input(input));
            }
            Input::File(path) => {
                let name = path.display().to_string();
                match std::fs::File::open(path) {
                    Ok(file) => (name, Box::new(file)),
                    Err(e) => return Some(Err(cannot_read(&name, &e))),
                }
            }
            Input::Stdin(_) => ("<stdin>".to_string(), Box::new(std::io::stdin())),
        };
        // The first bytes are read to see whether the input is an array; they
        // are read again, with the rest, in either case.
        let mut rest = std::io::BufReader::with_capacity(1 << 16, rest);
        let head = match sniff(&mut rest) {
            Ok((sniffed, true)) => {
                let reader = std::io::Cursor::new(sniffed).chain(rest);
                self.check_array_stream(reader, &name);
                return None;
            }
            Ok((sniffed, _)) => sniffed,
            Err(e) => return Some(Err(cannot_read(&name, &e))),
        };
        let mut bytes = head;
        let limit = (MAX_DATA_FILE_BYTES + 1).saturating_sub(bytes.len() as u64);
        if let Err(e) = rest.take(limit).read_to_end(&mut bytes) {
            return Some(Err(cannot_read(&name, &e)));
        }
        Some(decode_input(name, bytes))
    }
}

impl Checker<'_> {
    /// Checks one line of a JSON Lines stream (spans point at a placeholder file
    /// until [`Session::merge`] gives the line a source of its own).
    pub(super) fn check_line(
        &self,
        name: &str,
        index: usize,
        n: usize,
        line: StreamLine,
    ) -> DocOutput {
        let doc_name = format!("{name}#{n}");
        let failed = |errors: Vec<Diagnostic>, fragment| {
            DocOutput::unread(doc_name.clone(), name, errors, fragment)
        };
        let text = match line {
            Ok(t) => t,
            Err((lossy, offset)) => {
                let d = Diagnostic::error(
                    Code::Data,
                    format!("{doc_name}: line {} is not UTF-8 text", index + 1),
                )
                .label(
                    crate::source::replacement_span(FileId::NONE, offset),
                    "the first byte that is not UTF-8",
                )
                .help("save the file as UTF-8");
                return failed(vec![d], Some(Fragment::line(lossy, index)));
            }
        };
        match crate::data::json::parse_json_with(&text, 0, &self.limits) {
            Err(e) => {
                let mut d = load_error(&e, FileId::NONE);
                if e.kind == crate::data::node::LoadErrorKind::UnexpectedEnd {
                    d.message = d.message.replace("end of the file", "end of the line");
                    d.help = Some(
                        "JSON Lines needs each document whole on one line; a document over several lines belongs in a `.json` file".into(),
                    );
                }
                d.message = format!("{doc_name}: {}", d.message);
                failed(vec![d], Some(Fragment::line(text, index)))
            }
            Ok(node) => {
                let mut out =
                    self.evaluate_document(FileId::NONE, name, &text, &node, doc_name, true);
                out.fragment = Some(Fragment::line(text, index));
                out
            }
        }
    }

    /// Checks one element of a JSON array read as a stream (spans point at a
    /// placeholder file until [`Session::merge`] gives the element's fragment
    /// a source of its own).
    pub(super) fn check_element(&self, name: &str, element: Element) -> DocOutput {
        let Element {
            index,
            fragment,
            range,
            not_utf8,
        } = element;
        let doc_name = format!("{name}#{index}");
        let failed = |error: Diagnostic, fragment| {
            DocOutput::unread(doc_name.clone(), name, vec![error], Some(fragment))
        };
        if let Some(offset) = not_utf8 {
            let d = Diagnostic::error(Code::Data, format!("{doc_name}: not UTF-8 text"))
                .label(
                    crate::source::replacement_span(FileId::NONE, offset),
                    "the first byte that is not UTF-8",
                )
                .help("save the file as UTF-8");
            return failed(d, fragment);
        }
        let text = fragment.text.get(range.clone()).unwrap_or("");
        let base = u32::try_from(range.start).unwrap_or(u32::MAX);
        match crate::data::json::parse_json_with(text, base, &self.limits) {
            Err(e) => {
                let mut d = load_error(&e, FileId::NONE);
                d.message = format!("{doc_name}: {}", d.message);
                failed(d, fragment)
            }
            Ok(node) => {
                let mut out = self.evaluate_document(
                    FileId::NONE,
                    name,
                    &fragment.text,
                    &node,
                    doc_name,
                    true,
                );
                out.fragment = Some(fragment);
                out
            }
        }
    }
}

/// Up to `size` elements of a streamed array, and what stopped the reading
/// (a broken array, an I/O error) if something did.
pub(super) fn array_batch(
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

/// A line of a JSON Lines stream: its text, or, when it is not UTF-8, its text
/// with the bad bytes replaced and the offset of the first one.
pub(super) type StreamLine = Result<String, (String, usize)>;

/// The lines of a JSON Lines stream, read a batch at a time.
struct LineReader<R> {
    reader: R,
    /// Lines read so far, blank ones included (for line numbers).
    line_index: usize,
    /// Documents (lines that are not blank) read so far.
    documents: usize,
    buf: Vec<u8>,
}

/// One batch of lines: (line index, document index, the line) each, the bytes
/// they took, and what stopped the reading if something did.
struct LineBatch {
    lines: Vec<(usize, usize, StreamLine)>,
    bytes: u64,
    error: Option<Diagnostic>,
}

impl<R: std::io::BufRead> LineReader<R> {
    fn new(reader: R) -> Self {
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
    fn batch(&mut self, size: usize, name: &str) -> LineBatch {
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
                        format!("cannot read `{name}`: {}", crate::pack::io_reason(&e)),
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
