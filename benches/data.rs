//! Loading and checking documents: parsing with locations against a bare
//! `serde_json` parse, conformance, and evaluation on the test pack.
//!
//! These numbers chose how input keeps its locations (ARCHITECTURE.md, "Data
//! with locations"). Run: `cargo bench -p preflight-benches -- data/`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use preflight::data::conform::conform;
use preflight::data::json::parse_json;
use preflight::data::node::NodeKind;
use preflight::data::yaml::parse_yaml;
use preflight::eval::{Evaluator, Keep};
use preflight::model::value::Value;
use preflight::pack::Pack;
use preflight::source::Sources;

const OFFERS: [&str; 3] = [
    "796B6B5F-613C-4E24-A17C-EBA730D49C02",
    "031C9E47-4802-4248-838E-778FB1D2CC05",
    "CFQ7TTC0LF8R:0001",
];

/// A JSON array of `n` transfers with 5 subscriptions each; every 10th has a
/// changed license count.
fn plans(n: usize) -> String {
    let mut out = String::from("[\n");
    for i in 0..n {
        if i > 0 {
            out.push_str(",\n");
        }
        let mut subs = Vec::new();
        for j in 0..5 {
            let offer = OFFERS[(i + j) % OFFERS.len()];
            let q = 10 + (i * 7 + j) % 90;
            let planned = if (i + j) % 10 == 0 { q + 1 } else { q };
            subs.push(format!(
                r#"    {{"id": "SUB-{i}-{j}", "offer": "{offer}", "quantity": {q}, "status": "active", "auto_renew": false, "expires": "2026-06-30", "target": {{"offer": "{offer}", "quantity": {planned}}}}}"#
            ));
        }
        out.push_str(&format!(
            "  {{\"id\": \"T-{i}\", \"customer\": {{\"name\": \"Customer {i}\", \"region\": \"europe\"}}, \"partner\": {{\"name\": \"Contoso\", \"region\": \"europe\"}}, \"relationship\": \"accepted\", \"subscriptions\": [\n{}\n  ]}}",
            subs.join(",\n")
        ));
    }
    out.push_str("\n]\n");
    out
}

fn load_pack() -> Pack {
    let mut texts = Vec::new();
    for name in ["schema", "region", "offers", "licenses", "timing"] {
        let path = format!(
            "{}/../tests/check/_pack/{name}.policy",
            env!("CARGO_MANIFEST_DIR")
        );
        texts.push((name.to_string(), std::fs::read_to_string(path).unwrap()));
    }
    let pack = Pack::from_texts(texts.iter().map(|(n, t)| (n.as_str(), t.as_str())));
    assert!(pack.is_ok(), "the test pack loads");
    pack
}

