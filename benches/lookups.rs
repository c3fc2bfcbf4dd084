//! Lookups by key: a rule that finds each line item's subscription in a case of
//! `N` line items and `N` subscriptions, written with a map built once per case
//! (`map(lower(s.id): s for s in case.subs)`, then `k in by_id` and
//! `by_id[k]`) against the same rule written with `any(…)` over the
//! subscriptions, which compares every item with every subscription.
//!
//! Each iteration conforms one parsed case to the pack's type and evaluates the
//! rule on it, for `N` = 300 and 3,000. With the map the time per case grows
//! about tenfold from 300 to 3,000; with `any` about a hundredfold.
//! Run: `cd benches && cargo bench --bench lookups -- --warm-up-time 1 --measurement-time 3`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use preflight::data::conform::conform;
use preflight::data::json::parse_json;
use preflight::eval::{Evaluator, Keep};
use preflight::pack::Pack;
use preflight::source::Sources;

const SCHEMA: &str = r#"
record Sub { id: string, quantity: int, .. }
record Item { id: string, sub: string, quantity: int, .. }
record Case { items: [Item], subs: [Sub] }
input case: Case
"#;

/// The map formulation: one map per case, one lookup per item.
const BY_MAP: &str = r#"
rule item-matches-subscription {
  for li in case.items
  let by_id = map(lower(s.id): s for s in case.subs)
  require lower(li.sub) in by_id and by_id[lower(li.sub)].quantity == li.quantity
  message "line item {li.id}: subscription {li.sub} is missing or has another quantity"
}
"#;

/// The quadratic formulation: every item compared with every subscription.
const BY_SCAN: &str = r#"
rule item-matches-subscription {
  for li in case.items
  require any(lower(s.id) == lower(li.sub) and s.quantity == li.quantity for s in case.subs)
  message "line item {li.id}: subscription {li.sub} is missing or has another quantity"
}
"#;

/// A case of `n` items and `n` subscriptions. Item `i` names subscription
/// `n - 1 - i` (so a scan finds it on average half-way), in other letter case;
/// every 50th item has another quantity, so the rule has findings too.
fn case(n: usize) -> String {
    let subs: Vec<String> = (0..n)
        .map(|j| {
            format!(
                r#"    {{"id": "SUB-{j:05}-a", "quantity": {}, "offerId": "CFQ7TTC0LH18:0001", "status": "active"}}"#,
                1 + j % 300
            )
        })
        .collect();
    let items: Vec<String> = (0..n)
        .map(|i| {
            let j = n - 1 - i;
            let q = 1 + j % 300 + usize::from(i % 50 == 0);
            format!(
                r#"    {{"id": "LI-{i:05}", "sub": "sub-{j:05}-A", "quantity": {q}, "unitPrice": 1250}}"#
            )
        })
        .collect();
    format!(
        "{{\n  \"items\": [\n{}\n  ],\n  \"subs\": [\n{}\n  ]\n}}\n",
        items.join(",\n"),
        subs.join(",\n")
    )
}

fn pack(rule: &str) -> Pack {
    let pack = Pack::from_texts([("schema.policy", SCHEMA), ("rule.policy", rule)]);
    assert!(pack.is_ok(), "the lookup pack loads");
    pack
}

fn lookups(c: &mut Criterion) {
    let mut group = c.benchmark_group("lookups");
    group.sample_size(10);
    for n in [300usize, 3_000] {
        let text = case(n);
        let root = parse_json(&text, 0).unwrap();
        let mut sources = Sources::new();
        let file = sources.add("case.json", text.as_str());
        for (name, rule) in [("map", BY_MAP), ("any", BY_SCAN)] {
            let pack = pack(rule);
            let program = pack.program.as_ref().unwrap();
            let evaluator = Evaluator::new(
                program,
                &pack.sources,
                Vec::new(),
                Vec::new(),
                jiff::civil::date(2026, 3, 1),
            );
            // Both formulations agree: one finding per 50 items, nothing else.
            let (value, _) =
                conform(&program.schema, &program.input.ty, &root, file, "case").unwrap();
            let tally = evaluator.evaluate(&value, Keep::Findings).tally;
            assert_eq!(
                (tally.fail, tally.pass, tally.error),
                (n.div_ceil(50) as u64, (n - n.div_ceil(50)) as u64, 0),
                "{name}/{n}"
            );
            group.bench_function(format!("{name}/{n}"), |b| {
                b.iter(|| {
                    let (value, _) = conform(
                        &program.schema,
                        &program.input.ty,
                        black_box(&root),
                        file,
                        "case",
                    )
                    .unwrap();
                    black_box(evaluator.evaluate(&value, Keep::Findings))
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, lookups);
criterion_main!(benches);
