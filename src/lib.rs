//! preflight: a policy language and checker for pre-flight checks.
//!
//! A *pack* of `.policy` files declares the shape of the data it checks and rules
//! over it. This crate parses and checks packs ([`syntax`], [`check`]) and reports
//! every problem as a [`diagnostic::Diagnostic`]. See `ARCHITECTURE.md` for the map.

#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod check;
pub mod cli;
pub mod data;
pub mod diagnostic;
pub mod eval;
pub mod format;
pub mod limits;
pub mod lsp;
pub mod model;
pub mod pack;
pub mod report;
pub mod run;
pub mod signoff;
pub mod source;
pub mod suggest;
pub mod syntax;
pub mod testing;
