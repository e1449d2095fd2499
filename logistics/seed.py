"""The six carriers every installation starts with, and their first rate cards (data migration
0002 applies this). Prices are CNY in the style of the carriers' public retail lists, by origin zone;
staff change them in the console by adding a rate card with a later start, never by editing one.

Zones group the origins a parcel may leave from. "BW" is a bonded warehouse inside mainland China
(customs mode 1210): the parcel has already crossed the border and travels domestically.
"""

from decimal import Decimal

ZONES = {
    "Z1": ("Hong Kong, Macau, Taiwan", ["HK", "MO", "TW"]),
    "Z2": ("Japan, Korea, Southeast Asia", ["JP", "KR", "SG", "MY", "TH", "VN", "PH", "ID"]),
    "Z3": ("Oceania", ["AU", "NZ"]),
    "Z4": (
        "Europe",
        [
            "GB",
            "DE",
            "FR",
            "IT",
            "ES",
            "NL",
            "BE",
            "AT",
            "CH",
            "SE",
            "DK",
            "NO",
            "FI",
            "IE",
            "PT",
            "PL",
            "CZ",
        ],
    ),
    "Z5": ("North America", ["US", "CA"]),
    "BW": ("Bonded warehouses in China", ["CN"]),
}

# code: names, waybill format, S10 service indicator, modes, heaviest parcel (g),
# first weight and step (g), {zone: (first weight price, step price, transit days min, max)},
# volume tiers [(from shipments this month, discount %)].
PROVIDERS = [
    {
        "code": "ems",
        "name_en": "EMS",
        "name_zh": "中国邮政速递 EMS",
        "waybill_format": "s10",
        "service_indicator": "EA",
        "serves_direct_mail": True,
        "serves_bonded": True,
        "max_weight_grams": 30000,
        "first_weight_grams": 500,
        "step_grams": 500,
        "zones": {
            "Z1": ("90", "25", 3, 6),
            "Z2": ("115", "30", 5, 9),
            "Z3": ("150", "45", 7, 12),
            "Z4": ("180", "55", 8, 14),
            "Z5": ("170", "50", 8, 14),
            "BW": ("12", "6", 2, 4),
        },
        "tiers": [(100, "5"), (500, "10")],
    },
    {
        "code": "china-post",
        "name_en": "China Post",
        "name_zh": "中国邮政",
        "waybill_format": "s10",
        "service_indicator": "RR",
        "serves_direct_mail": True,
        "serves_bonded": True,
        "max_weight_grams": 20000,
        "first_weight_grams": 500,
        "step_grams": 500,
        "zones": {
            "Z1": ("60", "15", 5, 10),
            "Z2": ("75", "20", 7, 15),
            "Z3": ("95", "30", 10, 20),
            "Z4": ("110", "35", 12, 25),
            "Z5": ("105", "32", 12, 25),
            "BW": ("8", "3", 3, 6),
        },
        "tiers": [(100, "5"), (500, "10")],
    },
    {
        "code": "hongkong-post",
        "name_en": "Hongkong Post",
        "name_zh": "香港邮政",
        "waybill_format": "s10",
        "service_indicator": "LX",
        "serves_direct_mail": True,
        "serves_bonded": False,
        "max_weight_grams": 30000,
        "first_weight_grams": 500,
        "step_grams": 500,
        "zones": {"Z1": ("55", "18", 3, 7)},
        "tiers": [],
    },
    {
        "code": "sf-express",
        "name_en": "SF Express",
        "name_zh": "顺丰速运",
        "waybill_format": "sf",
        "service_indicator": "",
        "serves_direct_mail": True,
        "serves_bonded": True,
        "max_weight_grams": 50000,
        "first_weight_grams": 500,
        "step_grams": 500,
        "zones": {
            "Z1": ("45", "15", 2, 3),
            "Z2": ("140", "40", 3, 5),
            "Z3": ("190", "55", 4, 6),
            "Z4": ("230", "70", 5, 7),
            "Z5": ("220", "65", 5, 7),
            "BW": ("15", "8", 1, 2),
        },
        "tiers": [(50, "5"), (200, "10"), (1000, "15")],
    },
    {
        "code": "dhl-express",
        "name_en": "DHL Express",
        "name_zh": "DHL 国际快递",
        "waybill_format": "dhl",
        "service_indicator": "",
        "serves_direct_mail": True,
        "serves_bonded": False,
        "max_weight_grams": 70000,
        "first_weight_grams": 500,
        "step_grams": 500,
        "zones": {
            "Z1": ("160", "40", 2, 4),
            "Z2": ("220", "55", 3, 5),
            "Z3": ("280", "70", 3, 6),
            "Z4": ("320", "80", 3, 6),
            "Z5": ("310", "78", 3, 6),
        },
        "tiers": [(20, "8"), (100, "15"), (500, "25")],
    },
    {
        "code": "tnt",
        "name_en": "TNT",
        "name_zh": "TNT 快递",
        "waybill_format": "tnt",
        "service_indicator": "",
        "serves_direct_mail": True,
        "serves_bonded": False,
        "max_weight_grams": 70000,
        "first_weight_grams": 500,
        "step_grams": 500,
        "zones": {
            "Z1": ("150", "38", 3, 5),
            "Z2": ("200", "50", 3, 6),
            "Z3": ("260", "65", 4, 7),
            "Z4": ("290", "72", 4, 7),
            "Z5": ("300", "75", 4, 7),
        },
        "tiers": [(30, "7"), (150, "12")],
    },
]

# The first cards start on this date (Asia/Shanghai midnight).
FIRST_CARD_VALID_FROM = "2026-01-01T00:00:00+08:00"


def seed_providers(apps) -> None:
    """Create the providers, zones and first rate cards that are not there yet (by code)."""
    import secrets
    from datetime import datetime

    provider_model = apps.get_model("logistics", "LogisticsProvider")
    zone_model = apps.get_model("logistics", "ProviderZone")
    card_model = apps.get_model("logistics", "RateCard")
    zone_rate_model = apps.get_model("logistics", "ZoneRate")
    tier_model = apps.get_model("logistics", "VolumeTier")
    valid_from = datetime.fromisoformat(FIRST_CARD_VALID_FROM)
    for spec in PROVIDERS:
        if provider_model.objects.filter(code=spec["code"]).exists():
            continue
        provider = provider_model.objects.create(
            code=spec["code"],
            name_zh=spec["name_zh"],
            name_en=spec["name_en"],
            waybill_format=spec["waybill_format"],
            service_indicator=spec["service_indicator"],
            serves_direct_mail=spec["serves_direct_mail"],
            serves_bonded=spec["serves_bonded"],
            max_weight_grams=spec["max_weight_grams"],
            callback_secret=secrets.token_hex(32),
        )
        card = card_model.objects.create(
            provider=provider,
            valid_from=valid_from,
            first_weight_grams=spec["first_weight_grams"],
            step_grams=spec["step_grams"],
            note="Opening list",
        )
        for code, (first, step, days_min, days_max) in spec["zones"].items():
            name, countries = ZONES[code]
            zone = zone_model.objects.create(provider=provider, code=code, name=name, countries=countries)
            zone_rate_model.objects.create(
                rate_card=card,
                zone=zone,
                first_weight_price=Decimal(first),
                first_weight_price_currency="CNY",
                step_price=Decimal(step),
                step_price_currency="CNY",
                transit_days_min=days_min,
                transit_days_max=days_max,
            )
        for min_shipments, discount in spec["tiers"]:
            tier_model.objects.create(
                rate_card=card, min_shipments=min_shipments, discount_percent=Decimal(discount)
            )
