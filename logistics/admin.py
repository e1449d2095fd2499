"""Staff console for logistics: providers, their zones and rate cards are plain data staff keep.

A rate card that a shipment was priced with is read-only (the shipment keeps its price anyway, but
the card is the record of why): a price change is a new card with a later start. Shipments, their
events, declarations and missed deadlines are made by the services and only browsed here.
"""

from django.contrib import admin

from merchants.admin import ReadOnlyAdmin

from .models import (
    CustomsDeclaration,
    CustomsDeclarationLine,
    DeadlineBreach,
    LogisticsProvider,
    ProviderZone,
    RateCard,
    Shipment,
    ShipmentEvent,
    ShippingTemplate,
    ShippingTemplateRegion,
    VolumeTier,
    ZoneRate,
)


class ProviderZoneInline(admin.TabularInline):
    model = ProviderZone
    extra = 0


@admin.register(LogisticsProvider)
class LogisticsProviderAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name_en",
        "name_zh",
        "waybill_format",
        "serves_direct_mail",
        "serves_bonded",
        "max_weight_grams",
        "is_enabled",
    )
    list_filter = ("is_enabled", "serves_direct_mail", "serves_bonded", "waybill_format")
    list_editable = ("is_enabled",)
    search_fields = ("code", "name_en", "name_zh")
    inlines = [ProviderZoneInline]


class ZoneRateInline(admin.TabularInline):
    model = ZoneRate
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only the card's own provider's zones.
        if db_field.name == "zone" and getattr(request, "_rate_card_provider", None):
            kwargs["queryset"] = ProviderZone.objects.filter(provider=request._rate_card_provider)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class VolumeTierInline(admin.TabularInline):
    model = VolumeTier
    extra = 0


@admin.register(RateCard)
class RateCardAdmin(admin.ModelAdmin):
    list_display = ("provider", "valid_from", "first_weight_grams", "step_grams", "note")
    list_filter = ("provider",)
    date_hierarchy = "valid_from"
    inlines = [ZoneRateInline, VolumeTierInline]

    def get_form(self, request, obj=None, change=False, **kwargs):
        request._rate_card_provider = obj.provider if obj else None
        return super().get_form(request, obj, change, **kwargs)

    def _used(self, obj) -> bool:
        return obj is not None and obj.shipments.exists()

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._used(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._used(obj)


class ShipmentEventInline(admin.TabularInline):
    model = ShipmentEvent
    extra = 0
    can_delete = False
    fields = ("occurred_at", "kind", "location", "note", "source", "carrier_event_id", "actor")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Shipment)
class ShipmentAdmin(ReadOnlyAdmin):
    list_display = ("waybill_number", "order", "merchant", "provider", "status", "price", "created_at")
    list_filter = ("status", "provider", "shipping_mode", "kind")
    search_fields = ("waybill_number", "order__number")
    list_select_related = ("order", "merchant", "provider")
    inlines = [ShipmentEventInline]


@admin.register(ShipmentEvent)
class ShipmentEventAdmin(ReadOnlyAdmin):
    list_display = ("shipment", "kind", "occurred_at", "source", "carrier_event_id")
    list_filter = ("kind", "source")
    search_fields = ("shipment__waybill_number", "carrier_event_id")


class CustomsDeclarationLineInline(admin.TabularInline):
    model = CustomsDeclarationLine
    extra = 0
    can_delete = False
    readonly_fields = ("hs_code", "description", "quantity", "value", "tax")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CustomsDeclaration)
class CustomsDeclarationAdmin(ReadOnlyAdmin):
    list_display = ("order", "customs_mode", "status", "goods_value", "tax", "checked_at")
    list_filter = ("status", "customs_mode")
    search_fields = ("order__number",)
    inlines = [CustomsDeclarationLineInline]


@admin.register(DeadlineBreach)
class DeadlineBreachAdmin(ReadOnlyAdmin):
    list_display = ("order", "kind", "deadline", "detected_at", "compensation", "resolved_at")
    list_filter = ("kind",)
    search_fields = ("order__number",)


# ---- shipping templates



class ShippingTemplateRegionInline(admin.TabularInline):
    model = ShippingTemplateRegion
    fields = ("provinces", "first_fee", "additional_fee")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ShippingTemplate)
class ShippingTemplateAdmin(admin.ModelAdmin):
    """Read-only: a store's shipping templates are its own staff's to change (seller dashboard, API),
    through `logistics.services.templates`, which checks every rule."""

    list_display = (
        "merchant",
        "shipping_mode",
        "name",
        "first_weight_grams",
        "first_fee",
        "additional_step_grams",
        "additional_fee",
        "free_from",
        "updated_at",
    )
    list_filter = ("shipping_mode",)
    list_select_related = ("merchant",)
    search_fields = ("merchant__name_zh", "merchant__name_en", "name")
    inlines = [ShippingTemplateRegionInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
