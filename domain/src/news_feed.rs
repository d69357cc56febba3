//! The Atom feed (RFC 4287) of the outage board and the season's decisions,
//! `/outages.atom`, for other city systems: one entry per outage on the
//! board and one per season announcement, newest change first.

use crate::clock::{format_iso, format_month_day_time, UnixSeconds};
use crate::notices::{AffectedArea, OutageNotice};
use crate::season::{season_label, SeasonAnnouncement};
use crate::xml::Xml;
use translations::{text, Lang};

/// What the feed tells: the outages on the board and the season's
/// announcements, as the public pages show them at `now`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicNews {
    pub now: UnixSeconds,
    pub outages: Vec<OutageNotice>,
    pub announcements: Vec<SeasonAnnouncement>,
}

/// One entry before it is written.
struct Entry {
    id: String,
    title: String,
    updated: UnixSeconds,
    published: UnixSeconds,
    link: String,
    category: &'static str,
    summary: String,
}

/// The feed as an Atom document; `base_url` is the portal's public address
/// ("https://heat.example.cn", no trailing slash).
pub fn atom(news: &PublicNews, base_url: &str, lang: Lang) -> String {
    let base = base_url.trim_end_matches('/');
    let mut entries: Vec<Entry> = news
        .outages
        .iter()
        .map(|outage| outage_entry(outage, base, news.now, lang))
        .chain(
            news.announcements
                .iter()
                .map(|a| announcement_entry(a, base, lang)),
        )
        .collect();
    entries.sort_by(|a, b| b.updated.cmp(&a.updated).then_with(|| a.id.cmp(&b.id)));
    let updated = entries.iter().map(|e| e.updated).max().unwrap_or(news.now);
    let self_link = format!("{base}/outages.atom");
    let board = format!("{base}/outages");
    let mut xml = Xml::new();
    xml.open_with(
        "feed",
        &[
            ("xmlns", "http://www.w3.org/2005/Atom"),
            ("xml:lang", lang.tag()),
        ],
    )
    .leaf("id", &self_link)
    .leaf("title", text::feed_title(lang))
    .leaf("updated", &format_iso(updated))
    .empty(
        "link",
        &[
            ("rel", "self"),
            ("type", "application/atom+xml"),
            ("href", &self_link),
        ],
    )
    .empty(
        "link",
        &[
            ("rel", "alternate"),
            ("type", "text/html"),
            ("href", &board),
        ],
    )
    .open("author")
    .leaf("name", text::layout_weifang_heating(lang))
    .leaf("uri", base)
    .close("author")
    .leaf("generator", "heatdesk");
    for entry in &entries {
        xml.open("entry")
            .leaf("id", &entry.id)
            .leaf("title", &entry.title)
            .leaf("updated", &format_iso(entry.updated))
            .leaf("published", &format_iso(entry.published))
            .empty(
                "link",
                &[
                    ("rel", "alternate"),
                    ("type", "text/html"),
                    ("href", &entry.link),
                ],
            )
            .empty("category", &[("term", entry.category)])
            .leaf_with("summary", &[("type", "text")], &entry.summary)
            .close("entry");
    }
    xml.close("feed");
    xml.finish()
}

fn outage_entry(outage: &OutageNotice, base: &str, now: UnixSeconds, lang: Lang) -> Entry {
    let restored = outage.restored_at.filter(|at| *at <= now);
    let updated = [
        Some(outage.published_at),
        outage.latest_update.as_ref().map(|u| u.posted_at),
        restored,
    ]
    .into_iter()
    .flatten()
    .max()
    .unwrap_or(outage.published_at);
    let when = |at| format_month_day_time(at, lang);
    let mut summary = text::feed_outage_summary(
        lang,
        areas(&outage.areas, lang),
        &outage.cause,
        &outage.company_name,
        outage.kind.label(lang),
        when(outage.expected_restore_at),
        when(outage.starts_at),
    );
    if let Some(update) = &outage.latest_update {
        summary.push_str(&text::feed_latest_update(
            lang,
            &update.message,
            when(update.posted_at),
        ));
    }
    if let Some(at) = restored {
        summary.push_str(&text::feed_restored(lang, when(at)));
    }
    Entry {
        id: format!("{base}/outages/{}", outage.id),
        title: text::feed_outage_title(lang, outage.phase.label(lang), &outage.title),
        updated,
        published: outage.published_at,
        link: format!("{base}/outages"),
        category: outage.kind.as_str(),
        summary,
    }
}

