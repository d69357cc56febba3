period-kind-day = Daily dispatch list
period-kind-week = Weekly analysis
period-kind-month = Monthly bulletin
report-title-day = Daily dispatch list, { $date }
report-title-week = Weekly analysis, { $first } to { $last }
report-title-month = Monthly bulletin, { $month }
