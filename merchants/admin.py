"""Staff console for merchants. Decisions (approve, reject, suspend, blacklist...) are made in the
review console (/staff/review/) through the services, so they are recorded; here staff browse the
records and edit what is plain data: violation kinds and their points, store descriptions."""

from django.contrib import admin

from .models import (
    BlacklistEntry,
    BrandAuthorization,
    Merchant,
    MerchantApplication,
    MerchantEvent,
    MerchantMember,
    QualificationDocument,
    ReviewDecision,
    Violation,
    ViolationKind,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records made by services: visible, never edited by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MerchantMemberInline(admin.TabularInline):
    model = MerchantMember
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Merchant)
class MerchantAdmin(admin.ModelAdmin):
    list_display = (
        "slug",
        "legal_name",
        "name_zh",
        "country",
        "settlement_currency",
        "status",
        "approved_at",
    )
    list_filter = ("status", "country", "settlement_currency")
    search_fields = ("slug", "legal_name", "name_en", "name_zh", "registration_number")
    inlines = [MerchantMemberInline]
    # Status, registration and approval only change through the review console's services.
    readonly_fields = (
        "status",
        "approved_at",
        "registration_number",
        "blacklist_proposed_at",
        "legal_name",
        "country",
    )

    def has_add_permission(self, request):
        return False  # merchants join by applying


@admin.register(MerchantApplication)
class MerchantApplicationAdmin(ReadOnlyAdmin):
    list_display = ("legal_name", "country", "state", "submitted_at", "decided_at")
    list_filter = ("state", "country")
    search_fields = ("legal_name", "registration_number")


@admin.register(BrandAuthorization)
class BrandAuthorizationAdmin(ReadOnlyAdmin):
    list_display = ("merchant", "brand", "kind", "valid_from", "valid_until", "status")
    list_filter = ("status", "kind")
    search_fields = ("merchant__legal_name", "brand__name")


@admin.register(QualificationDocument)
class QualificationDocumentAdmin(ReadOnlyAdmin):
    list_display = ("merchant", "kind", "original_name", "content_type", "size", "uploaded_at")
    list_filter = ("kind", "content_type")
    exclude = ("file",)  # opened through the permission-checked document view, not a media URL


@admin.register(ReviewDecision)
class ReviewDecisionAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "decision", "application", "brand", "brand_authorization", "reviewer")
    list_filter = ("decision",)


@admin.register(ViolationKind)
class ViolationKindAdmin(admin.ModelAdmin):
    list_display = ("code", "name_zh", "name_en", "points", "is_active")
    list_editable = ("points", "is_active")

    def has_delete_permission(self, request, obj=None):
        return False  # recorded violations refer to their kind; retire a kind with "in use"


@admin.register(Violation)
class ViolationAdmin(ReadOnlyAdmin):
    list_display = ("merchant", "kind", "points", "occurred_on", "recorded_by")
    list_filter = ("kind",)
    date_hierarchy = "occurred_on"


@admin.register(BlacklistEntry)
class BlacklistEntryAdmin(ReadOnlyAdmin):
    list_display = ("legal_name", "country", "registration_number", "reason", "created_at", "lifted_at")
    list_filter = ("reason", "country")
    search_fields = ("legal_name", "registration_number")


@admin.register(MerchantEvent)
class MerchantEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "merchant", "kind", "actor")
    list_filter = ("kind",)
