upload-uploading = 正在上传{" "}
upload-the-connection-dropped-and-nothing-was = 网络中断，没有提交成功，请重试。
