//! Generated well-typed programs over generated documents → check, evaluate,
//! report.
//!
//! The fuzzer's bytes drive a generator of policy text over a fixed schema
//! (records, an enum, optionals, lists, a map, params) and of a JSON document of
//! that schema. Properties:
//! - every generated program is accepted by the checker (the generator only
//!   writes well-typed rules, so a rejection is a bug on one side or the other);
//! - evaluation never panics, whatever the values (overflow, empty lists, dates
//!   at the ends of the calendar, absent optionals);
//! - two runs give byte-identical reports;
//! - every document is evaluated (it conforms by construction; near misses of
//!   the open record's optional fields are warnings, never errors).
//!
//! The schema and the programs use the language's v2 constructs too: an open
//! record with a quoted field and datetimes, documents with undeclared keys and
//! near-miss spellings, pack functions (fixed ones, and two whose bodies are
//! generated), `if … then … else …`, `map(K: V for …)` and lookups into it,
//! `flatten`, `for i, x in xs`, the `at` clause, and the string, list and
//! datetime built-ins.

#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use preflight::data::format::Format;
use preflight::pack::Pack;
use serde_json::{Map, Value, json};

mod common;

const SCHEMA: &str = r#"enum Kind { "a", "b", "c" }

record Item {
  name: string,
  n: int,
  tags: [string],
  kind: Kind,
  due: date?,
  extra: int?,
  at: datetime,
  "@odata.type": string?,
  ..
}

record Doc {
  id: string,
  count: int,
  flag: bool,
  start: date,
  items: [Item],
  scores: [string: int],
  limit: int?,
  stamp: datetime,
  stamps: [datetime],
  ..
}

input doc: Doc
param p: int = 3
param cutoff: date = date("2026-01-01")
param instant: datetime = datetime("2026-01-01T12:00:00.5+01:00")

fn twice(x: int): int = x + x
fn label(i: Item): string = if i has extra then join([i.name, to_string(i.extra)], ":") else i.name
fn key_of(s: string): string = join(take(split(s, ":"), 2), ":")
fn by_name(d: Doc): [string: Item] = map(lower(i.name): i for i in d.items)
fn late(i: Item, t: datetime): bool = i.at > t
fn quadruple(x: int): int = twice(twice(x))
"#;

/// The types the generator writes expressions of.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Ty {
    Bool,
    Int,
    Str,
    Date,
    Item,
    ListInt,
    ListStr,
    ListItem,
    ListDate,
    ListBool,
    Map,
    DateTime,
}

const SCALARS: [Ty; 5] = [Ty::Bool, Ty::Int, Ty::Str, Ty::Date, Ty::DateTime];

struct Gen<'u, 'a> {
    u: &'u mut Unstructured<'a>,
    /// Variables in scope: name and type.
    scope: Vec<(String, Ty)>,
    next: usize,
    /// Whether the generated functions `fgi` and `fgb` are declared yet (they
    /// are not while their own bodies are generated).
    functions: bool,
}

impl Gen<'_, '_> {
    fn pick(&mut self, n: usize) -> usize {
        if n <= 1 {
            return 0;
        }
        self.u.int_in_range(0..=n - 1).unwrap_or(0)
    }

    fn coin(&mut self) -> bool {
        self.pick(2) == 1
    }

    fn fresh(&mut self, stem: &str) -> String {
        self.next += 1;
        format!("{stem}{}", self.next)
    }

    fn vars(&self, ty: Ty) -> Vec<String> {
        self.scope
            .iter()
            .filter(|(_, t)| *t == ty)
            .map(|(n, _)| n.clone())
            .collect()
    }

    fn var_or(&mut self, ty: Ty, fallback: &str) -> String {
        let vars = self.vars(ty);
        if vars.is_empty() || self.pick(3) == 0 {
            fallback.to_string()
        } else {
            let i = self.pick(vars.len());
            vars.get(i).cloned().unwrap_or_else(|| fallback.to_string())
        }
    }

    fn item(&mut self) -> String {
        let vars = self.vars(Ty::Item);
        if vars.is_empty() {
            // A literal index: an expression here could itself need an item,
            // and the nesting would not end.
            let list = if self.coin() {
                "doc.items".to_string()
            } else {
                let v = self.fresh("g");
                format!("list({v} for {v} in doc.items)")
            };
            format!("{list}[{}]", self.pick(4))
        } else {
            let i = self.pick(vars.len());
            vars.get(i).cloned().unwrap_or_default()
        }
    }

