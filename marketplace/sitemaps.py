"""The sitemap (/sitemap.xml, an index of one sitemap per section) and its sections.

Pages are the same address in both languages (the language is the visitor's choice, kept in a cookie),
so each page is listed once, with no hreflang alternates. Only what a shopper may open is listed:
published products of open stores, categories, approved brands, open stores, and the public pages.
Django splits a section into pages of 50,000 addresses, which the index lists.
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse
from django_countries import countries

from merchants.selectors import merchants_open

from . import selectors
from .models import Category


class ProductSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self):
        return selectors.products_visible().only("pk", "updated_at").order_by("pk")

    def lastmod(self, product):
        return product.updated_at

    def get_latest_lastmod(self):
        # One aggregate, not every product loaded (Django's default for a lastmod method).
        return self.items().order_by().aggregate(latest=Max("updated_at"))["latest"]


class CategorySitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return Category.objects.only("slug").order_by("pk")


class BrandSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return selectors.brands_approved().only("slug").order_by("pk")


class StoreSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return merchants_open().only("slug").order_by("pk")


class StaticPageSitemap(Sitemap):
    """The storefront's own pages, and a pavilion for each country that has products on sale."""

    changefreq = "daily"
    priority = 1.0

    def items(self):
        pages = ["home", "product_list", "brand_list", "pavilion_list", "blacklist"]
        codes = sorted(p["origin_country"] for p in selectors.pavilions() if p["origin_country"] in countries)
        return pages + [f"pavilion:{code.lower()}" for code in codes]

    def location(self, item):
        if item.startswith("pavilion:"):
            return reverse("pavilion", args=[item.split(":", 1)[1]])
        return reverse(item)


SITEMAPS = {
    "pages": StaticPageSitemap,
    "products": ProductSitemap,
    "categories": CategorySitemap,
    "brands": BrandSitemap,
    "stores": StoreSitemap,
}
