"""Fill an empty database with a believable demo catalogue: categories, tax categories, exchange
rates, brands, merchants, products with variants and images, and three demo accounts.

Small catalogues go through `services.product_create`, so they obey the same rules as a merchant's
listing. Above BULK_THRESHOLD products the command inserts rows with bulk_create and computes listing
prices once at the end, which keeps `--products 100000` to a few minutes.
"""

import random
import time
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from io import StringIO

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Q
from django.test.utils import override_settings
from django.utils import timezone
from djmoney.money import Money

from marketplace import demo_catalog as catalog
from marketplace import demo_images, selectors, services
from marketplace.models import Brand, Category, Product, ProductImage, ProductVariant, TaxCategory, User
from marketplace.notifications.demo import seed_notifications
from merchants.demo import APPLICANTS, DEMO_APPLICANT, seed_merchant_lifecycle
from merchants.models import BrandAuthorization, Merchant, MerchantMember
from merchants.selectors import normalize_registration_number

BULK_THRESHOLD = 2000
BATCH_SIZE = 2000

DEMO_USERS = [
    # username, password, email, role, extra fields
    (
        "shopper",
        "shopper12345",
        "shopper@example.com",
        User.Role.CONSUMER,
        {"first_name": "Lin", "last_name": "Wang"},
    ),
    (
        "merchant",
        "merchant12345",
        "merchant@example.com",
        User.Role.MERCHANT,
        {"first_name": "Yuki", "last_name": "Sato"},
    ),
    (
        "staff",
        "staff12345",
        "staff@example.com",
        User.Role.STAFF,
        {"first_name": "Jing", "last_name": "Chen", "is_staff": True, "is_superuser": True},
    ),
    (
        "finance",
        "finance12345",
        "finance@example.com",
        User.Role.STAFF,
        {"first_name": "Min", "last_name": "Zhao", "is_staff": True},
    ),
]
# Platform finance staff: the finance pages, payouts and release holds (payments.permissions).
FINANCE_PERMISSIONS = ("view_finance", "manage_finance")


class Command(BaseCommand):
    help = "Seed a demo catalogue (brands, merchants, products, images) and demo accounts."

    def add_arguments(self, parser):
        parser.add_argument("--products", type=int, default=600, help="Number of products (default 600).")
        parser.add_argument(
            "--seed", type=int, default=42, help="Random seed; the same seed gives the same data."
        )
        parser.add_argument("--reset", action="store_true", help="Delete the catalogue and demo users first.")
        parser.add_argument(
            "--no-images", action="store_true", help="Skip image generation (faster, for tests)."
        )

    def handle(self, *args, products, seed, reset, no_images, **options):
        if products < 1:
            raise CommandError("--products must be at least 1.")
        existing = Product.objects.count()
        if existing and not reset:
            self.stdout.write(f"Catalog already seeded ({existing} products); use --reset to rebuild.")
            return

        started = time.monotonic()
        seeder = _Seeder(random.Random(seed), self.stdout, images=not no_images, started=started)
        # One transaction: a failed run leaves the database as it was, and SQLite is far faster when it
        # does not commit every statement.
        # Demo people get notifications in the centre, never emails (their addresses are made up).
        with transaction.atomic(), override_settings(NOTIFICATION_EMAILS=False):
            if reset:
                seeder.reset()
            seeder.run(products)
        _refresh_planner_statistics()

        self.stdout.write(self.style.SUCCESS(f"Done in {time.monotonic() - started:.1f}s."))
        self.stdout.write(seeder.summary())
        self.stdout.write("Demo accounts:")
        first_store = catalog.MERCHANTS[0]["name_en"]
        roles = {
            "shopper": "shopper",
            "merchant": f"owner of {first_store}",
            "staff": "platform staff, superuser",
            "finance": "platform finance staff (finance pages, deposits, payouts)",
        }
        for username, password, _email, _role, _extra in DEMO_USERS:
            self.stdout.write(f"  {username:<9} / {password:<14} {roles[username]}")
        self.stdout.write(
            f"  {DEMO_APPLICANT[0]:<9} / {DEMO_APPLICANT[1]:<14} a company applying to sell (asked for more)"
        )
        from orders.cases.demo_arbitrator import PASSWORD as ARBITRATOR_PASSWORD
        from orders.cases.demo_arbitrator import USERNAME as ARBITRATOR_USERNAME

        self.stdout.write(
            f"  {ARBITRATOR_USERNAME:<9} / {ARBITRATOR_PASSWORD:<14} platform arbitrator (disputes)"
        )


