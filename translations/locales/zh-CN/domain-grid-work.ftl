visit-date-missing = 请填写走访日期，例如 2026-11-28
visit-date-in-future = 走访日期不能晚于今天
visit-too-old = 只能补记 30 天内的走访
visit-notes-missing = 请填写走访情况
visit-notes-too-long = 走访情况请控制在 500 字以内
consent-phone-not-linked = 验证码只能发给已绑定这户的居民或户主预留的手机号；请居民先绑定住户，或拨打供热服务热线更新预留号码
