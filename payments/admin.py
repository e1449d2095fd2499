"""Staff console views of payments and the ledger: read-only (money moves only through services)."""

from django.contrib import admin

from .models import (
    LedgerEntry,
    LedgerTransaction,
    Payment,
    PaymentAttempt,
    Payout,
    PayoutBatch,
    PayoutEvent,
    Refund,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AttemptInline(ReadOnlyInline):
    model = PaymentAttempt
    fields = ("created_at", "status", "card_last4", "error_code", "gateway_reference")
    readonly_fields = fields


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("reference", "user", "amount", "status", "gateway", "created_at", "paid_at")
    list_filter = ("status", "gateway")
    search_fields = ("reference", "user__username", "gateway_reference")
    list_select_related = ("user",)
    inlines = [AttemptInline]


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ("order", "payment", "reason", "amount", "status", "created_at")
    list_filter = ("status", "reason")
    list_select_related = ("order", "payment")


class EntryInline(ReadOnlyInline):
    model = LedgerEntry
    fields = ("account", "order", "amount")
    readonly_fields = fields


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnlyAdmin):
    list_display = ("id", "kind", "description", "payment", "created_at")
    list_filter = ("kind",)
    list_select_related = ("payment",)
    inlines = [EntryInline]


class PayoutEventInline(ReadOnlyInline):
    model = PayoutEvent
    fields = ("created_at", "from_status", "to_status", "actor", "note", "transaction")
    readonly_fields = fields


@admin.register(Payout)
class PayoutAdmin(ReadOnlyAdmin):
    """Payouts are requested, batched, paid and failed through services (the finance pages)."""

    list_display = ("reference", "merchant", "amount", "kind", "method", "status", "created_at", "paid_at")
    list_filter = ("status", "kind", "method")
    search_fields = ("reference", "merchant__name_en", "gateway_reference")
    list_select_related = ("merchant",)
    inlines = [PayoutEventInline]


@admin.register(PayoutBatch)
class PayoutBatchAdmin(ReadOnlyAdmin):
    list_display = ("reference", "created_by", "created_at", "exported_at", "paid_at", "bank_reference")
    list_select_related = ("created_by",)
