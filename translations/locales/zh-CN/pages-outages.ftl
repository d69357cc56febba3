outages-no-outages-are-announced-for-the = 所选区域目前没有停热公告。
outages-no-outages-are-announced-heat-is = 目前没有停热公告，全市正常供热。
outages-all-communities = 全部小区
outages-clear = 清除
outage-page-back = ← 全部停热公告
