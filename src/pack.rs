//! Loading a policy pack from disk: the files, in order, parsed and checked.
//!
//! This is the library's front door: [`Pack::load`] gives the checked
//! [`Program`] (or every diagnostic explaining why there is none) together with
//! the [`Sources`] the diagnostics point into. A caller loads a pack once and can
//! then check any number of documents against it.

use std::path::{Path, PathBuf};

use crate::check;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::program::Program;
use crate::source::{
    Decoded, FileId, MAX_POLICY_FILE_BYTES, SourceFile, Sources, Span, decode_text,
};
use crate::syntax;
use crate::syntax::ast;

/// A loaded pack: its sources, its diagnostics and, when it has no errors, its
/// checked program.
#[derive(Debug)]
pub struct Pack {
    /// Every policy file read, for rendering diagnostics.
    pub sources: Sources,
    /// The checked program; `None` when any error was found.
    pub program: Option<Program>,
    /// Errors and warnings, in file order.
    pub diagnostics: Vec<Diagnostic>,
    /// The pack roots as given (directories or single files), in order; `data`
    /// paths are relative to the directory of the pack that declares them.
    pub roots: Vec<PathBuf>,
    /// Default data paths as declared, kept even when the pack has errors so
    /// that a missing file is reported together with them.
    default_data: Vec<DefaultData>,
    /// For a pack compiled into the binary: how its files are named in
    /// reports, and its files, where its default data files are found instead
    /// of on disk.
    embedded: Option<(String, &'static [(&'static str, &'static str)])>,
}

/// The packs compiled into the binary (see `build.rs`): every directory of
/// `policies/`.
mod builtin_packs {
    include!(concat!(env!("OUT_DIR"), "/builtin_packs.rs"));
}

/// How the files of the embedded default pack are named in reports: not a path
/// on disk, since the pack is inside the binary.
pub const EMBEDDED_PREFIX: &str = "<default pack>";

/// The embedded pack used when no `-p` is given.
pub const DEFAULT_PACK: &str = "csp";

/// What `-p` is given to name an embedded pack: `-p builtin:csp-nce`.
pub const BUILTIN_SCHEME: &str = "builtin:";

/// The names of the embedded packs, in byte order.
pub fn builtin_names() -> impl Iterator<Item = &'static str> + Clone {
    builtin_packs::PACKS.iter().map(|(name, _)| *name)
}

/// One line about an embedded pack, for `preflight packs`: the first sentence
/// of the file comment (`////`) of its `schema.policy`, or else of the first
/// of its files that has one.
pub fn builtin_description(name: &str) -> String {
    let Some((_, files)) = builtin_packs::PACKS.iter().find(|(n, _)| *n == name) else {
        return String::new();
    };
    let comment = |text: &str| {
        let lines: Vec<&str> = text
            .lines()
            .map(str::trim_start)
            .skip_while(|l| l.is_empty())
            .take_while(|l| l.starts_with("////"))
            .map(|l| l.trim_start_matches('/').trim())
            .take_while(|l| !l.is_empty())
            .collect();
        let joined = lines.join(" ");
        match joined.find(". ") {
            Some(end) => joined.get(..=end).unwrap_or(&joined).to_string(),
            None => joined,
        }
    };
    let schema = files.iter().find(|(f, _)| *f == "schema.policy");
    schema
        .into_iter()
        .chain(files.iter().filter(|(f, _)| f.ends_with(".policy")))
        .map(|(_, text)| comment(text))
        .find(|c| !c.is_empty())
        .unwrap_or_default()
}

/// `data NAME: T = "PATH"`, as written.
#[derive(Debug, Clone)]
struct DefaultData {
    name: String,
    path: String,
    span: Span,
}

