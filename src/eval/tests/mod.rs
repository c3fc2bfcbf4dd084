//! Evaluator unit tests: the run-time semantics of language.md §4–§6.
//!
//! Each test writes a few rules over a shared schema ([`SCHEMA`]) and document
//! ([`DOC`]), runs them with [`Setup::run`] (parse, check, conform, evaluate with
//! `Keep::All`) and looks at the outcomes in a flattened form ([`Row`]), or at a
//! finding's trace.

use jiff::civil::Date;

use super::budget::Budget;
use super::frame::{Frame, Slots};
use super::identity::Identities;
use super::trace::NoTrace;
use super::{EvalErrorKind, Evaluator, FindingDetail, Keep, Outcome};
use crate::data::conform::conform;
use crate::data::json::parse_json;
use crate::diagnostic::render_plain;
use crate::model::program::{Program, TemplatePart};
use crate::model::types::Type;
use crate::model::value::Value;
use crate::pack::Pack;
use crate::source::{Sources, Span};

// ----- harness ------------------------------------------------------------------

/// The schema most tests write their rules against.
const SCHEMA: &str = r#"
enum Region { "europe", "united_states", "canada" }
enum Status { "active", "suspended", "expired" }

record Partner { name: string, region: Region }
record Target { offer: string, quantity: int, note: string? }
record Subscription {
  id: string,
  offer: string,
  quantity: int,
  status: Status,
  expires: date,
  users: [string],
  target: Target?,
}
record Transfer {
  id: string,
  region: Region,
  partner: Partner,
  big: int,
  small: int,
  zero: int,
  start: date,
  day: string,
  name: string,
  tags: [string],
  nums: [int],
  flags: [bool],
  dates: [date],
  empty: [int],
  counts: [string: int],
  limits: [string: int],
  subscriptions: [Subscription],
}
record Offer { name: string, equivalents: [string] }
record Catalog { offers: [string: Offer], featured: [string] }

input transfer: Transfer
"#;

/// The document most tests check (a `Transfer`).
const DOC: &str = r#"{
  "id": "T-1",
  "region": "europe",
  "partner": {"name": "Contoso", "region": "canada"},
  "big": 9223372036854775807,
  "small": -9223372036854775808,
  "zero": 0,
  "start": "2024-02-28",
  "day": "2024-02-29",
  "name": "Café",
  "tags": ["a", "b"],
  "nums": [3, 1, 2],
  "flags": [true, false],
  "dates": ["2024-03-01", "2023-12-31", "2024-01-15"],
  "empty": [],
  "counts": {"z": 26, "a": 1, "m": 13},
  "limits": {"a": 1, "m": 13, "z": 26},
  "subscriptions": [
    {"id": "S0", "offer": "E3", "quantity": 10, "status": "active", "expires": "2024-06-30",
     "users": ["u1", "u2"], "target": {"offer": "E5", "quantity": 10}},
    {"id": "S1", "offer": "E1", "quantity": 5, "status": "suspended", "expires": "2024-07-31",
     "users": []},
    {"id": "S2", "offer": "E5", "quantity": 7, "status": "active", "expires": "2024-08-31",
     "users": ["u3"], "target": {"offer": "E5", "quantity": 8, "note": "more"}}
  ]
}"#;

/// The `catalog` data used with [`Setup::catalog`]: it has no offer `E1`.
const CATALOG: &str = r#"{
  "offers": {
    "E3": {"name": "Office E3", "equivalents": ["E5"]},
    "E5": {"name": "Office E5", "equivalents": []},
    "K1": {"name": "Kiosk", "equivalents": ["E3", "E5"]}
  },
  "featured": ["E5", "E3"]
}"#;

/// A date from its parts (panics on an invalid one).
fn ymd(year: i16, month: i8, day: i8) -> Date {
    Date::new(year, month, day).expect("a valid test date")
}

/// One outcome, flattened for comparisons.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Row {
    /// The rule id.
    rule: String,
    /// The subject's path, as reports show it.
    subject: String,
    /// `pass`, `fail`, `skip` or `error`.
    kind: &'static str,
    /// The interpolated message of a finding.
    message: Option<String>,
    /// The evaluation error's message of an `error` outcome.
    error: Option<String>,
}

/// Everything needed to evaluate one policy over one document.
struct Setup {
    /// The whole policy text.
    policy: String,
    /// The document, as JSON.
    doc: String,
    /// One JSON text per `data` declaration, in declaration order.
    data: Vec<String>,
    /// Param values overriding the defaults.
    params: Vec<(String, Value)>,
    /// What `today()` returns.
    today: Date,
    /// Evaluation steps per document, when not the default.
    steps: Option<u64>,
}

impl Setup {
    /// [`SCHEMA`] followed by `rules`, over [`DOC`], today 2024-03-15.
    fn new(rules: &str) -> Setup {
        Setup::raw(&format!("{SCHEMA}\n{rules}"), DOC)
    }

    /// A policy given whole (no [`SCHEMA`]) over the JSON document `doc`.
    fn raw(policy: &str, doc: &str) -> Setup {
        Setup {
            policy: policy.to_string(),
            doc: doc.to_string(),
            data: Vec::new(),
            params: Vec::new(),
            today: ymd(2024, 3, 15),
            steps: None,
        }
    }

    /// Sets the evaluation step budget per document.
    fn steps(mut self, steps: u64) -> Setup {
        self.steps = Some(steps);
        self
    }

    /// Replaces the document.
    fn doc(mut self, doc: &str) -> Setup {
        self.doc = doc.to_string();
        self
    }

    /// Declares `data catalog: Catalog` and gives it [`CATALOG`].
    fn catalog(mut self) -> Setup {
        self.policy.push_str("\ndata catalog: Catalog\n");
        self.data.push(CATALOG.to_string());
        self
    }

    /// Overrides the param `name`.
    fn param(mut self, name: &str, value: Value) -> Setup {
        self.params.push((name.to_string(), value));
        self
    }

    /// Sets the evaluation date.
    fn today(mut self, today: Date) -> Setup {
        self.today = today;
        self
    }

    /// Loads the pack (panicking with the rendered diagnostics if it has errors),
    /// conforms the document and data, and evaluates every rule with `Keep::All`.
    fn run(&self) -> Evaluated {
        let pack = Pack::from_texts([("t.policy", self.policy.as_str())]);
        let outcomes = self.with_evaluator(&pack, |evaluator, doc| {
            evaluator.evaluate(doc, Keep::All).outcomes
        });
        Evaluated { pack, outcomes }
    }

    /// The kind of error of each part of the first rule's `message` that fails
    /// when evaluated on the document alone, before any of the rule's clauses
    /// ran: what a message of an `error` outcome shows as `<error: …>`. (Its
    /// errors are only text in a finding.) The rule must not have a `for`.
    fn message_error_kinds(&self) -> Vec<EvalErrorKind> {
        let pack = Pack::from_texts([("t.policy", self.policy.as_str())]);
        self.with_evaluator(&pack, |evaluator, doc| {
            let rule = &evaluator.program().rules[0];
            let budget = Budget::new(evaluator.max_steps);
            let identities = Identities::default();
            let mut frame = Frame::new(
                evaluator,
                rule,
                &evaluator.layouts[0],
                doc,
                &budget,
                &identities,
                Slots::default(),
            );
            let parts = rule.message.as_ref().map_or(&[][..], |m| &m.parts);
            parts
                .iter()
                .filter_map(|part| match part {
                    TemplatePart::Expr(e) => frame.eval(e, &mut NoTrace).err(),
                    TemplatePart::Text(_) => None,
                })
                .map(|error| error.kind)
                .collect()
        })
    }

    /// Conforms the document and data of `pack`'s program (panicking with the
    /// rendered diagnostics if the pack has errors) and hands `f` an evaluator
    /// over them, with the conformed document.
    fn with_evaluator<R>(&self, pack: &Pack, f: impl FnOnce(&Evaluator<'_>, &Value) -> R) -> R {
        let Some(program) = pack.program.as_ref() else {
            panic!(
                "the test policy has errors:\n{}",
                render_plain(&pack.diagnostics, &pack.sources, 100)
            );
        };
        let mut files = pack.sources.clone();
        let doc = conform_json(
            program,
            &program.input.ty,
            &program.input.name,
            &self.doc,
            &mut files,
        );
        assert_eq!(
            self.data.len(),
            program.data.len(),
            "give one JSON value per `data` declaration"
        );
        let data = program
            .data
            .iter()
            .zip(&self.data)
            .map(|(def, text)| conform_json(program, &def.ty, &def.name, text, &mut files))
            .collect();
        let mut params: Vec<Value> = program
            .params
            .iter()
            .map(|p| Value::from_const(&p.default))
            .collect();
        for (name, value) in &self.params {
            let i = program
                .params
                .iter()
                .position(|p| &p.name == name)
                .unwrap_or_else(|| panic!("no param `{name}`"));
            params[i] = value.clone();
        }
        let mut evaluator = Evaluator::new(program, &pack.sources, data, params, self.today);
        if let Some(steps) = self.steps {
            evaluator = evaluator.with_step_budget(steps);
        }
        f(&evaluator, &doc)
    }
}

/// Parses `text` as JSON and conforms it to `ty`, panicking with the rendered
/// diagnostics when it does not conform.
fn conform_json(
    program: &Program,
    ty: &Type,
    what: &str,
    text: &str,
    files: &mut Sources,
) -> Value {
    let file = files.add(format!("{what}.json"), text);
    let node = parse_json(text, 0).unwrap_or_else(|e| panic!("bad test JSON for `{what}`: {e:?}"));
    conform(&program.schema, ty, &node, file, what)
        .map(|(v, _)| v)
        .unwrap_or_else(|diags| {
            panic!(
                "test JSON for `{what}` does not conform:\n{}",
                render_plain(&diags, files, 100)
            )
        })
}

/// The outcomes of one evaluation, with the pack they point into.
struct Evaluated {
    /// The loaded pack (its sources name the spans of findings).
    pack: Pack,
    /// Every outcome, in rule order then subject order.
    outcomes: Vec<Outcome>,
}

impl Evaluated {
    /// The checked program.
    fn program(&self) -> &Program {
        self.pack.program.as_ref().expect("a checked program")
    }

    /// Every outcome as a [`Row`].
    fn rows(&self) -> Vec<Row> {
        self.outcomes
            .iter()
            .map(|o| Row {
                rule: self.program().rules[o.rule].id.clone(),
                subject: o.subject.to_string(),
                kind: o.kind.as_str(),
                message: o.finding.as_ref().and_then(|f| f.message.clone()),
                error: o
                    .finding
                    .as_ref()
                    .and_then(|f| f.error.as_ref())
                    .map(|e| e.message.clone()),
            })
            .collect()
    }

