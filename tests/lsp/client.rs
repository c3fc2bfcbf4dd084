//! A minimal LSP client that drives the real `preflight lsp` binary over its
//! standard input and output, as an editor does. Included by the session
//! and robustness tests, each of which uses part of it.
#![allow(
    dead_code,
    reason = "each test that includes this file uses part of it"
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::Duration;

use serde_json::{Value, json};

/// How long any answer may take before the test fails (generous: CI
/// machines are slow, and nothing here is a timing test).
const PATIENCE: Duration = Duration::from_secs(30);

pub struct Client {
    child: Child,
    input: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
    /// Notifications received while waiting for answers, oldest first.
    pub notifications: Vec<Value>,
}

impl Client {
    pub fn start() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_preflight"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(if std::env::var_os("PREFLIGHT_LSP_TEST_STDERR").is_some() {
                Stdio::inherit()
            } else {
                Stdio::null()
            })
            .spawn()
            .expect("preflight lsp starts");
        let input = child.stdin.take().unwrap();
        let output = child.stdout.take().unwrap();
        let (to, messages) = channel();
        std::thread::spawn(move || {
            let mut output = BufReader::new(output);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if output.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = n.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.expect("every frame has a Content-Length")];
                if output.read_exact(&mut body).is_err() {
                    return;
                }
                let value: Value = serde_json::from_slice(&body).expect("the server writes JSON");
                if to.send(value).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            input,
            messages,
            next_id: 0,
            notifications: Vec::new(),
        }
    }

    /// Writes raw bytes, as a broken client might.
    pub fn send_raw(&mut self, bytes: &[u8]) {
        self.input.write_all(bytes).unwrap();
        self.input.flush().unwrap();
    }

    pub fn send(&mut self, message: &Value) {
        let body = message.to_string();
        let frame = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        self.send_raw(frame.as_bytes());
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and waits for its answer (`result` or `error`).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.answer(&json!(id))
    }

    /// Waits for the answer with this id.
    pub fn answer(&mut self, id: &Value) -> Value {
        loop {
            let message = self.next();
            if message.get("method").is_none() && message.get("id") == Some(id) {
                return message;
            }
            self.notifications.push(message);
        }
    }

    /// The next message the server writes.
    pub fn next(&mut self) -> Value {
        match self.messages.recv_timeout(PATIENCE) {
            Ok(m) => m,
            Err(RecvTimeoutError::Timeout) => panic!("no message from the server in {PATIENCE:?}"),
            Err(RecvTimeoutError::Disconnected) => panic!("the server closed its output"),
        }
    }

    /// Waits for the next diagnostics published for `uri`, taking earlier
    /// ones from the notifications already received.
    pub fn diagnostics(&mut self, uri: &str) -> Value {
        let is_for = |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        };
        if let Some(i) = self.notifications.iter().position(is_for) {
            return self.notifications.remove(i)["params"]["diagnostics"].clone();
        }
        loop {
            let message = self.next();
            if is_for(&message) {
                return message["params"]["diagnostics"].clone();
            }
            self.notifications.push(message);
        }
    }

    /// `initialize` (offering these position encodings) and `initialized`;
    /// the server's capabilities.
    pub fn initialize(&mut self, encodings: &[&str]) -> Value {
        let answer = self.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": null,
                "capabilities": {"general": {"positionEncodings": encodings}},
            }),
        );
        self.notify("initialized", json!({}));
        answer["result"].clone()
    }

    pub fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "preflight", "version": 1, "text": text}}),
        );
    }

    /// `shutdown`, `exit`, and the exit code.
    pub fn stop(mut self) -> Option<i32> {
        let answer = self.request("shutdown", Value::Null);
        assert_eq!(answer["result"], Value::Null, "{answer}");
        self.notify("exit", Value::Null);
        wait(&mut self.child)
    }
}

impl Client {
    /// `exit` without `shutdown`, and the exit code.
    pub fn exit(mut self) -> Option<i32> {
        self.notify("exit", Value::Null);
        wait(&mut self.child)
    }
}

/// The process's exit code, waiting at most [`PATIENCE`].
pub fn wait(child: &mut Child) -> Option<i32> {
    let start = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code();
        }
        if start.elapsed() > PATIENCE {
            let _ = child.kill();
            panic!("the server did not exit");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The `file:` URI of a path (the test paths have no characters to escape
/// but spaces).
pub fn uri_of(path: &std::path::Path) -> String {
    format!("file://{}", path.display().to_string().replace(' ', "%20"))
}

/// The position (line, UTF-16 column) of the `nth` occurrence of `needle` in
/// `text`, plus `delta` characters.
#[allow(
    dead_code,
    reason = "used by one of the two tests that include this file"
)]
pub fn position(text: &str, needle: &str, nth: usize, delta: usize) -> Value {
    let offset = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("`{needle}` occurs {nth}+ times"))
        .0;
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let column = before.rsplit('\n').next().unwrap().encode_utf16().count() + delta;
    json!({"line": line, "character": column})
}
