"""Irreversible actions (cancelling and refunding an order, blacklisting a store) are confirmed twice.

In the browser, site.js opens a <dialog> before such a form is sent and adds `confirm=yes` when the
person says yes. The server is the rule, though: a POST without `confirm=yes` changes nothing and
answers 400 with a confirmation page that carries the same fields, so a stray click, a script-less
browser or a replayed form always gets a question before the action.
"""

from django.shortcuts import render

CONFIRM_FIELD = "confirm"
CONFIRM_VALUE = "yes"


def is_confirmed(request) -> bool:
    return request.POST.get(CONFIRM_FIELD) == CONFIRM_VALUE


def confirmation_page(request, *, title, message, button, back_url):
    """The question, with every posted field carried over (except the CSRF token, which the page
    renders afresh), answered 400 because the action itself was refused."""
    fields = [
        (name, value)
        for name in request.POST
        if name not in ("csrfmiddlewaretoken", CONFIRM_FIELD)
        for value in request.POST.getlist(name)
    ]
    context = {
        "title": title,
        "message": message,
        "button": button,
        "back_url": back_url,
        "action": request.path,
        "fields": fields,
        "confirm_field": CONFIRM_FIELD,
        "confirm_value": CONFIRM_VALUE,
    }
    return render(request, "confirm.html", context, status=400)
