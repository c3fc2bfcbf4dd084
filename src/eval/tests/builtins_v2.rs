//! Tests of the v2 built-in functions and of datetimes.

use super::*;

/// The schema of the v2 built-in tests: datetimes, strings to cut and lists
/// with repeats.
const V2_SCHEMA: &str = r#"
enum Status { "active", "suspended" }
record Item { id: string, n: int }
record Case {
  created: string,
  shifted: string,
  ends: string,
  end_date: date,
  iso: string,
  text: string,
  padded: string,
  csv: string,
  empty: string,
  number: string,
  words: [string],
  nums: [int],
  none: [int],
  n: int,
  neg: int,
  status: Status,
  items: [Item],
  maps: [[string: int]],
  stamps: [string],
}
input c: Case
param cutoff: datetime = datetime("2026-05-01T00:00:00Z")
"#;

/// The document of the v2 tests: `created` and `shifted` are one instant
/// written with two offsets, `ends` is 18.75 hours after it. They are read
/// as datetimes by [`V2_LETS`].
const V2_DOC: &str = r#"{
  "created": "2026-05-01T09:30:00+02:00",
  "shifted": "2026-05-01T07:30:00Z",
  "ends": "2026-05-02T02:15:00Z",
  "end_date": "2026-05-02",
  "iso": "2026-05-01T07:30:00Z",
  "text": "a-b-a",
  "padded": "\u00a0 \t hi there\n\u3000",
  "csv": "x,,y",
  "empty": "",
  "number": "-42",
  "words": ["b", "a", "b", "c", "a"],
  "nums": [3, 1, 3, 2, 1],
  "none": [],
  "n": 2,
  "neg": -1,
  "status": "active",
  "items": [{"id": "a", "n": 1}, {"id": "b", "n": 2}, {"id": "a", "n": 1}],
  "maps": [{"a": 1, "b": 2}, {"b": 2, "a": 1}, {"a": 1}],
  "stamps": ["2026-05-01T09:30:00+02:00", "2026-05-01T07:30:00.000Z", "2026-01-01T00:00:00Z"]
}"#;

/// The datetimes of [`V2_DOC`], as `let`s at the start of a rule (computed
/// only when read).
const V2_LETS: &str = "
  let created = datetime(c.created)
  let shifted = datetime(c.shifted)
  let ends = datetime(c.ends)
  let stamps = list(datetime(s) for s in c.stamps)
";

/// `rules` over [`V2_SCHEMA`] and [`V2_DOC`].
fn v2_setup(rules: &str) -> Setup {
    Setup::raw(&format!("{V2_SCHEMA}\n{rules}"), V2_DOC)
}

/// The outcome of `rule r { require EXPR }` over [`V2_DOC`].
fn v2_check(expr: &str) -> Row {
    v2_setup(&format!("rule r {{{V2_LETS}  require {expr}\n}}\n"))
        .run()
        .only()
}

/// Asserts that `require EXPR` passes over [`V2_DOC`] for each expression.
fn v2_pass(exprs: &[&str]) {
    for e in exprs {
        assert_eq!(v2_check(e), pass_row(), "`{e}` should pass");
    }
}

/// The kind and message of the error of `require EXPR` over [`V2_DOC`].
fn v2_error(expr: &str) -> (EvalErrorKind, String) {
    let e = v2_setup(&format!("rule r {{{V2_LETS}  require {expr}\n}}\n")).run();
    let row = e.only();
    assert_eq!(row.kind, "error", "`{expr}` should be an error: {row:?}");
    (error_kind(&e, 0), row.error.unwrap_or_default())
}

