"""Registration numbers, contact phones and countries of merchants in their canonical ASCII form
(issue 10, `marketplace.identifiers`). Merchants and blacklist entries keep the comparison key
(ASCII letters and digits, upper-case), applications the number as printed. A contact phone or an
application's registration number that cannot be repaired is emptied (the application's checklist
then asks for it again); a store's or blacklist entry's registration number keeps its ASCII letters
and digits."""

from django.db import migrations

from marketplace import identifiers


def _key(number: str) -> str:
    repaired = identifiers.repaired(identifiers.registration_number_key, number)
    if repaired is not None:
        return repaired
    return "".join(ch for ch in identifiers.repair_digits(number) if ch.isascii() and ch.isalnum()).upper()


def canonicalise(apps, schema_editor):
    Merchant = apps.get_model("merchants", "Merchant")
    MerchantApplication = apps.get_model("merchants", "MerchantApplication")
    BlacklistEntry = apps.get_model("merchants", "BlacklistEntry")

    for merchant in Merchant.objects.only("pk", "registration_number", "contact_phone", "country"):
        changes = {
            "registration_number": _key(merchant.registration_number),
            "contact_phone": identifiers.repaired(identifiers.contact_phone, merchant.contact_phone) or "",
            "country": identifiers.repaired(identifiers.country_code, merchant.country, allow_blank=True)
            or merchant.country,
        }
        if any(getattr(merchant, name) != value for name, value in changes.items()):
            Merchant.objects.filter(pk=merchant.pk).update(**changes)

    for application in MerchantApplication.objects.only("pk", "registration_number", "contact_phone", "country"):
        changes = {
            "registration_number": identifiers.repaired(
                identifiers.registration_number, application.registration_number
            )
            or "",
            "contact_phone": identifiers.repaired(identifiers.contact_phone, application.contact_phone) or "",
            "country": identifiers.repaired(identifiers.country_code, application.country, allow_blank=True) or "",
        }
        if any(getattr(application, name) != value for name, value in changes.items()):
            MerchantApplication.objects.filter(pk=application.pk).update(**changes)

    for entry in BlacklistEntry.objects.only("pk", "registration_number"):
        key = _key(entry.registration_number)
        if key != entry.registration_number:
            BlacklistEntry.objects.filter(pk=entry.pk).update(registration_number=key)


class Migration(migrations.Migration):
    dependencies = [
        ("merchants", "0005_product_import"),
    ]

    operations = [
        migrations.RunPython(canonicalise, migrations.RunPython.noop),
    ]
