"""Printable 100 x 150 mm shipping labels (the size thermal label printers take), drawn with reportlab.

`labels_pdf([LabelData, ...])` gives one PDF, one page a label: a single shipment's label and the
batch PDF of several orders are the same call. Input is plain data (`LabelData`), never models, so
the shipment service decides what goes on a label and this module only draws it.

A label carries: the carrier's name, the customs mode (9610 direct mail or 1210 bonded), a Code 128
barcode of the waybill number with the number in text under it, the recipient (name, phone masked
as 138****8000, address), the sender (store, origin address and country), the declared contents
(names, quantities, declared value in CNY), the weight, the order number and the date.

Captions are bilingual ("收件 To") whatever the merchant's language: a label is read by the carrier's
staff and by customs in China and abroad. Chinese is drawn with reportlab's built-in CID font
STSong-Light (Adobe-GB1; no font file shipped or embedded: PDF viewers and printers supply the
glyphs), Latin text and digits with Helvetica; both stay extractable as text.
"""

import datetime
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from reportlab.graphics.barcode.code128 import Code128Auto
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from marketplace import identifiers

__all__ = ["CUSTOMS_MODES", "LABEL_SIZE", "LabelData", "LabelItem", "labels_pdf", "phone_masked"]

LABEL_SIZE = (100 * mm, 150 * mm)  # 283.46 x 425.20 pt

# The customs mode codes of China's cross-border e-commerce import: 9610 direct mail (parcel sent
# from abroad per order), 1210 bonded (goods stocked in a bonded warehouse in China).
CUSTOMS_MODES = {
    "9610": ("直邮", "Direct mail"),
    "1210": ("保税", "Bonded"),
}

CJK_FONT = "STSong-Light"
LATIN = "Helvetica"
LATIN_BOLD = "Helvetica-Bold"
CENT = Decimal("0.01")


@dataclass(frozen=True)
class LabelItem:
    """One line of the declared contents."""

    name: str
    quantity: int
    declared_value: Decimal  # CNY, for the whole line (unit value x quantity)


@dataclass(frozen=True)
class LabelData:
    """Everything one label shows. The phone is given in full: the label prints it masked."""

    waybill: str
    carrier_name: str
    customs_mode: str  # "9610" (direct mail) or "1210" (bonded)
    sender_name: str  # the store
    sender_address: str
    sender_country: str  # ISO 3166-1 alpha-2, e.g. "JP"
    recipient_name: str
    recipient_phone: str
    recipient_address: str  # in Chinese, as the order's address reads ("上海市 浦东新区 …")
    weight_grams: int
    order_number: str
    date: datetime.date
    items: Sequence[LabelItem] = field(default_factory=tuple)

    @property
    def declared_total(self) -> Decimal:
        return sum((item.declared_value for item in self.items), Decimal("0")).quantize(CENT, ROUND_HALF_UP)


def phone_masked(phone: str) -> str:
    """138****8000: the first three and last four digits of a mainland mobile number (the masking the
    order pages use, `orders.models.mask_phone`); any other phone keeps only its last four digits."""
    from orders.models import mask_phone

    try:
        return mask_phone(identifiers.mainland_mobile(phone))
    except identifiers.InvalidIdentifier:
        digits = "".join(ch for ch in str(phone or "") if ch.isascii() and ch.isdigit())
        return "*" * max(len(digits) - 4, 4) + digits[-4:] if len(digits) > 4 else "*" * 4


def _register_fonts() -> None:
    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))


def _runs(text: str, bold: bool):
    """The text cut into runs of one font each: ASCII in Helvetica, everything else in STSong-Light."""
    runs = []
    for ch in text:
        font = (LATIN_BOLD if bold else LATIN) if ch.isascii() else CJK_FONT
        if runs and runs[-1][0] == font:
            runs[-1][1] += ch
        else:
            runs.append([font, ch])
    return runs


def _width(text: str, size: float, bold: bool = False) -> float:
    return sum(pdfmetrics.stringWidth(part, font, size) for font, part in _runs(text, bold))


def _wrap(text: str, size: float, width: float, bold: bool = False) -> list[str]:
    """Lines no wider than `width`: broken at a space where there is one, else between characters
    (Chinese has no spaces)."""
    lines = []
    for paragraph in str(text).splitlines() or [""]:
        line = ""
        for ch in paragraph:
            if _width(line + ch, size, bold) <= width:
                line += ch
                continue
            cut = line.rfind(" ")
            if ch != " " and cut > len(line) // 2:
                lines.append(line[:cut])
                line = line[cut + 1 :] + ch
            else:
                lines.append(line.rstrip())
                line = ch.lstrip()
        lines.append(line)
    return lines


