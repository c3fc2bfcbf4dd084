//! The output forms of a run with sign-off: waivers, baselines and
//! provenance in SARIF, JUnit and GitHub commands (the forms themselves are
//! tested in `tests/forms.rs`).

use preflight::data::read::Input;
use preflight::eval::Keep;
use preflight::model::program::Program;
use preflight::pack::Pack;
use preflight::report::{findings_github, findings_junit, findings_sarif};
use preflight::run::{self, Checked, Options};
use preflight::signoff::SignOff;
use std::sync::Arc;

#[path = "forms/shared.rs"]
mod shared;
use preflight::data::load::parse_data_file;
use preflight::data::node::NodeKind;
use preflight::diagnostic::Diagnostic;
use preflight::limits::Limits;
use preflight::model::digest::{PackDigest, Sha256Hex};
use preflight::run::provenance::{InputDigest, Provenance};
use preflight::signoff::waivers::{Waiver, WaiverContext, read_list};
use preflight::signoff::{Baseline, judge_run};
use shared::*;

const PLAN: &str = "examples/csp/failing-plan.yaml";

/// Two waivers of the failing example: one by document and subject, one by
/// rule alone. Both apply on the tests' date (2026-03-01).
const WAIVERS: &str = "\
waivers:
  - rule: license-reassignment
    document: examples/csp/failing-plan.yaml
    subject: /subscriptions/2
    reason: \"users are reassigned by the customer's own script on the day of the move\"
    owner: m.garcia@contoso-partner.example
    approved_by: CAB-2026-118
    expires: 2026-07-31
  - rule: reseller-relationship
    reason: \"the customer accepts the relationship on the day of the move\"
    owner: j.dupont@contoso-partner.example
    expires: 2026-04-30
";

/// What the first waiver of [`WAIVERS`] reads as, on a finding it accepts.
const FIRST_WAIVED: &str = "waived: users are reassigned by the customer's own script on the \
    day of the move (owner m.garcia@contoso-partner.example, approved by CAB-2026-118, \
    until 2026-07-31; waivers.yaml:2)";

/// Waivers read from `yaml` as the file `waivers.yaml` (a fixed name, for
/// snapshots), against the tests' date; the warnings and notes found.
fn read_waivers(
    checked: &mut Checked,
    program: &Program,
    yaml: &str,
) -> (Vec<Waiver>, Vec<Diagnostic>) {
    let name = "waivers.yaml";
    let file = checked.sources.add(name, yaml);
    let root = parse_data_file(name, yaml, &Limits::default()).expect("the waivers parse");
    let NodeKind::Object(top) = &root.kind else {
        panic!("a waiver file is a mapping")
    };
    let list = &top.iter().find(|e| e.key == "waivers").unwrap().value;
    let context = WaiverContext {
        program,
        today: preflight::model::date::parse_date("2026-03-01").unwrap(),
        max_days: 365,
    };
    let (waivers, problems) = read_list(list, file, name, yaml, context);
    assert!(!problems.iter().any(Diagnostic::is_error), "{problems:?}");
    (waivers, problems)
}

/// A provenance made by hand, the same on every machine and for every
/// version of the embedded pack (snapshots show it).
fn fixed_provenance() -> Provenance {
    Provenance {
        tool: "preflight",
        version: env!("CARGO_PKG_VERSION"),
        pack: "builtin:csp".into(),
        digest: PackDigest::of([("a.policy", "x")]),
        params: vec![
            ("early_cancel_days".into(), serde_json::json!(30)),
            ("home_region".into(), serde_json::json!("europe")),
        ],
        today: "2026-03-01".into(),
        inputs: vec![InputDigest {
            file: PLAN.into(),
            sha256: Sha256Hex::of(b"a plan"),
        }],
    }
}

