outage-restored-at = 恢复时间
outage-expected-back = 预计恢复
outage-latest-update = 最新进展 ·{" "}
outage-heat-off-from = 停热时间
outage-heating-company = 供热单位
outage-affected = 影响范围
outage-all-buildings = 全部楼栋
outage-colon = ：
