//! Stage 1, syntax: policy text in, AST out.
//!
//! Owns the pest grammar binding, the lowering of pest pairs into [`ast`], and the
//! syntax diagnostics (parse errors in words, targeted help for common slips,
//! nesting limits). It knows nothing of types or names: that is `check/`.

pub mod ast;
mod expr;
mod grammar;
pub mod literal;
mod lower;
mod parse_error;
mod prescan;

pub use expr::{MAX_EXPR_DEPTH, MAX_OPERATOR_CHAIN};
pub use prescan::MAX_BRACKET_DEPTH;

use pest::Parser as _;

use crate::diagnostic::Diagnostic;
use crate::source::FileId;

/// Parses one policy file. Always returns an AST (empty when the text does not
/// parse) together with every problem found; the AST of a file with problems is
/// still useful to the checker, which reports what it can.
pub fn parse(file: FileId, text: &str) -> (ast::File, Vec<Diagnostic>) {
    let early = prescan::prescan(file, text);
    if !early.is_empty() {
        return (ast::File::default(), early);
    }
    pest::set_error_detail(true);
    match grammar::PolicyParser::parse(grammar::Rule::file, text) {
        Ok(mut pairs) => {
            let lowerer = lower::Lowerer::new(file);
            let ast = pairs.next().map(|p| lowerer.file(p)).unwrap_or_default();
            (ast, lowerer.diags.into_inner())
        }
        Err(error) => (ast::File::default(), vec![parse_error::parse_error(file, text, &error)]),
    }
}
