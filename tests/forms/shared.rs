//! What the tests of the output forms share (`tests/forms.rs`,
//! `tests/forms_signoff.rs`): runs of the failing example and of the test
//! pack, the SARIF schema check, JUnit read back as XML, GitHub commands
//! split. Each test file uses part of it.
#![allow(
    dead_code,
    reason = "each test file that includes this one uses part of it"
)]

use preflight::data::read::Input;
use preflight::eval::Keep;
use preflight::model::program::Program;
use preflight::pack::Pack;
use preflight::run::{self, Checked, Options};
use quick_xml::XmlVersion;
use quick_xml::events::Event;
use std::path::PathBuf;

pub fn options(keep: Keep) -> Options {
    Options {
        data: vec![],
        params: vec![],
        today: Some("2026-03-01".into()),
        keep,
        input_format: None,
        ..Options::default()
    }
}

/// The embedded default pack on the failing example: six planted findings.
pub fn failing_example() -> (Pack, Checked) {
    let pack = Pack::embedded();
    let checked = run::check(
        &pack,
        &[Input::File("examples/csp/failing-plan.yaml".into())],
        &options(Keep::Findings),
    );
    (pack, checked)
}

/// The test pack on `tests/check/DIR/FILE` for each input (extra policy files
/// from `policies`).
pub fn on_test_pack(policies: &[&str], inputs: &[&str], keep: Keep) -> (Pack, Checked) {
    let mut paths: Vec<PathBuf> = vec!["tests/check/_pack".into()];
    paths.extend(policies.iter().map(PathBuf::from));
    let pack = Pack::load(&paths);
    assert!(
        pack.program.is_some(),
        "the test pack does not load: {:?}",
        pack.diagnostics
    );
    let inputs: Vec<Input> = inputs.iter().map(|i| Input::File(i.into())).collect();
    let checked = run::check(&pack, &inputs, &options(keep));
    (pack, checked)
}

/// A plan with a misspelt field: the document cannot be conformed.
pub fn conformance_error() -> (Pack, Checked) {
    let (pack, checked) = on_test_pack(
        &[],
        &["tests/check/yaml-typo-field/plan.yaml"],
        Keep::Findings,
    );
    assert_eq!(checked.errors.len(), 1);
    (pack, checked)
}

pub fn program(pack: &Pack) -> &Program {
    pack.program.as_ref().expect("the pack loads")
}

pub fn findings(checked: &Checked) -> usize {
    checked
        .documents
        .iter()
        .flat_map(|d| &d.outcomes)
        .filter(|o| o.finding.is_some())
        .count()
}

// --- SARIF ---------------------------------------------------------------------

/// The errors of a SARIF log against the vendored SARIF 2.1.0 schema (draft-07),
/// formats included (`uri`, `uri-reference`, `date-time`).
pub fn sarif_errors(instance: &serde_json::Value) -> Vec<String> {
    let mut schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string("tests/data/sarif-schema-2.1.0.json").expect("the schema"),
    )
    .expect("the schema is JSON");
    // The official schema's `language` patterns have a stray `]`, which the
    // `regex` format check of the draft-07 meta-schema rejects, so the schema
    // would not compile. Read as JavaScript reads it, the `]` is a literal:
    // escaping it keeps the patterns' meaning.
    let fixed = fix_language_patterns(&mut schema);
    assert_eq!(fixed, 2, "the vendored schema changed: revisit this fix");
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles");
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// Parses a SARIF log and checks it against the schema; fails with every error.
pub fn assert_valid_sarif(text: &str) -> serde_json::Value {
    let instance: serde_json::Value = serde_json::from_str(text).expect("SARIF output is JSON");
    let errors = sarif_errors(&instance);
    assert!(
        errors.is_empty(),
        "the SARIF output does not match the SARIF 2.1.0 schema:\n{}",
        errors.join("\n")
    );
    instance
}

/// Escapes the stray `]` of the schema's `language` patterns; how many it fixed.
pub fn fix_language_patterns(schema: &mut serde_json::Value) -> usize {
    const BROKEN: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
    match schema {
        serde_json::Value::Object(map) => {
            let mut fixed = 0;
            for (key, value) in map.iter_mut() {
                if key == "pattern" && value == BROKEN {
                    *value = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$".into();
                    fixed += 1;
                } else {
                    fixed += fix_language_patterns(value);
                }
            }
            fixed
        }
        serde_json::Value::Array(items) => items.iter_mut().map(fix_language_patterns).sum(),
        _ => 0,
    }
}

// --- JUnit ---------------------------------------------------------------------

/// What a JUnit document holds, read back with quick-xml.
#[derive(Debug, Default)]
pub struct Junit {
    pub root: String,
    /// Counts on `<testsuites>`: tests, failures, errors, skipped.
    pub totals: [usize; 4],
    pub suites: Vec<JunitSuite>,
}

