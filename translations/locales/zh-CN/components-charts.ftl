chart-count-with-overdue = { $count }（超{ $overdue }）
