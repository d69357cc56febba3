upload-uploading = Uploading{" "}
upload-the-connection-dropped-and-nothing-was = The connection dropped and nothing was filed. Please try again.
