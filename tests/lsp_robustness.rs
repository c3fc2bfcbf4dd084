//! `preflight lsp` under abuse: malformed frames, unknown methods, bad
//! parameters, positions outside the file, files that are not UTF-8. After
//! each, the server must still answer the next request, and end cleanly.

#[path = "lsp/client.rs"]
mod client;

use client::{Client, uri_of};
use serde_json::{Value, json};

fn pack_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("preflight-lsp-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const POLICY: &str = "record T { id: string }\ninput t: T\nrule r { require t.id != \"\" }\n";

/// Hover on `t` of the rule: proof that the server still answers.
fn still_answers(lsp: &mut Client, uri: &str) {
    let hover = lsp.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 2, "character": 17}}),
    );
    let markdown = hover["result"]["contents"]["value"].as_str().unwrap_or("");
    assert!(markdown.contains("input t: T"), "{hover}");
}

#[test]
fn malformed_frames_get_errors_and_the_session_goes_on() {
    let dir = pack_dir("frames");
    let path = dir.join("a.policy");
    std::fs::write(&path, POLICY).unwrap();
    let uri = uri_of(&path);
    let mut lsp = Client::start();
    // A request before `initialize` is refused, not answered.
    let early = lsp.request("textDocument/hover", json!({}));
    assert_eq!(early["error"]["code"], -32002, "{early}");
    lsp.initialize(&[]);
    lsp.open(&uri, POLICY);
    assert_eq!(lsp.diagnostics(&uri), json!([]));

    // Every error answer, for the snapshot of what the client is told.
    let mut told: Vec<String> = vec![format!(
        "{}: {}",
        early["error"]["code"], early["error"]["message"]
    )];
    let null_id_error = |lsp: &mut Client, code: i64, told: &mut Vec<String>| {
        let answer = lsp.answer(&Value::Null);
        assert_eq!(answer["error"]["code"], code, "{answer}");
        told.push(format!("{code}: {}", answer["error"]["message"]));
    };
    // A body that is not JSON.
    lsp.send_raw(b"Content-Length: 8\r\n\r\n{\"jsonrp");
    null_id_error(&mut lsp, -32700, &mut told);
    still_answers(&mut lsp, &uri);
    // Bytes that are not UTF-8 inside the JSON.
    lsp.send_raw(b"Content-Length: 12\r\n\r\n{\"a\":\"\xff\xfe\"}\r\n");
    null_id_error(&mut lsp, -32700, &mut told);
    still_answers(&mut lsp, &uri);
    // A header block without a length, and a line that is no header.
    lsp.send_raw(b"Content-Type: x\r\n\r\nnot a header\r\n\r\n");
    null_id_error(&mut lsp, -32700, &mut told);
    null_id_error(&mut lsp, -32700, &mut told);
    still_answers(&mut lsp, &uri);
    // JSON that is no message; then one with an id but no method.
    lsp.send_raw(b"Content-Length: 3\r\n\r\n[1]");
    null_id_error(&mut lsp, -32600, &mut told);
    lsp.send(&json!({"jsonrpc": "2.0", "id": 77, "params": {}}));
    let answer = lsp.answer(&json!(77));
    assert_eq!(answer["error"]["code"], -32600, "{answer}");
    told.push(format!("-32600 (id 77): {}", answer["error"]["message"]));
    still_answers(&mut lsp, &uri);
    // A method the server does not serve, and one with parameters of the
    // wrong shape.
    let unknown = lsp.request("textDocument/teleport", json!({}));
    assert_eq!(unknown["error"]["code"], -32601, "{unknown}");
    let bad = lsp.request("textDocument/hover", json!({"textDocument": 5}));
    assert_eq!(bad["error"]["code"], -32602, "{bad}");
    told.push(format!("-32601: {}", unknown["error"]["message"]));
    told.push(format!("-32602: {}", bad["error"]["message"]));
    insta::assert_snapshot!("protocol_errors", told.join("\n"));
    // A string id is answered with that id.
    lsp.send(&json!({"jsonrpc": "2.0", "id": "abc", "method": "textDocument/documentSymbol", "params": {"textDocument": {"uri": uri}}}));
    let answer = lsp.answer(&json!("abc"));
    assert!(answer["result"].is_array(), "{answer}");
    // Notifications the server does not know, or with bad parameters, are ignored.
    lsp.notify("$/unknownNotification", json!({}));
    lsp.notify("textDocument/didChange", json!({"textDocument": 1}));
    still_answers(&mut lsp, &uri);
    assert_eq!(lsp.stop(), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn positions_outside_the_file_get_empty_answers() {
    let dir = pack_dir("positions");
    let path = dir.join("a.policy");
    std::fs::write(&path, POLICY).unwrap();
    let uri = uri_of(&path);
    let mut lsp = Client::start();
    lsp.initialize(&["utf-8"]);
    lsp.open(&uri, POLICY);
    let _ = lsp.diagnostics(&uri);
    for method in [
        "textDocument/hover",
        "textDocument/definition",
        "textDocument/completion",
    ] {
        for position in [
            json!({"line": 999, "character": 0}),
            json!({"line": 0, "character": 4_000_000_000u64}),
        ] {
            let answer = lsp.request(
                method,
                json!({"textDocument": {"uri": uri}, "position": position}),
            );
            assert!(
                answer.get("error").is_none(),
                "{method} {position}: {answer}"
            );
        }
    }
    let references = lsp.request(
        "textDocument/references",
        json!({"textDocument": {"uri": uri}, "position": {"line": 999, "character": 9}, "context": {"includeDeclaration": true}}),
    );
    assert_eq!(references["result"], Value::Null, "{references}");
    // A file the server never saw: answered from disk, or with nothing.
    let other = uri_of(&dir.join("missing.policy"));
    let hover = lsp.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": other}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(hover["result"], Value::Null, "{hover}");
    let hover = lsp.request("textDocument/hover", json!({"textDocument": {"uri": "http://example.invalid/x"}, "position": {"line": 0, "character": 0}}));
    assert_eq!(hover["result"], Value::Null, "{hover}");
    // A change whose range is past the end is clamped: the text grows at its end.
    lsp.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"range": {"start": {"line": 50, "character": 0}, "end": {"line": 60, "character": 3}}, "text": "rule extra { require t.id == \"x\" }\n"}]}),
    );
    let symbols = lsp.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let names: Vec<&str> = symbols["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["T", "t", "r", "extra"]);
    still_answers(&mut lsp, &uri);
    assert_eq!(lsp.stop(), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_file_of_the_pack_that_is_not_utf8_is_reported_where_its_bad_byte_is() {
    let dir = pack_dir("utf8");
    let path = dir.join("a.policy");
    std::fs::write(&path, POLICY).unwrap();
    // The sibling declares an enum, with a byte that is not UTF-8 in a comment.
    std::fs::write(dir.join("b.policy"), b"// caf\xe9\nenum E { \"x\" }\n").unwrap();
    let uri = uri_of(&path);
    let sibling = uri_of(&dir.join("b.policy"));
    let mut lsp = Client::start();
    lsp.initialize(&[]);
    lsp.open(&uri, POLICY);
    assert_eq!(lsp.diagnostics(&uri), json!([]));
    // The sibling is not open, and still its problem is published on it, at
    // the bad byte (read as one replacement character).
    let problems = lsp.diagnostics(&sibling);
    assert_eq!(problems[0]["code"], "preflight::io", "{problems}");
    assert_eq!(
        problems[0]["range"],
        json!({"start": {"line": 0, "character": 6}, "end": {"line": 0, "character": 7}})
    );
    // Opened and fixed in the editor, the buffer replaces the file, and the
    // problem goes away.
    lsp.open(&sibling, "// cafe\nenum E { \"x\" }\n");
    assert_eq!(lsp.diagnostics(&sibling), json!([]));
    still_answers(&mut lsp, &uri);
    // An exit without shutdown ends with 1, as the protocol says.
    assert_eq!(lsp.exit(), Some(1));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_end_of_input_ends_the_server() {
    let mut lsp = Client::start();
    lsp.initialize(&[]);
    drop(lsp);
}

#[test]
fn a_buffer_not_on_disk_yet_is_checked_with_the_files_beside_it() {
    let dir = pack_dir("unsaved");
    std::fs::write(dir.join("a.policy"), POLICY).unwrap();
    let new = uri_of(&dir.join("new.policy"));
    let mut lsp = Client::start();
    lsp.initialize(&[]);
    // `t` and `T` are declared by the file on disk.
    lsp.open(&new, "rule fresh { require len(t.id) > 0 }\n");
    assert_eq!(lsp.diagnostics(&new), json!([]));
    // A typo in it is reported on it, with the name the other file declares.
    lsp.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": new, "version": 2}, "contentChanges": [{"text": "rule fresh { require len(tt.id) > 0 }\n"}]}),
    );
    let diagnostics = lsp.diagnostics(&new);
    assert_eq!(
        diagnostics[0]["code"], "preflight::unknown-name",
        "{diagnostics}"
    );
    assert!(
        diagnostics[0]["message"]
            .as_str()
            .unwrap()
            .contains("did you mean `t`"),
        "{diagnostics}"
    );
    // An unsaved buffer that is no file at all is a pack of its own.
    let untitled = "untitled:Untitled-1";
    lsp.open(
        untitled,
        "record R { x: int }\ninput r: R\nrule q { require r.x > 0 }\n",
    );
    assert_eq!(lsp.diagnostics(untitled), json!([]));
    assert_eq!(lsp.stop(), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}
