not-found-page-not-found = 页面不存在
not-found-the-page-you-asked-for-does = 您访问的页面不存在或已移动。
not-found-back-to-the-home-page = 返回首页
