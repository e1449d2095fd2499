"""Bulk import of products from CSV and XLSX files."""

import csv
import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from djmoney.money import Money

from marketplace.models import Product, ProductVariant
from merchants import product_import
from merchants.models import ProductImport
from merchants.storage import private_storage
from tests.factories import BrandFactory, ProductFactory

from .conftest import image_bytes

pytestmark = pytest.mark.django_db

HEADER = product_import.COLUMN_NAMES


def row(**values):
    return [values.get(name, "") for name in HEADER]


@pytest.fixture
def catalog(brand, category, tax_category):
    BrandFactory(slug="not-ours", name="Not Ours")
    return brand


def good_and_bad_rows():
    product = {
        "brand": "sakura",
        "category": "skincare",
        "tax_category": "general",
        "origin_country": "JP",
        "shipping_mode": "direct_mail",
    }
    return [
        # rows 2-3: one good product with two variants, published
        row(
            product_key="serum",
            name_zh="精华",
            name_en="Serum",
            sku="S-30",
            option_en="30 ml",
            price="29.90",
            stock="10",
            publish="yes",
            **product,
        ),
        row(product_key="serum", sku="S-50", option_en="50 ml", price="42", stock="5"),
        # row 4: negative stock
        row(product_key="cream", name_en="Cream", sku="C-1", price="10", stock="-3", **product),
        # row 5: a brand the store holds no authorization for
        row(
            product_key="mask",
            name_en="Mask",
            sku="M-1",
            price="5",
            stock="1",
            **{**product, "brand": "not-ours"},
        ),
        # rows 6-7: a product whose second row has a foreign currency: neither row is imported
        row(product_key="toner", name_en="Toner", sku="T-1", price="8", stock="2", **product),
        row(product_key="toner", sku="T-2", price="9", stock="2", currency="EUR"),
        # row 8: a good draft product
        row(product_key="soap", name_en="Soap", sku="SOAP-1", price="3.50", stock="100", **product),
    ]


def csv_file(rows, name="products.csv", encoding="utf-8-sig"):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode(encoding), content_type="text/csv")


def xlsx_file(rows, name="products.xlsx"):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for values in rows:
        # numbers as numbers, the way a spreadsheet stores them
        sheet.append([float(v) if v.replace(".", "", 1).lstrip("-").isdigit() else v for v in values])
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/octet-stream")


def upload(seller, file, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = seller.post(reverse("seller:product_import"), {"file": file})
    return response


def errors_by_row(imported):
    found = {}
    for entry in imported.errors:
        found.setdefault(entry["row"], []).append((entry["column"], entry["message"]))
    return found


@pytest.mark.parametrize("make_file", [csv_file, xlsx_file])
def test_import_mixed_rows(seller, merchant, catalog, make_file, django_capture_on_commit_callbacks):
    response = upload(seller, make_file(good_and_bad_rows()), django_capture_on_commit_callbacks)
    imported = ProductImport.objects.get(merchant=merchant)
    assert response.status_code == 302 and response.url == reverse("seller:import_detail", args=[imported.pk])
    assert imported.status == ProductImport.Status.DONE
    assert imported.total_rows == imported.processed_rows == 7
    assert imported.progress_percent == 100
    assert (imported.created_count, imported.updated_count, imported.failed_rows) == (2, 0, 4)

    serum = Product.objects.get(merchant=merchant, name_en="Serum")
    assert serum.status == Product.Status.PUBLISHED
    assert sorted(serum.variants.values_list("sku", flat=True)) == ["S-30", "S-50"]
    assert serum.price == Money("29.90", "USD")
    assert Product.objects.get(merchant=merchant, name_en="Soap").status == Product.Status.DRAFT
    assert not ProductVariant.objects.filter(sku__in=["C-1", "M-1", "T-1", "T-2"]).exists()

    errors = errors_by_row(imported)
    assert sorted(errors) == [4, 5, 6, 7]
    assert errors[4] == [("stock", "cannot be negative")]
    assert errors[5][0][0] == "brand" and "authorization" in errors[5][0][1]
    assert errors[7][0][0] == "currency" and "USD" in errors[7][0][1]
    assert "row 7" in errors[6][0][1]

    page = seller.get(reverse("seller:import_detail", args=[imported.pk])).content.decode()
    assert "cannot be negative" in page and 'style="width: 100%"' in page
    status = seller.get(reverse("seller:import_status", args=[imported.pk])).json()
    assert status["percent"] == 100 and status["finished"] and status["failed_rows"] == 4

    report = seller.get(reverse("seller:import_errors", args=[imported.pk]))
    assert report["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig"))))
    assert lines[0] == ["row", "column", "message"]
    assert ["4", "stock", "cannot be negative"] in lines


