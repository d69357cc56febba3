//! Outbound integrations for resident sign-in: text messages (the log
//! channel, Aliyun SMS) and WeChat web authorization.

pub mod sms;
pub mod wechat;
