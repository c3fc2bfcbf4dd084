//! The generator's documents conform and break exactly what was planted; the
//! engines agree on them and on the default pack's example plans.

use std::collections::BTreeSet;

use preflight::data::yaml::parse_yaml;

use crate::catalog::{Catalog, node_to_json};
use crate::peers::cedar::Cedar;
use crate::peers::preflight::{Preflight, failing_rules, rule_text};
use crate::peers::rego::{self, Rego, RegoVm};
use crate::peers::{Answers, Violations, assert_agreement};
use crate::{PRECONDITIONS, generate, generate_plans};

fn set(ids: &[&str]) -> Violations {
    ids.iter().map(|s| s.to_string()).collect()
}

#[test]
fn generation_is_deterministic_and_prefix_stable() {
    let a = generate(7, 50, 4, 0.3);
    let b = generate(7, 50, 4, 0.3);
    assert_eq!(a, b);
    let longer = generate(7, 80, 4, 0.3);
    assert_eq!(a[..], longer[..50]);
    assert_ne!(a, generate(8, 50, 4, 0.3));
    assert!(
        a.iter()
            .all(|d| d["subscriptions"].as_array().unwrap().len() == 4)
    );
}

#[test]
fn the_share_of_violations_is_about_as_asked() {
    for share in [0.0, 0.05, 0.5, 1.0] {
        let plans = generate_plans(3, 2_000, 3, share);
        let planted = plans.iter().filter(|p| p.planted.is_some()).count() as f64 / 2_000.0;
        assert!((planted - share).abs() < 0.03, "share {share}: {planted}");
    }
    // Every precondition is planted.
    let kinds: BTreeSet<_> = generate_plans(3, 2_000, 3, 0.5)
        .iter()
        .filter_map(|p| p.planted)
        .collect();
    assert_eq!(kinds, PRECONDITIONS.into_iter().collect());
}

#[test]
fn generated_plans_conform_and_break_only_what_was_planted() {
    // The whole default pack: every document conforms; the only findings are the
    // planted violation and license-reassignment warnings.
    let full = Preflight::default_pack();
    let evaluator = full.evaluator();
    let plans = generate_plans(11, 400, 6, 0.25);
    let docs: Vec<_> = plans.iter().map(|p| p.doc.clone()).collect();
    let values = full.conform(&docs);
    let mut reassignments = 0;
    for (plan, value) in plans.iter().zip(&values) {
        let mut failing = failing_rules(&evaluator, value);
        if failing.remove("license-reassignment") {
            reassignments += 1;
        }
        let expected: Violations = plan.planted.iter().map(|p| p.to_string()).collect();
        assert_eq!(failing, expected, "document {}", plan.doc);
    }
    assert!(reassignments > 0, "some plans move to equivalent offers");
    // With no subscriptions, only transfer-level violations are planted.
    let empty = generate_plans(2, 100, 0, 1.0);
    let values = full.conform(&empty.iter().map(|p| p.doc.clone()).collect::<Vec<_>>());
    for (plan, value) in empty.iter().zip(&values) {
        assert_eq!(
            failing_rules(&evaluator, value),
            set(&[plan.planted.unwrap()])
        );
    }
}

#[test]
fn the_precondition_pack_has_exactly_the_five_rules() {
    let five = Preflight::preconditions();
    let ids: Vec<&str> = five
        .pack
        .program
        .as_ref()
        .unwrap()
        .rules
        .iter()
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(ids, PRECONDITIONS);
    let text = "/// Doc.\n/// More.\nrule a {\n  require true\n}\n\nrule ab {\n}\n";
    assert_eq!(
        rule_text(text, "a"),
        Some("/// Doc.\n/// More.\nrule a {\n  require true\n}")
    );
    assert_eq!(rule_text(text, "ab"), Some("rule ab {\n}"));
    assert_eq!(rule_text(text, "b"), None);
}

/// Every engine's answers for `docs`.
fn all_answers(docs: &[serde_json::Value]) -> Vec<Answers> {
    let catalog = Catalog::default_pack();
    let five = Preflight::preconditions();
    let evaluator = five.evaluator();
    let values = five.conform(docs);
    let lean = Preflight::lean_preconditions();
    let lean_evaluator = lean.evaluator();
    let lean_values = lean.conform(docs);
    let cedar = Cedar::new();
    let cedar_docs: Vec<_> = docs.iter().map(|d| cedar.convert(d, &catalog)).collect();
    let inputs: Vec<_> = docs.iter().map(rego::convert).collect();
    vec![
        crate::peers::preflight::answers("preflight", &evaluator, &values),
        crate::peers::preflight::answers("preflight-lean", &lean_evaluator, &lean_values),
        cedar.answers(&cedar_docs),
        Rego::new(&catalog).answers(&inputs),
        RegoVm::new(&catalog).answers(&inputs),
    ]
}

#[test]
fn the_engines_agree_on_generated_plans() {
    let plans = generate_plans(5, 300, 8, 0.3);
    let docs: Vec<_> = plans.iter().map(|p| p.doc.clone()).collect();
    let violating = assert_agreement(&plans, &all_answers(&docs));
    assert!(violating > 50, "{violating} plans with a violation");
}

#[test]
fn the_engines_agree_on_the_example_plans() {
    let load = |text: &str| {
        let (docs, error) = parse_yaml(text);
        assert!(error.is_none());
        node_to_json(&docs[0])
    };
    let clean = load(include_str!("../../examples/csp/clean-plan.yaml"));
    let failing = load(include_str!("../../examples/csp/failing-plan.yaml"));
    let answers = all_answers(&[clean, failing]);
    let expected = [
        set(&[]),
        set(&[
            "same-region",
            "reseller-relationship",
            "discontinued-offer",
            "license-count",
        ]),
    ];
    for a in &answers {
        assert_eq!(a.violations, expected, "{}", a.engine);
    }
}

#[test]
fn the_engines_disagreeing_is_caught() {
    let plans = generate_plans(5, 20, 2, 0.0);
    let docs: Vec<_> = plans.iter().map(|p| p.doc.clone()).collect();
    let mut answers = all_answers(&docs);
    answers[2].violations[3].insert("license-count".into());
    let caught = std::panic::catch_unwind(|| assert_agreement(&plans, &answers));
    let message = caught.unwrap_err();
    let message = message.downcast_ref::<String>().unwrap();
    assert!(message.contains("document 3"), "{message}");
    assert!(message.contains("cedar: {\"license-count\"}"), "{message}");
}
