telemetry-csv-header = The first line must be the header: sensor_id,kind,place
telemetry-csv-too-many = At most 20,000 sensors at a time; split the file
telemetry-csv-unreadable = This line cannot be read
telemetry-csv-code = A sensor id is 1 to 64 letters, digits, dashes, underscores or dots
telemetry-csv-kind = The kind is indoor, station or outdoor
telemetry-csv-place-missing = An indoor sensor needs its household's account number, a station sensor its station's code
