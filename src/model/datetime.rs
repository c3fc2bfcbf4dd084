//! Instants as the language writes them: RFC 3339 texts with a time zone
//! (`2022-01-13T00:00:00Z`, `2020-03-24T20:44:14.9602781Z`,
//! `2026-05-01T09:30:00+02:00`). One parser serves `datetime("…")` literals,
//! datetimes in documents and data files, and `datetime` params, so that all of
//! them accept and reject the same texts with the same words.
//!
//! A [`DateTime`] is an instant (seconds and nanoseconds since the Unix epoch, in
//! UTC) plus the number of fraction digits it was written with, so that a value
//! renders as it was read: `2020-03-24T20:44:14.9602781Z` keeps its seven digits.

use std::cmp::Ordering;
use std::fmt;

use jiff::Timestamp;

/// The most fraction digits a datetime may have (nanoseconds).
pub const MAX_FRACTION_DIGITS: usize = 9;

/// An instant with the precision it was written in. Stored as plain numbers
/// (16 bytes) rather than as a `jiff::Timestamp` and a digit count (24), so
/// that a [`crate::model::value::Value`] stays 24 bytes.
#[derive(Debug, Clone, Copy)]
pub struct DateTime {
    /// Seconds since 1970-01-01T00:00:00Z.
    seconds: i64,
    /// Nanoseconds within the second (0 to 999,999,999).
    nanos: u32,
    /// How many fraction digits the text had (0 to 9): rendering keeps them.
    digits: u8,
}

impl PartialEq for DateTime {
    /// Two datetimes are equal when they are the same instant, however written.
    fn eq(&self, other: &DateTime) -> bool {
        (self.seconds, self.nanos) == (other.seconds, other.nanos)
    }
}

impl Eq for DateTime {}

impl PartialOrd for DateTime {
    fn partial_cmp(&self, other: &DateTime) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for DateTime {
    /// Instants in time order, offsets taken into account.
    fn cmp(&self, other: &DateTime) -> Ordering {
        (self.seconds, self.nanos).cmp(&(other.seconds, other.nanos))
    }
}

impl DateTime {
    fn new(instant: Timestamp, digits: u8) -> DateTime {
        DateTime {
            seconds: instant.as_second(),
            nanos: u32::try_from(instant.subsec_nanosecond()).unwrap_or(0),
            digits,
        }
    }

    /// The instant.
    pub fn instant(&self) -> Timestamp {
        let nanos = i32::try_from(self.nanos).unwrap_or(0);
        Timestamp::new(self.seconds, nanos).unwrap_or(Timestamp::UNIX_EPOCH)
    }

    /// The UTC calendar date of the instant (what `day(t)` returns).
    pub fn day(&self) -> jiff::civil::Date {
        self.instant().to_zoned(jiff::tz::TimeZone::UTC).date()
    }

    /// The instant `days` whole days of 24 hours later (earlier when negative),
    /// or `None` past the range of instants.
    pub fn add_days(&self, days: i64) -> Option<DateTime> {
        let seconds = days.checked_mul(86_400)?;
        let span = jiff::SignedDuration::from_secs(seconds);
        let instant = self.instant().checked_add(span).ok()?;
        Some(DateTime::new(instant, self.digits))
    }

    /// Whole seconds from `self` to `later`, towards zero.
    fn seconds_until(&self, later: &DateTime) -> i64 {
        let d = later.instant().duration_since(self.instant());
        d.as_secs()
    }

    /// Whole days of 24 hours from `self` to `later`, towards zero.
    pub fn days_until(&self, later: &DateTime) -> i64 {
        self.seconds_until(later) / 86_400
    }

    /// Whole hours from `self` to `later`, towards zero (−18.75 h is −18).
    pub fn hours_until(&self, later: &DateTime) -> i64 {
        self.seconds_until(later) / 3_600
    }
}

impl fmt::Display for DateTime {
    /// `YYYY-MM-DDTHH:MM:SS[.fraction]Z`, in UTC, with the fraction digits the
    /// value was written with.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let z = self.instant().to_zoned(jiff::tz::TimeZone::UTC);
        let (date, time) = (z.date(), z.time());
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            date.year(),
            date.month(),
            date.day(),
            time.hour(),
            time.minute(),
            time.second()
        )?;
        if self.digits > 0 {
            let nanos = time.subsec_nanosecond();
            let digits = format!("{nanos:09}");
            let keep = usize::from(self.digits).min(MAX_FRACTION_DIGITS);
            write!(f, ".{}", digits.get(..keep).unwrap_or(&digits))?;
        }
        f.write_str("Z")
    }
}

