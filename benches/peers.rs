//! Evaluation throughput of preflight, and of the same five preconditions in
//! Cedar and Rego (regorus), over the same generated plans.
//!
//! Setup (not timed): 1,000 transfers × 10 subscriptions from the generator
//! (seed 1, 5% with a planted violation); each engine's policies prepared once;
//! the plans converted to each engine's input once. Before anything is timed,
//! every engine's set of violated preconditions is compared with the planted one
//! on every plan, and the run panics at the first disagreement.
//!
//! - `evaluate/preflight-single-thread`: the whole default pack (19 rules) on
//!   every plan, one thread; throughput counts subscriptions (subjects).
//! - `peers/*`: the five preconditions, a verdict (any violation?) per plan;
//!   throughput counts plans. `peers/preflight` runs a pack of the default pack's
//!   schema and those five rules as the default pack writes them;
//!   `peers/preflight-lean` the same clauses without the `let`s and `help` that
//!   only explain a finding (`src/peers/lean.policy`).
//!
//! Run: `cargo bench -p preflight-benches --bench peers` (see benches/README.md).

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use preflight::eval::Keep;
use preflight_benches::catalog::Catalog;
use preflight_benches::generate_plans;
use preflight_benches::peers::assert_agreement;
use preflight_benches::peers::cedar::Cedar;
use preflight_benches::peers::preflight::{self as pf, Preflight};
use preflight_benches::peers::rego::{self, Rego, RegoVm};

const SEED: u64 = 1;
const TRANSFERS: usize = 1_000;
const SUBS: usize = 10;
const VIOLATIONS: f64 = 0.05;

fn peers(c: &mut Criterion) {
    let plans = generate_plans(SEED, TRANSFERS, SUBS, VIOLATIONS);
    let docs: Vec<_> = plans.iter().map(|p| p.doc.clone()).collect();
    let catalog = Catalog::default_pack();

    // Each engine prepared once, each plan converted to its input once.
    let full = Preflight::default_pack();
    let full_evaluator = full.evaluator();
    let full_values = full.conform(&docs);
    let five = Preflight::preconditions();
    let evaluator = five.evaluator();
    let values = five.conform(&docs);
    let lean = Preflight::lean_preconditions();
    let lean_evaluator = lean.evaluator();
    let lean_values = lean.conform(&docs);
    let cedar = Cedar::new();
    let cedar_docs: Vec<_> = docs.iter().map(|d| cedar.convert(d, &catalog)).collect();
    let mut rego = Rego::new(&catalog);
    let mut rvm = RegoVm::new(&catalog);
    let inputs: Vec<_> = docs.iter().map(rego::convert).collect();

    // Agreement first: a comparison of engines that disagree is worthless.
    let violating = assert_agreement(
        &plans,
        &[
            pf::answers("preflight", &evaluator, &values),
            pf::answers("preflight-lean", &lean_evaluator, &lean_values),
            cedar.answers(&cedar_docs),
            rego.answers(&inputs),
            rvm.answers(&inputs),
        ],
    );
    let requests: usize = cedar_docs.iter().map(|d| d.requests.len()).sum();
    eprintln!(
        "peers: {TRANSFERS} plans × {SUBS} subscriptions, {violating} with a planted violation; \
         preflight, preflight-lean, cedar ({requests} requests), regorus and regorus-rvm agree on every plan"
    );
    // The verdicts the timed loops compute, checked once more.
    let verdicts = |f: &mut dyn FnMut(usize) -> bool| (0..docs.len()).filter(|&i| f(i)).count();
    assert_eq!(
        verdicts(&mut |i| evaluator.evaluate(&values[i], Keep::Findings).tally.fail > 0),
        violating
    );
    assert_eq!(
        verdicts(&mut |i| lean_evaluator
            .evaluate(&lean_values[i], Keep::Findings)
            .tally
            .fail
            > 0),
        violating
    );
    assert_eq!(verdicts(&mut |i| cedar.violates(&cedar_docs[i])), violating);
    assert_eq!(verdicts(&mut |i| rego.violates(&inputs[i])), violating);
    assert_eq!(verdicts(&mut |i| rvm.violates(&inputs[i])), violating);

    let mut group = c.benchmark_group("evaluate");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(8));
    group.throughput(Throughput::Elements((TRANSFERS * SUBS) as u64));
    group.bench_function("preflight-single-thread", |b| {
        b.iter(|| {
            for v in &full_values {
                black_box(full_evaluator.evaluate(black_box(v), Keep::Findings));
            }
        })
    });
    group.finish();

    let mut group = c.benchmark_group("peers");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(8));
    group.throughput(Throughput::Elements(TRANSFERS as u64));
    group.bench_function("preflight", |b| {
        b.iter(|| {
            let mut n = 0;
            for v in &values {
                n += usize::from(evaluator.evaluate(black_box(v), Keep::Findings).tally.fail > 0);
            }
            assert_eq!(n, violating);
        })
    });
    group.bench_function("preflight-lean", |b| {
        b.iter(|| {
            let mut n = 0;
            for v in &lean_values {
                n += usize::from(
                    lean_evaluator
                        .evaluate(black_box(v), Keep::Findings)
                        .tally
                        .fail
                        > 0,
                );
            }
            assert_eq!(n, violating);
        })
    });
    group.bench_function("cedar", |b| {
        b.iter(|| {
            let mut n = 0;
            for d in &cedar_docs {
                n += usize::from(cedar.violates(black_box(d)));
            }
            assert_eq!(n, violating);
        })
    });
    group.bench_function("regorus", |b| {
        b.iter(|| {
            let mut n = 0;
            for input in &inputs {
                n += usize::from(rego.violates(black_box(input)));
            }
            assert_eq!(n, violating);
        })
    });
    group.bench_function("regorus-rvm", |b| {
        b.iter(|| {
            let mut n = 0;
            for input in &inputs {
                n += usize::from(rvm.violates(black_box(input)));
            }
            assert_eq!(n, violating);
        })
    });
    group.finish();
}

criterion_group!(benches, peers);
criterion_main!(benches);