def _fit(text: str, size: float, width: float, bold: bool = False) -> str:
    """The text cut with an ellipsis to fit `width` on one line."""
    if _width(text, size, bold) <= width:
        return text
    while text and _width(text + "…", size, bold) > width:
        text = text[:-1]
    return text + "…"


def _size_to_fit(text: str, size: float, width: float, bold: bool = False, smallest: float = 6.5) -> float:
    """The largest font size down to `smallest` at which the text fits `width`."""
    while size > smallest and _width(text, size, bold) > width:
        size -= 0.5
    return size


class _Page:
    def __init__(self, pdf: canvas.Canvas):
        self.pdf = pdf

    def text(self, x, y, text, size, *, bold=False, align="left", colour=(0, 0, 0)):
        """Mixed Latin/Chinese text; Chinese bold is drawn filled and stroked (STSong has no bold)."""
        text = str(text)
        if align != "left":
            w = _width(text, size, bold)
            x -= w if align == "right" else w / 2
        obj = self.pdf.beginText(x, y)
        obj.setFillColorRGB(*colour)
        obj.setStrokeColorRGB(*colour)
        for font, part in _runs(text, bold):
            obj.setTextRenderMode(2 if bold and font == CJK_FONT else 0)
            obj.setFont(font, size)
            obj.textOut(part)
        # The text render mode is graphics state that outlives the text object: restore it, or the
        # next text would be drawn stroked too.
        self.pdf.saveState()
        self.pdf.setLineWidth(size * 0.04)
        self.pdf.drawText(obj)
        self.pdf.restoreState()

    def hline(self, x1, x2, y, width=0.8):
        self.pdf.setLineWidth(width)
        self.pdf.line(x1, y, x2, y)