    /// The only outcome (panics unless there is exactly one).
    fn only(&self) -> Row {
        let rows = self.rows();
        assert_eq!(rows.len(), 1, "expected one outcome, got {rows:#?}");
        rows.into_iter().next().expect("one row")
    }

    /// `(subject, kind)` of every outcome.
    fn kinds(&self) -> Vec<(String, &'static str)> {
        self.rows()
            .into_iter()
            .map(|r| (r.subject, r.kind))
            .collect()
    }

    /// The finding of outcome `i` (panics when it has none).
    fn finding(&self, i: usize) -> &FindingDetail {
        self.outcomes[i]
            .finding
            .as_deref()
            .unwrap_or_else(|| panic!("outcome {i} has no finding: {:#?}", self.rows()))
    }

    /// The policy text under `span`.
    fn text(&self, span: Span) -> &str {
        self.pack.sources.slice(span)
    }

    /// The text of the failing `require` clause of outcome `i`.
    fn require_text(&self, i: usize) -> Option<&str> {
        self.finding(i).require.map(|s| self.text(s))
    }

    /// `(path, value)` of every value outcome `i`'s failing `require` read.
    fn reads(&self, i: usize) -> Vec<(String, String)> {
        let schema = &self.program().schema;
        self.finding(i)
            .reads
            .iter()
            .map(|r| (r.path.to_string(), r.value.display(&r.ty, schema)))
            .collect()
    }

    /// `(expression, value)` of every sub-value outcome `i`'s failing `require`
    /// computed.
    fn computed(&self, i: usize) -> Vec<(String, String)> {
        let schema = &self.program().schema;
        self.finding(i)
            .computed
            .iter()
            .map(|c| {
                (
                    self.text(c.span).to_string(),
                    c.value.display(&c.ty, schema),
                )
            })
            .collect()
    }
}

/// Evaluates `rules` (after [`SCHEMA`]) over [`DOC`].
fn eval(rules: &str) -> Evaluated {
    Setup::new(rules).run()
}

/// The outcome of `rule r { require EXPR }` over [`DOC`].
fn check(expr: &str) -> Row {
    eval(&format!("rule r {{\n  require {expr}\n}}\n")).only()
}

/// The kind of `rule r { require EXPR }`'s outcome.
fn kind_of(expr: &str) -> &'static str {
    check(expr).kind
}

/// Asserts that `require EXPR` passes for each expression.
fn assert_pass(exprs: &[&str]) {
    for e in exprs {
        assert_eq!(check(e), pass_row(), "`{e}` should pass");
    }
}

/// Asserts that `require EXPR` fails (is false, no error) for each expression.
fn assert_fail(exprs: &[&str]) {
    for e in exprs {
        let row = check(e);
        assert_eq!((row.kind, row.error), ("fail", None), "`{e}` should fail");
    }
}

/// The row of a passing rule `r` without `for`.
fn pass_row() -> Row {
    Row {
        rule: "r".into(),
        subject: String::new(),
        kind: "pass",
        message: None,
        error: None,
    }
}

/// The error message of `require EXPR`, asserting the outcome is `error`.
fn error_of(expr: &str) -> String {
    let row = check(expr);
    assert_eq!(row.kind, "error", "`{expr}` should be an error: {row:?}");
    row.error.expect("an error outcome has an error")
}

/// The kind of error of `require EXPR`'s outcome, asserting it is `error`.
fn error_kind_of(expr: &str) -> EvalErrorKind {
    error_kind(&eval(&format!("rule r {{\n  require {expr}\n}}\n")), 0)
}

/// The kind of error of outcome `i`, asserting it has one.
fn error_kind(e: &Evaluated, i: usize) -> EvalErrorKind {
    let error = e.finding(i).error.as_ref();
    error
        .unwrap_or_else(|| panic!("outcome {i} is not an error: {:#?}", e.rows()))
        .kind
}