impl Pack {
    /// Loads and checks one or more packs as one namespace (what `-p A -p B`
    /// means). Each path is a directory (its `.policy` files, not sub-directories,
    /// in byte order of file name) or a single `.policy` file.
    pub fn load(paths: &[PathBuf]) -> Pack {
        let mut sources = Sources::new();
        let mut diagnostics = Vec::new();
        // Files that are not UTF-8: shown (bad bytes replaced) after checking,
        // so that the error can point at the first bad byte.
        let mut not_utf8 = Vec::new();
        for path in paths {
            for file in policy_files(path, &mut diagnostics) {
                let display = file.display().to_string();
                let read = read_policy(&file);
                if let Some(problem) = unreadable_policy(&display, &read) {
                    if let Ok(Decoded::Invalid { lossy, offset }) = read {
                        not_utf8.push((diagnostics.len(), display, lossy, offset));
                    }
                    diagnostics.push(problem);
                } else if let Ok(Decoded::Text(text)) = read {
                    sources.add(display, text);
                }
            }
        }
        let mut pack = Pack::check_sources(sources, diagnostics, paths.to_vec());
        for (index, name, lossy, offset) in not_utf8 {
            let file = pack.sources.add(name, lossy);
            if let Some(d) = pack.diagnostics.get_mut(index) {
                d.labels.push(crate::diagnostic::Label {
                    span: crate::source::replacement_span(file, offset),
                    text: Some("the first byte that is not UTF-8".into()),
                });
            }
        }
        pack
    }

    /// Loads a pack from text held in memory, e.g. a pack compiled into the
    /// binary or a policy in a test. `files` are `(name, text)` pairs, used in the
    /// order given.
    pub fn from_texts<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> Pack {
        let mut sources = Sources::new();
        for (name, text) in files {
            sources.add(name, text);
        }
        Pack::check_sources(sources, Vec::new(), Vec::new())
    }

    /// The default CSP transfer pack compiled into the binary (`policies/csp/`),
    /// used by every command when no `-p` is given. Its data files come from the
    /// binary too.
    pub fn embedded() -> Pack {
        Pack::from_builtin(DEFAULT_PACK, EMBEDDED_PREFIX.to_string())
    }

    /// The embedded pack `name` (`-p builtin:NAME`), its files named
    /// `<builtin:NAME>/…` in reports; a pack that failed with the embedded
    /// names when there is none of that name.
    pub fn builtin(name: &str) -> Pack {
        if !builtin_names().any(|n| n == name) {
            let names = builtin_names();
            let help = match crate::suggest::did_you_mean(name, names.clone()) {
                Some(close) => format!(
                    "did you mean `{BUILTIN_SCHEME}{close}`? (`preflight packs` lists them)"
                ),
                None => format!(
                    "the embedded packs are {}; `preflight packs` lists them",
                    crate::suggest::list_names(names, 20)
                ),
            };
            return Pack::failed(
                Diagnostic::error(
                    Code::Usage,
                    format!("no pack `{name}` is embedded in this build"),
                )
                .help(help),
            );
        }
        Pack::from_builtin(name, format!("<{BUILTIN_SCHEME}{name}>"))
    }

    fn from_builtin(name: &str, prefix: String) -> Pack {
        let files = builtin_packs::PACKS
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(&[][..], |(_, files)| *files);
        if files.is_empty() {
            return Pack::failed(Diagnostic::error(
                Code::Io,
                format!(
                    "this build has no pack `{name}` embedded (policies/{name}/ was empty when it was built)"
                ),
            ));
        }
        let mut sources = Sources::new();
        for (file, text) in files.iter().filter(|(n, _)| n.ends_with(".policy")) {
            sources.add(format!("{prefix}/{file}"), *text);
        }
        let mut pack = Pack::check_sources(sources, Vec::new(), Vec::new());
        pack.embedded = Some((prefix, files));
        pack
    }

