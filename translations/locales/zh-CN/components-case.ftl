case-due = 期限{" "}
case-no-cases = 暂无工单。
case-emergency = 紧急
case-attached-photo = 附件照片
