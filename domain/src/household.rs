//! Binding a household: the account number on the heating bill plus a second
//! fact the heating company holds (the holder's name).

use crate::typing::halfwidth;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BindingInputError {
    #[error("请输入供热缴费单上的户号（4 到 20 位字母或数字）")]
    AccountNo,
    #[error("请输入户主姓名")]
    HolderName,
}

/// An account number as printed on the bill: letters and digits, spaces and
/// dashes ignored, full-width characters allowed, letters upper-cased.
pub fn parse_account_no(text: &str) -> Result<String, BindingInputError> {
    let account: String = text
        .chars()
        .map(halfwidth)
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if (4..=20).contains(&account.len()) && account.chars().all(|c| c.is_ascii_alphanumeric()) {
        Ok(account)
    } else {
        Err(BindingInputError::AccountNo)
    }
}

/// A holder's name for comparison: inner and outer spaces dropped.
pub fn normalize_holder_name(text: &str) -> Result<String, BindingInputError> {
    let name: String = text
        .chars()
        .map(halfwidth)
        .filter(|c| !c.is_whitespace())
        .collect();
    if name.is_empty() || name.chars().count() > 40 {
        Err(BindingInputError::HolderName)
    } else {
        Ok(name)
    }
}

/// Failed binding attempts allowed per person per day (stops guessing names).
pub const MAX_FAILED_BINDINGS_PER_DAY: i64 = 10;

/// The single answer for "no such account" and "wrong name", so that the
/// form does not reveal which account numbers exist.
pub const NO_MATCH_MESSAGE: &str = "户号与户主姓名不匹配，请核对缴费单后再试";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_numbers_are_normalized() {
        assert_eq!(parse_account_no(" wf-0001 2345 ").unwrap(), "WF00012345");
        assert_eq!(parse_account_no("ＷＦ０００１").unwrap(), "WF0001");
        assert!(parse_account_no("12").is_err());
        assert!(parse_account_no("WF0001;--").is_err());
        assert!(parse_account_no(&"9".repeat(21)).is_err());
    }

    #[test]
    fn holder_names_drop_spaces() {
        assert_eq!(normalize_holder_name(" 王 秀英 ").unwrap(), "王秀英");
        assert!(normalize_holder_name("   ").is_err());
    }
}
