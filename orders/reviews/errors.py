"""Domain errors of reviews (docs/rules.md, "Reviews"): stable codes, messages a person understands."""

from django.utils.translation import gettext_lazy as _

from marketplace.errors import DomainError


class ReviewNotFound(DomainError):
    """Someone else's order, line or review (or one that does not exist): pages and the API answer 404,
    so nobody learns what others bought."""

    code = "review_not_found"
    status = 404
    message = _("We could not find that order or review among yours.")


class OrderNotCompleted(DomainError):
    code = "order_not_completed"
    status = 409
    message = _(
        "You can review an order once it is completed (after you confirm receipt); this one is %(status)s."
    )

    def __init__(self, status):
        super().__init__(status=status)


class ReviewWindowClosed(DomainError):
    code = "review_window_closed"
    status = 409
    message = _(
        "Reviews can be written within %(days)s days of completing the order; this order completed on "
        "%(date)s."
    )

    def __init__(self, days, date):
        super().__init__(days=days, date=date)


class AlreadyReviewed(DomainError):
    code = "already_reviewed"
    status = 409
    message = _("You have already reviewed this item. You can edit your review once instead.")


class AlreadyRated(DomainError):
    code = "store_already_rated"
    status = 409
    message = _("You have already rated the store for this order.")


class InvalidReview(DomainError):
    code = "invalid_review"
    message = _("This review cannot be saved: %(reason)s")

    def __init__(self, reason):
        super().__init__(reason=reason)


class TooManyPhotos(DomainError):
    code = "too_many_photos"
    message = _("A review can carry at most %(max)s photos; you sent %(count)s.")

    def __init__(self, maximum, count):
        super().__init__(max=maximum, count=count)


class ReviewNotEditable(DomainError):
    code = "review_not_editable"
    status = 409
    message = _("This review can no longer be changed: %(reason)s")

    def __init__(self, reason):
        super().__init__(reason=reason)


class AlreadyReplied(DomainError):
    code = "already_replied"
    status = 409
    message = _("The store has already replied to this review; a review gets one reply.")
