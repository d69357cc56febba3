phone-missing = Please enter a mobile number
phone-invalid = A mobile number has 11 digits and starts with 13 to 19
