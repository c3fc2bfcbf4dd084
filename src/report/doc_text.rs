//! A rule's doc comment as other tools show it: its first sentence (a short
//! description) and its paragraphs reflowed (viewers wrap text themselves).
//! Kept apart from any one form so that every form that shows a rule's doc
//! words it alike.

/// The first sentence of a doc comment's first paragraph, its lines joined: a
/// word ending with a period and followed by a capital letter ends it (not
/// `e.g.` or `i.e.`).
pub fn first_sentence(doc: &str) -> String {
    let paragraph = doc
        .split("\n\n")
        .next()
        .unwrap_or(doc)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let mut end = 0;
    for word in paragraph.split(' ') {
        end += word.len();
        let next = paragraph
            .get(end + 1..)
            .and_then(|rest| rest.chars().next());
        // `e.g.` and `i.e.` hold a period before their last one.
        let abbreviation = word.trim_end_matches('.').contains('.');
        if word.ends_with('.') && !abbreviation && next.is_some_and(char::is_uppercase) {
            return paragraph.get(..end).unwrap_or(&paragraph).to_string();
        }
        end += 1;
    }
    paragraph
}

/// A doc comment with the lines of each paragraph joined, since viewers wrap
/// text themselves; blank lines, and lines that start a list item or are
/// indented, are kept.
pub fn reflow(doc: &str) -> String {
    let mut out = String::with_capacity(doc.len());
    let mut previous_blank = true;
    for line in doc.lines() {
        let blank = line.trim().is_empty();
        let item = line.starts_with(char::is_whitespace)
            || ["- ", "* ", "+ "].iter().any(|m| line.starts_with(m))
            || line
                .split_once(". ")
                .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
        if !out.is_empty() {
            out.push(if blank || previous_blank || item {
                '\n'
            } else {
                ' '
            });
        }
        out.push_str(if blank { "" } else { line });
        previous_blank = blank;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_short_description_is_the_first_sentence() {
        assert_eq!(
            first_sentence("A partner can only resell in its region. A\npartner from elsewhere."),
            "A partner can only resell in its region."
        );
        assert_eq!(
            first_sentence("Offers, e.g. Office 365 E3, must\nbe sold\n\nMore."),
            "Offers, e.g. Office 365 E3, must be sold"
        );
    }

    #[test]
    fn full_descriptions_are_reflowed() {
        assert_eq!(
            reflow("One\nparagraph.\n\nA list:\n- a\n- b\n  more\n2. c\nd"),
            "One paragraph.\n\nA list:\n- a\n- b\n  more\n2. c d"
        );
    }
}