def _draw_label(pdf: canvas.Canvas, data: LabelData) -> None:
    page = _Page(pdf)
    width, height = LABEL_SIZE
    margin = 2.5 * mm
    left, right = margin, width - margin
    inner = right - left
    top = height - margin
    pdf.setLineWidth(1.2)
    pdf.rect(left, margin, inner, height - 2 * margin)

    # Header: carrier, order number, customs mode block.
    mode_zh, mode_en = CUSTOMS_MODES[data.customs_mode]
    header = top - 40
    box = 30 * mm
    pdf.setFillColorRGB(0, 0, 0)
    pdf.rect(right - box, header, box, 40, stroke=0, fill=1)
    page.text(
        right - box / 2, header + 20, data.customs_mode, 18, bold=True, align="center", colour=(1, 1, 1)
    )
    page.text(
        right - box / 2, header + 7, f"{mode_zh} {mode_en}", 8, bold=True, align="center", colour=(1, 1, 1)
    )
    page.text(left + 6, header + 22, _fit(data.carrier_name, 15, inner - box - 12, True), 15, bold=True)
    page.text(left + 6, header + 8, "跨境进口 Cross-border import", 7.5)
    page.hline(left, right, header, 1.2)

    # Waybill barcode and number.
    barcode_top = header
    waybill = identifiers.waybill_number(data.waybill)
    probe = Code128Auto(waybill, barWidth=1, barHeight=1)
    bar_width = min(1.6, (inner - 8) / probe.width)
    barcode = Code128Auto(waybill, barWidth=bar_width, barHeight=46)
    barcode.drawOn(pdf, left + (inner - barcode.width) / 2, barcode_top - 56)
    page.text(width / 2, barcode_top - 73, waybill, 15, bold=True, align="center")
    page.text(left + 6, barcode_top - 8, "运单号 Waybill", 6.5)
    section = barcode_top - 80
    page.hline(left, right, section, 1.2)

    # Recipient.
    column = left + 24
    page.text(left + 12, section - 22, "收", 16, bold=True, align="center")
    page.text(left + 12, section - 32, "TO", 7, bold=True, align="center")
    name_line = f"{data.recipient_name}  {phone_masked(data.recipient_phone)}"
    page.text(column, section - 18, _fit(name_line, 13, right - column - 6, True), 13, bold=True)
    y = section - 35
    for line in _wrap(data.recipient_address, 12, right - column - 6)[:4]:
        page.text(column, y, line, 12)
        y -= 15
    recipient_bottom = section - 100
    pdf.setLineWidth(0.8)
    pdf.line(column - 2, section, column - 2, recipient_bottom)
    page.hline(left, right, recipient_bottom)

    # Sender.
    sender = recipient_bottom
    page.text(left + 12, sender - 19, "寄", 13, bold=True, align="center")
    page.text(left + 12, sender - 28, "FROM", 6, bold=True, align="center")
    page.text(column, sender - 13, _fit(data.sender_name, 9, right - column - 6, True), 9, bold=True)
    y = sender - 25
    for line in _wrap(data.sender_address, 8, right - column - 6)[:2]:
        page.text(column, y, line, 8)
        y -= 10
    page.text(column, y, _fit(_country_name(data.sender_country), 8, right - column - 6, True), 8, bold=True)
    sender_bottom = sender - 56
    pdf.line(column - 2, sender, column - 2, sender_bottom)
    page.hline(left, right, sender_bottom, 1.2)

    # Footer: weight, order number, date.
    footer = margin + 30
    cells = [
        ("重量 Weight", f"{Decimal(data.weight_grams) / 1000:.3f} kg"),
        ("订单号 Order", data.order_number),
        ("日期 Date", data.date.isoformat()),
    ]
    x = left
    pdf.setLineWidth(0.8)
    for index, ((caption, value), share) in enumerate(zip(cells, (0.26, 0.44, 0.30), strict=True)):
        cell = inner * share
        if index:
            pdf.line(x, footer, x, margin)
        page.text(x + 5, footer - 10, caption, 6.5)
        size = _size_to_fit(str(value), 9, cell - 9, bold=True)
        page.text(x + 5, footer - 23, _fit(str(value), size, cell - 9, True), size, bold=True)
        x += cell
    page.hline(left, right, footer)

    # Declared contents, in the space between.
    y = sender_bottom - 11
    value_x = right - 5
    qty_x = right - 88
    page.text(left + 5, y, "内件 Contents", 7, bold=True)
    page.text(qty_x, y, "数量 Qty", 7, bold=True, align="right")
    page.text(value_x, y, "申报价值 Value CNY", 7, bold=True, align="right")
    y -= 4
    page.hline(left + 4, right - 4, y, 0.4)
    y -= 10
    room = int((y - (footer + 22)) // 10) + 1
    items = list(data.items)
    shown = items if len(items) <= room else items[: max(room - 1, 0)]
    for item in shown:
        page.text(left + 5, y, _fit(item.name, 8, qty_x - left - 30, False), 8)
        page.text(qty_x, y, f"{item.quantity}", 8, align="right")
        page.text(value_x, y, _money(item.declared_value), 8, align="right")
        y -= 10
    if len(shown) < len(items):
        rest = len(items) - len(shown)
        page.text(left + 5, y, f"另有 {rest} 项 … and {rest} more", 8)
    total = sum(item.quantity for item in items)
    page.hline(left + 4, right - 4, footer + 17, 0.4)
    page.text(left + 5, footer + 6, f"合计 Total  {total} 件 pcs", 8, bold=True)
    page.text(value_x, footer + 6, f"CNY {_money(data.declared_total)}", 9, bold=True, align="right")


def _money(value) -> str:
    return f"{Decimal(value).quantize(CENT, ROUND_HALF_UP):,.2f}"


def _country_name(code: str) -> str:
    from django.utils import translation
    from django_countries import countries

    code = identifiers.country_code(code)
    with translation.override("zh-hans"):
        chinese = str(countries.name(code))
    with translation.override("en"):
        english = str(countries.name(code))
    return f"{chinese} {english} ({code})" if chinese != english else f"{english} ({code})"


def labels_pdf(labels: Sequence[LabelData]) -> bytes:
    """One PDF with one 100 x 150 mm page per label, in the order given."""
    if not labels:
        raise ValueError("labels_pdf needs at least one label")
    for data in labels:
        if data.customs_mode not in CUSTOMS_MODES:
            raise ValueError(f"unknown customs mode {data.customs_mode!r} (9610 or 1210)")
    _register_fonts()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=LABEL_SIZE, pageCompression=1)
    pdf.setTitle("Shipping labels" if len(labels) > 1 else f"Shipping label {labels[0].waybill}")
    pdf.setCreator("Global Mall logistics")
    for data in labels:
        _draw_label(pdf, data)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()
