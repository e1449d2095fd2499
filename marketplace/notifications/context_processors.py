from functools import cache

from . import selectors


def notifications(request):
    """The header bell's unread count: one query, and only on a page that shows the bell (a signed-in
    visitor's page; anonymous pages never ask). A template calls the function when it reads the
    variable; the first call's answer is kept for the rest of the page."""
    user = getattr(request, "user", None)
    return {"notifications_unread": cache(lambda: selectors.unread_count(user))}