    /// An item written as a path (a variable, or `doc.items[N]`), the only
    /// form a `has` guard narrows.
    fn item_path(&mut self) -> String {
        let vars = self.vars(Ty::Item);
        if vars.is_empty() || self.pick(4) == 0 {
            format!("doc.items[{}]", self.pick(3))
        } else {
            let i = self.pick(vars.len());
            vars.get(i).cloned().unwrap_or_default()
        }
    }

    fn string_literal(&mut self) -> String {
        const RAW: [&str; 10] = [
            "",
            "a",
            "b",
            "x",
            "Contoso",
            "é中",
            "a\"b",
            "back\\slash",
            "{brace}",
            "tab\tnl\n",
        ];
        let raw = RAW.get(self.pick(RAW.len())).copied().unwrap_or("");
        let mut out = String::from("\"");
        for c in raw.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }

    fn int_literal(&mut self) -> String {
        match self.pick(8) {
            0 => "9223372036854775807".into(),
            1 => "(-9223372036854775807 - 1)".into(),
            2 => "0".into(),
            3 => "-1".into(),
            _ => format!("{}", self.u.int_in_range(0..=1000).unwrap_or(0)),
        }
    }

    fn date_literal(&mut self) -> String {
        const DATES: [&str; 5] = [
            "2026-03-01",
            "2025-12-31",
            "2024-02-29",
            "0001-01-01",
            "9999-12-31",
        ];
        let d = DATES
            .get(self.pick(DATES.len()))
            .copied()
            .unwrap_or("2026-03-01");
        format!("date(\"{d}\")")
    }

    fn datetime_literal(&mut self) -> String {
        const INSTANTS: [&str; 6] = [
            "2026-03-01T00:00:00Z",
            "2026-03-01T09:30:00+02:00",
            "2024-02-29T23:59:59.999999999-23:59",
            "0001-01-01T00:00:00Z",
            "9999-12-30T12:00:00.5+00:00",
            "2025-12-31t12:00:00.1234567z",
        ];
        let t = INSTANTS.get(self.pick(INSTANTS.len())).copied().unwrap_or("2026-03-01T00:00:00Z");
        format!("datetime(\"{t}\")")
    }

    /// A call of one of the generated functions, when they exist.
    fn generated_call(&mut self, ty: Ty, depth: u32) -> Option<String> {
        if !self.functions {
            return None;
        }
        let f = match ty {
            Ty::Int => "fgi",
            Ty::Bool => "fgb",
            _ => return None,
        };
        Some(format!(
            "{f}({}, {})",
            self.expr(Ty::Int, depth),
            self.expr(Ty::Str, depth)
        ))
    }

    /// A generator call's head: a fresh variable bound to the elements of a
    /// list, in scope while `body` runs.
    fn generator(&mut self, name: &str, body_ty: Ty, depth: u32) -> String {
        let (list_ty, elem_ty) = match self.pick(3) {
            0 => (Ty::ListInt, Ty::Int),
            1 => (Ty::ListStr, Ty::Str),
            _ => (Ty::ListItem, Ty::Item),
        };
        let list = self.expr(list_ty, depth);
        let var = self.fresh("g");
        self.scope.push((var.clone(), elem_ty));
        let body = if body_ty == elem_ty && self.coin() {
            var.clone()
        } else {
            self.expr(body_ty, depth)
        };
        let filter = if self.coin() {
            format!(" if {}", self.expr(Ty::Bool, depth))
        } else {
            String::new()
        };
        self.scope.pop();
        format!("{name}({body} for {var} in {list}{filter})")
    }

