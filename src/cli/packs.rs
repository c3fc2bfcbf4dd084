//! `preflight packs`: the packs embedded in the binary, each selectable with
//! `-p builtin:NAME`.

use std::io::Write;

use serde::Serialize;

use super::args::{OutputFormat, PacksArgs};
use super::shared::{EXIT_OK, EXIT_TROUBLE};
use crate::pack::{BUILTIN_SCHEME, DEFAULT_PACK, Pack, builtin_description, builtin_names};
use crate::report::diagnostics_human;

/// One embedded pack as `packs --format json` lists it.
#[derive(Debug, Serialize)]
struct PackEntry {
    /// The name after `builtin:`.
    name: &'static str,
    /// What `-p` takes to select it.
    selector: String,
    /// Whether it is the pack used without `-p`.
    default: bool,
    /// How many rules it has.
    rules: usize,
    /// The first sentence of its file comment.
    description: String,
}

pub(super) fn run(args: &PacksArgs) -> u8 {
    let mut entries = Vec::new();
    for name in builtin_names() {
        let pack = Pack::builtin(name);
        let Some(program) = pack.program.as_ref() else {
            // An embedded pack that does not load is a broken build.
            let text = diagnostics_human::render(
                &pack.diagnostics,
                &pack.sources,
                args.color.for_stderr(),
            );
            let _ = std::io::stderr().write_all(text.as_bytes());
            return EXIT_TROUBLE;
        };
        entries.push(PackEntry {
            name,
            selector: format!("{BUILTIN_SCHEME}{name}"),
            default: name == DEFAULT_PACK,
            rules: program.rules.len(),
            description: builtin_description(name),
        });
    }
    let out = match args.format {
        OutputFormat::Human => {
            let w0 = entries
                .iter()
                .map(|e| e.name.len())
                .max()
                .unwrap_or(0)
                .max(4);
            let mut out = format!("{:<w0$}  {:>5}  {}\n", "pack", "rules", "what it checks");
            for e in &entries {
                let default = if e.default { " (default)" } else { "" };
                out.push_str(&format!(
                    "{:<w0$}  {:>5}  {}{default}\n",
                    e.name, e.rules, e.description
                ));
            }
            out.push_str(&format!(
                "\nselect one with `-p {BUILTIN_SCHEME}NAME`; without `-p`, `{DEFAULT_PACK}` is used\n"
            ));
            out
        }
        OutputFormat::Json => {
            // A bare array, one object per pack: the shape scripts rely on.
            serde_json::to_string_pretty(&entries).unwrap_or_default() + "\n"
        }
    };
    let _ = std::io::stdout().write_all(out.as_bytes());
    EXIT_OK
}
