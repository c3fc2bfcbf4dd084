//! `preflight fmt`: rewrite policy files in the canonical layout.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::args::FmtArgs;
use super::shared::{EXIT_FINDINGS, EXIT_OK, EXIT_TROUBLE};
use crate::format::format_source;
use crate::report::diagnostics_human;

pub(super) fn run(args: &FmtArgs) -> u8 {
    let mut files = Vec::new();
    let roots: Vec<PathBuf> = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let mut stderr = std::io::stderr().lock();
    let mut trouble = false;
    for root in &roots {
        if root.is_dir() {
            collect(root, &mut files, &mut trouble);
        } else if root.is_file() {
            files.push(root.clone());
        } else {
            let _ = writeln!(
                stderr,
                "error: `{}`: no such file or directory",
                root.display()
            );
            trouble = true;
        }
    }
    files.sort();
    let mut unformatted = Vec::new();
    for file in &files {
        let name = file.display().to_string();
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => {
                let _ = writeln!(
                    stderr,
                    "error: cannot read `{name}`: {}",
                    crate::source::io_reason(&e)
                );
                trouble = true;
                continue;
            }
        };
        match format_source(&name, &text) {
            Ok(formatted) if formatted == text => {}
            Ok(formatted) => {
                if args.check {
                    unformatted.push(name);
                } else if let Err(e) = std::fs::write(file, formatted) {
                    let _ = writeln!(
                        stderr,
                        "error: cannot write `{name}`: {}",
                        crate::source::io_reason(&e)
                    );
                    trouble = true;
                } else {
                    let _ = writeln!(std::io::stdout(), "formatted {name}");
                }
            }
            Err((sources, diagnostics)) => {
                let text =
                    diagnostics_human::render(&diagnostics, &sources, args.color.for_stderr());
                let _ = stderr.write_all(text.as_bytes());
                // The formatter's own safety net is not a problem of the file.
                let why = if diagnostics
                    .iter()
                    .any(|d| d.message == crate::format::CHANGES_MEANING)
                {
                    "formatting it would have changed what it says"
                } else {
                    "it does not parse"
                };
                let _ = writeln!(stderr, "error: `{name}` was not formatted: {why}");
                trouble = true;
            }
        }
    }
    for name in &unformatted {
        let _ = writeln!(std::io::stdout(), "would reformat {name}");
    }
    if trouble {
        EXIT_TROUBLE
    } else if !unformatted.is_empty() {
        let _ = writeln!(
            stderr,
            "{} file(s) not in the canonical layout; run `preflight fmt` to fix them",
            unformatted.len()
        );
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// The `.policy` files under `dir`, recursively (`target/`, hidden directories
/// and links to directories skipped).
fn collect(dir: &Path, out: &mut Vec<PathBuf>, trouble: &mut bool) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            let _ = writeln!(
                std::io::stderr(),
                "error: cannot read `{}`: {}",
                dir.display(),
                crate::source::io_reason(&e)
            );
            *trouble = true;
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        // The entry's own type: symbolic links to directories are not followed,
        // so a link loop cannot make the walk endless.
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            if !name.starts_with('.') && name != "target" {
                collect(&path, out, trouble);
            }
        } else if path.extension().is_some_and(|e| e == "policy") && path.is_file() {
            out.push(path);
        }
    }
}
