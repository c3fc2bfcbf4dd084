//! `preflight test`: run the test files of packs.

use std::io::Write;

use super::args::TestArgs;
use super::shared::{EXIT_FINDINGS, EXIT_OK, EXIT_TROUBLE};
use crate::report::diagnostics_human;
use crate::testing::{TestRun, run_pack};

pub(super) fn run(args: &TestArgs) -> u8 {
    let color = args.color.for_stdout();
    let render = |d: &[crate::diagnostic::Diagnostic], s: &crate::source::Sources| {
        diagnostics_human::render(d, s, color)
    };
    let mut out = String::new();
    let mut total = TestRun::default();
    if args.packs.is_empty() {
        let _ = writeln!(
            std::io::stderr(),
            "error: give the pack whose tests to run, e.g. `preflight test policies/csp`\n(the default pack's tests are in the source repository, not in the binary)"
        );
        return EXIT_TROUBLE;
    }
    for pack in &args.packs {
        let run = run_pack(pack, &mut out, &render);
        total.passed += run.passed;
        total.failed += run.failed;
        total.malformed |= run.malformed;
        if args.coverage {
            let never: Vec<&str> = run
                .coverage
                .iter()
                .filter(|(_, (_, failed))| !failed)
                .map(|(id, _)| id.as_str())
                .collect();
            let never_passed: Vec<&str> = run
                .coverage
                .iter()
                .filter(|(_, (passed, _))| !passed)
                .map(|(id, _)| id.as_str())
                .collect();
            out.push_str(&format!(
                "\ncoverage of `{}`: {} rule(s), {} seen failing, {} seen passing\n",
                pack.display(),
                run.coverage.len(),
                run.coverage.len() - never.len(),
                run.coverage.len() - never_passed.len()
            ));
            if never.is_empty() {
                out.push_str("every rule was seen failing\n");
            } else {
                out.push_str(&format!("never seen failing: {}\n", never.join(", ")));
            }
            if !never_passed.is_empty() {
                out.push_str(&format!(
                    "never seen passing: {}\n",
                    never_passed.join(", ")
                ));
            }
        }
    }
    out.push_str(&format!(
        "\n{} passed, {} failed\n",
        total.passed, total.failed
    ));
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    if total.malformed {
        EXIT_TROUBLE
    } else if total.failed > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}
