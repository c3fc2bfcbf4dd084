//! `preflight lsp` on arbitrary text: the bytes are a policy (an unsaved
//! buffer, so nothing is read from disk), opened in a session that then asks
//! every question (hover, definition, completion, signature help,
//! references, highlights, rename, code actions) at positions spread over
//! the text, in both position encodings, and edits it; the first byte also
//! picks whether the bytes are instead sent raw as the frames of a session.
//! The server must answer without panicking, and end when the input does.

#![no_main]

use libfuzzer_sys::fuzz_target;
use preflight::lsp::server::Server;
use preflight::lsp::transport::read_frames;
use serde_json::{Value, json};

fn frame(out: &mut Vec<u8>, message: &Value) {
    let body = message.to_string();
    out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
    out.extend_from_slice(body.as_bytes());
}

fn session(text: &str, encoding: &str) -> Vec<u8> {
    let uri = "untitled:fuzz.policy";
    let mut out = Vec::new();
    let mut id = 0;
    let mut request = |out: &mut Vec<u8>, method: &str, params: Value| {
        id += 1;
        frame(out, &json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
    };
    request(&mut out, "initialize", json!({"capabilities": {"general": {"positionEncodings": [encoding]}}}));
    frame(&mut out, &json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "preflight", "version": 1, "text": text}}}));
    let lines: Vec<&str> = text.split('\n').collect();
    let step = (lines.len() / 8).max(1);
    for (line, content) in lines.iter().enumerate().step_by(step).take(12) {
        for character in [0, content.len() / 2, content.len(), content.len() + 3] {
            let at = json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}});
            for method in [
                "textDocument/hover",
                "textDocument/definition",
                "textDocument/completion",
                "textDocument/documentHighlight",
                "textDocument/prepareRename",
                "textDocument/signatureHelp",
            ] {
                request(&mut out, method, at.clone());
            }
            let mut references = at.clone();
            references["context"] = json!({"includeDeclaration": true});
            request(&mut out, "textDocument/references", references);
            let mut rename = at.clone();
            rename["newName"] = json!(if line % 2 == 0 { "renamed" } else { "a \"b" });
            request(&mut out, "textDocument/rename", rename);
            let range = json!({"start": {"line": line, "character": 0}, "end": {"line": line, "character": character}});
            request(&mut out, "textDocument/codeAction", json!({"textDocument": {"uri": uri}, "range": range, "context": {"diagnostics": []}}));
        }
    }
    request(&mut out, "textDocument/documentSymbol", json!({"textDocument": {"uri": uri}}));
    request(&mut out, "textDocument/semanticTokens/full", json!({"textDocument": {"uri": uri}}));
    request(&mut out, "textDocument/formatting", json!({"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": true}}));
    // An edit in the middle, then the questions once more at its place.
    let middle = json!({"line": lines.len() / 2, "character": 1});
    frame(&mut out, &json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"range": {"start": middle, "end": middle}, "text": "s."}]}}));
    request(&mut out, "textDocument/completion", json!({"textDocument": {"uri": uri}, "position": {"line": lines.len() / 2, "character": 3}}));
    request(&mut out, "shutdown", Value::Null);
    frame(&mut out, &json!({"jsonrpc": "2.0", "method": "exit"}));
    out
}

fn serve(frames: &[u8]) {
    let (to, from) = std::sync::mpsc::channel();
    read_frames(frames, &to);
    drop(to);
    let mut server = Server::new(Vec::new());
    let _ = server.run(&from);
}

fuzz_target!(|bytes: &[u8]| {
    match bytes.split_first() {
        Some((0, raw)) => serve(raw),
        Some((selector, rest)) => {
            let text = String::from_utf8_lossy(rest);
            let encoding = if selector % 2 == 0 { "utf-8" } else { "utf-16" };
            serve(&session(&text, encoding));
        }
        None => {}
    }
});
