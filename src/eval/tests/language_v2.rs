//! Tests of the v2 language constructs: `if … then … else …`, pack functions,
//! `map(K: V for …)`, open records and quoted field names, datetimes read from
//! documents, and `let`s computed once per document.

use super::*;

/// A schema over open records, with a quoted field and a datetime.
const OPEN_SCHEMA: &str = r#"
record Item {
  id: string,
  sub: string,
  qty: int,
  note: string?,
  "@odata.type": string?,
  ..
}
record Sub { id: string, name: string, ends: datetime, .. }
record Case { items: [Item], subs: [Sub], at: datetime, .. }
input c: Case

/// The catalog key: the first two parts of an id.
fn key(id: string): string = join(take(split(id, ":"), 2), ":")
fn twice(n: int): int = n + n
fn quadruple(n: int): int = twice(twice(n))
fn by_id(k: Case): [string: Sub] = map(lower(s.id): s for s in k.subs)
fn note_or(i: Item, other: string): string = if i has note then i.note else other
"#;

/// A case with undeclared keys everywhere, ids in two cases, and a repeated id.
const OPEN_DOC: &str = r##"{
  "items": [
    {"id": "A:B:C", "sub": "S1", "qty": 2, "links": {"self": "x"}},
    {"id": "D:E:F", "sub": "s9", "qty": 7, "note": "hi", "@odata.type": "#item"}
  ],
  "subs": [
    {"id": "s1", "name": "first", "ends": "2026-05-01T09:30:00.1234567+02:00", "attributes": {}},
    {"id": "S1", "name": "second", "ends": "2027-01-01T00:00:00Z"}
  ],
  "at": "2026-05-01T07:30:00Z",
  "etag": 3
}"##;

fn open(rules: &str) -> Evaluated {
    Setup::raw(&format!("{OPEN_SCHEMA}\n{rules}"), OPEN_DOC).run()
}

fn open_check(expr: &str) -> Row {
    open(&format!("rule r {{\n  require {expr}\n}}\n")).only()
}

#[test]
fn open_records_read_declared_fields_and_ignore_the_rest() {
    for e in [
        "len(c.items) == 2",
        "c.items[0].qty == 2",
        "c.items[1][\"@odata.type\"] ?? \"\" == \"#item\"",
        "not (c.items[0] has \"@odata.type\")",
        "c.items[1] has \"@odata.type\"",
    ] {
        assert_eq!(open_check(e).kind, "pass", "`{e}`");
    }
}

#[test]
fn if_takes_one_branch_and_narrows() {
    for e in [
        "(if c.at > c.subs[0].ends then 1 else 2) == 2",
        "(if c.items[1] has note then c.items[1].note else \"none\") == \"hi\"",
        "(if not (c.items[0] has note) then \"none\" else c.items[0].note) == \"none\"",
        // The branch not taken would be an error (an index out of range).
        "(if len(c.items) > 5 then c.items[9].qty else 0) == 0",
        "(if true then 1 else 2 + 3) == 1",
        "(if false then 1 else 2 + 3) == 5",
    ] {
        assert_eq!(open_check(e).kind, "pass", "`{e}`");
    }
    let row = open_check("(if len(c.items) > 1 then c.items[9].qty else 0) == 0");
    assert_eq!(row.kind, "error", "the branch taken is evaluated");
}

#[test]
fn pack_functions_compute_with_their_arguments() {
    for e in [
        "key(c.items[0].id) == \"A:B\"",
        "quadruple(c.items[0].qty) == 8",
        "lower(c.items[0].sub) in by_id(c)",
        "not (lower(c.items[1].sub) in by_id(c))",
        "note_or(c.items[0], \"-\") == \"-\"",
        "note_or(c.items[1], \"-\") == \"hi\"",
    ] {
        assert_eq!(open_check(e).kind, "pass", "`{e}`");
    }
}

#[test]
fn a_failed_call_is_labelled_with_its_value() {
    let e = open("rule r {\n  for i in c.items\n  require twice(i.qty) < 10\n}\n");
    assert_eq!(
        e.kinds(),
        pairs(&[("/items/0", "pass"), ("/items/1", "fail")])
    );
    let computed = e.computed(1);
    assert!(
        computed.contains(&("twice(i.qty)".to_string(), "14".to_string())),
        "{computed:?}"
    );
    // The argument is read from the document, with its place.
    let reads = e.reads(1);
    assert!(
        reads.contains(&("/items/1/qty".to_string(), "7".to_string())),
        "{reads:?}"
    );
}

