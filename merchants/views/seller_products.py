"""Seller dashboard: the merchant's products, their variants and images, publishing, and bulk import.

Views are thin: they validate forms and call the catalog services (`marketplace.services`) or the
import services (`merchants.product_import`); a domain error becomes a form error or a message.
Another store's product or import is a 404.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace import services as catalog
from marketplace.errors import DomainError
from marketplace.models import Product, ProductImage

from .. import product_import as imports
from .. import selectors
from ..forms.products import (
    ProductCreateForm,
    ProductFilterForm,
    ProductForm,
    ProductImageForm,
    ProductImportForm,
    VariantFormSet,
)
from ..permissions import approved_merchant_required

PAGE_SIZE = 20


def _own_product(request, pk) -> Product:
    return get_object_or_404(
        Product.objects.select_related("brand", "category", "tax_category", "merchant"),
        pk=pk,
        merchant=request.merchant,
    )


@approved_merchant_required
def product_list(request):
    merchant = request.merchant
    filters = ProductFilterForm(request.GET or None)
    status = q = ""
    if filters.is_valid():
        status, q = filters.cleaned_data["status"], filters.cleaned_data["q"]
    page = Paginator(selectors.seller_products(merchant, status=status, q=q), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "merchants/seller/products.html",
        {
            "page": page,
            "products": page.object_list,
            "filters": filters,
            "counts": selectors.seller_product_counts(merchant),
            "status": status,
            "q": q,
            "query_string": query.urlencode(),
            "statuses": Product.Status.choices,
        },
    )


@approved_merchant_required
def product_create(request):
    merchant = request.merchant
    form = ProductCreateForm(request.POST or None, merchant=merchant)
    if request.method == "POST" and form.is_valid():
        try:
            product = catalog.product_create(
                merchant=merchant, variants=[form.first_variant()], **form.product_fields()
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Product saved as a draft. Add images and variants, then publish."))
            return redirect("seller:product_edit", pk=product.pk)
    return render(request, "merchants/seller/product_create.html", {"form": form})


@approved_merchant_required
def product_edit(request, pk):
    """One page for a product: its description, variants, images, and publishing."""
    merchant = request.merchant
    product = _own_product(request, pk)
    action = request.POST.get("action") if request.method == "POST" else None
    product_form = ProductForm(
        request.POST if action == "product" else None, instance=product, merchant=merchant
    )
    variants = VariantFormSet(
        request.POST if action == "variants" else None,
        queryset=product.variants.all(),
        prefix="variants",
        currency=merchant.settlement_currency,
    )
    image_form = ProductImageForm(
        request.POST if action == "image_add" else None, request.FILES if action == "image_add" else None
    )
    if action == "product" and product_form.is_valid():
        try:
            catalog.product_update(product=product, actor_merchant=merchant, **product_form.product_fields())
        except DomainError as exc:
            product_form.add_error(None, str(exc))
        else:
            messages.success(request, _("Product details saved."))
            return redirect("seller:product_edit", pk=product.pk)
    elif action == "variants" and variants.is_valid() and _variants_save(request, product, variants):
        messages.success(request, _("Variants saved."))
        return redirect("seller:product_edit", pk=product.pk)
    elif action == "image_add" and image_form.is_valid():
        try:
            catalog.product_image_add(
                product=product,
                actor_merchant=merchant,
                uploaded_file=image_form.cleaned_data["image"],
                alt=image_form.cleaned_data["alt"],
            )
        except DomainError as exc:
            image_form.add_error("image", str(exc))
        else:
            messages.success(request, _("Image added."))
            return redirect("seller:product_edit", pk=product.pk)
    elif action == "image_order":
        order = sorted(
            (int(value) if value.lstrip("-").isdigit() else 0, image_pk)
            for image_pk in product.images.values_list("pk", flat=True)
            for value in [request.POST.get(f"position-{image_pk}", "0")]
        )
        catalog.product_images_reorder(
            product=product, actor_merchant=merchant, image_ids=[image_pk for _pos, image_pk in order]
        )
        messages.success(request, _("Image order saved."))
        return redirect("seller:product_edit", pk=product.pk)
    product.refresh_from_db()
    return render(
        request,
        "merchants/seller/product_edit.html",
        {
            "product": product,
            "product_form": product_form,
            "variants": variants,
            "image_form": image_form,
            "images": product.images.all(),
            "currency": merchant.settlement_currency,
        },
    )


def _variants_save(request, product, formset) -> bool:
    """Save every changed row of the variants table together; a refusal becomes that row's error."""
    forms = [
        form
        for form in formset.forms
        if form.has_changed() or (form.instance.pk and form in formset.deleted_forms)
    ]
    changes = []
    for form in forms:
        if form in formset.deleted_forms:
            changes.append({"variant": form.instance if form.instance.pk else None, "delete": True})
        else:
            changes.append(
                {
                    "variant": form.instance if form.instance.pk else None,
                    "sku": form.cleaned_data["sku"],
                    **form.variant_fields(),
                }
            )
    try:
        catalog.product_variants_save(product=product, actor_merchant=request.merchant, changes=changes)
    except DomainError as exc:
        forms[getattr(exc, "change_index", 0)].add_error(None, str(exc))
        return False
    return True


