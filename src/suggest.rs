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
        let prefix = prefix_of_either(&lower, &candidate.to_lowercase());
        let close =
            score >= 0.7 || (distance <= 2 && name.chars().count() > 3) || distance <= 1 || prefix;
        if close && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// The shortest name that counts as a prefix of another for a suggestion:
/// `warn` for `warning` and `prod` for `production` are likely, `pr` for
/// `production` or `id` for `identity` are guesses (docs/language.md,
/// decision 81).
pub const MIN_PREFIX: usize = 3;

/// Whether one name (already lower-cased) begins with the other, the shorter
/// having at least [`MIN_PREFIX`] characters: an abbreviation written for the
/// full name (`warn`, `warning`), or more written than the name holds
/// (`production` for the member `prod`).
fn prefix_of_either(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    short.chars().count() >= MIN_PREFIX && long.starts_with(short)
}

/// Whether `key`, a key of the data that is not a declared field, is a close
/// spelling of the declared field `declared`: the same but for case
/// (`autorenew` for `autoRenew`), or at most 2 edits away that are also fewer
/// than a third of the declared name's characters (`autoRenewEnabled` for
/// `autoRenewEnable`, but not `billingType` for `billingCycle`). Used for the
/// near-miss warnings of open records, where an unknown key is not an error
/// and a misspelt optional field would otherwise go unnoticed.
pub fn near_miss(declared: &str, key: &str) -> bool {
    if declared == key {
        return false;
    }
    let len = declared.chars().count();
    let key_len = key.chars().count();
    // Edit distance is quadratic; names this long are not typed by hand. Two
    // names whose lengths differ by more than 2 are more than 2 edits apart,
    // and a distance under a third of the length needs at least 4 characters.
    if len > 64 || key_len > 64 || len.abs_diff(key_len) > 2 || len < 4 {
        return declared.len() == key.len() && declared.eq_ignore_ascii_case(key);
    }
    if declared.to_lowercase() == key.to_lowercase() {
        return true;
    }
    // An edit adds at most one kind of byte and removes at most one, so names
    // whose sets of bytes differ in more than 4 are more than 2 edits apart:
    // most pairs of an object's keys are told apart here, without the
    // quadratic distance.
    let kinds = |s: &str| s.bytes().fold(0u64, |m, b| m | 1u64 << (b % 64));
    if (kinds(declared) ^ kinds(key)).count_ones() > 4 {
        return false;
    }
    let distance = strsim::damerau_levenshtein(declared, key);
    distance <= 2 && 3 * distance < len
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
    fn suggests_prefixes_either_way() {
        // More written than the name holds.
        assert_eq!(
            did_you_mean("production", ["dev", "test", "prod"]),
            Some("prod")
        );
        assert_eq!(did_you_mean("lengths", ["len", "count"]), Some("len"));
        // An abbreviation of the name.
        assert_eq!(did_you_mean("len", ["length", "count"]), Some("length"));
        assert_eq!(did_you_mean("Prod", ["production"]), Some("production"));
        // The shorter one must have three characters.
        assert_eq!(did_you_mean("identity", ["id", "name"]), None);
        assert_eq!(did_you_mean("pr", ["production"]), None);
        // A closer spelling still wins over a prefix.
        assert_eq!(did_you_mean("prodd", ["prod", "production"]), Some("prod"));
    }

    #[test]
    fn near_misses_of_declared_fields() {
        assert!(near_miss("autoRenewEnable", "autoRenewEnabled"));
        assert!(near_miss("autoRenewEnabled", "autorenewenabled"));
        assert!(near_miss("offerId", "offerID"));
        assert!(near_miss("quantity", "quantiy"));
        assert!(!near_miss("billingCycle", "billingType"));
        assert!(!near_miss("id", "ids"), "1 edit is not under a third of 2");
        assert!(
            !near_miss("sku", "skus"),
            "1 edit is not under a third of 3"
        );
        assert!(near_miss("name", "names"), "1 edit is under a third of 4");
        assert!(near_miss("status", "Status"));
        assert!(!near_miss("offerId", "offerId"));
        assert!(!near_miss("offerId", "offerIdentifier"));
        let long = "a".repeat(100);
        assert!(near_miss(&long, &long.to_uppercase()));
        assert!(!near_miss(&long, &"b".repeat(100)));
    }

    #[test]
    fn lists_names() {
        assert_eq!(list_names(["a"], 5), "`a`");
        assert_eq!(list_names(["a", "b", "c"], 5), "`a`, `b` and `c`");
        assert_eq!(list_names(["a", "b", "c"], 2), "`a`, `b`, … (3 in all)");
    }
}
