feedback-loading = 正在加载…
feedback-the-connection-is-unsteady-and-the = 网络不稳定，页面没有加载完成。请检查网络后刷新重试。
feedback-this-cannot-be-shown-right-now = 暂时无法显示
feedback-the-form-could-not-be-read = 表单内容有误，没有提交成功。请刷新页面，检查填写的内容后重新提交。
feedback-the-connection-is-unsteady-and-this = 网络不稳定，操作没有完成。请检查网络后重试。
