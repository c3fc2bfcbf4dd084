//! `preflight lsp` end to end: the real binary driven over stdio as an
//! editor drives it, on the embedded default pack's own files, with the
//! answers snapshotted.

#[path = "lsp/client.rs"]
mod client;

use std::path::{Path, PathBuf};

use client::{Client, position, uri_of};
use serde_json::{Value, json};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// An answer as a snapshot: pretty JSON with this checkout's path replaced.
fn shown(value: &Value) -> String {
    let text = serde_json::to_string_pretty(value).unwrap();
    text.replace(&uri_of(&root()), "file://<root>")
}

const NEW_RULE: &str = "
/// Typed by the test.
rule typing {
  for s in transfer.subscriptions
  require s.quantty > 0
}
";

#[test]
fn an_editor_session_on_the_default_pack() {
    let path = root().join("policies/csp/offers.policy");
    let uri = uri_of(&path);
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lsp = Client::start();

    let capabilities = lsp.initialize(&["utf-16"]);
    insta::assert_snapshot!("initialize", shown(&capabilities));

    // Opening the file: it is clean, and the server says so.
    lsp.open(&uri, &text);
    assert_eq!(lsp.diagnostics(&uri), json!([]));

    // Hover on `from`: its type, `Offer`, and the record's doc.
    let at = json!({"textDocument": {"uri": uri}, "position": position(&text, "let from", 0, 5)});
    let hover = lsp.request("textDocument/hover", at.clone());
    let markdown = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(markdown.contains("from: Offer"), "{markdown}");
    assert!(markdown.contains("An offer of the catalog"), "{markdown}");
    insta::assert_snapshot!("hover_from", shown(&hover["result"]));

    // The outline of the file.
    let symbols = lsp.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let outline: Vec<String> = symbols["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| format!("{} ({}) {}", s["name"], s["kind"], s["detail"]))
        .collect();
    insta::assert_snapshot!("document_symbols", outline.join("\n"));

    // Definition on `catalog` (in code, not in the file comment): its `data`.
    let catalog = position(&text, "in catalog.offers and", 0, 4);
    let definition = lsp.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri}, "position": catalog}),
    );
    let target = &definition["result"];
    assert!(
        target["uri"]
            .as_str()
            .unwrap()
            .ends_with("policies/csp/schema.policy"),
        "{target}"
    );
    let schema = std::fs::read_to_string(root().join("policies/csp/schema.policy")).unwrap();
    assert_eq!(
        target["range"]["start"],
        position(&schema, "data catalog:", 0, 5)
    );
    insta::assert_snapshot!("definition_catalog", shown(target));

    // References of `from` in its rule, its declaration first.
    let references = lsp.request(
        "textDocument/references",
        json!({"textDocument": {"uri": uri}, "position": position(&text, "let from", 0, 5), "context": {"includeDeclaration": true}}),
    );
    insta::assert_snapshot!("references_from", shown(&references["result"]));

    // Typing a rule at the end with a misspelt field: the diagnostic says
    // what to write, and a quick fix writes it.
    let end = position(&text, "", text.matches("").count() - 1, 0);
    lsp.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"range": {"start": end, "end": end}, "text": NEW_RULE}]}),
    );
    let diagnostics = lsp.diagnostics(&uri);
    let message = diagnostics[0]["message"].as_str().unwrap();
    assert!(message.contains("did you mean `quantity`"), "{message}");
    insta::assert_snapshot!("diagnostics_quantty", shown(&diagnostics));
    let typed = format!("{text}{NEW_RULE}");
    let misspelt = position(&typed, "quantty", 0, 3);
    let actions = lsp.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": {"start": misspelt, "end": misspelt}, "context": {"diagnostics": diagnostics}}),
    );
    assert_eq!(actions["result"][0]["title"], "change to `quantity`");
    insta::assert_snapshot!("code_action_quantty", shown(&actions["result"]));

    // Saving checks again (after the debounce), with the same result.
    lsp.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri}, "text": typed}),
    );
    assert_eq!(lsp.diagnostics(&uri), diagnostics);

    // Completion after `s.`: the fields of `Subscription`, with their types.
    let start = position(&typed, "quantty", 0, 0);
    let end = position(&typed, "quantty", 0, 7);
    lsp.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"range": {"start": start, "end": end}, "text": ""}]}),
    );
    let completion = lsp.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": start}),
    );
    let fields: Vec<String> = completion["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{}: {}",
                c["label"].as_str().unwrap(),
                c["detail"].as_str().unwrap()
            )
        })
        .collect();
    assert!(fields.contains(&"quantity: int".to_string()), "{fields:?}");
    insta::assert_snapshot!("completion_after_dot", fields.join("\n"));

    assert_eq!(lsp.stop(), Some(0));
}

