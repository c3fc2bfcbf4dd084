//! End to end: the `preflight` binary checking generated JSON Lines files of
//! 10k, 100k and 1M subscriptions, against a baseline of `serde_json` parsing
//! the same file in this process; and the binary on the small example plan
//! (the start-up cost a pipeline sees).
//!
//! Setup (not timed): the release binary is built with cargo (`cargo build
//! --release -p preflight`, a no-op when it is up to date), the plan files are
//! generated once into `target/end-to-end/` (1,000, 10,000 and 100,000
//! transfers × 10 subscriptions, seed 1, 5% planted violations; about 3 MB,
//! 30 MB and 300 MB) and kept for later runs. Before timing, each preflight run
//! is made once while its peak memory (`VmHWM` of `/proc/PID/status`, Linux) is
//! sampled, and the results are printed: criterion times, it does not weigh.
//!
//! - `end-to-end/serde_json/N`: read the file line by line and parse each line
//!   into a `serde_json::Value` (what any tool reading the file pays);
//! - `end-to-end/preflight-1-thread/N`, `end-to-end/preflight-2-threads/N`:
//!   `preflight check --today 2026-03-01 -f json -j T FILE`, output to
//!   /dev/null: process start, the embedded pack, reading, conforming,
//!   evaluating the 19 rules and writing the JSON report;
//! - `end-to-end/small-example`: `preflight check -f json
//!   examples/csp/failing-plan.yaml` (default threads), process start to exit.
//!
//! Throughput is in subscriptions. Run: `cargo bench -p preflight-benches
//! --bench end_to_end` (about ten minutes; see benches/README.md).

use std::io::{BufRead, BufReader, BufWriter, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

const SEED: u64 = 1;
const SUBS: usize = 10;
const VIOLATIONS: f64 = 0.05;
const TODAY: &str = "2026-03-01";
/// Transfers per file: 10k, 100k and 1M subscriptions.
const SIZES: [usize; 3] = [1_000, 10_000, 100_000];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the bench crate sits in the workspace")
        .to_path_buf()
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target"))
}

/// The release `preflight` binary, built now if it is out of date.
fn binary() -> PathBuf {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args([
            "build",
            "--release",
            "-p",
            "preflight",
            "--bin",
            "preflight",
        ])
        .current_dir(workspace())
        .status()
        .expect("cargo runs");
    assert!(status.success(), "building the preflight binary failed");
    target_dir().join("release").join("preflight")
}

/// The plan file of `transfers` transfers, generated unless it is there.
fn plans(transfers: usize) -> PathBuf {
    let dir = target_dir().join("end-to-end");
    std::fs::create_dir_all(&dir).expect("target directory is writable");
    let path = dir.join(format!(
        "plans-seed{SEED}-{transfers}x{SUBS}-{VIOLATIONS}.jsonl"
    ));
    if !path.exists() {
        let partial = path.with_extension("partial");
        let file = std::fs::File::create(&partial).expect("plan file can be created");
        let mut out = BufWriter::new(file);
        preflight_benches::write_jsonl(&mut out, SEED, transfers, SUBS, VIOLATIONS)
            .and_then(|()| out.flush())
            .expect("plan file can be written");
        std::fs::rename(&partial, &path).expect("plan file can be renamed");
    }
    path
}

/// `preflight check` on `input`, with `-j jobs` when given (else one thread
/// per core, the default).
fn check_command(bin: &Path, jobs: Option<&str>, input: &Path) -> Command {
    let mut cmd = Command::new(bin);
    cmd.args(["check", "--today", TODAY, "-f", "json"]);
    if let Some(jobs) = jobs {
        cmd.args(["-j", jobs]);
    }
    cmd.arg(input).stdout(Stdio::null()).stderr(Stdio::null());
    cmd
}

