//! One pack as the editor sees it: the files of a directory, with the open
//! buffers in place of their files on disk, parsed and checked with an
//! [`Index`] of every name.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::model::index::{Index, Symbol, Target};
use crate::pack::{Pack, by_file_name, policy_files_in, read_policy, unreadable_policy};
use lsp_types::{Location, Position, Range};

use super::text::{Encoding, LineIndex};
use crate::source::{Decoded, FileId, Sources, Span, replacement_span};

/// Where a pack's files come from: a directory, or one unsaved buffer.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PackKey {
    /// The directory holding the file (what `-p DIR` would load).
    Dir(PathBuf),
    /// A buffer that is no file (`untitled:`), checked alone, by its URI.
    Buffer(String),
}

/// A checked pack and what an editor asks of it.
#[derive(Debug)]
pub struct Analysis {
    /// The pack: sources, diagnostics and, without errors, the program.
    pub pack: Pack,
    /// Every declaration and use.
    pub index: Index,
    /// Each file's name in [`Analysis::pack`]'s sources, by id.
    names: HashMap<FileId, String>,
    /// File name → id.
    ids: HashMap<String, FileId>,
    /// The URI of each file: the client's for a buffer, made from the path
    /// for a file read from disk.
    uris: HashMap<FileId, String>,
    /// Line starts of each file.
    lines: HashMap<FileId, LineIndex>,
}

/// An open buffer: its text and the URI the client names it by.
#[derive(Debug, Clone)]
pub struct Buffer {
    /// The text as the editor holds it.
    pub text: String,
    /// The client's URI for it.
    pub uri: String,
}

/// The name under a position: where it is written and what it means.
#[derive(Debug, Clone)]
pub struct Found {
    /// The name as written there.
    pub span: Span,
    /// What it refers to (itself, for a declaration).
    pub target: Target,
}

impl Analysis {
    /// Reads the pack `key` and checks it, with `buffers` (file name → text)
    /// in place of the files of those names. A buffer of the directory that
    /// is not on disk yet is checked with the others.
    pub fn of(key: &PackKey, buffers: &HashMap<String, Buffer>) -> Analysis {
        let mut sources = Sources::new();
        let mut diagnostics = Vec::new();
        match key {
            PackKey::Buffer(name) => {
                if let Some(buffer) = buffers.get(name) {
                    sources.add(name.clone(), buffer.text.clone());
                }
            }
            PackKey::Dir(dir) => {
                let mut paths = policy_files_in(dir).unwrap_or_default();
                for name in buffers.keys() {
                    let path = PathBuf::from(name);
                    if path.parent() == Some(dir.as_path()) && !paths.contains(&path) {
                        paths.push(path);
                    }
                }
                paths.sort_by(|a, b| by_file_name(a, b));
                for name in paths.iter().map(|p| p.display().to_string()) {
                    if let Some(buffer) = buffers.get(&name) {
                        sources.add(name, buffer.text.clone());
                        continue;
                    }
                    read_file(&name, &mut sources, &mut diagnostics);
                }
            }
        }
        let (pack, index) = Pack::analyze(sources, diagnostics);
        let names: HashMap<FileId, String> = pack
            .sources
            .iter()
            .map(|(id, f)| (id, f.name().to_string()))
            .collect();
        let ids = names.iter().map(|(id, n)| (n.clone(), *id)).collect();
        let uris = names
            .iter()
            .map(|(id, n)| {
                let uri = buffers
                    .get(n)
                    .map_or_else(|| super::uri::from_path(Path::new(n)), |b| b.uri.clone());
                (*id, uri)
            })
            .collect();
        let lines = pack
            .sources
            .iter()
            .map(|(id, f)| (id, LineIndex::new(f.text())))
            .collect();
        Analysis {
            pack,
            index,
            names,
            ids,
            uris,
            lines,
        }
    }

    /// The client's URI of a file.
    pub fn uri(&self, file: FileId) -> Option<&str> {
        self.uris.get(&file).map(String::as_str)
    }

