bind-find-my-home-by-address = 按地址找到我家
bind-pick-then-the-holder = 不知道户号也可以绑定：依次选择区、小区、楼栋、单元和房号，再填写户主姓名。验证码会发送到户主在供热公司预留的手机号。
bind-by-account-number-instead = 知道户号？用户号绑定
bind-flat = 房号
bind-unit = 单元
bind-choose-a-unit = 请选择单元
bind-next = 下一步
