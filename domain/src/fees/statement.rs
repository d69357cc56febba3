//! The season bills a company's billing system states, as a CSV file (an
//! admin's import) or the nightly sync's body: one line per household and
//! season.
//!
//! ```text
//! account_no,season,household_type,area_m2,price_per_m2,amount,due_date,billing_ref
//! WF1000000001,2026,residential,89.52,22.00,1969.44,2026-12-31,B2026-000001
//! ```
//!
//! Amounts are yuan with at most two decimals, read exactly into 分; the
//! due date is the last day to pay (Shanghai). Each line is checked on its
//! own: the good ones are kept, the others answered with their line number.

use super::bill::HouseholdType;
use super::money::{parse_square_metres, parse_yuan, CentiM2, Fen};
use crate::clock::{from_local, UnixSeconds};
use crate::telemetry::LineProblem;
use chrono::NaiveDate;
use translations::{text, StaticText};

/// At most this many lines in one file (a company of 500,000 households
/// splits its file, or syncs nightly what changed).
pub const MAX_BILL_LINES: usize = 100_000;

/// The header a file starts with.
pub const BILL_CSV_HEADER: [&str; 8] = [
    "account_no",
    "season",
    "household_type",
    "area_m2",
    "price_per_m2",
    "amount",
    "due_date",
    "billing_ref",
];

/// The longest billing reference kept.
pub const MAX_BILLING_REF_CHARS: usize = 40;

/// One checked line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BillLine {
    pub line: usize,
    pub account_no: String,
    pub season_start_year: i32,
    pub household_type: HouseholdType,
    pub area: CentiM2,
    pub price_per_m2: Fen,
    pub amount: Fen,
    /// The instant the due day ends.
    pub due_at: UnixSeconds,
    pub billing_ref: Option<String>,
}

/// The end of a day written `YYYY-MM-DD`, in Shanghai.
pub fn end_of_day(written: &str) -> Option<UnixSeconds> {
    let day = NaiveDate::parse_from_str(written.trim(), "%Y-%m-%d").ok()?;
    Some(from_local(day.succ_opt()?.and_hms_opt(0, 0, 0)?))
}

fn check_line(field: impl Fn(usize) -> String, line: usize) -> Result<BillLine, StaticText> {
    let account_no = field(0).trim().to_ascii_uppercase();
    if account_no.is_empty() || account_no.len() > 32 {
        return Err(text::fees_csv_account);
    }
    let season_start_year: i32 = field(1)
        .trim()
        .parse()
        .ok()
        .filter(|year| (2000..=2100).contains(year))
        .ok_or(text::fees_csv_season as StaticText)?;
    let household_type =
        HouseholdType::parse(field(2).trim()).ok_or(text::fees_csv_household_type as StaticText)?;
    let area = parse_square_metres(&field(3)).map_err(|_| text::fees_csv_area as StaticText)?;
    let price_per_m2 = parse_yuan(&field(4)).map_err(|_| text::fees_csv_price as StaticText)?;
    let amount = parse_yuan(&field(5)).map_err(|_| text::fees_csv_amount as StaticText)?;
    let due_at = end_of_day(&field(6)).ok_or(text::fees_csv_due_date as StaticText)?;
    let billing_ref = field(7).trim().to_string();
    if billing_ref.chars().count() > MAX_BILLING_REF_CHARS
        || billing_ref.chars().any(char::is_control)
    {
        return Err(text::fees_csv_billing_ref);
    }
    Ok(BillLine {
        line,
        account_no,
        season_start_year,
        household_type,
        area,
        price_per_m2,
        amount,
        due_at,
        billing_ref: (!billing_ref.is_empty()).then_some(billing_ref),
    })
}

/// Reads a bills CSV: the lines to keep, and the problems of the others
/// (the whole file is refused when its header or size is wrong).
pub fn parse_bill_csv(text: &str) -> Result<(Vec<BillLine>, Vec<LineProblem>), StaticText> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|_| text::fees_csv_header as StaticText)?
        .iter()
        .map(str::to_ascii_lowercase)
        .collect();
    if header.len() < BILL_CSV_HEADER.len() || header[..BILL_CSV_HEADER.len()] != BILL_CSV_HEADER {
        return Err(text::fees_csv_header);
    }
    let mut lines = Vec::new();
    let mut problems = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let line = index + 2;
        if lines.len() + problems.len() >= MAX_BILL_LINES {
            return Err(text::fees_csv_too_many);
        }
        let Ok(record) = record else {
            problems.push(LineProblem {
                line,
                problem: text::fees_csv_unreadable,
            });
            continue;
        };
        if record.iter().all(str::is_empty) {
            continue;
        }
        match check_line(|i| record.get(i).unwrap_or_default().to_string(), line) {
            Ok(bill) => lines.push(bill),
            Err(problem) => problems.push(LineProblem { line, problem }),
        }
    }
    Ok((lines, problems))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const HEADER: &str =
        "account_no,season,household_type,area_m2,price_per_m2,amount,due_date,billing_ref\n";

    #[test]
    fn good_lines_are_kept_and_bad_ones_named() {
        let csv = format!(
            "\u{feff}{HEADER}wf1000000001,2026,residential,89.52,22.00,1969.44,2026-12-31,B1\n\
             WF1000000002,2026,residential,89.5,22,1969.00,2026-12-31,\n\
             WF1000000003,2026,shop,1,1,1,2026-12-31,\n\
             WF1000000004,2026,residential,1,1,1.001,2026-12-31,\n\
             WF1000000005,2026,residential,1,1,1,2026-02-30,\n\
             ,,,,,,,\n\
             WF1000000006,1999,residential,1,1,1,2026-12-31,\n"
        );
        let (lines, problems) = parse_bill_csv(&csv).unwrap();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].account_no, "WF1000000001");
        assert_eq!(lines[0].amount, Fen(196944));
        assert_eq!(lines[0].area, CentiM2(8952));
        assert_eq!(lines[0].billing_ref.as_deref(), Some("B1"));
        assert_eq!(lines[1].billing_ref, None);
        // 2027-01-01 00:00 in Shanghai.
        assert_eq!(lines[0].due_at, 1_798_732_800);
        let named: Vec<usize> = problems.iter().map(|p| p.line).collect();
        assert_eq!(named, vec![4, 5, 6, 8]);
    }

    #[test]
    fn a_file_without_the_header_is_refused_whole() {
        assert!(parse_bill_csv("account,season\nWF1,2026\n").is_err());
        assert!(parse_bill_csv("").is_err());
    }

    proptest! {
        #[test]
        fn any_text_is_answered_without_panicking(text in ".{0,400}") {
            let _ = parse_bill_csv(&format!("{HEADER}{text}"));
        }
    }
}
