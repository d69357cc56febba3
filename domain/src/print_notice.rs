//! The printed notice (停热通知) a grid worker or property manager puts up
//! in the lobby and shares in the building's chat group: the outage in the
//! heating company's name, its area, times and hotline, and a QR code to
//! its page. This module writes its words; the server lays them out on A4.
//! A shared page's card in a chat says the same in one line ([`share_summary`]).

use crate::clock::{format_full, UnixSeconds};
use crate::notices::OutageNotice;
use crate::outage::OutageKind;
use translations::{text, Lang};

/// A notice's words, in reading order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrintedNotice {
    /// "抢修停热通知".
    pub heading: String,
    pub greeting: String,
    pub body: String,
    /// Why it is announced late, when it is.
    pub short_notice: Option<String>,
    /// "金宝花园：1号楼、2号楼", one line per community.
    pub areas: Vec<String>,
    /// Label and value: heat off from, expected back, hotline, contact.
    pub facts: Vec<(String, String)>,
    /// Said instead of the body's promise once the outage has ended.
    pub ended: Option<String>,
    pub qr_hint: String,
    /// The company in whose name it is given, and the date.
    pub signed: String,
    pub dated: String,
}

/// The notice of `outage` by `company` (its full name) with its `hotline`,
/// printed at `now`.
pub fn printed_notice(
    outage: &OutageNotice,
    company: &str,
    hotline: &str,
    now: UnixSeconds,
    lang: Lang,
) -> PrintedNotice {
    let heading = match outage.kind {
        OutageKind::Planned => text::print_notice_heading_planned(lang),
        OutageKind::Emergency => text::print_notice_heading_emergency(lang),
        OutageKind::Commissioning => text::print_notice_heading_commissioning(lang),
        OutageKind::HeatSource => text::print_notice_heading_heat_source(lang),
    };
    let starts = format_full(outage.starts_at, lang);
    let restore = format_full(outage.expected_restore_at, lang);
    let areas = outage
        .areas
        .iter()
        .map(|area| {
            let buildings = if area.whole_community {
                text::outage_all_buildings(lang).to_string()
            } else {
                area.buildings.join(text::list_separator(lang))
            };
            format!(
                "{} {}{}{buildings}",
                area.district,
                area.community_name,
                text::outage_colon(lang)
            )
        })
        .collect();
    let mut facts = vec![
        (text::outage_heat_off_from(lang).to_string(), starts.clone()),
        (
            text::outage_expected_back(lang).to_string(),
            restore.clone(),
        ),
        (
            text::print_notice_hotline(lang).to_string(),
            hotline.to_string(),
        ),
    ];
    if !outage.contact.is_empty() {
        facts.push((
            text::outage_contact(lang).to_string(),
            outage.contact.clone(),
        ));
    }
    let ended = outage.restored_at.filter(|at| *at <= now).map(|at| {
        let at = format_full(at, lang);
        if outage.cancelled {
            text::print_notice_cancelled(lang, at)
        } else {
            text::print_notice_restored(lang, at)
        }
    });
    PrintedNotice {
        heading: heading.to_string(),
        greeting: text::print_notice_greeting(lang).to_string(),
        body: if outage.kind.stops_the_heat() {
            text::print_notice_body(lang, &outage.cause, &restore, &starts)
        } else {
            text::print_notice_body_limited(lang, &outage.cause, &restore, &starts)
        },
        short_notice: (!outage.short_notice_reason.is_empty()).then(|| {
            format!(
                "{}{}",
                text::outage_short_notice(lang),
                outage.short_notice_reason
            )
        }),
        areas,
        facts,
        ended,
        qr_hint: text::print_notice_qr_hint(lang).to_string(),
        signed: company.to_string(),
        dated: crate::clock::format_date(now, lang),
    }
}