    /// The pack's name in provenance: `builtin:NAME` for an embedded pack (the
    /// default one too), else the paths given to `-p`, joined with `, ` (empty
    /// for a pack made from texts in memory).
    pub fn name(&self) -> String {
        match &self.embedded {
            Some((prefix, _)) if prefix == EMBEDDED_PREFIX => {
                format!("{BUILTIN_SCHEME}{DEFAULT_PACK}")
            }
            Some((prefix, _)) => prefix
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_string(),
            None => self
                .roots
                .iter()
                .map(|r| r.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
        }
    }

    /// The text of a data file of the embedded pack, by its path as the pack
    /// declares it (`catalog.yaml`), with the name reports use for it.
    pub fn embedded_data(&self, path: &str) -> Option<(String, &'static str)> {
        let (prefix, files) = self.embedded.as_ref()?;
        let path = path.strip_prefix("./").unwrap_or(path);
        files
            .iter()
            .find(|(name, _)| *name == path)
            .map(|(name, text)| (format!("{prefix}/{name}"), *text))
    }

    /// A pack that could not be loaded at all, for the reason given.
    pub fn failed(diagnostic: Diagnostic) -> Pack {
        Pack {
            sources: Sources::new(),
            program: None,
            diagnostics: vec![diagnostic],
            roots: Vec::new(),
            default_data: Vec::new(),
            embedded: None,
        }
    }

    /// Parses and checks policy texts already read (an editor's buffers
    /// and the files beside them), recording every name and use in an
    /// [`check::Index`] as well: what `preflight lsp` answers from.
    /// `diagnostics` are problems found while reading the files.
    pub fn analyze(sources: Sources, diagnostics: Vec<Diagnostic>) -> (Pack, check::Index) {
        let (pack, index) = Pack::check_sources_with(sources, diagnostics, Vec::new(), true);
        (pack, index.unwrap_or_default())
    }

    /// Parses every source, then checks them together.
    fn check_sources(sources: Sources, diagnostics: Vec<Diagnostic>, roots: Vec<PathBuf>) -> Pack {
        Pack::check_sources_with(sources, diagnostics, roots, false).0
    }

    fn check_sources_with(
        sources: Sources,
        mut diagnostics: Vec<Diagnostic>,
        roots: Vec<PathBuf>,
        indexed: bool,
    ) -> (Pack, Option<check::Index>) {
        let (asts, diags): (Vec<ast::File>, Vec<Vec<Diagnostic>>) =
            parse_all(&sources).into_iter().unzip();
        diagnostics.extend(diags.into_iter().flatten());
        let default_data = asts
            .iter()
            .flat_map(|f| &f.decls)
            .filter_map(|d| match d {
                ast::Decl::Data(d) => d.path.as_ref().map(|(path, span)| DefaultData {
                    name: d.name.name.clone(),
                    path: path.clone(),
                    span: *span,
                }),
                _ => None,
            })
            .collect::<Vec<DefaultData>>();
        for data in &default_data {
            if let Some(why) = data_path_problem(&data.path) {
                diagnostics.push(outside_pack(&data.name, data.span, why));
            }
        }
        let mut program = None;
        let mut index = None;
        if !asts.is_empty() {
            let (checked, diags) = if indexed {
                let (checked, diags, recorded) = check::check_indexed(&sources, &asts);
                index = Some(recorded);
                (checked, diags)
            } else {
                check::check(&sources, &asts)
            };
            diagnostics.extend(diags);
            program = checked.filter(|_| !diagnostics.iter().any(Diagnostic::is_error));
        }
        let pack = Pack {
            sources,
            program,
            diagnostics,
            roots,
            default_data,
            embedded: None,
        };
        (pack, index)
    }

    /// Whether the pack loaded without errors.
    pub fn is_ok(&self) -> bool {
        self.program.is_some()
    }

    /// The number of errors (not warnings).
    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    /// Checks that every `data` declaration's default file exists, relative to the
    /// directory of the pack file that declares it. Reports missing files; the
    /// content of data files is checked against its type when a run loads it.
    pub fn check_default_data_files(&mut self) {
        let mut problems = Vec::new();
        for data in &self.default_data {
            // Paths written to leave the pack were reported when it loaded.
            if self.embedded_data(&data.path).is_some() || data_path_problem(&data.path).is_some() {
                continue;
            }
            let Some(file) = self.sources.get(data.span.file) else {
                continue;
            };
            let full = match default_data_path(Path::new(file.name()), &data.path) {
                Ok(full) => full,
                Err(why) => {
                    problems.push(outside_pack(&data.name, data.span, why));
                    continue;
                }
            };
            if !full.is_file() {
                problems.push(
                    Diagnostic::error(Code::Io, format!("data file `{}` not found", full.display()))
                        .label(data.span, format!("default file for `{}`", data.name))
                        .help("the path is relative to the policy file's directory; fix it, or give the file at run time with `--data NAME=PATH`"),
                );
            }
        }
        if !problems.is_empty() {
            self.diagnostics.extend(problems);
            self.program = None;
        }
    }
}

/// The error for the default file of `data NAME` (written at `span`) that is
/// not inside the pack, for the reason `why`.
pub(crate) fn outside_pack(name: &str, span: Span, why: impl Into<String>) -> Diagnostic {
    Diagnostic::error(
        Code::Io,
        format!("the default file of `{name}` must be inside the pack"),
    )
    .label(span, why)
    .help(format!(
        "write a path relative to the policy file's directory, without `..`, to a file in the pack; a file elsewhere is given at run time with `--data {name}=PATH`"
    ))
}

/// Why a default data path written in a pack could reach outside the pack, if
/// it could: an absolute path, or one with a `..` step. (A pack is not trusted
/// to read files elsewhere just because someone checks data with it.)
fn data_path_problem(path: &str) -> Option<&'static str> {
    use std::path::Component;
    let path = Path::new(path);
    if path.has_root() || path.is_absolute() {
        return Some("an absolute path");
    }
    path.components()
        .any(|c| matches!(c, Component::ParentDir | Component::Prefix(_)))
        .then_some("a path with `..` leaves the pack's directory")
}