fn announcement_entry(announcement: &SeasonAnnouncement, base: &str, lang: Lang) -> Entry {
    let season = season_label(announcement.season_start_year, lang);
    Entry {
        id: format!(
            "{base}/season/{}/{}/{}",
            announcement.season_start_year,
            announcement.kind.as_str(),
            announcement.published_at
        ),
        title: text::feed_season_title(lang, announcement.kind.label(lang), season),
        updated: announcement.published_at,
        published: announcement.published_at,
        link: format!("{base}/"),
        category: announcement.kind.as_str(),
        summary: if announcement.kind.moves_the_season() {
            text::feed_season_summary(
                lang,
                format_month_day_time(announcement.effective_at, lang),
                &announcement.reason,
            )
        } else {
            text::feed_limit_summary(
                lang,
                format_month_day_time(announcement.effective_at, lang),
                &announcement.reason,
            )
        },
    }
}

/// "金宝花园：1号楼、2号楼；东方花园：全部楼栋"
fn areas(areas: &[AffectedArea], lang: Lang) -> String {
    let one = |area: &AffectedArea| {
        let buildings = if area.whole_community {
            text::feed_whole_community(lang).to_string()
        } else {
            area.buildings.join(text::list_separator(lang))
        };
        text::feed_area(lang, buildings, &area.community_name)
    };
    let all: Vec<String> = areas.iter().map(one).collect();
    all.join(text::feed_area_separator(lang))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::local_instant;
    use crate::notices::OutageUpdateNote;
    use crate::outage::{OutageKind, OutagePhase};
    use crate::season::AnnouncementKind;
    use quick_xml::events::Event;
    use quick_xml::Reader;

    fn at(day: u32, hour: u32) -> UnixSeconds {
        local_instant(2026, 11, day, hour).unwrap()
    }

    fn news() -> PublicNews {
        let outage = OutageNotice {
            id: 7,
            kind: OutageKind::Emergency,
            phase: OutagePhase::Ongoing,
            title: "金宝花园 抢修停热".to_string(),
            cause: "一次网阀门故障 <DN300> & 漏水".to_string(),
            company_name: "潍坊热力".to_string(),
            starts_at: at(28, 6),
            expected_restore_at: at(28, 18),
            restored_at: None,
            published_at: at(28, 7),
            areas: vec![AffectedArea {
                community_id: 1,
                community_name: "金宝花园".to_string(),
                district: "奎文区".to_string(),
                whole_community: false,
                buildings: vec!["1号楼".to_string(), "2号楼".to_string()],
            }],
            latest_update: Some(OutageUpdateNote {
                posted_at: at(28, 9),
                message: "已更换阀门".to_string(),
            }),
            cancelled: false,
            short_notice_reason: String::new(),
            contact: String::new(),
        };
        let restored = OutageNotice {
            id: 3,
            phase: OutagePhase::Restored,
            restored_at: Some(at(27, 20)),
            published_at: at(26, 8),
            latest_update: None,
            cancelled: false,
            short_notice_reason: String::new(),
            contact: String::new(),
            title: "东方花园 计划停热".to_string(),
            kind: OutageKind::Planned,
            areas: vec![AffectedArea {
                whole_community: true,
                community_name: "东方花园".to_string(),
                buildings: vec![],
                ..outage.areas[0].clone()
            }],
            ..outage.clone()
        };
        PublicNews {
            now: at(28, 10),
            outages: vec![restored, outage],
            announcements: vec![SeasonAnnouncement {
                season_start_year: 2026,
                kind: AnnouncementKind::EarlyStart,
                effective_at: at(10, 12),
                reason: "寒潮提前到来".to_string(),
                published_at: at(8, 9),
                companies: Vec::new(),
            }],
        }
    }

    /// The document read back by quick-xml: (element, text) of every leaf,
    /// and the attributes of every empty element.
    /// (element, text) of each leaf; (element, attributes) of each empty element.
    type Read = (Vec<(String, String)>, Vec<(String, Vec<(String, String)>)>);

    fn read(xml: &str) -> Read {
        let mut reader = Reader::from_str(xml);
        let (mut leaves, mut empties) = (Vec::new(), Vec::new());
        let (mut open, mut content) = (String::new(), String::new());
        loop {
            match reader.read_event().expect("well-formed XML") {
                Event::Start(start) => {
                    open = start.name().as_ref().to_string();
                    content.clear();
                }
                Event::Text(text) => content.push_str(&text.xml10_content()),
                Event::GeneralRef(reference) => match reference.resolve_char_ref().unwrap() {
                    Some(c) => content.push(c),
                    None => content.push_str(
                        quick_xml::escape::resolve_predefined_entity(&reference.xml10_content())
                            .unwrap(),
                    ),
                },
                Event::End(_) if !content.is_empty() => {
                    leaves.push((open.clone(), std::mem::take(&mut content)))
                }
                Event::Empty(empty) => empties.push((
                    empty.name().as_ref().to_string(),
                    empty
                        .attributes()
                        .map(|a| {
                            let a = a.unwrap();
                            let value = a.normalized_value(quick_xml::XmlVersion::Explicit1_0);
                            (a.key.as_ref().to_string(), value.unwrap().into_owned())
                        })
                        .collect(),
                )),
                Event::Eof => break,
                _ => {}
            }
        }
        (leaves, empties)
    }

    #[test]
    fn the_feed_lists_outages_and_season_decisions_newest_first() {
        let xml = atom(&news(), "https://heat.example.cn/", Lang::Zh);
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?><feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">"));
        let (leaves, empties) = read(&xml);
        let all = |tag: &str| {
            leaves
                .iter()
                .filter(|(t, _)| t == tag)
                .map(|(_, v)| v.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            all("id"),
            [
                "https://heat.example.cn/outages.atom",
                "https://heat.example.cn/outages/7",
                "https://heat.example.cn/outages/3",
                "https://heat.example.cn/season/2026/early_start/1794099600",
            ]
            .map(String::from)
        );
        // The feed's time is its newest entry's: the update at 09:00.
        assert_eq!(all("updated")[0], "2026-11-28T09:00:00+08:00");
        assert_eq!(all("updated")[1], "2026-11-28T09:00:00+08:00");
        assert_eq!(all("title")[1], "停热中 · 金宝花园 抢修停热");
        let summary = &all("summary")[0];
        assert!(
            summary.contains("一次网阀门故障 <DN300> & 漏水"),
            "{summary}"
        );
        assert!(summary.contains("金宝花园：1号楼、2号楼"), "{summary}");
        assert!(summary.contains("已更换阀门"), "{summary}");
        assert!(all("summary")[1].contains("东方花园：全部楼栋"));
        assert!(all("summary")[1].contains("11月27日 20:00"));
        assert_eq!(all("title")[3], "提前供热 · 2026—2027 供暖季");
        assert!(all("summary")[2].contains("寒潮提前到来"));
        let self_link = &empties[0];
        assert_eq!(self_link.0, "link");
        assert!(self_link.1.contains(&(
            "href".to_string(),
            "https://heat.example.cn/outages.atom".to_string()
        )));
        assert!(empties
            .iter()
            .any(|(tag, attrs)| tag == "category" && attrs[0].1 == "emergency"));
        // The text escapes; the document stays well-formed.
        assert!(xml.contains("&lt;DN300&gt; &amp; 漏水"));
    }

    #[test]
    fn english_readers_get_the_feed_in_english() {
        let xml = atom(&news(), "https://heat.example.cn", Lang::En);
        let (leaves, _) = read(&xml);
        assert!(xml.contains("xml:lang=\"en\""));
        assert!(
            leaves
                .iter()
                .any(|(t, v)| t == "title" && v.starts_with("Heat off now · ")),
            "{xml}"
        );
        assert!(
            leaves
                .iter()
                .any(|(t, v)| t == "summary" && v.contains("expected back 28 Nov 18:00")),
            "{xml}"
        );
    }

    #[test]
    fn an_empty_board_is_still_a_feed() {
        let empty = PublicNews {
            now: at(28, 10),
            outages: vec![],
            announcements: vec![],
        };
        let xml = atom(&empty, "https://heat.example.cn", Lang::Zh);
        let (leaves, _) = read(&xml);
        assert!(leaves.contains(&(
            "updated".to_string(),
            "2026-11-28T10:00:00+08:00".to_string()
        )));
        assert!(!xml.contains("<entry>"));
    }
}
