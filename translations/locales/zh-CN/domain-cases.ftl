case-promise-crew-on-site = 抢修人员应于 { $by } 前到达
case-promise-measured = 工作人员应于 { $by } 前上门测温
case-promise-reviewed = 应于 { $by } 前完成审核
case-filed = 提交工单
