//! Stage 5, the run: a loaded pack, its data and settings, and input files in;
//! resolved outcomes and diagnostics out.
//!
//! This is where the stages meet: files are read and split ([`crate::data::load`]),
//! documents conformed ([`crate::data::conform`]), evaluated ([`crate::eval`]),
//! and each finding's paths resolved to places in the files
//! ([`crate::data::locate`]) while the document's tree is still at hand. What comes
//! out ([`Checked`]) holds everything a report needs, so reports never evaluate.

pub mod settings;

use std::io::Read as _;
use std::path::{Path as FsPath, PathBuf};

use serde_json::Value as Json;

use crate::check::program::Program;
use crate::data::array_stream::{ArrayScanner, Broken, Element, Fragment, Item};
use crate::data::conform::conform_text;
use crate::data::load::{Format, split_with};
use crate::data::locate::locate;
use crate::data::node::{LoadError, Node};
use crate::diagnostic::{Code, Diagnostic};
use crate::eval::path::{Path, Root};
use crate::eval::trace::{Computed, Read};
use crate::eval::value::Value;
use crate::eval::{Evaluator, Keep, Outcome, OutcomeKind, Tally};
use crate::limits::Limits;
use crate::pack::Pack;
use crate::source::{FileId, Sources, Span};
use crate::syntax::ast::RuleSeverity;

/// Largest input or data file read: offsets in spans are 32-bit.
pub const MAX_DATA_FILE_BYTES: u64 = u32::MAX as u64;

/// Where documents come from.
#[derive(Debug, Clone)]
pub enum Input {
    /// A file; its format from its extension.
    File(PathBuf),
    /// Standard input, in the given format.
    Stdin(Format),
    /// Bytes already in memory, named `name` in reports: for programs that embed
    /// preflight (and its fuzz targets), which should not need a file.
    Memory {
        /// The name reports give the input.
        name: String,
        /// The raw bytes, decoded like a file's.
        bytes: Vec<u8>,
        /// Their format.
        format: Format,
    },
}

/// The settings of a run (cli.md, `check` options).
#[derive(Debug, Clone)]
pub struct Options {
    /// `--data NAME=PATH` overrides.
    pub data: Vec<(String, PathBuf)>,
    /// `--param NAME=VALUE` overrides.
    pub params: Vec<(String, String)>,
    /// `--today`, unparsed; `None` for the system's date.
    pub today: Option<String>,
    /// Which outcomes to keep.
    pub keep: Keep,
    /// `--input-format`: the format of files whose name does not say it (and of
    /// standard input).
    pub input_format: Option<Format>,
    /// Bounds on input nesting, YAML aliases and evaluation steps.
    pub limits: Limits,
}

impl Default for Options {
    /// No overrides, the system's date, findings only, default limits.
    fn default() -> Options {
        Options {
            data: Vec::new(),
            params: Vec::new(),
            today: None,
            keep: Keep::Findings,
            input_format: None,
            limits: Limits::default(),
        }
    }
}

/// The result of a run.
#[derive(Debug)]
pub struct Checked {
    /// Every file involved: the pack's policy files, then data and input files.
    pub sources: Sources,
    /// Problems that make the run untrustworthy (exit code 2): unreadable files,
    /// data that does not parse or conform, bad settings.
    pub errors: Vec<Diagnostic>,
    /// Documents in input order, each with its kept outcomes.
    pub documents: Vec<DocumentResult>,
    /// Outcomes of every document, kept or not.
    pub tally: Tally,
}

/// One document's result.
#[derive(Debug)]
pub struct DocumentResult {
    /// `FILE` or `FILE#N`.
    pub name: String,
    /// The input file's name as given.
    pub file: String,
    /// Whether it was evaluated (false when it did not parse or conform).
    pub evaluated: bool,
    /// Kept outcomes: rule order, then subject order.
    pub outcomes: Vec<ReportedOutcome>,
    /// Counts of every outcome, kept or not.
    pub tally: Tally,
}

/// An outcome ready to report.
#[derive(Debug)]
pub struct ReportedOutcome {
    /// Index of the rule in [`Program::rules`].
    pub rule: usize,
    /// The subject's path, as text.
    pub subject: String,
    /// What it came to.
    pub kind: OutcomeKind,
    /// For `fail` and `error`.
    pub finding: Option<Finding>,
}

/// A finding with every place resolved.
#[derive(Debug)]
pub struct Finding {
    /// The interpolated message (for an `error` without a message of its own:
    /// the evaluation error).
    pub message: String,
    /// The interpolated help.
    pub help: Option<String>,
    /// Where in the input the finding points: the first value the failing
    /// `require` read from the document, else the subject.
    pub location: Option<Span>,
    /// The failing `require`, or the expression whose evaluation failed.
    pub policy: Option<Span>,
    /// For `error` outcomes: what stopped evaluation.
    pub error: Option<String>,
    /// Values the failing `require` read, with their places.
    pub values: Vec<FindingValue>,
    /// Sub-values computed by the failing clause (`sum(…) = 40`), shown on the
    /// policy.
    pub computed: Vec<ComputedValue>,
}

