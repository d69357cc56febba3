//! A payment order's life (created → paying → paid / closed / failed), the
//! channel a resident pays through, and when heatdesk asks the provider
//! about an order it has heard nothing of.
//!
//! An order is believed paid only from the provider: a verified
//! notification or an answer to heatdesk's own query. The resident's
//! browser coming back from the provider's page proves nothing.

use crate::clock::UnixSeconds;
use serde::{Deserialize, Serialize};
use translations::{text, Lang};

/// The two providers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Provider {
    WeChatPay,
    Alipay,
}

impl Provider {
    pub const ALL: [Self; 2] = [Self::WeChatPay, Self::Alipay];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::WeChatPay => "wechat",
            Self::Alipay => "alipay",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == text)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Self::WeChatPay => text::fees_provider_wechat(lang),
            Self::Alipay => text::fees_provider_alipay(lang),
        }
    }
}

/// How an order is handed to the provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Channel {
    /// WeChat Pay inside WeChat's browser, with the payer's openid.
    WeChatJsapi,
    /// WeChat Pay from another phone browser (a page on WeChat's site).
    WeChatH5,
    /// WeChat Pay from a desktop: a QR code to scan.
    WeChatNative,
    /// `alipay.trade.wap.pay` from a phone.
    AlipayWap,
    /// `alipay.trade.page.pay` from a desktop.
    AlipayPage,
}

impl Channel {
    pub const ALL: [Self; 5] = [
        Self::WeChatJsapi,
        Self::WeChatH5,
        Self::WeChatNative,
        Self::AlipayWap,
        Self::AlipayPage,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::WeChatJsapi => "wechat_jsapi",
            Self::WeChatH5 => "wechat_h5",
            Self::WeChatNative => "wechat_native",
            Self::AlipayWap => "alipay_wap",
            Self::AlipayPage => "alipay_page",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == text)
    }

    pub fn provider(self) -> Provider {
        match self {
            Self::WeChatJsapi | Self::WeChatH5 | Self::WeChatNative => Provider::WeChatPay,
            Self::AlipayWap | Self::AlipayPage => Provider::Alipay,
        }
    }
}

/// The browser a resident pays from, as its user agent tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PayingBrowser {
    /// WeChat's in-app browser (`MicroMessenger` in the user agent).
    pub in_wechat: bool,
    /// A phone or tablet.
    pub phone: bool,
}

impl PayingBrowser {
    pub fn from_user_agent(user_agent: &str) -> Self {
        let in_wechat = user_agent.contains("MicroMessenger");
        let phone = in_wechat
            || ["Mobile", "Android", "iPhone", "iPad", "AlipayClient"]
                .iter()
                .any(|marker| user_agent.contains(marker));
        Self { in_wechat, phone }
    }

    /// The channel for paying with `provider` from this browser. Inside
    /// WeChat, WeChat Pay goes through JSAPI when the resident signed in
    /// with WeChat (the openid is known), H5 otherwise.
    pub fn channel(self, provider: Provider, has_openid: bool) -> Channel {
        match provider {
            Provider::WeChatPay if self.in_wechat && has_openid => Channel::WeChatJsapi,
            Provider::WeChatPay if self.phone => Channel::WeChatH5,
            Provider::WeChatPay => Channel::WeChatNative,
            Provider::Alipay if self.phone => Channel::AlipayWap,
            Provider::Alipay => Channel::AlipayPage,
        }
    }

    /// Providers a resident can pay with here. WeChat's browser does not
    /// open Alipay's pages (WeChat blocks them).
    pub fn providers(self) -> &'static [Provider] {
        if self.in_wechat {
            &[Provider::WeChatPay]
        } else {
            &Provider::ALL
        }
    }
}

/// Where a payment order stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PaymentState {
    /// Recorded, not yet accepted by the provider.
    Created,
    /// The provider accepted it; the resident is paying.
    Paying,
    /// The provider says the money arrived.
    Paid,
    /// Closed unpaid (by heatdesk or the provider, or it expired).
    Closed,
    /// The provider refused it.
    Failed,
}

impl PaymentState {
    pub const ALL: [Self; 5] = [
        Self::Created,
        Self::Paying,
        Self::Paid,
        Self::Closed,
        Self::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Paying => "paying",
            Self::Paid => "paid",
            Self::Closed => "closed",
            Self::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// An open order blocks another for the same bill.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Created | Self::Paying)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Self::Created | Self::Paying => text::fees_payment_paying(lang),
            Self::Paid => text::fees_payment_paid(lang),
            Self::Closed => text::fees_payment_closed(lang),
            Self::Failed => text::fees_payment_failed(lang),
        }
    }
}