    fn expr(&mut self, ty: Ty, depth: u32) -> String {
        let d = depth.saturating_sub(1);
        let leaf = depth == 0 || self.pick(4) == 0;
        match ty {
            Ty::Bool if leaf => match self.pick(5) {
                0 => "true".into(),
                1 => "false".into(),
                2 => "doc.flag".into(),
                3 => format!("{} has due", self.item()),
                4 if self.coin() => format!("{} has \"@odata.type\"", self.item()),
                _ => "doc has limit".into(),
            },
            Ty::Bool => match self.pick(27) {
                20 => format!(
                    "(if {} then {} else {})",
                    self.expr(Ty::Bool, d),
                    self.expr(Ty::Bool, d),
                    self.expr(Ty::Bool, d)
                ),
                21 => {
                    let op = ["<", "<=", ">", ">=", "==", "!="]
                        .get(self.pick(6))
                        .copied()
                        .unwrap_or("<");
                    format!("({} {op} {})", self.expr(Ty::DateTime, d), self.expr(Ty::DateTime, d))
                }
                22 => format!("late({}, {})", self.item(), self.expr(Ty::DateTime, d)),
                23 => format!("(lower({}) in by_name(doc))", self.expr(Ty::Str, d)),
                24 => self
                    .generated_call(Ty::Bool, d)
                    .unwrap_or_else(|| "doc.flag".into()),
                25 => {
                    let item = self.item_path();
                    format!("(if {item} has \"@odata.type\" then {item}[\"@odata.type\"] != \"\" else false)")
                }
                0 => format!(
                    "({} and {})",
                    self.expr(Ty::Bool, d),
                    self.expr(Ty::Bool, d)
                ),
                1 => format!("({} or {})", self.expr(Ty::Bool, d), self.expr(Ty::Bool, d)),
                2 => format!("(not {})", self.expr(Ty::Bool, d)),
                3 => {
                    let t = SCALARS.get(self.pick(4)).copied().unwrap_or(Ty::Int);
                    let op = if self.coin() { "==" } else { "!=" };
                    format!("({} {op} {})", self.expr(t, d), self.expr(t, d))
                }
                4 => {
                    let t = if self.coin() { Ty::Int } else { Ty::Date };
                    let op = ["<", "<=", ">", ">="]
                        .get(self.pick(4))
                        .copied()
                        .unwrap_or("<");
                    format!("({} {op} {})", self.expr(t, d), self.expr(t, d))
                }
                5 => {
                    let op = if self.coin() { "in" } else { "not in" };
                    format!(
                        "({} {op} {})",
                        self.expr(Ty::Int, d),
                        self.expr(Ty::ListInt, d)
                    )
                }
                6 => {
                    let op = if self.coin() { "in" } else { "not in" };
                    format!(
                        "({} {op} {})",
                        self.expr(Ty::Str, d),
                        self.expr(Ty::ListStr, d)
                    )
                }
                7 => format!("({} in doc.scores)", self.expr(Ty::Str, d)),
                8 => {
                    let f = ["starts_with", "ends_with", "contains"]
                        .get(self.pick(3))
                        .copied()
                        .unwrap_or("contains");
                    format!("{f}({}, {})", self.expr(Ty::Str, d), self.expr(Ty::Str, d))
                }
                9 => {
                    let re = ["^a", "[0-9]+", "(?i)contoso", "^$", "\\\\w+\\\\d"]
                        .get(self.pick(5))
                        .copied()
                        .unwrap_or("a");
                    format!("matches({}, \"{re}\")", self.expr(Ty::Str, d))
                }
                10 => self.generator("all", Ty::Bool, d),
                11 => self.generator("any", Ty::Bool, d),
                12 => {
                    let item = self.item_path();
                    let cmp = self.expr(Ty::Date, d);
                    format!("({item} has due and {item}.due <= {cmp})")
                }
                13 => format!("(doc has limit and doc.limit >= {})", self.expr(Ty::Int, d)),
                14 => {
                    let item = self.item();
                    let k = ["a", "b", "c"].get(self.pick(3)).copied().unwrap_or("a");
                    format!("({item}.kind == \"{k}\")")
                }
                15 => format!("({} == {})", self.item(), self.item()),
                16 => format!(
                    "({} == {})",
                    self.expr(Ty::ListInt, d),
                    self.expr(Ty::ListInt, d)
                ),
                17 => format!("all({})", self.expr(Ty::ListBool, d)),
                18 => format!("any({})", self.expr(Ty::ListBool, d)),
                _ => self.var_or(Ty::Bool, "doc.flag"),
            },
            Ty::Int if leaf => match self.pick(8) {
                0 | 1 => self.int_literal(),
                2 => "doc.count".into(),
                3 => "p".into(),
                4 => format!("{}.n", self.item()),
                5 => format!("({}.extra ?? -1)", self.item()),
                6 => "(doc.limit ?? 0)".into(),
                _ => self.var_or(Ty::Int, "doc.count"),
            },
            Ty::Int => match self.pick(26) {
                17 => format!("twice({})", self.expr(Ty::Int, d)),
                18 => format!("quadruple({})", self.expr(Ty::Int, d)),
                19 => {
                    let f = if self.coin() { "hours_between" } else { "days_between" };
                    format!("{f}({}, {})", self.expr(Ty::DateTime, d), self.expr(Ty::DateTime, d))
                }
                20 => format!(
                    "(if {} then {} else {})",
                    self.expr(Ty::Bool, d),
                    self.expr(Ty::Int, d),
                    self.expr(Ty::Int, d)
                ),
                21 => format!("len(split({}, \",\"))", self.expr(Ty::Str, d)),
                22 => format!("to_int({})", self.expr(Ty::Str, d)),
                23 => {
                    let k = self.expr(Ty::Str, d);
                    format!("(if lower({k}) in by_name(doc) then by_name(doc)[lower({k})].n else 0)")
                }
                24 => self
                    .generated_call(Ty::Int, d)
                    .unwrap_or_else(|| "doc.count".into()),
                0 => format!("({} + {})", self.expr(Ty::Int, d), self.expr(Ty::Int, d)),
                1 => format!("({} - {})", self.expr(Ty::Int, d), self.expr(Ty::Int, d)),
                2 => format!("({} * {})", self.expr(Ty::Int, d), self.expr(Ty::Int, d)),
                3 => format!("({} / {})", self.expr(Ty::Int, d), self.expr(Ty::Int, d)),
                4 => format!("(-{})", self.expr(Ty::Int, d)),
                5 => {
                    let t = [Ty::ListInt, Ty::ListStr, Ty::Str, Ty::Map, Ty::ListItem]
                        .get(self.pick(5))
                        .copied()
                        .unwrap_or(Ty::Str);
                    format!("len({})", self.expr(t, d))
                }
                6 => format!("count({})", self.expr(Ty::ListItem, d)),
                7 => {
                    let body = if self.coin() { Ty::Int } else { Ty::Str };
                    self.generator("count", body, d)
                }
                8 => format!("sum({})", self.expr(Ty::ListInt, d)),
                9 => self.generator("sum", Ty::Int, d),
                10 => {
                    let f = if self.coin() { "min" } else { "max" };
                    format!("{f}({})", self.expr(Ty::ListInt, d))
                }
                11 => {
                    let f = if self.coin() { "min" } else { "max" };
                    self.generator(f, Ty::Int, d)
                }
                12 => format!(
                    "days_between({}, {})",
                    self.expr(Ty::Date, d),
                    self.expr(Ty::Date, d)
                ),
                13 => format!("doc.scores[{}]", self.expr(Ty::Str, d)),
                14 => format!("{}[{}]", self.expr(Ty::ListInt, d), self.expr(Ty::Int, d)),
                15 => format!("len({})", self.expr(Ty::Str, d)),
                _ => self.var_or(Ty::Int, "p"),
            },
            Ty::Str if leaf => match self.pick(5) {
                0 | 1 => self.string_literal(),
                2 => "doc.id".into(),
                3 => format!("{}.name", self.item()),
                _ => self.var_or(Ty::Str, "doc.id"),
            },
            Ty::Str => match self.pick(14) {
                5 => format!("trim({})", self.expr(Ty::Str, d)),
                6 => format!("replace({}, \"a\", {})", self.expr(Ty::Str, d), self.expr(Ty::Str, d)),
                7 => format!("join({}, \", \")", self.expr(Ty::ListStr, d)),
                8 => {
                    let t = [Ty::Int, Ty::Bool, Ty::Date, Ty::DateTime]
                        .get(self.pick(4))
                        .copied()
                        .unwrap_or(Ty::Int);
                    format!("to_string({})", self.expr(t, d))
                }
                9 => format!("key_of({})", self.expr(Ty::Str, d)),
                10 => format!("label({})", self.item()),
                11 => format!(
                    "(if {} then {} else {})",
                    self.expr(Ty::Bool, d),
                    self.expr(Ty::Str, d),
                    self.expr(Ty::Str, d)
                ),
                12 => format!("({}[\"@odata.type\"] ?? \"none\")", self.item()),
                0 => format!("lower({})", self.expr(Ty::Str, d)),
                1 => format!("upper({})", self.expr(Ty::Str, d)),
                2 => format!("{}[{}]", self.expr(Ty::ListStr, d), self.expr(Ty::Int, d)),
                _ => self.expr(Ty::Str, 0),
            },
            Ty::Date if leaf => match self.pick(6) {
                0 | 1 => self.date_literal(),
                2 => "doc.start".into(),
                3 => "today()".into(),
                4 => "cutoff".into(),
                _ => format!("({}.due ?? doc.start)", self.item()),
            },
            Ty::Date => match self.pick(5) {
                3 => format!("day({})", self.expr(Ty::DateTime, d)),
                0 => format!(
                    "add_days({}, {})",
                    self.expr(Ty::Date, d),
                    self.expr(Ty::Int, d)
                ),
                1 => {
                    let f = if self.coin() { "min" } else { "max" };
                    format!("{f}({})", self.expr(Ty::ListDate, d))
                }
                2 => {
                    let f = if self.coin() { "min" } else { "max" };
                    self.generator(f, Ty::Date, d)
                }
                _ => self.expr(Ty::Date, 0),
            },
            Ty::Item => self.item(),
            // Lists have no leaf guard of their own: their recursive arms need
            // `depth > 0`, or repeated bytes nest `distinct(distinct(…))` past
            // the checker's bracket limit (found by this target).
            Ty::ListInt => match self.pick(8) {
                5 if depth > 0 => {
                    let f = if self.coin() { "take" } else { "drop" };
                    format!("{f}({}, {})", self.expr(Ty::ListInt, d), self.expr(Ty::Int, d))
                }
                6 if depth > 0 => format!("distinct({})", self.expr(Ty::ListInt, d)),
                0 => {
                    let n = 1 + self.pick(4);
                    let xs: Vec<String> = (0..n).map(|_| self.expr(Ty::Int, d)).collect();
                    format!("[{}]", xs.join(", "))
                }
                1 if depth > 0 => self.generator("list", Ty::Int, d),
                2 => "values(doc.scores)".into(),
                _ => {
                    let item_list = self.expr(Ty::ListItem, d);
                    let v = self.fresh("g");
                    format!("list({v}.n for {v} in {item_list})")
                }
            },
            Ty::ListStr => match self.pick(7) {
                5 => format!("split({}, \":\")", self.expr(Ty::Str, d)),
                6 if depth > 0 => format!("distinct({})", self.expr(Ty::ListStr, d)),
                0 => {
                    let n = 1 + self.pick(3);
                    let xs: Vec<String> = (0..n).map(|_| self.expr(Ty::Str, d)).collect();
                    format!("[{}]", xs.join(", "))
                }
                1 => format!("{}.tags", self.item()),
                2 => "keys(doc.scores)".into(),
                3 if depth > 0 => self.generator("list", Ty::Str, d),
                _ => "doc.items[0].tags".into(),
            },
            Ty::ListItem => match self.pick(4) {
                // Lists of lists, concatenated: subjects keep their places.
                1 if depth > 0 => format!(
                    "flatten([{}, {}])",
                    self.expr(Ty::ListItem, d),
                    self.expr(Ty::ListItem, d)
                ),
                0 if depth > 0 => {
                    let v = self.fresh("g");
                    self.scope.push((v.clone(), Ty::Item));
                    let cond = self.expr(Ty::Bool, d);
                    self.scope.pop();
                    format!("list({v} for {v} in doc.items if {cond})")
                }
                _ => "doc.items".into(),
            },
            Ty::ListDate => {
                if depth > 0 && self.coin() {
                    self.generator("list", Ty::Date, d)
                } else {
                    let n = 1 + self.pick(3);
                    let xs: Vec<String> = (0..n).map(|_| self.expr(Ty::Date, d)).collect();
                    format!("[{}]", xs.join(", "))
                }
            }
            Ty::ListBool => {
                if depth > 0 && self.coin() {
                    self.generator("list", Ty::Bool, d)
                } else {
                    let n = 1 + self.pick(3);
                    let xs: Vec<String> = (0..n).map(|_| self.expr(Ty::Bool, d)).collect();
                    format!("[{}]", xs.join(", "))
                }
            }
            Ty::Map if depth > 0 && self.coin() => {
                let list = self.expr(Ty::ListItem, d);
                let v = self.fresh("g");
                self.scope.push((v.clone(), Ty::Item));
                let key = self.expr(Ty::Str, d);
                let value = self.expr(Ty::Int, d);
                let filter = if self.coin() {
                    format!(" if {}", self.expr(Ty::Bool, d))
                } else {
                    String::new()
                };
                self.scope.pop();
                format!("map({key}: {value} for {v} in {list}{filter})")
            }
            Ty::Map => "doc.scores".into(),
            Ty::DateTime if leaf => match self.pick(5) {
                0 | 1 => self.datetime_literal(),
                2 => "doc.stamp".into(),
                3 => "instant".into(),
                _ => format!("{}.at", self.item()),
            },
            Ty::DateTime => match self.pick(3) {
                0 => format!("add_days({}, {})", self.expr(Ty::DateTime, d), self.expr(Ty::Int, d)),
                1 => {
                    let f = if self.coin() { "min" } else { "max" };
                    format!("{f}(doc.stamps)")
                }
                _ => self.expr(Ty::DateTime, 0),
            },
        }
    }

