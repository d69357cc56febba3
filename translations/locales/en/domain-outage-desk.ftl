outage-restore-not-after-start = The expected restore must come after the start
outage-short-notice-needs-reason = Planned work stopping heat for more than 24 hours must be announced { $hours } hours ahead; with less notice, give the reason residents will read
outage-reason-too-long = Please keep the reason within 200 characters
outage-not-published-yet = The outage is not published yet
outage-already-published = The outage is already published; post an update to say what changed
outage-already-ended = The outage has ended (restored or cancelled)