/// Judges a run as `check` does: `waivers` (YAML text) and, when given, a
/// baseline whose `findings` are these JSON objects; the waivers' warnings
/// and notes become problems of the run.
fn judge(
    checked: &mut Checked,
    program: &Program,
    waivers: &str,
    baseline: Option<serde_json::Value>,
    provenance: Option<Provenance>,
) -> SignOff {
    let (waivers, problems) = read_waivers(checked, program, waivers);
    checked.errors.extend(problems);
    let baseline = baseline.map(|findings| {
        let path = std::env::temp_dir().join(format!(
            "preflight-forms-baseline-{}-{:?}.json",
            std::process::id(),
            std::thread::current().id()
        ));
        let json = serde_json::json!({"version": 1, "findings": findings});
        std::fs::write(&path, json.to_string()).unwrap();
        let baseline = Baseline::load(&path, &mut checked.sources).unwrap();
        let _ = std::fs::remove_file(&path);
        baseline
    });
    judge_run(checked, program, waivers, baseline, provenance)
}

/// The failing example with [`WAIVERS`] and the fixed provenance.
fn waived_example() -> (Pack, Checked, SignOff) {
    let (pack, mut checked) = failing_example();
    let signoff = judge(
        &mut checked,
        program(&pack),
        WAIVERS,
        None,
        Some(fixed_provenance()),
    );
    assert!(checked.errors.is_empty(), "{:?}", checked.errors);
    (pack, checked, signoff)
}