@require_POST
@approved_merchant_required
def product_publish(request, pk):
    product = _own_product(request, pk)
    try:
        catalog.product_publish(product=product, actor_merchant=request.merchant)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Published: shoppers can now find and buy this product."))
    if request.POST.get("next"):
        return redirect(_safe_next(request))
    return redirect("seller:product_edit", pk=product.pk)


@require_POST
@approved_merchant_required
def product_unpublish(request, pk):
    product = _own_product(request, pk)
    catalog.product_unpublish(product=product, actor_merchant=request.merchant)
    messages.success(request, _("Taken off sale. The product is hidden from shoppers until you publish it."))
    if request.POST.get("next"):
        return redirect(_safe_next(request))
    return redirect("seller:product_edit", pk=product.pk)


def _safe_next(request) -> str:
    target = request.POST.get("next", "")
    return target if target.startswith("/seller/") else "/seller/products/"


@require_POST
@approved_merchant_required
def product_image_delete(request, pk, image_pk):
    product = _own_product(request, pk)
    image = get_object_or_404(ProductImage, pk=image_pk, product=product)
    catalog.product_image_delete(image=image, actor_merchant=request.merchant)
    messages.success(request, _("Image removed."))
    return redirect("seller:product_edit", pk=product.pk)


# --- Bulk import ----------------------------------------------------------------------------------------


@approved_merchant_required
def product_import(request):
    merchant = request.merchant
    form = ProductImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            started = imports.product_import_start(
                merchant=merchant, actor=request.user, uploaded_file=form.cleaned_data["file"]
            )
        except DomainError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("seller:import_detail", pk=started.pk)
    return render(
        request,
        "merchants/seller/product_import.html",
        {
            "form": form,
            "columns": imports.COLUMNS,
            "imports": imports.product_imports_of(merchant)[:10],
            "currency": merchant.settlement_currency,
        },
    )


def _own_import(request, pk):
    found = imports.product_import_of(request.merchant, pk)
    if found is None:
        raise Http404
    return found


@approved_merchant_required
def import_detail(request, pk):
    product_import = _own_import(request, pk)
    # Each recorded error in the language of this page (they are stored in English).
    errors = [{**entry, "text": imports.import_error_text(entry)} for entry in product_import.errors]
    return render(
        request, "merchants/seller/import_detail.html", {"import": product_import, "errors": errors}
    )


@approved_merchant_required
def import_status(request, pk):
    """What the import page polls every second while an import runs."""
    product_import = _own_import(request, pk)
    return JsonResponse(
        {
            "status": product_import.status,
            "status_display": product_import.get_status_display(),
            "finished": product_import.is_finished,
            "total_rows": product_import.total_rows,
            "processed_rows": product_import.processed_rows,
            "percent": product_import.progress_percent,
            "created": product_import.created_count,
            "updated": product_import.updated_count,
            "failed_rows": product_import.failed_rows,
            "error_count": len(product_import.errors),
        },
        headers={"Cache-Control": "no-store"},
    )


@approved_merchant_required
def import_errors(request, pk):
    product_import = _own_import(request, pk)
    response = HttpResponse(imports.product_import_errors_csv(product_import), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="import-{product_import.pk}-errors.csv"'
    return response


@approved_merchant_required
def import_template(request):
    response = HttpResponse(imports.template_csv(request.merchant), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="product-import-template.csv"'
    return response
