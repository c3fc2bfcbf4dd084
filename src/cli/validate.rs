//! `preflight validate`: load and check packs, report every problem.

use std::io::Write;

use serde::Serialize;

use super::args::{OutputFormat, ValidateArgs};
use super::shared::{EXIT_OK, EXIT_TROUBLE};
use crate::report::{diagnostics_human, diagnostics_json};

#[derive(Serialize)]
struct Output {
    version: u32,
    valid: bool,
    /// The pack digest (signoff.md §3), when the pack and its data loaded.
    #[serde(skip_serializing_if = "Option::is_none")]
    digest: Option<String>,
    errors: Vec<diagnostics_json::JsonDiagnostic>,
    summary: Summary,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    rules: usize,
    errors: usize,
    warnings: usize,
}

pub(super) fn run(args: &ValidateArgs) -> u8 {
    let mut pack = super::shared::load_pack(&args.policy);
    pack.check_default_data_files();
    let mut digest = None;
    if pack.is_ok() {
        // The default data files' contents must conform to their types.
        let (sources, problems, pack_digest) = crate::run::validate_data(&pack);
        digest = pack_digest;
        if !problems.is_empty() {
            pack.sources = sources;
            // Warnings (near misses in an open record) are shown; only an
            // error makes the pack unusable.
            if problems.iter().any(crate::diagnostic::Diagnostic::is_error) {
                pack.program = None;
            }
            pack.diagnostics.extend(problems);
        }
    }
    let errors = pack.error_count();
    let warnings = pack.diagnostics.len() - errors;
    let rules = pack.program.as_ref().map_or(0, |p| p.rules.len());
    let files = pack.sources.iter().count();
    let code = if pack.is_ok() { EXIT_OK } else { EXIT_TROUBLE };
    let digest = digest.filter(|_| pack.is_ok());
    match args.format {
        OutputFormat::Human => {
            let text = diagnostics_human::render(
                &pack.diagnostics,
                &pack.sources,
                args.color.for_stderr(),
            );
            let mut stderr = std::io::stderr().lock();
            let _ = stderr.write_all(text.as_bytes());
            if pack.is_ok() {
                let warned = if warnings > 0 {
                    format!(", {warnings} warning(s)")
                } else {
                    String::new()
                };
                // A closed pipe (`| head`) is not an error worth a panic.
                let digest = digest.map_or(String::new(), |d| format!("\ndigest: {d}"));
                let _ = writeln!(
                    std::io::stdout().lock(),
                    "ok: {rules} rule(s) in {files} file(s){warned}{digest}"
                );
            } else {
                let _ = writeln!(
                    stderr,
                    "error: the pack has {errors} error(s){}",
                    if warnings > 0 {
                        format!(" and {warnings} warning(s)")
                    } else {
                        String::new()
                    }
                );
            }
        }
        OutputFormat::Json => {
            let output = Output {
                version: 1,
                valid: pack.is_ok(),
                digest: digest.map(|d| d.to_string()),
                errors: diagnostics_json::diagnostics(&pack.diagnostics, &pack.sources),
                summary: Summary {
                    files,
                    rules,
                    errors,
                    warnings,
                },
            };
            match serde_json::to_string_pretty(&output) {
                Ok(json) => {
                    let _ = writeln!(std::io::stdout().lock(), "{json}");
                }
                Err(e) => {
                    let _ = writeln!(std::io::stderr().lock(), "error: cannot write JSON: {e}");
                    return EXIT_TROUBLE;
                }
            }
        }
    }
    code
}