/// Runs the command to its end; its exit code and its peak resident memory in
/// bytes, sampled every few milliseconds (`None` where /proc is not there).
fn run_measured(mut cmd: Command) -> (Option<i32>, Option<u64>) {
    let mut child = cmd.spawn().expect("preflight starts");
    let status = format!("/proc/{}/status", child.id());
    let mut peak = None;
    loop {
        if let Ok(text) = std::fs::read_to_string(&status) {
            let hwm = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok());
            if let Some(kb) = hwm {
                peak = Some(peak.unwrap_or(0).max(kb * 1024));
            }
        }
        if let Some(exit) = child.try_wait().expect("preflight can be waited for") {
            return (exit.code(), peak);
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// What a line-by-line serde_json parse of the file finds: the number of
/// documents.
fn serde_json_parse(path: &Path) -> usize {
    let file = std::fs::File::open(path).expect("plan file opens");
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut line = Vec::new();
    let mut documents = 0;
    loop {
        line.clear();
        if reader
            .read_until(b'\n', &mut line)
            .expect("plan file reads")
            == 0
        {
            return documents;
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let value: serde_json::Value = serde_json::from_slice(&line).expect("generated JSON");
        documents += usize::from(value.is_object());
    }
}

fn end_to_end(c: &mut Criterion) {
    let bin = binary();
    let files: Vec<(usize, PathBuf)> = SIZES.iter().map(|&t| (t, plans(t))).collect();
    let example = workspace().join("examples/csp/failing-plan.yaml");

    // Peak memory, and the verdict every timed run must reach: findings (exit 1).
    eprintln!("end-to-end: peak resident memory of `preflight check -f json`");
    for (transfers, path) in &files {
        for jobs in ["1", "2"] {
            let (code, peak) = run_measured(check_command(&bin, Some(jobs), path));
            assert_eq!(code, Some(1), "{}: findings expected", path.display());
            let mb = peak.map_or("n/a".to_string(), |b| {
                format!("{:.1} MB", b as f64 / 1_000_000.0)
            });
            eprintln!("  {:>9} subscriptions, -j {jobs}: {mb}", transfers * SUBS);
        }
    }
    let (code, peak) = run_measured(check_command(&bin, None, &example));
    assert_eq!(code, Some(1));
    eprintln!(
        "  small example: {}",
        peak.map_or("n/a".to_string(), |b| format!(
            "{:.1} MB",
            b as f64 / 1_000_000.0
        ))
    );

    let mut group = c.benchmark_group("end-to-end");
    group.sample_size(10);
    for (transfers, path) in &files {
        let subs = transfers * SUBS;
        let label = match subs {
            n if n >= 1_000_000 => format!("{}M", n / 1_000_000),
            n => format!("{}k", n / 1_000),
        };
        group.throughput(Throughput::Elements(subs as u64));
        group.measurement_time(Duration::from_secs(match subs {
            n if n >= 1_000_000 => 60,
            n if n >= 100_000 => 20,
            _ => 5,
        }));
        group.bench_with_input(BenchmarkId::new("serde_json", &label), path, |b, path| {
            b.iter(|| assert_eq!(serde_json_parse(path), *transfers));
        });
        for (name, jobs) in [("preflight-1-thread", "1"), ("preflight-2-threads", "2")] {
            group.bench_with_input(BenchmarkId::new(name, &label), path, |b, path| {
                b.iter(|| {
                    let status = check_command(&bin, Some(jobs), path)
                        .status()
                        .expect("runs");
                    assert_eq!(status.code(), Some(1));
                });
            });
        }
    }
    group.throughput(Throughput::Elements(1));
    group.measurement_time(Duration::from_secs(5));
    group.sample_size(50);
    group.bench_function("small-example", |b| {
        b.iter(|| {
            let status = check_command(&bin, None, &example).status().expect("runs");
            assert_eq!(status.code(), Some(1));
        });
    });
    group.finish();
}

criterion_group!(benches, end_to_end);
criterion_main!(benches);
