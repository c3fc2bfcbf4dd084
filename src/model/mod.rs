//! The model: the vocabulary every stage shares, owned by none of them.
//!
//! The checker builds a [`program::Program`] over the [`types::Schema`] the pack
//! declares; the data loader conforms documents to that schema and makes
//! [`value::Value`]s; the evaluator runs the program over those values and names
//! what it read by [`path::Path`]; reports turn paths back into places. Each of
//! those stages imports this module, and this module imports none of them, so
//! `check/` and `eval/` are siblings over it rather than one reaching into the
//! other.

pub mod date;
pub mod datetime;
pub mod digest;
pub mod index;
pub mod path;
pub mod program;
pub mod types;
pub mod value;
