demo-outbox-demo-outbox = 演示短信箱
demo-outbox-in-demo-mode-no-text-is = 演示模式下短信不会真的发出，最近的短信显示在这里。
demo-outbox-no-texts-yet = 还没有短信。
