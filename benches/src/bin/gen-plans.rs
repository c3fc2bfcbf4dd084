//! Writes generated transfer plans (the default pack's `Transfer` documents) to
//! standard output.
//!
//! ```sh
//! cargo run -p preflight-benches --release --bin gen-plans -- \
//!     --seed 1 --transfers 10000 --subs 10 --violations 0.05 --format jsonl > plans.jsonl
//! ```

use std::io::{BufWriter, Write as _};
use std::process::ExitCode;

const USAGE: &str = "usage: gen-plans [--seed N] [--transfers N] [--subs N] [--violations SHARE] [--format json|jsonl]

  --seed N            seed of the generator (default 1)
  --transfers N       number of transfer plans (default 1000)
  --subs N            subscriptions per plan (default 10)
  --violations SHARE  share of plans, 0 to 1, with one planted violation of
                      same-region, reseller-relationship, equivalent-offer,
                      discontinued-offer or license-count (default 0.05)
  --format FORMAT     `jsonl`: one plan per line (default); `json`: one array";

struct Args {
    seed: u64,
    transfers: usize,
    subs: usize,
    violations: f64,
    jsonl: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        seed: 1,
        transfers: 1000,
        subs: 10,
        violations: 0.05,
        jsonl: true,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "-h" || flag == "--help" {
            return Err(String::new());
        }
        let (name, inline) = match flag.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None => (flag.clone(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| it.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        let bad = |v: &str| format!("{name}: `{v}` is not a valid value");
        match name.as_str() {
            "--seed" => {
                let v = value()?;
                args.seed = v.parse().map_err(|_| bad(&v))?;
            }
            "--transfers" => {
                let v = value()?;
                args.transfers = v.parse().map_err(|_| bad(&v))?;
            }
            "--subs" => {
                let v = value()?;
                args.subs = v.parse().map_err(|_| bad(&v))?;
            }
            "--violations" => {
                let v = value()?;
                args.violations = v
                    .parse()
                    .ok()
                    .filter(|s: &f64| (0.0..=1.0).contains(s))
                    .ok_or_else(|| bad(&v))?;
            }
            "--format" => {
                let v = value()?;
                args.jsonl = match v.as_str() {
                    "jsonl" | "ndjson" => true,
                    "json" => false,
                    _ => return Err(bad(&v)),
                };
            }
            _ => return Err(format!("unknown argument `{flag}`")),
        }
    }
    Ok(args)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) if e.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("gen-plans: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let mut out = BufWriter::new(std::io::stdout().lock());
    let written = if args.jsonl {
        // One plan at a time: files of millions of subscriptions stay cheap.
        preflight_benches::write_jsonl(
            &mut out,
            args.seed,
            args.transfers,
            args.subs,
            args.violations,
        )
        .and_then(|()| out.flush())
    } else {
        let docs =
            preflight_benches::generate(args.seed, args.transfers, args.subs, args.violations);
        serde_json::to_writer_pretty(&mut out, &docs)
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(out))
            .and_then(|()| out.flush())
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`| head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen-plans: cannot write: {e}");
            ExitCode::FAILURE
        }
    }
}
