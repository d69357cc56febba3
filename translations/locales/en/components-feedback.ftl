feedback-loading = Loading…
feedback-the-connection-is-unsteady-and-the = The connection is unsteady and the page did not finish loading. Check your network and reload the page.
feedback-this-cannot-be-shown-right-now = This cannot be shown right now
feedback-the-form-could-not-be-read = The form could not be read and was not sent. Reload the page, check what you entered and send it again.
feedback-the-connection-is-unsteady-and-this = The connection is unsteady and this was not done. Check your network and try again.
