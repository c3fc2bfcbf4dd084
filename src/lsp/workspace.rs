//! What the session holds between messages: the open buffers, the packs they
//! belong to, when each pack is due for a check, and its last analysis. No
//! input or output here: the server reads messages and writes what this
//! returns.

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use super::analysis::{Analysis, Buffer, PackKey};
use super::publish;
use super::text::{Encoding, LineIndex};

/// How long after a keystroke a pack is checked, so that typing a word
/// checks once; a request about the pack checks it at once.
pub const DEBOUNCE: Duration = Duration::from_millis(150);

/// An open buffer.
#[derive(Debug)]
struct Document {
    /// The file name the pack's sources use (its path, or the URI of an
    /// unsaved buffer).
    name: String,
    /// The pack it belongs to.
    pack: PackKey,
    text: String,
    version: i32,
}

/// A pack some buffer belongs to.
#[derive(Debug, Default)]
struct PackState {
    analysis: Option<Analysis>,
    /// When it is to be checked again, if its text changed.
    due: Option<Instant>,
    /// Files of the pack that are not open but were last published with
    /// problems (a sibling that does not parse, or is not UTF-8), so that
    /// their list is emptied once they are fixed.
    shown_closed: Vec<String>,
    /// Checked as it is on disk, for a request about a file no buffer of
    /// its pack is open for: read again at the next request, as the server
    /// is not told when such files change.
    from_disk: bool,
}

/// The diagnostics of one file, to be published.
#[derive(Debug)]
pub struct Published {
    /// The file's URI.
    pub uri: String,
    /// Its problems; empty for a clean file.
    pub diagnostics: Vec<lsp_types::Diagnostic>,
    /// The version of the buffer they are about (none for a file not open).
    pub version: Option<i32>,
}

/// The open buffers and their packs.
#[derive(Debug, Default)]
pub struct Workspace {
    documents: HashMap<String, Document>,
    packs: HashMap<PackKey, PackState>,
}

impl Workspace {
    /// `didOpen`: the buffer's pack is due at once, so that an opened file
    /// is shown checked.
    pub fn open(&mut self, uri: &str, text: String, version: i32) {
        let (pack, name) = locate(uri);
        let document = Document {
            name,
            pack: pack.clone(),
            text,
            version,
        };
        self.documents.insert(uri.to_string(), document);
        self.packs.entry(pack).or_default().due = Some(Instant::now());
    }

    /// `didChange`: the changes applied in order; the pack is due after the
    /// debounce.
    pub fn change(
        &mut self,
        uri: &str,
        version: i32,
        changes: Vec<lsp_types::TextDocumentContentChangeEvent>,
        encoding: Encoding,
    ) {
        let Some(doc) = self.documents.get_mut(uri) else {
            return;
        };
        for change in changes {
            apply_change(&mut doc.text, change, encoding);
        }
        doc.version = version;
        let pack = doc.pack.clone();
        self.packs.entry(pack).or_default().due = Some(Instant::now() + DEBOUNCE);
    }

    /// `didSave`, with the text when the client sends it.
    pub fn save(&mut self, uri: &str, text: Option<String>) {
        if let Some(doc) = self.documents.get_mut(uri) {
            if let Some(text) = text {
                doc.text = text;
            }
            let pack = doc.pack.clone();
            self.packs.entry(pack).or_default().due = Some(Instant::now() + DEBOUNCE);
        }
    }

    /// `didClose`: the file on disk takes the buffer's place for the other
    /// files of its pack. Whether the buffer was open.
    pub fn close(&mut self, uri: &str) -> bool {
        let Some(doc) = self.documents.remove(uri) else {
            return false;
        };
        self.packs.entry(doc.pack).or_default().due = Some(Instant::now() + DEBOUNCE);
        true
    }

