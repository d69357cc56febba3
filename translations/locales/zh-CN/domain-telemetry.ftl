telemetry-csv-header = 第一行应为表头：sensor_id,kind,place
telemetry-csv-too-many = 一次最多导入 20000 个传感器，请分批导入
telemetry-csv-unreadable = 这一行无法读取
telemetry-csv-code = 传感器编号应为 1 到 64 位字母、数字、短横线、下划线或点
telemetry-csv-kind = 类型应为 indoor（户内）、station（换热站）或 outdoor（室外）
telemetry-csv-place-missing = 户内传感器请填写户号，换热站传感器请填写换热站编号
