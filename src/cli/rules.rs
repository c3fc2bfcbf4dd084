//! `preflight rules`: list the pack's rules.

use std::io::Write;

use super::args::{OutputFormat, RulesArgs};
use super::shared::{EXIT_OK, EXIT_TROUBLE};
use crate::report::{diagnostics_human, rules};

pub(super) fn run(args: &RulesArgs) -> u8 {
    let pack = super::shared::load_pack(&args.policy);
    let Some(program) = pack.program.as_ref() else {
        let text =
            diagnostics_human::render(&pack.diagnostics, &pack.sources, args.color.for_stderr());
        let _ = std::io::stderr().write_all(text.as_bytes());
        return EXIT_TROUBLE;
    };
    let out = match args.format {
        OutputFormat::Human => rules::table(program, &pack.sources),
        OutputFormat::Json => {
            let value = serde_json::json!({
                "version": 1,
                "rules": rules::entries(program, &pack.sources),
                "functions": rules::function_entries(program, &pack.sources),
            });
            serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
        }
    };
    let _ = std::io::stdout().write_all(out.as_bytes());
    EXIT_OK
}