#[derive(Debug, Default)]
pub struct JunitSuite {
    pub name: String,
    /// Counts on `<testsuite>`.
    pub counts: [usize; 4],
    /// Each testcase: name and what it came to (`pass`, `failure`, `error`,
    /// `skipped`), with the text of a failure, error or skip (or of the
    /// `<system-out>` of one that passed), and the `message` of the element.
    pub cases: Vec<(String, &'static str, String, String)>,
    /// Its `<properties>`, in order.
    pub properties: Vec<(String, String)>,
}

pub fn attribute(e: &quick_xml::events::BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .map(|a| a.expect("a well-formed attribute"))
        .find(|a| a.key.as_ref() == name)
        .map(|a| {
            a.normalized_value(XmlVersion::Implicit1_0)
                .expect("an attribute value")
                .into_owned()
        })
}

pub fn counts(e: &quick_xml::events::BytesStart<'_>) -> [usize; 4] {
    ["tests", "failures", "errors", "skipped"].map(|n| {
        attribute(e, n)
            .unwrap_or_else(|| panic!("`{n}` is missing"))
            .parse()
            .unwrap()
    })
}

/// Parses JUnit XML, failing on anything not well-formed.
pub fn parse_junit(text: &str) -> Junit {
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut junit = Junit::default();
    let mut depth = 0usize;
    let mut in_outcome = false;
    loop {
        let event = reader
            .read_event()
            .unwrap_or_else(|e| panic!("not well-formed at {}: {e}", reader.buffer_position()));
        match event {
            Event::Eof => break,
            Event::Decl(_) => assert_eq!(depth, 0),
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                let name = e.name().as_ref().to_string();
                match (depth, name.as_str()) {
                    (0, _) => {
                        assert!(junit.root.is_empty(), "a second root element");
                        junit.root = name.clone();
                        junit.totals = counts(e);
                    }
                    (1, "testsuite") => junit.suites.push(JunitSuite {
                        name: attribute(e, "name").unwrap(),
                        counts: counts(e),
                        ..JunitSuite::default()
                    }),
                    (2, "properties") => {
                        let suite = junit.suites.last().unwrap();
                        assert!(suite.cases.is_empty(), "properties come first");
                        assert!(suite.properties.is_empty(), "one <properties>");
                    }
                    (3, "property") => {
                        assert!(empty, "a property is empty");
                        let suite = junit.suites.last_mut().unwrap();
                        let name = attribute(e, "name").expect("a property name");
                        let value = attribute(e, "value").expect("a property value");
                        suite.properties.push((name, value));
                    }
                    (2, "testcase") => {
                        let suite = junit.suites.last_mut().unwrap();
                        assert_eq!(attribute(e, "classname").unwrap(), suite.name);
                        let name = attribute(e, "name").unwrap();
                        suite
                            .cases
                            .push((name, "pass", String::new(), String::new()));
                    }
                    (3, "system-out") => {
                        let case = junit.suites.last_mut().unwrap().cases.last_mut().unwrap();
                        assert_eq!(case.1, "pass", "output only on a testcase that passed");
                        in_outcome = !empty;
                    }
                    (3, "failure" | "error" | "skipped") => {
                        let case = junit.suites.last_mut().unwrap().cases.last_mut().unwrap();
                        assert_eq!(case.1, "pass", "one outcome per testcase");
                        case.1 = match name.as_str() {
                            "failure" => "failure",
                            "error" => "error",
                            _ => "skipped",
                        };
                        if name != "skipped" {
                            assert!(attribute(e, "message").is_some());
                            assert!(attribute(e, "type").is_some());
                        }
                        case.3 = attribute(e, "message").unwrap_or_default();
                        in_outcome = !empty;
                    }
                    (d, n) => panic!("unexpected <{n}> at depth {d}"),
                }
                if !empty {
                    depth += 1;
                }
            }
            Event::End(_) => {
                depth -= 1;
                in_outcome = false;
            }
            Event::Text(t) => {
                let text = t.xml10_content().into_owned();
                if in_outcome {
                    junit.suites.last_mut().unwrap().cases.last_mut().unwrap().2 += &text;
                } else {
                    assert!(text.trim().is_empty(), "stray text {text:?}");
                }
            }
            Event::GeneralRef(r) => {
                // quick-xml reports entity references apart from the text.
                let c = match r.resolve_char_ref().expect("a valid character reference") {
                    Some(c) => c,
                    None => match &*r {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        "apos" => '\'',
                        n => panic!("unknown entity &{n};"),
                    },
                };
                assert!(in_outcome, "an entity outside a failure or error");
                junit
                    .suites
                    .last_mut()
                    .unwrap()
                    .cases
                    .last_mut()
                    .unwrap()
                    .2
                    .push(c);
            }
            e => panic!("unexpected event {e:?}"),
        }
    }
    assert_eq!(depth, 0);
    junit
}

/// The counts of a suite agree with its testcases, and the totals with the
/// suites.
pub fn assert_counts_agree(junit: &Junit) {
    assert_eq!(junit.root, "testsuites");
    let mut totals = [0; 4];
    for suite in &junit.suites {
        let count = |kind: &str| suite.cases.iter().filter(|c| c.1 == kind).count();
        let actual = [
            suite.cases.len(),
            count("failure"),
            count("error"),
            count("skipped"),
        ];
        assert_eq!(suite.counts, actual, "counts of suite {}", suite.name);
        for (t, n) in totals.iter_mut().zip(actual) {
            *t += n;
        }
    }
    assert_eq!(junit.totals, totals, "counts of <testsuites>");
}

// --- GitHub --------------------------------------------------------------------

/// The properties of a workflow command line, and its command.
pub fn github_command(line: &str) -> (&str, Vec<(&str, &str)>) {
    let rest = line.strip_prefix("::").expect("a command starts with ::");
    let (head, _message) = rest.split_once("::").expect("`::` before the message");
    let (command, properties) = head.split_once(' ').expect("properties");
    let properties = properties
        .split(',')
        .map(|p| p.split_once('=').expect("NAME=VALUE"))
        .collect();
    (command, properties)
}
