//! `preflight schema`: the pack's input type as JSON Schema.

use std::io::Write;

use super::args::SchemaArgs;
use super::shared::{EXIT_OK, EXIT_TROUBLE};
use crate::report::{diagnostics_human, json_schema};

pub(super) fn run(args: &SchemaArgs) -> u8 {
    let pack = super::shared::load_pack(&args.policy);
    let Some(program) = pack.program.as_ref() else {
        let text =
            diagnostics_human::render(&pack.diagnostics, &pack.sources, args.color.for_stderr());
        let _ = std::io::stderr().write_all(text.as_bytes());
        return EXIT_TROUBLE;
    };
    let schema = json_schema::input_schema(program);
    let text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    let _ = writeln!(std::io::stdout(), "{text}");
    EXIT_OK
}
