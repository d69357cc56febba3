//! Who a viewer is on one case (its dispatcher, its crew, its resident, or
//! staff who may read it), and how the timeline names them.

use crate::services::identity::Viewer;
use crate::store::cases;
use domain::case_flow::Party;
use domain::roles::Role;

/// The parties a viewer acts as on one case they stand to as `relation`
/// says, most specific first.
pub(crate) fn parties_of(relation: cases::Relation, viewer: &Viewer) -> Vec<Party> {
    let mut parties = Vec::new();
    if relation.dispatcher == 1 {
        parties.push(Party::Dispatcher);
    }
    if relation.crew == 1 {
        parties.push(Party::Crew);
    }
    if relation.resident == 1 {
        parties.push(Party::Resident);
    }
    let staff = [Role::Dispatcher, Role::RepairCrew, Role::GridWorker];
    if parties.is_empty() && staff.iter().any(|r| viewer.has(*r)) {
        parties.push(Party::AnyStaff);
    }
    parties
}

/// How the timeline names the viewer acting as `party`.
pub(crate) fn actor_label(viewer: &Viewer, party: Party) -> String {
    match party {
        Party::Resident => "居民".to_string(),
        Party::Dispatcher => format!("调度员 {}", viewer.display_name),
        Party::Crew => format!("抢修人员 {}", viewer.display_name),
        Party::AnyStaff if viewer.has(Role::GridWorker) => {
            format!("网格员 {}", viewer.display_name)
        }
        Party::AnyStaff => format!("工作人员 {}", viewer.display_name),
    }
}
