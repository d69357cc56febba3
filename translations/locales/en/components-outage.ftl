outage-restored-at = Restored at
outage-expected-back = Expected back
outage-latest-update = Latest update ·{" "}
outage-heat-off-from = Heat off from
outage-heating-company = Heating company
outage-affected = Affected
outage-all-buildings = all buildings
outage-colon = :{" "}