/// A sub-value computed by a failing clause.
#[derive(Debug)]
pub struct ComputedValue {
    /// The expression as written in the policy.
    pub expr: String,
    /// The value as JSON.
    pub value: Json,
    /// A short label: the expression (shortened) and its value.
    pub label: String,
    /// The expression in the policy.
    pub span: Span,
}

/// A value read by a failing `require`.
#[derive(Debug)]
pub struct FindingValue {
    /// The expression as written in the policy.
    pub expr: String,
    /// The value as JSON.
    pub value: Json,
    /// The value for people: strings and enum members quoted, others bare.
    pub display: String,
    /// Where it is in the input or data file, when found.
    pub location: Option<Span>,
}

impl Checked {
    /// Documents that were neither evaluated nor named by an error: always none
    /// (an invariant the tests and fuzz targets check, ARCHITECTURE.md).
    pub fn unaccounted(&self) -> impl Iterator<Item = &DocumentResult> {
        self.documents.iter().filter(|doc| {
            !doc.evaluated
                && !self
                    .errors
                    .iter()
                    .any(|e| e.document.as_deref() == Some(doc.name.as_str()))
        })
    }

    /// A run that stopped before any document was read, for these reasons.
    pub fn failed(sources: Sources, errors: Vec<Diagnostic>) -> Checked {
        Checked {
            sources,
            errors,
            documents: Vec::new(),
            tally: Tally::default(),
        }
    }
}

/// Where a [`Session`] sends what it finds, in input order, as documents are
/// checked. [`Collect`] keeps everything (a [`Checked`]); the command line's
/// reports write each document out as it comes, so that memory does not grow
/// with the number of documents.
pub trait Sink {
    /// Whether the sink keeps spans beyond the call that gave them. If it does
    /// not, the session forgets the text of a streamed document (a JSON Lines
    /// line, an element of a JSON array) once the sink has seen it.
    const KEEPS_SPANS: bool;

    /// A problem of the run (exit code 2); `sources` holds every file its spans
    /// point into. A document's problems come just before the document.
    fn error(&mut self, sources: &Sources, error: Diagnostic);

    /// A document read: evaluated, or not (then its problems came before it).
    fn document(&mut self, sources: &Sources, document: DocumentResult);

    /// `bytes` more of the input were read (for a progress bar).
    fn read(&mut self, bytes: u64) {
        let _ = bytes;
    }
}

/// The sink that keeps every problem and document, to make a [`Checked`].
#[derive(Debug, Default)]
pub struct Collect {
    /// Problems found so far (exit code 2).
    pub errors: Vec<Diagnostic>,
    /// Documents checked so far, in order.
    pub documents: Vec<DocumentResult>,
}

impl Sink for Collect {
    const KEEPS_SPANS: bool = true;

    fn error(&mut self, _: &Sources, error: Diagnostic) {
        self.errors.push(error);
    }

    fn document(&mut self, _: &Sources, document: DocumentResult) {
        self.documents.push(document);
    }
}

/// What checks one document; shared by the threads that check documents, while
/// the [`Session`] that owns it merges their results in input order.
struct Checker<'p> {
    pack: &'p Pack,
    program: &'p Program,
    evaluator: Evaluator<'p>,
    data_nodes: Vec<(FileId, Node)>,
    keep: Keep,
    limits: Limits,
}

/// A pack ready to check documents: its settings applied and its data loaded.
/// Made once per run ([`Session::start`]); then any number of documents can be
/// checked ([`Session::check_node`]), as `check` does for files and `preflight
/// test` for the inputs of its test cases. What it finds goes to its [`Sink`].
pub struct Session<'p, S: Sink = Collect> {
    checker: Checker<'p>,
    /// Every file read, for reports.
    pub sources: Sources,
    /// Where problems and documents go.
    pub sink: S,
    /// Outcomes of every document so far.
    pub tally: Tally,
}

