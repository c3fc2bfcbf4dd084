//! Arbitrary bytes as a waiver file (`--waivers`), read against the default
//! CSP pack on a fixed date, then applied to the failing example plan's run
//! and rendered in every output form that shows waivers.
//!
//! Properties: nothing panics; a file with an error applies no waiver (the
//! run keeps every finding unwaived); every problem renders.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use preflight::pack::Pack;
use preflight::report::{diagnostics_human, findings_github, findings_json, findings_junit, findings_sarif};
use preflight::signoff::judge_run;
use preflight::signoff::waivers::{WaiverContext, load_files};

mod common;

fn pack() -> &'static Pack {
    static PACK: OnceLock<Pack> = OnceLock::new();
    PACK.get_or_init(Pack::embedded)
}

const PLAN: &[u8] = include_bytes!("../../examples/csp/failing-plan.yaml");

fuzz_target!(|bytes: &[u8]| {
    let pack = pack();
    let Some(program) = pack.program.as_ref() else {
        return;
    };
    // The file must be on disk: waivers are read the way `--waivers` reads them.
    let path = std::env::temp_dir().join(format!("preflight-fuzz-waivers-{}.yaml", std::process::id()));
    if std::fs::write(&path, bytes).is_err() {
        return;
    }
    let mut checked = common::check_bytes(
        pack,
        PLAN,
        preflight::data::format::Format::Yaml,
        "examples/csp/failing-plan.yaml",
        &[],
    );
    let context = WaiverContext {
        program,
        today: preflight::model::date::parse_date("2026-03-01").unwrap(),
        max_days: 365,
    };
    let (waivers, problems) = load_files(&[&path], context, &mut checked.sources);
    let _ = diagnostics_human::render(&problems, &checked.sources, false);
    let broken = problems.iter().any(preflight::diagnostic::Diagnostic::is_error);
    assert!(!broken || waivers.is_empty(), "a file with an error applies no waiver");
    let given = waivers.len();
    let signoff = judge_run(&mut checked, program, waivers, None, None);
    assert_eq!(signoff.waivers.len(), given);
    let _ = findings_sarif::render(&checked, program, &signoff);
    let _ = findings_junit::render(&checked, program, &signoff);
    let _ = findings_github::render(&checked, program, &signoff);
    let _ = serde_json::to_string(&findings_json::output(&checked, program, &problems, true, &signoff));
});