/// The line under the title of an outage's card shared in a chat: the
/// kind, when heat stops and comes back (or that it came back, or was
/// called off), and the company.
pub fn share_summary(outage: &OutageNotice, lang: Lang) -> String {
    let kind = outage.kind.label(lang);
    let company = outage.company_name.as_str();
    match outage.restored_at {
        Some(at) if outage.cancelled => {
            text::print_notice_share_cancelled(lang, format_full(at, lang), company, kind)
        }
        Some(at) => text::print_notice_share_restored(lang, format_full(at, lang), company, kind),
        None if !outage.kind.stops_the_heat() => text::print_notice_share_limited(
            lang,
            company,
            kind,
            format_full(outage.expected_restore_at, lang),
            format_full(outage.starts_at, lang),
        ),
        None => text::print_notice_share_ongoing(
            lang,
            company,
            kind,
            format_full(outage.expected_restore_at, lang),
            format_full(outage.starts_at, lang),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::local_instant;
    use crate::notices::AffectedArea;
    use crate::outage::OutagePhase;

    fn notice() -> OutageNotice {
        OutageNotice {
            id: 7,
            kind: OutageKind::Emergency,
            phase: OutagePhase::Ongoing,
            title: "金宝花园抢修".into(),
            cause: "楼前供水管道漏水".into(),
            company_name: "市热力公司".into(),
            starts_at: local_instant(2026, 11, 28, 10).unwrap(),
            expected_restore_at: local_instant(2026, 11, 28, 18).unwrap(),
            restored_at: None,
            published_at: local_instant(2026, 11, 28, 9).unwrap(),
            areas: vec![AffectedArea {
                community_id: 1,
                community_name: "金宝花园".into(),
                district: "奎文区".into(),
                whole_community: false,
                buildings: vec!["1号楼".into(), "2号楼".into()],
            }],
            latest_update: None,
            cancelled: false,
            short_notice_reason: String::new(),
            contact: "0536-8232111".into(),
        }
    }

    #[test]
    fn a_shared_card_says_when_in_one_line() {
        let mut outage = notice();
        assert_eq!(
            share_summary(&outage, Lang::Zh),
            "抢修停热：2026年11月28日 10:00 起停热，预计 2026年11月28日 18:00 恢复供热。市热力公司"
        );
        outage.restored_at = Some(local_instant(2026, 11, 28, 16).unwrap());
        assert_eq!(
            share_summary(&outage, Lang::Zh),
            "抢修停热：已于 2026年11月28日 16:00 恢复供热。市热力公司"
        );
        outage.cancelled = true;
        assert!(share_summary(&outage, Lang::En).contains("called off"));
        outage.kind = OutageKind::HeatSource;
        outage.restored_at = None;
        assert_eq!(
            share_summary(&outage, Lang::Zh),
            "热源限供：2026年11月28日 10:00 起降温运行，预计 2026年11月28日 18:00 恢复正常。市热力公司"
        );
        let printed = printed_notice(
            &outage,
            "潍坊市热力有限公司",
            "0536-8888888",
            outage.starts_at,
            Lang::Zh,
        );
        assert_eq!(printed.heading, "热源限供通知");
        assert!(printed.body.contains("降温运行"), "{}", printed.body);
    }

    #[test]
    fn the_notice_names_area_times_and_hotline_in_the_company_s_name() {
        let now = local_instant(2026, 11, 28, 11).unwrap();
        let printed = printed_notice(
            &notice(),
            "潍坊市热力有限公司",
            "0536-8888888",
            now,
            Lang::Zh,
        );
        assert_eq!(printed.heading, "抢修停热通知");
        assert_eq!(printed.areas, vec!["奎文区 金宝花园：1号楼、2号楼"]);
        assert!(
            printed.body.contains("楼前供水管道漏水"),
            "{}",
            printed.body
        );
        assert!(
            printed.body.contains("2026年11月28日 18:00"),
            "{}",
            printed.body
        );
        assert!(printed
            .facts
            .iter()
            .any(|(label, value)| label == "联系方式" && value == "0536-8232111"));
        assert!(printed
            .facts
            .iter()
            .any(|(_, value)| value == "0536-8888888"));
        assert_eq!(printed.signed, "潍坊市热力有限公司");
        assert_eq!(printed.ended, None);
        assert_eq!(printed.short_notice, None);
    }

    #[test]
    fn an_ended_outage_says_so() {
        let mut restored = notice();
        restored.restored_at = Some(local_instant(2026, 11, 28, 16).unwrap());
        let now = local_instant(2026, 11, 28, 17).unwrap();
        let printed = printed_notice(&restored, "c", "h", now, Lang::Zh);
        assert!(printed.ended.unwrap().contains("恢复供热"));
        restored.cancelled = true;
        restored.short_notice_reason = "抢修".into();
        let printed = printed_notice(&restored, "c", "h", now, Lang::En);
        assert!(printed.ended.unwrap().contains("called off"));
        assert!(printed.short_notice.is_some());
    }
}
