"""The payer's name and ID number on the payment record (what the payment provider reports to
customs). Payments made before are filled from their checkout's buyer identity, as checkout does now."""

from django.db import migrations, models


def backfill_payers(apps, schema_editor):
    Payment = apps.get_model("payments", "Payment")
    Order = apps.get_model("orders", "Order")
    for payment in Payment.objects.filter(payer_id_number=""):
        order = Order.objects.filter(payment=payment).order_by("pk").first()
        if order is not None:
            payment.payer_name = order.buyer_name
            payment.payer_id_number = order.buyer_id_number
            payment.save(update_fields=["payer_name", "payer_id_number"])


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0002_amount_bounds"),
        ("orders", "0008_order_delivered_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="payment",
            name="payer_id_number",
            field=models.CharField(blank=True, max_length=18, verbose_name="payer's ID number"),
        ),
        migrations.AddField(
            model_name="payment",
            name="payer_name",
            field=models.CharField(blank=True, max_length=60, verbose_name="payer's name"),
        ),
        migrations.RunPython(backfill_payers, migrations.RunPython.noop),
    ]
