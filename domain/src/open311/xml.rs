//! Open311's error list in XML (the writer is `crate::xml`).

use super::Open311Error;
pub use crate::xml::xml_escape;
use crate::xml::Xml;

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
