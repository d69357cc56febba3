upload-too-large = The photo “{ $file }” is over 5 MB; please choose another or make it smaller
upload-not-an-image = “{ $file }” is not a JPEG, PNG or WebP image; please choose again
upload-unreadable = “{ $file }” cannot be read and may be damaged; please take it again
upload-too-many = At most 6 files at a time
upload-too-many-pixels = The photo “{ $file }” has too many pixels (over 24 megapixels or too deep a colour); please take it with the phone camera or make it smaller
