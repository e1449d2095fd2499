"""Bulk product import from a CSV or XLSX spreadsheet (the format is documented in docs/rules.md,
"Seller products and import", and offered as a template CSV on the import page).

One row per variant; rows sharing a `product_key` make one product. A SKU the store already sells
updates that variant (price, stock, names) instead of adding a new one. `product_import_start` checks
the file by its content and queues `tasks.product_import_run`, which calls `product_import_run` here:
every product is written through the catalog services in its own transaction, so one bad product never
spoils the others, and `processed_rows` moves as it goes so the import page can show progress.
"""

import csv
import io
import logging
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, When
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from djmoney.money import Money

from marketplace import identifiers, limits
from marketplace import services as catalog
from marketplace.errors import DomainError, InvalidIdentifier
from marketplace.models import Brand, Category, Product, ProductVariant, TaxCategory

from .errors import InvalidImportFile
from .models import ProductImport
from .selectors import brands_sellable

logger = logging.getLogger(__name__)

MAX_BYTES = getattr(settings, "PRODUCT_IMPORT_MAX_BYTES", 5 * 1024 * 1024)
MAX_ROWS = getattr(settings, "PRODUCT_IMPORT_MAX_ROWS", 5000)

# (column, required in the header, what it means) - the documented format, in template order.
COLUMNS = [
    ("product_key", False, gettext_lazy("Groups rows into one product (any text). Empty: the SKU.")),
    (
        "name_zh",
        False,
        gettext_lazy("Product name in Chinese. A new product needs a Chinese or English name."),
    ),
    ("name_en", False, gettext_lazy("Product name in English.")),
    ("description_zh", False, gettext_lazy("Description in Chinese.")),
    ("description_en", False, gettext_lazy("Description in English.")),
    ("brand", False, gettext_lazy("Brand address name (slug) or registered name; a brand you may sell.")),
    ("category", False, gettext_lazy("Category address name (slug) of a sub-category.")),
    ("tax_category", False, gettext_lazy("Tax category code, e.g. general or cosmetics-premium.")),
    ("origin_country", False, gettext_lazy("Country of origin, two-letter ISO code (JP, KR, US...).")),
    ("shipping_mode", False, gettext_lazy("direct_mail (9610) or bonded (1210).")),
    ("sku", True, gettext_lazy("Your stock keeping unit, unique on the platform. A known SKU is updated.")),
    ("option_zh", False, gettext_lazy("Variant option in Chinese (size, colour, pack).")),
    ("option_en", False, gettext_lazy("Variant option in English.")),
    ("price", True, gettext_lazy("Price in your settlement currency, e.g. 19.90.")),
    ("currency", False, gettext_lazy("Optional; if given, must be your settlement currency.")),
    ("stock", True, gettext_lazy("Units in stock, a whole number, zero or more.")),
    ("weight_grams", False, gettext_lazy("Shipping weight in grams (default 500).")),
    (
        "publish",
        False,
        gettext_lazy("yes to put the product on sale; otherwise it stays as it is (new: draft)."),
    ),
]
COLUMN_NAMES = [name for name, _required, _help in COLUMNS]
REQUIRED_COLUMNS = [name for name, required, _help in COLUMNS if required]
PRODUCT_COLUMNS = ["brand", "category", "tax_category", "origin_country", "shipping_mode"]
TRUE_WORDS = {"yes", "y", "true", "1", "是", "上架"}
FALSE_WORDS = {"", "no", "n", "false", "0", "否", "下架"}
SHIPPING_WORDS = {
    "direct_mail": Product.ShippingMode.DIRECT_MAIL,
    "direct mail": Product.ShippingMode.DIRECT_MAIL,
    "9610": Product.ShippingMode.DIRECT_MAIL,
    "直邮": Product.ShippingMode.DIRECT_MAIL,
    "bonded": Product.ShippingMode.BONDED,
    "1210": Product.ShippingMode.BONDED,
    "保税": Product.ShippingMode.BONDED,
}