    fn rule(&mut self, index: usize) -> String {
        let mut out = format!("rule r{index} {{\n");
        let severity = ["error", "warning", "info"]
            .get(self.pick(3))
            .copied()
            .unwrap_or("error");
        out.push_str(&format!("  severity {severity}\n"));
        let depth = 1 + self.pick(4) as u32;
        let base = self.scope.len();
        for _ in 0..self.pick(3) {
            match self.pick(3) {
                0 => {
                    let list = self.expr(Ty::ListItem, 1);
                    let v = self.fresh("s");
                    if self.coin() {
                        // `for i, s in xs`: the element's position too.
                        let p = self.fresh("p");
                        out.push_str(&format!("  for {p}, {v} in {list}\n"));
                        self.scope.push((p, Ty::Int));
                    } else {
                        out.push_str(&format!("  for {v} in {list}\n"));
                    }
                    self.scope.push((v, Ty::Item));
                }
                1 => {
                    let list = self.expr(Ty::ListStr, 1);
                    let v = self.fresh("t");
                    out.push_str(&format!("  for {v} in {list}\n"));
                    self.scope.push((v, Ty::Str));
                }
                _ => {
                    let list = self.expr(Ty::ListInt, 1);
                    let v = self.fresh("k");
                    out.push_str(&format!("  for {v} in {list}\n"));
                    self.scope.push((v, Ty::Int));
                }
            }
            if self.coin() {
                let t = SCALARS.get(self.pick(SCALARS.len())).copied().unwrap_or(Ty::Int);
                let value = self.expr(t, depth);
                let v = self.fresh("v");
                out.push_str(&format!("  let {v} = {value}\n"));
                self.scope.push((v, t));
            }
            if self.coin() {
                out.push_str(&format!("  when {}\n", self.expr(Ty::Bool, depth)));
            }
        }
        for _ in 0..1 + self.pick(2) {
            out.push_str(&format!("  require {}\n", self.expr(Ty::Bool, depth)));
        }
        let a = {
            let t = [
                Ty::Int,
                Ty::Str,
                Ty::Date,
                Ty::Bool,
                Ty::ListInt,
                Ty::ListStr,
                Ty::DateTime,
            ]
            .get(self.pick(7))
            .copied()
            .unwrap_or(Ty::Int);
            self.expr(t, depth)
        };
        out.push_str(&format!("  message \"r{index} {{{{ {{{a}}} }}}}\"\n"));
        if self.coin() {
            let b = self.expr(Ty::Str, depth);
            out.push_str(&format!("  help \"do {{{b}}}\"\n"));
        }
        if self.coin() {
            // `at`: a variable in scope, a field of an item, or a list.
            let at = match self.scope.get(base..).and_then(|s| s.last()).cloned() {
                Some((v, Ty::Item)) if self.coin() => format!("{v}.n"),
                Some((v, _)) => v,
                None => "doc.items".to_string(),
            };
            out.push_str(&format!("  at {at}\n"));
        }
        out.push_str("}\n");
        self.scope.truncate(base);
        out
    }
}