/// What happened to an order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaymentEvent {
    /// The provider accepted the order (a prepay id, a page to open).
    Accepted,
    /// A verified notification or query: the money arrived.
    ProviderPaid,
    /// The provider closed it unpaid, or heatdesk closed it.
    Closed,
    /// The provider refused it.
    ProviderFailed,
}

/// The outcome of an event on an order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transition {
    /// The order moves to this state.
    To(PaymentState),
    /// Already there: a resent notification changes nothing.
    Unchanged,
    /// Not possible from this state (kept as is, logged).
    Refused,
}

/// The state machine. A provider's word that money arrived is always
/// believed, even for an order heatdesk had closed (the resident paid
/// before the close reached the provider): the money moved, so the order
/// is paid, and anything beyond the bill is refunded.
pub fn next_state(state: PaymentState, event: PaymentEvent) -> Transition {
    use PaymentEvent as E;
    use PaymentState as S;
    match (state, event) {
        (S::Created, E::Accepted) => Transition::To(S::Paying),
        (S::Paying, E::Accepted) => Transition::Unchanged,
        (S::Paid, E::ProviderPaid) | (S::Closed, E::Closed) | (S::Failed, E::ProviderFailed) => {
            Transition::Unchanged
        }
        (S::Created | S::Paying | S::Closed | S::Failed, E::ProviderPaid) => {
            Transition::To(S::Paid)
        }
        (S::Created | S::Paying, E::Closed) => Transition::To(S::Closed),
        (S::Created | S::Paying, E::ProviderFailed) => Transition::To(S::Failed),
        _ => Transition::Refused,
    }
}

/// How long an order waits for a notification before heatdesk queries
/// the provider about it.
pub const QUERY_AFTER_SECONDS: i64 = 5 * 60;

/// How long an order stays open unpaid before heatdesk closes it (the
/// providers' own orders expire after 2 hours by default; ours are
/// closed sooner so a resident can start again).
pub const CLOSE_AFTER_SECONDS: i64 = 30 * 60;

/// Whether an open order created at `created_at` is due for a query.
pub fn query_due(state: PaymentState, created_at: UnixSeconds, now: UnixSeconds) -> bool {
    state.is_open() && now - created_at >= QUERY_AFTER_SECONDS
}

/// The order number heatdesk gives the provider (`out_trade_no`): 6 to 32
/// letters and digits for both providers. The order's id makes it unique;
/// the prefix tells a payment from a refund in the providers' bills.
pub fn out_trade_no(order_id: i64) -> String {
    format!("HDP{order_id:012}")
}

/// The refund number (`out_refund_no`, Alipay's `out_request_no`): the same
/// for every retry of one refund, which makes retries safe.
pub fn out_refund_no(refund_id: i64) -> String {
    format!("HDR{refund_id:012}")
}

/// The order id in an order number heatdesk gave, if it is one.
pub fn order_id_of(out_trade_no: &str) -> Option<i64> {
    let digits = out_trade_no.strip_prefix("HDP")?;
    (digits.len() == 12 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
}

/// A refund order's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RefundState {
    /// Recorded; to be sent (or resent) to the provider.
    Requested,
    /// The provider accepted it and is moving the money.
    Processing,
    Succeeded,
    /// The provider refused it: an admin looks at it.
    Failed,
}

impl RefundState {
    pub const ALL: [Self; 4] = [
        Self::Requested,
        Self::Processing,
        Self::Succeeded,
        Self::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Requested => "requested",
            Self::Processing => "processing",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Self::Requested | Self::Processing => text::fees_refund_processing(lang),
            Self::Succeeded => text::fees_refund_succeeded(lang),
            Self::Failed => text::fees_refund_failed(lang),
        }
    }
}

/// How many times a refund the provider refuses is tried (a refusal may
/// pass: a low merchant balance, a rate limit) before an admin looks at it.
pub const MAX_REFUND_ATTEMPTS: i64 = 5;

/// Why heatdesk refunds money.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RefundReason {
    /// The bill was already paid: a second payment goes back whole.
    PaidTwice,
    /// A fee reduction after the bill was paid.
    Reduction,
    /// The billing system lowered a bill already paid.
    BillLowered,
}

