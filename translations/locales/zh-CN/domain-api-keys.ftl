api-key-label-invalid = 请填写使用这个密钥的系统或单位名称（2 到 40 个字）
