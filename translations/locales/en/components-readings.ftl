readings-lowest = lowest{" "}
readings-lowest-indoor-reading-per-day-over = Lowest indoor reading per day over the last 7 days (from residents' complaints); the dashed line is the 18 °C standard
readings-no-readings-this-week = {"."} No readings this week.