def test_reimporting_a_sku_updates_price_and_stock(
    seller, merchant, catalog, django_capture_on_commit_callbacks
):
    ProductFactory(merchant=merchant, brand=catalog, sku_prefix="OLD", prices=["10.00"], stock=5)  # "OLD-0"
    rows = [row(product_key="old", sku="OLD-0", price="12.00", stock="40")]
    upload(seller, csv_file(rows), django_capture_on_commit_callbacks)
    imported = ProductImport.objects.get()
    assert (imported.created_count, imported.updated_count, imported.errors) == (0, 1, [])
    variant = ProductVariant.objects.get(sku="OLD-0")
    assert (variant.price, variant.stock) == (Money("12.00", "USD"), 40)
    assert variant.product.price == Money("12.00", "USD")
    assert ProductVariant.objects.count() == 1


def test_a_sku_of_another_store_is_an_error(seller, merchant, catalog, django_capture_on_commit_callbacks):
    ProductFactory(sku_prefix="THEIRS")
    upload(seller, csv_file([row(sku="THEIRS-0", price="1", stock="1")]), django_capture_on_commit_callbacks)
    imported = ProductImport.objects.get()
    assert errors_by_row(imported)[2][0][0] == "sku"
    assert ProductVariant.objects.get(sku="THEIRS-0").product.merchant != merchant


def test_a_chinese_excel_csv_in_gb18030_is_read(
    seller, merchant, catalog, django_capture_on_commit_callbacks
):
    rows = [
        row(
            name_zh="面霜",
            sku="GB-1",
            price="5",
            stock="1",
            brand="Sakura",
            category="skincare",
            tax_category="general",
            origin_country="jp",
            shipping_mode="保税",
        )
    ]
    upload(seller, csv_file(rows, encoding="gb18030"), django_capture_on_commit_callbacks)
    product = Product.objects.get(merchant=merchant)
    assert product.name_zh == "面霜" and product.shipping_mode == Product.ShippingMode.BONDED


