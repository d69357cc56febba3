//! Small text helpers for the views.

/// Reads an optional positive id from a query parameter; anything else
/// (empty, text, zero, negative) means "not chosen".
pub fn parse_id(value: Option<String>) -> Option<i64> {
    value
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|id| *id > 0)
}

#[cfg(test)]
mod tests {
    use super::parse_id;

    #[test]
    fn ids_from_query_parameters() {
        assert_eq!(parse_id(Some("42".into())), Some(42));
        assert_eq!(parse_id(Some(" 7 ".into())), Some(7));
        assert_eq!(parse_id(Some("".into())), None);
        assert_eq!(parse_id(Some("0".into())), None);
        assert_eq!(parse_id(Some("-3".into())), None);
        assert_eq!(parse_id(Some("abc".into())), None);
        assert_eq!(parse_id(None), None);
    }
}
