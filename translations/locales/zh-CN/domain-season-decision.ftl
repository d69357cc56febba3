decision-kind-missing = 请选择决定类型：提前供热或延长供热
decision-date-missing = 请选择新的开始或结束时间
decision-reason-missing = 请填写原因，居民会在供暖季公告中看到
decision-reason-too-long = 原因请控制在 { $max } 字以内
decision-start-out-of-range = 提前供热的时间应早于规定开始时间，且最多提前 { $days } 天
decision-end-out-of-range = 延长供热的时间应晚于规定结束时间，且最多延长 { $days } 天
decision-in-the-past = 新的时间已经过去，请重新选择
decision-company-unknown = 所选供热单位不存在，请刷新页面后重选
