from django.contrib import admin

from .models import Merchant, MerchantMember


class MerchantMemberInline(admin.TabularInline):
    model = MerchantMember
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Merchant)
class MerchantAdmin(admin.ModelAdmin):
    list_display = ("slug", "name_en", "name_zh", "country", "settlement_currency", "status", "approved_at")
    list_filter = ("status", "country", "settlement_currency")
    search_fields = ("slug", "legal_name", "name_en", "name_zh", "registration_number")
    inlines = [MerchantMemberInline]
