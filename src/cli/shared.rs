//! What every command shares: exit codes, the pack named by `-p`, the width
//! reports are laid out for, and the stack of the threads that evaluate.

use std::path::PathBuf;

/// Stack of each thread that evaluates documents (see `check`); the main
/// thread's is set in `main.rs`.
pub const WORKER_STACK_BYTES: usize = 64 * 1024 * 1024;

/// Exit code: everything checked, nothing to report.
pub const EXIT_OK: u8 = 0;
/// Exit code: findings at or above the failing severity.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code: the run could not be trusted.
pub const EXIT_TROUBLE: u8 = 2;

/// The width to render reports at: `COLUMNS`, else 100.
pub(crate) fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|w| *w >= 40)
        .unwrap_or(100)
}

/// The packs given with `-p`, or, without any, the default pack compiled into
/// the binary.
pub(crate) fn load_pack(paths: &[PathBuf]) -> crate::pack::Pack {
    use crate::pack::{BUILTIN_SCHEME, Pack};
    let builtin = |p: &PathBuf| {
        p.to_str()
            .and_then(|s| s.strip_prefix(BUILTIN_SCHEME))
            .map(str::to_string)
    };
    match paths {
        [] => Pack::embedded(),
        [one] => match builtin(one) {
            Some(name) => Pack::builtin(&name),
            None => Pack::load(paths),
        },
        _ if paths.iter().any(|p| builtin(p).is_some()) => Pack::failed(
            crate::diagnostic::Diagnostic::error(
                crate::diagnostic::Code::Usage,
                "`-p builtin:NAME` names a whole pack and cannot be combined with another `-p`",
            )
            .help("copy the embedded pack's files into a directory to extend it, or give only `-p builtin:NAME`"),
        ),
        _ => Pack::load(paths),
    }
}
