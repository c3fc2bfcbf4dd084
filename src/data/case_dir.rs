//! A document made of several files: a directory holding one file per field of
//! the pack's input record (`transfer.json`, `subscriptions.yaml`,
//! `customer.json`), the way real cases arrive as several exports.
//!
//! This module decides which files of a directory are read and reads them; it
//! does not parse them (each is parsed by its extension, like any input file,
//! by the caller). Its rules: a file directly inside the directory whose stem is
//! a field name is that field's value; hidden files and sub-directories are
//! ignored; any other file is an error with "did you mean"; two files for one
//! field are an error; a required field without a file is an error naming the
//! file to add; a symbolic link that leads out of the directory is an error
//! and is not followed; an empty directory is an error. Nothing else in the
//! directory is read.

use std::path::{Path, PathBuf};

use super::format::Format;
use super::hashing::{self, DigestSlot};
use super::read::{Input, Unreadable, read_input_hashed};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::digest::Sha256Hex;
use crate::model::types::RecordDef;
use crate::suggest::did_you_mean;

/// One file of a case directory, read.
#[derive(Debug)]
pub struct CaseFile {
    /// The position of the field it gives a value to.
    pub field: u32,
    /// The name reports give it (the directory's path joined with its name).
    pub name: String,
    /// Its text, decoded.
    pub text: String,
    /// The SHA-256 of its bytes, for the run's provenance (when asked for).
    pub sha256: Option<Sha256Hex>,
}

/// A case directory, read: the files of the fields it has, in field order,
/// and the problems found (when there is any error, the case is not checked).
#[derive(Default)]
pub struct CaseDir {
    /// The files read, in the order of the record's fields.
    pub files: Vec<CaseFile>,
    /// What is wrong with the directory or its files.
    pub problems: Vec<Diagnostic>,
    /// Files that could not be read (their diagnostic needs the run's sources
    /// to point at a byte that is not UTF-8).
    pub unreadable: Vec<Unreadable>,
}

/// The extensions a case file may have, in the order they are named in help.
const EXTENSIONS: [&str; 3] = ["json", "yaml", "yml"];

/// The name of the document a case directory is: its path as given, without
/// trailing separators, so that `cases/a/` (what a shell's `cases/*/` gives) and
/// `cases/a` name the same document in every report and baseline.
pub fn case_name(dir: &Path) -> String {
    let shown = dir.display().to_string();
    let trimmed = shown.trim_end_matches(std::path::is_separator);
    if trimmed.is_empty() {
        shown
    } else {
        trimmed.to_string()
    }
}

/// Reads the case directory `dir` for the input record `record`; with `hash`,
/// the SHA-256 of each file read too (for the provenance).
pub fn read_case_dir(dir: &Path, record: &RecordDef, hash: bool) -> CaseDir {
    let mut out = CaseDir::default();
    let shown = case_name(dir);
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            out.problems.push(Diagnostic::error(
                Code::Io,
                format!(
                    "cannot read the directory `{shown}`: {}",
                    crate::source::io_reason(&e)
                ),
            ));
            return out;
        }
    };
    let root = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let mut found: Vec<(u32, PathBuf)> = Vec::new();
    // Fields a file was meant for although it is not read (a misspelt name, a
    // link out of the directory): their absence is not reported again.
    let mut claimed: Vec<u32> = Vec::new();
    let mut any_file = false;
    let mut names: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    names.sort();
    for path in names {
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if file_name.starts_with('.') {
            continue;
        }
        let is_link = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
        if is_link {
            let inside = std::fs::canonicalize(&path).is_ok_and(|target| target.starts_with(&root));
            if !inside {
                out.problems.push(
                    Diagnostic::error(
                        Code::Io,
                        format!(
                            "`{}` is a symbolic link that leads out of the case directory `{shown}`",
                            path.display()
                        ),
                    )
                    .help("a case directory is read on its own: copy the file into it instead of linking to it"),
                );
                if let Some(stem) = path.file_stem().map(|s| s.to_string_lossy())
                    && let Some((index, _)) = record.field(&stem)
                {
                    claimed.push(index);
                }
                any_file = true;
                continue;
            }
        }
        if path.is_dir() {
            continue;
        }
        any_file = true;
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        match record.field(&stem) {
            Some((index, _)) if EXTENSIONS.contains(&ext.as_str()) => {
                if let Some((_, first)) = found.iter().find(|(i, _)| *i == index) {
                    out.problems.push(
                        Diagnostic::error(
                            Code::Data,
                            format!(
                                "`{shown}` has two files for `{stem}`: `{}` and `{}`",
                                file_of(first),
                                file_name
                            ),
                        )
                        .help(format!(
                            "keep one file per field: remove one of the two `{stem}` files"
                        )),
                    );
                } else {
                    found.push((index, path.clone()));
                }
            }
            Some(_) => out.problems.push(
                Diagnostic::error(
                    Code::Usage,
                    format!("`{}`: a case file is JSON or YAML", path.display()),
                )
                .help(format!(
                    "name it `{stem}.json`, `{stem}.yaml` or `{stem}.yml`"
                )),
            ),
            None => {
                let fields = record.fields.iter().map(|f| f.name.as_str());
                let close = did_you_mean(&stem, fields);
                if let Some((index, _)) = close.and_then(|c| record.field(c)) {
                    claimed.push(index);
                }
                let help = match close {
                    Some(close) => format!(
                        "did you mean `{close}.{}`? each file of a case is named after a field of `{}`",
                        if ext.is_empty() { "json" } else { ext.as_str() },
                        record.name
                    ),
                    None => format!(
                        "each file of a case is named after a field of `{}`: {}",
                        record.name,
                        crate::suggest::list_names(
                            record.fields.iter().map(|f| f.name.as_str()),
                            20
                        )
                    ),
                };
                out.problems.push(
                    Diagnostic::error(
                        Code::Data,
                        format!("`{}` is not a field of `{}`", path.display(), record.name),
                    )
                    .help(help),
                );
            }
        }
    }
    if !any_file {
        out.problems.push(
            Diagnostic::error(Code::Data, format!("the case directory `{shown}` is empty")).help(
                format!(
                    "a case directory holds one file per field of `{}`, e.g. `{}.json`",
                    record.name,
                    record.fields.first().map_or("field", |f| f.name.as_str())
                ),
            ),
        );
        return out;
    }
    for (i, field) in record.fields.iter().enumerate() {
        let index = u32::try_from(i).unwrap_or(u32::MAX);
        if !field.optional && !found.iter().any(|(f, _)| *f == index) && !claimed.contains(&index) {
            out.problems.push(
                Diagnostic::error(
                    Code::Data,
                    format!(
                        "the case directory `{shown}` has no file for `{}`",
                        field.name
                    ),
                )
                .help(format!(
                    "add `{}.json` or `.yaml`: `{}` is a required field of `{}`",
                    field.name, field.name, record.name
                )),
            );
        }
    }
    found.sort_by_key(|(i, _)| *i);
    for (field, path) in found {
        let slot = DigestSlot::default();
        match read_input_hashed(&Input::File(path), hash.then_some(&slot)) {
            Ok((name, text)) => out.files.push(CaseFile {
                field,
                name,
                text,
                sha256: hashing::take(&slot),
            }),
            Err(e) => out.unreadable.push(e),
        }
    }
    out
}

/// The file name of a path, for messages.
fn file_of(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Whether `format` is one a case file may have.
pub fn is_case_format(format: Format) -> bool {
    matches!(format, Format::Json | Format::Yaml)
}
