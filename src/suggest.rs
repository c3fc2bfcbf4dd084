//! "Did you mean …?" suggestions, in one place so every diagnostic suggests alike.

/// The candidate closest to `name`, if one is close enough to be a likely typo.
///
/// Uses normalized Damerau–Levenshtein similarity (a swap of two letters is one
/// edit) with a case-insensitive bonus, so `Adress` finds `address` and
/// `acepted` finds `accepted`, while unrelated short names are not suggested.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    // Edit distance is quadratic in the length of the names: past these sizes a
    // suggestion is unlikely to help and would cost seconds.
    const MAX_NAME: usize = 64;
    const MAX_CANDIDATES: usize = 5_000;
    if name.len() > MAX_NAME {
        return None;
    }
    let lower = name.to_lowercase();
    let mut best: Option<(f64, &'a str)> = None;
    for candidate in candidates.into_iter().take(MAX_CANDIDATES) {
        if candidate == name || candidate.len() > MAX_NAME {
            continue;
        }
        let score = if candidate.to_lowercase() == lower {
            1.0
        } else {
            strsim::normalized_damerau_levenshtein(&lower, &candidate.to_lowercase())
        };
        let distance = strsim::damerau_levenshtein(&lower, &candidate.to_lowercase());
        // A prefix of three or more letters (`warn` for `warning`) is a likely abbreviation.
        let prefix = name.chars().count() >= 3 && candidate.to_lowercase().starts_with(&lower);
        let close =
            score >= 0.7 || (distance <= 2 && name.chars().count() > 3) || distance <= 1 || prefix;
        if close && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// "did you mean `x`?" or nothing.
pub fn help_did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    did_you_mean(name, candidates).map(|s| format!("did you mean `{s}`?"))
}

/// `a`, `b` and `c`, for listing names in a help text (at most `max`, then "…").
pub fn list_names<'a>(names: impl IntoIterator<Item = &'a str>, max: usize) -> String {
    let names: Vec<&str> = names.into_iter().collect();
    let shown: Vec<String> = names.iter().take(max).map(|n| format!("`{n}`")).collect();
    let mut out = match shown.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    };
    if names.len() > max {
        out = format!("{}, … ({} in all)", shown.join(", "), names.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names() {
        assert_eq!(
            did_you_mean("acepted", ["none", "pending", "accepted"]),
            Some("accepted")
        );
        assert_eq!(did_you_mean("Region", ["region", "cloud"]), Some("region"));
        assert_eq!(
            did_you_mean("quantiy", ["quantity", "assigned"]),
            Some("quantity")
        );
        assert_eq!(did_you_mean("xyz", ["quantity", "assigned"]), None);
        assert_eq!(did_you_mean("id", ["ids"]), Some("ids"));
        assert_eq!(did_you_mean("a", ["zz"]), None);
        assert_eq!(
            did_you_mean("warn", ["error", "warning", "info"]),
            Some("warning")
        );
    }

    #[test]
    fn lists_names() {
        assert_eq!(list_names(["a"], 5), "`a`");
        assert_eq!(list_names(["a", "b", "c"], 5), "`a`, `b` and `c`");
        assert_eq!(list_names(["a", "b", "c"], 2), "`a`, `b`, … (3 in all)");
    }
}
