"""Writing notifications (docs/rules.md, "Notifications").

`notify` is the one way any part of the platform tells a person something: it writes the centre's
entry in both languages and, for the important events, emails the person in their own language
(`User.language`) once the transaction has committed.
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation

from .models import Notification

LANGUAGE_OF = {"zh": "zh-hans", "en": "en"}


def _render(text, params) -> dict[str, str]:
    """`text` (a lazy translatable string, or a callable returning one) with `params` interpolated,
    rendered in each language."""
    rendered = {}
    for suffix, code in LANGUAGE_OF.items():
        with translation.override(code):
            value = text() if callable(text) else text
            value = str(value or "")
            rendered[suffix] = value % params if params else value
    return rendered


def notify(
    *,
    user,
    kind: str,
    title,
    body="",
    params: dict | None = None,
    url: str = "",
    email: bool = False,
    dedupe_key: str = "",
) -> Notification | None:
    """Tell `user` that something happened. `title` and `body` are lazy translatable strings (mark
    them with `gettext_lazy`) interpolated with `params` (values already plain: numbers, names,
    formatted amounts) in each language. `email`: also email it, in the user's language, on commit.
    `dedupe_key`: a key unique for the event, so a service that runs twice notifies once (the second
    call returns None). Runs inside the caller's transaction."""
    if user is None or not user.pk:
        return None
    titles, bodies = _render(title, params), _render(body, params)
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user,
                kind=kind,
                title_zh=titles["zh"][:200],
                title_en=titles["en"][:200],
                body_zh=bodies["zh"],
                body_en=bodies["en"],
                url=url[:300],
                dedupe_key=dedupe_key[:120],
                emailed=bool(email and user.email),
            )
    except IntegrityError:
        if dedupe_key and Notification.objects.filter(user=user, dedupe_key=dedupe_key[:120]).exists():
            return None
        raise
    if email and user.email and getattr(settings, "NOTIFICATION_EMAILS", True):
        from .tasks import notification_email

        transaction.on_commit(lambda pk=notification.pk: notification_email.delay(notification_id=pk))
    return notification


def notify_many(*, users, **kwargs) -> int:
    """`notify` each of `users` (e.g. a store's staff); returns how many were written."""
    return sum(notify(user=user, **kwargs) is not None for user in users)
