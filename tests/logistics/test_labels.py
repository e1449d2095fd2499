"""Shipping label PDFs: one 100 x 150 mm page per label, the waybill in a barcode and in text, the
recipient's phone masked, Chinese text extractable."""

import datetime
import io
import random
import re
from decimal import Decimal

import pytest
from pypdf import PdfReader

from logistics.labels import LabelData, LabelItem, labels_pdf, phone_masked
from logistics.waybills import WaybillFormat, waybill_new

PAGE_WIDTH, PAGE_HEIGHT = 283.46, 425.2  # 100 x 150 mm in points


def _label(**overrides) -> LabelData:
    values = {
        "waybill": "RR473124829GB",
        "carrier_name": "EMS 中国邮政速递物流",
        "customs_mode": "9610",
        "sender_name": "Shiseido Official Store 资生堂海外旗舰店",
        "sender_address": "1-6-2 Higashi-Shinbashi, Minato-ku, Tokyo 105-8310",
        "sender_country": "JP",
        "recipient_name": "张伟",
        "recipient_phone": "13800138000",
        "recipient_address": "上海市 浦东新区 陆家嘴街道 世纪大道100号 环球金融中心 32楼 3205室",
        "weight_grams": 1250,
        "order_number": "2612021234567890",
        "date": datetime.date(2026, 12, 2),
        "items": (
            LabelItem("资生堂 红腰子精华 50ml", 2, Decimal("1180.00")),
            LabelItem("安热沙 小金瓶防晒 60ml", 1, Decimal("228.50")),
        ),
    }
    values.update(overrides)
    return LabelData(**values)


def _read(pdf: bytes) -> PdfReader:
    assert pdf.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(pdf))


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_one_label_is_one_100_by_150_mm_page_with_everything_on_it():
    reader = _read(labels_pdf([_label()]))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert float(page.mediabox.width) == pytest.approx(PAGE_WIDTH, abs=0.01)
    assert float(page.mediabox.height) == pytest.approx(PAGE_HEIGHT, abs=0.01)
    text = page.extract_text()
    for expected in [
        "RR473124829GB",  # the waybill in text
        "138****8000",  # the masked phone
        "9610",
        "直邮",  # customs mode
        "EMS",
        "Shiseido Official Store",
        "Japan",
        "2612021234567890",  # order number
        "2026-12-02",
        "1.250 kg",
        "1,180.00",
        "1,408.50",  # declared total, CNY
    ]:
        assert expected in text, expected
    assert "13800138000" not in _squeezed(text)
    assert "0013" not in text  # no part of the hidden middle digits


def test_chinese_text_is_extractable():
    text = _squeezed(_read(labels_pdf([_label()])).pages[0].extract_text())
    for expected in ["张伟", "上海市浦东新区陆家嘴街道", "资生堂海外旗舰店", "资生堂红腰子精华", "收", "寄"]:
        assert expected in text, expected


BAR_RE = re.compile(r"([-\d.]+) ([-\d.]+) ([\d.]+) ([\d.]+) re f")


def _bars(content: str, height: float) -> list[int]:
    """The bar widths, in modules, of the filled rectangles of one height (a barcode's bars)."""
    widths = [float(w) for _x, _y, w, h in BAR_RE.findall(content) if abs(float(h) - height) < 0.01]
    narrowest = min(widths)
    return [round(w / narrowest) for w in widths]


def _code128_bars(value: str) -> list[int]:
    from reportlab.graphics.barcode.code128 import Code128Auto
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pageCompression=0)
    Code128Auto(value, barWidth=1, barHeight=33).drawOn(pdf, 0, 0)
    pdf.save()
    return _bars(PdfReader(io.BytesIO(buffer.getvalue())).pages[0].get_contents().get_data().decode(), 33)


@pytest.mark.parametrize("waybill", ["RR473124829GB", "SF1234567890123", "3318810025", "183928252"])
def test_the_barcode_encodes_the_waybill(waybill):
    """The page's bars are Code 128 of this waybill and of no other: checked bar by bar against
    reportlab's encoder (a scan of the rendered label with zbarimg read the same numbers)."""
    page = _read(labels_pdf([_label(waybill=waybill)])).pages[0]
    drawn = _bars(page.get_contents().get_data().decode("latin-1"), 46)
    assert len(drawn) > 20
    assert drawn == _code128_bars(waybill)
    assert drawn != _code128_bars("RR473124828GB")


def test_a_batch_has_one_page_per_label_in_order():
    rng = random.Random(11)
    labels = [
        _label(waybill=waybill_new(WaybillFormat.S10, origin_country="JP", rng=rng)),
        _label(waybill=waybill_new(WaybillFormat.SF, origin_country="HK", rng=rng), customs_mode="1210"),
        _label(waybill=waybill_new(WaybillFormat.DHL, origin_country="DE", rng=rng)),
        _label(waybill=waybill_new(WaybillFormat.TNT, origin_country="AU", rng=rng)),
    ]
    reader = _read(labels_pdf(labels))
    assert len(reader.pages) == 4
    for page, label in zip(reader.pages, labels, strict=True):
        assert float(page.mediabox.width) == pytest.approx(PAGE_WIDTH, abs=0.01)
        assert float(page.mediabox.height) == pytest.approx(PAGE_HEIGHT, abs=0.01)
        text = page.extract_text()
        assert label.waybill in text
        assert sum(other.waybill in text for other in labels) == 1
    assert "保税" in reader.pages[1].extract_text()


def test_long_contents_end_with_a_count_of_the_rest_and_the_full_total():
    items = tuple(LabelItem(f"Product {i}", 1, Decimal("10.00")) for i in range(1, 31))
    text = _read(labels_pdf([_label(items=items)])).pages[0].extract_text()
    assert "Product 1" in text
    assert "Product 30" not in text
    assert re.search(r"and (\d+) more", text)
    assert "300.00" in text
    assert re.search(r"Total\s+30\b", text)


def test_long_text_never_breaks_the_page():
    label = _label(
        recipient_address="很长的地址" * 40,
        sender_name="A very long store name " * 6,
        carrier_name="顺丰速运 SF Express International Economy Plus",
        order_number="X" * 24,
        items=(LabelItem("名" * 80, 999, Decimal("99999.99")),),
    )
    reader = _read(labels_pdf([label]))
    assert len(reader.pages) == 1
    assert "RR473124829GB" in reader.pages[0].extract_text()


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13800138000", "138****8000"),
        ("+86 139-1234-5678", "139****5678"),
        ("１３９１２３４５６７８", "139****5678"),
        ("+81 3-5555-0199", "*******0199"),
        ("", "****"),
    ],
)
def test_phone_masking(phone, masked):
    assert phone_masked(phone) == masked


def test_a_label_with_a_foreign_phone_shows_only_its_last_four_digits():
    text = _read(labels_pdf([_label(recipient_phone="+81 3-5555-0199")])).pages[0].extract_text()
    assert "0199" in text
    assert "5555" not in text


@pytest.mark.parametrize(
    ("labels", "fragment"), [([], "at least one"), ([_label(customs_mode="9999")], "9999")]
)
def test_bad_input_is_refused(labels, fragment):
    with pytest.raises(ValueError, match=fragment):
        labels_pdf(labels)
