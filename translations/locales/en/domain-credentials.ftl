credential-username = A user name is 3 to 32 lowercase letters, digits, underscores or hyphens, starting with a letter
credential-weak-password = A password has at least 10 characters, with both letters and digits
credential-long-password = A password can have at most 128 characters
staff-sign-in-refused = Wrong user name or password. After several wrong tries the account is locked for a while; try again later or ask an admin
