role-resident = 居民
role-grid-worker = 网格员
role-property-manager = 物业
role-dispatcher = 客服调度
role-repair-crew = 抢修队
role-admin = 管理员
role-heating-authority = 市供热主管部门