/// The file a `data` declaration's default `path` names, for the policy file
/// `policy_file` that declares it: `path` joined to that file's directory. An
/// error when the path could reach outside that directory, written so
/// (absolute, `..`) or through a symbolic link.
pub fn default_data_path(policy_file: &Path, path: &str) -> Result<PathBuf, String> {
    if let Some(why) = data_path_problem(path) {
        return Err(why.to_string());
    }
    let dir = policy_file.parent().unwrap_or(Path::new("."));
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let full = dir.join(path);
    // A file that does not exist cannot lead anywhere; reading it reports that.
    if let (Ok(real_dir), Ok(real_file)) = (dir.canonicalize(), full.canonicalize())
        && !real_file.starts_with(&real_dir)
    {
        return Err(format!(
            "this path leads outside the pack's directory, to `{}` (through a symbolic link)",
            real_file.display()
        ));
    }
    Ok(full)
}

/// The policy files of a pack path, in byte order of file name.
fn policy_files(path: &Path, diagnostics: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    let shown = path.display();
    if path.is_file() {
        if path.extension().is_some_and(|e| e == "policy") {
            return vec![path.to_path_buf()];
        }
        diagnostics.push(
            Diagnostic::error(Code::Io, format!("`{shown}` is not a `.policy` file"))
                .help("`-p` takes a pack directory or a `.policy` file; inputs to check come after the options"),
        );
        return Vec::new();
    }
    let files = match policy_files_in(path) {
        Ok(files) => files,
        Err(e) => {
            diagnostics.push(
                Diagnostic::error(
                    Code::Io,
                    format!(
                        "cannot read pack `{shown}`: {}",
                        crate::source::io_reason(&e)
                    ),
                )
                .help("give a pack directory or a single `.policy` file with `-p`"),
            );
            return Vec::new();
        }
    };
    if files.is_empty() {
        diagnostics.push(
            Diagnostic::error(Code::Io, format!("no `.policy` files in `{shown}`"))
                .help("a pack is a directory of `.policy` files (sub-directories are not read)"),
        );
    }
    files
}