/// Parses an RFC 3339 date-time with a zone: `YYYY-MM-DDTHH:MM:SS`, an optional
/// fraction of 1 to 9 digits, then `Z` or `±HH:MM` (at most ±23:59). `T` and
/// `Z` may be lower case, as RFC 3339 allows; nothing else is accepted (no
/// space for `T`, no offset without minutes, no leap second).
pub fn parse_datetime(text: &str) -> Result<DateTime, String> {
    let b = text.as_bytes();
    let digits_at = |range: std::ops::Range<usize>| {
        b.get(range.clone())
            .is_some_and(|s| s.iter().all(u8::is_ascii_digit))
            .then(|| {
                text.get(range)
                    .and_then(|s| s.parse::<i32>().ok())
                    .unwrap_or(0)
            })
    };
    let date_shape = b.len() >= 10 && b.get(4) == Some(&b'-') && b.get(7) == Some(&b'-');
    let (Some(year), Some(month), Some(day)) = (digits_at(0..4), digits_at(5..7), digits_at(8..10))
    else {
        return Err("expected an RFC 3339 date and time, e.g. `2026-05-01T09:30:00Z`".into());
    };
    if !date_shape {
        return Err("expected an RFC 3339 date and time, e.g. `2026-05-01T09:30:00Z`".into());
    }
    if b.len() == 10 {
        return Err("a date alone is not a datetime: the time and zone are missing".into());
    }
    if !matches!(b.get(10), Some(b'T' | b't')) {
        return Err("expected `T` between the date and the time".into());
    }
    let (Some(hour), Some(minute), Some(second)) =
        (digits_at(11..13), digits_at(14..16), digits_at(17..19))
    else {
        return Err("expected the time as `HH:MM:SS`".into());
    };
    if b.get(13) != Some(&b':') || b.get(16) != Some(&b':') {
        return Err("expected the time as `HH:MM:SS`".into());
    }
    let mut i = 19;
    let mut nanos: i32 = 0;
    let mut digits: u8 = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        let n = i - start;
        if n == 0 {
            return Err("expected digits after the decimal point".into());
        }
        if n > MAX_FRACTION_DIGITS {
            return Err(format!(
                "the fraction has {n} digits; at most {MAX_FRACTION_DIGITS} (nanoseconds) are allowed"
            ));
        }
        let frac = text.get(start..i).unwrap_or("0");
        let padded = format!("{frac:0<9}");
        nanos = padded.parse().unwrap_or(0);
        digits = u8::try_from(n).unwrap_or(0);
    }
    let offset_seconds: i32 = match b.get(i) {
        Some(b'Z' | b'z') if i + 1 == b.len() => 0,
        Some(sign @ (b'+' | b'-')) => {
            let (Some(oh), Some(om)) = (digits_at(i + 1..i + 3), digits_at(i + 4..i + 6)) else {
                return Err("expected the offset as `±HH:MM`".into());
            };
            if b.get(i + 3) != Some(&b':') || i + 6 != b.len() {
                return Err("expected the offset as `±HH:MM`".into());
            }
            if oh > 23 || om > 59 {
                return Err(format!(
                    "the offset {}{oh:02}:{om:02} is out of range (at most ±23:59)",
                    char::from(*sign)
                ));
            }
            let s = oh * 3600 + om * 60;
            if *sign == b'-' { -s } else { s }
        }
        None => {
            return Err(
                "the time zone is missing: end with `Z` for UTC or an offset such as `+02:00`"
                    .into(),
            );
        }
        Some(_) => {
            return Err("expected `Z` or an offset such as `+02:00` after the time".into());
        }
    };
    let month8 = i8::try_from(month).unwrap_or(0);
    let day8 = i8::try_from(day).unwrap_or(0);
    let year16 = i16::try_from(year).unwrap_or(0);
    let date = jiff::civil::Date::new(year16, month8, day8).map_err(|_| {
        if !(1..=12).contains(&month) {
            format!("there is no month {month}")
        } else {
            format!("day {day} does not exist in {year}-{month:02}")
        }
    })?;
    let time = jiff::civil::Time::new(
        i8::try_from(hour).unwrap_or(-1),
        i8::try_from(minute).unwrap_or(-1),
        i8::try_from(second).unwrap_or(-1),
        nanos,
    )
    .map_err(|_| format!("{hour:02}:{minute:02}:{second:02} is not a time of day"))?;
    let offset = jiff::tz::Offset::from_seconds(offset_seconds)
        .map_err(|_| "the offset is out of range (at most ±23:59)".to_string())?;
    let instant = offset
        .to_timestamp(date.to_datetime(time))
        .map_err(|_| "the instant is out of the supported range".to_string())?;
    Ok(DateTime::new(instant, digits))
}

