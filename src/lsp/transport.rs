//! JSON-RPC frames over standard input, read so that a bad frame costs one
//! error answer and not the session.
//!
//! `lsp-server`'s own stdio transport stops at the first malformed payload;
//! an editor's server must go on answering, so frames are read here and
//! only the messages are `lsp-server`'s.

use std::io::{BufRead, Read};
use std::sync::mpsc::Sender;

use lsp_server::{Message, RequestId};

/// The largest header line read; a longer one is not a header.
const MAX_HEADER_LINE: usize = 8 * 1024;

/// The largest message body accepted (a policy file is at most 8 MiB, and
/// JSON escaping can double it).
pub const MAX_BODY: usize = 32 * 1024 * 1024;

/// What the reader found in one frame.
#[derive(Debug)]
pub enum Incoming {
    /// A well-formed message.
    Message(Message),
    /// A frame that is not a message: why, and the id of the request it was,
    /// when that much could be read (the answer is an error with that id, or
    /// with a null id).
    Malformed {
        /// JSON-RPC's code for it: parse error or invalid request.
        code: i32,
        /// Said to the client.
        reason: String,
        /// The request's id, when the body had one.
        id: Option<RequestId>,
    },
}

/// Reads frames from `input` until it ends, sending each to `to`; stops
/// early when the receiving side is gone.
pub fn read_frames(mut input: impl BufRead, to: &Sender<Incoming>) {
    loop {
        let length = match read_header(&mut input) {
            Header::Length(n) => n,
            Header::Bad(reason) => {
                let bad = Incoming::Malformed {
                    code: lsp_server::ErrorCode::ParseError as i32,
                    reason,
                    id: None,
                };
                if to.send(bad).is_err() {
                    return;
                }
                continue;
            }
            Header::End => return,
        };
        if length > MAX_BODY {
            // Skip it: reading on from its middle would only find garbage.
            let skipped =
                std::io::copy(&mut (&mut input).take(length as u64), &mut std::io::sink());
            let reason = format!("a message of {length} bytes is over the limit of {MAX_BODY}");
            let bad = Incoming::Malformed {
                code: lsp_server::ErrorCode::InvalidRequest as i32,
                reason,
                id: None,
            };
            if skipped.is_err() || to.send(bad).is_err() {
                return;
            }
            continue;
        }
        let mut body = vec![0; length];
        if input.read_exact(&mut body).is_err() {
            return;
        }
        if to.send(parse_body(&body)).is_err() {
            return;
        }
    }
}

/// What a header block said.
enum Header {
    Length(usize),
    Bad(String),
    End,
}

/// Reads header lines up to the empty line that ends them.
fn read_header(input: &mut impl BufRead) -> Header {
    let mut length = None;
    let mut problem = None;
    let mut any = false;
    loop {
        let mut line = Vec::new();
        match (&mut *input)
            .take(MAX_HEADER_LINE as u64)
            .read_until(b'\n', &mut line)
        {
            Ok(0) | Err(_) => return Header::End,
            Ok(_) => {}
        }
        if !line.ends_with(b"\n") {
            // Over-long: drop the rest of the line.
            let mut rest = Vec::new();
            if input.read_until(b'\n', &mut rest).is_err() {
                return Header::End;
            }
            problem = Some("a header line is too long".to_string());
            continue;
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if !any {
                // Blank lines between frames are tolerated.
                continue;
            }
            return match (problem, length) {
                (Some(p), _) => Header::Bad(p),
                (None, Some(n)) => Header::Length(n),
                (None, None) => Header::Bad("a message without `Content-Length`".to_string()),
            };
        }
        any = true;
        match text.split_once(':') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => {
                match value.trim().parse::<usize>() {
                    Ok(n) => length = Some(n),
                    Err(_) => {
                        problem = Some(format!(
                            "`Content-Length: {}` is not a length",
                            value.trim()
                        ));
                    }
                }
            }
            Some(_) => {}
            None => problem = Some(format!("`{}` is not a header", truncate(text, 80))),
        }
    }
}

/// A message from the bytes of one body.
fn parse_body(body: &[u8]) -> Incoming {
    if let Err(e) = std::str::from_utf8(body) {
        return Incoming::Malformed {
            code: lsp_server::ErrorCode::ParseError as i32,
            reason: format!(
                "the message is not UTF-8 text (byte {} is not)",
                e.valid_up_to()
            ),
            id: None,
        };
    }
    let value: serde_json::Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => {
            return Incoming::Malformed {
                code: lsp_server::ErrorCode::ParseError as i32,
                reason: format!("the message is not JSON: {e}"),
                id: None,
            };
        }
    };
    let id = value
        .get("id")
        .and_then(|id| serde_json::from_value::<RequestId>(id.clone()).ok());
    // `Message` is read untagged, and serde reads a struct from an array too:
    // only an object with a method, or with a result or an error, is one.
    let shaped = value.as_object().is_some_and(|o| {
        o.get("method").is_some_and(serde_json::Value::is_string)
            || (o.contains_key("id") && (o.contains_key("result") || o.contains_key("error")))
    });
    if !shaped {
        return Incoming::Malformed {
            code: lsp_server::ErrorCode::InvalidRequest as i32,
            reason: "the message is not a JSON-RPC request, response or notification".to_string(),
            id,
        };
    }
    match serde_json::from_value::<Message>(value) {
        Ok(message) => Incoming::Message(message),
        Err(e) => Incoming::Malformed {
            code: lsp_server::ErrorCode::InvalidRequest as i32,
            reason: format!("the message is not a JSON-RPC request, response or notification: {e}"),
            id,
        },
    }
}

fn truncate(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((i, _)) => text.get(..i).unwrap_or(text),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8]) -> Vec<Incoming> {
        let (to, from) = std::sync::mpsc::channel();
        read_frames(input, &to);
        drop(to);
        from.into_iter().collect()
    }

    #[test]
    fn a_bad_frame_is_reported_and_the_next_one_is_read() {
        let good = r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#;
        let input = format!(
            "Content-Length: 5\r\n\r\n{{oops\
             garbage line\r\n\r\n\
             Content-Length: 3\r\n\r\n[1]\
             Content-Length: {}\r\n\r\n{good}",
            good.len()
        );
        let got = frames(input.as_bytes());
        let kinds: Vec<String> = got
            .iter()
            .map(|i| match i {
                Incoming::Message(m) => format!("message {m:?}"),
                Incoming::Malformed { code, .. } => format!("malformed {code}"),
            })
            .collect();
        assert_eq!(kinds.len(), 4, "{kinds:?}");
        assert!(kinds[0].starts_with("malformed -32700"), "{kinds:?}");
        assert!(kinds[1].starts_with("malformed -32700"), "{kinds:?}");
        assert!(kinds[2].starts_with("malformed -32600"), "{kinds:?}");
        assert!(kinds[3].contains("shutdown"), "{kinds:?}");
    }

    #[test]
    fn a_body_cut_short_ends_the_stream() {
        assert!(frames(b"Content-Length: 99\r\n\r\n{}").is_empty());
    }
}
