code-format = Please enter the 6-digit code from the text message
code-sent-too-often = Codes were sent too often; please try again in { $wait }
code-number-daily-limit = This number has had all its codes for today; please try again in { $wait }
code-client-limit = Too many codes were asked for from this network; please try again in { $wait }
code-accepted = Verified
code-wrong = The code is wrong; { $tries-left } tries left
code-expired = The code has expired; please ask for a new one
code-exhausted = Too many wrong codes; this one no longer works, please ask for a new one