impl<'p> Session<'p> {
    /// Applies the settings and loads the data files; the problems found, as a
    /// [`Checked`] with no documents, when that fails.
    pub fn start(pack: &'p Pack, options: &Options) -> Result<Session<'p>, Checked> {
        let mut sources = pack.sources.clone();
        let Some(program) = pack.program.as_ref() else {
            return Err(Checked::failed(sources, pack.diagnostics.clone()));
        };
        let mut errors = Vec::new();
        let params = settings::params(program, &options.params).unwrap_or_else(|e| {
            errors.extend(e);
            Vec::new()
        });
        let today = settings::today(options.today.as_deref()).unwrap_or_else(|e| {
            errors.push(e);
            jiff::civil::Date::ZERO
        });
        let data = load_data(
            pack,
            program,
            &options.data,
            true,
            &options.limits,
            &mut sources,
            &mut errors,
        );
        if !errors.is_empty() {
            return Err(Checked::failed(sources, errors));
        }
        let (data_values, data_nodes): (Vec<Value>, Vec<(FileId, Node)>) = data.into_iter().unzip();
        Ok(Session {
            checker: Checker {
                pack,
                program,
                evaluator: Evaluator::new(program, &pack.sources, data_values, params, today)
                    .with_step_budget(options.limits.eval_steps),
                data_nodes,
                keep: options.keep,
                limits: options.limits,
            },
            sources,
            sink: Collect::default(),
            tally: Tally::default(),
        })
    }

    /// The same session, sending what it finds to `sink` from now on.
    pub fn with_sink<T: Sink>(self, sink: T) -> Session<'p, T> {
        Session {
            checker: self.checker,
            sources: self.sources,
            sink,
            tally: self.tally,
        }
    }

    /// The result of the run.
    pub fn finish(self) -> Checked {
        Checked {
            sources: self.sources,
            errors: self.sink.errors,
            documents: self.sink.documents,
            tally: self.tally,
        }
    }
}

impl<'p, S: Sink> Session<'p, S> {
    /// Reports a problem of the run.
    fn report(&mut self, error: Diagnostic) {
        self.sink.error(&self.sources, error);
    }

    /// The files read, the sink and the outcomes counted, once every input
    /// is checked.
    pub fn into_parts(self) -> (Sources, S, Tally) {
        (self.sources, self.sink, self.tally)
    }

    /// Conforms and evaluates one parsed document of `file` (a file already in
    /// [`Session::sources`]; `text` is its text) and records the result under
    /// `name`. Problems are reported with `prefix` before their message (the
    /// document's name, in a file of several).
    pub fn check_node(
        &mut self,
        file: FileId,
        text: &str,
        node: &Node,
        name: String,
        prefix: bool,
    ) {
        let file_name = self
            .sources
            .get(file)
            .map_or(String::new(), |f| f.name().to_string());
        let out = self
            .checker
            .evaluate_document(file, &file_name, text, node, name, prefix);
        self.merge(out);
    }

    /// Adds a checked document to the run. A document read as a stream brings
    /// its text along (its line, or an array element with the text around it)
    /// when something must point into it; the text becomes a source of its own
    /// that knows where it starts in the file, and the placeholder spans are
    /// pointed at it.
    fn merge(&mut self, mut out: DocOutput) {
        let mut fragment = None;
        if let Some(f) = out.fragment.take() {
            let needed =
                !out.errors.is_empty() || out.result.outcomes.iter().any(|o| o.finding.is_some());
            if needed {
                let name = out.result.file.clone();
                let (line, column) = (f.first_line, f.first_column);
                let id = self.sources.add_fragment_at(name, f.text, line, column);
                out.repoint(FileId::NONE, id);
                fragment = Some(id);
            }
        }
        let name = &out.result.name;
        for mut d in out.errors {
            d.document = Some(name.clone());
            self.sink.error(&self.sources, d);
        }
        self.tally.merge(out.result.tally);
        self.sink.document(&self.sources, out.result);
        if !S::KEEPS_SPANS
            && let Some(id) = fragment
        {
            self.sources.forget_last(id);
        }
    }