#[test]
fn datetimes_compare_instants_whatever_their_offset() {
    v2_pass(&[
        "created == shifted",
        "created == stamps[1]",
        r#"created == datetime("2026-05-01T07:30:00Z")"#,
        // Read in place once computed, against a literal.
        r#"created == shifted and created == datetime("2026-05-01T07:30:00Z")"#,
        r#"created == shifted and created < datetime("2026-05-01T07:30:01Z")"#,
        r#"datetime("2026-05-01T07:30:00Z") == created"#,
        r#"created != datetime("2026-05-01T07:30:00.000000001Z")"#,
        "created < ends",
        "created <= shifted",
        "ends > created",
        "ends >= ends",
        r#"created > datetime("2026-05-01T07:29:59.999Z")"#,
        "not (created < shifted)",
        "created in stamps",
        "ends not in stamps",
        "created > cutoff",
    ]);
}

#[test]
fn datetime_of_computed_text() {
    v2_pass(&["datetime(c.iso) == created"]);
    let (kind, message) = v2_error("datetime(c.text) < created");
    assert_eq!(kind, EvalErrorKind::InvalidDateTime);
    assert!(
        message.contains(r#""a-b-a" is not a datetime"#),
        "{message}"
    );
    assert!(message.contains("`datetime(c.text)`"), "{message}");
}

#[test]
fn day_is_the_utc_calendar_date() {
    v2_pass(&[
        "day(ends) == c.end_date",
        r#"day(created) == date("2026-05-01")"#,
        // 23:30 two hours behind UTC is 01:30 the next day in UTC.
        r#"day(datetime("2026-05-01T23:30:00-02:00")) == date("2026-05-02")"#,
        r#"day(datetime("2026-05-01T00:30:00+02:00")) == date("2026-04-30")"#,
    ]);
}

#[test]
fn hours_and_days_between_instants_count_towards_zero() {
    v2_pass(&[
        // 18.75 hours apart.
        "hours_between(created, ends) == 18",
        "hours_between(ends, created) == -18",
        "hours_between(created, shifted) == 0",
        "days_between(created, ends) == 0",
        "days_between(ends, created) == 0",
        // 1.96 days back is -1.
        r#"days_between(datetime("2026-05-01T00:00:00Z"), datetime("2026-04-29T01:00:00Z")) == -1"#,
        r#"days_between(datetime("2026-05-01T00:00:00Z"), datetime("2026-05-03T00:00:00Z")) == 2"#,
    ]);
}

#[test]
fn add_days_moves_an_instant_by_24_hours() {
    v2_pass(&[
        r#"add_days(created, 1) == datetime("2026-05-02T07:30:00Z")"#,
        r#"add_days(created, -1) == datetime("2026-04-30T07:30:00Z")"#,
        "add_days(created, 0) == created",
        "days_between(created, add_days(created, 30)) == 30",
        "day(add_days(ends, 1)) == add_days(c.end_date, 1)",
    ]);
    let (kind, message) = v2_error("add_days(created, 9223372036854775807) > created");
    assert_eq!(kind, EvalErrorKind::DateOutOfRange);
    assert!(message.contains("outside the supported dates"), "{message}");
}

#[test]
fn min_and_max_of_datetimes() {
    v2_pass(&[
        r#"min(stamps) == datetime("2026-01-01T00:00:00Z")"#,
        "max(stamps) == created",
        "max(t for t in stamps if t < created) < created",
    ]);
}

#[test]
fn datetimes_render_in_utc_with_their_fraction_digits() {
    let rules = format!(
        "rule r {{{V2_LETS}  require created > ends\n  message \"created {{created}}, stamps {{stamps}}, cutoff {{cutoff}}\"\n}}\n"
    );
    let row = v2_setup(&rules).run().only();
    assert_eq!(
        row.message.as_deref(),
        Some(
            "created 2026-05-01T07:30:00Z, stamps [2026-05-01T07:30:00Z, 2026-05-01T07:30:00.000Z, \
             2026-01-01T00:00:00Z], cutoff 2026-05-01T00:00:00Z"
        )
    );
}

#[test]
fn a_datetime_param_takes_its_default_or_the_given_value() {
    let later = crate::model::datetime::parse_datetime("2026-06-01T00:00:00Z")
        .unwrap_or_else(|e| panic!("{e}"));
    let rules = format!("rule r {{{V2_LETS}  require created > cutoff\n}}\n");
    assert_eq!(v2_setup(&rules).run().only().kind, "pass");
    assert_eq!(
        v2_check(r#"cutoff == datetime("2026-05-01T00:00:00.00Z")"#),
        pass_row()
    );
    let row = v2_setup(&rules)
        .param("cutoff", Value::DateTime(later))
        .run()
        .only();
    assert_eq!(row.kind, "fail");
}

#[test]
fn split_cuts_at_every_separator() {
    v2_pass(&[
        r#"split(c.text, "-") == ["a", "b", "a"]"#,
        r#"split(c.csv, ",") == ["x", "", "y"]"#,
        r#"split(c.text, "a-") == ["", "b-a"]"#,
        r#"split(c.text, "zz") == ["a-b-a"]"#,
        // The empty text is one empty piece, as in most languages.
        r#"split(c.empty, ",") == [""]"#,
        r#"split("ééé", "é") == ["", "", "", ""]"#,
        r#"len(split(c.text, "-")) == 3"#,
    ]);
    let (kind, message) = v2_error(r#"split(c.text, c.empty) == []"#);
    assert_eq!(kind, EvalErrorKind::InvalidArgument);
    assert!(
        message.contains("the separator of `split` is empty"),
        "{message}"
    );
}

#[test]
fn join_puts_the_separator_between() {
    v2_pass(&[
        r#"join(c.words, "") == "babca""#,
        r#"join(c.words, ", ") == "b, a, b, c, a""#,
        r#"join([], ",") == """#,
        r#"join(["only"], ",") == "only""#,
        r#"join(split(c.text, "-"), "+") == "a+b+a""#,
        r#"join(split(c.csv, ","), ",") == c.csv"#,
    ]);
}

#[test]
fn replace_replaces_every_occurrence() {
    v2_pass(&[
        r#"replace(c.text, "a", "xy") == "xy-b-xy""#,
        r#"replace(c.text, "-", "") == "aba""#,
        r#"replace(c.text, "q", "z") == c.text"#,
        // Left to right, without overlaps.
        r#"replace("aaa", "aa", "b") == "ba""#,
        r#"replace(c.empty, "a", "b") == """#,
    ]);
    let (kind, message) = v2_error(r#"replace(c.text, c.empty, "x") == """#);
    assert_eq!(kind, EvalErrorKind::InvalidArgument);
    assert!(
        message.contains("the text `replace` looks for is empty"),
        "{message}"
    );
}

#[test]
fn replace_refuses_to_build_a_huge_text() {
    // 2^20 bytes, each replaced by 128: 128 MiB.
    let long = "a".repeat(1 << 20);
    let to = "b".repeat(128);
    let doc = V2_DOC.replace(r#""text": "a-b-a""#, &format!(r#""text": "{long}""#));
    let row = v2_setup(&format!(
        "rule r {{\n  require replace(c.text, \"a\", \"{to}\") == \"\"\n}}\n"
    ))
    .doc(&doc)
    .run()
    .only();
    assert_eq!(row.kind, "error");
    assert!(
        row.error
            .unwrap_or_default()
            .contains("more than the limit"),
        "a text beyond the limit is refused"
    );
}

#[test]
fn trim_removes_unicode_white_space_at_both_ends() {
    v2_pass(&[
        // No-break space, tab, newline and the ideographic space.
        r#"trim(c.padded) == "hi there""#,
        r#"trim("   ") == """#,
        r#"trim(c.empty) == """#,
        r#"trim("x") == "x""#,
        r#"len(trim(c.padded)) == 8"#,
    ]);
}

#[test]
fn take_and_drop_split_a_list() {
    v2_pass(&[
        "take(c.nums, 2) == [3, 1]",
        "take(c.nums, 0) == []",
        "take(c.nums, 5) == c.nums",
        "take(c.nums, 99) == c.nums",
        "take(c.nums, 9223372036854775807) == c.nums",
        "drop(c.nums, 2) == [3, 2, 1]",
        "drop(c.nums, 0) == c.nums",
        "drop(c.nums, 5) == []",
        "drop(c.nums, 9223372036854775807) == []",
        "take(c.none, 1) == []",
        "drop(c.none, 1) == []",
        r#"take(c.words, c.n) == ["b", "a"]"#,
        "len(take(c.items, 1)) == 1",
    ]);
    for f in ["take", "drop"] {
        let (kind, message) = v2_error(&format!("{f}(c.nums, c.neg) == []"));
        assert_eq!(kind, EvalErrorKind::InvalidArgument);
        assert!(message.contains("negative count (-1)"), "{message}");
    }
}

#[test]
fn distinct_keeps_first_occurrences_in_order() {
    v2_pass(&[
        r#"distinct(c.words) == ["b", "a", "c"]"#,
        "distinct(c.nums) == [3, 1, 2]",
        "distinct(c.none) == []",
        "distinct([1, 2, 3]) == [1, 2, 3]",
        // Records and lists compare structurally.
        "len(distinct(c.items)) == 2",
        "distinct(c.items)[1].id == \"b\"",
        "distinct([[1, 2], [1, 2], [2, 1]]) == [[1, 2], [2, 1]]",
        // Maps are equal whatever the order of their keys.
        "len(distinct(c.maps)) == 2",
        // Datetimes are equal when they are the same instant.
        "len(distinct(stamps)) == 2",
    ]);
}

#[test]
fn distinct_of_a_large_list_is_linear() {
    let nums: Vec<String> = (0..40_000).map(|i| (i % 20_000).to_string()).collect();
    let doc = V2_DOC.replace(
        r#""nums": [3, 1, 3, 2, 1]"#,
        &format!(r#""nums": [{}]"#, nums.join(", ")),
    );
    let row = v2_setup("rule r {\n  require len(distinct(c.nums)) == 20000\n}\n")
        .doc(&doc)
        .run()
        .only();
    assert_eq!(row, pass_row());
}

#[test]
fn to_int_reads_decimal_integers() {
    v2_pass(&[
        "to_int(c.number) == -42",
        r#"to_int("42") == 42"#,
        r#"to_int("007") == 7"#,
        r#"to_int("-0") == 0"#,
        r#"to_int("9223372036854775807") == 9223372036854775807"#,
        r#"to_int("-9223372036854775808") < -9223372036854775807"#,
    ]);
    for text in [
        "+5",
        " 5",
        "5 ",
        "5x",
        "",
        "-",
        "1_000",
        "9223372036854775808",
        "٣",
    ] {
        let (kind, message) = v2_error(&format!("to_int({text:?}) == 0"));
        assert_eq!(kind, EvalErrorKind::InvalidNumber, "{text:?}");
        assert!(
            message.contains(&format!("{text:?} is not a whole number")),
            "{message}"
        );
    }
}

#[test]
fn to_string_renders_like_interpolation() {
    v2_pass(&[
        r#"to_string(42) == "42""#,
        r#"to_string(c.neg) == "-1""#,
        r#"to_string(true) == "true""#,
        r#"to_string(c.end_date) == "2026-05-02""#,
        r#"to_string(created) == "2026-05-01T07:30:00Z""#,
        r#"to_string(stamps[1]) == "2026-05-01T07:30:00.000Z""#,
        r#"to_string(c.status) == "active""#,
        "to_int(to_string(c.n)) == c.n",
        r#"join(list(to_string(x) for x in c.nums), "|") == "3|1|3|2|1""#,
    ]);
}

#[test]
fn new_error_kinds_have_names() {
    assert_eq!(EvalErrorKind::InvalidDateTime.as_str(), "invalid-datetime");
    assert_eq!(EvalErrorKind::InvalidNumber.as_str(), "invalid-number");
    assert_eq!(EvalErrorKind::InvalidArgument.as_str(), "invalid-argument");
    assert_eq!(EvalErrorKind::TooLarge.as_str(), "too-large");
}