/// Whether `text` is `sha256:` (when `prefixed`) and 64 lowercase hex digits.
fn is_sha256(text: &str, prefixed: bool) -> bool {
    let hex = if prefixed {
        text.strip_prefix("sha256:").unwrap_or("")
    } else {
        text
    };
    hex.len() == 64 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[test]
fn sarif_of_a_waived_run() {
    let (pack, checked, signoff) = waived_example();
    let text = findings_sarif::render(&checked, program(&pack), &signoff);
    let sarif = assert_valid_sarif(&text);
    insta::assert_snapshot!("sarif_waived", text);
    let run = &sarif["runs"][0];
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    let results = run["results"].as_array().unwrap();
    // A waived finding stays a result, with its locations.
    assert_eq!(results.len(), 6);
    for r in results {
        let id = r["ruleId"].as_str().unwrap();
        let waived = matches!(id, "license-reassignment" | "reseller-relationship");
        let outcome = if waived { "waived" } else { "fail" };
        assert_eq!(r["properties"]["outcome"], outcome, "{id}");
        assert_eq!(r["suppressions"].is_array(), waived, "{id}");
        assert!(r["locations"][0]["physicalLocation"].is_object(), "{id}");
        assert!(r.get("baselineState").is_none(), "no baseline, no state");
    }
    let waived = results
        .iter()
        .find(|r| r["ruleId"] == "license-reassignment")
        .unwrap();
    let suppressions = waived["suppressions"].as_array().unwrap();
    assert_eq!(suppressions.len(), 1);
    let s = &suppressions[0];
    assert_eq!(s["kind"], "external");
    assert_eq!(s["status"], "accepted");
    assert_eq!(
        s["justification"],
        "users are reassigned by the customer's own script on the day of the move"
    );
    let place = &s["location"]["physicalLocation"];
    assert_eq!(place["artifactLocation"]["uri"], "waivers.yaml");
    assert_eq!(place["region"], serde_json::json!({"startLine": 2}));
    assert_eq!(s["properties"]["owner"], "m.garcia@contoso-partner.example");
    assert_eq!(s["properties"]["approved_by"], "CAB-2026-118");
    assert_eq!(s["properties"]["expires"], "2026-07-31");
    assert_eq!(s["properties"]["file"], "waivers.yaml");
    assert_eq!(s["properties"]["line"], 2);
    // A waiver without an approver says none.
    let other = results
        .iter()
        .find(|r| r["ruleId"] == "reseller-relationship")
        .unwrap();
    let properties = &other["suppressions"][0]["properties"];
    assert!(properties.get("approved_by").is_none(), "{properties}");
    assert_eq!(properties["line"], 9);
}

#[test]
fn sarif_carries_the_provenance() {
    let (pack, checked, signoff) = waived_example();
    let text = findings_sarif::render(&checked, program(&pack), &signoff);
    let sarif = assert_valid_sarif(&text);
    let run = &sarif["runs"][0];
    let provenance = &run["properties"]["provenance"];
    // The JSON form's shape.
    let json =
        preflight::report::findings_json::output(&checked, program(&pack), &[], false, &signoff);
    assert_eq!(
        *provenance,
        serde_json::to_value(json.tail.provenance.as_ref().unwrap()).unwrap()
    );
    assert_eq!(provenance["tool"]["name"], "preflight");
    assert_eq!(provenance["tool"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(provenance["pack"]["name"], "builtin:csp");
    let digest = provenance["pack"]["digest"].as_str().unwrap();
    assert!(is_sha256(digest, true), "{digest}");
    assert_eq!(provenance["params"]["early_cancel_days"], 30);
    assert_eq!(provenance["today"], "2026-03-01");
    let input = &provenance["inputs"][0];
    assert_eq!(input["file"], PLAN);
    assert!(is_sha256(input["sha256"].as_str().unwrap(), false));
    // Each input is an artifact with its hash.
    let artifacts = run["artifacts"].as_array().unwrap();
    assert_eq!(artifacts.len(), 1);
    assert_eq!(artifacts[0]["location"]["uri"], PLAN);
    assert_eq!(artifacts[0]["hashes"]["sha-256"], input["sha256"]);

    // Without a provenance (a run that stopped early), neither is there.
    let (pack, checked) = failing_example();
    let text = findings_sarif::render(&checked, program(&pack), &SignOff::default());
    let sarif = assert_valid_sarif(&text);
    assert!(sarif["runs"][0].get("properties").is_none());
    assert!(sarif["runs"][0].get("artifacts").is_none());
}

#[test]
fn sarif_provenance_of_a_real_run() {
    // The provenance a session makes, input hashes included.
    let pack = Pack::embedded();
    let options = Options {
        hash_inputs: true,
        ..options(Keep::Findings)
    };
    let mut session = run::Session::start(&pack, &options).unwrap();
    session.check_inputs(&[Input::File(PLAN.into())], None);
    let provenance = session.provenance.clone();
    let mut checked = session.finish();
    let signoff = judge(
        &mut checked,
        program(&pack),
        "waivers: []\n",
        None,
        Some(provenance),
    );
    let text = findings_sarif::render(&checked, program(&pack), &signoff);
    let sarif = assert_valid_sarif(&text);
    let provenance = &sarif["runs"][0]["properties"]["provenance"];
    assert!(is_sha256(
        provenance["pack"]["digest"].as_str().unwrap(),
        true
    ));
    let sha256 = Sha256Hex::of(&std::fs::read(PLAN).unwrap()).hex();
    assert_eq!(provenance["inputs"][0]["sha256"], sha256.as_str());
    assert_eq!(
        sarif["runs"][0]["artifacts"][0]["hashes"]["sha-256"],
        sha256.as_str()
    );
    assert!(
        provenance["params"]
            .as_object()
            .is_some_and(|p| !p.is_empty())
    );
}

#[test]
fn sarif_with_a_baseline() {
    let (pack, mut checked) = failing_example();
    let program = program(&pack);
    let mut baseline = example_baseline();
    if let Some(findings) = baseline.as_array_mut() {
        findings.push(baseline_finding(
            "a-retired-rule",
            "",
            "this rule is gone from the pack",
        ));
    }
    let signoff = judge(&mut checked, program, WAIVERS, Some(baseline), None);
    let text = findings_sarif::render(&checked, program, &signoff);
    let sarif = assert_valid_sarif(&text);
    let run = &sarif["runs"][0];
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 6 + 2);
    for r in &results[..6] {
        let state = if r["ruleId"] == "license-count" {
            "unchanged"
        } else {
            "new"
        };
        assert_eq!(r["baselineState"], state, "{}", r["ruleId"]);
    }
    // Fixed findings: absent, without locations, by their rule when the pack
    // still has it.
    let fixed = &results[6];
    assert_eq!(fixed["baselineState"], "absent");
    assert_eq!(fixed["ruleId"], "quantity-limits");
    let index = fixed["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(program.rules[index].id, "quantity-limits");
    assert_eq!(fixed["level"], "error");
    assert_eq!(
        fixed["message"]["text"],
        "60 licenses is above the offer's limit"
    );
    assert!(fixed.get("locations").is_none());
    assert_eq!(fixed["properties"]["outcome"], "fixed");
    assert_eq!(fixed["properties"]["subject"], "/subscriptions/0");
    assert_eq!(
        fixed["partialFingerprints"]["preflight/v1"],
        format!("quantity-limits|{PLAN}|/subscriptions/0")
    );
    let gone = &results[7];
    assert_eq!(gone["baselineState"], "absent");
    assert_eq!(gone["ruleId"], "a-retired-rule");
    assert!(gone.get("ruleIndex").is_none());
    assert_eq!(gone["level"], "none");
    // How the run compares, in the JSON form's shape.
    let summary = &run["properties"]["baseline"];
    assert_eq!(summary["new"], 5);
    assert_eq!(summary["unchanged"], 1);
    assert_eq!(summary["fixed"], 2);
    assert_eq!(summary["same_pack"], serde_json::Value::Null);
}

#[test]
fn sarif_and_junit_with_unused_and_expired_waivers() {
    // A waiver that matches nothing is a note, an expired one a warning: the
    // run is still complete, and a note fails no testcase.
    let (pack, mut checked) = failing_example();
    let program = program(&pack);
    let waivers = "\
waivers:
  - rule: same-region
    document: plans/other.yaml
    reason: unused
    owner: a@example.com
    expires: 2026-04-30
";
    let signoff = judge(&mut checked, program, waivers, None, None);
    assert_eq!(checked.errors.len(), 1);
    let text = findings_sarif::render(&checked, program, &signoff);
    let sarif = assert_valid_sarif(&text);
    let invocation = &sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], true);
    let note = &invocation["toolExecutionNotifications"][0];
    assert_eq!(note["level"], "note");
    let place = &note["locations"][0]["physicalLocation"];
    assert_eq!(place["artifactLocation"]["uri"], "waivers.yaml");
    assert_eq!(place["region"]["startLine"], 2);

    let junit = parse_junit(&findings_junit::render(&checked, program, &signoff));
    assert_counts_agree(&junit);
    let run = junit.suites.last().unwrap();
    assert_eq!(run.name, "preflight");
    assert_eq!(run.counts, [1, 0, 0, 0]);
    assert_eq!(run.cases[0].1, "pass");
    assert!(
        run.cases[0].2.contains("waivers.yaml:2:"),
        "{:?}",
        run.cases[0]
    );
    assert!(
        run.cases[0].2.contains("matches no finding"),
        "{:?}",
        run.cases[0]
    );

    let (_, mut checked) = failing_example();
    let expired = WAIVERS.replace("2026-04-30", "2026-02-28");
    let signoff = judge(&mut checked, program, &expired, None, None);
    let warning = checked.errors.iter().find(|d| !d.is_error()).unwrap();
    assert!(
        warning.message.contains("expired on 2026-02-28"),
        "{warning:?}"
    );
    let text = findings_sarif::render(&checked, program, &signoff);
    let sarif = assert_valid_sarif(&text);
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let back = results
        .iter()
        .find(|r| r["ruleId"] == "reseller-relationship")
        .unwrap();
    assert_eq!(back["properties"]["outcome"], "fail");
    assert!(back.get("suppressions").is_none());
}

/// The properties of a suite, by name.
fn property<'a>(suite: &'a JunitSuite, name: &str) -> Option<&'a str> {
    suite
        .properties
        .iter()
        .find(|p| p.0 == name)
        .map(|p| p.1.as_str())
}

