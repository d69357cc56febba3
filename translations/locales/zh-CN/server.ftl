input-not-a-form = 请以表单方式提交（application/x-www-form-urlencoded 或 multipart/form-data）
input-multipart-without-boundary = 这个表单须以 multipart/form-data 提交（含 boundary），请刷新页面后重试
input-form-too-large = 提交的内容太大了（表单内容不超过 1 MB）
input-photos-too-large = 提交的内容太大了（照片每张不超过 5 MB，最多 6 张）
input-form-unreadable = 表单内容有误，没有提交成功（{ $detail }）。请刷新页面，检查填写的内容后重新提交。
cross-site-refused = 跨站请求已被拒绝：请从本平台的页面提交。
