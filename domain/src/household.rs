//! Binding a household: the account number on the heating bill plus a second
//! fact the heating company holds (the holder's name), then a proof that
//! somebody behind the household agrees: the holder's phone on file, or a
//! resident already bound to it. Both facts are printed on every bill, so
//! they alone bind nothing.

use crate::clock::UnixSeconds;
use crate::otp::OtpPolicy;
use crate::typing::halfwidth;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use translations::{text, Lang, Localize, Localized, StaticText};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BindingInputError {
    AccountNo,
    HolderName,
}

impl Localize for BindingInputError {
    fn say(&self, lang: Lang) -> Cow<'static, str> {
        match self {
            Self::AccountNo => text::binding_account_no_invalid(lang).into(),
            Self::HolderName => text::binding_holder_name_missing(lang).into(),
        }
    }
}

translations::localized_error!(BindingInputError);

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

/// The single answer for "no such account" and "wrong name", so that the
/// form does not reveal which account numbers exist.
pub const NO_MATCH_MESSAGE: StaticText = text::binding_no_match;

/// How a binding whose account number and holder's name matched goes on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BindingRoute {
    /// The resident signed in with the holder's phone on file: that is
    /// the proof.
    BindNow,
    /// A code goes to the holder's phone on file, and/or the residents
    /// already bound are asked to approve; either completes it.
    Confirm {
        code_to_holder: bool,
        ask_residents: bool,
    },
    /// Nobody can vouch online: the company's counter or hotline can.
    AtTheCounter,
}

/// The route for a resident signed in with `own_phone`, given the holder's
/// phone on file and how many residents are bound already.
pub fn binding_route(
    own_phone: Option<&str>,
    holder_phone: Option<&str>,
    bound_residents: usize,
) -> BindingRoute {
    match (own_phone, holder_phone) {
        (Some(own), Some(holder)) if own == holder => BindingRoute::BindNow,
        (_, holder) if holder.is_some() || bound_residents > 0 => BindingRoute::Confirm {
            code_to_holder: holder.is_some(),
            ask_residents: bound_residents > 0,
        },
        _ => BindingRoute::AtTheCounter,
    }
}

/// Limits on the code a binding sends to the holder's phone: like a
/// consent's, it is read out by someone else, so it lives ten minutes.
pub fn binding_code_policy() -> OtpPolicy {
    OtpPolicy {
        lifetime: 10 * 60,
        ..OtpPolicy::default()
    }
}

/// How long residents already bound may approve a request.
pub const APPROVAL_WINDOW: i64 = 7 * 24 * 3600;

/// Whether a binding request made at `created_at` may still be approved.
pub fn approval_open(created_at: UnixSeconds, now: UnixSeconds) -> bool {
    now < created_at + APPROVAL_WINDOW
}

/// What a resident already bound decides of another's request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BindingDecision {
    Approve,
    Decline,
}

impl BindingDecision {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "approve" => Some(Self::Approve),
            "decline" => Some(Self::Decline),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Approve => "approve",
            Self::Decline => "decline",
        }
    }
}

/// What the residents already bound read when someone else binds their
/// household: who (masked) and how it was confirmed.
pub fn new_binder_news(masked_phone: &str, confirmed_by: &str) -> String {
    format!(
        "新增绑定人（手机 {masked_phone}，{confirmed_by}）。如不认识此人，请登录后在“我的”中查看，或拨打供热服务热线。"
    )
}

/// What they read when someone asks them to approve.
pub fn approval_request_news(masked_phone: &str) -> String {
    format!("手机 {masked_phone} 申请绑定您家，请登录后在“我的”中同意或拒绝；如不认识此人请拒绝。")
}

/// Why a binding cannot be done online, and whom to call.
pub fn at_the_counter_message(hotline: &str) -> Localized {
    Localized::new(|lang| text::binding_at_the_counter(lang, hotline))
}

/// A home picked by its address whose holder's name does not match: the
/// home is certain, so the resident is told why in plain words and whom to
/// call.
pub fn address_no_match_message(hotline: &str) -> Localized {
    Localized::new(|lang| text::binding_address_no_match(lang, hotline))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_home_picked_by_address_says_whom_to_call() {
        let message = address_no_match_message("0536-8888888");
        assert!(message.get(Lang::Zh).contains("0536-8888888"));
        assert!(message.get(Lang::Zh).contains("过户"));
    }

    #[test]
    fn the_route_follows_who_can_vouch() {
        let holder = Some("13800000001");
        assert_eq!(
            binding_route(Some("13800000001"), holder, 0),
            BindingRoute::BindNow
        );
        assert_eq!(
            binding_route(Some("13900000005"), holder, 2),
            BindingRoute::Confirm {
                code_to_holder: true,
                ask_residents: true
            }
        );
        assert_eq!(
            binding_route(Some("13900000005"), None, 1),
            BindingRoute::Confirm {
                code_to_holder: false,
                ask_residents: true
            }
        );
        assert_eq!(
            binding_route(Some("13900000005"), holder, 0),
            BindingRoute::Confirm {
                code_to_holder: true,
                ask_residents: false
            }
        );
        assert_eq!(
            binding_route(Some("13900000005"), None, 0),
            BindingRoute::AtTheCounter
        );
        // Without a phone of their own (never, for a resident) nothing binds at once.
        assert_eq!(binding_route(None, None, 0), BindingRoute::AtTheCounter);
    }

    #[test]
    fn approvals_stay_open_a_week() {
        assert!(approval_open(0, APPROVAL_WINDOW - 1));
        assert!(!approval_open(0, APPROVAL_WINDOW));
        assert_eq!(
            BindingDecision::parse("approve"),
            Some(BindingDecision::Approve)
        );
        assert_eq!(BindingDecision::parse("x"), None);
        assert!(new_binder_news("139****0005", "户主短信确认").contains("139****0005"));
    }

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
