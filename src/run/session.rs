//! A session: a pack with its settings applied and its data loaded, checking
//! inputs one after another and handing what it finds to its [`Sink`].
//! Documents of a file are checked on all threads and merged in input order.

use std::path::PathBuf;

use crate::data::format::Format;
use crate::data::hashing::{self, DigestSlot};
use crate::data::load::{Split, split_with};
use crate::data::node::Node;
use crate::data::read::{Input, load_error, looks_like_yaml, read_input_hashed};
use crate::diagnostic::{Code, Diagnostic};
use crate::eval::{Evaluator, Keep, Tally};
use crate::limits::Limits;
use crate::model::value::Value;
use crate::pack::Pack;
use crate::source::{FileId, Sources};

use super::document::{Checker, DocOutput};
use super::pack_data::{load_data, pack_digest};
use super::provenance::{InputDigest, Provenance};
use super::result::Checked;
use super::settings;
use super::sink::{Collect, Sink};

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
    /// Whether to compute each input file's SHA-256 for the provenance
    /// (the forms that show it ask for it; the others need not pay for it).
    pub hash_inputs: bool,
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
            hash_inputs: false,
        }
    }
}

/// A pack ready to check documents: its settings applied and its data loaded.
/// Made once per run ([`Session::start`]); then any number of documents can be
/// checked ([`Session::check_node`]), as `check` does for files and `preflight
/// test` for the inputs of its test cases. What it finds goes to its [`Sink`].
pub struct Session<'p, S: Sink = Collect> {
    pub(super) checker: Checker<'p>,
    /// Every file read, for reports.
    pub sources: Sources,
    /// Where problems and documents go.
    pub sink: S,
    /// Outcomes of every document so far.
    pub tally: Tally,
    /// What the run is made of, for reports (the inputs grow as they are
    /// read).
    pub provenance: Provenance,
    /// Whether input files are hashed as they are read.
    pub(super) hash_inputs: bool,
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
        if errors.iter().any(Diagnostic::is_error) {
            return Err(Checked::failed(sources, errors));
        }
        // What is left are warnings (near misses in data files): shown, not fatal.
        let warnings = errors;
        let provenance = Provenance {
            tool: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
            pack: pack.name(),
            digest: pack_digest(pack, &sources, &data),
            params: program
                .params
                .iter()
                .zip(&params)
                .map(|(def, value)| (def.name.clone(), value.to_json(&def.ty, &program.schema)))
                .collect(),
            today: today.to_string(),
            inputs: Vec::new(),
        };
        let (data_values, data_nodes): (Vec<Value>, Vec<(FileId, Node)>) = data
            .into_iter()
            .map(|d| (d.value, (d.file, d.node)))
            .unzip();
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
            sink: Collect {
                errors: warnings,
                documents: Vec::new(),
            },
            tally: Tally::default(),
            provenance,
            hash_inputs: options.hash_inputs,
        })
    }

    /// The same session, sending what it finds to `sink` from now on.
    pub fn with_sink<T: Sink>(self, mut sink: T) -> Session<'p, T> {
        // The warnings found while loading the data files.
        for warning in self.sink.errors {
            sink.error(&self.sources, warning);
        }
        Session {
            checker: self.checker,
            sources: self.sources,
            sink,
            tally: self.tally,
            provenance: self.provenance,
            hash_inputs: self.hash_inputs,
        }
    }

    /// The run's date: `--today`, or the system's.
    pub fn today(&self) -> jiff::civil::Date {
        self.checker.evaluator.today
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
    pub fn report(&mut self, error: Diagnostic) {
        self.sink.error(&self.sources, error);
    }

    /// A slot for the digest of the next input, when inputs are hashed.
    pub(super) fn digest_slot(&self) -> Option<DigestSlot> {
        self.hash_inputs.then(DigestSlot::default)
    }

    /// Records the digest an input's reader left in its slot.
    pub(super) fn record_input(&mut self, file: &str, slot: Option<&DigestSlot>) {
        if let Some(sha256) = slot.and_then(hashing::take) {
            self.provenance.inputs.push(InputDigest {
                file: file.to_string(),
                sha256,
            });
        }
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
    /// pointed at it. The worker that checked a streamed document has made
    /// that source already ([`DocOutput::prepared`]).
    pub(super) fn merge(&mut self, mut out: DocOutput) {
        let mut fragment = None;
        if let Some(file) = out.source.take() {
            let id = self.sources.add_file(file);
            out.repoint(FileId::NONE, id);
            fragment = Some(id);
        }
        let name = &out.result.name;
        for mut d in out.errors {
            d.document = Some(name.as_str().into());
            self.sink.error(&self.sources, d);
        }
        self.tally.merge(out.result.tally);
        self.sink.document(&self.sources, out.result);
        if !self.sink.keeps_spans()
            && let Some(id) = fragment
        {
            self.sources.forget_last(id);
        }
    }

    /// Checks every input, in order. Consecutive directories are checked
    /// together, in parallel (each is one document).
    pub fn check_inputs(&mut self, inputs: &[Input], input_format: Option<Format>) {
        let mut dirs = Vec::new();
        for input in inputs {
            match input {
                Input::File(path) if path.is_dir() => dirs.push(path.clone()),
                _ => {
                    self.check_case_dirs(&std::mem::take(&mut dirs));
                    self.check_input(input, input_format);
                }
            }
        }
        self.check_case_dirs(&dirs);
    }

    /// Reads, splits and checks every document of an input. The input's format
    /// is decided once: JSON Lines and JSON arrays are read as streams
    /// (`stream.rs`), anything else whole.
    pub fn check_input(&mut self, input: &Input, input_format: Option<Format>) {
        if let Input::File(path) = input
            && path.is_dir()
        {
            return self.check_case_dirs(std::slice::from_ref(path));
        }
        let format = input.format(input_format);
        let read = match format {
            Ok(Format::Jsonl) => return self.check_jsonl_input(input),
            // A JSON array is read as a stream; anything else is read whole.
            Ok(Format::Json) => match self.check_json_array(input) {
                Some(read) => read,
                None => return,
            },
            // A file whose name does not say its format is still read first:
            // a file that cannot be read is the problem to report.
            Ok(Format::Yaml) | Err(_) => {
                let slot = self.digest_slot();
                let read = read_input_hashed(input, slot.as_ref());
                self.record_input(&input.name(), slot.as_ref());
                read
            }
        };
        let (name, text) = match read {
            Ok(read) => read,
            Err(e) => {
                let d = e.into_diagnostic(&mut self.sources);
                self.report(d);
                return;
            }
        };
        let format = match format {
            Ok(format) => format,
            Err(usage) => {
                self.report(usage);
                return;
            }
        };
        let file = self.sources.add(name.clone(), text.as_str());
        let parts = if text.trim_start_matches('\u{feff}').trim().is_empty() {
            Split {
                docs: Vec::new(),
                numbered: false,
            }
        } else {
            split_with(&text, format, &self.checker.limits)
        };
        if parts.docs.is_empty() {
            // (JSON Lines never gets here: it is read as a stream.)
            let help = "an input file holds one document (an object) or an array of them";
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
