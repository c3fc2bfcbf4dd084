//! The machine output forms of `check`: SARIF, JUnit and GitHub workflow
//! commands. Each is snapshotted on the failing example plan and on runs with
//! problems, and checked for what its consumers need: SARIF against the SARIF
//! 2.1.0 schema, JUnit as well-formed XML whose counts add up, GitHub as one
//! command per finding.

use preflight::data::read::Input;
use preflight::eval::{Keep, OutcomeKind};
use preflight::pack::Pack;
use preflight::report::{findings_github, findings_junit, findings_sarif};
use preflight::run::{self};
use preflight::signoff::SignOff;

#[path = "forms/shared.rs"]
mod shared;
use shared::*;

#[test]
fn sarif_on_the_failing_example() {
    let (pack, checked) = failing_example();
    let program = program(&pack);
    let text = findings_sarif::render(&checked, program, &SignOff::default());
    assert!(text.ends_with("}\n"));
    let sarif = assert_valid_sarif(&text);
    insta::assert_snapshot!("sarif", text);

    assert_eq!(sarif["version"], "2.1.0");
    let runs = sarif["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "preflight");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), program.rules.len());
    for (rule, descriptor) in program.rules.iter().zip(rules) {
        assert_eq!(descriptor["id"], rule.id.as_str());
        assert!(descriptor["shortDescription"]["text"].is_string());
    }

    // Same findings, same order as the JSON form.
    let json = preflight::report::findings_json::output(
        &checked,
        program,
        &[],
        false,
        &SignOff::default(),
    );
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), json.findings.len());
    assert_eq!(results.len(), 6);
    for (result, finding) in results.iter().zip(&json.findings) {
        assert_eq!(result["ruleId"], finding.rule.as_str());
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], finding.rule.as_str());
        let level = match finding.severity {
            "error" => "error",
            "warning" => "warning",
            _ => "note",
        };
        assert_eq!(result["level"], level);
        assert_eq!(result["message"]["text"], finding.message.as_str());
        let place = &result["locations"][0]["physicalLocation"];
        let location = finding.location.as_ref().unwrap();
        assert_eq!(place["artifactLocation"]["uri"], location.file.as_str());
        assert_eq!(place["region"]["startLine"], location.line);
        assert_eq!(place["region"]["startColumn"], location.column);
        let related = result["relatedLocations"].as_array().unwrap();
        assert_eq!(related[0]["id"], 0);
        assert_eq!(related[0]["message"]["text"], "the failing requirement");
        assert_eq!(result["properties"]["document"], finding.document.as_str());
        assert_eq!(result["properties"]["subject"], finding.subject.as_str());
        assert_eq!(result["properties"]["outcome"], "fail");
    }
}

#[test]
fn the_sarif_schema_check_catches_mistakes() {
    let (pack, checked) = failing_example();
    let text = findings_sarif::render(&checked, program(&pack), &SignOff::default());
    let mut sarif: serde_json::Value = serde_json::from_str(&text).unwrap();
    sarif["runs"][0]["results"][0]["level"] = "fatal".into();
    sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] =
        "a b<c>".into();
    let message = sarif_errors(&sarif).join("\n");
    assert!(message.contains("\"fatal\""), "{message}");
    assert!(message.contains("uri-reference"), "{message}");
}