fn string(u: &mut Unstructured<'_>) -> Value {
    const RAW: [&str; 8] = [
        "",
        "a",
        "x",
        "Contoso",
        "é中",
        "\u{1b}[31m",
        "a\"b",
        "\u{202e}rtl",
    ];
    let i = u.int_in_range(0..=RAW.len() - 1).unwrap_or(0);
    json!(RAW.get(i).copied().unwrap_or(""))
}

fn int(u: &mut Unstructured<'_>) -> Value {
    match u.int_in_range(0..=5).unwrap_or(0) {
        0 => json!(i64::MAX),
        1 => json!(i64::MIN),
        2 => json!(0),
        _ => json!(u.int_in_range(-1000..=1000).unwrap_or(0)),
    }
}

fn date(u: &mut Unstructured<'_>) -> Value {
    const DATES: [&str; 5] = [
        "2026-03-01",
        "2026-01-01",
        "2024-02-29",
        "0001-01-01",
        "9999-12-31",
    ];
    let i = u.int_in_range(0..=DATES.len() - 1).unwrap_or(0);
    json!(DATES.get(i).copied().unwrap_or("2026-03-01"))
}

/// An RFC 3339 instant: offsets up to ±23:59 and 0 to 9 fraction digits.
fn instant(u: &mut Unstructured<'_>) -> Value {
    let year = u.int_in_range(1..=9999).unwrap_or(2026);
    let month = u.int_in_range(1..=12).unwrap_or(1);
    let day = u.int_in_range(1..=28).unwrap_or(1);
    let hour = u.int_in_range(0..=23).unwrap_or(0);
    let minute = u.int_in_range(0..=59).unwrap_or(0);
    let second = u.int_in_range(0..=59).unwrap_or(0);
    let digits = u.int_in_range(0..=9).unwrap_or(0);
    let fraction = if digits == 0 {
        String::new()
    } else {
        let n: u32 = u.int_in_range(0..=999_999_999).unwrap_or(0);
        format!(".{}", &format!("{n:09}")[..digits])
    };
    let zone = match u.int_in_range(0..=3).unwrap_or(0) {
        0 => "Z".to_string(),
        1 => "z".to_string(),
        _ => {
            let sign = if u.arbitrary().unwrap_or(false) { '+' } else { '-' };
            let h = u.int_in_range(0..=23).unwrap_or(0);
            let m = u.int_in_range(0..=59).unwrap_or(0);
            format!("{sign}{h:02}:{m:02}")
        }
    };
    json!(format!(
        "{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}{fraction}{zone}"
    ))
}

