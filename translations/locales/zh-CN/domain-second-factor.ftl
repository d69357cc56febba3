second-factor-refused = 验证码不正确或已用过，请输入验证器中的新验证码；多次输错需重新登录
sign-in-step-expired = 登录已超时，请重新输入用户名和密码
second-factor-format = 请输入验证器中的 6 位数字，或一个恢复码（如 abcde-fghjk）
