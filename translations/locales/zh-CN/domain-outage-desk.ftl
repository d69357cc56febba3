outage-restore-not-after-start = 预计恢复时间应晚于停热开始时间
outage-short-notice-needs-reason = 计划停热超过 24 小时须提前 { $hours } 小时公告；提前不足时请填写原因，居民会在公告中看到
outage-reason-too-long = 原因请控制在 200 字以内
outage-not-published-yet = 停热公告尚未发布
outage-already-published = 停热公告已发布，请用“进展更新”说明变化
outage-already-ended = 停热已结束（已恢复或已取消）
