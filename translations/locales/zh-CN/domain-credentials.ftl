credential-username = 用户名应为 3 到 32 位小写字母、数字、下划线或短横线，并以字母开头
credential-weak-password = 密码至少 10 位，且同时包含字母和数字
credential-long-password = 密码不能超过 128 位
staff-sign-in-refused = 用户名或密码不正确。连续输错多次后账号会暂时锁定，请稍后再试或联系管理员