#[test]
fn junit_of_a_waived_run() {
    let (pack, checked, signoff) = waived_example();
    let program = program(&pack);
    let text = findings_junit::render(&checked, program, &signoff);
    insta::assert_snapshot!("junit_waived", text);
    let junit = parse_junit(&text);
    assert_counts_agree(&junit);
    assert_eq!(junit.suites.len(), 1);
    let suite = &junit.suites[0];
    // Four rules fail; the two whose findings are all waived are skipped.
    assert_eq!(suite.counts, [program.rules.len(), 4, 0, 2]);
    let case = |id: &str| suite.cases.iter().find(|c| c.0 == id).unwrap();
    let reassignment = case("license-reassignment");
    assert_eq!(reassignment.1, "skipped");
    assert_eq!(reassignment.3, FIRST_WAIVED);
    assert!(
        reassignment.2.contains(&format!("{PLAN}:61:14: ")),
        "{}",
        reassignment.2
    );
    assert!(reassignment.2.contains(FIRST_WAIVED), "{}", reassignment.2);
    let relationship = case("reseller-relationship");
    assert_eq!(relationship.1, "skipped");
    assert_eq!(
        relationship.3,
        "waived: the customer accepts the relationship on the day of the move \
         (owner j.dupont@contoso-partner.example, until 2026-04-30; waivers.yaml:9)"
    );
    assert_eq!(case("license-count").1, "failure");

    // The provenance, in the properties of the suite.
    assert_eq!(
        property(suite, "preflight.version"),
        Some(env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(property(suite, "pack.name"), Some("builtin:csp"));
    assert!(is_sha256(property(suite, "pack.digest").unwrap(), true));
    assert_eq!(property(suite, "today"), Some("2026-03-01"));
    assert_eq!(property(suite, "param.early_cancel_days"), Some("30"));
    assert_eq!(property(suite, "param.home_region"), Some("europe"));
    let hash = property(suite, &format!("input.{PLAN}.sha256")).unwrap();
    assert_eq!(hash, Sha256Hex::of(b"a plan").hex());
}

#[test]
fn junit_of_a_rule_with_failing_and_waived_subjects() {
    // The failing example with the licenses of Exchange Online short too:
    // `license-count` fails on two subjects, one of which is waived.
    let dir = std::env::temp_dir().join(format!("preflight-forms-mixed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let plan = dir.join("plan.yaml");
    let text = std::fs::read_to_string(PLAN).unwrap();
    let short = "      quantity: 25\n      provision_on: 2026-03-15";
    assert!(text.contains(short));
    std::fs::write(
        &plan,
        text.replace(short, "      quantity: 20\n      provision_on: 2026-03-15"),
    )
    .unwrap();
    let pack = Pack::embedded();
    let program = program(&pack);
    let mut checked = run::check(&pack, &[Input::File(plan.clone())], &options(Keep::All));
    let doc = checked.documents[0].name.clone();
    let waivers = format!(
        "waivers:\n  - rule: license-count\n    document: \"{doc}\"\n    subject: /subscriptions/3\n    \
         reason: \"seats <bought> & assigned later\"\n    owner: a@example.com\n    expires: 2026-03-31\n"
    );
    let signoff = judge(&mut checked, program, &waivers, None, None);
    let _ = std::fs::remove_dir_all(&dir);
    let findings: Vec<(&str, bool)> = checked.documents[0]
        .outcomes
        .iter()
        .filter(|o| o.finding.is_some() && program.rules[o.rule].id == "license-count")
        .map(|o| (o.subject.as_str(), o.is_waived()))
        .collect();
    assert_eq!(
        findings,
        [("/subscriptions/1", false), ("/subscriptions/3", true)]
    );

    let text = findings_junit::render(&checked, program, &signoff);
    let junit = parse_junit(&text);
    assert_counts_agree(&junit);
    let case = junit.suites[0]
        .cases
        .iter()
        .find(|c| c.0 == "license-count")
        .unwrap();
    assert_eq!(case.1, "failure");
    assert!(
        case.3
            .ends_with("250 licenses today, 200 planned (1 waived)"),
        "{}",
        case.3
    );
    // The failing subject first, with its help; then the waived one, with its waiver.
    let lines: Vec<&str> = case.2.lines().collect();
    assert_eq!(lines.len(), 4, "{}", case.2);
    assert!(
        lines[0].contains("250 licenses today, 200 planned"),
        "{}",
        lines[0]
    );
    assert!(lines[1].starts_with("  help: "), "{}", lines[1]);
    assert!(
        lines[2].contains("25 licenses today, 20 planned"),
        "{}",
        lines[2]
    );
    assert_eq!(
        lines[3],
        "  waived: seats <bought> & assigned later (owner a@example.com, until 2026-03-31; waivers.yaml:2)"
    );
    assert!(text.contains("seats &lt;bought&gt; &amp; assigned later"));

    // Marked by hand: a waiver on the other finding too makes the rule skipped.
    let other = Arc::clone(
        checked.documents[0]
            .outcomes
            .iter()
            .find(|o| o.is_waived())
            .unwrap()
            .disposition
            .waiver
            .as_ref()
            .unwrap(),
    );
    for o in checked.documents[0].outcomes.iter_mut() {
        if o.finding.is_some() && program.rules[o.rule].id == "license-count" {
            o.disposition.waiver = Some(Arc::clone(&other));
        }
    }
    let junit = parse_junit(&findings_junit::render(&checked, program, &signoff));
    assert_counts_agree(&junit);
    let case = junit.suites[0]
        .cases
        .iter()
        .find(|c| c.0 == "license-count")
        .unwrap();
    assert_eq!(case.1, "skipped");
    // One waiver, named once.
    assert_eq!(
        case.3,
        "waived: seats <bought> & assigned later (owner a@example.com, until 2026-03-31; waivers.yaml:2)"
    );
}

#[test]
fn junit_properties_of_a_batch() {
    // Each suite names the input of its own document; an input of no
    // document goes to a `preflight` suite of its own.
    let (pack, checked) = on_test_pack(
        &[],
        &["tests/check/jsonl-batch-one-bad-line/plans.jsonl"],
        Keep::Findings,
    );
    let mut provenance = fixed_provenance();
    provenance.inputs = vec![
        InputDigest {
            file: "tests/check/jsonl-batch-one-bad-line/plans.jsonl".into(),
            sha256: Sha256Hex::of(b"plans"),
        },
        InputDigest {
            file: "empty.yaml".into(),
            sha256: Sha256Hex::of(b""),
        },
    ];
    let signoff = SignOff {
        provenance: Some(provenance),
        ..SignOff::default()
    };
    let junit = parse_junit(&findings_junit::render(&checked, program(&pack), &signoff));
    assert_counts_agree(&junit);
    let (last, documents) = junit.suites.split_last().unwrap();
    assert_eq!(documents.len(), checked.documents.len());
    for suite in documents {
        assert_eq!(
            property(suite, "pack.name"),
            Some("builtin:csp"),
            "{}",
            suite.name
        );
        assert_eq!(
            property(
                suite,
                "input.tests/check/jsonl-batch-one-bad-line/plans.jsonl.sha256"
            ),
            Some(Sha256Hex::of(b"plans").hex().as_str())
        );
        assert_eq!(property(suite, "input.empty.yaml.sha256"), None);
    }
    assert_eq!(last.name, "preflight");
    assert_eq!(
        property(last, "input.empty.yaml.sha256"),
        Some(Sha256Hex::of(b"").hex().as_str())
    );
}

#[test]
fn github_of_a_waived_run() {
    let (pack, checked, signoff) = waived_example();
    let program = program(&pack);
    let text = findings_github::render(&checked, program, &signoff);
    insta::assert_snapshot!("github_waived", text);
    let (_, plain) = failing_example();
    let plain = findings_github::render(&plain, program, &SignOff::default());
    let json = preflight::report::findings_json::output(&checked, program, &[], false, &signoff);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 6);
    for ((line, before), finding) in lines.iter().zip(plain.lines()).zip(&json.findings) {
        let (command, properties) = github_command(line);
        let location = finding.location.as_ref().unwrap();
        // The same place as it would have had.
        assert_eq!(properties[0], ("file", location.file.as_str()));
        assert_eq!(properties[1].1, location.line.to_string());
        assert_eq!(properties[2].1, location.column.to_string());
        if finding.outcome == "waived" {
            assert_eq!(command, "notice");
            assert_eq!(properties[3].1, format!("{} (waived)", finding.rule));
            assert!(line.contains("%0Awaived: "), "{line}");
        } else {
            // Everything else unchanged.
            assert_eq!(*line, before);
        }
    }
    let notice = lines
        .iter()
        .find(|l| l.contains("title=license-reassignment (waived)"))
        .unwrap();
    assert!(
        notice.contains(&format!("%0A{FIRST_WAIVED}%0Ahelp: ")),
        "{notice}"
    );
}

#[test]
fn github_escapes_what_a_waiver_says() {
    let (pack, mut checked) = failing_example();
    let waivers = "\
waivers:
  - rule: same-region
    reason: \"100% sure\\n::error file=x::injected\"
    owner: \"a@example.com\\r\"
    expires: 2026-04-30
";
    let signoff = judge(&mut checked, program(&pack), waivers, None, None);
    let text = findings_github::render(&checked, program(&pack), &signoff);
    assert_eq!(text.lines().count(), 6, "{text}");
    assert!(!text.contains('\r'));
    let line = text
        .lines()
        .find(|l| l.contains("same-region (waived)"))
        .unwrap();
    assert!(line.starts_with("::notice "), "{line}");
    assert!(
        line.contains("100%25 sure%0A::error file=x::injected"),
        "{line}"
    );
    assert!(line.contains("owner a@example.com%0D,"), "{line}");
}

#[test]
fn junit_and_github_with_a_baseline() {
    let (pack, mut checked) = failing_example();
    let program = program(&pack);
    let baseline = example_baseline();
    let signoff = judge(&mut checked, program, "waivers: []\n", Some(baseline), None);

    let junit = findings_junit::render(&checked, program, &signoff);
    let parsed = parse_junit(&junit);
    assert_counts_agree(&parsed);
    let suite = &parsed.suites[0];
    assert_eq!(property(suite, "baseline.new"), Some("5"));
    assert_eq!(property(suite, "baseline.fixed"), Some("1"));
    let last = parsed.suites.last().unwrap();
    assert_eq!(last.name, "preflight");
    assert_eq!(
        property(last, "baseline.fixed.finding"),
        Some(
            "quantity-limits in examples/csp/failing-plan.yaml (/subscriptions/0): 60 licenses is above the offer's limit"
        )
    );
    assert!(junit.contains("unchanged since the baseline"), "{junit}");
    assert!(junit.contains("new since the baseline"), "{junit}");
    // The baseline is a temporary file of this process: named for the snapshot.
    let file = &signoff.baseline.as_ref().unwrap().file;
    insta::assert_snapshot!("junit_baseline", junit.replace(file.as_str(), "<baseline>"));

    let github = findings_github::render(&checked, program, &signoff);
    let titles: Vec<&str> = github
        .lines()
        .map(|l| {
            github_command(l)
                .1
                .into_iter()
                .find(|(k, _)| *k == "title")
                .unwrap()
                .1
        })
        .collect();
    assert!(titles.contains(&"license-count (unchanged)"), "{titles:?}");
    assert!(titles.contains(&"quantity-limits (fixed)"), "{titles:?}");
    assert_eq!(
        titles.iter().filter(|t| t.ends_with("(new)")).count(),
        5,
        "{titles:?}"
    );
    insta::assert_snapshot!("github_baseline", github);
}

/// A finding of a baseline file, in the failing example plan.
fn baseline_finding(rule: &str, subject: &str, message: &str) -> serde_json::Value {
    serde_json::json!({"rule": rule, "document": PLAN, "subject": subject, "message": message})
}

/// A baseline of the failing example: one finding it still has
/// (`license-count`, another message), one it no longer has.
fn example_baseline() -> serde_json::Value {
    serde_json::json!([
        baseline_finding(
            "license-count",
            "/subscriptions/1",
            "250 licenses today, 240 planned"
        ),
        baseline_finding(
            "quantity-limits",
            "/subscriptions/0",
            "60 licenses is above the offer's limit"
        ),
    ])
}