#[test]
fn formatting_gives_the_edits_of_fmt_and_completion_offers_scope() {
    let dir = std::env::temp_dir().join(format!("preflight-lsp-session-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("pack.policy");
    let text = "record T { id: string, status: Status, note: string? }\nenum Status { \"open\", \"closed\" }\ninput t: T\nrule   r {\n  let n = 1\n  require t.status == \"\"\n  require    t.id != \"\"\n}\n";
    std::fs::write(&path, text).unwrap();
    let uri = uri_of(&path);
    let mut lsp = Client::start();
    lsp.initialize(&["utf-16"]);
    lsp.open(&uri, text);
    let _ = lsp.diagnostics(&uri);

    let formatting = lsp.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    insta::assert_snapshot!("formatting", shown(&formatting["result"]));
    let formatted = preflight::format::format_source("pack.policy", text).unwrap();
    assert_eq!(apply(text, &formatting["result"]), formatted);

    // Inside the string compared with `t.status`: the members of `Status`.
    let inside = position(text, "== \"\"", 0, 4);
    let members = lsp.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": inside}),
    );
    let labels = completion_labels(&members);
    assert_eq!(labels, ["open", "closed"]);

    // A string not closed yet: still the members.
    let unclosed = text.replace("== \"\"", "== \"op");
    lsp.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": unclosed}]}),
    );
    let inside = position(&unclosed, "== \"op", 0, 6);
    let members = lsp.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": inside}),
    );
    let labels = completion_labels(&members);
    assert_eq!(labels, ["open", "closed"], "{members}");
    let edit = &members["result"][0]["textEdit"];
    assert_eq!(
        edit["range"]["start"],
        position(&unclosed, "== \"op", 0, 4),
        "{edit}"
    );
    assert_eq!(edit["range"]["end"], inside, "{edit}");
    lsp.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"text": text}]}),
    );

    // At the start of the second `require`'s condition: `n` and `t` are in
    // scope, with the functions and keywords.
    let expression = position(text, "t.id", 0, 0);
    let items = lsp.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": expression}),
    );
    let labels = completion_labels(&items);
    for want in ["n", "t", "len", "require", "not"] {
        assert!(labels.contains(&want), "{want} in {labels:?}");
    }
    assert_eq!(lsp.stop(), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}

/// `text` with the edits of a formatting answer applied (UTF-16 columns,
/// ASCII text here).
fn apply(text: &str, edits: &Value) -> String {
    let offset = |p: &Value| {
        let line = p["line"].as_u64().unwrap() as usize;
        let column = p["character"].as_u64().unwrap() as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        start + column
    };
    let mut out = text.to_string();
    let mut edits: Vec<&Value> = edits.as_array().unwrap().iter().collect();
    edits.sort_by_key(|e| std::cmp::Reverse(offset(&e["range"]["start"])));
    for e in edits {
        let (s, t) = (offset(&e["range"]["start"]), offset(&e["range"]["end"]));
        out.replace_range(s..t, e["newText"].as_str().unwrap());
    }
    out
}