#[test]
fn sarif_with_a_conformance_error() {
    let (pack, checked) = conformance_error();
    let text = findings_sarif::render(&checked, program(&pack), &SignOff::default());
    let sarif = assert_valid_sarif(&text);
    insta::assert_snapshot!("sarif_conformance_error", text);
    let invocation = &sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notes = invocation["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0]["level"], "error");
    assert_eq!(notes[0]["descriptor"]["id"], "preflight::data");
    let place = &notes[0]["locations"][0]["physicalLocation"];
    assert_eq!(
        place["artifactLocation"]["uri"],
        "tests/check/yaml-typo-field/plan.yaml"
    );
    assert_eq!(place["region"]["startLine"], 27);
    assert_eq!(place["region"]["startColumn"], 5);
    assert!(sarif["runs"][0]["results"].as_array().unwrap().is_empty());
}

#[test]
fn sarif_with_error_outcomes_and_escapes_is_valid() {
    for (policies, input) in [
        (
            &["tests/check/error-outcome-missing-map-key/offer-name.policy"][..],
            "tests/check/error-outcome-missing-map-key/plan.yaml",
        ),
        (&[][..], "tests/check/terminal-escapes-in-values/plan.yaml"),
        (&[][..], "tests/check/jsonl-batch-one-bad-line/plans.jsonl"),
    ] {
        let (pack, checked) = on_test_pack(policies, &[input], Keep::All);
        let text = findings_sarif::render(&checked, program(&pack), &SignOff::default());
        let sarif = assert_valid_sarif(&text);
        let results = sarif["runs"][0]["results"].as_array().unwrap();
        assert_eq!(results.len(), findings(&checked), "{input}");
        for (result, outcome) in results.iter().zip(
            checked
                .documents
                .iter()
                .flat_map(|d| preflight::report::findings::sorted(&d.outcomes, program(&pack)))
                .filter(|o| o.finding.is_some()),
        ) {
            assert_eq!(result["properties"]["outcome"], outcome.kind.as_str());
            if outcome.kind == OutcomeKind::Error {
                let error = outcome.finding.as_ref().unwrap().error.as_ref().unwrap();
                let text = result["message"]["text"].as_str().unwrap();
                assert!(
                    text.contains("could not be evaluated"),
                    "{input}: an error outcome says so: {text} ({error})"
                );
                let policy = &result["relatedLocations"][0];
                assert_eq!(policy["id"], 0);
                assert_eq!(
                    policy["message"]["text"],
                    format!("could not be evaluated: {error}")
                );
            }
        }
    }
}

#[test]
fn junit_on_the_failing_example() {
    let (pack, checked) = failing_example();
    let program = program(&pack);
    let text = findings_junit::render(&checked, program, &SignOff::default());
    insta::assert_snapshot!("junit", text);
    let junit = parse_junit(&text);
    assert_counts_agree(&junit);
    assert_eq!(junit.suites.len(), 1);
    let suite = &junit.suites[0];
    assert_eq!(suite.name, "examples/csp/failing-plan.yaml");
    // One testcase per rule, not per subject.
    assert_eq!(suite.cases.len(), program.rules.len());
    let doc = &checked.documents[0];
    let mut failed: Vec<&str> = doc
        .outcomes
        .iter()
        .filter(|o| o.kind == OutcomeKind::Fail)
        .map(|o| program.rules[o.rule].id.as_str())
        .collect();
    failed.dedup();
    assert_eq!(failed.len(), 6);
    for id in failed {
        let case = suite.cases.iter().find(|c| c.0 == id).unwrap();
        assert_eq!(case.1, "failure", "{id}");
        assert!(
            case.2.contains("examples/csp/failing-plan.yaml:"),
            "{id}: {}",
            case.2
        );
    }
    // Without `--show all`, a rule without a finding passed.
    assert_eq!(suite.counts, [program.rules.len(), 6, 0, 0]);
}

#[test]
fn junit_with_a_conformance_error() {
    let (pack, checked) = conformance_error();
    let text = findings_junit::render(&checked, program(&pack), &SignOff::default());
    insta::assert_snapshot!("junit_conformance_error", text);
    let junit = parse_junit(&text);
    assert_counts_agree(&junit);
    assert_eq!(junit.suites.len(), 1);
    let suite = &junit.suites[0];
    assert_eq!(suite.name, "tests/check/yaml-typo-field/plan.yaml");
    assert_eq!(suite.cases.len(), 1);
    let (name, kind, text, _) = &suite.cases[0];
    assert_eq!((name.as_str(), *kind), ("load", "error"));
    assert!(text.contains("tests/check/yaml-typo-field/plan.yaml:27:5: unknown field `auto_renw`"));
}

#[test]
fn junit_of_a_batch_with_show_all() {
    // Four plans, one of which does not parse; and a missing input file, which
    // belongs to no document. `--show all` keeps every outcome, so skips show.
    let (pack, checked) = on_test_pack(
        &[],
        &[
            "tests/check/jsonl-batch-one-bad-line/plans.jsonl",
            "tests/check/no-such-plan.yaml",
        ],
        Keep::All,
    );
    let text = findings_junit::render(&checked, program(&pack), &SignOff::default());
    insta::assert_snapshot!("junit_batch_show_all", text);
    let junit = parse_junit(&text);
    assert_counts_agree(&junit);
    let names: Vec<&str> = junit.suites.iter().map(|s| s.name.as_str()).collect();
    let docs: Vec<&str> = checked.documents.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names[..docs.len()], docs[..]);
    assert_eq!(names.last(), Some(&"preflight"));
    for (suite, doc) in junit.suites.iter().zip(&checked.documents) {
        if !doc.evaluated {
            assert_eq!(suite.cases.len(), 1);
            assert_eq!(suite.cases[0].1, "error");
            let text = &suite.cases[0].2;
            assert!(text.starts_with(&format!("{}:3:", doc.file)), "{text}");
        }
    }
    let skipped: usize = junit.suites.iter().map(|s| s.counts[3]).sum();
    assert!(skipped > 0, "rules without subjects are skipped");
    let run = junit.suites.last().unwrap();
    assert!(run.cases[0].2.contains("no-such-plan.yaml"));
}