#[test]
fn records_keep_their_place_through_functions_lookups_and_flatten() {
    // `by_id(c)[…]` is a record found through a pack function and a map: its
    // fields are still labelled at their place in the document.
    let e = open(
        "rule r {\n  for i in c.items\n  let subs = by_id(c)\n  when lower(i.sub) in subs\n  let sub = subs[lower(i.sub)]\n  require sub.name == \"none\"\n}\n",
    );
    assert_eq!(
        e.kinds(),
        pairs(&[("/items/0", "fail"), ("/items/1", "skip")])
    );
    assert_eq!(
        e.reads(0),
        [("/subs/0/name".to_string(), "first".to_string())]
    );
    // A subject taken from a flattened list is named by its real path.
    let e = open(
        "rule r {\n  for i in flatten([drop(c.items, 1), take(c.items, 1)])\n  require i.qty > 5\n}\n",
    );
    assert_eq!(
        e.kinds(),
        pairs(&[("/items/1", "pass"), ("/items/0", "fail")])
    );
    assert_eq!(e.reads(1), [("/items/0/qty".to_string(), "2".to_string())]);
    // The lists one after the other, empty ones included.
    assert_eq!(
        open_check("flatten([[1, 2], [], [3]]) == [1, 2, 3]").kind,
        "pass"
    );
}

#[test]
fn map_keeps_the_first_entry_of_a_key() {
    for e in [
        "len(by_id(c)) == 1",
        "by_id(c)[\"s1\"].name == \"first\"",
        "len(map(s.name: s.id for s in c.subs)) == 2",
        "len(map(s.id: 1 for s in c.subs if s.name == \"second\")) == 1",
        "keys(map(s.id: 1 for s in c.subs)) == [\"s1\", \"S1\"]",
    ] {
        assert_eq!(open_check(e).kind, "pass", "`{e}`");
    }
}

#[test]
fn datetimes_from_documents_compare_as_instants() {
    for e in [
        "c.at == datetime(\"2026-05-01T09:30:00+02:00\")",
        "c.subs[0].ends > c.at",
        "hours_between(c.at, c.subs[1].ends) > 5000",
        "day(c.subs[0].ends) == date(\"2026-05-01\")",
        "to_string(c.subs[0].ends) == \"2026-05-01T07:30:00.1234567Z\"",
    ] {
        assert_eq!(open_check(e).kind, "pass", "`{e}`");
    }
}

/// A rule over many subjects whose `let` reads only the document: with a
/// budget that one computation of the `let` fits but one per subject does
/// not, the rule still passes, because the `let` is computed once.
#[test]
fn a_let_no_for_variable_reaches_is_computed_once_per_document() {
    let mut items = Vec::new();
    for i in 0..200 {
        items.push(format!(
            r#"{{"id": "i{i}", "sub": "s{}", "qty": 1}}"#,
            i % 2
        ));
    }
    let mut subs = Vec::new();
    for i in 0..200 {
        subs.push(format!(
            r#"{{"id": "s{i}", "name": "n", "ends": "2026-01-01T00:00:00Z"}}"#
        ));
    }
    let doc = format!(
        r#"{{"items": [{}], "subs": [{}], "at": "2026-01-01T00:00:00Z"}}"#,
        items.join(","),
        subs.join(",")
    );
    let rule = "rule r {\n  for i in c.items\n  let index = map(s.id: s for s in c.subs)\n  require i.sub in index\n}\n";
    let policy = format!("{OPEN_SCHEMA}\n{rule}");
    // About 200 subjects × a few steps, plus one map of 200 entries × a few
    // steps: far less than 200 maps of 200 entries (200 × 200 × 3).
    let e = Setup::raw(&policy, &doc).steps(20_000).run();
    let rows = e.rows();
    assert_eq!(rows.len(), 200);
    assert!(rows.iter().all(|r| r.kind == "pass"), "{:?}", rows.first());
    // A `let` that reads the `for` variable is computed per subject.
    let rule = "rule r {\n  for i in c.items\n  let index = map(s.id: s for s in c.subs if s.id != i.id)\n  require i.sub in index\n}\n";
    let policy = format!("{OPEN_SCHEMA}\n{rule}");
    let e = Setup::raw(&policy, &doc).steps(20_000).run();
    assert!(
        e.rows().iter().any(|r| r.kind == "error"),
        "computed per subject, the lets exceed the budget"
    );
}

#[test]
fn function_bodies_cost_steps() {
    let rule = "rule r {\n  require quadruple(quadruple(quadruple(1))) == 64\n}\n";
    let policy = format!("{OPEN_SCHEMA}\n{rule}");
    let passes = Setup::raw(&policy, OPEN_DOC).run().only();
    assert_eq!(passes.kind, "pass");
    let stopped = Setup::raw(&policy, OPEN_DOC).steps(10).run().only();
    assert_eq!(stopped.kind, "error");
}
