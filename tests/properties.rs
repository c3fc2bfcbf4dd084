//! Properties that hold for any input, checked on generated ones (proptest,
//! bounded to a few seconds; `PROPTEST_CASES=N` for a longer hunt). The fuzz
//! targets in `fuzz/` look for the same failures for much longer.
//!
//! - the policy front end never panics, whatever the text;
//! - loading and conforming never panic on any JSON value, and every document
//!   is either evaluated or reported;
//! - evaluation never panics and is deterministic: the same documents give the
//!   same report, as one JSON array or as JSON Lines.

use std::sync::OnceLock;

use preflight::data::format::Format;
use preflight::data::read::Input;
use preflight::eval::Keep;
use preflight::pack::Pack;
use preflight::report::{diagnostics_human, findings_human, findings_json};
use preflight::run::{self, Checked, Options};
use proptest::prelude::*;
use serde_json::{Value, json};

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(64)
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn default_pack() -> &'static Pack {
    static PACK: OnceLock<Pack> = OnceLock::new();
    PACK.get_or_init(Pack::embedded)
}

fn check(bytes: Vec<u8>, format: Format) -> Checked {
    let options = Options {
        today: Some("2026-03-01".into()),
        keep: Keep::All,
        ..Options::default()
    };
    let input = Input::Memory {
        name: "input".into(),
        bytes,
        format,
    };
    run::check(default_pack(), &[input], &options)
}

/// Renders a run as the human and JSON forms do; the JSON text is returned.
fn render(checked: &Checked) -> String {
    let program = default_pack().program.as_ref().unwrap();
    let _ = diagnostics_human::render(&checked.errors, &checked.sources, false);
    let _ = findings_human::render(checked, program, true, false, 100);
    serde_json::to_string(&findings_json::output(
        checked,
        program,
        &[],
        true,
        &preflight::signoff::SignOff::default(),
    ))
    .unwrap()
}

fn assert_accounted(checked: &Checked) {
    let lost: Vec<&str> = checked.unaccounted().map(|d| d.name.as_str()).collect();
    assert!(lost.is_empty(), "neither evaluated nor reported: {lost:?}");
}

/// Words of the policy language, so generated text gets past the first token.
const TOKENS: &[&str] = &[
    "rule",
    "record",
    "enum",
    "input",
    "data",
    "param",
    "severity",
    "for",
    "in",
    "let",
    "when",
    "require",
    "message",
    "help",
    "and",
    "or",
    "not",
    "has",
    "if",
    "then",
    "else",
    "fn",
    "..",
    "map",
    "\"@odata.type\"",
    "true",
    "false",
    "error",
    "warning",
    "info",
    "x",
    "y",
    "r-1",
    "Plan",
    "int",
    "string",
    "date",
    "bool",
    "[",
    "]",
    "{",
    "}",
    "(",
    ")",
    ",",
    ":",
    ".",
    "?",
    "??",
    "==",
    "!=",
    "<",
    "<=",
    "+",
    "-",
    "*",
    "/",
    "=",
    "\"s\"",
    "\"{x}\"",
    "1",
    "9223372036854775808",
    "all",
    "any",
    "count",
    "sum",
    "min",
    "max",
    "list",
    "len",
    "matches",
    "date(\"2026-01-01\")",
    "//",
    "///",
    "\n",
    " ",
    "\t",
    "\u{feff}",
    "é",
];

fn policy_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        prop::collection::vec(prop::sample::select(TOKENS), 0..80).prop_map(|t| t.join(" ")),
    ]
}

/// Any JSON value, nested a few levels.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        ".{0,12}".prop_map(Value::String),
        prop::sample::select(&["2026-03-01", "europe", "csp", "active", "2026-02-30"][..])
            .prop_map(|s| json!(s)),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(("[a-z_]{1,10}", inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// The clean example plan, as JSON.
fn clean_plan() -> Value {
    static PLAN: OnceLock<Value> = OnceLock::new();
    PLAN.get_or_init(|| {
        let line = std::fs::read_to_string("examples/csp/batch.jsonl").unwrap();
        serde_json::from_str(line.lines().next().unwrap()).unwrap()
    })
    .clone()
}

/// Replaces the value at a path picked by `choice` (a walk from the root) with
/// `new`.
fn mutate(plan: &mut Value, mut choice: Vec<usize>, new: Value) {
    let Some(c) = choice.pop() else {
        *plan = new;
        return;
    };
    match plan {
        Value::Object(m) if !m.is_empty() => {
            let i = c % m.len();
            if let Some(v) = m.values_mut().nth(i) {
                mutate(v, choice, new);
            }
        }
        Value::Array(xs) if !xs.is_empty() => {
            let i = c % xs.len();
            mutate(&mut xs[i], choice, new);
        }
        _ => *plan = new,
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn the_front_end_never_panics(text in policy_text()) {
        let pack = Pack::from_texts([("p.policy", text.as_str())]);
        let _ = diagnostics_human::render(&pack.diagnostics, &pack.sources, false);
    }

    #[test]
    fn any_json_value_is_evaluated_or_reported(value in json_value(), as_array in any::<bool>()) {
        let value = if as_array { Value::Array(vec![value, clean_plan()]) } else { value };
        let checked = check(serde_json::to_vec(&value).unwrap(), Format::Json);
        assert_accounted(&checked);
        render(&checked);
    }

    #[test]
    fn near_valid_plans_are_evaluated_or_reported_deterministically(
        edits in prop::collection::vec(
            (prop::collection::vec(any::<usize>(), 0..5), json_value()),
            1..4,
        ),
    ) {
        let mut plans = Vec::new();
        for (path, new) in edits {
            let mut plan = clean_plan();
            mutate(&mut plan, path, new);
            plans.push(plan);
        }
        let array = serde_json::to_vec(&Value::Array(plans.clone())).unwrap();
        let first = check(array.clone(), Format::Json);
        assert_accounted(&first);
        let again = check(array, Format::Json);
        prop_assert_eq!(render(&first), render(&again));
        // The same documents as JSON Lines: the same outcomes.
        let mut lines = Vec::new();
        for plan in &plans {
            lines.extend(serde_json::to_vec(plan).unwrap());
            lines.push(b'\n');
        }
        let streamed = check(lines, Format::Jsonl);
        assert_accounted(&streamed);
        prop_assert_eq!(first.tally, streamed.tally);
        prop_assert_eq!(first.errors.len(), streamed.errors.len());
    }

    #[test]
    fn any_bytes_load_as_every_format(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        for format in [Format::Json, Format::Yaml, Format::Jsonl] {
            let checked = check(bytes.clone(), format);
            assert_accounted(&checked);
            render(&checked);
        }
    }
}
