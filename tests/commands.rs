//! `rules`, `explain`, `schema` and `completions` as users run them.

mod common;

use common::{preflight, text};

/// A YAML or JSON plan as a JSON value, through preflight's own loader.
fn plan_json(path: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap();
    if path.ends_with(".json") {
        return serde_json::from_str(&text).unwrap();
    }
    let (docs, error) = preflight::data::load::parse_yaml(&text);
    assert!(error.is_none(), "{path}: {error:?}");
    docs[0].to_json()
}

#[test]
fn rules_lists_every_rule_of_the_default_pack() {
    let out = preflight(&["rules"]);
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!("rules_table", text(&out.stdout));
    let out = preflight(&["rules", "-f", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules = v["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 20);
    for r in rules {
        assert!(
            r["id"].is_string() && r["severity"].is_string() && r["line"].as_u64().unwrap() > 0
        );
        assert!(
            !r["summary"].as_str().unwrap().is_empty(),
            "{} has no doc",
            r["id"]
        );
    }
}

#[test]
fn explain_shows_a_rule_in_full() {
    let out = preflight(&["explain", "no-refund-cancellation"]);
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!("explain_rule", text(&out.stdout));
}

#[test]
fn explain_an_unknown_rule_suggests_the_close_one() {
    let out = preflight(&["explain", "same-regon", "--color", "never"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    insta::assert_snapshot!("explain_unknown_rule", text(&out.stderr));
}

#[test]
fn every_example_plan_validates_against_the_schema() {
    let out = preflight(&["schema"]);
    assert_eq!(out.status.code(), Some(0));
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
    let mut plans = vec![
        plan_json("examples/csp/clean-plan.yaml"),
        plan_json("examples/csp/failing-plan.yaml"),
    ];
    let batch = std::fs::read_to_string("examples/csp/batch.jsonl").unwrap();
    plans.extend(batch.lines().map(|l| serde_json::from_str(l).unwrap()));
    assert!(plans.len() > 300);
    for plan in &plans {
        let errors: Vec<String> = validator.iter_errors(plan).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{errors:?}\n{plan}");
    }
    // And it rejects what conformance rejects: a misspelt field.
    let mut typo = plan_json("examples/csp/clean-plan.yaml");
    let sub = &mut typo["subscriptions"][0];
    let value = sub.as_object_mut().unwrap().remove("auto_renew").unwrap();
    sub["auto_renw"] = value;
    assert!(!validator.is_valid(&typo));
}

#[test]
fn the_quickstart_schema_validates_its_plan() {
    let out = preflight(&["schema", "-p", "examples/quickstart"]);
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    assert!(validator.is_valid(&plan_json("examples/quickstart/plan.yaml")));
    insta::assert_snapshot!("schema_quickstart", text(&out.stdout));
}

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = preflight(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = text(&out.stdout);
        assert!(
            script.contains("preflight") && script.contains("explain"),
            "{shell}"
        );
    }
}
