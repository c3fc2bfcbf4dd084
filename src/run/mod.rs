//! Stage 5, the run: a loaded pack, its data and settings, and input files in;
//! resolved outcomes and diagnostics out.
//!
//! This is where the stages meet: files are read and split ([`crate::data::load`]),
//! documents conformed ([`crate::data::conform`]), evaluated ([`crate::eval`]),
//! and each finding's paths resolved to places in the files
//! ([`crate::data::locate`]) while the document's tree is still at hand. What comes
//! out ([`Checked`]) holds everything a report needs, so reports never evaluate.

mod input;
mod places;
pub mod settings;
mod stream;

use self::input::*;
use self::places::*;

use std::io::Read as _;
use std::path::{Path as FsPath, PathBuf};

use serde_json::Value as Json;

use crate::data::array_stream::{ArrayScanner, Broken, Element, Fragment, Item};
use crate::data::conform::conform_text;
use crate::data::load::{Format, split_with};
use crate::data::locate::locate;
use crate::data::node::{LoadError, Node};
use crate::diagnostic::{Code, Diagnostic};
use crate::eval::trace::{Computed, Read};
use crate::eval::{Evaluator, Keep, Outcome, OutcomeKind, Tally};
use crate::limits::Limits;
use crate::model::path::{Path, Root};
use crate::model::program::Program;
use crate::model::program::RuleSeverity;
use crate::model::value::Value;
use crate::pack::Pack;
use crate::source::{FileId, SourceFile, Sources, Span};

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
        out = out.prepared();
        let mut fragment = None;
        if let Some(file) = out.source.take() {
            let id = self.sources.add_file(file);
            out.repoint(FileId::NONE, id);
            fragment = Some(id);
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

    /// Checks every input, in order.
    pub fn check_inputs(&mut self, inputs: &[Input], input_format: Option<Format>) {
        for input in inputs {
            self.check_input(input, input_format);
        }
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
                let reader = std::io::BufReader::with_capacity(1 << 20, stdin);
                return self.check_jsonl_stream(reader, "<stdin>");
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
                        } else if format == Format::Jsonl && e.kind == crate::data::node::LoadErrorKind::UnexpectedEnd {
                            d.message = d.message.replace("end of the file", "end of the line");
                            d.help = Some(
                                "JSON Lines needs each document whole on one line; a document over several lines belongs in a `.json` file".into(),
                            );
                        }
                        if numbered {
                            d.message = format!("{doc_name}: {}", d.message);
                        }
                        DocOutput::unread(doc_name, &name, vec![d], None)
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
        let mut out = DocOutput::unread(name, file_name, Vec::new(), None);
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
}

/// One checked document, before it is merged into the run.
struct DocOutput {
    result: DocumentResult,
    errors: Vec<Diagnostic>,
    /// For a document read as a stream: its text, with where it starts in the
    /// file.
    fragment: Option<Fragment>,
    /// The fragment as a source file, once [`DocOutput::prepared`].
    source: Option<SourceFile>,
}

impl DocOutput {
    /// A document that was not evaluated, for these reasons.
    fn unread(
        name: String,
        file: &str,
        errors: Vec<Diagnostic>,
        fragment: Option<Fragment>,
    ) -> DocOutput {
        DocOutput {
            result: DocumentResult {
                name,
                file: file.to_string(),
                evaluated: false,
                outcomes: Vec::new(),
                tally: Tally::default(),
            },
            errors,
            fragment,
            source: None,
        }
    }

    /// Makes the fragment a source file when something points into it, and
    /// drops it otherwise. Done on the worker that checked the document, so
    /// that scanning its lines is not left to the thread that merges.
    fn prepared(mut self) -> DocOutput {
        if let Some(f) = self.fragment.take() {
            let needed =
                !self.errors.is_empty() || self.result.outcomes.iter().any(|o| o.finding.is_some());
            if needed {
                let name = self.result.file.clone();
                self.source = Some(SourceFile::fragment(
                    name,
                    f.text,
                    f.first_line,
                    f.first_column,
                ));
            }
        }
        self
    }

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
    session.check_inputs(inputs, options.input_format);
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