impl RefundReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PaidTwice => "paid_twice",
            Self::Reduction => "reduction",
            Self::BillLowered => "bill_lowered",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::PaidTwice, Self::Reduction, Self::BillLowered]
            .into_iter()
            .find(|r| r.as_str() == text)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Self::PaidTwice => text::fees_refund_paid_twice(lang),
            Self::Reduction => text::fees_refund_reduction(lang),
            Self::BillLowered => text::fees_refund_bill_lowered(lang),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const WECHAT_UA: &str = "Mozilla/5.0 (Linux; Android 14; V2307A) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160083 MMWEBSDK/20240404 MicroMessenger/8.0.49.2600(0x28003133) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64";
    const PHONE_UA: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
    const DESKTOP_UA: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

    #[test]
    fn each_browser_pays_through_its_channel() {
        let wechat = PayingBrowser::from_user_agent(WECHAT_UA);
        assert_eq!(
            wechat.channel(Provider::WeChatPay, true),
            Channel::WeChatJsapi
        );
        assert_eq!(
            wechat.channel(Provider::WeChatPay, false),
            Channel::WeChatH5
        );
        assert_eq!(wechat.providers(), &[Provider::WeChatPay]);
        let phone = PayingBrowser::from_user_agent(PHONE_UA);
        assert_eq!(phone.channel(Provider::WeChatPay, false), Channel::WeChatH5);
        assert_eq!(phone.channel(Provider::Alipay, false), Channel::AlipayWap);
        let desktop = PayingBrowser::from_user_agent(DESKTOP_UA);
        assert_eq!(
            desktop.channel(Provider::WeChatPay, true),
            Channel::WeChatNative
        );
        assert_eq!(
            desktop.channel(Provider::Alipay, false),
            Channel::AlipayPage
        );
        for channel in Channel::ALL {
            assert_eq!(Channel::parse(channel.as_str()), Some(channel));
        }
    }

    #[test]
    fn only_the_provider_marks_an_order_paid() {
        use PaymentEvent as E;
        use PaymentState as S;
        assert_eq!(
            next_state(S::Created, E::Accepted),
            Transition::To(S::Paying)
        );
        assert_eq!(
            next_state(S::Paying, E::ProviderPaid),
            Transition::To(S::Paid)
        );
        assert_eq!(next_state(S::Paid, E::ProviderPaid), Transition::Unchanged);
        assert_eq!(next_state(S::Paid, E::Closed), Transition::Refused);
        assert_eq!(
            next_state(S::Closed, E::ProviderPaid),
            Transition::To(S::Paid)
        );
        assert_eq!(next_state(S::Paying, E::Closed), Transition::To(S::Closed));
        assert_eq!(next_state(S::Failed, E::Accepted), Transition::Refused);
    }

    #[test]
    fn order_numbers_fit_both_providers_and_read_back() {
        let no = out_trade_no(42);
        assert_eq!(no, "HDP000000000042");
        assert!((6..=32).contains(&no.len()));
        assert_eq!(order_id_of(&no), Some(42));
        assert_eq!(order_id_of("HDR000000000042"), None);
        assert_eq!(order_id_of("HDP42"), None);
        assert_eq!(out_refund_no(7), "HDR000000000007");
    }

    #[test]
    fn an_order_is_queried_after_five_quiet_minutes() {
        assert!(!query_due(PaymentState::Paying, 0, QUERY_AFTER_SECONDS - 1));
        assert!(query_due(PaymentState::Paying, 0, QUERY_AFTER_SECONDS));
        assert!(!query_due(PaymentState::Paid, 0, 10 * QUERY_AFTER_SECONDS));
    }

    fn any_state() -> impl Strategy<Value = PaymentState> {
        prop::sample::select(PaymentState::ALL.to_vec())
    }

    fn any_event() -> impl Strategy<Value = PaymentEvent> {
        prop::sample::select(vec![
            PaymentEvent::Accepted,
            PaymentEvent::ProviderPaid,
            PaymentEvent::Closed,
            PaymentEvent::ProviderFailed,
        ])
    }

    proptest! {
        #[test]
        fn a_paid_order_stays_paid(events in prop::collection::vec(any_event(), 0..12)) {
            let mut state = PaymentState::Paid;
            for event in events {
                if let Transition::To(next) = next_state(state, event) {
                    state = next;
                }
            }
            prop_assert_eq!(state, PaymentState::Paid);
        }

        #[test]
        fn every_event_applied_twice_changes_nothing_the_second_time(
            state in any_state(), event in any_event(),
        ) {
            if let Transition::To(next) = next_state(state, event) {
                prop_assert_ne!(next_state(next, event), Transition::Refused);
                prop_assert!(!matches!(next_state(next, event), Transition::To(_)));
            }
        }

        #[test]
        fn a_provider_payment_always_ends_paid(state in any_state()) {
            let after = match next_state(state, PaymentEvent::ProviderPaid) {
                Transition::To(next) => next,
                _ => state,
            };
            prop_assert_eq!(after, PaymentState::Paid);
        }
    }
}
