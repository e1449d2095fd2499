"""The notification centre's pages: the list (newest first, unread highlighted), opening one (marks
it read and goes to its page) and marking all read. Every signed-in person has one: shoppers, store
staff and platform staff."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from . import selectors, services
from .errors import NotificationNotFound

PER_PAGE = 20


@login_required
@require_GET
def notification_list(request):
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(selectors.notifications_for(request.user, unread_only=unread_only), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/list.html",
        {
            "notifications": page.object_list,
            "page": page,
            "unread_only": unread_only,
            "query_string": "unread=1" if unread_only else "",
        },
    )


@login_required
@require_GET
def notification_open(request, pk):
    """Opening a notification marks it read, then shows the page it is about (or the list)."""
    try:
        notification = services.notification_mark_read(user=request.user, notification_id=pk)
    except NotificationNotFound as exc:
        raise Http404(str(exc)) from exc
    target = notification.url
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("notifications:list")


@login_required
@require_POST
def notifications_read_all(request):
    count = services.notifications_mark_all_read(user=request.user)
    if count:
        messages.success(
            request,
            ngettext("%(count)s notification marked read.", "%(count)s notifications marked read.", count)
            % {"count": count},
        )
    else:
        messages.info(request, _("Nothing unread."))
    return redirect("notifications:list")
