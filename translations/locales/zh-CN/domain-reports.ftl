period-kind-day = 日调度
period-kind-week = 周分析
period-kind-month = 月通报
report-title-day = { $year }年{ $month }月{ $day }日 日调度
report-title-week = { $first-year }年{ $first-month }月{ $first-day }日—{ $last-month }月{ $last-day }日 周分析
report-title-month = { $year }年{ $month-number }月 月通报
