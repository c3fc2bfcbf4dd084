//! Inputs read as streams: JSON Lines and top-level JSON arrays, a batch of
//! documents at a time, each batch checked on all threads and merged in input
//! order, so that memory stays flat however long the input is.

use crate::data::array_stream::{ArrayScanner, Broken, Element, Fragment, Item, array_batch};
use crate::data::jsonl::{LineBatch, LineReader, StreamLine, line_error};
use crate::data::read::{
    Input, JsonInput, MAX_DATA_FILE_BYTES, Unreadable, load_error, open_json, open_jsonl,
};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, Sources, Span, io_reason, replacement_span};

use super::document::{Checker, DocOutput};
use super::session::Session;
use super::sink::Sink;

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
                    format!("cannot read `{name}`: {}", io_reason(&e)),
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

    /// Opens a JSON Lines input and checks it as a stream.
    pub(super) fn check_jsonl_input(&mut self, input: &Input) {
        let slot = self.digest_slot();
        match open_jsonl(input, slot.as_ref()) {
            Ok((name, reader)) => {
                self.check_jsonl_stream(reader, &name);
                self.record_input(&name, slot.as_ref());
            }
            Err(e) => self.report(e),
        }
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
    /// else gives its text, read whole, for [`Session::check_input`] to go on
    /// with.
    pub(super) fn check_json_array(
        &mut self,
        input: &Input,
    ) -> Option<Result<(String, String), Unreadable>> {
        let slot = self.digest_slot();
        match open_json(input, slot.as_ref()) {
            JsonInput::Array(name, reader) => {
                self.check_array_stream(reader, &name);
                self.record_input(&name, slot.as_ref());
                None
            }
            JsonInput::Whole(read) => {
                if let Ok((name, _)) = &read {
                    self.record_input(name, slot.as_ref());
                }
                Some(read)
            }
        }
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
                    replacement_span(FileId::NONE, offset),
                    "the first byte that is not UTF-8",
                )
                .help("save the file as UTF-8");
                return failed(vec![d], Some(Fragment::line(lossy, index)));
            }
        };
        match crate::data::json::parse_json_with(&text, 0, &self.limits) {
            Err(e) => {
                let mut d = line_error(&e, FileId::NONE);
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
                    replacement_span(FileId::NONE, offset),
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
