//! The change-board report, `check -f html` and `-f markdown`: snapshots of
//! a small run, the decision of the bundled examples, the file's
//! self-containment, and plans and waivers whose values try to write markup
//! into either form. The report in a real browser is `tests/browser.rs`.
//! Accept snapshot changes with `INSTA_UPDATE=always cargo test --test board`,
//! after reviewing the diff.

mod common;

use common::{preflight, text};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

const FAILING: &str = "examples/csp/failing-plan.yaml";
const CLEAN: &str = "examples/csp/clean-plan.yaml";
const HOSTILE: &str = "tests/board/hostile-plan.yaml";
const HOSTILE_WAIVERS: &str = "tests/board/hostile-waivers.yaml";

/// The report of `check ARGS -f FORM --today 2026-03-01`, and its exit code.
fn report(form: &str, args: &[&str]) -> (String, i32) {
    let mut all = vec!["check", "-f", form, "--today", "2026-03-01"];
    all.extend_from_slice(args);
    let out = preflight(&all);
    (text(&out.stdout), out.status.code().unwrap_or(-1))
}

/// The report with the embedded pack's digest hidden: it changes with every
/// edit of the pack, which other tests pin.
fn redacted(report: &str) -> String {
    let re = regex::Regex::new("sha256:[0-9a-f]{64}").expect("a valid pattern");
    re.replace_all(report, "sha256:<pack digest>").into_owned()
}

