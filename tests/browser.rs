//! The change-board report in a real browser: headless Chromium opens the
//! HTML of the bundled examples from disk (no server, no network), and the
//! test reads the DOM it dumps after the page's script has run: the decision,
//! the counts, the filters (preselected through the query string, as a user's
//! link would), and that a hostile plan ran no script of its own. It also
//! takes a screenshot and prints the page to PDF, kept under
//! `target/tmp/board/` as artifacts; with `PREFLIGHT_UPDATE_SCREENSHOT=1` the
//! screenshot also replaces `docs/report-failing-plan.png`, the README's.
//!
//! Without Chromium the tests say so and pass, unless
//! `PREFLIGHT_REQUIRE_BROWSER` is set (CI sets it, after installing Debian's
//! `chromium`). `PREFLIGHT_CHROMIUM` names another Chrome or Chromium binary.

mod common;

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::{preflight, text};

/// The browser to use, or `None` (then the test is skipped, or fails when
/// CI requires a browser).
fn browser() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("PREFLIGHT_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let names = [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ];
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file());
    if found.is_none() {
        assert!(
            std::env::var_os("PREFLIGHT_REQUIRE_BROWSER").is_none(),
            "PREFLIGHT_REQUIRE_BROWSER is set, but no Chromium was found on PATH \
             (install Debian's `chromium`, or set PREFLIGHT_CHROMIUM)"
        );
        eprintln!(
            "skipped: no Chromium on PATH (install Debian's `chromium`, or set \
             PREFLIGHT_CHROMIUM to a Chrome or Chromium binary)"
        );
    }
    found
}

/// Where this test keeps its reports and artifacts.
fn workdir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("board");
    std::fs::create_dir_all(&dir).expect("the artifacts directory");
    dir
}

/// Writes the HTML report of `check ARGS` to `name`.html in the work
/// directory and returns its path.
fn write_report(name: &str, args: &[&str]) -> PathBuf {
    let mut all = vec!["check", "-f", "html", "--today", "2026-03-01"];
    all.extend_from_slice(args);
    let out = preflight(&all);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        text(&out.stderr)
    );
    let path = workdir().join(format!("{name}.html"));
    std::fs::write(&path, &out.stdout).expect("the report is written");
    path
}

/// `file://` URL of a file, with a query string.
fn url(path: &Path, query: &str) -> String {
    let absolute = std::fs::canonicalize(path).expect("the report exists");
    format!("file://{}{query}", absolute.display())
}

