//! The pack's data files: which file each `data` declaration reads (an
//! override, the default beside the policy, or the copy embedded in the
//! binary), read and conformed once per run.

use std::path::PathBuf;

use crate::data::conform::conform_text;
use crate::data::load::parse_data_file;
use crate::data::node::Node;
use crate::data::read::{Input, load_error, read_input};
use crate::diagnostic::{Code, Diagnostic};
use crate::limits::Limits;
use crate::model::program::Program;
use crate::model::value::Value;
use crate::pack::Pack;
use crate::source::{FileId, Sources};

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
pub(super) fn load_data(
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
        let node = parse_data_file(&name, &text, limits);
        match node {
            Err(e) => errors.push(load_error(&e, file)),
            Ok(node) => match conform_text(&program.schema, &def.ty, &node, file, &text, &def.name)
            {
                Ok((value, warnings)) => {
                    errors.extend(warnings);
                    out.push((value, (file, node)));
                }
                Err(e) => errors.extend(e),
            },
        }
    }
    out
}