class _Seeder:
    def __init__(self, rng: random.Random, stdout, *, images: bool, started: float):
        self.rng = rng
        self.stdout = stdout
        self.images = images
        self.started = started
        self.now = timezone.now()
        self._image_names: dict[tuple, str] = {}

    def log(self, message: str):
        self.stdout.write(f"[{time.monotonic() - self.started:6.1f}s] {message}")

    # --- reset -----------------------------------------------------------------------------------

    def reset(self):
        # Orders and money first: ledger rows PROTECT orders and payments, orders PROTECT variants.
        from logistics.demo import demo_reset
        from orders.conversations.models import Conversation
        from orders.models import AfterSalesCase, Cart, Order
        from orders.reviews.demo import demo_reviews_reset
        from payments.models import LedgerEntry, LedgerTransaction, Payment, Refund, SandboxOperation

        demo_reviews_reset()  # reviews and store ratings protect their orders
        demo_reset()  # shipments protect their orders
        Conversation.objects.all().delete()  # before the products and orders they PROTECT
        LedgerEntry.objects.all().delete()
        LedgerTransaction.objects.all().delete()
        Refund.objects.all().delete()
        AfterSalesCase.objects.all().delete()  # cases protect their orders and buyers
        Order.objects.all().delete()
        Payment.objects.all().delete()
        SandboxOperation.objects.all().delete()
        Cart.objects.all().delete()
        # Children before parents: products PROTECT their merchant, brand and categories.
        ProductImage.objects.all().delete()
        ProductVariant.objects.all().delete()
        Product.objects.all().delete()
        Merchant.objects.all().delete()  # cascades to MerchantMember
        Brand.objects.all().delete()
        while Category.objects.exists():  # sub-categories PROTECT their parent: delete leaves first
            Category.objects.filter(children__isnull=True).delete()
        usernames = [u[0] for u in DEMO_USERS] + [a[0] for a in APPLICANTS]
        emails = [u[2] for u in DEMO_USERS]
        User.objects.filter(Q(username__in=usernames) | Q(email__in=emails)).delete()
        self.log("Deleted the previous catalogue and demo users.")

    # --- reference data --------------------------------------------------------------------------

    def run(self, count: int):
        self.tax = self._tax_categories()
        call_command("load_exchange_rates", stdout=StringIO())
        self.rates = selectors.exchange_rates(use_cache=False)
        self.log(f"Tax categories and {len(self.rates)} exchange rates loaded.")
        self.categories = self._categories()
        self.brands = self._brands()
        self.log(f"{len(self.categories)} categories and {Brand.objects.count()} brands created.")
        self.merchants = self._merchants()
        self._users()
        self.log(f"{len(self.merchants)} merchants and {len(DEMO_USERS)} demo accounts created.")
        from logistics.demo_templates import seed_shipping_templates

        self.log(f"{seed_shipping_templates(self.merchants)} shipping templates created.")
        if count > BULK_THRESHOLD:
            self._products_bulk(count)
        else:
            self._products_one_by_one(count)
        from payments.demo import seed_deposits

        seed_deposits(
            merchants=self.merchants, fallback_user=User.objects.get(username="staff"), log=self.log
        )
        seed_merchant_lifecycle(
            now=self.now,
            rng=self.rng,
            staff=User.objects.get(username="staff"),
            merchants=self.merchants,
            log=self.log,
        )
        from orders.cases.demo_arbitrator import seed_arbitrator

        seed_arbitrator(log=self.log)  # the arbitration queue's demo account
        self._shopper_orders()
        from orders.demo import seed_orders_to_ship

        seed_orders_to_ship(
            shopper=User.objects.get(username="shopper"),
            merchant=self.merchants[0],
            rng=self.rng,
            log=self.log,
        )
        from logistics.demo import seed_demo_shipments

        seed_demo_shipments(now=self.now, rng=self.rng, log=self.log)
        from orders.cases.demo import seed_cases

        seed_cases(now=self.now, rng=self.rng, log=self.log)
        from orders.conversations.demo import seed_conversations

        seed_conversations(
            shopper=User.objects.get(username="shopper"), merchants=self.merchants, now=self.now, log=self.log
        )
        from orders.reviews.demo import seed_demo_reviews

        seed_demo_reviews(merchants=self.merchants, rng=self.rng, log=self.log)
        seed_notifications(log=self.log)  # after every flow that notifies

    def _shopper_orders(self):
        """The demo shopper's address, buyer identity, one paid checkout and one awaiting payment."""
        import uuid

        from orders import services as order_services
        from payments import services as payment_services
        from payments.gateways import Card

        shopper = User.objects.get(username="shopper")
        address = order_services.address_create(
            user=shopper,
            recipient="王琳",
            phone="13800138000",
            province="上海市",
            city="上海市",
            district="浦东新区",
            street="世纪大道 100 号 12 楼",
        )
        identity = order_services.identity_create(
            user=shopper, real_name="王琳", id_number="11010519491231002X"
        )
        picks = list(
            selectors.products_visible()
            .filter(price_cny__lt=600, variants__stock__gte=3, variants__is_active=True)
            .order_by("merchant_id", "pk")
            .distinct()[:40]
        )
        by_merchant = {}
        for product in picks:
            by_merchant.setdefault(product.merchant_id, product)
        products = list(by_merchant.values())[:3]
        if len(products) < 3:
            return
        for chosen, paid in ((products[:2], True), (products[2:], False)):
            cart = order_services.cart_get_or_create(user=shopper)
            for product in chosen:
                variant = product.variants.filter(is_active=True, stock__gte=3).first()
                order_services.cart_add(cart=cart, variant_id=variant.pk, quantity=1)
            payment = order_services.checkout_place(
                user=shopper, address_id=address.pk, identity_id=identity.pk, idempotency_key=uuid.uuid4().hex
            )
            if paid:
                payment_services.payment_confirm(
                    payment=payment,
                    user=shopper,
                    card=Card("4242424242424242", 12, 2030, "123"),
                    idempotency_key=uuid.uuid4().hex,
                )
        self.log("Demo shopper: an address, a buyer identity, a paid checkout and one awaiting payment.")

    def _tax_categories(self) -> dict[str, TaxCategory]:
        result = {}
        for code, name_zh, name_en, vat, ct, permitted in catalog.TAX_CATEGORIES:
            result[code], _ = TaxCategory.objects.update_or_create(
                code=code,
                defaults={
                    "name_zh": name_zh,
                    "name_en": name_en,
                    "vat_rate": Decimal(vat),
                    "consumption_tax_rate": Decimal(ct),
                    "permitted": permitted,
                },
            )
        return result

    def _categories(self) -> dict[str, Category]:
        result = {}
        for position, top in enumerate(catalog.CATEGORIES):
            parent, _ = Category.objects.update_or_create(
                slug=top["slug"],
                defaults={
                    "parent": None,
                    "name_zh": top["zh"],
                    "name_en": top["en"],
                    "position": position,
                    "commission_rate": Decimal(catalog.COMMISSION_RATES[top["slug"]]),
                    "special_deposit": top["slug"] in catalog.SPECIAL_DEPOSIT_CATEGORIES,
                },
            )
            result[top["slug"]] = parent
            for child_position, child in enumerate(top["children"]):
                result[child["slug"]], _ = Category.objects.update_or_create(
                    slug=child["slug"],
                    defaults={
                        "parent": parent,
                        "name_zh": child["zh"],
                        "name_en": child["en"],
                        "position": child_position,
                    },
                )
        return result

    def _brands(self) -> dict[str, Brand]:
        result = {}
        for spec in catalog.BRANDS + catalog.OTHER_BRANDS:
            brand, _ = Brand.objects.update_or_create(
                slug=spec["slug"],
                defaults={
                    "name": spec["name"],
                    "name_zh": spec["name_zh"],
                    "country": spec["country"],
                    "status": spec.get("status", Brand.Status.APPROVED),
                    "description_zh": spec["description_zh"],
                    "description_en": spec["description_en"],
                },
            )
            if self.images:
                brand.logo.name = self._store(
                    f"brands/demo-{spec['slug']}.png",
                    lambda spec=spec: demo_images.brand_logo(
                        name=spec["name"],
                        colour=spec["colour"],
                        tagline=catalog.COUNTRIES[spec["country"]][1],
                    ),
                )
                brand.save(update_fields=["logo"])
            # Brands joined the platform over the past few years.
            Brand.objects.filter(pk=brand.pk).update(
                created_at=self.now - timedelta(days=self.rng.randint(400, 1900))
            )
            result[spec["slug"]] = brand
        return result

    def _merchants(self) -> list[Merchant]:
        result = []
        for spec in catalog.MERCHANTS:
            approved_at = self.now - timedelta(days=self.rng.uniform(365, 5 * 365))
            merchant, _ = Merchant.objects.update_or_create(
                slug=spec["slug"],
                defaults={
                    "legal_name": spec["legal_name"],
                    "name_zh": spec["name_zh"],
                    "name_en": spec["name_en"],
                    "description_zh": spec["description_zh"],
                    "description_en": spec["description_en"],
                    "country": spec["country"],
                    "settlement_currency": catalog.CURRENCY_BY_COUNTRY[spec["country"]],
                    "registration_number": normalize_registration_number(
                        self._registration_number(spec["country"])
                    ),
                    "status": Merchant.Status.APPROVED,
                    "approved_at": approved_at,
                },
            )
            Merchant.objects.filter(pk=merchant.pk).update(
                created_at=approved_at - timedelta(days=self.rng.randint(14, 90))
            )
            merchant.brand_slugs = spec["brands"]
            for brand_slug in spec["brands"]:
                self._authorize(merchant, self.brands[brand_slug], approved_at)
            result.append(merchant)
        return result

    def _authorize(self, merchant: Merchant, brand: Brand, approved_at):
        """Every demo store holds an approved authorization for the brands it sells: a flagship
        from the brand's own country owns it, others are authorized for one to three more years."""
        owner = merchant.country == brand.country and "official" in merchant.slug
        BrandAuthorization.objects.update_or_create(
            merchant=merchant,
            brand=brand,
            defaults={
                "kind": BrandAuthorization.Kind.OWNER if owner else BrandAuthorization.Kind.AUTHORIZED,
                "authorized_by": "" if owner else f"{brand.name} (brand owner)",
                "valid_from": approved_at.date(),
                "valid_until": None
                if owner
                else (self.now + timedelta(days=self.rng.randint(200, 3 * 365))).date(),
                "status": BrandAuthorization.Status.APPROVED,
                "decided_at": approved_at,
            },
        )

    def _registration_number(self, country: str) -> str:
        pattern = catalog.REGISTRATION_FORMATS[country]
        return "".join(
            str(self.rng.randint(0, 9)) if ch == "#" else self.rng.choice("abcdfgh") if ch == "x" else ch
            for ch in pattern
        )

    def _users(self):
        for username, password, email, role, extra in DEMO_USERS:
            user = User.objects.filter(username=username).first() or User(username=username)
            user.email, user.role = email, role
            for field, value in extra.items():
                setattr(user, field, value)
            user.date_joined = self.now - timedelta(days=self.rng.randint(30, 300))
            user.set_password(password)
            user.save()
            if username == "finance":
                from django.contrib.auth.models import Permission

                user.user_permissions.set(
                    Permission.objects.filter(
                        content_type__app_label="payments", codename__in=FINANCE_PERMISSIONS
                    )
                )
            if role == User.Role.MERCHANT:
                MerchantMember.objects.update_or_create(
                    user=user, defaults={"merchant": self.merchants[0], "role": MerchantMember.Role.OWNER}
                )

    # --- products --------------------------------------------------------------------------------

    def _plan(self, count: int):
        """Yield one product specification at a time (dicts of model field values), drawn from the
        catalogue so that each merchant sells its own brands, in its own currency."""
        rng = self.rng
        subcategories = {
            child["slug"]: (child, top) for top in catalog.CATEGORIES for child in top["children"]
        }
        weights = [1 + 0.5 * len(m.brand_slugs) for m in self.merchants]  # multi-brand stores list more
        weights[0] *= 2  # the demo merchant account's store: give its console something to show
        listed = {}  # (merchant, brand, line) -> times listed, to name repeats as editions
        # Every product has its name in both languages (an English page once showed 3% of the demo's
        # products in Chinese, left untranslated on purpose); ~5% are featured on the home page.
        featured = set(rng.sample(range(count), k=max(1, round(count * 0.05))))
        for index in range(count):
            merchant = rng.choices(self.merchants, weights)[0]
            brand_spec = _BRAND_SPECS[rng.choice(merchant.brand_slugs)]
            line_index = rng.randrange(len(brand_spec["lines"]))
            sub_slug, line_zh, line_en, option_set, price_cny, weight, *rest = brand_spec["lines"][line_index]
            extras = rest[0] if rest else {}
            child, top = subcategories[sub_slug]
            brand = self.brands[brand_spec["slug"]]
            origin = extras.get("origin", brand_spec["country"])
            shipping = "bonded" if rng.random() < top["bonded"] else "direct_mail"
            tax_code = extras.get("tax") or child.get("tax") or "general"

            options = catalog.OPTION_SETS[option_set]
            chosen = sorted(rng.sample(range(len(options)), k=rng.randint(1, min(4, len(options)))))
            key = (merchant.pk, brand_spec["slug"], line_index)
            repeat = listed.get(key, 0)
            listed[key] = repeat + 1
            edition = catalog.EDITIONS[(repeat - 1) % len(catalog.EDITIONS)] if repeat else None
            # Flagships and resellers price the same item a little differently.
            price_jitter = rng.uniform(0.92, 1.08) * (edition[2] if edition else 1)
            variants = []
            for position, option_index in enumerate(chosen):
                opt_zh, opt_en, attributes, price_factor, weight_factor = options[option_index]
                cny = Decimal(price_cny * price_factor * price_jitter)
                variants.append(
                    {
                        "sku": f"{merchant.slug.upper()}-{index + 1:06d}-{position + 1}",
                        "name_zh": opt_zh,
                        "name_en": opt_en,
                        "attributes": attributes,
                        "price": _shelf_price(
                            cny / self.rates[merchant.settlement_currency], merchant.settlement_currency
                        ),
                        "stock": 0 if rng.random() < 0.04 else rng.randint(1, 500),
                        "weight_grams": max(10, round(weight * weight_factor)),
                    }
                )

            name_zh = f"{brand.name_zh} {line_zh}"
            name_en = f"{brand.name} {line_en}"
            if len(variants) == 1 and variants[0]["name_en"] != "Standard":  # "资生堂 红腰子精华 50ml"
                name_zh += f" {variants[0]['name_zh']}"
                name_en += f" {variants[0]['name_en']}"
            if edition:
                name_zh += f" {edition[0]}"
                name_en += f" {edition[1]}"
            country_zh, country_en = catalog.COUNTRIES[brand_spec["country"]]
            pitch_zh, pitch_en = rng.choice(child["pitch"])
            ship_zh, ship_en = catalog.SHIPPING_NOTES[shipping]
            description_zh = (
                f"{pitch_zh}{brand.name_zh}是来自{country_zh}的品牌，由{merchant.name_zh}原装进口。{ship_zh}"
            )
            description_en = (
                f"{pitch_en} {brand.name} is a brand from {country_en}, imported by "
                f"{merchant.name_en}. {ship_en}"
            )
            if origin != brand_spec["country"]:
                origin_zh, origin_en = catalog.COUNTRIES[origin]
                description_zh += f"本品产地：{origin_zh}。"
                description_en += f" Made in {origin_en}."

            # Listed some time after the store opened, within the last two years.
            earliest = max(merchant.approved_at, self.now - timedelta(days=730))
            created_at = earliest + (self.now - timedelta(hours=1) - earliest) * rng.random()
            image_count = rng.choice((1, 2, 2, 3, 3))
            yield {
                "merchant": merchant,
                "brand": brand,
                "category": self.categories[sub_slug],
                "tax_category": self.tax[tax_code],
                "origin_country": origin,
                "shipping_mode": shipping,
                "name_zh": name_zh,
                "name_en": name_en,
                "description_zh": description_zh,
                "description_en": description_en,
                "is_featured": index in featured,
                "sales_count": int(20000 * rng.random() ** 3),  # most items sell little, a few a lot
                "created_at": created_at,
                "variants": variants,
                "images": (brand_spec, line_index, child, top, shipping, image_count),
            }

    def _products_one_by_one(self, count: int):
        created, images = [], []
        for number, spec in enumerate(self._plan(count), start=1):
            product = services.product_create(
                **_listing_fields(spec),
                variants=[
                    {**v, "price": Money(v["price"], spec["merchant"].settlement_currency)}
                    for v in spec["variants"]
                ],
                publish=True,
                is_featured=spec["is_featured"],
            )
            # product_create knows nothing of history: backdate the listing and give it sales.
            product.created_at, product.sales_count = spec["created_at"], spec["sales_count"]
            created.append(product)
            images.extend(self._image_rows(product, spec))
            if number % 200 == 0 or number == count:
                self.log(f"products {number}/{count}")
        Product.objects.bulk_update(created, ["created_at", "sales_count"], batch_size=500)
        ProductImage.objects.bulk_create(images, batch_size=BATCH_SIZE)

    def _products_bulk(self, count: int):
        # bulk_create bypasses product_create: check its rules once for the whole catalogue instead.
        used_taxes = {self.tax[code] for code in ("general", catalog.HIGH_END, "jewellery")}
        if (
            not all(m.is_open for m in self.merchants)
            or any(self.brands[b["slug"]].status != Brand.Status.APPROVED for b in catalog.BRANDS)
            or not all(t.permitted for t in used_taxes)
        ):
            raise CommandError(
                "The demo catalogue breaks a listing rule (closed store, brand or tax category)."
            )

        plan = self._plan(count)
        done = 0
        while done < count:
            batch = [next(plan) for _ in range(min(BATCH_SIZE, count - done))]
            products = [
                Product(
                    **_listing_fields(spec),
                    status=Product.Status.PUBLISHED,
                    is_featured=spec["is_featured"],
                    sales_count=spec["sales_count"],
                    created_at=spec["created_at"],
                )
                for spec in batch
            ]
            Product.objects.bulk_create(products, batch_size=BATCH_SIZE)
            variants, images = [], []
            for product, spec in zip(products, batch, strict=True):
                currency = spec["merchant"].settlement_currency
                for position, v in enumerate(spec["variants"]):
                    variants.append(
                        ProductVariant(
                            product=product, position=position, **{**v, "price": Money(v["price"], currency)}
                        )
                    )
                images.extend(self._image_rows(product, spec))
            ProductVariant.objects.bulk_create(variants, batch_size=BATCH_SIZE)
            ProductImage.objects.bulk_create(images, batch_size=BATCH_SIZE)
            done += len(batch)
            self.log(f"products {done}/{count}")
        changed = services.products_refresh_listing_prices()
        self.log(f"listing prices computed for {changed} products")

    # --- images ----------------------------------------------------------------------------------

    def _image_rows(self, product: Product, spec) -> list[ProductImage]:
        """Cover, close-up and shipping card, up to the product's image count. Files are drawn once per
        product line (fewer than 200) and shared by every product of that line."""
        if not self.images:
            return []
        brand_spec, line_index, child, top, shipping, image_count = spec["images"]
        name = product.name_en or product.name_zh
        rows = [
            ProductImage(
                product=product,
                position=0,
                alt=name[:200],
                image=self._product_image(brand_spec, line_index, child, top, alt=False),
            )
        ]
        if image_count >= 2:
            rows.append(
                ProductImage(
                    product=product,
                    position=1,
                    alt=name[:190] + " detail",
                    image=self._product_image(brand_spec, line_index, child, top, alt=True),
                )
            )
        if image_count >= 3:
            key = ("shipping", shipping)
            if key not in self._image_names:
                self._image_names[key] = self._store(
                    f"products/demo-shipping-{shipping.replace('_', '-')}.jpg",
                    lambda: demo_images.shipping_card(mode=shipping),
                )
            rows.append(
                ProductImage(
                    product=product, position=2, alt="Authentic import", image=self._image_names[key]
                )
            )
        return rows

    def _product_image(self, brand_spec, line_index, child, top, *, alt: bool) -> str:
        key = (brand_spec["slug"], line_index, alt)
        if key not in self._image_names:
            line = brand_spec["lines"][line_index]
            extras = line[6] if len(line) > 6 else {}
            suffix = "-detail" if alt else ""
            self._image_names[key] = self._store(
                f"products/demo-{brand_spec['slug']}-{line_index + 1}{suffix}.jpg",
                lambda: demo_images.product_photo(
                    brand=brand_spec["name"],
                    label=child["label"],
                    shape=extras.get("shape", child["shape"]),
                    background=top["colour"],
                    colour=brand_spec["colour"],
                    alt=alt,
                ),
            )
        return self._image_names[key]

    @staticmethod
    def _store(name: str, render) -> str:
        # Fixed names, overwritten on every run, so re-seeding does not pile up copies (storage
        # backends add a suffix to a name that is taken).
        if default_storage.exists(name):
            default_storage.delete(name)
        return default_storage.save(name, ContentFile(render()))

    # --- report ----------------------------------------------------------------------------------

    def summary(self) -> str:
        products = Product.objects.filter(status=Product.Status.PUBLISHED)
        priced = products.filter(price_cny__isnull=False).count()
        return "\n".join(
            [
                f"  categories: {Category.objects.filter(parent=None).count()} top-level, "
                f"{Category.objects.exclude(parent=None).count()} sub-categories",
                f"  brands: {Brand.objects.filter(status=Brand.Status.APPROVED).count()} approved, "
                f"{Brand.objects.exclude(status=Brand.Status.APPROVED).count()} pending or rejected",
                f"  merchants: {Merchant.objects.count()}",
                f"  products: {products.count()} published ({priced} priced, "
                f"{products.filter(is_featured=True).count()} featured)",
                f"  variants: {ProductVariant.objects.count()}, images: {ProductImage.objects.count()} "
                f"({len(self._image_names)} files)",
            ]
        )