/// Help for a text that is not a datetime: what to write instead.
pub fn datetime_help(text: &str) -> String {
    if crate::model::date::parse_date(text).is_ok() {
        return format!(
            "a datetime needs a time and a zone: `{text}T00:00:00Z`; declare the field `date` if the data holds dates alone"
        );
    }
    let zone_less = text.len() >= 19
        && !text.ends_with(['Z', 'z'])
        && !text.get(19..).is_some_and(|rest| rest.contains(['+', '-']));
    if zone_less && parse_datetime(&format!("{text}Z")).is_ok() {
        return format!(
            "add the time zone: `{text}Z` if the time is UTC, or its offset, e.g. `{text}+02:00`"
        );
    }
    "datetimes are written in RFC 3339 with a zone, e.g. `2026-05-01T09:30:00Z` or `2026-05-01T09:30:00.5+02:00`".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_rfc3339_with_a_zone() {
        for (text, shown) in [
            ("2022-01-13T00:00:00Z", "2022-01-13T00:00:00Z"),
            (
                "2020-03-24T20:44:14.9602781Z",
                "2020-03-24T20:44:14.9602781Z",
            ),
            ("2026-05-01T09:30:00+02:00", "2026-05-01T07:30:00Z"),
            (
                "2026-05-01t09:30:00.123456789z",
                "2026-05-01T09:30:00.123456789Z",
            ),
            ("2026-12-31T23:30:00-01:00", "2027-01-01T00:30:00Z"),
        ] {
            let t = parse_datetime(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(t.to_string(), shown, "{text}");
        }
    }

    #[test]
    fn rejects_what_is_not_an_instant() {
        for (text, says) in [
            ("2026-05-01", "date alone"),
            ("2026-05-01T09:30:00", "zone is missing"),
            ("2026-05-01T09:30:00.1234567890Z", "10 digits"),
            ("2026-02-30T00:00:00Z", "day 30 does not exist"),
            ("2026-05-01T09:30:00+24:00", "out of range"),
            ("2026-05-01T09:30:00+02:60", "out of range"),
            ("2026-05-01 09:30:00Z", "`T`"),
            ("2026-05-01T25:00:00Z", "not a time of day"),
            ("2026-05-01T09:30:00+02", "±HH:MM"),
            ("2026-05-01T09:30:00.Z", "digits after"),
            ("soon", "RFC 3339"),
            ("2026-05-01T09:30:00Zjunk", "after the time"),
        ] {
            let e = parse_datetime(text).err().unwrap_or_default();
            assert!(e.contains(says), "{text}: {e}");
        }
    }

    #[test]
    fn compares_instants_and_counts_towards_zero() {
        let a = parse_datetime("2026-05-01T09:30:00+02:00").unwrap_or_else(|e| panic!("{e}"));
        let b = parse_datetime("2026-05-01T07:30:00Z").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a, b);
        let c = parse_datetime("2026-05-02T02:15:00Z").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.hours_until(&b), -18);
        assert_eq!(b.hours_until(&c), 18);
        assert_eq!(b.days_until(&c), 0);
        assert_eq!(c.day().to_string(), "2026-05-02");
        let d = b.add_days(-1).map(|d| d.to_string());
        assert_eq!(d.as_deref(), Some("2026-04-30T07:30:00Z"));
    }

    #[test]
    fn helps_with_a_date_or_a_missing_zone() {
        assert!(datetime_help("2026-05-01").contains("2026-05-01T00:00:00Z"));
        assert!(datetime_help("2026-05-01T09:30:00").contains("2026-05-01T09:30:00Z"));
    }
}
