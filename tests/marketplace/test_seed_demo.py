import pytest
from django.core.management import call_command
from django.db.models import Q

from marketplace.models import Brand, Category, Product, ProductVariant, User
from merchants.models import Merchant

pytestmark = pytest.mark.django_db


def test_demo_catalog_is_big_and_believable_and_seeding_twice_changes_nothing(capsys):
    call_command("seed_demo", no_images=True, verbosity=0)
    visible = Product.objects.filter(status="published", price_cny__isnull=False)
    assert visible.count() >= 500
    assert Category.objects.filter(parent=None).count() >= 8
    assert Category.objects.exclude(parent=None).count() >= 16
    approved = Brand.objects.filter(status="approved")
    assert approved.count() >= 30
    assert approved.values("country").distinct().count() >= 8
    merchants = Merchant.objects.filter(status="approved")
    assert merchants.count() >= 20
    assert not merchants.filter(country="CN").exists()
    assert merchants.values("settlement_currency").distinct().count() >= 6
    assert set(User.objects.values_list("username", "role")) >= {
        ("shopper", "consumer"),
        ("merchant", "merchant"),
        ("staff", "staff"),
    }
    assert User.objects.get(username="merchant").merchant is not None
    assert (
        visible.filter(shipping_mode="bonded").exists()
        and visible.filter(shipping_mode="direct_mail").exists()
    )
    assert visible.filter(is_featured=True).exists()
    # Shipping templates of several kinds, and variants of realistic, varied weights.
    from logistics.models import ShippingTemplate, ShippingTemplateRegion

    templates = ShippingTemplate.objects.all()
    assert templates.count() >= 20
    assert templates.filter(free_from__isnull=True).exists() and templates.filter(free_from__gt=0).exists()
    assert templates.values("additional_step_grams").distinct().count() >= 3
    assert any("新疆维吾尔自治区" in r.provinces for r in ShippingTemplateRegion.objects.all())
    assert ProductVariant.objects.values("weight_grams").distinct().count() >= 20
    # Both languages everywhere a shopper reads them: an English page must not show Chinese names.
    assert not Product.objects.filter(Q(name_en="") | Q(name_zh="")).exists()
    assert not ProductVariant.objects.filter(Q(name_en="") | Q(name_zh="")).exists()
    assert not Product.objects.filter(Q(description_en="") | Q(description_zh="")).exists()
    assert not Merchant.objects.exclude(status="pending").filter(Q(name_en="") | Q(name_zh="")).exists()
    assert not Brand.objects.filter(name="").exists()
    assert not Category.objects.filter(Q(name_en="") | Q(name_zh="")).exists()
    # Every demo store has paid its security deposit through the sandbox (the ledger holds it), and
    # a finance staff account can see who has.
    from payments import merchant_selectors

    stores = Merchant.objects.exclude(status="pending")
    assert all(merchant_selectors.deposit_status(m).is_paid for m in stores)
    assert stores.filter(security_deposit__special=True).exists()
    finance = User.objects.get(username="finance")
    assert finance.is_staff and not finance.is_superuser
    assert finance.has_perm("payments.view_finance") and finance.has_perm("payments.manage_finance")

    count = Product.objects.count()
    call_command("seed_demo", no_images=True)
    assert "already seeded" in capsys.readouterr().out
    assert Product.objects.count() == count


def test_seed_size_is_a_parameter_and_reset_rebuilds(tmp_path):
    call_command("seed_demo", products=2500, no_images=True, verbosity=0)  # the bulk path
    assert Product.objects.filter(status="published", price_cny__isnull=False).count() == 2500
    call_command("seed_demo", products=40, reset=True, verbosity=0)  # with images
    assert Product.objects.count() == 40
    product = Product.objects.prefetch_related("images").first()
    cover = product.images.all()[0].image
    assert cover.storage.exists(cover.name)
