code-format = 请输入短信中的 6 位数字验证码
code-sent-too-often = 验证码发送过于频繁，请 { $wait }后再试
code-number-daily-limit = 该号码今天获取验证码的次数已达上限，请 { $wait }后再试
code-client-limit = 当前网络请求验证码过多，请 { $wait }后再试
code-accepted = 验证成功
code-wrong = 验证码不正确，还可以再试 { $tries-left } 次
code-expired = 验证码已过期，请重新获取
code-exhausted = 验证码错误次数过多，已失效，请重新获取