# The template's example product. Brand, category, tax category, country, SKUs and prices are filled in
# from the database when the template is downloaded (`template_rows`), so its rows import unmodified.
TEMPLATE_EXAMPLE = {
    "product_key": "example-serum",
    "name_zh": "玻尿酸保湿精华",
    "name_en": "Hyaluronic moisture serum",
    "description_zh": "原装进口。",
    "description_en": "Genuine import.",
    "shipping_mode": "direct_mail",
    "option_zh": "30毫升",
    "option_en": "30 ml",
    "stock": "120",
    "weight_grams": "150",
    "publish": "no",
}
TEMPLATE_SECOND_OPTION = {"option_zh": "50毫升", "option_en": "50 ml", "stock": "80", "weight_grams": "220"}
# Example prices, in CNY, converted to the store's currency at today's rate.
TEMPLATE_PRICES_CNY = (Decimal("198"), Decimal("268"))
TEMPLATE_PREFERRED_CATEGORY = "serums"


def _example_price(amount_cny: Decimal, currency: str) -> str:
    from babel.numbers import get_currency_precision

    from marketplace.selectors import exchange_rates

    rate = exchange_rates().get(currency) if currency != "CNY" else Decimal("1")
    if not rate:
        return "29.90"
    exponent = Decimal(1).scaleb(-get_currency_precision(currency))
    return str((amount_cny / rate).quantize(exponent))


def template_rows(merchant) -> list[dict]:
    """The template's two example rows (one product, two options), made of what really exists: one of
    the store's sellable brands, a sub-category (serums first), a permitted tax category (general
    goods first), the brand's country and SKUs no other store has. A store with no brand it may sell
    yet gets a placeholder it must replace."""
    brand = brands_sellable(merchant).first()
    category = (
        Category.objects.filter(children__isnull=True)
        .order_by(
            Case(When(slug=TEMPLATE_PREFERRED_CATEGORY, then=0), default=1),
            F("parent_id").asc(nulls_last=True),
            "position",
            "pk",
        )
        .first()
    )
    tax_category = (
        TaxCategory.objects.filter(permitted=True)
        .order_by(Case(When(code="general", then=0), default=1), "pk")
        .first()
    )
    currency = merchant.settlement_currency
    first = {
        **TEMPLATE_EXAMPLE,
        "brand": brand.slug if brand else "your-brand-slug",
        "category": category.slug if category else "a-sub-category-slug",
        "tax_category": tax_category.code if tax_category else "general",
        "origin_country": brand.country.code if brand and brand.country else "JP",
        "sku": f"EXAMPLE-{merchant.pk}-30ML",
        "price": _example_price(TEMPLATE_PRICES_CNY[0], currency),
    }
    second = {
        "product_key": first["product_key"],
        **TEMPLATE_SECOND_OPTION,
        "sku": f"EXAMPLE-{merchant.pk}-50ML",
        "price": _example_price(TEMPLATE_PRICES_CNY[1], currency),
    }
    return [first, second]


