"""Seller dashboard: products, variants, images and bulk import. (Being built.)"""

from django.shortcuts import render

from ..permissions import merchant_member_required


@merchant_member_required
def product_list(request):
    return render(request, "merchants/seller/products.html", {"products": []})


@merchant_member_required
def product_import(request):
    return render(request, "merchants/seller/products.html", {"products": []})
