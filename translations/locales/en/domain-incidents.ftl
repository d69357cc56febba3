outage-cause-missing = Please give the cause of the outage; residents read it in the notice
outage-cause-too-long = Please keep the cause within 200 characters
outage-restore-time-missing = Please choose when heat is expected back
