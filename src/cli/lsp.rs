//! `preflight lsp`: the language server, on standard input and output.

use super::args::LspArgs;

pub(super) fn run(_args: &LspArgs) -> u8 {
    // Standard input and output are the only transport; `--stdio` says so.
    u8::try_from(crate::lsp::server::serve()).unwrap_or(1)
}
