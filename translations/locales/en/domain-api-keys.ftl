api-key-label-invalid = Please name the system or organisation that uses this key (2 to 40 characters)