    /// Reads a JSON file whose top level is an array as a stream, like a JSON
    /// Lines file: a batch of elements at a time ([`ArrayScanner`]), checked on
    /// all threads and merged in order, each document named `FILE#N`. The next
    /// batch is scanned while one is checked. An element that does not parse
    /// is that document's error; a mistake between elements (or an element too
    /// long) ends the reading of the file.
    fn check_array_stream(&mut self, reader: impl std::io::Read + Send, name: &str) {
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
                    let check = |element| checker.check_element(name, element);
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
    fn report_broken(&mut self, name: &str, broken: Broken) {
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
    /// checked on all threads and merged in order. Only the lines that something
    /// points into are kept, so memory stays flat however long the file is.
    fn check_jsonl_stream(&mut self, mut reader: impl std::io::BufRead, name: &str) {
        use rayon::prelude::*;
        use std::io::{BufRead, Read};
        const BATCH: usize = 2048;
        let mut line_index = 0usize;
        let mut documents = 0usize;
        let mut buf = Vec::new();
        loop {
            // (line index, document index, the line) for one batch.
            let mut batch: Vec<(usize, usize, StreamLine)> = Vec::with_capacity(BATCH);
            let mut batch_bytes = 0u64;
            let mut done = false;
            while batch.len() < BATCH {
                buf.clear();
                // A line is read whole, but never past the size spans can address.
                match (&mut reader)
                    .take(MAX_DATA_FILE_BYTES + 1)
                    .read_until(b'\n', &mut buf)
                {
                    Ok(0) => {
                        done = true;
                        break;
                    }
                    Ok(n) if n as u64 > MAX_DATA_FILE_BYTES => {
                        self.report(
                            Diagnostic::error(
                                Code::Limit,
                                format!("`{name}` line {}: longer than 4 GiB", line_index + 1),
                            )
                            .help("split the batch into several files"),
                        );
                        done = true;
                        break;
                    }
                    Ok(n) => batch_bytes += n as u64,
                    Err(e) => {
                        self.report(Diagnostic::error(
                            Code::Io,
                            format!("cannot read `{name}`: {}", crate::pack::io_reason(&e)),
                        ));
                        done = true;
                        break;
                    }
                }
                let index = line_index;
                line_index += 1;
                let mut bytes: &[u8] = &buf;
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
                batch.push((index, documents, line));
                documents += 1;
            }
            let checker = &self.checker;
            let outputs: Vec<DocOutput> = batch
                .into_par_iter()
                .map(|(index, n, line)| checker.check_line(name, index, n, line))
                .collect();
            for out in outputs {
                self.merge(out);
            }
            self.sink.read(batch_bytes);
            if done {
                break;
            }
        }
        if documents == 0 {
            self.report(
                Diagnostic::error(Code::Data, format!("`{name}` contains no documents"))
                    .help("a JSON Lines file holds one document (an object) per line"),
            );
        }
    }

    /// Checks a JSON input as a stream if its top level is an array (`None`);
    /// else reads it whole, for [`Session::check_input`] to go on with.
    fn check_json_array(&mut self, input: &Input) -> Option<Result<(String, String), Unreadable>> {
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

    /// Reads, splits and checks every document of an input file.
    pub fn check_input(&mut self, input: &Input, input_format: Option<Format>) {
        match input {
            Input::File(path)
                if Format::from_path(path).or(input_format) == Some(Format::Jsonl) =>
            {
                let name = path.display().to_string();
                match std::fs::File::open(path) {
                    Ok(file) => self.check_jsonl_stream(
                        std::io::BufReader::with_capacity(1 << 20, file),
                        &name,
                    ),
                    Err(e) => self.report(Diagnostic::error(
                        Code::Io,
                        format!("cannot read `{name}`: {}", crate::pack::io_reason(&e)),
                    )),
                }
                return;
            }
            Input::Stdin(Format::Jsonl) => {
                let stdin = std::io::stdin();
                return self.check_jsonl_stream(stdin.lock(), "<stdin>");
            }
            Input::Memory {
                name,
                bytes,
                format: Format::Jsonl,
            } => return self.check_jsonl_stream(bytes.as_slice(), name),
            _ => {}
        }
        let json = match input {
            Input::Stdin(f) | Input::Memory { format: f, .. } => *f == Format::Json,
            Input::File(path) => Format::from_path(path).or(input_format) == Some(Format::Json),
        };
        // A JSON array is read as a stream; anything else is read whole.
        let read = if json {
            match self.check_json_array(input) {
                Some(read) => read,
                None => return,
            }
        } else {
            read_input(input)
        };
        let (name, text) = match read {
            Ok(read) => read,
            Err(e) => {
                let d = e.into_diagnostic(&mut self.sources);
                self.report(d);
                return;
            }
        };
        let format = match input {
            Input::Stdin(f) | Input::Memory { format: f, .. } => *f,
            Input::File(path) => match Format::from_path(path).or(input_format) {
                Some(f) => f,
                None => {
                    self.report(
                        Diagnostic::error(
                            Code::Usage,
                            format!("`{name}`: the file name does not say its format"),
                        )
                        .help("name it `.json`, `.yaml`, `.yml`, `.jsonl` or `.ndjson`, or give `--input-format`"),
                    );
                    return;
                }
            },
        };
        let file = self.sources.add(name.clone(), text.as_str());
        let parts = if text.trim_start_matches('\u{feff}').trim().is_empty() {
            crate::data::load::Split {
                docs: Vec::new(),
                numbered: false,
            }
        } else {
            split_with(&text, format, &self.checker.limits)
        };
        if parts.docs.is_empty() {
            let help = match format {
                Format::Jsonl => "a JSON Lines file holds one document (an object) per line",
                _ => "an input file holds one document (an object) or an array of them",
            };
            self.report(
                Diagnostic::error(Code::Data, format!("`{name}` contains no documents")).help(help),
            );
        }
        // Documents are checked on all threads, then merged in input order.
        use rayon::prelude::*;
        let numbered = parts.numbered;
        let stdin_json = matches!(input, Input::Stdin(Format::Json)) && looks_like_yaml(&text);
        let checker = &self.checker;
        let outputs: Vec<DocOutput> = parts
            .docs
            .into_par_iter()
            .enumerate()
            .map(|(n, doc)| {
                // In a file of several documents, names and errors say which one.
                let doc_name = if numbered { format!("{name}#{n}") } else { name.clone() };
                match doc {
                    Err(e) => {
                        let mut d = load_error(&e, file);
                        if stdin_json {
                            d.help = Some(
                                "standard input is read as JSON; for YAML give `--input-format yaml`".into(),
                            );
                        } else if format == Format::Jsonl && e.message.starts_with("unexpected end") {
                            d.message = d.message.replace("end of the file", "end of the line");
                            d.help = Some(
                                "JSON Lines needs each document whole on one line; a document over several lines belongs in a `.json` file".into(),
                            );
                        }
                        if numbered {
                            d.message = format!("{doc_name}: {}", d.message);
                        }
                        DocOutput {
                            result: DocumentResult {
                                name: doc_name,
                                file: name.clone(),
                                evaluated: false,
                                outcomes: Vec::new(),
                            tally: Tally::default(),
                        },
                            errors: vec![d],
                            fragment: None,
                        }
                    }
                    Ok(node) => checker.evaluate_document(file, &name, &text, &node, doc_name, numbered),
                }
            })
            .collect();
        for out in outputs {
            self.merge(out);
        }
        self.sink.read(text.len() as u64);
    }
}

impl<'p> Checker<'p> {
    /// Checks one document without touching the session, so that documents can
    /// be checked on several threads and merged in input order afterwards.
    fn evaluate_document(
        &self,
        file: FileId,
        file_name: &str,
        text: &str,
        node: &Node,
        name: String,
        prefix: bool,
    ) -> DocOutput {
        let mut out = DocOutput {
            result: DocumentResult {
                name,
                file: file_name.to_string(),
                evaluated: false,
                outcomes: Vec::new(),
                tally: Tally::default(),
            },
            errors: Vec::new(),
            fragment: None,
        };
        let program = self.program;
        match conform_text(
            &program.schema,
            &program.input.ty,
            node,
            file,
            text,
            &program.input.name,
        ) {
            Err(e) => {
                let doc = &out.result.name;
                out.errors = e
                    .into_iter()
                    .map(|mut d| {
                        if prefix {
                            d.message = format!("{doc}: {}", d.message);
                        }
                        d
                    })
                    .collect();
            }
            Ok(value) => {
                let outcomes = self.evaluator.evaluate(&value, self.keep);
                out.result.tally = outcomes.tally;
                let places = Places {
                    sources: &self.pack.sources,
                    program,
                    doc: (file, node),
                    data: &self.data_nodes,
                };
                out.result.outcomes = outcomes
                    .outcomes
                    .into_iter()
                    .map(|o| places.resolve(o))
                    .collect();
                out.result.evaluated = true;
            }
        }
        out
    }

    /// Checks one line of a JSON Lines stream (spans point at a placeholder file
    /// until [`Session::merge`] gives the line a source of its own).
    fn check_line(&self, name: &str, index: usize, n: usize, line: StreamLine) -> DocOutput {
        let doc_name = format!("{name}#{n}");
        let failed = |errors: Vec<Diagnostic>, fragment| DocOutput {
            result: DocumentResult {
                name: doc_name.clone(),
                file: name.to_string(),
                evaluated: false,
                outcomes: Vec::new(),
                tally: Tally::default(),
            },
            errors,
            fragment,
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
                if e.message.starts_with("unexpected end") {
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
    fn check_element(&self, name: &str, element: Element) -> DocOutput {
        let Element {
            index,
            fragment,
            range,
            not_utf8,
        } = element;
        let doc_name = format!("{name}#{index}");
        let failed = |error: Diagnostic, fragment| DocOutput {
            result: DocumentResult {
                name: doc_name.clone(),
                file: name.to_string(),
                evaluated: false,
                outcomes: Vec::new(),
                tally: Tally::default(),
            },
            errors: vec![error],
            fragment: Some(fragment),
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

/// One checked document, before it is merged into the run.
struct DocOutput {
    result: DocumentResult,
    errors: Vec<Diagnostic>,
    /// For a document read as a stream: its text, with where it starts in the
    /// file.
    fragment: Option<Fragment>,
}

impl DocOutput {
    /// Points every span in file `from` at file `to`.
    fn repoint(&mut self, from: FileId, to: FileId) {
        let fix = |span: &mut Span| {
            if span.file == from {
                span.file = to;
            }
        };
        for o in &mut self.result.outcomes {
            if let Some(f) = &mut o.finding {
                if let Some(s) = &mut f.location {
                    fix(s);
                }
                for v in &mut f.values {
                    if let Some(s) = &mut v.location {
                        fix(s);
                    }
                }
            }
        }
        for d in &mut self.errors {
            for l in &mut d.labels {
                fix(&mut l.span);
            }
        }
    }
}

/// Runs `pack` over `inputs`. A pack that did not load gives its diagnostics as
/// errors; documents that cannot be read, parsed or conformed are reported and
/// skipped while the others are evaluated.
pub fn check(pack: &Pack, inputs: &[Input], options: &Options) -> Checked {
    let mut session = match Session::start(pack, options) {
        Ok(session) => session,
        Err(failed) => return failed,
    };
    for input in inputs {
        session.check_input(input, options.input_format);
    }
    session.finish()
}

/// Loads and conforms the pack's default data files, as `validate` does: the
/// problems found, and the sources they point into (the pack's and the data
/// files'). Declarations without a default file are not an error here.
pub fn validate_data(pack: &Pack) -> (Sources, Vec<Diagnostic>) {
    let mut sources = pack.sources.clone();
    let mut errors = Vec::new();
    if let Some(program) = pack.program.as_ref() {
        load_data(
            pack,
            program,
            &[],
            false,
            &Limits::default(),
            &mut sources,
            &mut errors,
        );
    }
    (sources, errors)
}

/// Reads, parses and conforms every `data` declaration's file.
fn load_data(
    pack: &Pack,
    program: &Program,
    overrides: &[(String, PathBuf)],
    missing_is_error: bool,
    limits: &Limits,
    sources: &mut Sources,
    errors: &mut Vec<Diagnostic>,
) -> Vec<(Value, (FileId, Node))> {
    for (name, _) in overrides {
        if !program.data.iter().any(|d| &d.name == name) {
            let names = program.data.iter().map(|d| d.name.as_str());
            let help = match crate::suggest::did_you_mean(name, names.clone()) {
                Some(close) => format!("did you mean `{close}`?"),
                None if program.data.is_empty() => "this pack declares no data".to_string(),
                None => format!(
                    "the pack's data are {}",
                    crate::suggest::list_names(names, 20)
                ),
            };
            errors.push(
                Diagnostic::error(Code::Usage, format!("the pack has no data `{name}`")).help(help),
            );
        }
    }
    let mut out = Vec::new();
    for def in &program.data {
        let path = match overrides.iter().rev().find(|(n, _)| n == &def.name) {
            Some((_, p)) => p.clone(),
            None => match &def.path {
                Some((rel, span)) if pack.embedded_data(rel).is_none() => {
                    let policy_file = pack
                        .sources
                        .get(span.file)
                        .map(|f| PathBuf::from(f.name()))
                        .unwrap_or_default();
                    match crate::pack::default_data_path(&policy_file, rel) {
                        Ok(path) => path,
                        Err(why) => {
                            errors.push(crate::pack::outside_pack(&def.name, *span, why));
                            continue;
                        }
                    }
                }
                Some((rel, _)) => PathBuf::from(rel),
                None if !missing_is_error => continue,
                None => {
                    errors.push(
                        Diagnostic::error(Code::Usage, format!("no data given for `{}`", def.name))
                            .label(def.span, "declared without a default file")
                            .help(format!("give it with `--data {}=PATH`", def.name)),
                    );
                    continue;
                }
            },
        };
        let embedded = match (&def.path, overrides.iter().any(|(n, _)| n == &def.name)) {
            (Some((rel, _)), false) => pack.embedded_data(rel),
            _ => None,
        };
        let read = match embedded {
            Some((name, text)) => Ok((name, text.to_string())),
            None => read_input(&Input::File(path)),
        };
        let (name, text) = match read {
            Ok(read) => read,
            Err(e) => {
                errors.push(e.into_diagnostic(sources));
                continue;
            }
        };
        let file = sources.add(name.clone(), text.as_str());
        let format = Format::from_path(FsPath::new(&name)).unwrap_or(Format::Yaml);
        let node = match format {
            Format::Json => crate::data::json::parse_json_with(&text, 0, limits),
            Format::Yaml => {
                let (mut docs, error) = crate::data::load::parse_yaml_with(&text, limits);
                match (error, docs.len()) {
                    (Some(e), _) => Err(e),
                    (None, 1) => docs
                        .pop()
                        .ok_or_else(|| LoadError::new("the file is empty", 0, 0)),
                    (None, 0) => Err(LoadError::new("the file is empty", 0, 0)),
                    (None, _) => Err(LoadError::new(
                        "a data file holds one YAML document, this one has several",
                        0,
                        0,
                    )),
                }
            }
            Format::Jsonl => Err(LoadError::new(
                "a data file is one JSON or YAML document, not JSON Lines",
                0,
                0,
            )),
        };
        match node {
            Err(e) => errors.push(load_error(&e, file)),
            Ok(node) => match conform_text(&program.schema, &def.ty, &node, file, &text, &def.name)
            {
                Ok(value) => out.push((value, (file, node))),
                Err(e) => errors.extend(e),
            },
        }
    }
    out
}

/// Reads an input file (or standard input) as UTF-8 text.
fn read_input(input: &Input) -> Result<(String, String), Unreadable> {
    let (name, bytes) = read_bytes(input)?;
    decode_input(name, bytes)
}

/// Reads the bytes of an input file (or standard input).
fn read_bytes(input: &Input) -> Result<(String, Vec<u8>), Unreadable> {
    let (name, bytes) = match input {
        Input::Stdin(_) => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .lock()
                .take(MAX_DATA_FILE_BYTES + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| {
                    Diagnostic::error(
                        Code::Io,
                        format!("cannot read standard input: {}", crate::pack::io_reason(&e)),
                    )
                })?;
            ("<stdin>".to_string(), bytes)
        }
        Input::Memory { name, bytes, .. } => (name.clone(), bytes.clone()),
        Input::File(path) => {
            let name = path.display().to_string();
            let bytes = std::fs::read(path).map_err(|e| {
                Diagnostic::error(
                    Code::Io,
                    format!("cannot read `{name}`: {}", crate::pack::io_reason(&e)),
                )
            })?;
            (name, bytes)
        }
    };
    Ok((name, bytes))
}

/// The text of an input read whole, or why it cannot be used.
fn decode_input(name: String, bytes: Vec<u8>) -> Result<(String, String), Unreadable> {
    if bytes.len() as u64 > MAX_DATA_FILE_BYTES {
        return Err(Unreadable::from(
            Diagnostic::error(Code::Limit, format!("`{name}` is larger than 4 GiB"))
                .help("split the batch into several files"),
        ));
    }
    match crate::source::decode_text(bytes) {
        crate::source::Decoded::Text(text) => Ok((name, text)),
        crate::source::Decoded::Utf16 => Err(Unreadable::from(
            Diagnostic::error(Code::Data, format!("`{name}` is UTF-16 text"))
                .help("save the file as UTF-8"),
        )),
        crate::source::Decoded::Invalid { lossy, offset } => Err(Unreadable {
            diagnostic: Diagnostic::error(Code::Data, format!("`{name}` is not UTF-8 text"))
                .help("save the file as UTF-8"),
            text: Some(Box::new((name, lossy, offset))),
        }),
    }
}

/// Up to `size` elements of a streamed array, and what stopped the reading
/// (a broken array, an I/O error) if something did.
fn array_batch(
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
type StreamLine = Result<String, (String, usize)>;

/// Why an input or data file could not be read; for a file that is not UTF-8,
/// its text with the bad bytes replaced, so the error can show where.
struct Unreadable {
    diagnostic: Diagnostic,
    /// The file's name, its text with bad bytes replaced, the first bad byte.
    text: Option<Box<(String, String, usize)>>,
}

impl From<Diagnostic> for Unreadable {
    fn from(diagnostic: Diagnostic) -> Unreadable {
        Unreadable {
            diagnostic,
            text: None,
        }
    }
}

impl Unreadable {
    /// The diagnostic, pointing at the first bad byte when there is one (its
    /// file is added to `sources`).
    fn into_diagnostic(self, sources: &mut Sources) -> Diagnostic {
        match self.text.map(|t| *t) {
            Some((name, lossy, offset)) => {
                let file = sources.add(name, lossy);
                self.diagnostic.label(
                    crate::source::replacement_span(file, offset),
                    "the first byte that is not UTF-8",
                )
            }
            None => self.diagnostic,
        }
    }
}

fn load_error(e: &LoadError, file: FileId) -> Diagnostic {
    let span = Span::new(file, e.start as usize, e.end as usize);
    let mut d = Diagnostic::error(Code::Data, e.message.clone());
    d = d.label(span, e.label.clone().unwrap_or_else(|| "here".to_string()));
    if let Some((start, end, text)) = &e.other {
        d = d.label(
            Span::new(file, *start as usize, *end as usize),
            text.clone(),
        );
    }
    let help = e.help.clone().or_else(|| syntax_help(&e.message));
    d.maybe_help(help)
}

/// Whether text that failed to parse as JSON looks like YAML.
fn looks_like_yaml(text: &str) -> bool {
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    first.starts_with('#') || first.starts_with("---") || first.starts_with("- ") || {
        let key = first.split(": ").next().unwrap_or("");
        first.contains(": ") && !key.starts_with('{') && !key.starts_with('"')
    }
}

/// Help for the syntax errors people make most, when the parser gave none.
fn syntax_help(message: &str) -> Option<String> {
    let closing = message.ends_with("found `}`") || message.ends_with("found `]`");
    if (message.starts_with("expected `,` or `}`") || message.starts_with("expected `,` or `]`"))
        && closing
    {
        Some("a bracket is closed with the wrong kind: `[` pairs with `]`, `{` with `}`".into())
    } else if message.starts_with("expected `,` or `}`")
        || message.starts_with("expected `,` or `]`")
    {
        Some("is a comma missing at the end of the previous value?".into())
    } else if message.contains("mapping values are not allowed") {
        Some("check the indentation of this line, and quote a value that contains `: `".into())
    } else if message.contains("did not find expected key") || message.contains("block mapping") {
        Some("check that the keys of this mapping are indented alike".into())
    } else {
        None
    }
}

/// What is needed to turn paths into places.
struct Places<'a> {
    sources: &'a Sources,
    program: &'a Program,
    doc: (FileId, &'a Node),
    data: &'a [(FileId, Node)],
}

impl Places<'_> {
    fn span_of(&self, path: &Path) -> Option<Span> {
        let (file, root) = match &path.root {
            Root::Input => (self.doc.0, self.doc.1),
            Root::Data(i, _) => {
                let (file, node) = self.data.get(*i as usize)?;
                (*file, node)
            }
            Root::Computed { .. } => return None,
        };
        let node = locate(root, &path.segs)?;
        Some(Span::new(file, node.start as usize, node.end as usize))
    }

    fn resolve(&self, outcome: Outcome) -> ReportedOutcome {
        let finding = outcome.finding.map(|f| {
            let schema = &self.program.schema;
            let values: Vec<FindingValue> = f
                .reads
                .iter()
                .map(|r: &Read| FindingValue {
                    expr: one_line(self.sources.slice(r.span)),
                    value: r.value.to_json(&r.ty, schema),
                    display: shown(&r.value, &r.ty, self.program),
                    location: self.span_of(&r.path),
                })
                .collect();
            let in_doc = |s: &Option<Span>| s.filter(|s| s.file == self.doc.0);
            let error_place = f
                .error
                .as_ref()
                .and_then(|e| e.path.as_ref())
                .and_then(|p| self.span_of(p));
            let location = values
                .iter()
                .find_map(|v| in_doc(&v.location))
                .or_else(|| in_doc(&error_place))
                .or_else(|| in_doc(&self.span_of(&outcome.subject)));
            let computed = f
                .computed
                .iter()
                .map(|c: &Computed| {
                    let expr = one_line(self.sources.slice(c.span));
                    ComputedValue {
                        label: computed_label(&expr, &c.value.display(&c.ty, schema)),
                        value: c.value.to_json(&c.ty, schema),
                        expr,
                        span: c.span,
                    }
                })
                .collect();
            let error = f.error.as_ref().map(|e| e.message.clone());
            let (message, help) = match &f.error {
                // The rule's message, as for a `fail`; without one, the error.
                // The rule's help, else how to let the rule decide.
                Some(e) => (
                    f.message
                        .unwrap_or_else(|| format!("could not be evaluated: {}", e.message)),
                    f.help.or_else(|| e.help.clone()),
                ),
                None => (
                    f.message.unwrap_or_else(|| {
                        let text = f.require.map(|s| self.sources.slice(s)).unwrap_or("");
                        let text = text.strip_prefix("require").unwrap_or(text);
                        format!("`{}` does not hold", one_line(text))
                    }),
                    f.help,
                ),
            };
            Finding {
                message,
                help,
                location,
                policy: f.require.or(f.error.as_ref().map(|e| e.span)),
                error,
                values,
                computed,
            }
        });
        ReportedOutcome {
            rule: outcome.rule,
            subject: outcome.subject.to_string(),
            kind: outcome.kind,
            finding,
        }
    }
}

/// A value as a label on the input shows it: strings and enum members quoted
/// (so that blanks and case are visible), numbers, dates and booleans bare.
fn shown(value: &Value, ty: &crate::check::types::Type, program: &Program) -> String {
    use crate::check::types::Type;
    let text = value.display(ty, &program.schema);
    let text = if text.chars().count() > 80 {
        format!("{}…", text.chars().take(79).collect::<String>())
    } else {
        text
    };
    match ty {
        Type::String | Type::Enum(_) => format!("{text:?}"),
        _ => text,
    }
}

/// A label for a computed sub-value: `sum(…) = 40`, long expressions shortened.
fn computed_label(expr: &str, value: &str) -> String {
    let expr = one_line(expr);
    let short = if expr.chars().count() <= 32 {
        expr
    } else if let Some(open) = expr.find('(') {
        format!("{}(…)", expr.get(..open).unwrap_or(""))
    } else {
        format!("{}…", expr.chars().take(30).collect::<String>())
    };
    let value = if value.chars().count() > 60 {
        format!("{}…", value.chars().take(59).collect::<String>())
    } else {
        value.to_string()
    };
    format!("{short} = {value}")
}

/// An expression's text on one line, runs of whitespace as one space.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The severity of a rule.
pub fn severity_of(program: &Program, rule: usize) -> RuleSeverity {
    program
        .rules
        .get(rule)
        .map_or(RuleSeverity::Error, |r| r.severity)
}

/// The severity of a rule of a loaded pack (`error` when the pack did not load).
pub fn severity_of_program(pack: &Pack, rule: usize) -> RuleSeverity {
    pack.program
        .as_ref()
        .map_or(RuleSeverity::Error, |p| severity_of(p, rule))
}
