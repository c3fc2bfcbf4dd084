//! How long the front end (parse + check) takes to load a pack.
//!
//! Every run of `preflight` loads its pack once, so this is start-up latency.
//! Run: `cargo bench -p preflight-benches` (see benches/README.md).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use preflight::pack::Pack;

const SCHEMA: &str = include_str!("../tests/ui/valid/expressions.policy");

/// A pack of `n` rules in the style of the CSP pack: a `for`, a `when` with a
/// `has` guard, a `let`, two `require`s and an interpolated message.
fn big_pack(n: usize) -> String {
    let mut text = String::from(SCHEMA);
    for i in 0..n {
        text.push_str(&format!(
            "/// Rule number {i}.\nrule generated-{i} {{\n  for s in plan.subs\n  when s has target and s.offer in catalog\n  let o = catalog[s.offer]\n  require s.target.quantity == s.quantity + {i} or s.target.offer in o.equivalents\n  require all(x.quantity > 0 for x in plan.subs if x has target)\n  message \"subscription {{s.id}}: {{s.target.quantity}} planned, {{s.quantity}} held\"\n}}\n"
        ));
    }
    text
}

fn front_end(c: &mut Criterion) {
    let quickstart = include_str!("../examples/quickstart/transfer.policy");
    let mut group = c.benchmark_group("load");
    group.throughput(Throughput::Bytes(quickstart.len() as u64));
    group.bench_function("quickstart", |b| {
        b.iter(|| Pack::from_texts([("transfer.policy", black_box(quickstart))]))
    });
    let big = big_pack(1_000);
    group.throughput(Throughput::Bytes(big.len() as u64));
    group.bench_function("1000-rules", |b| {
        b.iter(|| Pack::from_texts([("big.policy", black_box(big.as_str()))]))
    });
    group.finish();
}

criterion_group!(benches, front_end);
criterion_main!(benches);
