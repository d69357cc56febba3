case-promise-crew-on-site = A crew is due on site by { $by }
case-promise-measured = Staff are due to measure by { $by }
case-promise-reviewed = Review is due by { $by }
case-filed = Case filed
