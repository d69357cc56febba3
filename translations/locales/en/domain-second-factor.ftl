second-factor-refused = The code is wrong or already used; enter a new code from your authenticator. After several wrong codes you must sign in again
sign-in-step-expired = Sign-in timed out; please enter your user name and password again
second-factor-format = Please enter the 6 digits from your authenticator, or a recovery code (like abcde-fghjk)
