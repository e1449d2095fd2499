"""Buyer ID numbers, order ID numbers and address phones in their canonical ASCII form (issue 10).

A look-alike saved before `marketplace.identifiers` existed (an Arabic-Indic or full-width digit, a
lower-case x, spaces or zero-width characters) is turned into the real number, its digits repaired,
so orders placed with it count against the real number's annual quota. Where a user already has the
real number the look-alike identity is deleted (nothing refers to identities; orders keep the number).
A value that cannot be repaired is left alone, and the CheckConstraints of the next migration then
stop the upgrade with the offending table named.
"""

from django.db import migrations

from marketplace import identifiers


def canonicalise(apps, schema_editor):
    BuyerIdentity = apps.get_model("orders", "BuyerIdentity")
    Order = apps.get_model("orders", "Order")
    Address = apps.get_model("orders", "Address")
    pattern = identifiers.RESIDENT_ID_DB_REGEX

    for identity in BuyerIdentity.objects.exclude(id_number__regex=pattern).order_by("pk"):
        number = identifiers.repaired(identifiers.resident_id_number, identity.id_number)
        if number is None:
            continue
        twin = BuyerIdentity.objects.filter(user_id=identity.user_id, id_number=number).exclude(pk=identity.pk)
        if twin.exists():
            identity.delete()
        else:
            BuyerIdentity.objects.filter(pk=identity.pk).update(id_number=number)

    for order in Order.objects.exclude(buyer_id_number__regex=pattern).only("pk", "buyer_id_number"):
        number = identifiers.repaired(identifiers.resident_id_number, order.buyer_id_number)
        if number is not None:
            Order.objects.filter(pk=order.pk).update(buyer_id_number=number)

    for address in Address.objects.exclude(phone__regex=identifiers.MAINLAND_MOBILE_DB_REGEX).only("pk", "phone"):
        phone = identifiers.repaired(identifiers.mainland_mobile, address.phone)
        if phone is not None:
            Address.objects.filter(pk=address.pk).update(phone=phone)


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0004_amount_bounds"),
    ]

    operations = [
        migrations.RunPython(canonicalise, migrations.RunPython.noop),
    ]