    /// The range of a span, in the session's encoding.
    pub fn range(&self, span: Span, encoding: Encoding) -> Range {
        let text = self.text(span.file);
        match self.lines.get(&span.file) {
            Some(lines) => lines.range(text, span.start as usize, span.end as usize, encoding),
            None => Range::default(),
        }
    }

    /// Where a span is, for a client: its file's URI and its range.
    pub fn location(&self, span: Span, encoding: Encoding) -> Option<Location> {
        let uri = self.uri(span.file)?.parse().ok()?;
        Some(Location::new(uri, self.range(span, encoding)))
    }

    /// The byte offset of a client's position in `file`, `None` past the end.
    pub fn offset(&self, file: FileId, position: Position, encoding: Encoding) -> Option<usize> {
        self.lines
            .get(&file)?
            .offset(self.text(file), position, encoding)
    }

    /// The id of the file of this name.
    pub fn file(&self, name: &str) -> Option<FileId> {
        self.ids.get(name).copied()
    }

    /// The name of a file.
    pub fn name(&self, file: FileId) -> Option<&str> {
        self.names.get(&file).map(String::as_str)
    }

    /// The text of a file as checked.
    pub fn text(&self, file: FileId) -> &str {
        self.pack.sources.get(file).map_or("", |f| f.text())
    }

    /// The name at byte `offset` of `file`: a use, or a declaration's name.
    /// A position just after a name counts, as editors place the cursor there.
    pub fn at(&self, file: FileId, offset: usize) -> Option<Found> {
        let offset = u32::try_from(offset).ok()?;
        let covers = |s: &Span| s.file == file && s.start <= offset && offset <= s.end;
        let smallest = self
            .index
            .references
            .iter()
            .filter(|r| covers(&r.span))
            .min_by_key(|r| r.span.end - r.span.start);
        if let Some(r) = smallest {
            return Some(Found {
                span: r.span,
                target: r.target.clone(),
            });
        }
        self.index
            .symbols
            .iter()
            .enumerate()
            .filter(|(_, s)| covers(&s.name_span))
            .min_by_key(|(_, s)| s.name_span.end - s.name_span.start)
            .map(|(id, s)| Found {
                span: s.name_span,
                target: Target::Symbol(id),
            })
    }

    /// The symbol `target` names, if it is a declaration of the pack.
    pub fn symbol(&self, target: &Target) -> Option<&Symbol> {
        match target {
            Target::Symbol(id) => self.index.symbol(*id),
            Target::Builtin(_) => None,
        }
    }

    /// The diagnostics whose first label is in `file`, and those with no
    /// label at all when `file` is the pack's first (so that they are shown
    /// somewhere).
    pub fn diagnostics_of(&self, file: FileId) -> impl Iterator<Item = &Diagnostic> {
        let first = self.pack.sources.iter().next().map(|(id, _)| id);
        self.pack
            .diagnostics
            .iter()
            .filter(move |d| match d.primary_span() {
                Some(span) => span.file == file,
                None => first == Some(file),
            })
    }
}

/// Adds the file `name` from disk, with the diagnostics `validate` gives
/// for one it cannot read. Unlike `validate`, a file that is not UTF-8 is
/// still checked, its bad bytes replaced, so that the names it declares are
/// known to the others while the author fixes it.
fn read_file(name: &str, sources: &mut Sources, diagnostics: &mut Vec<Diagnostic>) {
    let read = read_policy(Path::new(name));
    let problem = unreadable_policy(name, &read);
    match read {
        Ok(Decoded::Text(text)) => {
            sources.add(name.to_string(), text);
        }
        Ok(Decoded::Invalid { lossy, offset }) => {
            let id = sources.add(name.to_string(), lossy);
            let at = replacement_span(id, offset);
            diagnostics.extend(problem.map(|d| d.label(at, "the first byte that is not UTF-8")));
        }
        Ok(Decoded::Utf16) | Err(_) => diagnostics.extend(problem),
    }
}