/// The `.policy` files directly in `dir` (not in its sub-directories), in
/// the order a pack reads them.
pub fn policy_files_in(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "policy") && p.is_file())
        .collect();
    files.sort_by(|a, b| by_file_name(a, b));
    Ok(files)
}

/// The order in which a pack reads its files: by file name, byte by byte.
pub fn by_file_name(a: &Path, b: &Path) -> std::cmp::Ordering {
    let name = |p: &Path| p.file_name().map(|n| n.as_encoded_bytes().to_vec());
    name(a).cmp(&name(b))
}

/// What `validate` says of a policy file it cannot take as it was read
/// (UTF-16, not UTF-8, unreadable or too large); `None` for text. For a
/// file that is not UTF-8, the caller labels the first bad byte, once the
/// replaced text has a place among the sources.
pub fn unreadable_policy(name: &str, read: &Result<Decoded, String>) -> Option<Diagnostic> {
    Some(match read {
        Ok(Decoded::Text(_)) => return None,
        Ok(Decoded::Utf16) => {
            Diagnostic::error(Code::Io, format!("cannot read `{name}`: it is UTF-16 text"))
                .help("save the file as UTF-8")
        }
        Ok(Decoded::Invalid { .. }) => Diagnostic::error(
            Code::Io,
            format!("cannot read `{name}`: it is not UTF-8 text"),
        )
        .help("save the file as UTF-8"),
        Err(message) => Diagnostic::error(Code::Io, format!("cannot read `{name}`: {message}"))
            .help("policy files are UTF-8 text files of at most 8 MiB"),
    })
}

/// Reads a policy file as UTF-8, refusing files too large for spans: the
/// text, or why it cannot be read.
pub fn read_policy(path: &Path) -> Result<Decoded, String> {
    let bytes = std::fs::read(path).map_err(|e| crate::source::io_reason(&e))?;
    if bytes.len() > MAX_POLICY_FILE_BYTES {
        return Err(format!(
            "the file is {} bytes, more than the limit of {MAX_POLICY_FILE_BYTES}",
            bytes.len()
        ));
    }
    Ok(decode_text(bytes))
}

/// Parses every source, in order. Files are parsed on as many threads as there
/// are cores: parsing is most of the start-up of a run (benches/README.md), and
/// each file is parsed on its own.
fn parse_all(sources: &Sources) -> Vec<(ast::File, Vec<Diagnostic>)> {
    let files: Vec<_> = sources.iter().collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(files.len());
    let parse = |chunk: &[(FileId, &SourceFile)]| -> Vec<(ast::File, Vec<Diagnostic>)> {
        chunk
            .iter()
            .map(|(id, file)| syntax::parse(*id, file.text()))
            .collect()
    };
    if threads <= 1 {
        return parse(&files);
    }
    // Contiguous chunks of about equal size in bytes, so the order is kept.
    let total: usize = files.iter().map(|(_, f)| f.text().len()).sum();
    let share = total.div_ceil(threads).max(1);
    let mut chunks: Vec<&[(FileId, &SourceFile)]> = Vec::new();
    let (mut start, mut size) = (0, 0);
    for (i, (_, file)) in files.iter().enumerate() {
        size += file.text().len();
        if size >= share {
            chunks.extend(files.get(start..=i));
            (start, size) = (i + 1, 0);
        }
    }
    chunks.extend(files.get(start..).filter(|rest| !rest.is_empty()));
    std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .iter()
            .map(|chunk| {
                let parse = &parse;
                std::thread::Builder::new()
                    // The parser recurses once per bracket level (at most 64).
                    .stack_size(16 * 1024 * 1024)
                    .spawn_scoped(scope, move || parse(chunk))
            })
            .collect();
        handles
            .into_iter()
            .zip(&chunks)
            .flat_map(|(handle, chunk)| match handle {
                Ok(h) => h.join().unwrap_or_else(|_| parse(chunk)),
                // No thread to be had: parse here.
                Err(_) => parse(chunk),
            })
            .collect()
    })
}
