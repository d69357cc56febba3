hotline-city = City service hotline
hotline-company = { $company } service line
