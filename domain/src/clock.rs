//! Time in the city's zone. China has kept UTC+8 all year since 1991, so a
//! fixed offset is exact and no time-zone database is needed.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Timelike, Utc};
use translations::{text, Lang};

/// Seconds east of UTC for Asia/Shanghai.
pub const SHANGHAI_OFFSET_SECONDS: i32 = 8 * 3600;

/// The fixed offset of Asia/Shanghai.
pub fn shanghai() -> FixedOffset {
    FixedOffset::east_opt(SHANGHAI_OFFSET_SECONDS).expect("UTC+8 is a valid offset")
}

/// An instant as unix seconds (how the store keeps every timestamp).
pub type UnixSeconds = i64;

/// The instant `unix` seen on a Shanghai wall clock.
pub fn to_local(unix: UnixSeconds) -> DateTime<FixedOffset> {
    DateTime::<Utc>::from_timestamp(unix, 0)
        .unwrap_or(DateTime::<Utc>::UNIX_EPOCH)
        .with_timezone(&shanghai())
}

/// The Shanghai day of an instant as days since 1970-01-01, as a query
/// computes it: `(unix + SHANGHAI_OFFSET_SECONDS) / 86400` for instants
/// after 1970 (`date_of_day_number` turns it back into a date).
pub fn local_day_number(unix: UnixSeconds) -> i64 {
    (unix + i64::from(SHANGHAI_OFFSET_SECONDS)).div_euclid(86_400)
}

/// The date of a Shanghai day number (`local_day_number`).
pub fn date_of_day_number(number: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1)
        .and_then(|epoch| epoch.checked_add_signed(chrono::Duration::try_days(number)?))
        .unwrap_or_default()
}

/// The instant at which a Shanghai wall clock shows `local`.
pub fn from_local(local: NaiveDateTime) -> UnixSeconds {
    shanghai()
        .from_local_datetime(&local)
        .single()
        .map(|t| t.timestamp())
        .unwrap_or_else(|| local.and_utc().timestamp() - i64::from(SHANGHAI_OFFSET_SECONDS))
}

/// Shanghai wall-clock time of `year-month-day hour:00`.
pub fn local_instant(year: i32, month: u32, day: u32, hour: u32) -> Option<UnixSeconds> {
    NaiveDate::from_ymd_opt(year, month, day)
        .and_then(|d| d.and_hms_opt(hour, 0, 0))
        .map(from_local)
}

/// "11月14日 12:00", "14 Nov 12:00": a date and time as residents read them.
pub fn format_month_day_time(unix: UnixSeconds, lang: Lang) -> String {
    let t = to_local(unix);
    text::clock_month_day_time(
        lang,
        t.day(),
        month_name(t.month(), lang),
        format!("{:02}:{:02}", t.hour(), t.minute()),
    )
}

/// "2026年11月14日 12:00", "14 Nov 2026 12:00": when the year matters.
pub fn format_full(unix: UnixSeconds, lang: Lang) -> String {
    let t = to_local(unix);
    text::clock_full(
        lang,
        t.day(),
        month_name(t.month(), lang),
        format!("{:02}:{:02}", t.hour(), t.minute()),
        t.year(),
    )
}

/// "2026年11月14日", "14 Nov 2026": a day, as a notice is dated.
pub fn format_date(unix: UnixSeconds, lang: Lang) -> String {
    let t = to_local(unix);
    text::clock_date(lang, t.day(), month_name(t.month(), lang), t.year())
}

/// "11" in Chinese (月 follows in the message), "Nov" in English.
fn month_name(month: u32, lang: Lang) -> &'static str {
    const MONTHS: [fn(Lang) -> &'static str; 12] = [
        text::clock_month_1,
        text::clock_month_2,
        text::clock_month_3,
        text::clock_month_4,
        text::clock_month_5,
        text::clock_month_6,
        text::clock_month_7,
        text::clock_month_8,
        text::clock_month_9,
        text::clock_month_10,
        text::clock_month_11,
        text::clock_month_12,
    ];
    MONTHS[(month as usize).saturating_sub(1) % 12](lang)
}

/// "2026-11-14T12:00:00+08:00", for `<time datetime>` attributes.
pub fn format_iso(unix: UnixSeconds) -> String {
    to_local(unix).to_rfc3339()
}

