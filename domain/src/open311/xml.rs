//! The small XML writer the spec's documents need, and its error list.

use super::Open311Error;
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
        self.0.write_event(Event::Start(BytesStart::new(tag))).ok();
        self
    }
    pub(crate) fn close(&mut self, tag: &str) -> &mut Self {
        self.0.write_event(Event::End(BytesEnd::new(tag))).ok();
        self
    }
    pub(crate) fn leaf(&mut self, tag: &str, text: &str) -> &mut Self {
        self.open(tag);
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

/// `<errors><error><code>404</code><description>…</description></error></errors>`
pub fn errors_xml(errors: &[Open311Error]) -> String {
    let mut xml = Xml::new();
    xml.open("errors");
    for e in errors {
        xml.open("error")
            .leaf("code", &e.code.to_string())
            .leaf("description", &e.description)
            .close("error");
    }
    xml.close("errors");
    xml.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_errors_are_listed() {
        assert_eq!(xml_escape("a<b&\"c'>\u{1}"), "a&lt;b&amp;&quot;c&apos;&gt;");
        let errors = errors_xml(&[Open311Error::new(404, "no <such> service")]);
        assert!(errors.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?><errors><error>"));
        assert!(
            errors.contains("<code>404</code><description>no &lt;such&gt; service</description>")
        );
        // quick-xml writes a carriage return as a character reference, so a
        // parser does not turn it into a line feed.
        assert_eq!(xml_escape("a\r\nb"), "a&#13;\nb");
        let mut xml = Xml::new();
        xml.open("a")
            .maybe("b", None)
            .leaf("c", "x\u{2}&y")
            .close("a");
        assert_eq!(
            xml.finish(),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><a><b></b><c>x&amp;y</c></a>"
        );
    }
}