fn data(c: &mut Criterion) {
    let text = plans(2_000);
    let mut group = c.benchmark_group("data");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.sample_size(20);
    group.bench_function("serde_json-value", |b| {
        b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(&text)).unwrap())
    });
    group.bench_function("parse-with-locations", |b| {
        b.iter(|| parse_json(black_box(&text), 0).unwrap())
    });
    let yaml = serde_json::from_str::<serde_json::Value>(&text).unwrap();
    let yaml = to_yaml(&yaml, 0);
    group.throughput(Throughput::Bytes(yaml.len() as u64));
    group.bench_function("parse-yaml-with-locations", |b| {
        b.iter(|| parse_yaml(black_box(&yaml)))
    });
    group.throughput(Throughput::Bytes(text.len() as u64));

    let pack = load_pack();
    let program = pack.program.as_ref().unwrap();
    let mut sources = Sources::new();
    let file = sources.add("plans.json", text.as_str());
    let root = parse_json(&text, 0).unwrap();
    let NodeKind::Array(docs) = &root.kind else {
        panic!("an array")
    };
    group.bench_function("conform", |b| {
        b.iter(|| {
            for doc in docs {
                black_box(
                    conform(&program.schema, &program.input.ty, doc, file, "transfer").unwrap(),
                );
            }
        })
    });
    let values: Vec<Value> = docs
        .iter()
        .map(|d| {
            conform(&program.schema, &program.input.ty, d, file, "transfer")
                .unwrap()
                .0
        })
        .collect();
    let catalog_text = std::fs::read_to_string(format!(
        "{}/../tests/check/_pack/catalog.yaml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let (mut catalog, _) = parse_yaml(&catalog_text);
    let catalog = catalog.pop().unwrap();
    let catalog = conform(
        &program.schema,
        &program.data[0].ty,
        &catalog,
        file,
        "catalog",
    )
    .unwrap()
    .0;
    let params = program
        .params
        .iter()
        .map(|p| Value::from_const(&p.default))
        .collect();
    let today = jiff::civil::date(2026, 3, 1);
    let evaluator = Evaluator::new(program, &pack.sources, vec![catalog], params, today);
    group.bench_function("evaluate-14-rules", |b| {
        b.iter(|| {
            for v in &values {
                black_box(evaluator.evaluate(v, Keep::Findings));
            }
        })
    });
    group.finish();
}

/// Block-style YAML of a JSON value, for the YAML benchmark.
fn to_yaml(v: &serde_json::Value, indent: usize) -> String {
    use serde_json::Value as J;
    let pad = " ".repeat(indent);
    match v {
        J::Array(items) => items
            .iter()
            .map(|x| match x {
                J::Object(_) | J::Array(_) => {
                    let inner = to_yaml(x, indent + 2);
                    format!("{pad}- {}\n", inner.trim_start())
                }
                _ => format!("{pad}- {}\n", to_yaml(x, 0).trim_end()),
            })
            .collect(),
        J::Object(map) => map
            .iter()
            .map(|(k, x)| match x {
                J::Object(_) | J::Array(_) => format!("{pad}{k:?}:\n{}", to_yaml(x, indent + 2)),
                _ => format!("{pad}{k:?}: {}\n", to_yaml(x, 0).trim_end()),
            })
            .collect(),
        other => format!("{other}\n"),
    }
}

/// `n` objects with `fields` fields each: `f0` … `f9` the ones rules read, the
/// others what another system adds (strings, numbers, a nested object).
fn wide_objects(n: usize, fields: usize) -> String {
    let mut out = String::from("{\"items\": [\n");
    for i in 0..n {
        if i > 0 {
            out.push_str(",\n");
        }
        let mut members = Vec::new();
        for f in 0..fields {
            members.push(match f {
                0..=9 => format!("\"f{f}\": {}", (i + f) % 100),
                _ if f % 3 == 0 => {
                    format!("\"x{f}\": {{\"href\": \"/v1/items/{i}/{f}\", \"method\": \"GET\"}}")
                }
                _ if f % 3 == 1 => format!("\"x{f}\": \"value of field {f} of item {i}\""),
                _ => format!("\"x{f}\": {}", i * f),
            });
        }
        out.push_str(&format!("  {{{}}}", members.join(", ")));
    }
    out.push_str("\n]}\n");
    out
}

/// A pack over `Item`s that reads fields `f0` … `f9`; `open` adds `..`.
fn wide_pack(open: bool) -> Pack {
    let fields: Vec<String> = (0..10).map(|f| format!("f{f}: int")).collect();
    let text = format!(
        "record Item {{ {}{} }}\nrecord Case {{ items: [Item] }}\ninput c: Case\n\
         rule r {{\n  for i in c.items\n  require i.f0 + i.f1 + i.f2 + i.f3 + i.f4 < i.f5 + i.f6 + i.f7 + i.f8 + i.f9 + 500\n}}\n",
        fields.join(", "),
        if open { ", .." } else { "" }
    );
    let pack = Pack::from_texts([("wide.policy", text.as_str())]);
    assert!(pack.is_ok(), "the wide pack loads");
    pack
}

/// Open records: a record of 10 fields over objects of 40 keys (30 ignored)
/// against a closed record of the same 10 fields over objects of 10 keys, per
/// object: parse, conform, evaluate.
fn open_records(c: &mut Criterion) {
    const N: usize = 2_000;
    let mut group = c.benchmark_group("open-records");
    group.sample_size(20);
    group.throughput(Throughput::Elements(N as u64));
    for (name, open, fields) in [("closed-10-of-10", false, 10), ("open-10-of-40", true, 40)] {
        let text = wide_objects(N, fields);
        let pack = wide_pack(open);
        let program = pack.program.as_ref().unwrap();
        let mut sources = Sources::new();
        let file = sources.add("case.json", text.as_str());
        let evaluator = Evaluator::new(
            program,
            &pack.sources,
            Vec::new(),
            Vec::new(),
            jiff::civil::date(2026, 3, 1),
        );
        group.bench_function(format!("parse/{name}"), |b| {
            b.iter(|| parse_json(black_box(&text), 0).unwrap())
        });
        let root = parse_json(&text, 0).unwrap();
        group.bench_function(format!("conform/{name}"), |b| {
            b.iter(|| {
                conform(
                    &program.schema,
                    &program.input.ty,
                    black_box(&root),
                    file,
                    "c",
                )
                .unwrap()
            })
        });
        group.bench_function(format!("all/{name}"), |b| {
            b.iter(|| {
                let root = parse_json(black_box(&text), 0).unwrap();
                let (value, _) =
                    conform(&program.schema, &program.input.ty, &root, file, "c").unwrap();
                black_box(evaluator.evaluate(&value, Keep::Findings))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, data, open_records);
criterion_main!(benches);
