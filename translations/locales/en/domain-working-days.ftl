day-kind-holiday = Public holiday
day-kind-make-up-workday = Make-up working day
