#![allow(dead_code, reason = "each target uses part of this module")]

//! What every fuzz target does with a result: render it in every output form,
//! because reports are where hostile input meets miette, SARIF and terminals.

use preflight::data::read::Input;
use preflight::model::program::Program;
use preflight::pack::Pack;
use preflight::report::{
    diagnostics_human, diagnostics_json, findings_github, findings_human, findings_json,
    findings_junit, findings_sarif,
};
use preflight::run::{self, Checked, Options};

/// Renders a pack's diagnostics as the human and JSON forms do.
pub fn render_pack(pack: &Pack) {
    let _ = diagnostics_human::render(&pack.diagnostics, &pack.sources, false);
    let _ = diagnostics_json::diagnostics(&pack.diagnostics, &pack.sources);
}

/// Renders a run in every form `check` has; returns the JSON form (for
/// determinism checks).
pub fn render_checked(checked: &Checked, program: &Program) -> String {
    let _ = diagnostics_human::render(&checked.errors, &checked.sources, false);
    let _ = findings_human::render(checked, program, true, false, 80);
    let signoff = preflight::signoff::SignOff::default();
    let _ = findings_sarif::render(checked, program, &signoff);
    let _ = findings_junit::render(checked, program, &signoff);
    let _ = findings_github::render(checked, program, &signoff);
    let output = findings_json::output(checked, program, &[], true, &signoff);
    serde_json::to_string(&output).unwrap_or_default()
}

/// Checks `bytes` as one input of `format` with a fixed date, everything kept.
pub fn check_bytes(
    pack: &Pack,
    bytes: &[u8],
    format: preflight::data::format::Format,
    name: &str,
    data: &[(String, std::path::PathBuf)],
) -> Checked {
    let options = Options {
        data: data.to_vec(),
        params: Vec::new(),
        today: Some("2026-03-01".into()),
        keep: preflight::eval::Keep::All,
        input_format: Some(format),
        ..Options::default()
    };
    let input = Input::Memory {
        name: name.into(),
        bytes: bytes.to_vec(),
        format,
    };
    run::check(pack, &[input], &options)
}
