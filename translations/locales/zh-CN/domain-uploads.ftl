upload-too-large = 照片“{ $file }”超过 5 MB，请换一张或压缩后再传
upload-not-an-image = “{ $file }”不是 JPEG、PNG 或 WebP 格式的图片，请重新选择
upload-unreadable = “{ $file }”无法读取，可能已损坏，请重新拍摄
upload-too-many = 一次最多上传 6 个文件
upload-too-many-pixels = 照片“{ $file }”像素太多（超过 2400 万像素或色深过高），请用手机相机直接拍摄或缩小后再传
