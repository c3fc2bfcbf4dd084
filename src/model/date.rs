//! Calendar dates as the language writes them (`YYYY-MM-DD`): one parser for
//! date literals in policies, dates in documents and data files, and `--today`,
//! so that all three accept and reject the same texts with the same words.

/// Parses exactly `YYYY-MM-DD` into a valid calendar date.
pub fn parse_date(text: &str) -> Result<jiff::civil::Date, String> {
    let bytes = text.as_bytes();
    let shape_ok = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                *b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !shape_ok {
        return Err("expected the form YYYY-MM-DD".to_string());
    }
    let num =
        |r: std::ops::Range<usize>| text.get(r).and_then(|s| s.parse::<i16>().ok()).unwrap_or(0);
    let (year, month, day) = (num(0..4), num(5..7), num(8..10));
    let month = i8::try_from(month).unwrap_or(0);
    let day = i8::try_from(day).unwrap_or(0);
    jiff::civil::Date::new(year, month, day).map_err(|_| {
        if !(1..=12).contains(&month) {
            format!("there is no month {month}")
        } else {
            format!("day {day} does not exist in {year}-{month:02}")
        }
    })
}

/// Help for a malformed date: how to rewrite a day-first or slash-separated
/// date, the form to use for other shapes, nothing when only the day or month
/// is out of range (the message says which).
pub fn date_help(text: &str) -> Option<String> {
    let parts: Vec<&str> = text.split(['.', '/']).collect();
    if let [d, m, y] = parts.as_slice()
        && y.len() == 4
        && d.len() <= 2
        && m.len() <= 2
        && [d, m, y]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    {
        let (d, m): (u32, u32) = (d.parse().unwrap_or(0), m.parse().unwrap_or(0));
        return Some(if text.contains('/') {
            format!(
                "dates are written `YYYY-MM-DD`: `{y}-{d:02}-{m:02}` or `{y}-{m:02}-{d:02}`, depending on which is the month"
            )
        } else {
            format!("dates are written `YYYY-MM-DD`: `{y}-{m:02}-{d:02}`")
        });
    }
    let shaped = text.len() == 10 && text.as_bytes().get(4) == Some(&b'-');
    (!shaped).then(|| "dates are written `YYYY-MM-DD`, e.g. `2026-03-01`".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_strict() {
        assert!(parse_date("2026-02-28").is_ok());
        assert_eq!(
            parse_date("2026-02-30").unwrap_err(),
            "day 30 does not exist in 2026-02"
        );
        assert_eq!(
            parse_date("2026-13-01").unwrap_err(),
            "there is no month 13"
        );
        assert!(parse_date("2026-2-1").is_err());
        assert!(parse_date("2026-02-28T00:00").is_err());
    }
}