#[test]
fn positions_are_right_after_accents_and_emoji_in_both_encodings() {
    let dir = std::env::temp_dir().join(format!("preflight-lsp-positions-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("pack.policy");
    // On the rule's line, `c.idd` comes after a string with an accent and an
    // emoji: 2 + 4 bytes more than UTF-16 units... the column differs.
    let text = "/// Ein Vertrag für Kunden 🙂\nrecord Contract { id: string }\ninput c: Contract\nrule r { require c.id != \"é🙂\" or c.idd == \"\" }\n";
    std::fs::write(&path, text).unwrap();
    let uri = uri_of(&path);
    let line = text.lines().nth(3).unwrap();
    let idd = line.find("idd").unwrap();
    let utf16 = line[..idd].encode_utf16().count();
    assert_ne!(idd, utf16, "the fixture must tell the encodings apart");
    for (encoding, column) in [("utf-8", idd), ("utf-16", utf16)] {
        let mut lsp = Client::start();
        let capabilities = lsp.initialize(&[encoding]);
        assert_eq!(capabilities["capabilities"]["positionEncoding"], encoding);
        lsp.open(&uri, text);
        let diagnostics = lsp.diagnostics(&uri);
        let range = &diagnostics[0]["range"];
        assert_eq!(
            range["start"],
            json!({"line": 3, "character": column}),
            "{encoding}: {diagnostics}"
        );
        assert_eq!(
            range["end"],
            json!({"line": 3, "character": column + 3}),
            "{encoding}"
        );
        // And back: a hover at that column finds `c`'s field read… the
        // misspelt name has no hover, but `c` just before it has.
        let hover = lsp.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": 3, "character": column - 2}}),
        );
        let markdown = hover["result"]["contents"]["value"].as_str().unwrap_or("");
        assert!(
            markdown.contains("input c: Contract"),
            "{encoding}: {hover}"
        );
        assert!(
            markdown.contains("Ein Vertrag für Kunden 🙂"),
            "{encoding}: {hover}"
        );
        assert_eq!(lsp.stop(), Some(0));
    }
    // A client that offers nothing gets UTF-16, the protocol's default.
    let mut lsp = Client::start();
    let capabilities = lsp.initialize(&[]);
    assert_eq!(capabilities["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(lsp.stop(), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A pack with one name of every kind, each used once in a rule.
const KINDS: &str = r#"/// A contract.
record Contract {
  /// Its id.
  id: string,
  status: Status,
  lines: [Line],
  note: string?,
}
/// A line of a contract.
record Line { qty: int }
/// Where a contract stands.
enum Status {
  /// Signed by both sides.
  "signed",
  "draft",
}
/// The contract checked.
input c: Contract
/// Known ids.
data known: [string] = "known.json"
/// The fewest lines.
param min_lines: int = 1
/// Whether a contract is signed.
fn signed(x: Contract): bool = x.status == "signed"
/// Every contract is signed, with enough lines.
rule signed-contract {
  for l in c.lines
  let total = sum(m.qty for m in c.lines)
  when c has note
  require signed(c) and len(c.lines) >= min_lines and c.id in known and l.qty <= total
}
"#;

#[test]
fn every_kind_of_name_has_a_hover_and_a_definition() {
    let dir = std::env::temp_dir().join(format!("preflight-lsp-kinds-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("kinds.policy");
    std::fs::write(&path, KINDS).unwrap();
    let uri = uri_of(&path);
    let mut lsp = Client::start();
    lsp.initialize(&["utf-16"]);
    lsp.open(&uri, KINDS);
    assert_eq!(lsp.diagnostics(&uri), json!([]));
    let names = [
        ("record", "Contract {", 0),
        ("field", "id: string", 0),
        ("field read", "c.id in", 2),
        ("enum (as a type)", "status: Status", 8),
        ("member", "\"signed\",", 1),
        ("member (as a string)", "== \"signed\"", 4),
        ("input", "signed(c)", 7),
        ("data", "in known", 3),
        ("param", ">= min_lines", 3),
        ("function", "signed(c)", 0),
        ("function parameter", "x.status", 0),
        ("built-in", "len(c", 0),
        ("for variable", "l.qty", 0),
        ("let variable", "<= total", 3),
        ("generator variable", "m.qty", 0),
        ("rule", "signed-contract {", 0),
    ];
    let mut shown_answers = Vec::new();
    for (kind, needle, delta) in names {
        let at =
            json!({"textDocument": {"uri": uri}, "position": position(KINDS, needle, 0, delta)});
        let hover = lsp.request("textDocument/hover", at.clone());
        let markdown = hover["result"]["contents"]["value"]
            .as_str()
            .unwrap_or("(none)");
        let definition = lsp.request("textDocument/definition", at);
        let target = match &definition["result"] {
            Value::Null => "(none)".to_string(),
            d => format!("line {}", d["range"]["start"]["line"]),
        };
        shown_answers.push(format!(
            "## {kind} `{needle}`: definition {target}\n{markdown}\n"
        ));
    }
    insta::assert_snapshot!(
        "hover_and_definition_of_every_kind",
        shown_answers.join("\n")
    );

    // Rename: every occurrence, a member as a string; a rule id and a
    // built-in are refused, and so is a new name that is not a name.
    let rename = |lsp: &mut Client, needle: &str, delta: usize, new_name: &str| {
        lsp.request(
            "textDocument/rename",
            json!({"textDocument": {"uri": uri}, "position": position(KINDS, needle, 0, delta), "newName": new_name}),
        )
    };
    let edits = |answer: &Value| -> Vec<String> {
        let mut out: Vec<String> = answer["result"]["changes"][uri.as_str()]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                format!(
                    "{}:{} {}",
                    e["range"]["start"]["line"], e["range"]["start"]["character"], e["newText"]
                )
            })
            .collect();
        out.sort();
        out
    };
    let total = rename(&mut lsp, "<= total", 3, "sum_qty");
    let at = |needle: &str, delta: usize| {
        let p = position(KINDS, needle, 0, delta);
        format!("{}:{}", p["line"], p["character"])
    };
    let want = [
        format!("{} \"sum_qty\"", at("total =", 0)),
        format!("{} \"sum_qty\"", at("<= total", 3)),
    ];
    assert_eq!(edits(&total), want, "{total}");
    let member = rename(&mut lsp, "\"signed\",", 1, "agreed");
    let quoted = "\"\\\"agreed\\\"\"";
    let want = [
        format!("{} {quoted}", at("\"signed\",", 0)),
        format!("{} {quoted}", at("== \"signed\"", 3)),
    ];
    assert_eq!(edits(&member), want, "{member}");
    for (needle, delta, new_name) in [
        ("signed-contract {", 0, "x"),
        ("len(c", 0, "size"),
        ("<= total", 3, "not a name"),
        ("<= total", 3, "rule"),
    ] {
        let refused = rename(&mut lsp, needle, delta, new_name);
        assert_eq!(refused["error"]["code"], -32803, "{needle}: {refused}");
    }
    // Signature help inside a call: the pack function's signature and doc, a
    // built-in's signature, the argument at the cursor.
    let help = lsp.request(
        "textDocument/signatureHelp",
        json!({"textDocument": {"uri": uri}, "position": position(KINDS, "signed(c)", 0, 7)}),
    );
    let signature = &help["result"]["signatures"][0];
    assert_eq!(signature["label"], "signed(x: Contract): bool", "{help}");
    assert_eq!(
        signature["documentation"]["value"],
        "Whether a contract is signed."
    );
    assert_eq!(signature["parameters"][0]["label"], json!([7, 18]));
    assert_eq!(help["result"]["activeParameter"], 0);
    let help = lsp.request(
        "textDocument/signatureHelp",
        json!({"textDocument": {"uri": uri}, "position": position(KINDS, "len(c", 0, 4)}),
    );
    assert_eq!(
        help["result"]["signatures"][0]["label"], "len(list | map | string) -> int",
        "{help}"
    );
    let outside = lsp.request(
        "textDocument/signatureHelp",
        json!({"textDocument": {"uri": uri}, "position": position(KINDS, "and len", 0, 0)}),
    );
    assert_eq!(outside["result"], Value::Null, "{outside}");
    // Semantic tokens: each name by what it is (types and modifiers as the
    // legend of `initialize` numbers them).
    let tokens = lsp.request(
        "textDocument/semanticTokens/full",
        json!({"textDocument": {"uri": uri}}),
    );
    let data: Vec<u64> = tokens["result"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_u64().unwrap())
        .collect();
    let (mut line, mut column) = (0, 0);
    let mut decoded = Vec::new();
    for t in data.chunks(5) {
        if t[0] > 0 {
            column = 0;
        }
        line += t[0];
        column += t[1];
        let text: String = KINDS
            .lines()
            .nth(line as usize)
            .unwrap()
            .chars()
            .skip(column as usize)
            .take(t[2] as usize)
            .collect();
        decoded.push(format!("{text}: {} {}", t[3], t[4]));
    }
    for want in [
        "known: 4 3",
        "known: 4 2",
        "len: 6 4",
        "signed: 6 1",
        "signed: 6 0",
        "Contract: 0 1",
        "qty: 2 0",
        "\"signed\": 3 0",
        "x: 5 1",
    ] {
        assert!(decoded.iter().any(|d| d == want), "{want} in {decoded:?}");
    }
    let highlights = lsp.request(
        "textDocument/documentHighlight",
        json!({"textDocument": {"uri": uri}, "position": position(KINDS, "c.lines", 0, 0)}),
    );
    let kinds: Vec<i64> = highlights["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["kind"].as_i64().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [3, 2, 2, 2, 2, 2, 2],
        "the input's declaration, then each read: {highlights}"
    );
    assert_eq!(lsp.stop(), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The labels of a completion answer, in order.
fn completion_labels(answer: &Value) -> Vec<&str> {
    answer["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["label"].as_str().unwrap())
        .collect()
}
