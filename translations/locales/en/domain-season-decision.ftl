decision-kind-missing = Please choose an early start or an extension
decision-date-missing = Please choose the new start or end
decision-reason-missing = Please give the reason; residents read it on the season notice
decision-reason-too-long = Please keep the reason within { $max } characters
decision-start-out-of-range = An early start comes before the regulated start, at most { $days } days ahead
decision-end-out-of-range = An extension comes after the regulated end, at most { $days } days beyond
decision-in-the-past = The new time has passed; please choose again
decision-company-unknown = A chosen heating company is unknown; please reload and choose again
