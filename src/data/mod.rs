//! Stage 3, data: reading input and data files and conforming them to their types.
//!
//! Owns everything between bytes on disk and the [`crate::model::value::Value`]s the evaluator reads:
//! parsing JSON, JSONL and YAML into [`node::Node`] trees that remember where each
//! value is written ([`json`] and [`yaml`]; `json_lex` is the JSON lexer that
//! [`json`] shares with the streamed arrays of [`array_stream`]), splitting files into documents
//! ([`load`]), checking each document against its declared type and converting it
//! ([`conform`]), and finding a value's place again from its path ([`locate`]).
//! It never evaluates rules and never prints.

pub mod array_stream;
pub mod case_dir;
pub mod conform;
pub mod format;
pub mod hashing;
pub mod json;
mod json_lex;
pub mod jsonl;
pub mod load;
pub mod locate;
pub mod node;
pub mod read;
pub mod yaml;
