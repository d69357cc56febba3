outages-no-outages-are-announced-for-the = No outages are announced for the chosen area.
outages-no-outages-are-announced-heat-is = No outages are announced: heat is on across the city.
outages-all-communities = All communities
outages-clear = Clear
outage-page-back = ← All outage notices
