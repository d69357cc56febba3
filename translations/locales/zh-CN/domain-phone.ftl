phone-missing = 请输入手机号码
phone-invalid = 手机号码应为 11 位数字，以 13 至 19 开头
