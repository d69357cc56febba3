outage-cause-missing = 请填写停热原因，居民会在停热公告中看到
outage-cause-too-long = 停热原因请控制在 200 字以内
outage-restore-time-missing = 请选择预计恢复供热的时间
