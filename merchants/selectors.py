from django.db.models import QuerySet

from .models import Merchant


def merchants_open() -> QuerySet[Merchant]:
    """Stores shoppers can visit."""
    return Merchant.objects.filter(status=Merchant.Status.APPROVED)
