not-found-page-not-found = Page not found
not-found-the-page-you-asked-for-does = The page you asked for does not exist or has moved.
not-found-back-to-the-home-page = Back to the home page
