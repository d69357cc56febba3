//! The small XML writer the spec's documents need, and its error list.

use super::Open311Error;

/// Text for an XML element or attribute.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot carry at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// A document under construction, starting with the XML declaration.
pub(crate) struct Xml(String);

impl Xml {
    pub(crate) fn new() -> Self {
        Self(String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>"))
    }
    pub(crate) fn open(&mut self, tag: &str) -> &mut Self {
        self.0.push_str(&format!("<{tag}>"));
        self
    }
    pub(crate) fn close(&mut self, tag: &str) -> &mut Self {
        self.0.push_str(&format!("</{tag}>"));
        self
    }
    pub(crate) fn leaf(&mut self, tag: &str, text: &str) -> &mut Self {
        self.0
            .push_str(&format!("<{tag}>{}</{tag}>", xml_escape(text)));
        self
    }
    /// A leaf that may be absent: written empty (`<tag></tag>`).
    pub(crate) fn maybe(&mut self, tag: &str, text: Option<&str>) -> &mut Self {
        self.leaf(tag, text.unwrap_or(""))
    }
    pub(crate) fn yes_no(&mut self, tag: &str, value: bool) -> &mut Self {
        self.leaf(tag, if value { "true" } else { "false" })
    }
    pub(crate) fn finish(self) -> String {
        self.0
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
    }
}