def template_csv(merchant) -> str:
    """The template offered for download: the header and two rows of one product (UTF-8 with BOM, so
    spreadsheet programs read the Chinese correctly)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.DictWriter(out, fieldnames=COLUMN_NAMES)
    writer.writeheader()
    for row in template_rows(merchant):
        writer.writerow({name: row.get(name, "") for name in COLUMN_NAMES})
    return out.getvalue()


# --- Reading the file ---------------------------------------------------------------------------------


def _sniff_format(head: bytes) -> str:
    if head.startswith(b"PK\x03\x04"):
        return ProductImport.Format.XLSX
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InvalidImportFile(_("old Excel files (.xls) are not supported; save it as .xlsx or CSV"))
    if (
        head.startswith(b"%PDF")
        or head.startswith(b"\xff\xd8\xff")
        or head.startswith(b"\x89PNG")
        or (b"\x00" in head)
    ):
        raise InvalidImportFile(_("it is neither a CSV text file nor an XLSX spreadsheet"))
    return ProductImport.Format.CSV


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _normalize_header(cells) -> list[str]:
    return [_cell_text(cell).lstrip("\ufeff").strip().lower().replace(" ", "_") for cell in cells]


def _decode_csv(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GB18030/GBK
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidImportFile(_("the text is neither UTF-8 nor GB18030"))


def _read_table(data: bytes, file_format: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the non-empty data rows with their spreadsheet row numbers (the header is row 1)."""
    if file_format == ProductImport.Format.XLSX:
        import openpyxl

        try:
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
            raise InvalidImportFile(_("it is a damaged or unsupported XLSX spreadsheet")) from exc
        try:
            raw = workbook.worksheets[0].iter_rows(values_only=True)
            rows = [[_cell_text(cell) for cell in row] for row in raw]
        finally:
            workbook.close()
    else:
        text = _decode_csv(data)
        first_line = text.split("\n", 1)[0]
        delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
        if first_line.count("\t") > max(first_line.count(","), first_line.count(";")):
            delimiter = "\t"
        try:
            rows = [
                [cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)
            ]
        except csv.Error as exc:
            raise InvalidImportFile(_("the CSV text cannot be read: %(error)s") % {"error": exc}) from exc
    if not rows:
        raise InvalidImportFile(_("the file is empty"))
    header = _normalize_header(rows[0])
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise InvalidImportFile(
            _("the first row must name the columns; missing: %(columns)s") % {"columns": ", ".join(missing)}
        )
    body = [(number, row) for number, row in enumerate(rows[1:], start=2) if any(cell for cell in row)]
    if not body:
        raise InvalidImportFile(_("there are no rows under the header"))
    if len(body) > MAX_ROWS:
        raise InvalidImportFile(
            _("it has %(rows)s rows, and one import may have at most %(limit)s")
            % {"rows": len(body), "limit": MAX_ROWS}
        )
    return header, body


def _records(header, body) -> list[tuple[int, dict]]:
    records = []
    for number, row in body:
        record = {name: (row[index] if index < len(row) else "") for index, name in enumerate(header) if name}
        records.append((number, record))
    return records


# --- Starting an import -------------------------------------------------------------------------------


@transaction.atomic
def product_import_start(*, merchant, actor, uploaded_file) -> ProductImport:
    """Check the upload (size, CSV text or XLSX by content, the header) and queue its processing."""
    from .tasks import product_import_run as product_import_task

    size = uploaded_file.size
    if not size:
        raise InvalidImportFile(_("the file is empty"))
    if size > MAX_BYTES:
        raise InvalidImportFile(
            _("it is %(size)s, and imports may be at most %(limit)s")
            % {"size": filesizeformat(size), "limit": filesizeformat(MAX_BYTES)}
        )
    uploaded_file.seek(0)
    data = uploaded_file.read()
    uploaded_file.seek(0)
    file_format = _sniff_format(data[:1024])
    if file_format == ProductImport.Format.XLSX:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if "xl/workbook.xml" not in archive.namelist():
                    raise InvalidImportFile(_("it is a ZIP archive, not an XLSX spreadsheet"))
        except zipfile.BadZipFile as exc:
            raise InvalidImportFile(_("it is a damaged or unsupported XLSX spreadsheet")) from exc
    header, body = _read_table(data, file_format)
    product_import = ProductImport(
        merchant=merchant,
        original_name=(getattr(uploaded_file, "name", "") or "import")[-200:],
        file_format=file_format,
        total_rows=len(body),
        created_by=actor,
    )
    product_import.file.save(f"import.{file_format}", uploaded_file, save=False)
    product_import.save()
    language = translation.get_language()
    transaction.on_commit(lambda: product_import_task.delay(import_id=product_import.pk, language=language))
    return product_import


# --- Running an import --------------------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    values: dict
    errors: list = field(default_factory=list)  # (column, message)
    clean: dict = field(default_factory=dict)

    def error(self, column, message, **params):
        """`message` is a lazy (or marked) English message and `params` its values: both are stored in
        English and translated when shown (`import_error_text`), so the merchant reads them in the
        language of the page, not in the language the import worker happened to run in."""
        values = {key: _source(value) for key, value in params.items()}
        messages = sorted(key for key, value in params.items() if isinstance(value, Promise))
        self.errors.append((column, _source(message), values, messages))


