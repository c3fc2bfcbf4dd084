//! The session: open buffers, the packs they belong to, when each is due
//! for checking, and the answer to every message.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response, ResponseError};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{notification as note, request as req};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::analysis::{Analysis, Buffer, PackKey};
use super::text::{Encoding, LineIndex};
use super::transport::Incoming;
use super::{capabilities, complete, edits, hover, navigate, publish};

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

/// Serves one client on standard input and output until it says `exit`
/// (or closes the input). Returns the process's exit code: 0 after
/// `shutdown` then `exit`, 1 otherwise, as the protocol asks.
pub fn serve() -> i32 {
    let (to, from) = std::sync::mpsc::channel();
    let reader = std::thread::Builder::new()
        .name("lsp-reader".to_string())
        .spawn(move || super::transport::read_frames(std::io::stdin().lock(), &to));
    if let Err(e) = reader {
        eprintln!("preflight lsp: cannot start the reader thread: {e}");
        return 1;
    }
    let stdout = std::io::stdout();
    let mut server = Server::new(stdout.lock());
    match server.run(&from) {
        End::Clean => 0,
        End::Abrupt => 1,
    }
}

/// The state of one session with one client.
pub struct Server<W: Write> {
    out: W,
    encoding: Encoding,
    documents: HashMap<String, Document>,
    packs: HashMap<PackKey, PackState>,
    initialized: bool,
    shutdown: bool,
}

/// How the session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// `exit` after `shutdown`, as the protocol wants.
    Clean,
    /// `exit` without `shutdown`, or the input ended.
    Abrupt,
}

impl<W: Write> Server<W> {
    /// A session that writes its messages to `out`.
    pub fn new(out: W) -> Server<W> {
        Server {
            out,
            encoding: Encoding::Utf16,
            documents: HashMap::new(),
            packs: HashMap::new(),
            initialized: false,
            shutdown: false,
        }
    }

    /// Answers messages from `incoming` until `exit` or the end of input.
    pub fn run(&mut self, incoming: &Receiver<Incoming>) -> End {
        loop {
            let due = self.packs.values().filter_map(|p| p.due).min();
            let next = match due {
                Some(due) => {
                    match incoming.recv_timeout(due.saturating_duration_since(Instant::now())) {
                        Ok(m) => Some(m),
                        Err(RecvTimeoutError::Timeout) => None,
                        Err(RecvTimeoutError::Disconnected) => return End::Abrupt,
                    }
                }
                None => match incoming.recv() {
                    Ok(m) => Some(m),
                    Err(_) => return End::Abrupt,
                },
            };
            let Some(next) = next else {
                self.check_due();
                continue;
            };
            match next {
                Incoming::Malformed { code, reason, id } => self.error(id, code, reason),
                Incoming::Message(Message::Request(r)) => self.request(r),
                Incoming::Message(Message::Notification(n)) => {
                    if n.method == note::Exit::METHOD {
                        return if self.shutdown {
                            End::Clean
                        } else {
                            End::Abrupt
                        };
                    }
                    self.notification(n);
                }
                Incoming::Message(Message::Response(_)) => {}
            }
        }
    }

    fn send(&mut self, message: Message) {
        if let Err(e) = message.write(&mut self.out) {
            eprintln!("preflight lsp: cannot write to the client: {e}");
        }
    }

    /// An error answer; without an id (a frame that could not be read), the
    /// id is null, as JSON-RPC wants.
    fn error(&mut self, id: Option<RequestId>, code: i32, message: String) {
        eprintln!("preflight lsp: {message}");
        match id {
            Some(id) => self.send(Message::Response(Response {
                id,
                result: None,
                error: Some(ResponseError {
                    code,
                    message,
                    data: None,
                }),
            })),
            None => {
                let body = serde_json::json!({
                    "jsonrpc": "2.0",
                    "id": null,
                    "error": { "code": code, "message": message },
                })
                .to_string();
                let framed = format!("Content-Length: {}\r\n\r\n{body}", body.len());
                if let Err(e) = self
                    .out
                    .write_all(framed.as_bytes())
                    .and_then(|()| self.out.flush())
                {
                    eprintln!("preflight lsp: cannot write to the client: {e}");
                }
            }
        }
    }

