//! An e-invoice (电子发票) request: the title, the buyer's tax number for
//! a company title, and where to send it.

use translations::{text, StaticText};

/// The longest invoice title.
pub const MAX_TITLE_CHARS: usize = 100;

/// Checks a request as typed: a title (a person's name or a company's),
/// a 统一社会信用代码 of 15 to 20 letters and digits when given, an email
/// address when given. Answers them trimmed, the tax number in capitals.
pub fn check_invoice_request(
    title: &str,
    tax_no: &str,
    email: &str,
) -> Result<(String, Option<String>, Option<String>), StaticText> {
    let title = title.trim();
    if title.is_empty() {
        return Err(text::fees_invoice_title_missing);
    }
    if title.chars().count() > MAX_TITLE_CHARS || title.chars().any(char::is_control) {
        return Err(text::fees_invoice_title_too_long);
    }
    let tax_no: String = tax_no
        .trim()
        .chars()
        .map(crate::typing::halfwidth)
        .collect();
    let tax_no = tax_no.to_ascii_uppercase();
    let well_formed =
        (15..=20).contains(&tax_no.len()) && tax_no.chars().all(|c| c.is_ascii_alphanumeric());
    if !tax_no.is_empty() && !well_formed {
        return Err(text::fees_invoice_tax_no);
    }
    let email = email.trim();
    let plausible = |e: &str| {
        e.len() <= 254
            && e.split_once('@').is_some_and(|(local, host)| {
                !local.is_empty()
                    && host.contains('.')
                    && !host.starts_with('.')
                    && !host.ends_with('.')
            })
            && !e.chars().any(|c| c.is_whitespace() || c.is_control())
    };
    if !email.is_empty() && !plausible(email) {
        return Err(text::fees_invoice_email);
    }
    Ok((
        title.to_string(),
        (!tax_no.is_empty()).then_some(tax_no),
        (!email.is_empty()).then(|| email.to_string()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_checked_and_tidied() {
        assert_eq!(
            check_invoice_request(" 王秀英 ", "", ""),
            Ok(("王秀英".to_string(), None, None))
        );
        assert_eq!(
            check_invoice_request("潍坊某某有限公司", "91370700ma3c0xxx1k", "a@b.cn"),
            Ok((
                "潍坊某某有限公司".to_string(),
                Some("91370700MA3C0XXX1K".to_string()),
                Some("a@b.cn".to_string())
            ))
        );
        assert!(check_invoice_request("", "", "").is_err());
        assert!(check_invoice_request("x", "123", "").is_err());
        assert!(check_invoice_request("x", "", "not-an-email").is_err());
        assert!(check_invoice_request(&"长".repeat(101), "", "").is_err());
    }
}
