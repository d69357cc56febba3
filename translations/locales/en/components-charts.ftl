chart-count-with-overdue = { $count } ({ $overdue } overdue)
