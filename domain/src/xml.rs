//! A small XML writer over quick-xml for the documents heatdesk writes:
//! Open311's answers and the Atom feed of outages. Escaping is quick-xml's;
//! characters XML 1.0 cannot carry at all are left out.

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;

/// Text for an XML element or attribute: escaped by quick-xml, without
/// the control characters XML 1.0 cannot carry at all.
pub fn xml_escape(text: &str) -> String {
    quick_xml::escape::escape(xml_text(text).as_ref()).into_owned()
}

/// The characters of `text` an XML 1.0 document may carry.
fn xml_text(text: &str) -> std::borrow::Cow<'_, str> {
    let forbidden = |c: char| (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r');
    if text.contains(forbidden) {
        text.chars()
            .filter(|c| !forbidden(*c))
            .collect::<String>()
            .into()
    } else {
        text.into()
    }
}

/// A document under construction by quick-xml's writer, starting with the
/// XML declaration. Writing to memory cannot fail.
pub(crate) struct Xml(Writer<Vec<u8>>);

impl Xml {
    pub(crate) fn new() -> Self {
        let mut writer = Writer::new(Vec::new());
        let declaration = BytesDecl::new("1.0", Some("utf-8"), None);
        writer.write_event(Event::Decl(declaration)).ok();
        Self(writer)
    }
    pub(crate) fn open(&mut self, tag: &str) -> &mut Self {
        self.open_with(tag, &[])
    }
    /// An element's start with attributes (their values escaped by quick-xml).
    pub(crate) fn open_with(&mut self, tag: &str, attributes: &[(&str, &str)]) -> &mut Self {
        self.0
            .write_event(Event::Start(start_of(tag, attributes)))
            .ok();
        self
    }
    /// An element with attributes and nothing inside: `<link href="…"/>`.
    pub(crate) fn empty(&mut self, tag: &str, attributes: &[(&str, &str)]) -> &mut Self {
        self.0
            .write_event(Event::Empty(start_of(tag, attributes)))
            .ok();
        self
    }
    pub(crate) fn close(&mut self, tag: &str) -> &mut Self {
        self.0.write_event(Event::End(BytesEnd::new(tag))).ok();
        self
    }
    pub(crate) fn leaf(&mut self, tag: &str, text: &str) -> &mut Self {
        self.leaf_with(tag, &[], text)
    }
    pub(crate) fn leaf_with(
        &mut self,
        tag: &str,
        attributes: &[(&str, &str)],
        text: &str,
    ) -> &mut Self {
        self.open_with(tag, attributes);
        let text = xml_text(text);
        self.0.write_event(Event::Text(BytesText::new(&text))).ok();
        self.close(tag)
    }
    /// A leaf that may be absent: written empty (`<tag></tag>`).
    pub(crate) fn maybe(&mut self, tag: &str, text: Option<&str>) -> &mut Self {
        self.leaf(tag, text.unwrap_or(""))
    }
    pub(crate) fn yes_no(&mut self, tag: &str, value: bool) -> &mut Self {
        self.leaf(tag, if value { "true" } else { "false" })
    }
    pub(crate) fn finish(self) -> String {
        String::from_utf8(self.0.into_inner()).unwrap_or_default()
    }
}

fn start_of<'a>(tag: &'a str, attributes: &[(&str, &str)]) -> BytesStart<'a> {
    let cleaned: Vec<(&str, std::borrow::Cow<'_, str>)> = attributes
        .iter()
        .map(|(name, value)| (*name, xml_text(value)))
        .collect();
    BytesStart::new(tag)
        .with_attributes(cleaned.iter().map(|(name, value)| (*name, value.as_ref())))
}
