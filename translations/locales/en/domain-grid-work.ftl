visit-date-missing = Please enter the date of the visit, for example 2026-11-28
visit-date-in-future = The date of a visit cannot be after today
visit-too-old = Only visits of the last 30 days can be logged
visit-notes-missing = Please describe the visit
visit-notes-too-long = Please keep the notes within 500 characters
consent-phone-not-linked = A code can only go to a resident bound to this household or to the holder's phone on file; ask the resident to bind the household first, or call the heating hotline to update the phone on file
