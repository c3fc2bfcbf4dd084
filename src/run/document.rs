//! Checking one document: conforming it to the input type, evaluating the
//! rules, and resolving each finding's places while its tree is at hand. Done
//! on worker threads; the session merges the results in input order.

use crate::data::array_stream::Fragment;
use crate::data::conform::conform_text;
use crate::data::node::Node;
use crate::diagnostic::Diagnostic;
use crate::eval::{Evaluator, Keep, Tally};
use crate::limits::Limits;
use crate::model::program::Program;
use crate::model::types::Type;
use crate::model::value::Value;
use crate::pack::Pack;
use crate::source::{FileId, SourceFile, Span};

use super::places::{DocTree, Places};
use super::result::DocumentResult;

/// What checks one document; shared by the threads that check documents, while
/// the [`Session`] that owns it merges their results in input order.
pub(super) struct Checker<'p> {
    pub(super) pack: &'p Pack,
    pub(super) program: &'p Program,
    pub(super) evaluator: Evaluator<'p>,
    pub(super) data_nodes: Vec<(FileId, Node)>,
    pub(super) keep: Keep,
    pub(super) limits: Limits,
}

impl<'p> Checker<'p> {
    /// Checks one document without touching the session, so that documents can
    /// be checked on several threads and merged in input order afterwards.
    pub(super) fn evaluate_document(
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
            Err(e) => out.errors = prefixed(e, &out.result.name, prefix),
            Ok((value, warnings)) => {
                out.errors = prefixed(warnings, &out.result.name, prefix);
                let outcomes = self.evaluator.evaluate(&value, self.keep);
                out.result.tally = outcomes.tally;
                out.result.title = outcomes.title;
                let places = Places {
                    sources: &self.pack.sources,
                    program,
                    doc: DocTree::One(file, node),
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

impl Checker<'_> {
    /// Checks a document made of a directory: `files` holds, per field that has
    /// a file, the field's position, the file, its text and its tree; `errors`
    /// what reading the directory found (warnings only, or the document would
    /// not be checked).
    pub(super) fn evaluate_case(
        &self,
        files: &[(u32, FileId, Node)],
        texts: &[&str],
        name: String,
        mut errors: Vec<Diagnostic>,
    ) -> DocOutput {
        let program = self.program;
        let record = match &program.input.ty {
            Type::Record(id) => program.schema.record(*id),
            _ => None,
        };
        let Some(record) = record else {
            return DocOutput::unread(name.clone(), &name, errors, None);
        };
        let mut slots: Vec<Option<Value>> = vec![None; record.fields.len()];
        let mut failed = false;
        for ((field, file, node), text) in files.iter().zip(texts) {
            let Some(def) = record.fields.get(*field as usize) else {
                continue;
            };
            let what = format!("{}.{}", program.input.name, def.name);
            match conform_text(&program.schema, &def.ty, node, *file, text, &what) {
                Ok((value, warnings)) => {
                    errors.extend(warnings);
                    if let Some(slot) = slots.get_mut(*field as usize) {
                        *slot = Some(value);
                    }
                }
                Err(e) => {
                    failed = true;
                    errors.extend(e);
                }
            }
        }
        let mut out = DocOutput::unread(name.clone(), &name, errors, None);
        if failed {
            return out;
        }
        let value = Value::Record(std::sync::Arc::from(slots));
        let outcomes = self.evaluator.evaluate(&value, self.keep);
        out.result.tally = outcomes.tally;
        out.result.title = outcomes.title;
        let places = Places {
            sources: &self.pack.sources,
            program,
            doc: DocTree::Fields(files),
            data: &self.data_nodes,
        };
        out.result.outcomes = outcomes
            .outcomes
            .into_iter()
            .map(|o| places.resolve(o))
            .collect();
        out.result.evaluated = true;
        out
    }
}

/// The diagnostics of a document, each message prefixed with the document's
/// name when the input holds several documents.
fn prefixed(diagnostics: Vec<Diagnostic>, doc: &str, prefix: bool) -> Vec<Diagnostic> {
    diagnostics
        .into_iter()
        .map(|mut d| {
            if prefix {
                d.message = format!("{doc}: {}", d.message);
            }
            d
        })
        .collect()
}

/// One checked document, before it is merged into the run.
pub(super) struct DocOutput {
    pub(super) result: DocumentResult,
    pub(super) errors: Vec<Diagnostic>,
    /// For a document read as a stream: its text, with where it starts in the
    /// file.
    pub(super) fragment: Option<Fragment>,
    /// The fragment as a source file, once [`DocOutput::prepared`].
    pub(super) source: Option<SourceFile>,
}

impl DocOutput {
    /// A document that was not evaluated, for these reasons.
    pub(super) fn unread(
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
                title: None,
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
    pub(super) fn prepared(mut self) -> DocOutput {
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
    pub(super) fn repoint(&mut self, from: FileId, to: FileId) {
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
