//! The front end never panics or overflows its stack, whatever the policy text.
//!
//! These run on the test harness's threads (2 MiB stacks), smaller than the
//! binary's main thread, so passing here leaves a wide margin.

use preflight::diagnostic::Code;
use preflight::pack::Pack;

const SCHEMA: &str =
    "record Plan { id: string, n: int, xs: [int], sub: Plan? }\ninput plan: Plan\n";

fn load(rule_body: &str) -> Pack {
    let text = format!("{SCHEMA}rule r {{\n  require {rule_body}\n}}\n");
    Pack::from_texts([("t.policy", text.as_str())])
}

fn codes(pack: &Pack) -> Vec<Code> {
    pack.diagnostics.iter().map(|d| d.code).collect()
}

#[test]
fn brackets_at_the_limit_are_accepted() {
    let depth = preflight::syntax::MAX_BRACKET_DEPTH - 2;
    let pack = load(&format!("{}true{}", "(".repeat(depth), ")".repeat(depth)));
    assert!(pack.is_ok(), "{:?}", pack.diagnostics);
}

#[test]
fn very_deep_brackets_are_a_limit_error() {
    let pack = load(&format!(
        "{}true{}",
        "(".repeat(100_000),
        ")".repeat(100_000)
    ));
    assert_eq!(codes(&pack), vec![Code::Limit]);
}

#[test]
fn brackets_after_an_unclosed_unicode_escape_are_counted() {
    let text = format!(
        "{SCHEMA}rule r {{\n  require true\n  message \"\\u{{ {}\\\"x\\\"{} }}\"\n}}\n",
        "(".repeat(10_000),
        ")".repeat(10_000)
    );
    let pack = Pack::from_texts([("t.policy", text.as_str())]);
    assert!(codes(&pack).contains(&Code::Limit), "{:?}", codes(&pack));
}

#[test]
fn ifs_at_the_limit_are_accepted_and_deeper_ones_refused() {
    let depth = preflight::syntax::MAX_BRACKET_DEPTH - 2;
    let chain = "if plan.n > 0 then true else ".repeat(depth) + "false";
    assert!(load(&chain).is_ok(), "{:?}", load(&chain).diagnostics);
    // `if`s inside `then` branches and brackets, alternating: pest's deepest case.
    let nested = "(if true then ".repeat(depth / 2) + "true" + &" else false)".repeat(depth / 2);
    assert!(load(&nested).is_ok(), "{:?}", load(&nested).diagnostics);
    let formatted = preflight::format::format_source(
        "t.policy",
        &format!("rule r {{\n  require {nested}\n}}\n"),
    );
    assert!(formatted.is_ok());
    for deep in [
        "if plan.n > 0 then true else ".repeat(100_000) + "false",
        "if ".repeat(100_000) + "true",
        "(if true then ".repeat(50_000) + "true",
    ] {
        assert_eq!(codes(&load(&deep)), vec![Code::Limit]);
    }
}

#[test]
fn deep_types_are_a_limit_error() {
    let text = format!(
        "record Plan {{ x: {}int{} }}\ninput plan: Plan\n",
        "[".repeat(50_000),
        "]".repeat(50_000)
    );
    let pack = Pack::from_texts([("t.policy", text.as_str())]);
    assert_eq!(codes(&pack), vec![Code::Limit]);
}

#[test]
fn long_operator_chains_are_a_limit_error() {
    for body in [
        "not ".repeat(1_000_000) + "true",
        "- ".repeat(100_000) + "1 == 1",
        "(plan.n ?? ".to_string() + &"plan.n ?? ".repeat(10_000) + "1) > 0",
        vec!["true"; 100_000].join(" or "),
        vec!["plan.n"; 50_000].join(" + ") + " > 0",
        "plan".to_string() + &".sub".repeat(10_000) + ".n > 0",
        vec!["not true"; 10_000].join(" == "),
        "1".to_string() + &" + not 1".repeat(10_000) + " > 0",
        "plan.xs".to_string() + &"[0]".repeat(10_000) + " > 0",
    ] {
        let pack = load(&body);
        assert!(codes(&pack).contains(&Code::Limit), "{:?}", codes(&pack));
    }
}

#[test]
fn nested_calls_parse_in_linear_time() {
    // A grammar that backtracks on `f(` would take 2^depth steps here.
    let depth = preflight::syntax::MAX_BRACKET_DEPTH - 4;
    let body = format!(
        "{}plan.xs{} > 0",
        "len(list(x for x in ".repeat(depth / 2),
        "))".repeat(depth / 2)
    );
    let pack = load(&body);
    assert!(!pack.diagnostics.is_empty());
}

#[test]
fn huge_flat_policy_is_fine() {
    let mut text = String::from(SCHEMA);
    for i in 0..2_000 {
        text.push_str(&format!(
            "/// Rule {i}.\nrule r{i} {{\n  for x in plan.xs\n  require x + {i} > plan.n\n}}\n"
        ));
    }
    let pack = Pack::from_texts([("t.policy", text.as_str())]);
    assert!(pack.is_ok(), "{:?}", pack.diagnostics.first());
    assert_eq!(pack.program.map(|p| p.rules.len()), Some(2_000));
}