fn document(u: &mut Unstructured<'_>) -> Value {
    let mut items = Vec::new();
    for _ in 0..u.int_in_range(0..=4).unwrap_or(0) {
        let mut item = Map::new();
        item.insert("name".into(), string(u));
        item.insert("n".into(), int(u));
        let tags: Vec<Value> = (0..u.int_in_range(0..=3).unwrap_or(0))
            .map(|_| string(u))
            .collect();
        item.insert("tags".into(), Value::Array(tags));
        let kind = ["a", "b", "c"]
            .get(u.int_in_range(0..=2).unwrap_or(0))
            .copied()
            .unwrap_or("a");
        item.insert("kind".into(), json!(kind));
        if u.arbitrary().unwrap_or(false) {
            item.insert("due".into(), date(u));
        } else if u.arbitrary().unwrap_or(false) {
            item.insert("due".into(), Value::Null);
        }
        if u.arbitrary().unwrap_or(false) {
            item.insert("extra".into(), int(u));
        } else if u.arbitrary().unwrap_or(false) {
            // A near miss of the optional `extra`: a warning, not an error.
            item.insert("Extra".into(), int(u));
        }
        item.insert("at".into(), instant(u));
        if u.arbitrary().unwrap_or(false) {
            item.insert("@odata.type".into(), string(u));
        }
        if u.arbitrary().unwrap_or(false) {
            // Keys another system adds, which the open record ignores.
            item.insert("links".into(), json!({"self": {"uri": "/v1/x", "method": "GET"}}));
            item.insert("unitType".into(), string(u));
        }
        items.push(Value::Object(item));
    }
    let mut scores = Map::new();
    for _ in 0..u.int_in_range(0..=3).unwrap_or(0) {
        if let Value::String(k) = string(u) {
            scores.insert(k, int(u));
        }
    }
    let mut doc = Map::new();
    doc.insert("id".into(), string(u));
    doc.insert("count".into(), int(u));
    doc.insert("flag".into(), json!(u.arbitrary::<bool>().unwrap_or(false)));
    doc.insert("start".into(), date(u));
    doc.insert("items".into(), Value::Array(items));
    doc.insert("scores".into(), Value::Object(scores));
    if u.arbitrary().unwrap_or(false) {
        doc.insert("limit".into(), int(u));
    }
    doc.insert("stamp".into(), instant(u));
    let stamps: Vec<Value> = (0..u.int_in_range(0..=3).unwrap_or(0))
        .map(|_| instant(u))
        .collect();
    doc.insert("stamps".into(), Value::Array(stamps));
    if u.arbitrary().unwrap_or(false) {
        doc.insert("attributes".into(), json!({"objectType": "Doc", "etag": 3}));
    }
    Value::Object(doc)
}

