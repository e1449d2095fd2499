"""HS headings (six-digit Harmonized System subheadings, written "3304.99") that customs declarations
give each kind of goods, by category slug. `marketplace.Category.hs_code` holds the code of a category;
this table seeded the categories that existed when the field arrived (migration
`marketplace.0011_category_hs_code`) and fills in for categories created later without one (the demo
catalog, `customs.hs_code_for`). A category without a code uses its parent's, then `DEFAULT_HS_CODE`.
"""

# fmt: off
HS_CODES = {
    # Beauty: beauty or make-up preparations and skin-care preparations (3304), make-up powders (3304.91)
    "beauty": "3304.99", "serums": "3304.99", "face-creams": "3304.99", "face-masks": "3304.99",
    "makeup": "3304.91", "sun-care": "3304.99",
    # Mother and baby: infant food preparations (1901.10), napkins and diapers (9619.00), washing
    # preparations (3401.30), homogenised composite food (2104.20)
    "mother-baby": "1901.10", "infant-formula": "1901.10", "diapers": "9619.00",
    "baby-care": "3401.30", "baby-food": "2104.20",
    # Health: food preparations n.e.s. (2106.90), fish oils (1504.20), natural honey (0409.00)
    "health": "2106.90", "vitamins": "2106.90", "fish-oil": "1504.20", "probiotics": "2106.90",
    "honey": "0409.00", "beauty-supplements": "2106.90",
    # Food: bakery and snacks (1905.90), chocolate (1806.90), tea (0902.30), milk powder (0402.21)
    "food": "2106.90", "snacks": "1905.90", "chocolate": "1806.90", "tea-drinks": "0902.30",
    "dairy": "0402.21",
    # Fashion: handbags (4202.22), suitcases (4202.12), footwear (6403.99), garments (6109.10),
    # jewellery of precious metal (7113.19)
    "fashion": "4202.22", "handbags": "4202.22", "luggage": "4202.12", "shoes": "6403.99",
    "apparel": "6109.10", "jewellery": "7113.19",
    # Home: steel kitchenware (7323.93), knives (8211.91), coffee makers (8516.71), vacuum flasks (9617.00)
    "home": "7323.93", "cookware": "7323.93", "knives": "8211.91", "coffee": "8516.71",
    "drinkware": "9617.00",
    # Personal care: dentifrices (3306.10), shampoos (3305.10), skin care (3304.99), shaving (3307.10)
    "personal-care": "3307.90", "oral-care": "3306.10", "hair-care": "3305.10", "body-care": "3304.99",
    "shaving": "3307.10",
    # Electronics: hair dryers (8516.31), shavers (8510.10), headphones (8518.30), appliances (8509.40)
    "electronics": "8516.79", "hair-appliances": "8516.31", "shavers": "8510.10", "audio": "8518.30",
    "home-appliances": "8509.40",
    # Pets: dog or cat food for retail sale (2309.10)
    "pets": "2309.10", "cat-food": "2309.10", "dog-food": "2309.10", "pet-treats": "2309.10",
}
# fmt: on

# A category with no code of its own or of its parent: "other articles n.e.s." is what a declaration
# must never carry in practice; staff see it on the declaration and set the category's code.
DEFAULT_HS_CODE = "9999.99"
