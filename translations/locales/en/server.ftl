input-not-a-form = Please send a form (application/x-www-form-urlencoded or multipart/form-data)
input-multipart-without-boundary = This form must be sent as multipart/form-data (with a boundary); please reload the page and try again
input-form-too-large = What you sent is too large (a form takes at most 1 MB)
input-photos-too-large = What you sent is too large (at most 6 photos of 5 MB each)
input-form-unreadable = The form could not be read and was not sent ({ $detail }). Please reload the page, check what you entered and send it again.
cross-site-refused = A request from another site was refused: please send forms from this portal's own pages.
