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

#[test]
fn the_generated_wave_fails_exactly_where_problems_were_planted() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/csp-nce/wave");
    let mut cases: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .map(|p| {
            format!(
                "examples/csp-nce/wave/{}",
                p.file_name().unwrap().to_string_lossy()
            )
        })
        .collect();
    cases.sort();
    assert!(cases.len() >= 50, "{} cases", cases.len());
    let mut args = vec![
        "check",
        "-p",
        "builtin:csp-nce",
        "--param",
        "partner_country=US",
        "-f",
        "json",
    ];
    args.extend(cases.iter().map(String::as_str));
    let (code, out, err) = preflight(&args);
    assert_eq!(code, 1, "{err}");
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["errors"], Value::Array(Vec::new()));
    assert_eq!(json["summary"]["documents"], cases.len());
    let mut found: Vec<(String, String)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let doc = f["document"].as_str().unwrap();
            let case = doc.rsplit('/').next().unwrap().to_string();
            (case, f["rule"].as_str().unwrap().to_string())
        })
        .collect();
    found.sort();
    // `.planted.tsv`: case, family, what was planted, the rules expected to fail.
    let planted = std::fs::read_to_string(root.join(".planted.tsv")).unwrap();
    let mut expected: Vec<(String, String)> = Vec::new();
    for line in planted.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        for rule in cols[3].split(',').map(str::trim).filter(|r| *r != "-") {
            expected.push((cols[0].to_string(), rule.to_string()));
        }
    }
    expected.sort();
    assert_eq!(found, expected);
}

#[test]
fn a_two_megabyte_export_of_300_subscriptions_is_checked_whole() {
    let clean = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/csp-nce/clean");
    let read = |name: &str| -> Value {
        serde_json::from_str(&std::fs::read_to_string(clean.join(name)).unwrap()).unwrap()
    };
    let mut subscriptions = read("subscriptions.json");
    let mut transfer = read("transfer.json");
    let sub = subscriptions["items"][0].clone();
    let line = transfer["lineItems"][0].clone();
    let mut subs = Vec::new();
    let mut lines = Vec::new();
    for i in 0..300 {
        let id = format!("5ab0c0de-0000-4000-8000-{i:012}");
        let mut s = sub.clone();
        s["id"] = Value::from(id.clone());
        s["friendlyName"] = Value::from(format!("Seat block {i}"));
        // What a long-lived subscription accumulates: refund windows, history.
        s["refundOptions"] = Value::Array(
            (0..24)
                .map(|d| {
                    serde_json::json!({
                        "type": "Partial",
                        "expiresAt": format!("2026-{:02}-{:02}T00:00:00.0000000Z", 1 + d % 12, 1 + d),
                        "links": {"self": {"uri": format!("/customers/x/subscriptions/{id}/refunds/{d}"), "method": "GET", "headers": []}}
                    })
                })
                .collect(),
        );
        subs.push(s);
        let mut li = line.clone();
        li["id"] = Value::from(i);
        li["subscriptionId"] = Value::from(id.to_uppercase());
        li["addonItems"] = Value::Array(Vec::new());
        li["quantity"] = sub["quantity"].clone();
        lines.push(li);
    }
    subscriptions["items"] = Value::Array(subs);
    subscriptions["totalCount"] = Value::from(300);
    transfer["lineItems"] = Value::Array(lines);
    let dir = std::env::temp_dir().join(format!("preflight-nce-300-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let subs_text = serde_json::to_string_pretty(&subscriptions).unwrap();
    assert!(subs_text.len() > 2_000_000, "{} bytes", subs_text.len());
    std::fs::write(dir.join("subscriptions.json"), subs_text).unwrap();
    std::fs::write(
        dir.join("transfer.json"),
        serde_json::to_string_pretty(&transfer).unwrap(),
    )
    .unwrap();
    std::fs::copy(clean.join("customer.json"), dir.join("customer.json")).unwrap();
    let dir_text = dir.to_string_lossy().into_owned();
    let (code, out, err) = preflight(&[
        "check",
        "-p",
        "builtin:csp-nce",
        "--param",
        "partner_country=US",
        "-f",
        "json",
        &dir_text,
    ]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(code, 1, "{err}");
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["errors"], Value::Array(Vec::new()));
    let rules: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    // 300 whole, active, new-commerce subscriptions: only too many for one transfer.
    assert_eq!(rules, ["line-item-limit"]);
}
