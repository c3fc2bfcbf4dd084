//! The pest parser generated from `grammar/preflight.pest`.
//!
//! Nothing outside `syntax/` sees pest types: lowering turns pairs into the AST.

#![allow(missing_docs, reason = "the Rule enum is generated from the grammar")]

/// The generated parser; [`Rule`] has one variant per grammar rule.
#[derive(pest_derive::Parser)]
#[grammar = "../grammar/preflight.pest"]
pub(crate) struct PolicyParser;