#[test]
fn html_of_the_failing_example() {
    let (html, code) = report("html", &[FAILING]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("html_failing_example", redacted(&html));
}

#[test]
fn markdown_of_the_failing_example() {
    let (md, code) = report("markdown", &[FAILING]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("markdown_failing_example", redacted(&md));
}

#[test]
fn the_decision_follows_the_exit_code() {
    let (html, code) = report("html", &[FAILING]);
    assert_eq!(code, 1);
    assert!(
        html.contains(
            r#"<div id="decision" class="decision no-go"><span class="word">NO GO</span>"#
        )
    );
    let (html, code) = report("html", &[CLEAN]);
    assert_eq!(code, 0);
    assert!(
        html.contains(r#"<div id="decision" class="decision go"><span class="word">GO</span>"#)
    );
    let (md, _) = report("markdown", &[CLEAN]);
    assert!(md.starts_with("# preflight check report: GO\n"), "{md}");
    // A file that does not parse: the run cannot vouch for anything.
    let dir = std::env::temp_dir().join(format!("preflight-board-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let broken = dir.join("broken.yaml");
    std::fs::write(&broken, "id: [unclosed\n").expect("a temporary file");
    let broken = broken.to_string_lossy().into_owned();
    let (html, code) = report("html", &[CLEAN, &broken]);
    assert_eq!(code, 2);
    assert!(html.contains(r#"class="decision cannot-tell"><span class="word">CANNOT TELL</span>"#));
    assert!(html.contains(r#"<section id="problems""#));
    let (md, _) = report("markdown", &[CLEAN, &broken]);
    assert!(
        md.starts_with("# preflight check report: CANNOT TELL\n"),
        "{md}"
    );
    assert!(md.contains("## Problems of the run"), "{md}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn documents_are_named_by_the_packs_title() {
    let (md, _) = report("markdown", &[FAILING]);
    assert!(
        md.contains("### TR-2026-0518: Contoso Pharma S.A. to Litware Inc.\n\n`examples/csp/failing-plan.yaml`, 6 finding(s)\n"),
        "{md}"
    );
    let (html, _) = report(
        "html",
        &[
            "-p",
            "builtin:csp-nce",
            "--param",
            "partner_country=US",
            "examples/csp-nce/unchanged-terms",
        ],
    );
    assert!(
        html.contains(r#"<h3 class="doc-head">Harrow &amp; Vale Architects LLP: from Blue Heron Cloud Services to Lakeshore IT Solutions <span class="file">examples/csp-nce/unchanged-terms</span>"#),
        "{html}"
    );
}

#[test]
fn the_html_is_self_contained_and_streams_its_summary_last() {
    let (html, _) = report("html", &[FAILING]);
    for outside in ["http:", "https:", "<link", " src=", "@import", "url("] {
        assert!(
            !html.contains(outside),
            "the report refers outside itself: {outside}"
        );
    }
    assert_eq!(html.matches("<script>").count(), 1, "one inline script");
    assert_eq!(html.matches("<style>").count(), 1, "one inline stylesheet");
    // Findings are written as documents are checked; the decision and the
    // summary, known only at the end, come last in the file.
    let findings = html
        .find("<section class=\"doc\"")
        .expect("a document's rows");
    let summary = html.find("<header id=\"summary\"").expect("the summary");
    assert!(findings < summary);
    assert!(html.contains("<svg class=\"chart\""));
    assert_eq!(html.matches("<tr class=\"finding ").count(), 6);
    assert_eq!(html.matches("<figure class=\"snippet\">").count(), 10);
}

/// Fragments of the hostile plan and waivers that would be markup if they
/// reached the HTML unescaped.
const RAW_HTML: &[&str] = &[
    "<script>document",
    "<img",
    "</table><h1",
    "<h1 id=\"injected\"",
    "<!--",
];

#[test]
fn hostile_values_are_text_in_the_html() {
    let (html, code) = report("html", &[HOSTILE, "--waivers", HOSTILE_WAIVERS]);
    // Both findings: one waived, one not.
    assert_eq!(code, 1, "{html}");
    for raw in RAW_HTML {
        assert!(!html.contains(raw), "unescaped in the HTML: {raw}");
    }
    assert_eq!(
        html.matches("<script").count(),
        1,
        "only the report's own script"
    );
    // The values are there, as text: escaped for an attribute (quotes too)
    // or for an element's content (`&`, `<` and `>`).
    for raw in [
        "<script>document.title='pwned'</script> & Co",
        "\"><img src=x onerror=\"document.title='pwned'\">",
        "</td></tr></table><h1 id=\"injected\">",
        // The waiver's own words.
        "</td><h1 id=\"injected\">x</h1> `code`",
    ] {
        let content = raw
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        let attribute = raw
            .replace('&', "&#38;")
            .replace('<', "&#60;")
            .replace('>', "&#62;")
            .replace('"', "&#34;")
            .replace('\'', "&#39;");
        assert!(
            html.contains(&content) || html.contains(&attribute),
            "missing, escaped: {content}"
        );
    }
    assert_eq!(html.matches("<tr class=\"finding ").count(), 2);
}

#[test]
fn hostile_values_are_text_in_the_markdown() {
    let (md, code) = report("markdown", &[HOSTILE, "--waivers", HOSTILE_WAIVERS]);
    assert_eq!(code, 1, "{md}");
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options.insert(Options::ENABLE_MATH);
    options.insert(Options::ENABLE_GFM);
    let mut texts = String::new();
    let mut cells_per_row: Vec<usize> = Vec::new();
    let mut in_waiver_table = false;
    for event in Parser::new_ext(&md, options) {
        match event {
            Event::Html(h) | Event::InlineHtml(h) => {
                // Only the report's own collapsible list of inputs.
                let h = h.trim();
                assert!(
                    h.starts_with("<details><summary>") || h == "</details>" || h == "</summary>",
                    "HTML from the input: {h:?}"
                );
            }
            Event::Start(Tag::Link { dest_url, .. })
            | Event::Start(Tag::Image { dest_url, .. }) => {
                panic!("a link from the input: {dest_url}");
            }
            Event::InlineMath(m) | Event::DisplayMath(m) => panic!("math from the input: {m}"),
            Event::Start(Tag::Emphasis) | Event::Start(Tag::Strikethrough) => {
                panic!("emphasis from the input");
            }
            Event::Start(Tag::Heading { .. }) => texts.push('\n'),
            Event::Text(t) | Event::Code(t) => {
                if t.contains("Waiver") {
                    in_waiver_table = true;
                }
                texts.push_str(&t);
            }
            Event::Start(Tag::TableRow) | Event::Start(Tag::TableHead) if in_waiver_table => {
                cells_per_row.push(0);
            }
            Event::Start(Tag::TableCell) if in_waiver_table => {
                if let Some(n) = cells_per_row.last_mut() {
                    *n += 1;
                }
            }
            Event::End(TagEnd::Table) => in_waiver_table = false,
            _ => {}
        }
    }
    // What the input said, as text.
    for value in [
        "<script>document.title='pwned'</script> & Co",
        "\"><img src=x onerror=\"document.title='pwned'\">",
        "</td></tr></table><h1 id=\"injected\">x</h1> | a | b | [link](https://evil.example) ![i](https://evil.example/i.png) ``` @someone #1 $x$ *e* <!--",
        "<script>document.title='pwned'</script> | cell | [link](https://evil.example)",
    ] {
        assert!(
            texts.contains(value),
            "not shown as text: {value}\n---\n{texts}"
        );
    }
    // The waiver table keeps its eight columns: no pipe from a value split a cell.
    assert!(!cells_per_row.is_empty(), "the waiver table");
    assert!(cells_per_row.iter().all(|n| *n == 8), "{cells_per_row:?}");
}
