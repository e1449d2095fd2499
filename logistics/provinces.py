"""The 31 provincial-level divisions of mainland China, by the Chinese names addresses store
(`orders.models.Address.province`, free text such as "上海市", "上海" or "Shanghai").

Shipping templates name regions by these canonical names; `province_canonical` reads what a shopper
typed. Hong Kong, Macau and Taiwan are not delivery destinations of a cross-border order to the
mainland, so they are not here.
"""

import unicodedata

from django.utils.translation import gettext_lazy, gettext_noop

# (canonical Chinese name, short Chinese name, English name), in the national standard's order.
PROVINCES = [
    ("北京市", "北京", gettext_noop("Beijing")),
    ("天津市", "天津", gettext_noop("Tianjin")),
    ("河北省", "河北", gettext_noop("Hebei")),
    ("山西省", "山西", gettext_noop("Shanxi")),
    ("内蒙古自治区", "内蒙古", gettext_noop("Inner Mongolia")),
    ("辽宁省", "辽宁", gettext_noop("Liaoning")),
    ("吉林省", "吉林", gettext_noop("Jilin")),
    ("黑龙江省", "黑龙江", gettext_noop("Heilongjiang")),
    ("上海市", "上海", gettext_noop("Shanghai")),
    ("江苏省", "江苏", gettext_noop("Jiangsu")),
    ("浙江省", "浙江", gettext_noop("Zhejiang")),
    ("安徽省", "安徽", gettext_noop("Anhui")),
    ("福建省", "福建", gettext_noop("Fujian")),
    ("江西省", "江西", gettext_noop("Jiangxi")),
    ("山东省", "山东", gettext_noop("Shandong")),
    ("河南省", "河南", gettext_noop("Henan")),
    ("湖北省", "湖北", gettext_noop("Hubei")),
    ("湖南省", "湖南", gettext_noop("Hunan")),
    ("广东省", "广东", gettext_noop("Guangdong")),
    ("广西壮族自治区", "广西", gettext_noop("Guangxi")),
    ("海南省", "海南", gettext_noop("Hainan")),
    ("重庆市", "重庆", gettext_noop("Chongqing")),
    ("四川省", "四川", gettext_noop("Sichuan")),
    ("贵州省", "贵州", gettext_noop("Guizhou")),
    ("云南省", "云南", gettext_noop("Yunnan")),
    ("西藏自治区", "西藏", gettext_noop("Tibet")),
    ("陕西省", "陕西", gettext_noop("Shaanxi")),
    ("甘肃省", "甘肃", gettext_noop("Gansu")),
    ("青海省", "青海", gettext_noop("Qinghai")),
    ("宁夏回族自治区", "宁夏", gettext_noop("Ningxia")),
    ("新疆维吾尔自治区", "新疆", gettext_noop("Xinjiang")),
]
PROVINCE_NAMES = [name for name, _short, _en in PROVINCES]
PROVINCE_CHOICES = [(name, gettext_lazy(english)) for name, _short, english in PROVINCES]
# The remote regions Chinese stores usually charge more for (the demo's surcharges use them).
REMOTE_PROVINCES = ["新疆维吾尔自治区", "西藏自治区", "青海省", "内蒙古自治区", "宁夏回族自治区", "甘肃省"]

_ALIASES = {"xizang": "西藏自治区", "nei mongol": "内蒙古自治区", "neimenggu": "内蒙古自治区"}
for _name, _short, _en in PROVINCES:
    _ALIASES[_en.lower()] = _name


def province_canonical(text: str | None) -> str | None:
    """The canonical name of the province `text` names ("上海", " 上海市 ", "Shanghai", "新疆维吾尔族自治区"
    all work), or None when it names none of the 31."""
    if not text:
        return None
    text = unicodedata.normalize("NFKC", text).strip()
    if text in PROVINCE_NAMES:
        return text
    for name, short, _en in PROVINCES:
        if text.startswith(short):
            return name
    key = " ".join(text.lower().replace("province", "").replace("municipality", "").split())
    return _ALIASES.get(key)


def province_label(name: str) -> str:
    """The province's name in the page's language."""
    return str(dict(PROVINCE_CHOICES).get(name, name))
