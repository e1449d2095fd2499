"""Domain errors of conversations: stable codes, messages a person understands."""

from django.utils.translation import gettext_lazy as _

from marketplace.errors import DomainError


class NothingToTalkAbout(DomainError):
    """A shopper may write to a store only about one of its published products or one of their own
    orders with it (docs/rules.md, "Conversations")."""

    code = "conversation_not_allowed"
    status = 403
    message = _(
        "You can message a store only about one of its products on sale or one of your orders with it."
    )


class OwnStore(DomainError):
    code = "conversation_own_store"
    status = 403
    message = _("You work for this store: answer its shoppers from the seller dashboard.")


class NotAParty(DomainError):
    """Someone who is neither the shopper nor the store's staff: pages and the API answer 404."""

    code = "conversation_not_found"
    status = 404
    message = _("We could not find that conversation.")


class EmptyMessage(DomainError):
    code = "message_empty"
    message = _("Write a message or attach an image.")


class MessageTooLong(DomainError):
    code = "message_too_long"
    message = _("A message may be at most %(limit)s characters long (this one has %(length)s).")

    def __init__(self, limit, length):
        super().__init__(limit=limit, length=length)


class UnstorableText(DomainError):
    code = "message_unstorable"
    message = _("The message contains a character that cannot be stored (a NUL). Remove it and try again.")
