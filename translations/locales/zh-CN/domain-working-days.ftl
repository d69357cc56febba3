day-kind-holiday = 法定节假日
day-kind-make-up-workday = 调休上班
