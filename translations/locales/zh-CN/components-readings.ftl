readings-lowest = 最低{" "}
readings-lowest-indoor-reading-per-day-over = 近 7 天每天的最低室温（来自居民测温投诉），虚线为 18 ℃ 标准
readings-no-readings-this-week = 。这一周还没有读数。
