case-due = Due{" "}
case-no-cases = No cases.
case-emergency = Emergency
case-attached-photo = Attached photo