@pytest.mark.parametrize(
    "content, message",
    [
        (image_bytes("PNG"), "neither a CSV text file nor an XLSX spreadsheet"),
        (b"%PDF-1.4 fake", "neither a CSV text file nor an XLSX spreadsheet"),
        (b"PK\x03\x04 not really a zip", "damaged or unsupported XLSX"),
        (b"name,colour\nfoo,red\n", "missing: sku, price, stock"),
        (b"", "The submitted file is empty."),
    ],
)
def test_wrong_files_are_refused_with_a_clear_message(seller, merchant, content, message):
    response = seller.post(
        reverse("seller:product_import"), {"file": SimpleUploadedFile("products.csv", content)}
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    assert not ProductImport.objects.exists()


def test_size_limit(seller, merchant, monkeypatch):
    monkeypatch.setattr(product_import, "MAX_BYTES", 10)
    response = seller.post(
        reverse("seller:product_import"), {"file": csv_file([row(sku="A", price="1", stock="1")])}
    )
    assert "at most" in " ".join(response.context["form"].errors["file"])


def test_import_page_and_template(seller, merchant):
    page = seller.get(reverse("seller:product_import"))
    assert page.status_code == 200 and "product_key" in page.content.decode()
    template = seller.get(reverse("seller:import_template"))
    assert template["Content-Disposition"].startswith("attachment")
    lines = list(csv.reader(io.StringIO(template.content.decode("utf-8-sig"))))
    assert lines[0] == HEADER and len(lines) == 3


def _downloaded_template(seller):
    response = seller.get(reverse("seller:import_template"))
    assert response.status_code == 200
    return response.content.decode("utf-8")


def test_the_unmodified_template_imports(seller, merchant, catalog, django_capture_on_commit_callbacks):
    """The example rows name a brand the store may sell, a category and tax category that exist: the
    template as downloaded imports without a single error (as a draft, not on sale)."""
    text = _downloaded_template(seller)
    example = next(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert example["brand"] == "sakura" and example["category"] == "skincare"
    file = SimpleUploadedFile("template.csv", text.encode("utf-8"))
    upload(seller, file, django_capture_on_commit_callbacks)
    imported = ProductImport.objects.get()
    assert imported.errors == [] and imported.created_count == 1
    product = Product.objects.get(merchant=merchant)
    assert product.status == Product.Status.DRAFT and product.variants.count() == 2


def test_the_template_prefers_a_real_sub_category_and_prices_in_the_store_currency(
    seller, merchant, brand, tax_category, rates, django_capture_on_commit_callbacks
):
    from tests.factories import CategoryFactory

    beauty = CategoryFactory(slug="beauty-care")
    CategoryFactory(slug="masks", parent=beauty)
    CategoryFactory(slug="serums", parent=beauty)
    merchant.settlement_currency = "JPY"
    merchant.save()
    rows = list(csv.DictReader(io.StringIO(_downloaded_template(seller).lstrip("\ufeff"))))
    assert rows[0]["category"] == "serums"  # never the parent, which has sub-categories
    assert rows[0]["price"] == "4195"  # ¥198 at 0.0472 CNY per yen, in whole yen
    text = _downloaded_template(seller)
    file = SimpleUploadedFile("template.csv", text.encode("utf-8"))
    upload(seller, file, django_capture_on_commit_callbacks)
    assert ProductImport.objects.get().errors == []


def test_run_is_idempotent(seller, merchant, catalog, django_capture_on_commit_callbacks):
    upload(seller, csv_file(good_and_bad_rows()), django_capture_on_commit_callbacks)
    imported = ProductImport.objects.get()
    assert product_import.product_import_run(import_id=imported.pk) is None
    assert Product.objects.filter(merchant=merchant).count() == 2


def test_another_merchants_import_is_404_and_outsiders_are_kept_out(
    seller, other_member, consumer, catalog, django_capture_on_commit_callbacks
):
    other = Client()
    other.force_login(other_member.user)
    with django_capture_on_commit_callbacks(execute=True):
        other.post(reverse("seller:product_import"), {"file": csv_file([row(sku="Z", price="1", stock="1")])})
    theirs = ProductImport.objects.get()
    urls = [
        reverse("seller:import_detail", args=[theirs.pk]),
        reverse("seller:import_status", args=[theirs.pk]),
        reverse("seller:import_errors", args=[theirs.pk]),
    ]
    for url in urls:
        assert seller.get(url).status_code == 404, url
    client = Client()
    for url in [*urls, reverse("seller:product_import"), reverse("seller:import_template")]:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.url
    client.force_login(consumer)
    for url in [*urls, reverse("seller:product_import")]:
        assert client.get(url).status_code == 403


def test_a_zip_that_is_not_a_workbook_is_refused(seller, merchant):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    response = seller.post(
        reverse("seller:product_import"), {"file": SimpleUploadedFile("products.xlsx", out.getvalue())}
    )
    assert "ZIP archive, not an XLSX" in " ".join(response.context["form"].errors["file"])


def test_the_upload_is_kept_in_private_storage(
    seller, merchant, catalog, settings, django_capture_on_commit_callbacks
):
    upload(seller, csv_file([row(sku="A-1", price="1", stock="1")]), django_capture_on_commit_callbacks)
    imported = ProductImport.objects.get()
    assert imported.file.storage is private_storage
    assert imported.file.path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert not str(imported.file.path).startswith(str(settings.MEDIA_ROOT))


def test_import_errors_read_in_the_language_of_the_page_not_of_the_worker(
    seller, merchant, catalog, django_capture_on_commit_callbacks
):
    """The import runs in a Celery worker whose language is the site default (Chinese); its messages
    were stored translated, so an English page showed Chinese errors. They are stored in English with
    their values and translated when shown."""
    from django.utils import translation

    seller.post(reverse("seller:product_import"), {"file": csv_file(good_and_bad_rows())})  # not run yet
    imported = ProductImport.objects.get(merchant=merchant)
    with translation.override("zh-hans"):  # the worker's language
        product_import.product_import_run(import_id=imported.pk)
    imported.refresh_from_db()
    assert errors_by_row(imported)[4] == [("stock", "cannot be negative")]  # stored in English

    url = reverse("seller:import_detail", args=[imported.pk])
    english = seller.get(url).content.decode()
    assert "cannot be negative" in english and "不能为负" not in english
    assert "prices must be in your settlement currency, USD" in english
    seller.cookies["django_language"] = "zh-hans"
    chinese = seller.get(url).content.decode()
    assert "不能为负" in chinese and "cannot be negative" not in chinese
    report = seller.get(reverse("seller:import_errors", args=[imported.pk])).content.decode("utf-8-sig")
    assert "不能为负" in report and "USD" in report


def test_a_whole_file_failure_reads_in_the_uploaders_language(seller, merchant, catalog, monkeypatch):
    """The worker runs the import in the language of the page it was uploaded from."""
    from django.utils import translation

    from merchants.tasks import product_import_run as task

    seller.post(reverse("seller:product_import"), {"file": csv_file(good_and_bad_rows())})  # not run yet
    imported = ProductImport.objects.get(merchant=merchant)

    def broken(merchant):
        raise RuntimeError("a bug")

    monkeypatch.setattr(product_import, "_Lookups", broken)
    with translation.override("zh-hans"):  # the worker's own language
        task.run(import_id=imported.pk, language="en")
    imported.refresh_from_db()
    assert imported.status == ProductImport.Status.FAILED
    assert imported.failure == "An unexpected error stopped the import."
