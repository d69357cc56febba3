//! 故障报修: what is broken and how urgent it is.

use serde::{Deserialize, Serialize};
use translations::{text, Lang, StaticText};

/// What a resident reports as broken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RepairCategory {
    /// 整户不热
    NoHeat,
    /// 暖气片不热
    RadiatorCold,
    /// 漏水
    Leak,
    /// 爆管跑水
    BurstPipe,
    /// 阀门故障
    Valve,
    /// 异响
    Noise,
    /// 其他
    Other,
}

impl RepairCategory {
    pub const ALL: [Self; 7] = [
        Self::NoHeat,
        Self::RadiatorCold,
        Self::Leak,
        Self::BurstPipe,
        Self::Valve,
        Self::Noise,
        Self::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::NoHeat => "no_heat",
            Self::RadiatorCold => "radiator_cold",
            Self::Leak => "leak",
            Self::BurstPipe => "burst_pipe",
            Self::Valve => "valve",
            Self::Noise => "noise",
            Self::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == text)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Self::NoHeat => text::repair_category_no_heat(lang),
            Self::RadiatorCold => text::repair_category_radiator_cold(lang),
            Self::Leak => text::repair_category_leak(lang),
            Self::BurstPipe => text::repair_category_burst_pipe(lang),
            Self::Valve => text::repair_category_valve(lang),
            Self::Noise => text::repair_category_noise(lang),
            Self::Other => text::repair_category_other(lang),
        }
    }
}

/// How fast a crew must come.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RepairUrgency {
    Normal,
    /// 紧急: water running, a burst pipe.
    Emergency,
}

impl RepairUrgency {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Normal => "normal",
            Self::Emergency => "emergency",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Normal, Self::Emergency]
            .into_iter()
            .find(|u| u.as_str() == text)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Self::Normal => text::repair_urgency_normal(lang),
            Self::Emergency => text::repair_urgency_emergency(lang),
        }
    }
}

/// A burst pipe is always an emergency, and so is anything with water
/// flooding the flat; everything else is normal.
pub fn repair_urgency(category: RepairCategory, water_flooding: bool) -> RepairUrgency {
    if category == RepairCategory::BurstPipe || water_flooding {
        RepairUrgency::Emergency
    } else {
        RepairUrgency::Normal
    }
}

/// The longest description kept, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 500;

/// A description as typed, trimmed; refused when too long, or empty for a
/// category that says too little by itself ("其他").
pub fn clean_description(text: &str, required: bool) -> Result<String, StaticText> {
    let text = text.trim();
    if text.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(text::description_too_long);
    }
    if required && text.is_empty() {
        return Err(text::description_missing);
    }
    Ok(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_pipes_and_flooding_are_emergencies() {
        assert_eq!(
            repair_urgency(RepairCategory::BurstPipe, false),
            RepairUrgency::Emergency
        );
        assert_eq!(
            repair_urgency(RepairCategory::Leak, true),
            RepairUrgency::Emergency
        );
        assert_eq!(
            repair_urgency(RepairCategory::Leak, false),
            RepairUrgency::Normal
        );
        assert_eq!(
            repair_urgency(RepairCategory::Noise, false),
            RepairUrgency::Normal
        );
    }

    #[test]
    fn descriptions_are_trimmed_and_bounded() {
        assert_eq!(
            clean_description("  暖气漏水 ", true),
            Ok("暖气漏水".into())
        );
        assert!(clean_description("  ", true).is_err());
        assert_eq!(clean_description("", false), Ok(String::new()));
        assert!(clean_description(&"冷".repeat(501), false).is_err());
        assert!(clean_description(&"冷".repeat(500), false).is_ok());
    }

    #[test]
    fn names_round_trip() {
        for category in RepairCategory::ALL {
            assert_eq!(RepairCategory::parse(category.as_str()), Some(category));
        }
        assert_eq!(
            RepairUrgency::parse("emergency"),
            Some(RepairUrgency::Emergency)
        );
        assert_eq!(RepairUrgency::parse("soon"), None);
    }
}