/// Parses an `<input type="datetime-local">` value ("2026-11-14T12:00",
/// seconds optional) read as Shanghai time.
pub fn parse_local_input(text: &str) -> Option<UnixSeconds> {
    let text = text.trim();
    [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
    ]
    .iter()
    .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
    .map(from_local)
}

/// The `<input type="datetime-local">` value for an instant, in Shanghai
/// time to the minute ("2026-11-14T12:00"); [`parse_local_input`] reads it
/// back.
pub fn format_local_input(unix: UnixSeconds) -> String {
    to_local(unix).format("%Y-%m-%dT%H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_number_is_the_shanghai_date() {
        for (hour, date) in [(0, 14), (7, 14), (8, 14), (23, 14)] {
            let instant = local_instant(2026, 11, 14, hour).unwrap();
            assert_eq!(
                date_of_day_number(local_day_number(instant)),
                NaiveDate::from_ymd_opt(2026, 11, date).unwrap(),
                "{hour}:00"
            );
        }
        let last_second = local_instant(2026, 11, 15, 0).unwrap() - 1;
        assert_eq!(date_of_day_number(local_day_number(last_second)).day(), 14);
    }

    #[test]
    fn shanghai_noon_is_four_utc() {
        let noon = local_instant(2026, 11, 14, 12).unwrap();
        assert_eq!(DateTime::<Utc>::from_timestamp(noon, 0).unwrap().hour(), 4);
        assert_eq!(format_month_day_time(noon, Lang::Zh), "11月14日 12:00");
        assert_eq!(format_full(noon, Lang::Zh), "2026年11月14日 12:00");
        assert_eq!(format_iso(noon), "2026-11-14T12:00:00+08:00");
    }

    #[test]
    fn english_dates_put_the_day_first() {
        let morning = local_instant(2026, 11, 28, 10).unwrap();
        assert_eq!(format_month_day_time(morning, Lang::En), "28 Nov 10:00");
        let end = local_instant(2027, 3, 15, 12).unwrap();
        assert_eq!(format_full(end, Lang::En), "15 Mar 2027 12:00");
        // The Shanghai date, not the UTC one (still 31 Dec 16:30 in UTC).
        let new_year = local_instant(2027, 1, 1, 0).unwrap() + 30 * 60;
        assert_eq!(format_month_day_time(new_year, Lang::En), "1 Jan 00:30");
        assert_eq!(format_full(new_year, Lang::En), "1 Jan 2027 00:30");
        // The Chinese forms stay as they are.
        assert_eq!(format_month_day_time(morning, Lang::Zh), "11月28日 10:00");
        assert_eq!(format_full(end, Lang::Zh), "2027年3月15日 12:00");
    }

    #[test]
    fn local_midnight_crosses_the_utc_date() {
        let midnight = local_instant(2026, 3, 1, 0).unwrap();
        let utc = DateTime::<Utc>::from_timestamp(midnight, 0).unwrap();
        assert_eq!((utc.month(), utc.day(), utc.hour()), (2, 28, 16));
    }

    #[test]
    fn invalid_dates_are_refused() {
        assert_eq!(local_instant(2026, 2, 30, 12), None);
        assert_eq!(local_instant(2026, 1, 1, 24), None);
    }

    #[test]
    fn datetime_local_input_is_shanghai_time() {
        let expected = local_instant(2026, 11, 14, 12).unwrap();
        assert_eq!(parse_local_input("2026-11-14T12:00"), Some(expected));
        assert_eq!(parse_local_input(" 2026-11-14 12:00:00 "), Some(expected));
        assert_eq!(parse_local_input("14/11/2026"), None);
        assert_eq!(parse_local_input(""), None);
    }

    #[test]
    fn datetime_local_input_reads_back_what_it_wrote() {
        let noon = local_instant(2026, 11, 14, 12).unwrap();
        assert_eq!(format_local_input(noon), "2026-11-14T12:00");
        for at in [noon, noon + 59, noon - 3_600 * 13 + 60] {
            assert_eq!(
                parse_local_input(&format_local_input(at)),
                Some(at - at % 60)
            );
        }
    }
}