/// A tiny deterministic generator, so failures reproduce.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Mutates valid policies thousands of times (deletions, insertions of tokens
/// that tend to confuse parsers, duplications) and loads each result: any
/// outcome is fine except a panic, and a pack without errors must give a program.
#[test]
fn mutated_policies_never_panic() {
    const TOKENS: &[&str] = &[
        "(",
        ")",
        "{",
        "}",
        "[",
        "]",
        "\"",
        "'",
        "\\",
        "///",
        "//",
        "\n",
        "=",
        "==",
        "??",
        "not",
        "has",
        "for",
        "in",
        "if",
        "when",
        "require",
        "rule x {",
        "record",
        "enum",
        ":",
        ",",
        ".",
        "-",
        "?",
        "é",
        "\u{1F600}",
        "{{",
        "}}",
        "9999999999999999999999",
        "date(\"2026-02-30\")",
        "matches(plan.id, \"(\")",
    ];
    let seeds: Vec<String> = [
        "tests/ui/valid/expressions.policy",
        "tests/ui/valid/narrowing.policy",
        "examples/quickstart/transfer.policy",
    ]
    .iter()
    .map(|p| std::fs::read_to_string(p).expect("seed policy"))
    .collect();
    let mut rng = XorShift(0x5eed_cafe_f00d_d00d);
    for round in 0..3_000 {
        let seed = &seeds[round % seeds.len()];
        let text = mutate(seed, TOKENS, &mut rng);
        let pack = Pack::from_texts([("mutated.policy", text.as_str())]);
        let has_errors = pack.diagnostics.iter().any(|d| d.is_error());
        assert_eq!(
            pack.program.is_some(),
            !has_errors,
            "round {round}:\n{text}"
        );
        // Rendering must not panic either.
        let _ = preflight::diagnostic::render_plain(&pack.diagnostics, &pack.sources, 80);
    }
}

#[test]
fn byte_order_mark_and_crlf_line_ends_are_accepted() {
    let text = "\u{feff}/// A plan.\r\nrecord Plan { id: string }\r\ninput plan: Plan\r\nrule r {\r\n  require plan.id != \"\"\r\n}\r\n";
    let pack = Pack::from_texts([("windows.policy", text)]);
    assert!(pack.is_ok(), "{:?}", pack.diagnostics);
    let doc = pack
        .program
        .as_ref()
        .and_then(|p| p.schema.records.first())
        .and_then(|r| r.doc.clone());
    assert_eq!(doc.as_deref(), Some("A plan."));
}

// ----- evaluation and data --------------------------------------------------------

