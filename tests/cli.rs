//! The `preflight` binary as users run it: exit codes, output streams, JSON shape.

use std::process::{Command, Output};

fn preflight(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args(args)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn valid_pack_exits_zero() {
    let out = preflight(&["validate", "-p", "examples/quickstart"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "ok: 3 rule(s) in 1 file(s)\n");
    assert!(out.stderr.is_empty());
}

#[test]
fn invalid_pack_exits_two_with_diagnostics_on_stderr() {
    let out = preflight(&[
        "validate",
        "--color",
        "never",
        "-p",
        "tests/ui/multi/errors-in-several-rules.policy",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    insta::assert_snapshot!("validate_human_errors", text(&out.stderr));
}

#[test]
fn json_lists_every_error_with_its_location() {
    let out = preflight(&[
        "validate",
        "--format",
        "json",
        "-p",
        "tests/ui/multi/errors-in-several-rules.policy",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    assert_eq!(json["version"], 1);
    assert_eq!(json["valid"], false);
    let errors = json["errors"].as_array().expect("errors is an array");
    assert_eq!(errors.len(), 4);
    let first = &errors[0];
    assert_eq!(first["code"], "preflight::unknown-field");
    assert_eq!(first["message"], "unknown field `idd` on `Plan`");
    assert_eq!(
        first["location"]["file"],
        "tests/ui/multi/errors-in-several-rules.policy"
    );
    assert_eq!(first["location"]["line"], 8);
    assert_eq!(first["location"]["column"], 16);
    assert_eq!(json["summary"]["errors"], 4);
}

#[test]
fn json_for_a_valid_pack() {
    let out = preflight(&["validate", "-f", "json", "-p", "examples/quickstart"]);
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    assert_eq!(json["valid"], true);
    assert_eq!(json["errors"], serde_json::json!([]));
    assert_eq!(json["summary"]["rules"], 3);
}

#[test]
fn warnings_do_not_fail_validation() {
    let out = preflight(&[
        "validate",
        "-p",
        "tests/ui/parse/doc-comment-documents-nothing.policy",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stderr).contains("preflight::doc-comment"));
    assert!(text(&out.stdout).contains("2 warning(s)"));
}

#[test]
fn packs_given_twice_are_merged() {
    let out = preflight(&[
        "validate",
        "-p",
        "tests/ui/valid/split-across-files.pack/schema.policy",
        "-p",
        "tests/ui/valid/split-across-files.pack/rules.policy",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn missing_pack_is_an_io_error() {
    let out = preflight(&["validate", "-p", "no/such/pack"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("preflight::io"), "{stderr}");
    assert!(
        stderr.contains("cannot read pack `no/such/pack`: no such file or directory"),
        "{stderr}"
    );
}

#[test]
fn no_pack_given_is_explained() {
    let out = preflight(&["validate"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("give a pack directory or a `.policy` file with `-p PATH`"));
}

#[test]
fn bad_command_line_exits_two() {
    let out = preflight(&["validate", "--format", "yaml"]);
    assert_eq!(out.status.code(), Some(2));
    let out = preflight(&["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn help_shows_an_example() {
    let out = preflight(&["validate", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("Example: preflight validate -p"));
}
