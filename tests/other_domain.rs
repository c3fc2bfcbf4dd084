//! A pack of another domain: `examples/terraform-plan/`, rules over the JSON
//! that `terraform show -json` prints. The plans hold far more keys than the
//! pack declares (open records), `null` for unset attributes, nested blocks as
//! lists; the real binary checks them, and the findings point at the lines of
//! the values in the plan file.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/terraform-plan")
}

/// Runs the binary in `examples/terraform-plan/`, so that reports name the
/// plans `plans/….json`.
fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args(args)
        .current_dir(example())
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The 1-based line and column (in characters) of `needle` in the plan's
/// `resource_changes` (an address also appears in `planned_values` and
/// `prior_state`, which come before): the first occurrence on or after the line of
/// each of `anchors` in turn. The column is that of the needle's first character.
fn place_in(file: &str, anchors: &[&str], needle: &str) -> (u64, u64) {
    let lines: Vec<&str> = file.lines().collect();
    let mut start = lines
        .iter()
        .position(|l| *l == r#"  "resource_changes": ["#)
        .expect("the plan has resource changes");
    for anchor in anchors {
        start += lines[start..]
            .iter()
            .position(|l| l.contains(anchor))
            .unwrap_or_else(|| panic!("`{anchor}` is in the resource changes"));
    }
    for (i, line) in lines.iter().enumerate().skip(start) {
        if let Some(byte) = line.find(needle) {
            return (i as u64 + 1, line[..byte].chars().count() as u64 + 1);
        }
    }
    panic!("`{needle}` after {anchors:?} is in the plan")
}

/// `place_in` with one anchor.
fn place(file: &str, anchor: &str, needle: &str) -> (u64, u64) {
    place_in(file, &[anchor], needle)
}

/// The place of the `{` that opens the object whose first key is the line holding
/// `anchor` (a finding whose location is its subject).
fn opening_of(file: &str, anchor: &str) -> (u64, u64) {
    let (line, _) = place(file, anchor, anchor);
    let above = file.lines().nth(line as usize - 2).unwrap();
    assert_eq!(
        above.trim(),
        "{",
        "`{anchor}` is the first key of its object"
    );
    (line - 1, above.find('{').unwrap() as u64 + 1)
}

#[test]
fn the_clean_plan_has_no_finding() {
    let out = run(&["check", "-p", "policy", "plans/clean.json"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("no findings"), "{stdout}");
    // Nothing in the plan made a warning either (no near miss of a declared key).
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
}

#[test]
fn the_risky_plan_reports_each_planted_problem_where_its_value_is_written() {
    let out = run(&["check", "-p", "policy", "-f", "json", "plans/risky.json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(
        report["errors"],
        Value::Array(Vec::new()),
        "no problem of the run"
    );
    let plan = std::fs::read_to_string(example().join("plans/risky.json")).unwrap();

    // (rule, subject, expected place, a piece of the message)
    let expected: Vec<(&str, &str, (u64, u64), &str)> = vec![
        (
            "allowed-instance-type",
            "/resource_changes/4",
            place(
                &plan,
                r#""address": "aws_instance.app[0]""#,
                r#""p3.2xlarge""#,
            ),
            "aws_instance.app[0] would run on p3.2xlarge",
        ),
        (
            "ebs-encrypted",
            "/resource_changes/6",
            place(&plan, r#""address": "aws_ebs_volume.scratch""#, "false,"),
            "aws_ebs_volume.scratch: the 500 GiB volume in eu-west-1b",
        ),
        (
            "move-needs-moved-block",
            "/resource_changes/2",
            opening_of(&plan, r#""address": "aws_s3_bucket.logs""#),
            "while module.storage.aws_s3_bucket.logs",
        ),
        (
            "no-open-admin-port",
            "/resource_changes/8/change/after/ingress/0",
            place_in(
                &plan,
                &[
                    r#""address": "module.network.aws_security_group.admin""#,
                    r#""ingress": ["#,
                    r#""cidr_blocks": ["#,
                ],
                "[",
            ),
            "reach port(s) [22]",
        ),
        (
            "no-unplanned-destroy",
            "/resource_changes/2",
            place(
                &plan,
                r#""address": "aws_s3_bucket.logs""#,
                r#""aws_s3_bucket.logs""#,
            ),
            "aws_s3_bucket.logs (aws_s3_bucket) would be destroyed",
        ),
        (
            "no-unplanned-destroy",
            "/resource_changes/5",
            place(
                &plan,
                r#""address": "aws_instance.worker""#,
                r#""aws_instance.worker""#,
            ),
            "would be replaced",
        ),
        (
            "no-unplanned-destroy",
            "/resource_changes/7",
            place(
                &plan,
                r#""address": "aws_iam_role.deploy""#,
                r#""aws_iam_role.deploy""#,
            ),
            "aws_iam_role.deploy (aws_iam_role) would be destroyed",
        ),
        (
            "required-tags",
            "/resource_changes/0",
            opening_of(&plan, r#""address": "aws_s3_bucket.assets""#),
            "no value for the tag(s) [cost-center]",
        ),
        (
            "s3-not-public",
            "/resource_changes/1",
            place(
                &plan,
                r#""address": "aws_s3_bucket_acl.assets""#,
                r#""public-read""#,
            ),
            "canned ACL public-read",
        ),
    ];

    let findings = report["findings"].as_array().expect("findings");
    let got: Vec<(&str, &str)> = findings
        .iter()
        .map(|f| (f["rule"].as_str().unwrap(), f["subject"].as_str().unwrap()))
        .collect();
    let want: Vec<(&str, &str)> = expected.iter().map(|e| (e.0, e.1)).collect();
    assert_eq!(got, want, "the planted problems, and nothing else");

    for (finding, (rule, subject, (line, column), words)) in findings.iter().zip(&expected) {
        let location = &finding["location"];
        assert_eq!(location["file"], "plans/risky.json", "{rule} {subject}");
        assert_eq!(
            (location["line"].as_u64(), location["column"].as_u64()),
            (Some(*line), Some(*column)),
            "{rule} {subject}: {location}"
        );
        let message = finding["message"].as_str().unwrap();
        assert!(message.contains(words), "{rule} {subject}: {message}");
        assert!(
            finding["help"].as_str().is_some_and(|h| !h.is_empty()),
            "{rule} has help"
        );
    }
    assert_eq!(report["summary"]["findings"]["error"], 8);
    assert_eq!(report["summary"]["findings"]["warning"], 1);

    // The human form names the rules too, and the same exit code.
    let human = run(&["check", "-p", "policy", "plans/risky.json"]);
    assert_eq!(human.status.code(), Some(1));
    let stdout = text(&human.stdout);
    for rule in [
        "no-unplanned-destroy",
        "move-needs-moved-block",
        "required-tags",
        "s3-not-public",
        "ebs-encrypted",
        "allowed-instance-type",
        "no-open-admin-port",
    ] {
        assert!(stdout.contains(rule), "{rule} in\n{stdout}");
    }
}

#[test]
fn allowing_the_destructions_leaves_the_other_findings() {
    let out = run(&[
        "check",
        "-p",
        "policy",
        "-f",
        "json",
        "--param",
        "destroy_allowed=aws_iam_role.deploy,aws_instance.*,aws_s3_bucket.logs",
        "plans/risky.json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(!rules.contains(&"no-unplanned-destroy"), "{rules:?}");
    assert!(rules.contains(&"move-needs-moved-block"), "{rules:?}");
}

#[test]
fn the_pack_validates_and_passes_its_own_tests_with_full_coverage() {
    let out = run(&["validate", "-p", "policy"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = run(&["test", "policy", "--coverage"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("every rule was seen failing"), "{stdout}");
    assert!(stdout.contains(" 0 failed"), "{stdout}");
}