/// Runs headless Chromium with `args` and returns what it printed on
/// standard output; gives up after two minutes.
fn chromium(browser: &Path, args: &[String]) -> String {
    // A profile of its own for every start: Chromium refuses to share one
    // between processes, and the tests run in parallel.
    static STARTS: AtomicUsize = AtomicUsize::new(0);
    let n = STARTS.fetch_add(1, Ordering::Relaxed);
    let profile = workdir().join(format!("profile-{}-{n}", std::process::id()));
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("Chromium starts");
    let mut stdout = child.stdout.take().expect("piped");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let start = Instant::now();
    loop {
        if child.try_wait().expect("Chromium runs").is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("Chromium did not finish within two minutes: {args:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = std::fs::remove_dir_all(&profile);
    reader.join().expect("the reader thread")
}

/// The DOM of the page at `url` once its script has run.
fn dom(browser: &Path, url: &str) -> String {
    let dom = chromium(
        browser,
        &[
            "--virtual-time-budget=10000".to_string(),
            "--dump-dom".to_string(),
            url.to_string(),
        ],
    );
    assert!(dom.contains("</html>"), "no DOM from Chromium: {dom}");
    dom
}

/// How many finding rows the page hides.
fn hidden_findings(dom: &str) -> usize {
    dom.split("<tr class=\"finding ")
        .skip(1)
        .filter(|row| {
            row.split('>')
                .next()
                .is_some_and(|tag| tag.contains(" hidden=\"\""))
        })
        .count()
}

#[test]
fn the_failing_example_shows_no_go_and_filters_without_a_server() {
    let Some(browser) = browser() else { return };
    let report = write_report("failing-plan", &["examples/csp/failing-plan.yaml"]);

    let page = dom(&browser, &url(&report, ""));
    assert!(
        page.contains(
            r#"<div id="decision" class="decision no-go"><span class="word">NO GO</span>"#
        ),
        "{page}"
    );
    assert!(page.contains(r#"<li id="count-findings"><b>6</b>"#));
    assert!(page.contains(r#"<li id="count-error"><b>4</b>"#));
    assert!(page.contains(r#"<li id="count-warning"><b>2</b>"#));
    // The script ran: the filters are shown and count the findings.
    assert!(
        page.contains(r#"<form id="filters" class="filters">"#),
        "{page}"
    );
    assert!(page.contains(r#"<output id="filter-count">6 of 6 findings shown</output>"#));
    assert_eq!(hidden_findings(&page), 0);
    assert_eq!(page.matches("<figure class=\"snippet\">").count(), 10);

    let one_rule = dom(&browser, &url(&report, "?rule=license-count"));
    assert!(one_rule.contains(r#"<output id="filter-count">1 of 6 findings shown</output>"#));
    assert_eq!(hidden_findings(&one_rule), 5);

    let warnings = dom(&browser, &url(&report, "?severity=warning"));
    assert!(warnings.contains(r#"<output id="filter-count">2 of 6 findings shown</output>"#));

    let no_document = dom(&browser, &url(&report, "?document=no-such-plan"));
    assert!(no_document.contains(r#"<output id="filter-count">0 of 6 findings shown</output>"#));
    let body = no_document
        .split("<section class=\"doc\"")
        .nth(1)
        .and_then(|rest| rest.split('>').next())
        .unwrap_or_default();
    assert!(
        body.contains(" hidden=\"\""),
        "the document is not hidden: {body}"
    );
    // The document filter reads the title too.
    let by_customer = dom(&browser, &url(&report, "?document=contoso"));
    assert!(by_customer.contains(r#"<output id="filter-count">6 of 6 findings shown</output>"#));

    // The screenshot and the printed page, kept as artifacts.
    let png = workdir().join("failing-plan.png");
    let _ = std::fs::remove_file(&png);
    chromium(
        &browser,
        &[
            "--window-size=1280,1500".to_string(),
            format!("--screenshot={}", png.display()),
            url(&report, ""),
        ],
    );
    let bytes = std::fs::read(&png).expect("Chromium wrote the screenshot");
    assert!(bytes.starts_with(b"\x89PNG"), "a PNG");
    let pdf = workdir().join("failing-plan.pdf");
    let _ = std::fs::remove_file(&pdf);
    chromium(
        &browser,
        &[
            "--no-pdf-header-footer".to_string(),
            format!("--print-to-pdf={}", pdf.display()),
            url(&report, ""),
        ],
    );
    let printed = std::fs::read(&pdf).expect("Chromium printed the page");
    assert!(printed.starts_with(b"%PDF"), "a PDF");
    eprintln!("artifacts: {} and {}", png.display(), pdf.display());
    if std::env::var_os("PREFLIGHT_UPDATE_SCREENSHOT").is_some() {
        std::fs::copy(&png, "docs/report-failing-plan.png").expect("the README's screenshot");
    }
}

#[test]
fn the_clean_example_shows_go() {
    let Some(browser) = browser() else { return };
    let report = write_report("clean-plan", &["examples/csp/clean-plan.yaml"]);
    let page = dom(&browser, &url(&report, ""));
    assert!(
        page.contains(r#"<div id="decision" class="decision go"><span class="word">GO</span>"#),
        "{page}"
    );
    assert!(page.contains(r#"<li id="count-findings"><b>0</b>"#));
    assert!(page.contains(r#"<output id="filter-count">0 of 0 findings shown</output>"#));
}

#[test]
fn a_hostile_plan_runs_no_script_and_adds_no_element() {
    let Some(browser) = browser() else { return };
    let report = write_report(
        "hostile-plan",
        &[
            "tests/board/hostile-plan.yaml",
            "--waivers",
            "tests/board/hostile-waivers.yaml",
        ],
    );
    let page = dom(&browser, &url(&report, ""));
    // Its values would set the title, add an image and a heading.
    assert!(
        page.contains("<title>preflight check report</title>"),
        "{page}"
    );
    assert!(!page.contains("pwned</title>"));
    assert!(!page.contains("<img"), "an image from the plan");
    assert!(
        !page.contains("<h1 id=\"injected\""),
        "an element from the plan"
    );
    assert!(page.contains(r#"<output id="filter-count">2 of 2 findings shown</output>"#));
    // The values are on the page, as text.
    assert!(page.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt; &amp; Co"));
}