def _refresh_planner_statistics():
    """After a bulk load PostgreSQL's statistics still describe the empty tables, and its plans for the
    catalogue queries are ten times slower until autovacuum catches up: vacuum and analyze now."""
    if connection.vendor != "postgresql":
        return
    tables = [model._meta.db_table for model in (Product, ProductVariant, ProductImage, Brand, Merchant)]
    # VACUUM cannot run inside a transaction (a caller's, or a test's); ANALYZE alone still can.
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    with connection.cursor() as cursor:
        cursor.execute(f"{command} {', '.join(tables)}")


LISTING_FIELDS = (
    "merchant", "brand", "category", "tax_category", "origin_country", "shipping_mode",
    "name_zh", "name_en", "description_zh", "description_en",
)  # fmt: skip


def _listing_fields(spec: dict) -> dict:
    """What a planned product passes to both `product_create` and the bulk `Product(...)`."""
    return {field: spec[field] for field in LISTING_FIELDS}


_BRAND_SPECS = {spec["slug"]: spec for spec in catalog.BRANDS}


def _shelf_price(amount: Decimal, currency: str) -> Decimal:
    """Round a converted price the way shops in that currency write prices: ¥3,980, ₩45,900,
    HK$298, $49.99, €895.00."""

    def to(step, value=amount):
        return (value / step).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * step

    if currency == "JPY":
        price = to(Decimal(100)) - 20 if amount >= 1000 else to(Decimal(10))
    elif currency == "KRW":
        price = to(Decimal(1000)) - 100 if amount >= 10000 else to(Decimal(100))
    elif currency == "HKD":
        if amount >= 1000:
            price = to(Decimal(10))
        elif amount >= 100:
            price = to(Decimal(10)) - 2
        else:
            price = to(Decimal(1)) - Decimal("0.10")
    elif amount >= 500:
        price = to(Decimal(5))
    elif amount >= 20:
        price = to(Decimal(1)) - Decimal("0.01")
    else:
        price = to(Decimal("0.5")) - Decimal("0.01")
    return max(price, Decimal("0.99")).quantize(Decimal("0.01"))