#[test]
fn junit_with_an_error_outcome() {
    let (pack, checked) = on_test_pack(
        &["tests/check/error-outcome-missing-map-key/offer-name.policy"],
        &["tests/check/error-outcome-missing-map-key/plan.yaml"],
        Keep::Findings,
    );
    let program = program(&pack);
    let text = findings_junit::render(&checked, program, &SignOff::default());
    let junit = parse_junit(&text);
    assert_counts_agree(&junit);
    let errored: Vec<&str> = checked.documents[0]
        .outcomes
        .iter()
        .filter(|o| o.kind == OutcomeKind::Error)
        .map(|o| program.rules[o.rule].id.as_str())
        .collect();
    assert!(!errored.is_empty());
    for id in errored {
        let case = junit.suites[0].cases.iter().find(|c| c.0 == id).unwrap();
        assert!(matches!(case.1, "error" | "failure"), "{id}: {}", case.1);
    }
}

#[test]
fn junit_escapes_values_from_the_input() {
    let (pack, checked) = on_test_pack(
        &[],
        &["tests/check/terminal-escapes-in-values/plan.yaml"],
        Keep::Findings,
    );
    let text = findings_junit::render(&checked, program(&pack), &SignOff::default());
    assert!(!text.contains('\u{1b}'));
    assert_counts_agree(&parse_junit(&text));
}

#[test]
fn github_on_the_failing_example() {
    let (pack, checked) = failing_example();
    let program = program(&pack);
    let text = findings_github::render(&checked, program, &SignOff::default());
    insta::assert_snapshot!("github", text);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), findings(&checked));
    let json = preflight::report::findings_json::output(
        &checked,
        program,
        &[],
        false,
        &SignOff::default(),
    );
    for (line, finding) in lines.iter().zip(&json.findings) {
        assert!(
            line.starts_with("::error ") || line.starts_with("::warning "),
            "{line}"
        );
        let (command, properties) = github_command(line);
        assert_eq!(command, finding.severity);
        let names: Vec<&str> = properties.iter().map(|p| p.0).collect();
        assert_eq!(names, ["file", "line", "col", "title"]);
        let location = finding.location.as_ref().unwrap();
        assert_eq!(properties[0].1, location.file);
        assert_eq!(properties[1].1, location.line.to_string());
        assert_eq!(properties[2].1, location.column.to_string());
        assert_eq!(properties[3].1, finding.rule);
        assert!(line.contains("%0Ahelp: "), "the help follows: {line}");
    }
}

#[test]
fn github_with_a_conformance_error() {
    let (pack, checked) = conformance_error();
    let text = findings_github::render(&checked, program(&pack), &SignOff::default());
    insta::assert_snapshot!("github_conformance_error", text);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1);
    let (command, properties) = github_command(lines[0]);
    assert_eq!(command, "error");
    assert_eq!(
        properties,
        [
            ("file", "tests/check/yaml-typo-field/plan.yaml"),
            ("line", "27"),
            ("col", "5"),
            ("title", "preflight%3A%3Adata"),
        ]
    );
}

