//! Tests of the array scanner: every input is also scanned in small pieces.
use super::*;
use crate::source::Sources;

/// A reader that hands out at most `step` bytes per read, so that every
/// place in the input is, somewhere, at the edge of the buffer.
struct Trickle<'a>(&'a [u8], usize);

impl Read for Trickle<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.1.min(out.len()).min(self.0.len());
        out[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

fn all(input: &[u8], step: usize, chunk: usize, max: u64) -> Vec<Item> {
    let mut scanner = ArrayScanner::new(Trickle(input, step), max);
    scanner.chunk = chunk;
    let items: Vec<Item> = std::iter::from_fn(|| scanner.next_item()).collect();
    assert_eq!(scanner.bytes_read(), input.len() as u64);
    items
}

/// (line, column) of `offset` in `fragment`, as reports will say it.
fn place(fragment: &Fragment, offset: usize) -> (usize, usize) {
    let mut sources = Sources::new();
    let id = sources.add_fragment_at(
        "x.json",
        fragment.text.as_str(),
        fragment.first_line,
        fragment.first_column,
    );
    sources.get(id).unwrap().line_col(offset)
}

fn summary(item: &Item) -> String {
    match item {
        Item::Element(e) => {
            let f = &e.fragment;
            format!("#{} {:?} in {f:?} bad {:?}", e.index, e.range, e.not_utf8)
        }
        Item::Broken(b) => format!("{b:?}"),
        Item::Failed(e) => format!("io: {e}"),
    }
}

/// Scans `input` read whole and in pieces of every size (the results must
/// not depend on it), and checks that every element's place, counted in its
/// fragment, is its place in the whole file.
fn scan_max(input: &[u8], max: u64) -> Vec<Item> {
    let items = all(input, usize::MAX, CHUNK, max);
    let expected: Vec<String> = items.iter().map(summary).collect();
    for (step, chunk) in [(1, 1), (1, 3), (5, 7), (64, 64), (3, 4096)] {
        let again: Vec<String> = all(input, step, chunk, max).iter().map(summary).collect();
        assert_eq!(
            again, expected,
            "read {step} bytes at a time, chunks of {chunk}"
        );
    }
    // Where each element is said to be (line, column) holds its text.
    let Ok(whole) = std::str::from_utf8(input) else {
        return items;
    };
    let mut cursor = 0;
    for item in &items {
        if let Item::Element(e) = item
            && e.not_utf8.is_none()
        {
            let text = &e.fragment.text[e.range.clone()];
            let at = offset_of(whole, place(&e.fragment, e.range.start));
            assert!(
                at >= cursor && whole[at..].starts_with(text),
                "{text:?} in {whole:?}"
            );
            cursor = at + text.len();
        }
    }
    items
}

/// The byte offset of a (line, column) of `text`, counted as `Sources` does.
fn offset_of(text: &str, (line, column): (usize, usize)) -> usize {
    let mut sources = Sources::new();
    let id = sources.add("x.json", text);
    let file = sources.get(id).unwrap();
    (0..=text.len())
        .filter(|&i| text.is_char_boundary(i))
        .find(|&i| file.line_col(i) == (line, column))
        .unwrap()
}

fn scan(input: &str) -> Vec<Item> {
    scan_max(input.as_bytes(), u64::MAX)
}

fn elements(items: &[Item]) -> Vec<&str> {
    items
        .iter()
        .filter_map(|i| match i {
            Item::Element(e) => Some(&e.fragment.text[e.range.clone()]),
            _ => None,
        })
        .collect()
}

/// The error that ended a scan: its message, its place (line, column) and
/// the text under its label.
fn broken(items: &[Item]) -> (String, (usize, usize), String) {
    let Some(Item::Broken(b)) = items.last() else {
        panic!(
            "not broken: {:?}",
            items.iter().map(summary).collect::<Vec<_>>()
        )
    };
    let under = &b.window.text[b.error.start as usize..b.error.end as usize];
    let at = place(&b.window, b.error.start as usize);
    (b.error.message.clone(), at, under.to_string())
}

#[test]
fn pretty_arrays_keep_the_lines_around_each_element() {
    let input = "[\n  {\"a\": 1},\n  {\"b\": [1, 2]}\n]\n";
    let items = scan(input);
    assert_eq!(elements(&items), ["{\"a\": 1}", "{\"b\": [1, 2]}"]);
    let Item::Element(first) = &items[0] else {
        panic!()
    };
    assert_eq!(first.fragment.text, "[\n  {\"a\": 1},\n  {\"b\": [1, 2]}");
    assert_eq!(
        (first.fragment.first_line, first.fragment.first_column),
        (0, 0)
    );
    let Item::Element(second) = &items[1] else {
        panic!()
    };
    assert_eq!(second.fragment.text, "  {\"a\": 1},\n  {\"b\": [1, 2]}\n]");
    assert_eq!(second.fragment.first_line, 1);
}

#[test]
fn strings_may_hold_brackets_commas_and_escaped_quotes() {
    let input = r#"[{"a":"x]"},{"b":"\",{[\\"},["]",[2,"\\\""]],"}"]"#;
    let items = scan(input);
    assert_eq!(
        elements(&items),
        [
            r#"{"a":"x]"}"#,
            r#"{"b":"\",{[\\"}"#,
            r#"["]",[2,"\\\""]]"#,
            r#""}""#
        ]
    );
    assert_eq!(items.len(), 4);
}

#[test]
fn scalars_end_at_commas_brackets_and_whitespace() {
    let items = scan("[ 1 , -2.5e3,true,null\t,\"s\" ,[],{} ]");
    assert_eq!(
        elements(&items),
        ["1", "-2.5e3", "true", "null", "\"s\"", "[]", "{}"]
    );
    assert_eq!(items.len(), 7);
    let Item::Element(last) = &items[6] else {
        panic!()
    };
    assert_eq!(last.index, 6);
}

#[test]
fn elements_of_a_long_minified_line_start_at_their_column() {
    let element = r#"{"id":"TR-é","q":[1,2,{"x":"]"}]}"#;
    let input = format!("[{}]", vec![element; 200].join(","));
    let items = scan(&input);
    assert_eq!(elements(&items), vec![element; 200]);
    let Item::Element(last) = &items[199] else {
        panic!()
    };
    // Not the whole line: the element, at its column.
    assert_eq!(last.fragment.text, format!("{element}]"));
    assert_eq!(
        last.fragment.first_column,
        1 + 199 * (element.chars().count() + 1)
    );
}

#[test]
fn crlf_lone_cr_and_a_byte_order_mark() {
    let items = scan("\u{feff}[\r\n  {\"a\": 1},\r\n\r  {\"b\": 2}\r\n]\r\n");
    assert_eq!(elements(&items), ["{\"a\": 1}", "{\"b\": 2}"]);
    let items = scan("\u{feff}[{\"a\": \"é\"}, 2]");
    assert_eq!(elements(&items), ["{\"a\": \"é\"}", "2"]);
    // A fragment of the first line keeps the mark, which is no column.
    let Item::Element(first) = &items[0] else {
        panic!()
    };
    assert!(first.fragment.text.starts_with('\u{feff}'));
    assert_eq!(place(&first.fragment, first.range.start), (1, 2));
}

#[test]
fn empty_arrays_have_no_elements() {
    for input in ["[]", " [ \n ] \n", "\u{feff}[]"] {
        assert!(scan(input).is_empty(), "{input:?}");
    }
}

#[test]
fn a_missing_comma_stops_after_the_elements_before_it() {
    let items = scan("[\n  {\"a\": 1}\n  {\"b\": 2}\n]");
    assert_eq!(elements(&items), ["{\"a\": 1}"]);
    let (message, at, under) = broken(&items);
    assert_eq!(
        message,
        "expected `,` or `]` after an array element, found `{`"
    );
    assert_eq!((at, under.as_str()), ((3, 3), "{"));
    let Some(Item::Broken(b)) = items.last() else {
        panic!()
    };
    assert_eq!(b.error.label.as_deref(), Some("not read from here on"));
    // The window shows the line before and the line after.
    assert_eq!(b.window.text, "  {\"a\": 1}\n  {\"b\": 2}\n]");
}

#[test]
fn structural_errors_in_the_json_parsers_words() {
    let cases: &[(&str, &str, (usize, usize), &str)] = &[
        ("[1,2,]", "trailing comma before `]`", (1, 5), ","),
        ("[1,\n  2,\n]", "trailing comma before `]`", (2, 4), ","),
        (
            "[1] x",
            "trailing characters after the JSON value",
            (1, 5),
            "x",
        ),
        (
            "[1]\n// note\n",
            "comments are not allowed in JSON",
            (2, 1),
            "// note",
        ),
        (
            "[1, /* c */ 2]",
            "comments are not allowed in JSON",
            (1, 5),
            "/* c */",
        ),
        ("[,1]", "expected a value, found `,`", (1, 2), ","),
        ("[1,}", "expected a value, found `}`", (1, 4), "}"),
        (
            "[1 \u{1}]",
            "expected `,` or `]` after an array element, found the character U+0001",
            (1, 4),
            "\u{1}",
        ),
        (
            "[1 é]",
            "expected `,` or `]` after an array element, found `é`",
            (1, 4),
            "é",
        ),
        (
            "[1, 2",
            "unexpected end of the file: expected `]`",
            (1, 6),
            "",
        ),
        (
            "[1,\n",
            "unexpected end of the file: expected a value",
            (2, 1),
            "",
        ),
        (
            "[",
            "unexpected end of the file: expected a value",
            (1, 2),
            "",
        ),
        (
            "[1] [2]",
            "trailing characters after the JSON value",
            (1, 5),
            "[",
        ),
    ];
    for (input, message, at, under) in cases {
        let items = scan(input);
        assert_eq!(
            broken(&items),
            (message.to_string(), *at, under.to_string()),
            "{input:?}"
        );
    }
    // Nothing after an error.
    let items = scan("[1 2, 3]");
    assert_eq!(elements(&items), ["1"]);
    assert_eq!(items.len(), 2);
}

#[test]
fn an_array_not_closed_points_at_its_bracket() {
    let items = scan("[1,\n  2");
    let Some(Item::Broken(b)) = items.last() else {
        panic!()
    };
    let (start, end, label) = b.error.other.clone().unwrap();
    assert_eq!(label, "this array is not closed");
    assert!(b.open.is_none());
    assert_eq!(&b.window.text[start as usize..end as usize], "[");
    // Far from the end, the bracket's line comes as a fragment of its own.
    let long = format!("  [{}", "1, ".repeat(2000));
    let items = scan(&long);
    let Some(Item::Broken(b)) = items.last() else {
        panic!()
    };
    let open = b.open.as_ref().unwrap();
    let (start, _, _) = b.error.other.clone().unwrap();
    assert_eq!(place(open, start as usize), (1, 3));
    assert!(open.text.len() <= 2 * WINDOW + 1);
    assert_eq!(
        place(&b.window, b.error.start as usize),
        (1, long.len() + 1)
    );
}

#[test]
fn an_element_cut_short_by_the_end_of_the_file_goes_to_the_parser() {
    let items = scan("[{\"a\": 1}, {\"b\": [1, ");
    assert_eq!(elements(&items), ["{\"a\": 1}", "{\"b\": [1, "]);
    assert_eq!(items.len(), 2);
    let items = scan("[\"abc");
    assert_eq!(elements(&items), ["\"abc"]);
}

#[test]
fn an_element_that_is_not_utf8_does_not_stop_the_others() {
    let items = scan_max(b"[{\"a\": \"\xff\"},\n {\"b\": 2}]", u64::MAX);
    assert_eq!(items.len(), 2);
    let Item::Element(first) = &items[0] else {
        panic!()
    };
    assert_eq!(first.not_utf8, Some(8));
    assert_eq!(&first.fragment.text[8..11], "\u{fffd}");
    assert_eq!(elements(&items[1..]), ["{\"b\": 2}"]);
    // Between elements, it is a structural error.
    let items = scan_max(b"[1 \xff]", u64::MAX);
    let (message, _, _) = broken(&items);
    assert!(
        message.ends_with("found a byte that is not UTF-8"),
        "{message}"
    );
}

#[test]
fn a_line_break_in_a_string_keeps_only_the_beginning_of_the_element() {
    // A string over two lines (invalid): the element is kept up to the
    // end of the next line at most, the elements after it are read.
    let items = scan("[\n {\"a\": \"x\ny\"},\n {\"b\": 2}\n]");
    assert_eq!(items.len(), 2);
    let Item::Element(first) = &items[0] else {
        panic!()
    };
    assert_eq!(
        &first.fragment.text[first.range.clone()],
        "{\"a\": \"x\ny\"}"
    );
    assert_eq!(elements(&items[1..]), ["{\"b\": 2}"]);
    // A string never closed: the rest of the file is scanned, not kept.
    let mut input = String::from("[{\"name\": \"Northwind\n");
    for _ in 0..20_000 {
        input.push_str("  }, {\"name\": \"x\", \"q\": 1},\n");
    }
    input.push(']');
    let items = all(input.as_bytes(), usize::MAX, 4096, u64::MAX);
    let Some(Item::Element(first)) = items.first() else {
        panic!()
    };
    assert!(
        first.fragment.text.len() < 3 * WINDOW,
        "{}",
        first.fragment.text.len()
    );
    assert!(first.fragment.text.contains("Northwind\n"));
}

#[test]
fn an_element_longer_than_the_limit_stops_the_reading() {
    let items = scan_max(b"[1, \"abcdefghijklmnop\", 2]", 10);
    assert_eq!(elements(&items), ["1"]);
    let Some(Item::Broken(b)) = items.last() else {
        panic!()
    };
    assert_eq!(b.too_long, Some(1));
    assert_eq!(place(&b.window, b.error.start as usize), (1, 5));
    assert_eq!(items.len(), 2);
    // Exactly the limit is allowed.
    let items = scan_max(b"[\"abcdefgh\"]", 10);
    assert_eq!(elements(&items), ["\"abcdefgh\""]);
}

#[test]
fn mutated_arrays_never_panic_and_read_alike_in_any_pieces() {
    let sample = "\u{feff}[\n  {\"a\": [1, \"x]\\\"\"], \"é\": null},\r\n  2, \"s\" ,\n  {}\n]\n";
    let long = format!("[{}]", [r#"{"k": "vé\\\"]", "n": [1, {}]}"#; 30].join(", "));
    let alphabet = b"[]{},:\"\\ \n\r\t0aefl/*\xff\xc3";
    let mut seed = 0x2545_f491_u64;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    for _ in 0..300 {
        // Half the time a line longer than `MAX_CONTEXT`.
        let mut bytes = match next(2) {
            0 => sample.as_bytes().to_vec(),
            _ => long.as_bytes().to_vec(),
        };
        for _ in 0..1 + next(3) {
            let at = next(bytes.len());
            match next(3) {
                0 => bytes[at] = alphabet[next(alphabet.len())],
                1 => drop(bytes.drain(at..(at + 1 + next(4)).min(bytes.len()))),
                _ => bytes.insert(at, alphabet[next(alphabet.len())]),
            }
        }
        // Same results in any pieces, places right (see `scan_max`).
        scan_max(&bytes, 64);
    }
}

#[test]
fn sniffing_reads_up_to_the_first_character() {
    let (head, array) = sniff(&mut Trickle(b"\xEF\xBB\xBF \n [1]", 1)).unwrap();
    assert_eq!((head.as_slice(), array), (&b"\xEF\xBB\xBF \n ["[..], true));
    let (_, array) = sniff(&mut &b"  {\"a\": 1}"[..]).unwrap();
    assert!(!array);
    let (head, array) = sniff(&mut &b" \n "[..]).unwrap();
    assert_eq!((head.len(), array), (3, false));
    assert_eq!(starts_array(b"\xFF\xFE[\0"), Some(false));
    assert_eq!(starts_array(b"  "), None);
}

#[test]
fn structural_errors_have_the_kind_and_help_of_the_parsers() {
    let error = |input: &str| {
        let Some(Item::Broken(b)) = scan(input).pop() else {
            panic!("{input:?} not broken")
        };
        b.error
    };
    let e = error("[1 2]");
    assert_eq!(e.kind, LoadErrorKind::MissingComma);
    assert_eq!(
        e.help.as_deref(),
        Some("is a comma missing at the end of the previous value?")
    );
    let e = error("[1}");
    assert_eq!(e.kind, LoadErrorKind::WrongClosingBracket);
    assert!(e.help.unwrap().contains("wrong kind"));
    let e = error("[1 // x\n]");
    assert_eq!((e.kind, e.label), (LoadErrorKind::Comment, None));
    assert_eq!(error("[1, 2").kind, LoadErrorKind::UnexpectedEnd);
    assert_eq!(error("[1,]").kind, LoadErrorKind::TrailingComma);
    assert_eq!(error("[1] 2").kind, LoadErrorKind::TrailingCharacters);
    assert_eq!(error("[,1]").kind, LoadErrorKind::Syntax);
    let Some(Item::Broken(b)) = scan_max(b"[1, 22]", 1).pop() else {
        panic!()
    };
    assert_eq!(b.error.kind, LoadErrorKind::Limit);
}
