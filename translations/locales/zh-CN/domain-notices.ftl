hotline-city = 政务服务便民热线
hotline-company = { $company }服务热线
