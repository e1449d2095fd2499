"""Writing notifications (docs/rules.md, "Notifications").

`notify` is the one way any part of the platform tells a person something: it writes the centre's
entry in both languages and, for the important events, emails the person in their own language
(`User.language`) once the transaction has committed.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.functional import Promise

from .errors import NotificationNotFound
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
            rendered[suffix] = value % _params_in_language(params) if params else value
    return rendered


def _params_in_language(params: dict) -> dict:
    """Parameters that are themselves translatable (a lazy string such as a status's label, or a
    callable returning text) are rendered in the language being written; plain values pass."""
    return {
        key: str(value()) if callable(value) else str(value) if isinstance(value, Promise) else value
        for key, value in params.items()
    }


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
                emailed=bool(email and user.email and getattr(settings, "NOTIFICATION_EMAILS", True)),
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


def store_staff(merchant):
    """The people who work for a store (its owners and staff): who hears about the store's orders,
    money and standing."""
    return get_user_model().objects.filter(merchant_membership__merchant_id=merchant.pk).order_by("pk")


def notify_store(*, merchant, **kwargs) -> int:
    """`notify` every member of `merchant`'s staff; returns how many were written."""
    return notify_many(users=store_staff(merchant), **kwargs)


# --- the centre: reading ------------------------------------------------------------------------


@transaction.atomic
def notification_mark_read(*, user, notification_id) -> Notification:
    """Mark one of `user`'s notifications read (opening it does). Someone else's, or an id that names
    none: `NotificationNotFound`, nothing written. Reading it again changes nothing."""
    try:
        notification_id = int(notification_id)
    except (TypeError, ValueError) as exc:
        raise NotificationNotFound() from exc
    notification = (
        Notification.objects.select_for_update().filter(user=user, pk=notification_id).first()
        if user is not None and user.is_authenticated and 0 < notification_id < 2**63
        else None
    )
    if notification is None:
        raise NotificationNotFound()
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user) -> int:
    """Mark every unread notification of `user` read; returns how many changed."""
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def render_in(language: str, text, params: dict | None = None) -> str:
    """`text` (lazy, with `params`) as `notify` writes it, in one language (`zh-hans` or `en`): for an
    email to an address that is nobody's account."""
    rendered = _render(text, params)
    return rendered["en"] if (language or "").startswith("en") else rendered["zh"]
