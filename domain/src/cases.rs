//! Cases as lists show them. (Filing and working cases build on this.)

use crate::clock::UnixSeconds;
use serde::{Deserialize, Serialize};

/// One case in a list: what, where, how far along, by when. No personal data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseBrief {
    pub case_id: i64,
    pub case_no: String,
    pub kind: String,
    pub state: String,
    pub summary: String,
    /// "金宝花园 1号楼"
    pub place: String,
    pub created_at: UnixSeconds,
    pub due_at: Option<UnixSeconds>,
    pub closed_at: Option<UnixSeconds>,
}

impl CaseBrief {
    pub fn is_overdue(&self, now: UnixSeconds) -> bool {
        self.closed_at.is_none() && self.due_at.is_some_and(|due| due <= now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overdue_means_open_past_its_deadline() {
        let mut case = CaseBrief {
            case_id: 1,
            case_no: "R1".into(),
            kind: "repair".into(),
            state: "open".into(),
            summary: String::new(),
            place: String::new(),
            created_at: 0,
            due_at: Some(100),
            closed_at: None,
        };
        assert!(!case.is_overdue(99));
        assert!(case.is_overdue(100));
        case.closed_at = Some(150);
        assert!(!case.is_overdue(200));
        case.due_at = None;
        case.closed_at = None;
        assert!(!case.is_overdue(200));
    }
}
