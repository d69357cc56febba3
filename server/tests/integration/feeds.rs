//! The Atom feed of outages and season decisions over real HTTP, on SQLite
//! and PostgreSQL: what the board shows, well-formed, in the reader's language.

use crate::support::{client, TestServer};
use backend::on_both_engines;
use quick_xml::events::Event;
use quick_xml::Reader;

/// The text of every `tag` element in the document, which must be well-formed.
fn texts_of(xml: &str, tag: &str) -> Vec<String> {
    let mut reader = Reader::from_str(xml);
    let (mut texts, mut inside, mut content) = (Vec::new(), false, String::new());
    loop {
        match reader.read_event().expect("a well-formed feed") {
            Event::Start(start) => {
                inside = start.name().as_ref() == tag;
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
            Event::End(_) => {
                if inside {
                    texts.push(std::mem::take(&mut content));
                }
                inside = false;
            }
            Event::Eof => return texts,
            _ => {}
        }
    }
}

on_both_engines!(
    the_feed_tells_what_the_board_shows,
    TestServer,
    |server: &TestServer| {
        let feed = server.url("/outages.atom");
        let board = server.url("/outages");
        async move {
            let response = client().get(&feed).send().await.unwrap();
            assert_eq!(response.status(), 200);
            assert_eq!(
                response.headers()["content-type"],
                "application/atom+xml; charset=utf-8"
            );
            let xml = response.text().await.unwrap();
            assert!(xml.contains("xml:lang=\"zh-CN\""));
            let ids = texts_of(&xml, "id");
            assert!(ids[0].ends_with("/outages.atom"), "{ids:?}");
            // Every outage the public board lists is an entry, and the
            // season's early start is one too.
            let page = client()
                .get(&board)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            // The board points feed readers at it.
            let link = page
                .split("<link ")
                .find(|tag| tag.starts_with(r#"href="/outages.atom""#))
                .map(|tag| tag.split('>').next().unwrap_or_default());
            assert!(
                link.is_some_and(|l| l.contains(r#"rel="alternate""#)
                    && l.contains(r#"type="application/atom+xml""#)),
                "{link:?}"
            );
            let outages: Vec<&String> = ids.iter().filter(|id| id.contains("/outages/")).collect();
            assert!(!outages.is_empty());
            assert_eq!(
                outages.len(),
                page.matches("data-outage-id=").count(),
                "{xml}"
            );
            let titles = texts_of(&xml, "title");
            assert!(
                titles
                    .iter()
                    .any(|t| t.contains("东风东街一次网管道爆管抢修")),
                "{titles:?}"
            );
            assert!(
                titles.iter().any(|t| t.starts_with("提前供热 · ")),
                "{titles:?}"
            );
            // Newest change first.
            let updated = texts_of(&xml, "updated");
            let entries = &updated[1..];
            assert!(entries.windows(2).all(|w| w[0] >= w[1]), "{updated:?}");
            assert_eq!(updated[0], entries[0]);

            let english = client()
                .get(&feed)
                .header("cookie", "hd_lang=en")
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            assert!(english.contains("xml:lang=\"en\""));
            assert!(texts_of(&english, "title")
                .iter()
                .any(|t| t.starts_with("Early start · ")));
        }
    }
);
