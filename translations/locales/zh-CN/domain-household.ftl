binding-no-match = 户号与户主姓名不匹配，请核对缴费单后再试。不知道户号，可以按地址找到您家。
binding-account-no-invalid = 请输入供热缴费单上的户号（4 到 20 位字母或数字）
binding-holder-name-missing = 请输入户主姓名
binding-at-the-counter = 这户没有预留户主手机号，也没有已绑定的居民可以确认。请携带身份证和缴费单到营业厅办理，或拨打供热服务热线 { $hotline }
binding-address-no-match = 户主姓名与这户登记的不一致。请核对缴费单上的户主姓名；如房屋已易主，请先办理过户；如登记有误，请拨打供热公司热线 { $hotline }。
binding-pick-a-flat = 请选择您家的房号。