class _Lookups:
    """Brands, categories and tax categories read once per import, not once per row."""

    def __init__(self, merchant):
        self.merchant = merchant
        self.sellable = {}
        for brand in brands_sellable(merchant):
            self.sellable[brand.slug.lower()] = brand
            self.sellable[brand.name.lower()] = brand
        self.brands_known = {
            key.lower() for pair in Brand.objects.values_list("slug", "name") for key in pair if key
        }
        self.categories = {c.slug: c for c in Category.objects.all()}
        self.parents = set(Category.objects.filter(parent__isnull=False).values_list("parent_id", flat=True))
        self.tax_categories = {t.code: t for t in TaxCategory.objects.all()}


def _parse_row(row: _Row, look: _Lookups) -> None:
    values, clean = row.values, row.clean
    for name in ("name_zh", "name_en", "description_zh", "description_en", "option_zh", "option_en"):
        clean[name] = values.get(name, "")
    # The SKU's canonical form (`marketplace.identifiers.sku`) is what is matched, checked for
    # repeats and stored: " serum-30ml" and "ＳＥＲＵＭ-30ML" update the variant SERUM-30ML.
    clean["sku"] = ""
    if not values.get("sku", "").strip():
        row.error("sku", _("a SKU is required"))
    else:
        try:
            clean["sku"] = identifiers.sku(values["sku"])
        except InvalidIdentifier as exc:
            row.error("sku", str(exc))
    clean["product_key"] = values.get("product_key", "") or clean["sku"]
    try:
        price = Decimal(values.get("price", "").replace(",", ""))
        if not price.is_finite() or price <= 0:
            row.error("price", _("the price must be more than zero"))
        elif price > limits.PRICE_MAX:
            row.error("price", _("the price may be at most %(max)s") % {"max": f"{limits.PRICE_MAX:,}"})
        elif price != price.quantize(Decimal("0.01")):
            row.error("price", _("the price may have at most two decimal places"))
        clean["price"] = price
    except InvalidOperation:
        row.error("price", _("the price is not a number"))
    currency = values.get("currency", "").upper()
    if currency and currency != look.merchant.settlement_currency:
        row.error(
            "currency",
            _("prices must be in your settlement currency, %(currency)s"),
            currency=look.merchant.settlement_currency,
        )
    bounds = (
        ("stock", None, 0, limits.STOCK_MAX),
        ("weight_grams", 500, limits.WEIGHT_MIN_GRAMS, limits.WEIGHT_MAX_GRAMS),
    )
    for name, default, minimum, maximum in bounds:
        text = values.get(name, "").replace(",", "")
        if not text and default is not None:
            clean[name] = default
            continue
        try:
            number = int(text)
        except ValueError:
            row.error(name, _("must be a whole number"))
            continue
        if number < minimum:
            row.error(name, _("cannot be negative") if minimum == 0 else _("must be more than zero"))
        elif number > maximum:
            row.error(name, _("may be at most %(max)s") % {"max": f"{maximum:,}"})
        clean[name] = number
    publish = values.get("publish", "").lower()
    if publish in TRUE_WORDS:
        clean["publish"] = True
    elif publish in FALSE_WORDS:
        clean["publish"] = False
    else:
        row.error("publish", _("write yes or no"))
    brand = values.get("brand", "")
    if brand:
        clean["brand"] = look.sellable.get(brand.lower())
        if clean["brand"] is None:
            if brand.lower() in look.brands_known:
                row.error(
                    "brand",
                    _("your store holds no approved authorization in force for %(brand)s"),
                    brand=brand,
                )
            else:
                row.error("brand", _("there is no brand %(brand)s"), brand=brand)
    category = values.get("category", "")
    if category:
        clean["category"] = look.categories.get(category)
        if clean["category"] is None:
            row.error("category", _("there is no category %(slug)s"), slug=category)
        elif clean["category"].pk in look.parents:
            row.error("category", _("choose a sub-category of %(slug)s"), slug=category)
    code = values.get("tax_category", "")
    if code:
        clean["tax_category"] = look.tax_categories.get(code)
        if clean["tax_category"] is None:
            row.error("tax_category", _("there is no tax category %(code)s"), code=code)
        elif not clean["tax_category"].permitted:
            row.error("tax_category", _("these goods are not on the cross-border import positive list"))
    country = values.get("origin_country", "").upper()
    if country:
        if country not in dict(countries):
            row.error("origin_country", _("%(code)s is not a two-letter country code"), code=country)
        clean["origin_country"] = country
    mode = values.get("shipping_mode", "")
    if mode:
        clean["shipping_mode"] = SHIPPING_WORDS.get(mode.lower())
        if clean["shipping_mode"] is None:
            row.error("shipping_mode", _("write direct_mail or bonded"))