/// `(subject, kind)` pairs from literals.
fn pairs(items: &[(&str, &'static str)]) -> Vec<(String, &'static str)> {
    items.iter().map(|(s, k)| ((*s).to_string(), *k)).collect()
}

// ----- logic ----------------------------------------------------------------------

#[test]
fn and_truth_table() {
    assert_pass(&["true and true"]);
    assert_fail(&["true and false", "false and true", "false and false"]);
}

#[test]
fn or_truth_table() {
    assert_pass(&["true or true", "true or false", "false or true"]);
    assert_fail(&["false or false"]);
}

#[test]
fn and_does_not_evaluate_right_side_when_left_is_false() {
    // The right side alone is an error (no key "nope")…
    assert_eq!(
        error_of(r#"transfer.counts["nope"] == 1"#),
        r#"no count "nope" in `transfer.counts`"#
    );
    // …but it is never reached when the left side decides.
    assert_fail(&[r#"transfer.zero == 1 and transfer.counts["nope"] == 1"#]);
    assert_eq!(
        kind_of(r#"transfer.zero == 0 and transfer.counts["nope"] == 1"#),
        "error"
    );
}

#[test]
fn or_does_not_evaluate_right_side_when_left_is_true() {
    assert_pass(&[r#"transfer.zero == 0 or transfer.counts["nope"] == 1"#]);
    assert_eq!(
        kind_of(r#"transfer.zero == 1 or transfer.counts["nope"] == 1"#),
        "error"
    );
}

#[test]
fn not_negates() {
    assert_pass(&["not false", "not (transfer.zero == 1)", "not not true"]);
    assert_fail(&["not true", "not (1 < 2)"]);
}

// ----- equality -------------------------------------------------------------------

#[test]
fn equality_on_ints_strings_bools_and_dates() {
    assert_pass(&[
        "transfer.zero == 0",
        "transfer.nums[0] != 4",
        r#"transfer.id == "T-1""#,
        r#"transfer.name != "Cafe""#,
        "transfer.flags[0] == true",
        "transfer.flags[1] != true",
        r#"transfer.start == date("2024-02-28")"#,
        r#"transfer.start != date("2024-02-29")"#,
    ]);
    assert_fail(&[
        "transfer.zero != 0",
        r#"transfer.id == "T-2""#,
        "transfer.flags[0] == false",
        r#"transfer.start == date("2024-02-29")"#,
    ]);
}

#[test]
fn equality_on_enums() {
    assert_pass(&[
        r#"transfer.region == "europe""#,
        r#"transfer.partner.region != "europe""#,
        "transfer.region != transfer.partner.region",
        "transfer.subscriptions[0].status == transfer.subscriptions[2].status",
    ]);
    assert_fail(&[
        r#"transfer.region == "canada""#,
        "transfer.region == transfer.partner.region",
    ]);
}

#[test]
fn equality_on_records_is_structural() {
    // Two distinct records with the same fields are equal; an optional field
    // present on one side only makes them differ.
    let doc = DOC.replace(
        r#""target": {"offer": "E5", "quantity": 8, "note": "more"}"#,
        r#""target": {"offer": "E5", "quantity": 10}"#,
    );
    let rules = r#"
rule same {
  let a = transfer.subscriptions[0]
  let b = transfer.subscriptions[2]
  when a has target and b has target
  require a.target == b.target
}
rule record-itself {
  require transfer.partner == transfer.partner
}
"#;
    let e = Setup::new(rules).doc(&doc).run();
    assert_eq!(e.kinds(), pairs(&[("", "pass"), ("", "pass")]));
    // In DOC the second target has a `note` and another quantity.
    let e = Setup::new(rules).run();
    assert_eq!(e.kinds(), pairs(&[("", "fail"), ("", "pass")]));
    let only_note = DOC.replace(
        r#""target": {"offer": "E5", "quantity": 8, "note": "more"}"#,
        r#""target": {"offer": "E5", "quantity": 10, "note": "more"}"#,
    );
    let e = Setup::new(rules).doc(&only_note).run();
    assert_eq!(e.kinds(), pairs(&[("", "fail"), ("", "pass")]));
}

#[test]
fn equality_on_lists_is_structural_and_ordered() {
    assert_pass(&[
        "transfer.nums == [3, 1, 2]",
        "transfer.nums != [1, 2, 3]",
        "transfer.nums != [3, 1]",
        "transfer.empty == []",
        r#"transfer.tags == ["a", "b"]"#,
        "list(x for x in transfer.nums) == transfer.nums",
        "transfer.subscriptions[1].users == []",
        r#"[transfer.region, transfer.partner.region] == ["europe", "canada"]"#,
    ]);
    assert_fail(&["transfer.nums == [1, 2, 3]", "transfer.empty != []"]);
}

#[test]
fn equality_on_maps_ignores_key_order() {
    // `counts` and `limits` hold the same entries in another order.
    assert_pass(&["transfer.counts == transfer.limits"]);
    let doc = DOC.replace(
        r#""limits": {"a": 1, "m": 13, "z": 26}"#,
        r#""limits": {"a": 1, "m": 14, "z": 26}"#,
    );
    let e = Setup::new("rule r {\n  require transfer.counts != transfer.limits\n}\n")
        .doc(&doc)
        .run();
    assert_eq!(e.only().kind, "pass");
    let fewer = DOC.replace(
        r#""limits": {"a": 1, "m": 13, "z": 26}"#,
        r#""limits": {"a": 1, "m": 13}"#,
    );
    let e = Setup::new("rule r {\n  require transfer.counts == transfer.limits\n}\n")
        .doc(&fewer)
        .run();
    assert_eq!(e.only().kind, "fail");
}

// ----- ordering -------------------------------------------------------------------

#[test]
fn ordering_on_ints() {
    assert_pass(&[
        "transfer.nums[1] < transfer.nums[2]",
        "transfer.nums[1] <= transfer.nums[1]",
        "transfer.nums[0] > transfer.nums[2]",
        "transfer.nums[0] >= 3",
        "transfer.small < transfer.big",
        "-1 < 0",
    ]);
    assert_fail(&[
        "transfer.nums[2] < transfer.nums[2]",
        "transfer.nums[0] <= 2",
        "transfer.nums[1] > 1",
        "transfer.nums[1] >= 2",
    ]);
}

#[test]
fn ordering_on_dates() {
    assert_pass(&[
        r#"transfer.dates[1] < transfer.dates[2]"#,
        r#"transfer.start <= date("2024-02-28")"#,
        r#"transfer.dates[0] > transfer.start"#,
        r#"transfer.dates[0] >= date("2024-03-01")"#,
    ]);
    assert_fail(&[
        r#"transfer.start < date("2024-02-28")"#,
        r#"transfer.dates[0] <= transfer.start"#,
        r#"transfer.dates[1] > date("2023-12-31")"#,
        r#"transfer.dates[1] >= transfer.dates[2]"#,
    ]);
}

// ----- membership -----------------------------------------------------------------

#[test]
fn in_and_not_in_literal_lists() {
    assert_pass(&[
        "transfer.nums[0] in [1, 2, 3]",
        "transfer.nums[0] not in [4, 5]",
        r#"transfer.region in ["canada", "europe"]"#,
        r#"transfer.region not in ["canada"]"#,
        r#"transfer.id in ["T-1"]"#,
        "transfer.zero not in []",
    ]);
    assert_fail(&[
        "transfer.nums[0] in [4, 5]",
        r#"transfer.region not in ["europe"]"#,
        "transfer.zero in []",
    ]);
}

#[test]
fn in_and_not_in_computed_lists() {
    assert_pass(&[
        r#""a" in transfer.tags"#,
        r#""c" not in transfer.tags"#,
        "2 in list(x for x in transfer.nums)",
        "4 not in list(x * 3 for x in transfer.nums)",
        "9 in list(x * 3 for x in transfer.nums)",
        "transfer.start not in transfer.dates",
        r#""E5" in list(s.offer for s in transfer.subscriptions)"#,
        "transfer.subscriptions[1].status not in list(s.status for s in transfer.subscriptions if s.quantity > 6)",
    ]);
    assert_fail(&[r#""c" in transfer.tags"#, "0 in transfer.empty"]);
}

#[test]
fn in_and_not_in_maps_test_key_presence() {
    assert_pass(&[
        r#""z" in transfer.counts"#,
        r#""q" not in transfer.counts"#,
        r#"transfer.subscriptions[0].users[0] not in transfer.counts"#,
    ]);
    // A value is not a key.
    assert_fail(&[
        r#""26" in transfer.counts"#,
        r#""a" not in transfer.counts"#,
    ]);
}

// ----- arithmetic -----------------------------------------------------------------

#[test]
fn arithmetic_precedence_and_associativity() {
    assert_pass(&[
        "2 + 3 * 4 == 14",
        "(2 + 3) * 4 == 20",
        "10 - 3 - 2 == 5",
        "100 / 10 / 5 == 2",
        "transfer.nums[0] * transfer.nums[2] - transfer.nums[1] == 5",
    ]);
}

#[test]
fn division_truncates_toward_zero() {
    assert_pass(&[
        "7 / 2 == 3",
        "-7 / 2 == -3",
        "7 / -2 == -3",
        "-7 / -2 == 3",
        "(0 - transfer.nums[0]) / 2 == -1",
        "1 / 3 == 0",
    ]);
}

#[test]
fn unary_minus() {
    assert_pass(&[
        "-transfer.nums[0] == -3",
        "-(transfer.nums[0] - 5) == 2",
        "- -3 == 3",
        "-transfer.big == -9223372036854775807",
        "-transfer.zero == 0",
    ]);
}

#[test]
fn smallest_int_is_reachable_by_subtraction() {
    assert_pass(&[
        "-9223372036854775807 - 1 == transfer.small",
        "0 - transfer.big - 1 == transfer.small",
    ]);
}

#[test]
fn addition_overflow_is_an_error_naming_the_expression() {
    assert_eq!(
        error_of("transfer.big + 1 > 0"),
        "integer overflow in `transfer.big + 1`"
    );
    assert_eq!(
        error_of("9223372036854775807 + transfer.nums[1] > 0"),
        "integer overflow in `9223372036854775807 + transfer.nums[1]`"
    );
}

#[test]
fn subtraction_overflow_is_an_error() {
    assert_eq!(
        error_of("transfer.small - 1 < 0"),
        "integer overflow in `transfer.small - 1`"
    );
    assert_eq!(
        error_of("0 - transfer.big - 2 < 0"),
        "integer overflow in `0 - transfer.big - 2`"
    );
}

#[test]
fn negating_the_smallest_int_is_an_error() {
    assert_eq!(
        error_of("-transfer.small > 0"),
        "integer overflow in `-transfer.small`"
    );
    assert_eq!(
        error_of("-(0 - transfer.big - 1) > 0"),
        "integer overflow in `-(0 - transfer.big - 1)`"
    );
}

#[test]
fn multiplication_overflow_is_an_error() {
    assert_eq!(
        error_of("transfer.big * 2 > 0"),
        "integer overflow in `transfer.big * 2`"
    );
    assert_eq!(
        error_of("transfer.small * -1 > 0"),
        "integer overflow in `transfer.small * -1`"
    );
    assert_pass(&[
        "transfer.big * -1 == -transfer.big",
        "transfer.small * 1 == transfer.small",
    ]);
}

#[test]
fn division_by_zero_is_an_error() {
    assert_eq!(
        error_of("10 / transfer.zero == 0"),
        "division by zero in `10 / transfer.zero`"
    );
    assert_eq!(
        error_of("transfer.zero / (transfer.nums[1] - 1) == 0"),
        "division by zero in `transfer.zero / (transfer.nums[1] - 1)`"
    );
}

#[test]
fn smallest_int_divided_by_minus_one_is_an_error() {
    assert_eq!(
        error_of("transfer.small / -1 > 0"),
        "integer overflow in `transfer.small / -1`"
    );
    assert_pass(&["transfer.small / 1 == transfer.small"]);
}

// ----- optional fields ------------------------------------------------------------

#[test]
fn default_applies_when_the_optional_is_absent() {
    let e = eval(
        r#"
rule offer {
  for s in transfer.subscriptions
  require (s.target.offer ?? "none") == "E5"
  message "{s.id}: {s.target.offer ?? "none"}"
}
"#,
    );
    let rows = e.rows();
    assert_eq!(
        e.kinds(),
        pairs(&[
            ("/subscriptions/0", "pass"),
            ("/subscriptions/1", "fail"),
            ("/subscriptions/2", "pass"),
        ])
    );
    assert_eq!(rows[1].message.as_deref(), Some("S1: none"));
}

#[test]
fn default_applies_at_any_level_of_the_chain() {
    // S0 has a target without a note, S1 no target at all, S2 both.
    let e = eval(
        r#"
rule note {
  for s in transfer.subscriptions
  require false
  message "{s.target.note ?? "-"}"
}
"#,
    );
    let messages: Vec<_> = e
        .rows()
        .into_iter()
        .map(|r| r.message.unwrap_or_default())
        .collect();
    assert_eq!(messages, ["-", "-", "more"]);
}

#[test]
fn defaults_group_to_the_right() {
    let e = eval(
        r#"
rule chain {
  for s in transfer.subscriptions
  require false
  message "{s.target.note ?? s.target.offer ?? s.id}"
}
"#,
    );
    let messages: Vec<_> = e
        .rows()
        .into_iter()
        .map(|r| r.message.unwrap_or_default())
        .collect();
    assert_eq!(messages, ["E5", "S1", "more"]);
}

#[test]
fn default_of_an_int() {
    let e = eval(
        r#"
rule total {
  require sum(s.target.quantity ?? 0 for s in transfer.subscriptions) == 18
}
"#,
    );
    assert_eq!(e.only().kind, "pass");
}

#[test]
fn has_tests_presence() {
    let e = eval(
        r#"
rule has-target {
  for s in transfer.subscriptions
  require s has target
}
rule has-note {
  for s in transfer.subscriptions
  require s has target and s.target has note
}
"#,
    );
    let kinds: Vec<_> = e.rows().into_iter().map(|r| r.kind).collect();
    assert_eq!(kinds, ["pass", "fail", "pass", "fail", "fail", "pass"]);
}

#[test]
fn when_has_narrows_and_skips_absent() {
    let e = eval(
        r#"
rule license-count {
  for s in transfer.subscriptions
  when s has target
  require s.target.quantity == s.quantity
}
"#,
    );
    assert_eq!(
        e.kinds(),
        pairs(&[
            ("/subscriptions/0", "pass"),
            ("/subscriptions/1", "skip"),
            ("/subscriptions/2", "fail"),
        ])
    );
}

#[test]
fn require_has_guards_later_requires() {
    // The second `require` would read an absent `target` for S1; it is never
    // evaluated because the first one fails.
    let e = eval(
        r#"
rule target-quantity {
  for s in transfer.subscriptions
  require s has target
  require s.target.quantity <= s.quantity
}
"#,
    );
    assert_eq!(
        e.kinds(),
        pairs(&[
            ("/subscriptions/0", "pass"),
            ("/subscriptions/1", "fail"),
            ("/subscriptions/2", "fail"),
        ])
    );
    assert_eq!(e.require_text(1), Some("require s has target"));
    assert_eq!(
        e.require_text(2),
        Some("require s.target.quantity <= s.quantity")
    );
}

#[test]
fn in_place_narrowing_with_or_and_and() {
    let e = eval(
        r#"
rule or-guard {
  for s in transfer.subscriptions
  require not (s has target) or s.target.quantity >= s.quantity
}
rule and-guard {
  for s in transfer.subscriptions
  require s has target and s.target.offer == "E5"
}
"#,
    );
    let kinds: Vec<_> = e.rows().into_iter().map(|r| r.kind).collect();
    assert_eq!(kinds, ["pass", "pass", "pass", "pass", "fail", "pass"]);
}

#[test]
fn generator_filter_narrows_its_body() {
    assert_pass(&[
        "all(x.target.quantity >= x.quantity for x in transfer.subscriptions if x has target)",
        "sum(x.target.quantity for x in transfer.subscriptions if x has target) == 18",
    ]);
}

// ----- functions ------------------------------------------------------------------

#[test]
fn len_of_lists_maps_and_strings_in_characters() {
    assert_pass(&[
        "len(transfer.nums) == 3",
        "len(transfer.empty) == 0",
        "len(transfer.counts) == 3",
        r#"len(transfer.name) == 4"#,
        r#"len("é") == 1"#,
        r#"len("") == 0"#,
        r#"len("\u{1F600}x") == 2"#,
    ]);
}

#[test]
fn lower_and_upper() {
    assert_pass(&[
        r#"lower(transfer.name) == "café""#,
        r#"upper(transfer.name) == "CAFÉ""#,
        r#"lower("MiXeD 42") == "mixed 42""#,
        r#"upper(transfer.id) == "T-1""#,
    ]);
}

#[test]
fn starts_with_ends_with_contains() {
    assert_pass(&[
        r#"starts_with(transfer.name, "Ca")"#,
        r#"not starts_with(transfer.name, "fé")"#,
        r#"ends_with(transfer.name, "fé")"#,
        r#"not ends_with(transfer.name, "Ca")"#,
        r#"contains(transfer.name, "af")"#,
        r#"not contains(transfer.name, "x")"#,
        r#"starts_with(transfer.name, "") and ends_with(transfer.name, "") and contains(transfer.name, "")"#,
        r#"not starts_with("", "a")"#,
    ]);
}

#[test]
fn matches_uses_the_regex() {
    assert_pass(&[
        r#"matches(transfer.id, "^T-\\d+$")"#,
        r#"not matches(transfer.name, "^[a-z]+$")"#,
        r#"matches(transfer.name, "é$")"#,
        r#"matches(transfer.subscriptions[1].offer, "E[0-9]")"#,
    ]);
}

#[test]
fn date_of_a_computed_valid_string() {
    assert_pass(&[
        r#"date(transfer.day) == date("2024-02-29")"#,
        r#"date(transfer.day) > transfer.start"#,
    ]);
}

#[test]
fn date_of_a_computed_invalid_string_is_an_error() {
    let message = error_of(r#"date(transfer.name) > transfer.start"#);
    assert!(message.contains(r#""Café" is not a date"#), "{message}");
    assert!(message.contains("`date(transfer.name)`"), "{message}");
    // A valid shape but a day that does not exist.
    let doc = DOC.replace(r#""day": "2024-02-29""#, r#""day": "2023-02-29""#);
    let e = Setup::new("rule r {\n  require date(transfer.day) > transfer.start\n}\n")
        .doc(&doc)
        .run();
    let row = e.only();
    assert_eq!(row.kind, "error");
    let message = row.error.unwrap_or_default();
    assert!(
        message.contains(r#""2023-02-29" is not a date"#),
        "{message}"
    );
}

#[test]
fn today_comes_from_the_evaluator() {
    let rules = r#"
rule r {
  require today() == date("2024-03-15")
  message "today is {today()}"
}
"#;
    assert_eq!(Setup::new(rules).run().only().kind, "pass");
    let row = Setup::new(rules).today(ymd(2030, 1, 2)).run().only();
    assert_eq!(row.kind, "fail");
    assert_eq!(row.message.as_deref(), Some("today is 2030-01-02"));
}

#[test]
fn days_between_counts_signed_days() {
    assert_pass(&[
        r#"days_between(date("2024-03-01"), date("2024-03-11")) == 10"#,
        r#"days_between(date("2024-03-11"), date("2024-03-01")) == -10"#,
        r#"days_between(transfer.start, transfer.start) == 0"#,
        // 2024 is a leap year: 28 Feb → 29 Feb → 1 Mar.
        r#"days_between(transfer.start, date("2024-03-01")) == 2"#,
        r#"days_between(date("2023-02-28"), date("2023-03-01")) == 1"#,
        r#"days_between(date("2024-01-01"), date("2025-01-01")) == 366"#,
        r#"days_between(date("2025-01-01"), date("2024-01-01")) == -366"#,
        r#"days_between(date("2023-01-01"), date("2024-01-01")) == 365"#,
        r#"days_between(date("2000-01-01"), date("2100-01-01")) == 36525"#,
        r#"days_between(today(), transfer.dates[0]) == -14"#,
    ]);
}

#[test]
fn add_days_moves_across_leap_days() {
    assert_pass(&[
        r#"add_days(transfer.start, 1) == date("2024-02-29")"#,
        r#"add_days(transfer.start, 2) == date("2024-03-01")"#,
        r#"add_days(date("2024-03-01"), -1) == date("2024-02-29")"#,
        r#"add_days(date("2023-03-01"), -1) == date("2023-02-28")"#,
        r#"add_days(transfer.start, 0) == transfer.start"#,
        r#"add_days(date("2024-12-31"), 366) == date("2026-01-01")"#,
    ]);
}

#[test]
fn add_days_out_of_range_is_an_error() {
    assert_eq!(
        error_of(r#"add_days(date("9999-12-31"), 1) > transfer.start"#),
        r#"`add_days(date("9999-12-31"), 1)` is outside the supported dates"#
    );
    assert_eq!(
        error_of("add_days(transfer.start, transfer.big) > transfer.start"),
        "`add_days(transfer.start, transfer.big)` is outside the supported dates"
    );
    assert_eq!(
        error_of("add_days(transfer.start, transfer.small) > transfer.start"),
        "`add_days(transfer.start, transfer.small)` is outside the supported dates"
    );
}

#[test]
fn keys_and_values_keep_the_data_order() {
    assert_pass(&[
        r#"keys(transfer.counts) == ["z", "a", "m"]"#,
        "values(transfer.counts) == [26, 1, 13]",
        r#"keys(transfer.limits) == ["a", "m", "z"]"#,
        "keys(transfer.limits) != keys(transfer.counts)",
        "len(keys(transfer.counts)) == 3",
    ]);
}

#[test]
fn keys_and_values_of_a_large_map_keep_the_data_order() {
    // Maps of more than 8 entries get a hash index; order must not change.
    let entries: Vec<String> = (0..12).rev().map(|i| format!(r#""k{i}": {i}"#)).collect();
    let doc = DOC.replace(
        r#""counts": {"z": 26, "a": 1, "m": 13}"#,
        &format!("\"counts\": {{{}}}", entries.join(", ")),
    );
    let e = Setup::new(
        r#"
rule r {
  require false
  message "{keys(transfer.counts)} {values(transfer.counts)} {transfer.counts["k3"]}"
}
"#,
    )
    .doc(&doc)
    .run();
    assert_eq!(
        e.only().message.as_deref(),
        Some(
            "[k11, k10, k9, k8, k7, k6, k5, k4, k3, k2, k1, k0] [11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0] 3"
        )
    );
}

// ----- generators and aggregates -------------------------------------------------

#[test]
fn all_and_any() {
    assert_pass(&[
        "all(x > 0 for x in transfer.nums)",
        "not all(x > 1 for x in transfer.nums)",
        "any(x > 2 for x in transfer.nums)",
        "not any(x > 3 for x in transfer.nums)",
    ]);
}

#[test]
fn all_is_true_and_any_false_on_empty() {
    assert_pass(&[
        "all(x > 100 for x in transfer.empty)",
        "not any(x < 100 for x in transfer.empty)",
        "all(x > 100 for x in transfer.nums if x > 5)",
        "not any(x > 0 for x in transfer.nums if x > 5)",
        "all(list(x > 0 for x in transfer.empty))",
        "not any(list(x > 0 for x in transfer.empty))",
    ]);
}

#[test]
fn all_and_any_stop_at_the_deciding_element() {
    // The second key is missing: evaluating it would be an error.
    assert_eq!(
        kind_of(r#"all(transfer.counts[k] > 0 for k in ["z", "nope"])"#),
        "error"
    );
    assert_fail(&[r#"all(transfer.counts[k] > 100 for k in ["z", "nope"])"#]);
    assert_pass(&[r#"any(transfer.counts[k] > 0 for k in ["z", "nope"])"#]);
    assert_eq!(
        kind_of(r#"any(transfer.counts[k] > 100 for k in ["z", "nope"])"#),
        "error"
    );
}

#[test]
fn all_and_any_of_plain_lists() {
    assert_pass(&[
        "not all(transfer.flags)",
        "any(transfer.flags)",
        "all([true, true])",
        "not any([false])",
        "all(list(x > 0 for x in transfer.nums))",
    ]);
}

#[test]
fn filters_select_elements() {
    assert_pass(&[
        "all(x > 1 for x in transfer.nums if x != 1)",
        "any(x == 1 for x in transfer.nums if x < 3)",
        "not any(x == 3 for x in transfer.nums if x < 3)",
        "count(x for x in transfer.nums if x > 1) == 2",
        "sum(x for x in transfer.nums if x > 1) == 5",
        "min(x for x in transfer.nums if x > 1) == 2",
        "max(x for x in transfer.nums if x < 3) == 2",
        "list(x * 10 for x in transfer.nums if x != 1) == [30, 20]",
    ]);
}

#[test]
fn count_of_generators_and_lists() {
    assert_pass(&[
        "count(x for x in transfer.nums) == 3",
        "count(x for x in transfer.nums if x > 5) == 0",
        "count(transfer.tags) == 2",
        "count(transfer.empty) == 0",
        "count(s for s in transfer.subscriptions if s has target) == 2",
    ]);
}

#[test]
fn sum_of_generators_and_lists() {
    assert_pass(&[
        "sum(transfer.nums) == 6",
        "sum(x * 2 for x in transfer.nums) == 12",
        "sum(s.quantity for s in transfer.subscriptions) == 22",
        "sum(transfer.empty) == 0",
        "sum(x for x in transfer.empty) == 0",
        "sum(x for x in transfer.nums if x > 5) == 0",
        "sum([transfer.big, transfer.small]) == -1",
    ]);
}

#[test]
fn sum_overflow_is_an_error() {
    assert_eq!(
        error_of("sum([transfer.big, 1]) > 0"),
        "integer overflow in `sum([transfer.big, 1])`"
    );
    assert_eq!(
        error_of("sum(x for x in [transfer.big, 1]) > 0"),
        "integer overflow in `sum(x for x in [transfer.big, 1])`"
    );
    assert_eq!(
        error_of("sum(x for x in [transfer.small, transfer.small]) < 0"),
        "integer overflow in `sum(x for x in [transfer.small, transfer.small])`"
    );
}

#[test]
fn min_and_max_of_ints() {
    assert_pass(&[
        "min(transfer.nums) == 1",
        "max(transfer.nums) == 3",
        "min(x * -1 for x in transfer.nums) == -3",
        "max(s.quantity for s in transfer.subscriptions) == 10",
        "min([transfer.big, transfer.small]) == transfer.small",
        "max([7]) == 7",
    ]);
}

#[test]
fn min_and_max_of_dates() {
    assert_pass(&[
        r#"min(transfer.dates) == date("2023-12-31")"#,
        r#"max(transfer.dates) == date("2024-03-01")"#,
        r#"min(s.expires for s in transfer.subscriptions) == date("2024-06-30")"#,
        r#"max(s.expires for s in transfer.subscriptions if s has target) == date("2024-08-31")"#,
    ]);
}

#[test]
fn min_and_max_of_nothing_are_errors() {
    assert_eq!(
        error_of("min(transfer.empty) == 0"),
        "`min(transfer.empty)` has no values to take the min of"
    );
    assert_eq!(
        error_of("max(x for x in transfer.nums if x > 10) == 0"),
        "`max(x for x in transfer.nums if x > 10)` has no values to take the max of"
    );
    assert_eq!(
        kind_of(
            r#"min(s.expires for s in transfer.subscriptions if s.quantity > 100) > transfer.start"#
        ),
        "error"
    );
}

#[test]
fn list_generator_keeps_order() {
    assert_pass(&[
        r#"list(s.id for s in transfer.subscriptions) == ["S0", "S1", "S2"]"#,
        r#"list(s.id for s in transfer.subscriptions if s has target) == ["S0", "S2"]"#,
        "list(x for x in transfer.empty) == []",
        "list(transfer.nums) == transfer.nums",
        r#"list(x for x in transfer.nums if x > 5) == []"#,
    ]);
}

#[test]
fn generators_nest_and_reuse_names() {
    assert_pass(&[
        "sum(count(u for u in s.users) for s in transfer.subscriptions) == 3",
        "all(any(y == x for y in transfer.nums) for x in transfer.nums)",
        "sum(x for x in transfer.nums) + sum(x for x in transfer.nums) == 12",
        r#"any(s.id == "S2" and all(u == "u3" for u in s.users) for s in transfer.subscriptions)"#,
    ]);
}

// ----- index and lookup -----------------------------------------------------------

#[test]
fn index_in_range() {
    assert_pass(&[
        "transfer.nums[0] == 3",
        "transfer.nums[2] == 2",
        r#"transfer.subscriptions[2].id == "S2""#,
        "transfer.nums[transfer.nums[2]] == 2",
    ]);
}

#[test]
fn index_out_of_range_is_an_error() {
    assert_eq!(
        error_of("transfer.nums[3] == 0"),
        "index 3 is out of range for `transfer.nums`, which has 3 element(s)"
    );
    assert_eq!(
        error_of("transfer.empty[0] == 0"),
        "index 0 is out of range for `transfer.empty`, which has 0 element(s)"
    );
}

#[test]
fn negative_index_is_an_error() {
    assert_eq!(
        error_of("transfer.nums[-1] == 0"),
        "index -1 is out of range for `transfer.nums`, which has 3 element(s)"
    );
    assert_eq!(kind_of("transfer.nums[transfer.small] == 0"), "error");
}

#[test]
fn map_lookup_of_a_present_key() {
    let e = Setup::new(
        r#"
rule r {
  require transfer.counts["m"] == 13
  require catalog.offers["E3"].name == "Office E3"
  require catalog.offers[transfer.subscriptions[0].offer].equivalents == ["E5"]
}
"#,
    )
    .catalog()
    .run();
    assert_eq!(e.only().kind, "pass");
}

#[test]
fn map_lookup_of_a_missing_key_is_an_error() {
    let e = Setup::new(
        r#"
rule equivalent-offer {
  for s in transfer.subscriptions
  when s has target
  let from = catalog.offers[s.offer]
  require s.target.offer == s.offer or s.target.offer in from.equivalents
}
rule lookup {
  for s in transfer.subscriptions
  require catalog.offers[s.offer].name != ""
}
"#,
    )
    .catalog()
    .run();
    assert_eq!(
        e.kinds(),
        pairs(&[
            ("/subscriptions/0", "pass"),
            ("/subscriptions/1", "skip"),
            ("/subscriptions/2", "pass"),
            ("/subscriptions/0", "pass"),
            ("/subscriptions/1", "error"),
            ("/subscriptions/2", "pass"),
        ])
    );
    let error = e.finding(4).error.as_ref().expect("an error");
    assert_eq!(error.message, r#"no offer "E1" in `catalog.offers`"#);
    assert_eq!(e.text(error.span), "catalog.offers[s.offer]");
    // The key came from the document.
    assert_eq!(
        error.path.as_ref().map(ToString::to_string).as_deref(),
        Some("/subscriptions/1/offer")
    );
}

// ----- subjects and outcomes ------------------------------------------------------

#[test]
fn rule_without_for_has_the_document_as_subject() {
    let e = eval("rule r {\n  require transfer.zero == 0\n}\n");
    assert_eq!(e.rows(), vec![pass_row()]);
    assert!(e.outcomes[0].finding.is_none());
}

#[test]
fn for_gives_one_outcome_per_element() {
    let e = eval(
        r#"
rule quantity {
  for s in transfer.subscriptions
  require s.quantity > 6
}
"#,
    );
    assert_eq!(
        e.kinds(),
        pairs(&[
            ("/subscriptions/0", "pass"),
            ("/subscriptions/1", "fail"),
            ("/subscriptions/2", "pass"),
        ])
    );
}

#[test]
fn nested_for_subject_is_the_innermost_element() {
    let e = eval(
        r#"
rule users {
  for s in transfer.subscriptions
  for u in s.users
  require u != "u2"
}
"#,
    );
    // S1 has no users: no outcome for it.
    assert_eq!(
        e.kinds(),
        pairs(&[
            ("/subscriptions/0/users/0", "pass"),
            ("/subscriptions/0/users/1", "fail"),
            ("/subscriptions/2/users/0", "pass"),
        ])
    );
}

#[test]
fn nested_for_over_unrelated_lists_gives_every_combination() {
    let e = eval(
        r#"
rule pairs {
  for t in transfer.tags
  for n in transfer.nums
  require n != 1 or t != "b"
  message "{t}{n}"
}
"#,
    );
    assert_eq!(
        e.kinds(),
        pairs(&[
            ("/nums/0", "pass"),
            ("/nums/1", "pass"),
            ("/nums/2", "pass"),
            ("/nums/0", "pass"),
            ("/nums/1", "fail"),
            ("/nums/2", "pass"),
        ])
    );
    assert_eq!(e.rows()[4].message.as_deref(), Some("b1"));
}

#[test]
fn for_over_an_empty_list_gives_no_outcome() {
    let e = eval(
        r#"
rule none {
  for x in transfer.empty
  require x > 0
}
rule after {
  require true
}
"#,
    );
    let rows = e.rows();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].rule, "after");
}

#[test]
fn when_false_gives_skip() {
    let e = eval(
        r#"
rule no-for {
  when transfer.zero == 1
  require false
}
rule with-for {
  for s in transfer.subscriptions
  when s.status == "active"
  require s.quantity > 8
}
"#,
    );
    assert_eq!(
        e.kinds(),
        pairs(&[
            ("", "skip"),
            ("/subscriptions/0", "pass"),
            ("/subscriptions/1", "skip"),
            ("/subscriptions/2", "fail"),
        ])
    );
    assert!(e.outcomes[0].finding.is_none());
    assert!(e.outcomes[2].finding.is_none());
}

#[test]
fn skip_between_nested_fors_names_the_outer_element() {
    let e = eval(
        r#"
rule users {
  for s in transfer.subscriptions
  when s.status == "suspended"
  for u in s.users
  require false
}
"#,
    );
    assert_eq!(
        e.kinds(),
        pairs(&[("/subscriptions/0", "skip"), ("/subscriptions/2", "skip")])
    );
}

#[test]
fn the_first_false_require_is_reported() {
    let e = eval(
        r#"
rule r {
  require transfer.zero == 0
  require transfer.nums[0] == 4
  require transfer.nums[1] == 4
  message "m"
}
"#,
    );
    let row = e.only();
    assert_eq!((row.kind, row.message.as_deref()), ("fail", Some("m")));
    assert_eq!(e.require_text(0), Some("require transfer.nums[0] == 4"));
    assert!(e.finding(0).error.is_none());
}

#[test]
fn an_error_after_a_false_require_is_not_reached() {
    let e = eval(
        r#"
rule r {
  require transfer.zero == 1
  require transfer.nums[9] == 0
}
"#,
    );
    assert_eq!(e.only().kind, "fail");
    let e = eval(
        r#"
rule r {
  require transfer.zero == 0
  require transfer.nums[9] == 0
}
"#,
    );
    assert_eq!(e.only().kind, "error");
    assert!(e.finding(0).require.is_none());
}

#[test]
fn errors_in_let_and_when_give_error_outcomes() {
    let e = eval(
        r#"
rule in-let {
  for s in transfer.subscriptions
  let q = 100 / (s.quantity - 5)
  require q > 0
}
rule in-when {
  for s in transfer.subscriptions
  when s.users[0] != "u9"
  require true
}
"#,
    );
    assert_eq!(
        e.kinds(),
        pairs(&[
            ("/subscriptions/0", "pass"),
            ("/subscriptions/1", "error"),
            ("/subscriptions/2", "pass"),
            ("/subscriptions/0", "pass"),
            ("/subscriptions/1", "error"),
            ("/subscriptions/2", "pass"),
        ])
    );
    let rows = e.rows();
    assert_eq!(
        rows[1].error.as_deref(),
        Some("division by zero in `100 / (s.quantity - 5)`")
    );
    assert_eq!(
        rows[4].error.as_deref(),
        Some("index 0 is out of range for `s.users`, which has 0 element(s)")
    );
}

#[test]
fn for_over_data_names_data_subjects() {
    let e = Setup::new(
        r#"
rule featured {
  for o in catalog.featured
  require o in catalog.offers
}
rule equivalents {
  for e in catalog.offers["K1"].equivalents
  require e != "E5"
}
"#,
    )
    .catalog()
    .run();
    assert_eq!(
        e.kinds(),
        pairs(&[
            ("@catalog/featured/0", "pass"),
            ("@catalog/featured/1", "pass"),
            ("@catalog/offers/K1/equivalents/0", "pass"),
            ("@catalog/offers/K1/equivalents/1", "fail"),
        ])
    );
}

#[test]
fn error_in_an_inner_for_list_names_the_outer_element() {
    let e = Setup::new(
        r#"
rule equivalents {
  for s in transfer.subscriptions
  for e in catalog.offers[s.offer].equivalents
  require e != s.offer
}
"#,
    )
    .catalog()
    .run();
    // E3 has one equivalent; E1 is not in the catalog; E5 has none.
    assert_eq!(
        e.kinds(),
        pairs(&[
            ("@catalog/offers/E3/equivalents/0", "pass"),
            ("/subscriptions/1", "error"),
        ])
    );
    // The error's trace shows the key that was looked up.
    assert_eq!(
        e.reads(1),
        [("/subscriptions/1/offer".to_string(), "E1".to_string())]
    );
}

#[test]
fn for_over_keys_at_the_root_names_computed_elements() {
    let e = eval(
        r#"
rule counts {
  for k in keys(transfer.counts)
  require transfer.counts[k] > 10
  message "{k}"
}
"#,
    );
    assert_eq!(
        e.kinds(),
        pairs(&[("[0]", "pass"), ("[1]", "fail"), ("[2]", "pass")])
    );
    assert_eq!(e.rows()[1].message.as_deref(), Some("a"));
}

#[test]
fn for_over_keys_under_an_outer_for() {
    let e = eval(
        r#"
rule counts {
  for s in transfer.subscriptions
  for k in keys(transfer.counts)
  require transfer.counts[k] != s.quantity + 3
}
"#,
    );
    assert_eq!(
        e.kinds(),
        pairs(&[
            ("/subscriptions/0[0]", "pass"),
            ("/subscriptions/0[1]", "pass"),
            ("/subscriptions/0[2]", "fail"),
            ("/subscriptions/1[0]", "pass"),
            ("/subscriptions/1[1]", "pass"),
            ("/subscriptions/1[2]", "pass"),
            ("/subscriptions/2[0]", "pass"),
            ("/subscriptions/2[1]", "pass"),
            ("/subscriptions/2[2]", "pass"),
        ])
    );
}

#[test]
fn for_over_list_names_computed_elements_and_values_names_map_entries() {
    let e = eval(
        r#"
rule big {
  for q in list(s.quantity for s in transfer.subscriptions if s has target)
  require q > 8
}
rule vals {
  for v in values(transfer.counts)
  require v > 10
}
"#,
    );
    assert_eq!(
        e.kinds(),
        pairs(&[
            ("[0]", "pass"),
            ("[1]", "fail"),
            // docs/language.md decision 43: the entries' places in the map.
            ("/counts/z", "pass"),
            ("/counts/a", "fail"),
            ("/counts/m", "pass"),
        ])
    );
}

#[test]
fn for_over_a_let_alias_keeps_document_paths() {
    let e = eval(
        r#"
rule alias {
  let subs = transfer.subscriptions
  for s in subs
  require s.quantity > 6
}
"#,
    );
    assert_eq!(
        e.kinds(),
        pairs(&[
            ("/subscriptions/0", "pass"),
            ("/subscriptions/1", "fail"),
            ("/subscriptions/2", "pass"),
        ])
    );
}

#[test]
fn outcomes_come_in_rule_then_subject_order() {
    let e = eval(
        r#"
rule b-second {
  for t in transfer.tags
  require true
}
rule a-first {
  require true
}
"#,
    );
    let order: Vec<_> = e.rows().into_iter().map(|r| (r.rule, r.subject)).collect();
    assert_eq!(
        order,
        [
            ("b-second".to_string(), "/tags/0".to_string()),
            ("b-second".to_string(), "/tags/1".to_string()),
            ("a-first".to_string(), String::new()),
        ]
    );
}

// ----- messages -------------------------------------------------------------------

#[test]
fn messages_interpolate_every_type() {
    let e = eval(
        r#"
rule r {
  require false
  message "s={transfer.id} i={transfer.nums[0] - 5} d={transfer.start} b={transfer.flags[1]} e={transfer.partner.region} l={transfer.tags} n={transfer.nums} ds={transfer.dates} es={list(s.status for s in transfer.subscriptions)} {{lit}}"
  help "help for {transfer.partner.name}"
}
"#,
    );
    let row = e.only();
    assert_eq!(
        row.message.as_deref(),
        Some(
            "s=T-1 i=-2 d=2024-02-28 b=false e=canada l=[a, b] n=[3, 1, 2] ds=[2024-03-01, 2023-12-31, 2024-01-15] es=[active, suspended, active] {lit}"
        )
    );
    assert_eq!(e.finding(0).help.as_deref(), Some("help for Contoso"));
}

#[test]
fn a_rule_without_message_has_none() {
    let e = eval("rule r {\n  require false\n}\n");
    let f = e.finding(0);
    assert_eq!((f.message.as_deref(), f.help.as_deref()), (None, None));
}

#[test]
fn message_of_an_error_outcome_renders_uncomputed_parts_as_errors() {
    let e = eval(
        r#"
rule r {
  for s in transfer.subscriptions
  let first = s.users[0]
  when first != ""
  let upper_first = upper(first)
  require true
  message "{s.id}: {first} {upper_first}"
  help "{s.quantity}"
}
"#,
    );
    let rows = e.rows();
    assert_eq!(rows[1].kind, "error");
    // `first` could not be computed; `upper_first` comes after the `when` that
    // stopped, so it was never reached.
    assert_eq!(
        rows[1].message.as_deref(),
        Some(
            "S1: <error: index 0 is out of range for `s.users`, which has 0 element(s)> <error: `upper_first` was not computed for this subject>"
        )
    );
    assert_eq!(e.finding(1).help.as_deref(), Some("5"));
}

#[test]
fn message_of_an_error_outcome_never_shows_the_previous_subjects_values() {
    let e = eval(
        r#"
rule r {
  for s in transfer.subscriptions
  let n = 60 / (s.quantity - 5)
  let m = n * 2
  require m < 0
  message "{s.id} {m}"
}
"#,
    );
    let messages: Vec<_> = e.rows().into_iter().map(|r| r.message).collect();
    assert_eq!(
        messages,
        [
            Some("S0 24".to_string()),
            Some("S1 <error: division by zero in `60 / (s.quantity - 5)`>".to_string()),
            Some("S2 60".to_string()),
        ]
    );
}

#[test]
fn message_reading_an_absent_field_renders_an_error() {
    // The `when` that proves `s has target` is never reached for S1, whose
    // evaluation stops at the first `when`; the message still reads `s.target`.
    let e = eval(
        r#"
rule r {
  for s in transfer.subscriptions
  let first = s.users[0]
  when first != ""
  when s has target
  require s.target.quantity == s.quantity
  message "{s.id} plans {s.target.quantity}"
}
"#,
    );
    let rows = e.rows();
    assert_eq!(rows[1].kind, "error");
    assert_eq!(
        rows[1].message.as_deref(),
        Some("S1 plans <error: `s.target` is absent>")
    );
    assert_eq!(rows[2].message.as_deref(), Some("S2 plans 8"));
}

#[test]
fn passes_and_skips_have_no_finding() {
    let e = eval(
        r#"
rule r {
  for s in transfer.subscriptions
  when s has target
  require s.quantity > 6
  message "x"
}
"#,
    );
    assert!(e.outcomes.iter().all(|o| o.finding.is_none()));
    assert_eq!(e.outcomes.len(), 3);
}

// ----- traces ---------------------------------------------------------------------

#[test]
fn a_failure_records_the_values_read_with_their_paths() {
    let e = eval(
        r#"
rule same-region {
  require transfer.partner.region == transfer.region
}
"#,
    );
    assert_eq!(e.only().kind, "fail");
    assert_eq!(
        e.reads(0),
        [
            ("/partner/region".to_string(), "canada".to_string()),
            ("/region".to_string(), "europe".to_string()),
        ]
    );
    let spans: Vec<_> = e.finding(0).reads.iter().map(|r| e.text(r.span)).collect();
    assert_eq!(spans, ["transfer.partner.region", "transfer.region"]);
    assert!(e.computed(0).is_empty());
}

#[test]
fn a_failure_records_computed_sub_values() {
    let e = eval(
        r#"
rule seats {
  require sum(s.quantity for s in transfer.subscriptions) <= 20
}
"#,
    );
    assert_eq!(
        e.computed(0),
        [(
            "sum(s.quantity for s in transfer.subscriptions)".to_string(),
            "22".to_string()
        )]
    );
}

#[test]
fn reads_inside_all_keep_only_the_deciding_element() {
    let e = eval(
        r#"
rule quantities {
  require all(s.quantity >= 7 for s in transfer.subscriptions)
}
"#,
    );
    assert_eq!(
        e.reads(0),
        [("/subscriptions/1/quantity".to_string(), "5".to_string())]
    );
    assert_eq!(
        e.computed(0),
        [(
            "all(s.quantity >= 7 for s in transfer.subscriptions)".to_string(),
            "false".to_string()
        )]
    );
}

#[test]
fn reads_follow_for_and_let_bindings() {
    let e = eval(
        r#"
rule q {
  for s in transfer.subscriptions
  let q = s.quantity
  require q > 6 and s.status == "active"
}
"#,
    );
    assert_eq!(e.kinds()[1], ("/subscriptions/1".to_string(), "fail"));
    assert_eq!(
        e.reads(1),
        [("/subscriptions/1/quantity".to_string(), "5".to_string())]
    );
}

#[test]
fn reads_of_data_values_have_data_paths() {
    let e = Setup::new(
        r#"
rule name {
  for s in transfer.subscriptions
  when s.offer in catalog.offers
  require catalog.offers[s.offer].name == "Office E5"
}
"#,
    )
    .catalog()
    .run();
    assert_eq!(
        e.kinds(),
        pairs(&[
            ("/subscriptions/0", "fail"),
            ("/subscriptions/1", "skip"),
            ("/subscriptions/2", "pass"),
        ])
    );
    assert_eq!(
        e.reads(0),
        [
            ("/subscriptions/0/offer".to_string(), "E3".to_string()),
            (
                "@catalog/offers/E3/name".to_string(),
                "Office E3".to_string()
            ),
        ]
    );
}

#[test]
fn default_reads_are_recorded_when_present() {
    let e = eval(
        r#"
rule planned {
  for s in transfer.subscriptions
  require (s.target.quantity ?? 0) >= s.quantity
}
"#,
    );
    assert_eq!(
        e.kinds(),
        pairs(&[
            ("/subscriptions/0", "pass"),
            ("/subscriptions/1", "fail"),
            ("/subscriptions/2", "pass"),
        ])
    );
    // Absent target: only the quantity was read from the document.
    assert_eq!(
        e.reads(1),
        [("/subscriptions/1/quantity".to_string(), "5".to_string())]
    );
    let e = eval(
        r#"
rule planned {
  for s in transfer.subscriptions
  require (s.target.quantity ?? 0) > s.quantity
}
"#,
    );
    assert_eq!(
        e.reads(0),
        [
            (
                "/subscriptions/0/target/quantity".to_string(),
                "10".to_string()
            ),
            ("/subscriptions/0/quantity".to_string(), "10".to_string()),
        ]
    );
}

#[test]
fn an_error_outcome_has_an_error_and_no_require() {
    let e = eval("rule r {\n  require transfer.nums[7] == 1\n}\n");
    let f = e.finding(0);
    assert!(f.require.is_none());
    assert!(f.reads.is_empty() && f.computed.is_empty());
    let error = f.error.as_ref().expect("an error");
    assert_eq!(e.text(error.span), "transfer.nums[7]");
    assert_eq!(
        error.path.as_ref().map(ToString::to_string).as_deref(),
        Some("/nums")
    );
}

#[test]
fn an_error_outcome_records_what_was_read_before_the_error() {
    let e = eval("rule r {\n  require transfer.nums[0] > 0 and 10 / transfer.zero > 0\n}\n");
    assert_eq!(e.only().kind, "error");
    assert_eq!(
        e.reads(0),
        [
            ("/nums/0".to_string(), "3".to_string()),
            ("/zero".to_string(), "0".to_string()),
        ]
    );
}

#[test]
fn evaluation_errors_suggest_a_guard() {
    let e = Setup::new(
        r#"
rule lookup {
  for s in transfer.subscriptions
  require catalog.offers[s.offer].name != ""
}
"#,
    )
    .catalog()
    .run();
    let error = e.finding(1).error.as_ref().expect("an error");
    assert_eq!(
        error.help.as_deref(),
        Some(
            r#"add "E1" to `catalog.offers`, or guard the rule with `when s.offer in catalog.offers`"#
        )
    );
    let e = eval("rule r {\n  require 10 / transfer.zero == 0\n}\n");
    let error = e.finding(0).error.as_ref().expect("an error");
    assert_eq!(
        error.help.as_deref(),
        Some("guard the rule with `when transfer.zero != 0`")
    );
}

// ----- params and determinism -----------------------------------------------------

#[test]
fn params_take_their_default_or_the_given_value() {
    let rules = r#"
param limit: int = 6
param home: Region = "europe"
param cutoff: date = date("2024-07-01")
param strict: bool = false
param prefix: string = "S"

rule quantity {
  for s in transfer.subscriptions
  require s.quantity > limit
  message "{s.quantity} <= {limit}"
}
rule region {
  require transfer.region == home
}
rule expiry {
  for s in transfer.subscriptions
  require not strict or s.expires < cutoff
}
rule prefix {
  for s in transfer.subscriptions
  require starts_with(s.id, prefix)
}
"#;
    let kinds = |e: &Evaluated| e.rows().into_iter().map(|r| r.kind).collect::<Vec<_>>();
    let e = Setup::new(rules).run();
    assert_eq!(
        kinds(&e),
        [
            "pass", "fail", "pass", "pass", "pass", "pass", "pass", "pass", "pass", "pass"
        ]
    );
    assert_eq!(e.rows()[1].message.as_deref(), Some("5 <= 6"));
    let e = Setup::new(rules)
        .param("limit", Value::Int(7))
        .param("home", Value::Enum(2))
        .param("strict", Value::Bool(true))
        .param("cutoff", Value::Date(ymd(2024, 8, 1)))
        .param("prefix", Value::Str("T".into()))
        .run();
    assert_eq!(
        kinds(&e),
        [
            "pass", "fail", "fail", "fail", "pass", "pass", "fail", "fail", "fail", "fail"
        ]
    );
    assert_eq!(e.rows()[2].message.as_deref(), Some("7 <= 7"));
}

#[test]
fn evaluation_is_deterministic() {
    let setup = Setup::new(
        r#"
rule a {
  for s in transfer.subscriptions
  for k in keys(transfer.counts)
  require transfer.counts[k] + s.quantity != 11
  message "{s.id} {k} {transfer.counts[k]}"
}
rule b {
  require all(s.quantity >= 7 for s in transfer.subscriptions)
}
rule c {
  for s in transfer.subscriptions
  require catalog.offers[s.offer].name != ""
}
"#,
    )
    .catalog();
    let snapshot = |e: &Evaluated| {
        let traces: Vec<_> = (0..e.outcomes.len())
            .filter(|&i| e.outcomes[i].finding.is_some())
            .map(|i| {
                (
                    e.reads(i),
                    e.computed(i),
                    e.require_text(i).map(str::to_string),
                )
            })
            .collect();
        (e.rows(), traces)
    };
    let first = snapshot(&setup.run());
    let second = snapshot(&setup.run());
    assert_eq!(first, second);
    // And the same evaluator gives the same outcomes for the same document twice.
    let e = setup.run();
    let program = e.program();
    let doc = {
        let mut files = e.pack.sources.clone();
        conform_json(program, &program.input.ty, "transfer", DOC, &mut files)
    };
    let catalog = {
        let mut files = e.pack.sources.clone();
        conform_json(program, &program.data[0].ty, "catalog", CATALOG, &mut files)
    };
    let ev = Evaluator::new(
        program,
        &e.pack.sources,
        vec![catalog],
        Vec::new(),
        ymd(2024, 3, 15),
    );
    let one = ev.evaluate(&doc, Keep::All);
    let two = ev.evaluate(&doc, Keep::All);
    let render = |o: &super::DocumentOutcomes| {
        o.outcomes
            .iter()
            .map(|o| format!("{} {} {:?} {:?}", o.rule, o.subject, o.kind, o.finding))
            .collect::<Vec<_>>()
    };
    assert_eq!(render(&one), render(&two));
    assert_eq!(one.tally, two.tally);
    assert_eq!(one.outcomes.len(), first.0.len());
}

#[test]
fn keep_findings_drops_passes_and_skips_but_counts_them() {
    let e = eval(
        r#"
rule r {
  for s in transfer.subscriptions
  when s has target
  require s.target.quantity == s.quantity
}
"#,
    );
    let program = e.program();
    let mut files = e.pack.sources.clone();
    let doc = conform_json(program, &program.input.ty, "transfer", DOC, &mut files);
    let ev = Evaluator::new(
        program,
        &e.pack.sources,
        Vec::new(),
        Vec::new(),
        ymd(2024, 3, 15),
    );
    let out = ev.evaluate(&doc, Keep::Findings);
    let kept: Vec<_> = out
        .outcomes
        .iter()
        .map(|o| (o.subject.to_string(), o.kind.as_str()))
        .collect();
    assert_eq!(kept, pairs(&[("/subscriptions/2", "fail")]));
    assert_eq!(
        (
            out.tally.pass,
            out.tally.fail,
            out.tally.skip,
            out.tally.error
        ),
        (1, 1, 1, 0)
    );
}

// ----- more subjects, short-circuits and traces ------------------------------------

#[test]
fn when_false_before_the_first_for_gives_one_skip_at_the_root() {
    let e = eval(
        r#"
rule r {
  when transfer.zero == 1
  for s in transfer.subscriptions
  require false
}
"#,
    );
    assert_eq!(e.kinds(), pairs(&[("", "skip")]));
}

#[test]
fn error_before_the_first_for_gives_one_error_at_the_root() {
    let e = eval(
        r#"
rule r {
  let first = transfer.empty[0]
  when first > 0
  for s in transfer.subscriptions
  require s.quantity > first
}
"#,
    );
    assert_eq!(e.kinds(), pairs(&[("", "error")]));
}

#[test]
fn a_let_is_computed_only_when_read() {
    // `first` cannot be computed for any subject, but only the message reads it:
    // passing subjects pass, and a failing one shows the error in its message.
    let rule = |unwanted: i64| {
        let text = "rule r {\n  for s in transfer.subscriptions\n  let first = transfer.empty[0]\n";
        eval(&format!(
            "{text}  require s.quantity != {unwanted}\n  message \"{{s.id}}: {{first}}\"\n}}\n"
        ))
    };
    let kinds: Vec<_> = rule(3).rows().into_iter().map(|r| r.kind).collect();
    assert_eq!(kinds, ["pass", "pass", "pass"]);
    let rows = rule(5).rows();
    assert_eq!(rows[1].kind, "fail");
    assert_eq!(
        rows[1].message.as_deref(),
        Some("S1: <error: index 0 is out of range for `transfer.empty`, which has 0 element(s)>")
    );
}

#[test]
fn a_let_read_by_a_clause_decides_like_the_clause() {
    // Read by the `require`, the failing `let` makes the subject an `error`,
    // reported on the expression that failed, with what the `let` read.
    let e = eval(
        r#"
rule r {
  for s in transfer.subscriptions
  let per = 60 / (s.quantity - 5)
  let twice = per * 2
  require twice > 0
}
"#,
    );
    assert_eq!(
        e.kinds(),
        pairs(&[
            ("/subscriptions/0", "pass"),
            ("/subscriptions/1", "error"),
            ("/subscriptions/2", "pass")
        ])
    );
    let f = e.finding(1);
    let error = f.error.as_ref().map(|e| e.message.as_str());
    assert_eq!(error, Some("division by zero in `60 / (s.quantity - 5)`"));
    let read: Vec<_> = f.reads.iter().map(|r| r.path.to_string()).collect();
    assert_eq!(read, ["/subscriptions/1/quantity"]);
}

#[test]
fn lets_that_read_each_other_are_computed_in_order() {
    // A diamond (`d` reads `b` and `c`, both read `a`), and a chain long enough
    // to overflow the stack if pending `let`s were computed by recursion.
    let mut policy = String::from(
        "rule r {\n  for s in transfer.subscriptions\n  let a = s.quantity\n  let b = a + 1\n  let c = a + 2\n  let d = b * c\n  let x0 = d\n",
    );
    let n = 20_000;
    for i in 1..=n {
        policy.push_str(&format!("  let x{i} = x{} + 1\n", i - 1));
    }
    policy.push_str(&format!(
        "  require x{n} < 0\n  message \"{{s.id}} {{d}}\"\n}}\n"
    ));
    let e = eval(&policy);
    let messages: Vec<_> = e.rows().into_iter().map(|r| r.message).collect();
    assert_eq!(
        messages,
        [
            Some("S0 132".to_string()),
            Some("S1 42".to_string()),
            Some("S2 72".to_string())
        ]
    );
}

#[test]
fn a_false_when_stops_before_later_clauses() {
    let e = eval(
        r#"
rule r {
  for s in transfer.subscriptions
  when s.quantity > 6
  when transfer.nums[s.quantity] > 0
  require false
}
"#,
    );
    // S1 (quantity 5) is skipped before the index that would be out of range.
    assert_eq!(
        e.kinds(),
        pairs(&[
            ("/subscriptions/0", "error"),
            ("/subscriptions/1", "skip"),
            ("/subscriptions/2", "error"),
        ])
    );
}

#[test]
fn null_is_the_same_as_a_missing_optional() {
    let doc = DOC.replace(r#""users": []}"#, r#""users": [], "target": null}"#);
    assert_ne!(doc, DOC);
    let e = Setup::new(
        r#"
rule r {
  for s in transfer.subscriptions
  require s has target
  message "{s.target.offer ?? "none"}"
}
"#,
    )
    .doc(&doc)
    .run();
    let rows = e.rows();
    assert_eq!(
        e.kinds(),
        pairs(&[
            ("/subscriptions/0", "pass"),
            ("/subscriptions/1", "fail"),
            ("/subscriptions/2", "pass"),
        ])
    );
    assert_eq!(rows[1].message.as_deref(), Some("none"));
}

#[test]
fn reads_of_for_elements_point_at_the_element() {
    let e = eval(
        r#"
rule tags {
  for t in transfer.tags
  require t != "b"
}
"#,
    );
    assert_eq!(e.kinds()[1], ("/tags/1".to_string(), "fail"));
    assert_eq!(e.reads(1), [("/tags/1".to_string(), "b".to_string())]);
}

#[test]
fn not_any_keeps_the_trace_of_the_deciding_element() {
    let e = eval(
        r#"
rule none-small {
  require not any(s.quantity < 6 for s in transfer.subscriptions)
}
"#,
    );
    assert_eq!(e.only().kind, "fail");
    // The element that made `any` true is shown (elements before it, which
    // gave false, may be shown too: `any` keeps what each element read).
    assert!(
        e.reads(0)
            .contains(&("/subscriptions/1/quantity".to_string(), "5".to_string())),
        "{:?}",
        e.reads(0)
    );
    assert!(
        !e.reads(0)
            .contains(&("/subscriptions/2/quantity".to_string(), "7".to_string())),
        "an element after the deciding one is never evaluated"
    );
    assert_eq!(
        e.computed(0),
        [(
            "any(s.quantity < 6 for s in transfer.subscriptions)".to_string(),
            "true".to_string()
        )]
    );
}

#[test]
fn a_sum_keeps_its_value_and_the_terms_it_read() {
    let e = eval(
        r#"
rule seats {
  require sum(s.quantity for s in transfer.subscriptions) <= transfer.nums[0]
}
"#,
    );
    assert_eq!(
        e.reads(0),
        [
            ("/subscriptions/0/quantity".to_string(), "10".to_string()),
            ("/subscriptions/1/quantity".to_string(), "5".to_string()),
            ("/subscriptions/2/quantity".to_string(), "7".to_string()),
            ("/nums/0".to_string(), "3".to_string()),
        ]
    );
    assert_eq!(
        e.computed(0),
        [(
            "sum(s.quantity for s in transfer.subscriptions)".to_string(),
            "22".to_string()
        )]
    );
}

#[test]
fn errors_locate_the_value_involved() {
    let path_of = |rules: &str| {
        let e = eval(rules);
        let row = e.only();
        assert_eq!(row.kind, "error", "{row:?}");
        e.finding(0)
            .error
            .as_ref()
            .and_then(|x| x.path.as_ref())
            .map(ToString::to_string)
    };
    assert_eq!(
        path_of("rule r {\n  require 10 / transfer.zero == 0\n}\n").as_deref(),
        Some("/zero")
    );
    assert_eq!(
        path_of("rule r {\n  require date(transfer.name) > transfer.start\n}\n").as_deref(),
        Some("/name")
    );
    assert_eq!(
        path_of("rule r {\n  require transfer.subscriptions[1].users[0] == \"\"\n}\n").as_deref(),
        Some("/subscriptions/1/users")
    );
}

#[test]
fn huge_index_is_an_error_not_a_panic() {
    assert_eq!(
        error_of("transfer.nums[transfer.big] == 0"),
        "index 9223372036854775807 is out of range for `transfer.nums`, which has 3 element(s)"
    );
}

/// A policy whose `Sub` holds a required `main` box and an optional `alt` box,
/// for tests of `??` over records and lists.
const BOXES: &str = r#"
record Box { n: int, xs: [int] }
record Sub { id: string, main: Box, alt: Box? }
record Doc { subs: [Sub] }
input doc: Doc
"#;

/// A `Doc` of [`BOXES`]: `/subs/0` has no `alt`, `/subs/1` has one.
const BOXES_DOC: &str = r#"{"subs": [
  {"id": "a", "main": {"n": 1, "xs": [10]}},
  {"id": "b", "main": {"n": 2, "xs": [20]}, "alt": {"n": 3, "xs": [30]}}
]}"#;

#[test]
fn default_over_records_and_lists_evaluates_the_value_used() {
    let rules = r#"
rule n {
  for s in doc.subs
  require (s.alt ?? s.main).n > 100
  message "{(s.alt ?? s.main).n} {s.alt.xs ?? s.main.xs}"
}
"#;
    let e = Setup::raw(&format!("{BOXES}{rules}"), BOXES_DOC).run();
    let messages: Vec<_> = e.rows().into_iter().map(|r| r.message).collect();
    assert_eq!(
        messages,
        [Some("1 [10]".to_string()), Some("3 [30]".to_string())]
    );
    // Where the optional is present, the read is the optional's value.
    assert_eq!(e.reads(1), [("/subs/1/alt/n".to_string(), "3".to_string())]);
}

#[test]
fn reads_through_a_used_default_name_the_default() {
    // `/subs/0` has no `alt`: the value 1 is read from `/subs/0/main/n`.
    let rules = r#"
rule n {
  for s in doc.subs
  require (s.alt ?? s.main).n > 100
}
"#;
    let e = Setup::raw(&format!("{BOXES}{rules}"), BOXES_DOC).run();
    assert_eq!(
        e.reads(0),
        [("/subs/0/main/n".to_string(), "1".to_string())]
    );
}

#[test]
fn for_over_a_used_default_names_the_default_elements() {
    let rules = r#"
rule xs {
  for s in doc.subs
  for x in s.alt.xs ?? s.main.xs
  require x > 15
}
"#;
    let e = Setup::raw(&format!("{BOXES}{rules}"), BOXES_DOC).run();
    assert_eq!(
        e.kinds(),
        pairs(&[("/subs/0/main/xs/0", "fail"), ("/subs/1/alt/xs/0", "pass")])
    );
}

#[test]
fn min_of_an_empty_document_list_locates_the_list() {
    let e = eval("rule r {\n  require min(transfer.empty) == 0\n}\n");
    let error = e.finding(0).error.as_ref().expect("an error");
    assert_eq!(
        error.path.as_ref().map(ToString::to_string).as_deref(),
        Some("/empty")
    );
}

/// Nested generators over the document's lists: quadratic work, to spend the
/// step budget.
const QUADRATIC: &str = r#"
rule a-pairs {
  for s in transfer.subscriptions
  require all(all(x + y > 0 or x + y <= 0 for y in transfer.nums) for x in transfer.nums)
  message "pairs of {s.id}"
}

rule b-after {
  require true
}
"#;

#[test]
fn a_document_that_spends_its_step_budget_gets_one_error_and_stops() {
    let e = Setup::new(QUADRATIC).steps(40).run();
    let rows = e.rows();
    assert_eq!(rows.len(), 1, "{rows:#?}");
    let row = &rows[0];
    assert_eq!((row.rule.as_str(), row.kind), ("a-pairs", "error"));
    assert_eq!(row.subject, "/subscriptions/0");
    let error = row.error.as_deref().unwrap();
    assert!(
        error.starts_with("evaluation stopped after 40 steps (`--max-steps`)"),
        "{error}"
    );
    // The message is still rendered, with the allowance for reporting.
    assert_eq!(row.message.as_deref(), Some("pairs of S0"));
    let help = e.outcomes[0]
        .finding
        .as_ref()
        .unwrap()
        .error
        .as_ref()
        .unwrap()
        .help
        .clone();
    assert!(help.unwrap().contains("--max-steps"));
}

#[test]
fn a_budget_large_enough_or_none_changes_nothing() {
    let unlimited = Setup::new(QUADRATIC).steps(0).run().rows();
    let default = Setup::new(QUADRATIC).run().rows();
    let enough = Setup::new(QUADRATIC).steps(10_000).run().rows();
    assert_eq!(unlimited, default);
    assert_eq!(unlimited, enough);
    assert_eq!(unlimited.len(), 4);
    assert!(unlimited.iter().all(|r| r.kind == "pass"), "{unlimited:#?}");
}

#[test]
fn operations_that_walk_a_list_are_charged_per_element() {
    // Nine expression nodes, and two walks of a list of three: 15 steps.
    let rule = "rule r {\n  require 4 not in transfer.nums and 9 not in transfer.nums\n}\n";
    assert_eq!(Setup::new(rule).steps(14).run().rows()[0].kind, "error");
    assert_eq!(Setup::new(rule).steps(15).run().rows()[0].kind, "pass");
}

// ----- kinds of errors ------------------------------------------------------------

#[test]
fn arithmetic_errors_have_their_kinds() {
    for expr in [
        "transfer.big + 1 > 0",
        "transfer.small - 1 < 0",
        "transfer.big * 2 > 0",
        "transfer.small / -1 > 0",
        "-transfer.small > 0",
        "sum(transfer.big for x in transfer.nums) > 0",
    ] {
        assert_eq!(error_kind_of(expr), EvalErrorKind::Overflow, "{expr}");
    }
    assert_eq!(
        error_kind_of("10 / transfer.zero == 0"),
        EvalErrorKind::DivisionByZero
    );
}

#[test]
fn lookup_and_index_errors_have_their_kinds() {
    let e = Setup::new("rule r {\n  require catalog.offers[\"E1\"].name != \"\"\n}\n")
        .catalog()
        .run();
    assert_eq!(error_kind(&e, 0), EvalErrorKind::MissingKey);
    for expr in [
        "transfer.nums[3] == 0",
        "transfer.nums[-1] == 0",
        "transfer.nums[transfer.small] == 0",
    ] {
        assert_eq!(
            error_kind_of(expr),
            EvalErrorKind::IndexOutOfRange,
            "{expr}"
        );
    }
}

#[test]
fn empty_min_and_max_have_their_kind() {
    for expr in [
        "min(transfer.empty) == 0",
        "max(transfer.empty) == 0",
        "max(x for x in transfer.nums if x > 10) == 0",
    ] {
        assert_eq!(error_kind_of(expr), EvalErrorKind::EmptyAggregate, "{expr}");
    }
}

#[test]
fn date_errors_have_their_kinds() {
    assert_eq!(
        error_kind_of("date(transfer.name) > transfer.start"),
        EvalErrorKind::InvalidDate
    );
    assert_eq!(
        error_kind_of("add_days(transfer.start, transfer.big) > transfer.start"),
        EvalErrorKind::DateOutOfRange
    );
}

#[test]
fn a_spent_step_budget_has_its_kind() {
    let e = Setup::new(QUADRATIC).steps(40).run();
    assert_eq!(error_kind(&e, 0), EvalErrorKind::StepBudget);
}

#[test]
fn a_failed_let_keeps_its_kind_where_it_is_read() {
    let e = eval("rule r {\n  let n = transfer.nums[3]\n  require n == 0\n}\n");
    assert_eq!(error_kind(&e, 0), EvalErrorKind::IndexOutOfRange);
}

#[test]
fn an_absent_optional_and_an_unreached_variable_have_their_kinds() {
    // Only a message can read either: rendered for an `error` outcome, it may
    // read an optional whose guard was not reached, or a variable whose clause
    // was not. Evaluated before any clause ran, `r.note` is absent and `first`
    // is unbound.
    let policy = r#"
record R { items: [int], note: string? }
input r: R

rule r {
  let first = r.items[0]
  when first > 0
  when r has note
  require r.note == ""
  message "{r.note} {first}"
}
"#;
    let setup = Setup::raw(policy, r#"{"items": []}"#);
    assert_eq!(
        setup.message_error_kinds(),
        [EvalErrorKind::AbsentOptional, EvalErrorKind::NotComputed]
    );
    // In the rule's run the `let` was reached and failed: the outcome is its
    // error, which the message shows with the absent note.
    let e = setup.run();
    assert_eq!(error_kind(&e, 0), EvalErrorKind::IndexOutOfRange);
    assert_eq!(
        e.only().message.as_deref(),
        Some(
            "<error: `r.note` is absent> <error: index 0 is out of range for `r.items`, which has 0 element(s)>"
        )
    );
}

#[test]
fn error_kinds_have_stable_distinct_kebab_case_names() {
    let kinds = [
        EvalErrorKind::Overflow,
        EvalErrorKind::DivisionByZero,
        EvalErrorKind::MissingKey,
        EvalErrorKind::IndexOutOfRange,
        EvalErrorKind::AbsentOptional,
        EvalErrorKind::EmptyAggregate,
        EvalErrorKind::StepBudget,
        EvalErrorKind::InvalidDate,
        EvalErrorKind::DateOutOfRange,
        EvalErrorKind::NotComputed,
        EvalErrorKind::Internal,
    ];
    let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
    assert_eq!(
        names,
        [
            "overflow",
            "division-by-zero",
            "missing-key",
            "index-out-of-range",
            "absent-optional",
            "empty-aggregate",
            "step-budget",
            "invalid-date",
            "date-out-of-range",
            "not-computed",
            "internal",
        ]
    );
}

mod builtins_v2;
mod language_v2;