#[test]
fn github_lines_stay_one_command_each() {
    for input in [
        "tests/check/terminal-escapes-in-values/plan.yaml",
        "tests/check/jsonl-batch-one-bad-line/plans.jsonl",
    ] {
        let (pack, checked) = on_test_pack(&[], &[input], Keep::Findings);
        let text = findings_github::render(&checked, program(&pack), &SignOff::default());
        assert_eq!(
            text.lines().count(),
            findings(&checked) + checked.errors.len(),
            "{input}:\n{text}"
        );
        assert!(!text.contains('\u{1b}'));
        assert!(!text.contains('\r'));
        for line in text.lines() {
            let (command, _) = github_command(line);
            assert!(matches!(command, "error" | "warning" | "notice"), "{line}");
        }
    }
}

/// A sink that writes the human and JSON forms as documents come, as `check`
/// does, and drops each streamed line's text afterwards.
struct Streams<'p> {
    human: preflight::report::findings_human::Stream<'p, Vec<u8>>,
    json: preflight::report::findings_json::Stream<'p, Vec<u8>>,
}

impl run::Sink for Streams<'_> {
    fn keeps_spans(&self) -> bool {
        false
    }

    fn error(
        &mut self,
        sources: &preflight::source::Sources,
        error: preflight::diagnostic::Diagnostic,
    ) {
        self.json.error(sources, &error);
    }

    fn document(&mut self, sources: &preflight::source::Sources, document: run::DocumentResult) {
        self.human.document(sources, &document);
        self.json.document(sources, &document);
    }
}

#[test]
fn streamed_forms_are_the_same_as_forms_of_a_whole_run() {
    use preflight::report::{findings_human, findings_json};
    // A JSON Lines stream with a line that does not parse and one that does not
    // conform, a YAML file, and both with `--show all`.
    let dir = std::env::temp_dir().join(format!("preflight-streams-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let jsonl = dir.join("mixed.jsonl");
    let mut batch = std::fs::read_to_string("examples/csp/batch.jsonl").unwrap();
    batch.push_str("{\"broken\": \n{\"id\": 3}\n");
    batch.push_str(&std::fs::read_to_string("examples/csp/batch.jsonl").unwrap());
    std::fs::write(&jsonl, batch).unwrap();
    let inputs = [
        Input::File(jsonl.clone()),
        Input::File("examples/csp/failing-plan.yaml".into()),
    ];
    let pack = Pack::embedded();
    let program = program(&pack);
    for keep in [Keep::Findings, Keep::All] {
        let show_all = keep == Keep::All;
        let checked = run::check(&pack, &inputs, &options(keep));
        assert!(!checked.errors.is_empty());
        assert!(checked.documents.len() > 8);
        let human = findings_human::render(&checked, program, show_all, false, 100);
        let json = serde_json::to_string_pretty(&findings_json::output(
            &checked,
            program,
            &[],
            show_all,
            &SignOff::default(),
        ))
        .unwrap()
            + "\n";

        let session = run::Session::start(&pack, &options(keep)).unwrap();
        let mut session = session.with_sink(Streams {
            human: findings_human::Stream::new(program, show_all, false, 100, Vec::new()),
            json: findings_json::Stream::new(program, show_all, Vec::new()),
        });
        session.check_inputs(&inputs, None);
        let (sources, streams, _) = session.into_parts();
        let streamed_human = streams.human.finish(true, &SignOff::default());
        let streamed_json = streams.json.finish(&sources, &[], &SignOff::default());
        assert_eq!(String::from_utf8(streamed_human).unwrap(), human);
        assert_eq!(String::from_utf8(streamed_json).unwrap(), json);
        assert!(json.contains("\"rule\": \"license-count\""), "{json}");
        // The streamed lines with findings were dropped once reported.
        assert!(sources.iter().count() < checked.sources.iter().count());
    }
    let _ = std::fs::remove_dir_all(&dir);
}
