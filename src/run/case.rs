//! Checking documents made of directories (`preflight check cases/*/`): each
//! directory is read on the session's thread (its files become sources of the
//! run), then parsed, conformed, evaluated and resolved on all threads, and
//! merged in the order given, like the documents of one file.

use std::path::PathBuf;
use std::sync::Arc;

use crate::data::case_dir::{case_name, read_case_dir};
use crate::data::load::parse_data_file;
use crate::data::read::load_error;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::types::Type;
use crate::source::FileId;

use super::document::DocOutput;
use super::provenance::InputDigest;
use super::session::Session;
use super::sink::Sink;

/// How many directories are read before they are checked together: enough to
/// keep every thread busy, few enough that a batch of thousands of cases does
/// not hold all their files at once.
const DIRECTORIES_PER_BATCH: usize = 64;

/// One directory, read: its name, the files it gives (field, file, name, text),
/// and what reading it found.
type ReadCase = (
    String,
    Vec<(u32, FileId, String, Arc<str>)>,
    Vec<Diagnostic>,
);

impl<S: Sink> Session<'_, S> {
    /// Checks each directory as one document, in order.
    pub fn check_case_dirs(&mut self, dirs: &[PathBuf]) {
        let program = self.checker.program;
        let record = match &program.input.ty {
            Type::Record(id) => program.schema.record(*id),
            _ => None,
        };
        let Some(record) = record else {
            for dir in dirs {
                self.report(
                    Diagnostic::error(
                        Code::Usage,
                        format!(
                            "`{}` is a directory, but the pack's input is not a record",
                            case_name(dir)
                        ),
                    )
                    .help("a directory is read as one document with a file per field of the input record"),
                );
            }
            return;
        };
        use rayon::prelude::*;
        let hash = self.hash_inputs;
        for chunk in dirs.chunks(DIRECTORIES_PER_BATCH) {
            // Reading is I/O and decoding: on all threads too; registering the
            // files in the run's sources is in order.
            let read: Vec<_> = chunk
                .par_iter()
                .map(|dir| (case_name(dir), read_case_dir(dir, record, hash)))
                .collect();
            let mut cases: Vec<ReadCase> = Vec::with_capacity(chunk.len());
            for (name, case) in read {
                let mut problems = case.problems;
                for u in case.unreadable {
                    problems.push(u.into_diagnostic(&mut self.sources));
                }
                let files = case
                    .files
                    .into_iter()
                    .map(|f| {
                        if self.hash_inputs
                            && let Some(sha256) = f.sha256
                        {
                            self.provenance.inputs.push(InputDigest {
                                file: f.name.clone(),
                                sha256,
                            });
                        }
                        let text: Arc<str> = Arc::from(f.text);
                        let id = self.sources.add(f.name.clone(), Arc::clone(&text));
                        (f.field, id, f.name, text)
                    })
                    .collect();
                cases.push((name, files, problems));
            }
            let checker = &self.checker;
            let outputs: Vec<DocOutput> = cases
                .into_par_iter()
                .map(|(name, files, mut errors)| {
                    let mut trees = Vec::with_capacity(files.len());
                    for (field, file, file_name, text) in &files {
                        match parse_data_file(file_name, text, &checker.limits) {
                            Ok(node) => trees.push((*field, *file, node)),
                            Err(e) => errors.push(load_error(&e, *file)),
                        }
                    }
                    if errors.iter().any(Diagnostic::is_error) {
                        return DocOutput::unread(name.clone(), &name, errors, None);
                    }
                    let texts: Vec<&str> = files.iter().map(|(_, _, _, t)| &**t).collect();
                    checker.evaluate_case(&trees, &texts, name, errors)
                })
                .collect();
            for out in outputs {
                self.merge(out);
            }
        }
    }
}
