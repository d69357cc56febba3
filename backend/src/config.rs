//! Settings of the public portal that the operator may change.

use domain::notices::Hotline;
use domain::season::SeasonRule;
use std::path::PathBuf;

/// What the public pages need to know beyond the database.
#[derive(Clone, Debug)]
pub struct PortalSettings {
    /// The regulated season (default 14 Nov 12:00 to 15 Mar 12:00).
    pub season_rule: SeasonRule,
    /// Lines shown on every page, before each heating company's own.
    pub hotlines: Vec<Hotline>,
    /// How long a restored outage stays on the public board, in seconds.
    pub keep_restored_for: i64,
    /// Where photos and documents are kept (default `data/uploads`).
    pub upload_dir: PathBuf,
    /// Case news also goes out as WeChat template messages to residents who
    /// linked their WeChat (on when a template is configured; default off).
    pub wechat_case_updates: bool,
    /// Outage news also goes out as WeChat template messages (on when the
    /// account's outage template is configured; default off).
    pub wechat_outage_news: bool,
    /// Requests one Open311 key may post per minute (`domain::limits`'
    /// default; a benchmark raises it).
    pub open311_posts_per_minute: u32,
    /// Whether the local regulations let a crew seal a valve for 报停
    /// within the season (default on: the suspension counts from the seal).
    pub suspend_within_season: bool,
    /// The fee reduction scale for heat below the standard (潍坊市供热条例
    /// Art. 37; `HEATDESK_FEE_REDUCTION_SCALE`).
    pub fee_reduction_scale: domain::fees::reduction::ReductionScale,
}

impl Default for PortalSettings {
    fn default() -> Self {
        Self {
            season_rule: SeasonRule::default(),
            hotlines: vec![Hotline::city("12345")],
            keep_restored_for: 24 * 3600,
            upload_dir: PathBuf::from("data/uploads"),
            wechat_case_updates: false,
            wechat_outage_news: false,
            open311_posts_per_minute: domain::limits::OPEN311_POSTS_PER_KEY.max,
            suspend_within_season: true,
            fee_reduction_scale: domain::fees::reduction::ReductionScale::default(),
        }
    }
}