    fn reply(&mut self, id: RequestId, result: Result<Value, (ErrorCode, String)>) {
        let response = match result {
            Ok(value) => Response {
                id,
                result: Some(value),
                error: None,
            },
            Err((code, message)) => Response {
                id,
                result: None,
                error: Some(ResponseError {
                    code: code as i32,
                    message,
                    data: None,
                }),
            },
        };
        self.send(Message::Response(response));
    }

    fn request(&mut self, r: Request) {
        let Request { id, method, params } = r;
        if method == req::Initialize::METHOD {
            let result = if self.initialized {
                Err((
                    ErrorCode::InvalidRequest,
                    "the session is initialized already".to_string(),
                ))
            } else {
                self.initialize(params)
            };
            return self.reply(id, result);
        }
        if !self.initialized {
            let message = format!("`{method}` before `initialize`");
            return self.reply(id, Err((ErrorCode::ServerNotInitialized, message)));
        }
        if self.shutdown {
            let message = format!("`{method}` after `shutdown`");
            return self.reply(id, Err((ErrorCode::InvalidRequest, message)));
        }
        // Library code does not panic on any input; should a bug make it,
        // the session answers this request with an error and goes on.
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.answer(&method, params)
        }));
        let result = outcome.unwrap_or_else(|_| {
            Err((
                ErrorCode::InternalError,
                format!("internal error while answering `{method}`; this is a bug in preflight"),
            ))
        });
        self.reply(id, result);
    }

    fn answer(&mut self, method: &str, params: Value) -> Result<Value, (ErrorCode, String)> {
        let encoding = self.encoding;
        match method {
            req::Shutdown::METHOD => {
                self.shutdown = true;
                Ok(Value::Null)
            }
            req::HoverRequest::METHOD => {
                let p: lsp_types::HoverParams = parse(params)?;
                let at = &p.text_document_position_params;
                let answer = self.at(&at.text_document.uri, at.position, |a, found| {
                    found.and_then(|f| hover::hover(a, &f, encoding))
                });
                to_value(answer.flatten())
            }
            req::GotoDefinition::METHOD => {
                let p: lsp_types::GotoDefinitionParams = parse(params)?;
                let at = &p.text_document_position_params;
                let answer = self.at(&at.text_document.uri, at.position, |a, found| {
                    found.and_then(|f| navigate::definition(a, &f, encoding))
                });
                to_value(
                    answer
                        .flatten()
                        .map(lsp_types::GotoDefinitionResponse::Scalar),
                )
            }
            req::References::METHOD => {
                let p: lsp_types::ReferenceParams = parse(params)?;
                let at = &p.text_document_position;
                let declaration = p.context.include_declaration;
                let answer = self.at(&at.text_document.uri, at.position, |a, found| {
                    found.map(|f| navigate::references(a, &f, declaration, encoding))
                });
                to_value(answer.flatten())
            }
            req::Completion::METHOD => {
                let p: lsp_types::CompletionParams = parse(params)?;
                let at = &p.text_document_position;
                let items = self.complete(&at.text_document.uri, at.position);
                to_value(items.map(lsp_types::CompletionResponse::Array))
            }
            req::DocumentSymbolRequest::METHOD => {
                let p: lsp_types::DocumentSymbolParams = parse(params)?;
                let symbols = self.with_file(&p.text_document.uri, |a, file| {
                    navigate::document_symbols(a, file, encoding)
                });
                to_value(symbols.map(lsp_types::DocumentSymbolResponse::Nested))
            }
            req::Formatting::METHOD => {
                let p: lsp_types::DocumentFormattingParams = parse(params)?;
                let edits = self.with_file(&p.text_document.uri, |a, file| {
                    let name = a.name(file).unwrap_or("");
                    edits::format(name, a.text(file), encoding)
                });
                to_value(edits)
            }
            req::CodeActionRequest::METHOD => {
                let p: lsp_types::CodeActionParams = parse(params)?;
                let actions = self.with_file(&p.text_document.uri, |a, file| {
                    edits::code_actions(a, file, p.range, encoding)
                });
                to_value(actions)
            }
            other => Err((
                ErrorCode::MethodNotFound,
                format!("`{other}` is not served"),
            )),
        }
    }

    fn initialize(&mut self, params: Value) -> Result<Value, (ErrorCode, String)> {
        let p: lsp_types::InitializeParams = parse(params)?;
        let offered = p
            .capabilities
            .general
            .and_then(|g| g.position_encodings)
            .unwrap_or_default();
        self.encoding = if offered.contains(&lsp_types::PositionEncodingKind::UTF8) {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        };
        self.initialized = true;
        to_value(capabilities::initialize_result(self.encoding))
    }

    fn notification(&mut self, n: Notification) {
        if !self.initialized {
            return;
        }
        let Notification { method, params } = n;
        let now = Instant::now();
        match method.as_str() {
            note::DidOpenTextDocument::METHOD => {
                let Ok(p) = parse::<lsp_types::DidOpenTextDocumentParams>(params) else {
                    return;
                };
                let uri = p.text_document.uri.as_str().to_string();
                let (pack, name) = locate(&uri);
                self.documents.insert(
                    uri,
                    Document {
                        name,
                        pack: pack.clone(),
                        text: p.text_document.text,
                        version: p.text_document.version,
                    },
                );
                // A newly opened file is shown checked at once.
                self.packs.entry(pack.clone()).or_default().due = Some(now);
            }
            note::DidChangeTextDocument::METHOD => {
                let Ok(p) = parse::<lsp_types::DidChangeTextDocumentParams>(params) else {
                    return;
                };
                let encoding = self.encoding;
                let Some(doc) = self.documents.get_mut(p.text_document.uri.as_str()) else {
                    return;
                };
                for change in p.content_changes {
                    apply_change(&mut doc.text, change, encoding);
                }
                doc.version = p.text_document.version;
                let pack = doc.pack.clone();
                self.packs.entry(pack).or_default().due = Some(now + DEBOUNCE);
            }
            note::DidSaveTextDocument::METHOD => {
                let Ok(p) = parse::<lsp_types::DidSaveTextDocumentParams>(params) else {
                    return;
                };
                if let Some(doc) = self.documents.get_mut(p.text_document.uri.as_str()) {
                    if let Some(text) = p.text {
                        doc.text = text;
                    }
                    let pack = doc.pack.clone();
                    self.packs.entry(pack).or_default().due = Some(now + DEBOUNCE);
                }
            }
            note::DidCloseTextDocument::METHOD => {
                let Ok(p) = parse::<lsp_types::DidCloseTextDocumentParams>(params) else {
                    return;
                };
                let uri = p.text_document.uri;
                if let Some(doc) = self.documents.remove(uri.as_str()) {
                    // The file on disk takes the buffer's place for the others.
                    self.packs.entry(doc.pack).or_default().due = Some(now + DEBOUNCE);
                    self.publish_list(uri, Vec::new(), None);
                }
            }
            note::DidChangeWatchedFiles::METHOD => {
                let Ok(p) = parse::<lsp_types::DidChangeWatchedFilesParams>(params) else {
                    return;
                };
                for change in p.changes {
                    let (pack, _) = locate(change.uri.as_str());
                    if let Some(state) = self.packs.get_mut(&pack) {
                        state.due = Some(now + DEBOUNCE);
                    }
                }
            }
            _ => {}
        }
    }

    /// Checks every pack whose time has come.
    fn check_due(&mut self) {
        let now = Instant::now();
        let due: Vec<PackKey> = self
            .packs
            .iter()
            .filter(|(_, p)| p.due.is_some_and(|d| d <= now))
            .map(|(k, _)| k.clone())
            .collect();
        for key in due {
            self.check(&key);
        }
    }

    /// The open buffers of a pack, by file name.
    fn buffers(&self, key: &PackKey) -> HashMap<String, Buffer> {
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

    /// Checks a pack now and publishes the diagnostics of its open files;
    /// a pack no buffer belongs to any more is forgotten.
    fn check(&mut self, key: &PackKey) {
        let buffers = self.buffers(key);
        if buffers.is_empty() {
            self.packs.remove(key);
            return;
        }
        let analysis = Analysis::of(key, &buffers);
        let mut lists = Vec::new();
        for (uri, doc) in self.documents.iter().filter(|(_, d)| &d.pack == key) {
            let diagnostics = analysis
                .file(&doc.name)
                .map(|file| publish::of_file(&analysis, file, self.encoding))
                .unwrap_or_default();
            lists.push((uri.clone(), diagnostics, Some(doc.version)));
        }
        // The pack's other files: those with problems, and those that had.
        let state = self.packs.entry(key.clone()).or_default();
        let mut shown_closed = Vec::new();
        for (file, _) in analysis.pack.sources.iter() {
            let Some(uri) = analysis.uri(file) else {
                continue;
            };
            if buffers.values().any(|b| b.uri == uri) {
                continue;
            }
            let diagnostics = publish::of_file(&analysis, file, self.encoding);
            let had = state.shown_closed.iter().any(|u| u == uri);
            if !diagnostics.is_empty() {
                shown_closed.push(uri.to_string());
            }
            if had || !diagnostics.is_empty() {
                lists.push((uri.to_string(), diagnostics, None));
            }
        }
        state.shown_closed = shown_closed;
        state.analysis = Some(analysis);
        state.due = None;
        state.from_disk = false;
        for (uri, diagnostics, version) in lists {
            if let Ok(uri) = uri.parse() {
                self.publish_list(uri, diagnostics, version);
            }
        }
    }

    fn publish_list(
        &mut self,
        uri: lsp_types::Uri,
        diagnostics: Vec<lsp_types::Diagnostic>,
        version: Option<i32>,
    ) {
        let params = lsp_types::PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        if let Ok(params) = serde_json::to_value(params) {
            self.send(Message::Notification(Notification {
                method: note::PublishDiagnostics::METHOD.to_string(),
                params,
            }));
        }
    }

    /// The analysis of the pack of `uri`, checked now if it is due or was
    /// never checked, with the name of the file in it. A file that is not
    /// open is read from disk with its pack.
    fn analysis(&mut self, uri: &str) -> Option<(&Analysis, String)> {
        let (key, name) = match self.documents.get(uri) {
            Some(doc) => (doc.pack.clone(), doc.name.clone()),
            None => {
                let (key, name) = locate(uri);
                if !matches!(key, PackKey::Dir(_)) {
                    return None;
                }
                (key, name)
            }
        };
        let state = self.packs.get(&key);
        let fresh = state.is_some_and(|s| s.analysis.is_some() && s.due.is_none() && !s.from_disk);
        if !fresh {
            if self.buffers(&key).is_empty() {
                let analysis = Analysis::of(&key, &HashMap::new());
                let state = self.packs.entry(key.clone()).or_default();
                state.analysis = Some(analysis);
                state.due = None;
                state.from_disk = true;
            } else {
                self.check(&key);
            }
        }
        let analysis = self.packs.get(&key)?.analysis.as_ref()?;
        Some((analysis, name))
    }

    /// Runs `f` on the analysis of `uri` and the file id in it.
    fn with_file<T>(
        &mut self,
        uri: &lsp_types::Uri,
        f: impl FnOnce(&Analysis, crate::source::FileId) -> T,
    ) -> Option<T> {
        let (analysis, name) = self.analysis(uri.as_str())?;
        let file = analysis.file(&name)?;
        Some(f(analysis, file))
    }

    /// Runs `f` on the name found at `position` of `uri` (`None` when the
    /// position is past the end of the file or on no name).
    fn at<T>(
        &mut self,
        uri: &lsp_types::Uri,
        position: lsp_types::Position,
        f: impl FnOnce(&Analysis, Option<super::analysis::Found>) -> T,
    ) -> Option<T> {
        let encoding = self.encoding;
        let (analysis, name) = self.analysis(uri.as_str())?;
        let file = analysis.file(&name)?;
        let offset = analysis.offset(file, position, encoding)?;
        let found = analysis.at(file, offset);
        Some(f(analysis, found))
    }

    fn complete(
        &mut self,
        uri: &lsp_types::Uri,
        position: lsp_types::Position,
    ) -> Option<Vec<lsp_types::CompletionItem>> {
        let encoding = self.encoding;
        let key = self.documents.get(uri.as_str())?.pack.clone();
        let buffers = self.buffers(&key);
        let (analysis, name) = self.analysis(uri.as_str())?;
        let file = analysis.file(&name)?;
        let offset = analysis.offset(file, position, encoding)?;
        Some(complete::complete(
            &key, &buffers, &name, offset, analysis, encoding,
        ))
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

fn parse<T: DeserializeOwned>(params: Value) -> Result<T, (ErrorCode, String)> {
    serde_json::from_value(params)
        .map_err(|e| (ErrorCode::InvalidParams, format!("invalid parameters: {e}")))
}

fn to_value(value: impl serde::Serialize) -> Result<Value, (ErrorCode, String)> {
    serde_json::to_value(value).map_err(|e| (ErrorCode::InternalError, e.to_string()))
}
