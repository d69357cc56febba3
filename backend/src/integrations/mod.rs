//! Outbound integrations: text messages (the log channel, Aliyun SMS),
//! WeChat web authorization for sign-in, WeChat template messages for
//! case news, and the JS-SDK's signed configuration for share cards; the
//! official account's access token is held once for the last two.

pub mod hotline;
pub mod payments;
pub mod sms;
pub mod wechat;
pub mod wechat_share;
pub mod wechat_template;
pub mod wechat_token;