/// Runs `check` on a document of the test schema against a one-rule pack.
fn evaluate(rule_body: &str, doc: &str) -> preflight::run::Checked {
    use preflight::data::read::Input;
    use preflight::run::{Options, check};
    let pack = load(rule_body);
    assert!(pack.is_ok(), "{:?}", pack.diagnostics);
    let dir = std::env::temp_dir().join(format!(
        "preflight-robust-{}-{}",
        std::process::id(),
        rule_body.len()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("doc.json");
    std::fs::write(&path, doc).unwrap();
    let options = Options {
        data: Vec::new(),
        params: Vec::new(),
        today: Some("2026-03-01".into()),
        keep: preflight::eval::Keep::All,
        input_format: None,
        ..Options::default()
    };
    let checked = check(&pack, &[Input::File(path)], &options);
    let _ = std::fs::remove_dir_all(&dir);
    checked
}

/// Runs `f` on a thread with an 8 MiB stack. In unoptimised builds the checker
/// and the evaluator take tens of kilobytes per level of expression, so the
/// deepest expressions allowed (256 levels) need more than a test thread's
/// 2 MiB; release builds fit in 2 MiB, and the binary runs on a 256 MiB stack
/// (`src/main.rs`).
fn on_big_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(8 * 1024 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn deepest_expressions_evaluate_and_trace() {
    on_big_stack(deepest_expressions);
}

fn deepest_expressions() {
    // 250 terms: just under the checker's depth cap, evaluated and then traced.
    let sum = vec!["plan.n"; 250].join(" + ");
    let checked = evaluate(&format!("{sum} < 0"), r#"{"id": "a", "n": 1, "xs": []}"#);
    assert!(checked.errors.is_empty());
    assert_eq!(checked.tally.fail, 1);
    let ands = vec!["plan.n > 0"; 250].join(" and ");
    let checked = evaluate(
        &format!("{ands} and false"),
        r#"{"id": "a", "n": 1, "xs": []}"#,
    );
    assert_eq!(checked.tally.fail, 1);
}

#[test]
fn deeply_nested_data_is_a_load_error() {
    // 100,000 levels of optional records: the data nesting limit, not a crash.
    let mut doc = String::new();
    for _ in 0..100_000 {
        doc.push_str(r#"{"id": "a", "n": 1, "xs": [], "sub": "#);
    }
    doc.push_str("null");
    doc.push_str(&"}".repeat(100_000));
    let checked = evaluate("plan.n > 0", &doc);
    assert_eq!(checked.errors.len(), 1);
    assert!(
        checked.errors[0].message.contains("nests deeper"),
        "{}",
        checked.errors[0].message
    );
}

#[test]
fn overflow_is_an_error_outcome_not_a_panic() {
    let checked = evaluate(
        "plan.n * plan.n > 0 and sum(plan.xs) > 0 and -plan.n < 0 and plan.n / (plan.n - plan.n) > 0",
        r#"{"id": "a", "n": 9223372036854775807, "xs": [9223372036854775807, 1]}"#,
    );
    assert!(checked.errors.is_empty());
    assert_eq!(checked.tally.error, 1);
}

/// Applies 1 to 4 random edits (deletions, insertions of awkward tokens,
/// duplications) to a text.
fn mutate(seed: &str, tokens: &[&str], rng: &mut XorShift) -> String {
    let mut text: Vec<char> = seed.chars().collect();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(text.len());
        match rng.below(3) {
            0 => {
                let len = rng.below(12).min(text.len() - at);
                text.drain(at..at + len);
            }
            1 => {
                let token = tokens[rng.below(tokens.len())];
                text.splice(at..at, token.chars());
            }
            _ => {
                let len = rng.below(40).min(text.len() - at);
                let copy: Vec<char> = text[at..at + len].to_vec();
                let to = rng.below(text.len());
                text.splice(to..to, copy);
            }
        }
    }
    text.into_iter().collect()
}

/// Waiver files, baselines and globs mutated thousands of times: each is read
/// (and a baseline used) without a panic, and a waiver file with any error
/// gives no waiver.
#[test]
fn mutated_waiver_files_baselines_and_globs_never_panic() {
    use preflight::signoff::Baseline;
    use preflight::signoff::glob::Pattern;
    use preflight::signoff::waivers::{WaiverContext, load_files};
    const TOKENS: &[&str] = &[
        "\n",
        "  ",
        "- ",
        ":",
        "\"",
        "'",
        "[",
        "]",
        "{",
        "}",
        ",",
        "*",
        "**",
        "?",
        "\\",
        "#",
        "2026-02-30",
        "99999-01-01",
        "null",
        "~",
        "&a",
        "*a",
        "é",
        "\u{1F600}",
        "expires: ",
        "\"version\": 2",
        "\"findings\": {}",
        "\u{0}",
    ];
    let pack = preflight::pack::Pack::embedded();
    let program = pack.program.as_ref().unwrap();
    let context = WaiverContext {
        program,
        today: jiff::civil::date(2026, 3, 1),
        max_days: 365,
    };
    let waivers = std::fs::read_to_string("tests/check/waivers-applied/waivers.yaml").unwrap()
        + &std::fs::read_to_string("tests/check/waivers-unused/waivers.yaml")
            .unwrap()
            .replacen("waivers:\n", "", 1);
    let baseline =
        std::fs::read_to_string("tests/check/baseline-round-trip/baseline.json").unwrap();
    let dir = std::env::temp_dir().join(format!("preflight-robust-signoff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut rng = XorShift(0x0bad_5eed_1234_abcd);
    let (mut waivers_read, mut baselines_read) = (0, 0);
    for round in 0..1_000 {
        let mut sources = preflight::source::Sources::new();
        let file = dir.join(if round % 2 == 0 { "w.yaml" } else { "w.json" });
        let text = mutate(&waivers, TOKENS, &mut rng);
        std::fs::write(&file, &text).unwrap();
        let (applied, problems) = load_files(&[&file], context, &mut sources);
        if problems.iter().any(|d| d.is_error()) {
            assert!(
                applied.is_empty(),
                "round {round}: waivers applied despite errors:\n{text}"
            );
        } else {
            waivers_read += 1;
        }
        let _ = preflight::diagnostic::render_plain(&problems, &sources, 80);

        let file = dir.join("b.json");
        let text = mutate(&baseline, TOKENS, &mut rng);
        std::fs::write(&file, &text).unwrap();
        match Baseline::load(&file, &mut sources) {
            Ok(mut b) => {
                baselines_read += 1;
                let _ = b.mark("license-count", "plan.yaml", "/subscriptions/3");
                let _ = b.fixed();
            }
            Err(problems) => {
                let _ = preflight::diagnostic::render_plain(&problems, &sources, 80);
            }
        }

        let glob = mutate("plans/**/[a-c]?*.yaml#[!0-9]\\*", TOKENS, &mut rng);
        if let Ok(p) = Pattern::parse(&glob) {
            let _ = p.matches(&glob);
            let _ = p.matches("plans/a/b.yaml#1");
        }
    }
    // Some mutations keep the files valid, so both readers' good paths ran too.
    assert!(
        waivers_read > 50 && baselines_read > 50,
        "{waivers_read} {baselines_read}"
    );
}