    /// `didChangeWatchedFiles`: the packs of those files are due.
    pub fn files_changed<'a>(&mut self, uris: impl IntoIterator<Item = &'a str>) {
        for uri in uris {
            let (pack, _) = locate(uri);
            if let Some(state) = self.packs.get_mut(&pack) {
                state.due = Some(Instant::now() + DEBOUNCE);
            }
        }
    }

    /// When the next pack is due, if any is.
    pub fn next_due(&self) -> Option<Instant> {
        self.packs.values().filter_map(|p| p.due).min()
    }

    /// Checks every pack whose time has come.
    pub fn check_due(&mut self, encoding: Encoding) -> Vec<Published> {
        let now = Instant::now();
        let due: Vec<PackKey> = self
            .packs
            .iter()
            .filter(|(_, p)| p.due.is_some_and(|d| d <= now))
            .map(|(k, _)| k.clone())
            .collect();
        due.iter()
            .flat_map(|key| self.check(key, encoding))
            .collect()
    }

    /// The open buffers of a pack, by file name.
    pub fn buffers(&self, key: &PackKey) -> HashMap<String, Buffer> {
        self.documents
            .iter()
            .filter(|(_, d)| &d.pack == key)
            .map(|(uri, d)| {
                let buffer = Buffer {
                    text: d.text.clone(),
                    uri: uri.clone(),
                };
                (d.name.clone(), buffer)
            })
            .collect()
    }

    /// Checks a pack now: the diagnostics of its open files, and of its
    /// other files that have problems or had. A pack no buffer belongs to
    /// any more is forgotten.
    fn check(&mut self, key: &PackKey, encoding: Encoding) -> Vec<Published> {
        let buffers = self.buffers(key);
        if buffers.is_empty() {
            self.packs.remove(key);
            return Vec::new();
        }
        let analysis = Analysis::of(key, &buffers);
        let mut out = Vec::new();
        for (uri, doc) in self.documents.iter().filter(|(_, d)| &d.pack == key) {
            let diagnostics = analysis
                .file(&doc.name)
                .map(|file| publish::of_file(&analysis, file, encoding))
                .unwrap_or_default();
            out.push(Published {
                uri: uri.clone(),
                diagnostics,
                version: Some(doc.version),
            });
        }
        let state = self.packs.entry(key.clone()).or_default();
        let mut shown_closed = Vec::new();
        for (file, _) in analysis.pack.sources.iter() {
            let Some(uri) = analysis.uri(file) else {
                continue;
            };
            if buffers.values().any(|b| b.uri == uri) {
                continue;
            }
            let diagnostics = publish::of_file(&analysis, file, encoding);
            let had = state.shown_closed.iter().any(|u| u == uri);
            if !diagnostics.is_empty() {
                shown_closed.push(uri.to_string());
            }
            if had || !diagnostics.is_empty() {
                out.push(Published {
                    uri: uri.to_string(),
                    diagnostics,
                    version: None,
                });
            }
        }
        state.shown_closed = shown_closed;
        state.analysis = Some(analysis);
        state.due = None;
        state.from_disk = false;
        out
    }

    /// Makes the analysis of the pack of `uri` current (checking it now if
    /// it is due or was never checked), and says which pack it is and the
    /// file's name in it, with what the check has to publish. A file that
    /// is not open is read from disk with its pack.
    pub fn refresh(
        &mut self,
        uri: &str,
        encoding: Encoding,
    ) -> Option<(PackKey, String, Vec<Published>)> {
        let (key, name) = match self.documents.get(uri) {
            Some(doc) => (doc.pack.clone(), doc.name.clone()),
            None => match locate(uri) {
                (key @ PackKey::Dir(_), name) => (key, name),
                (PackKey::Buffer(_), _) => return None,
            },
        };
        let fresh = self
            .packs
            .get(&key)
            .is_some_and(|s| s.analysis.is_some() && s.due.is_none() && !s.from_disk);
        let mut published = Vec::new();
        if !fresh {
            if self.buffers(&key).is_empty() {
                let analysis = Analysis::of(&key, &HashMap::new());
                let state = self.packs.entry(key.clone()).or_default();
                state.analysis = Some(analysis);
                state.due = None;
                state.from_disk = true;
            } else {
                published = self.check(&key, encoding);
            }
        }
        Some((key, name, published))
    }

    /// The last analysis of a pack.
    pub fn analysis(&self, key: &PackKey) -> Option<&Analysis> {
        self.packs.get(key)?.analysis.as_ref()
    }
}

/// The pack a URI's file belongs to, and its name in that pack's sources.
fn locate(uri: &str) -> (PackKey, String) {
    match super::uri::to_path(uri) {
        Some(path) => {
            let dir = path.parent().unwrap_or(Path::new("/")).to_path_buf();
            (PackKey::Dir(dir), path.display().to_string())
        }
        None => (PackKey::Buffer(uri.to_string()), uri.to_string()),
    }
}

/// Applies one change of `didChange`: a range replaced, or the whole text.
/// A range outside the text is clamped to it.
fn apply_change(
    text: &mut String,
    change: lsp_types::TextDocumentContentChangeEvent,
    encoding: Encoding,
) {
    let Some(range) = change.range else {
        *text = change.text;
        return;
    };
    let lines = LineIndex::new(text);
    let start = lines
        .offset(text, range.start, encoding)
        .unwrap_or(text.len());
    let end = lines
        .offset(text, range.end, encoding)
        .unwrap_or(text.len())
        .max(start);
    text.replace_range(start..end, &change.text);
}
