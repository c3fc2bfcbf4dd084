//! Documents made of directories, through the real binary: every output form
//! points into the file each value came from, a batch of directories is
//! reported in the order given, and `preflight test` takes a directory as a
//! test's input. (The human and JSON forms of these cases, with every error a
//! directory can have, are snapshots in `tests/check/case-directories/`.)

use std::path::Path;
use std::process::Command;

use serde_json::Value;

const DIR: &str = "tests/check/case-directories";

fn preflight(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(DIR))
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn check(form: &str, cases: &[&str]) -> (i32, String) {
    let mut args = vec!["check", "-p", "../_case_pack", "-f", form];
    args.extend_from_slice(cases);
    preflight(&args)
}

#[test]
fn json_findings_and_values_point_into_each_file() {
    let (code, out) = check("json", &["cases/bad"]);
    assert_eq!(code, 1, "{out}");
    let json: Value = serde_json::from_str(&out).unwrap();
    let findings = json["findings"].as_array().unwrap();
    let file_of = |rule: &str| {
        findings
            .iter()
            .find(|f| f["rule"] == rule)
            .map(|f| f["location"]["file"].as_str().unwrap_or("").to_string())
            .unwrap_or_default()
    };
    assert_eq!(file_of("quantity-unchanged"), "cases/bad/transfer.json");
    assert_eq!(file_of("customer-country"), "cases/bad/customer.yaml");
    let quantity = findings
        .iter()
        .find(|f| f["rule"] == "quantity-unchanged")
        .unwrap();
    assert_eq!(quantity["location"]["line"], 8);
    assert_eq!(quantity["document"], "cases/bad");
    // A value read from another file of the case points into that file.
    let known = findings
        .iter()
        .find(|f| f["rule"] == "known-subscription")
        .unwrap();
    let files: Vec<&str> = known["values"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v["location"]["file"].as_str())
        .collect();
    assert!(files.contains(&"cases/bad/transfer.json"), "{files:?}");
    assert!(files.contains(&"cases/bad/subscriptions.yaml"), "{files:?}");
}

#[test]
fn sarif_junit_and_github_point_into_each_file() {
    let (code, sarif) = check("sarif", &["cases/bad"]);
    assert_eq!(code, 1);
    let sarif: Value = serde_json::from_str(&sarif).unwrap();
    let uris: Vec<String> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap_or("")
                .to_string()
        })
        .collect();
    assert!(
        uris.iter().any(|u| u.ends_with("cases/bad/transfer.json")),
        "{uris:?}"
    );
    assert!(
        uris.iter().any(|u| u.ends_with("cases/bad/customer.yaml")),
        "{uris:?}"
    );

    let (_, github) = check("github", &["cases/bad"]);
    assert!(
        github.contains("file=cases/bad/transfer.json,line=8"),
        "{github}"
    );
    assert!(
        github.contains("file=cases/bad/customer.yaml,line=1"),
        "{github}"
    );

    let (_, junit) = check("junit", &["cases/bad"]);
    assert!(junit.contains("cases/bad/transfer.json:8"), "{junit}");
    assert!(junit.contains("cases/bad/customer.yaml"), "{junit}");
}

#[test]
fn a_batch_of_directories_is_reported_in_the_order_given() {
    for order in [
        ["cases/good", "cases/bad", "cases/no-customer"],
        ["cases/no-customer", "cases/bad", "cases/good"],
    ] {
        let (code, out) = check("json", &order);
        assert_eq!(code, 1);
        let json: Value = serde_json::from_str(&out).unwrap();
        let docs: Vec<&str> = json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| f["document"].as_str())
            .collect();
        assert!(docs.iter().all(|d| *d == "cases/bad"), "{docs:?}");
        assert_eq!(json["summary"]["documents"], 3, "{}", json["summary"]);
    }
    // `cases/*/` in a shell gives trailing slashes: the document keeps the
    // directory's name without them, and its files are named once.
    let (_, out) = check("json", &["cases/bad/"]);
    let json: Value = serde_json::from_str(&out).unwrap();
    for finding in json["findings"].as_array().unwrap() {
        assert_eq!(finding["document"], "cases/bad", "{finding}");
        let file = finding["location"]["file"].as_str().unwrap();
        assert!(
            file.starts_with("cases/bad/") && !file.contains("//"),
            "{file}"
        );
    }
    // A directory among files and a missing one: the others are still checked.
    let (code, out) = check("json", &["cases/good", "cases/empty", "cases/bad"]);
    assert_eq!(code, 2);
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["findings"].as_array().unwrap().len(), 3);
}

#[test]
fn test_takes_a_directory_as_input() {
    let (code, out) = preflight(&["test", "../_case_pack", "--coverage"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("3 passed, 0 failed"), "{out}");
}
