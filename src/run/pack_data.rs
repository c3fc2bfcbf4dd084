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
use crate::model::digest::PackDigest;
use crate::model::program::Program;
use crate::model::value::Value;
use crate::pack::Pack;
use crate::source::{FileId, Sources};

/// Loads and conforms the pack's default data files, as `validate` does: the
/// problems found, the sources they point into (the pack's and the data
/// files'), and the pack's digest over its policy files and those data files
/// (`None` when a file could not be read or the pack did not load).
/// Declarations without a default file are not an error here.
pub fn validate_data(pack: &Pack) -> (Sources, Vec<Diagnostic>, Option<PackDigest>) {
    let mut sources = pack.sources.clone();
    let mut errors = Vec::new();
    let mut digest = None;
    if let Some(program) = pack.program.as_ref() {
        let data = load_data(
            pack,
            program,
            &[],
            false,
            &Limits::default(),
            &mut sources,
            &mut errors,
        );
        if !errors.iter().any(|e| e.code == Code::Io) {
            digest = Some(pack_digest(pack, &sources, &data));
        }
    }
    (sources, errors, digest)
}

/// A data file read for a `data` declaration.
pub(crate) struct LoadedData {
    /// Its value, conformed to the declared type.
    pub(crate) value: Value,
    /// Its text's id in the run's sources.
    pub(crate) file: FileId,
    /// Its parsed tree, to find the places of values read from it.
    pub(crate) node: Node,
    /// How the pack digest names it: its path as the pack declares it, or
    /// the file name of a `--data` file.
    pub(crate) digest_name: String,
}

/// The digest of a pack with the data files a run reads, in the canonical
/// form of [`PackDigest::of`].
pub(crate) fn pack_digest(pack: &Pack, sources: &Sources, data: &[LoadedData]) -> PackDigest {
    let policy = pack
        .sources
        .iter()
        .map(|(_, f)| (file_name(f.name()), f.text()));
    let data = data.iter().filter_map(|d| {
        let text = sources.get(d.file)?.text();
        Some((d.digest_name.clone(), text))
    });
    PackDigest::of(policy.chain(data))
}

/// The last component of a path written with either separator: how the
/// digest names a policy file (packs are flat directories).
fn file_name(path: &str) -> String {
    path.rsplit(['/', '\\']).next().unwrap_or(path).to_string()
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
) -> Vec<LoadedData> {
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
        let overridden = overrides.iter().rev().find(|(n, _)| n == &def.name);
        let digest_name = match (overridden, &def.path) {
            (Some((_, p)), _) => p
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
            (None, Some((rel, _))) => {
                let rel = rel.replace('\\', "/");
                rel.strip_prefix("./").unwrap_or(&rel).to_string()
            }
            (None, None) => String::new(),
        };
        let path = match overridden {
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
                    out.push(LoadedData {
                        value,
                        file,
                        node,
                        digest_name,
                    });
                }
                Err(e) => errors.extend(e),
            },
        }
    }
    out
}
