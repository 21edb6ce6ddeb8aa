//! Case numbers (案件编号): prefix + yyyymmdd + a six-digit daily sequence, e.g.
//! `TS20261122000042`. The date is the registration day in China Standard Time, because that is
//! the day the customer and the agent see.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

/// China Standard Time (UTC+8, no daylight saving).
pub fn china_offset() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// The calendar day in China at `at`, which numbers the case.
pub fn case_day(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&china_offset()).date_naive()
}

/// Formats a case number. `seq` starts at 1 each day.
pub fn format(prefix: &str, day: NaiveDate, seq: u32) -> String {
    format!("{prefix}{}{seq:06}", day.format("%Y%m%d"))
}

/// Checks a configured prefix: 1–8 upper-case ASCII letters.
pub fn valid_prefix(prefix: &str) -> bool {
    (1..=8).contains(&prefix.len()) && prefix.bytes().all(|b| b.is_ascii_uppercase())
}

/// The most cases one day can number (six digits).
pub const MAX_DAILY: u32 = 999_999;

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn case_numbers_use_the_china_day() {
        // 17:30 UTC on 21 Nov is already 22 Nov in Beijing.
        let at = Utc.with_ymd_and_hms(2026, 11, 21, 17, 30, 0).unwrap();
        assert_eq!(format("TS", case_day(at), 42), "TS20261122000042");
    }

    #[test]
    fn prefixes_are_short_upper_case_words() {
        assert!(valid_prefix("TS"));
        assert!(!valid_prefix("ts"));
        assert!(!valid_prefix(""));
        assert!(!valid_prefix("ABCDEFGHI"));
    }
}