fuzz_target!(|bytes: &[u8]| {
    let mut u = Unstructured::new(bytes);
    let mut g = Gen {
        u: &mut u,
        scope: Vec::new(),
        next: 0,
        functions: false,
    };
    let mut policy = SCHEMA.to_string();
    // Two functions whose bodies are generated over their parameters (they
    // cannot call themselves: they are declared only after).
    for (name, ty, result) in [("fgi", Ty::Int, "int"), ("fgb", Ty::Bool, "bool")] {
        g.scope = vec![("a".to_string(), Ty::Int), ("b".to_string(), Ty::Str)];
        let body = g.expr(ty, 2);
        policy.push_str(&format!("fn {name}(a: int, b: string): {result} = {body}\n"));
    }
    g.scope.clear();
    g.functions = true;
    for i in 0..1 + g.pick(4) {
        policy.push('\n');
        policy.push_str(&g.rule(i));
    }
    let docs: Vec<Value> = (0..1 + u.int_in_range(0..=2).unwrap_or(0))
        .map(|_| document(&mut u))
        .collect();
    let pack = Pack::from_texts([("fuzz.policy", policy.as_str())]);
    let Some(program) = pack.program.as_ref().filter(|_| pack.is_ok()) else {
        panic!(
            "a generated well-typed program was rejected:\n{policy}\n{}",
            preflight::report::diagnostics_human::render(&pack.diagnostics, &pack.sources, false)
        );
    };
    let text = serde_json::to_string(&Value::Array(docs.clone())).unwrap_or_default();
    let checked = common::check_bytes(&pack, text.as_bytes(), Format::Json, "fuzz.json", &[]);
    assert!(
        !checked.errors.iter().any(preflight::diagnostic::Diagnostic::is_error),
        "a generated document did not conform:\n{text}\n{}",
        preflight::report::diagnostics_human::render(&checked.errors, &checked.sources, false)
    );
    assert_eq!(checked.documents.len(), docs.len());
    assert!(checked.documents.iter().all(|d| d.evaluated));
    let first = common::render_checked(&checked, program);
    let again = common::check_bytes(&pack, text.as_bytes(), Format::Json, "fuzz.json", &[]);
    assert_eq!(
        first,
        common::render_checked(&again, program),
        "runs are deterministic"
    );
    // The same documents as JSON Lines (the streaming path) give the same outcomes.
    let lines: String = docs
        .iter()
        .map(|d| format!("{}\n", serde_json::to_string(d).unwrap_or_default()))
        .collect();
    let streamed = common::check_bytes(&pack, lines.as_bytes(), Format::Jsonl, "fuzz.json", &[]);
    assert_eq!(streamed.tally.pass, checked.tally.pass);
    assert_eq!(streamed.tally.fail, checked.tally.fail);
    assert_eq!(streamed.tally.error, checked.tally.error);
});
