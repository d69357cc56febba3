//! Outbound integrations: text messages (the log channel, Aliyun SMS),
//! WeChat web authorization for sign-in, and WeChat template messages for
//! case news.

pub mod hotline;
pub mod sms;
pub mod wechat;
pub mod wechat_template;
