demo-outbox-demo-outbox = Demo outbox
demo-outbox-in-demo-mode-no-text-is = In demo mode no text is really sent; the latest ones appear here.
demo-outbox-no-texts-yet = No texts yet.
