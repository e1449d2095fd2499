from django.utils.translation import gettext_lazy as _

from marketplace.errors import DomainError


class NotificationNotFound(DomainError):
    """Someone else's notification, or none with this id: pages and the API answer 404."""

    code = "notification_not_found"
    status = 404
    message = _("No such notification.")