def _group_product_fields(rows: list[_Row]) -> dict:
    """Product fields come from the first row of the group that fills them."""
    fields = {}
    for name in ["name_zh", "name_en", "description_zh", "description_en", *PRODUCT_COLUMNS]:
        for row in rows:
            if row.clean.get(name):
                fields[name] = row.clean[name]
                break
    return fields


def _variant_fields(row: _Row) -> dict:
    clean = row.clean
    return {
        "name_zh": clean["option_zh"],
        "name_en": clean["option_en"],
        "price": clean["price"],
        "stock": clean["stock"],
        "weight_grams": clean["weight_grams"],
    }


def _import_group(merchant, rows: list[_Row]) -> str:
    """Write one product and its variants; returns "created" or "updated". Raises DomainError with the
    row that caused it as `exc.import_row`."""
    skus = [row.clean["sku"] for row in rows]
    existing = {v.sku: v for v in ProductVariant.objects.filter(sku__in=skus).select_related("product")}
    for row in rows:
        variant = existing.get(row.clean["sku"])
        if variant is not None and variant.product.merchant_id != merchant.pk:
            row.error("sku", _("SKU %(sku)s is already used by another store"), sku=row.clean["sku"])
    if any(row.errors for row in rows):
        return ""
    products = {v.product_id: v.product for v in existing.values()}
    if len(products) > 1:
        rows[0].error("product_key", _("these SKUs belong to different products of your store"))
        return ""
    fields = _group_product_fields(rows)
    publish = any(row.clean["publish"] for row in rows)
    current = rows[0]
    try:
        with transaction.atomic():
            if products:
                product = next(iter(products.values()))
                changes = {k: v for k, v in fields.items() if getattr(product, k) != v}
                if changes:
                    product = catalog.product_update(product=product, actor_merchant=merchant, **changes)
                for row in rows:
                    current = row
                    catalog.variant_save(
                        product=product,
                        actor_merchant=merchant,
                        variant=existing.get(row.clean["sku"]),
                        sku=row.clean["sku"],
                        is_active=True,
                        **_variant_fields(row),
                    )
                outcome = "updated"
            else:
                missing = [name for name in PRODUCT_COLUMNS if not fields.get(name)]
                if missing:
                    for name in missing:
                        rows[0].error(name, _("a new product needs this column"))
                    return ""
                first, *others = rows
                variant = {
                    "sku": first.clean["sku"],
                    **_variant_fields(first),
                    "price": Money(first.clean["price"], merchant.settlement_currency),
                }
                product = catalog.product_create(
                    merchant=merchant, variants=[variant], publish=False, **fields
                )
                for row in others:
                    current = row
                    catalog.variant_save(
                        product=product, actor_merchant=merchant, sku=row.clean["sku"], **_variant_fields(row)
                    )
                outcome = "created"
            current = rows[0]
            if publish and product.status != Product.Status.PUBLISHED:
                catalog.product_publish(product=product, actor_merchant=merchant)
    except DomainError as exc:
        current.error("", exc.message, **exc.params)
        return ""
    return outcome


