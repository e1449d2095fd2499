"""What goes on a shipment's label: the shipment and its order turned into `labels.LabelData` (plain
data; `labels` only draws). The declared contents are the order's lines at their CNY goods value, as
customs receives them; the phone is printed masked by `labels`."""

from django.utils import timezone
from django.utils.translation import gettext as _

from .labels import LabelData, LabelItem


def shipment_label_data(shipment) -> LabelData:
    order = shipment.order
    merchant = shipment.merchant
    if shipment.origin_country == "CN":
        sender_address = _("Bonded warehouse in China")
    else:
        sender_address = merchant.address or merchant.get_country_display()
    return LabelData(
        waybill=shipment.waybill_number,
        carrier_name=shipment.provider.name_en or shipment.provider.name_zh,
        customs_mode=shipment.customs_mode,
        sender_name=merchant.name_en or merchant.name_zh or merchant.legal_name,
        sender_address=sender_address,
        sender_country=shipment.origin_country,
        recipient_name=order.recipient,
        recipient_phone=order.phone,
        recipient_address=order.address,
        weight_grams=shipment.weight_grams,
        order_number=order.number,
        date=timezone.localdate(shipment.created_at),
        items=tuple(
            LabelItem(
                name=line.product_name_zh or line.product_name,
                quantity=line.quantity,
                declared_value=line.goods_cny.amount,
            )
            for line in order.lines.all()
        ),
    )


def shipments_label_data(shipments) -> list[LabelData]:
    return [shipment_label_data(shipment) for shipment in shipments]
