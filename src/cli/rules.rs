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
    // The digest a change board compares with a report's provenance: over the
    // policy files and the default data files (what `check` reads without
    // `--data`). `None` when a data file cannot be read (`validate` says why).
    let (_, _, digest) = crate::run::validate_data(&pack);
    let digest_text = digest.map(|d| d.to_string());
    let out = match args.format {
        OutputFormat::Human => {
            let mut out = rules::table(program, &pack.sources);
            out.push_str(&match &digest_text {
                Some(d) => format!("\npack {}, digest {d}\n", pack.name()),
                None => format!(
                    "\npack {}: no digest, a default data file could not be read (`preflight validate` says why)\n",
                    pack.name()
                ),
            });
            out
        }
        OutputFormat::Json => {
            let value = serde_json::json!({
                "version": 1,
                "pack": {"name": pack.name(), "digest": digest_text},
                "rules": rules::entries(program, &pack.sources),
                "functions": rules::function_entries(program, &pack.sources),
            });
            serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
        }
    };
    let _ = std::io::stdout().write_all(out.as_bytes());
    EXIT_OK
}
