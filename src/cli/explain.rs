//! `preflight explain RULE`: one rule in full.

use std::io::Write;

use super::args::ExplainArgs;
use super::shared::{EXIT_OK, EXIT_TROUBLE};
use crate::report::{diagnostics_human, rules};

pub(super) fn run(args: &ExplainArgs) -> u8 {
    let pack = super::shared::load_pack(&args.policy);
    let color = args.color.for_stderr();
    let Some(program) = pack.program.as_ref() else {
        let text = diagnostics_human::render(&pack.diagnostics, &pack.sources, color);
        let _ = std::io::stderr().write_all(text.as_bytes());
        return EXIT_TROUBLE;
    };
    match rules::explain(program, &pack.sources, &args.rule) {
        Ok(text) => {
            let _ = std::io::stdout().write_all(text.as_bytes());
            EXIT_OK
        }
        Err(d) => {
            let text = diagnostics_human::render(&[d], &pack.sources, color);
            let _ = std::io::stderr().write_all(text.as_bytes());
            EXIT_TROUBLE
        }
    }
}
