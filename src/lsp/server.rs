//! The session with one client: messages read, answered and written; the
//! buffers and packs it holds are the [`Workspace`]'s.

use std::io::Write;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Instant;

use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response, ResponseError};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{notification as note, request as req};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::analysis::{Analysis, PackKey};
use super::text::Encoding;
use super::transport::Incoming;
use super::workspace::{Published, Workspace};
use super::{capabilities, complete, edits, hover, navigate, rename, signature, tokens};

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
    workspace: Workspace,
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
            workspace: Workspace::default(),
            initialized: false,
            shutdown: false,
        }
    }

    /// Answers messages from `incoming` until `exit` or the end of input.
    pub fn run(&mut self, incoming: &Receiver<Incoming>) -> End {
        loop {
            let due = self.workspace.next_due();
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
            req::DocumentHighlightRequest::METHOD => {
                let p: lsp_types::DocumentHighlightParams = parse(params)?;
                let at = &p.text_document_position_params;
                let answer = self.at(&at.text_document.uri, at.position, |a, found| {
                    found.map(|f| rename::highlights(a, f.span.file, &f, encoding))
                });
                to_value(answer.flatten())
            }
            req::PrepareRenameRequest::METHOD => {
                let p: lsp_types::TextDocumentPositionParams = parse(params)?;
                let answer = self.at(&p.text_document.uri, p.position, |a, found| {
                    found.map(|f| rename::prepare(a, &f, encoding))
                });
                match answer.flatten() {
                    Some(Ok(range)) => to_value(lsp_types::PrepareRenameResponse::Range(range)),
                    Some(Err(why)) => Err((ErrorCode::RequestFailed, why)),
                    None => Ok(Value::Null),
                }
            }
            req::Rename::METHOD => {
                let p: lsp_types::RenameParams = parse(params)?;
                let at = &p.text_document_position;
                let new_name = p.new_name.clone();
                let answer = self.at(&at.text_document.uri, at.position, |a, found| {
                    found.map(|f| rename::rename(a, &f, &new_name, encoding))
                });
                match answer.flatten() {
                    Some(Ok(edit)) => to_value(edit),
                    Some(Err(why)) => Err((ErrorCode::RequestFailed, why)),
                    None => Ok(Value::Null),
                }
            }
            req::SignatureHelpRequest::METHOD => {
                let p: lsp_types::SignatureHelpParams = parse(params)?;
                let at = &p.text_document_position_params;
                let help = self.with_file(&at.text_document.uri, |a, file| {
                    let offset = a.offset(file, at.position, encoding)?;
                    let before = a.text(file).get(..offset)?;
                    signature::signature_help(a, before)
                });
                to_value(help.flatten())
            }
            req::SemanticTokensFullRequest::METHOD => {
                let p: lsp_types::SemanticTokensParams = parse(params)?;
                let tokens = self.with_file(&p.text_document.uri, |a, file| {
                    lsp_types::SemanticTokensResult::Tokens(tokens::tokens(a, file, encoding))
                });
                to_value(tokens)
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
        let encoding = self.encoding;
        match method.as_str() {
            note::DidOpenTextDocument::METHOD => {
                if let Ok(p) = parse::<lsp_types::DidOpenTextDocumentParams>(params) {
                    let doc = p.text_document;
                    self.workspace.open(doc.uri.as_str(), doc.text, doc.version);
                }
            }
            note::DidChangeTextDocument::METHOD => {
                if let Ok(p) = parse::<lsp_types::DidChangeTextDocumentParams>(params) {
                    let doc = p.text_document;
                    self.workspace.change(
                        doc.uri.as_str(),
                        doc.version,
                        p.content_changes,
                        encoding,
                    );
                }
            }
            note::DidSaveTextDocument::METHOD => {
                if let Ok(p) = parse::<lsp_types::DidSaveTextDocumentParams>(params) {
                    self.workspace.save(p.text_document.uri.as_str(), p.text);
                }
            }
            note::DidCloseTextDocument::METHOD => {
                if let Ok(p) = parse::<lsp_types::DidCloseTextDocumentParams>(params)
                    && self.workspace.close(p.text_document.uri.as_str())
                {
                    // The editor no longer shows it: nothing is left on it.
                    self.publish(Published {
                        uri: p.text_document.uri.as_str().to_string(),
                        diagnostics: Vec::new(),
                        version: None,
                    });
                }
            }
            note::DidChangeWatchedFiles::METHOD => {
                if let Ok(p) = parse::<lsp_types::DidChangeWatchedFilesParams>(params) {
                    self.workspace
                        .files_changed(p.changes.iter().map(|c| c.uri.as_str()));
                }
            }
            _ => {}
        }
    }

    /// Checks every pack whose time has come, and publishes the results.
    fn check_due(&mut self) {
        for published in self.workspace.check_due(self.encoding) {
            self.publish(published);
        }
    }

    fn publish(&mut self, published: Published) {
        let Ok(uri) = published.uri.parse() else {
            return;
        };
        let params = lsp_types::PublishDiagnosticsParams {
            uri,
            diagnostics: published.diagnostics,
            version: published.version,
        };
        if let Ok(params) = serde_json::to_value(params) {
            self.send(Message::Notification(Notification {
                method: note::PublishDiagnostics::METHOD.to_string(),
                params,
            }));
        }
    }

    /// The analysis of the pack of `uri`, made current first (what that
    /// check finds is published before the answer), with the file's name.
    fn analysis(&mut self, uri: &str) -> Option<(&Analysis, String)> {
        let (key, name) = self.refresh(uri)?;
        Some((self.workspace.analysis(&key)?, name))
    }

    /// Makes the analysis of the pack of `uri` current, publishing what that
    /// check finds: the pack, and the file's name in it.
    fn refresh(&mut self, uri: &str) -> Option<(PackKey, String)> {
        let (key, name, published) = self.workspace.refresh(uri, self.encoding)?;
        for p in published {
            self.publish(p);
        }
        Some((key, name))
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
        let (key, name) = self.refresh(uri.as_str())?;
        let buffers = self.workspace.buffers(&key);
        let analysis = self.workspace.analysis(&key)?;
        let file = analysis.file(&name)?;
        let offset = analysis.offset(file, position, encoding)?;
        Some(complete::complete(
            &key, &buffers, &name, offset, analysis, encoding,
        ))
    }
}

fn parse<T: DeserializeOwned>(params: Value) -> Result<T, (ErrorCode, String)> {
    serde_json::from_value(params)
        .map_err(|e| (ErrorCode::InvalidParams, format!("invalid parameters: {e}")))
}

fn to_value(value: impl serde::Serialize) -> Result<Value, (ErrorCode, String)> {
    serde_json::to_value(value).map_err(|e| (ErrorCode::InternalError, e.to_string()))
}
