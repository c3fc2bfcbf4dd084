//! The packs embedded in the binary: `preflight packs` lists them, and
//! `-p builtin:NAME` selects one wherever `-p` is accepted.

use std::process::Command;

use serde_json::Value;

fn preflight(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn packs_lists_the_embedded_packs_with_their_rule_counts() {
    let (code, out, _) = preflight(&["packs", "-f", "json"]);
    assert_eq!(code, 0);
    let json: Value = serde_json::from_str(&out).unwrap();
    let packs = json.as_array().expect("a bare array of packs");
    let csp = packs
        .iter()
        .find(|p| p["name"] == "csp")
        .expect("csp is embedded");
    assert_eq!(csp["default"], true);
    assert_eq!(csp["selector"], "builtin:csp");
    let (_, rules, _) = preflight(&["rules", "-f", "json"]);
    let rules: Value = serde_json::from_str(&rules).unwrap();
    assert_eq!(csp["rules"], rules["rules"].as_array().unwrap().len());
    assert!(!csp["description"].as_str().unwrap().is_empty());
    let (code, human, _) = preflight(&["packs"]);
    assert_eq!(code, 0);
    assert!(
        human.contains("csp") && human.contains("(default)"),
        "{human}"
    );
}

#[test]
fn builtin_selects_an_embedded_pack_for_every_command() {
    let ids = |args: &[&str]| {
        let (code, out, _) = preflight(args);
        assert_eq!(code, 0);
        let json: Value = serde_json::from_str(&out).unwrap();
        json["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["id"].to_string(), r["line"].to_string()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ids(&["rules", "-f", "json"]),
        ids(&["rules", "-f", "json", "-p", "builtin:csp"])
    );
    for args in [
        &["validate", "-p", "builtin:csp"][..],
        &["explain", "-p", "builtin:csp", "license-count"],
        &["schema", "-p", "builtin:csp"],
        &[
            "check",
            "-p",
            "builtin:csp",
            "examples/csp/clean-plan.yaml",
            "--today",
            "2026-03-01",
        ],
    ] {
        let (code, out, err) = preflight(args);
        assert_eq!(code, 0, "{args:?}: {out}{err}");
    }
    let (code, _, err) = preflight(&["rules", "-p", "builtin:nce"]);
    assert_eq!(code, 2);
    assert!(err.contains("no pack `nce` is embedded"), "{err}");
}

#[test]
fn both_packs_carry_the_same_region_table() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    let csp = std::fs::read_to_string(root.join("csp/regions.yaml")).unwrap();
    let nce = std::fs::read_to_string(root.join("csp-nce/regions.yaml")).unwrap();
    assert_eq!(
        csp, nce,
        "policies/csp/regions.yaml and policies/csp-nce/regions.yaml differ"
    );
    // Every country is an upper-case alpha-2 code, once.
    let mut seen = std::collections::BTreeSet::new();
    for line in csp.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
        let code = line.split(':').next().unwrap().trim_matches('"');
        assert!(
            code.len() == 2 && code.chars().all(|c| c.is_ascii_uppercase()),
            "{line}"
        );
        assert!(seen.insert(code.to_string()), "{code} twice");
    }
    assert!(seen.len() > 200, "{} countries", seen.len());
}