def _record_errors(product_import_id, rows: list[_Row], created: int, updated: int) -> int:
    """Write a group's outcome and progress at once (visible to the polling page immediately)."""
    failing = [row for row in rows if row.errors]
    if failing:
        first = failing[0].number
        for row in rows:
            if not row.errors:
                row.error("", _("not imported: row %(row)s of the same product has an error"), row=first)
    entries = [
        {
            "row": row.number,
            "column": col,
            "message": _render(msg, params, [], translate=False),  # English, for readers of the raw data
            "msgid": msg,
            "params": params,
            "translated_params": messages,
        }
        for row in rows
        for col, msg, params, messages in row.errors
    ]
    product_import = ProductImport.objects.select_for_update().get(pk=product_import_id)
    product_import.errors = product_import.errors + entries
    product_import.processed_rows = F("processed_rows") + len(rows)
    product_import.created_count = F("created_count") + created
    product_import.updated_count = F("updated_count") + updated
    product_import.failed_rows = F("failed_rows") + (len(rows) if failing else 0)
    product_import.save(
        update_fields=["errors", "processed_rows", "created_count", "updated_count", "failed_rows"]
    )
    return len(entries)


def product_import_run(*, import_id: int) -> ProductImport | None:
    """Process a queued import (idempotent: an import already started is left alone)."""
    claimed = ProductImport.objects.filter(pk=import_id, status=ProductImport.Status.QUEUED).update(
        status=ProductImport.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return None
    product_import = ProductImport.objects.select_related("merchant").get(pk=import_id)
    merchant = product_import.merchant
    try:
        with product_import.file.open("rb") as handle:
            data = handle.read()
        header, body = _read_table(data, product_import.file_format)
        ProductImport.objects.filter(pk=import_id).update(total_rows=len(body))
        look = _Lookups(merchant)
        groups: dict[str, list[_Row]] = {}
        seen_skus: dict[str, int] = {}
        for number, values in _records(header, body):
            row = _Row(number=number, values=values)
            _parse_row(row, look)
            sku = row.clean["sku"]
            if sku and sku in seen_skus:
                row.error("sku", _("SKU %(sku)s is already on row %(row)s"), sku=sku, row=seen_skus[sku])
            seen_skus.setdefault(sku, number)
            groups.setdefault(row.clean["product_key"].lower(), []).append(row)
        for rows in groups.values():
            outcome = "" if any(row.errors for row in rows) else _import_group(merchant, rows)
            with transaction.atomic():
                _record_errors(
                    import_id, rows, created=int(outcome == "created"), updated=int(outcome == "updated")
                )
    except DomainError as exc:
        _finish(import_id, ProductImport.Status.FAILED, failure=str(exc))
    except Exception:
        logger.exception("Product import %s failed", import_id)
        _finish(import_id, ProductImport.Status.FAILED, failure=_("An unexpected error stopped the import."))
    else:
        _finish(import_id, ProductImport.Status.DONE)
    return ProductImport.objects.get(pk=import_id)


def _finish(import_id, status, failure=""):
    ProductImport.objects.filter(pk=import_id).update(
        status=status, failure=str(failure), finished_at=timezone.now()
    )


def _source(text) -> str:
    """The English source of a message or value: lazy messages are read with translation off."""
    with translation.override(None):
        return str(text)


def _render(msgid: str, params: dict, messages: list, *, translate: bool = True) -> str:
    """`messages` names the values that are themselves messages (a reason, a status): translated too."""
    text = gettext(msgid) if translate else msgid
    if translate:
        params = {key: gettext(value) if key in messages else value for key, value in params.items()}
    return text % params if params else text


def import_error_text(entry: dict) -> str:
    """A recorded import error in the active language. Entries recorded before messages were kept in
    English (no "msgid") are shown as they were written."""
    if "msgid" not in entry:
        return entry["message"]
    return _render(entry["msgid"], entry.get("params") or {}, entry.get("translated_params") or [])


def product_import_errors_csv(product_import: ProductImport) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([_("row"), _("column"), _("message")])
    for entry in product_import.errors:
        writer.writerow([entry["row"], entry["column"], import_error_text(entry)])
    return out.getvalue()


def product_imports_of(merchant):
    return ProductImport.objects.filter(merchant=merchant).select_related("created_by")


def product_import_of(merchant, pk) -> ProductImport | None:
    return ProductImport.objects.filter(merchant=merchant, pk=pk).first()
