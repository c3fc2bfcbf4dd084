//! `preflight lsp`: the checker in the pack author's editor, over the
//! Language Server Protocol on standard input and output.
//!
//! The server owns no knowledge of its own: it reads a pack as `-p DIR`
//! would (with the editor's buffers in place of their files), checks it
//! with an index of names (`model/index.rs`, filled by `check/index.rs`),
//! and answers from that. One session is one thread: frames are read on
//! another ([`transport`]) and queued, so that a pack is checked once after
//! a burst of keystrokes (the debounce of `workspace.rs`), and a request
//! always sees the text as it is.
//!
//! - `transport.rs`: frames, robust to malformed ones;
//! - `server.rs`: the session (reading, dispatch, answers);
//! - `workspace.rs`: the buffers, their packs, when each is due (the debounce);
//! - `analysis.rs`: one pack checked, and the name at a position;
//! - `text.rs`: UTF-8/UTF-16 positions; `uri.rs`: `file:` URIs;
//! - one file per answer: `publish.rs` (diagnostics), `hover.rs`,
//!   `navigate.rs` (definition, references, outline), `complete.rs`,
//!   `edits.rs` (formatting, quick fixes), `rename.rs` (rename, highlights),
//!   `signature.rs` (signature help), `tokens.rs` (semantic tokens),
//!   `capabilities.rs`.

pub mod analysis;
mod capabilities;
mod complete;
mod edits;
mod hover;
mod navigate;
mod publish;
mod rename;
pub mod server;
mod signature;
pub mod text;
mod tokens;
pub mod transport;
mod uri;
mod workspace;
