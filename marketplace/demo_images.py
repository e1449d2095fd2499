"""Placeholder artwork for the demo catalogue, drawn with Pillow: brand logos, product shots and a
shipping card. Nothing is downloaded and no system font is needed.

Product shots are drawn at twice the output size and reduced once, which is the cheapest way to get
smooth edges from ImageDraw (it does not anti-alias shapes). Every shape is described on a 600 x 600
grid so that the same drawing code serves the cover and the zoomed-in second photo.
"""

import io
import math
import unicodedata
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFilter, ImageFont

GRID = 600  # the coordinate system of the shape functions below
SUPERSAMPLE = 2

# The font that ships with Pillow covers ASCII only: fold accents (Lancôme -> Lancome) and replace
# the few typographic characters the catalogue uses, so no glyph renders as a box.
_ASCII_REPLACEMENTS = {"×": "x", "·": "-", "–": "-", "—": "-", "’": "'", "&": "&"}


def ascii_text(text: str) -> str:
    text = "".join(_ASCII_REPLACEMENTS.get(ch, ch) for ch in text)
    folded = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in folded if ch.isascii() and not unicodedata.combining(ch))


@lru_cache(maxsize=64)
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=max(6, int(size)))


def hex_to_rgb(value: str) -> tuple[int, int, int]:
    value = value.lstrip("#")
    return tuple(int(value[i : i + 2], 16) for i in (0, 2, 4))


def _mix(a, b, t: float) -> tuple[int, int, int]:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def _lighten(colour, t):
    return _mix(colour, (255, 255, 255), t)


def _darken(colour, t):
    return _mix(colour, (0, 0, 0), t)


def _luminance(colour) -> float:
    r, g, b = colour
    return 0.299 * r + 0.587 * g + 0.114 * b


def _ink_on(colour):
    """Readable text colour on a background."""
    return (34, 34, 38) if _luminance(colour) > 150 else (255, 255, 255)


def _encode(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


# --- Painter ------------------------------------------------------------------------------------


class _Painter:
    """Draws shaded primitives given in grid coordinates onto a supersampled canvas.

    Each primitive is rendered as a mask and filled with a horizontal light-to-shadow ramp, which
    reads as a lit, rounded object; `flat=True` fills with one colour (labels, screens).
    """

    def __init__(self, canvas: Image.Image, zoom: float = 1.0, focus=(300, 300)):
        self.canvas = canvas
        self.k = canvas.width / GRID
        self.zoom = zoom
        self.focus = focus  # the grid point drawn at the centre of the canvas

    def px(self, x, y):
        fx, fy = self.focus
        centre = GRID / 2
        return ((centre + (x - fx) * self.zoom) * self.k, (centre + (y - fy) * self.zoom) * self.k)

    def size(self, value):
        return value * self.zoom * self.k

    def _paint(self, points, draw_mask, colour, flat, pad=0):
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        x0, y0 = math.floor(min(xs) - pad), math.floor(min(ys) - pad)
        x1, y1 = math.ceil(max(xs) + pad), math.ceil(max(ys) + pad)
        width, height = max(1, x1 - x0), max(1, y1 - y0)
        mask = Image.new("L", (width, height), 0)
        draw_mask(ImageDraw.Draw(mask), x0, y0)
        if flat:
            fill = Image.new("RGB", (width, height), colour)
        else:
            fill = _shading_ramp(colour, width).resize((width, height), Image.Resampling.NEAREST)
        self.canvas.paste(fill, (x0, y0), mask)

    def rect(self, box, colour, radius=0, flat=False):
        a, b = self.px(box[0], box[1]), self.px(box[2], box[3])
        r = self.size(radius)

        def draw(d, ox, oy):
            d.rounded_rectangle((a[0] - ox, a[1] - oy, b[0] - ox, b[1] - oy), radius=r, fill=255)

        self._paint([a, b], draw, colour, flat)

    def ellipse(self, box, colour, flat=False):
        a, b = self.px(box[0], box[1]), self.px(box[2], box[3])

        def draw(d, ox, oy):
            d.ellipse((a[0] - ox, a[1] - oy, b[0] - ox, b[1] - oy), fill=255)

        self._paint([a, b], draw, colour, flat)

    def polygon(self, points, colour, flat=False):
        pts = [self.px(x, y) for x, y in points]

        def draw(d, ox, oy):
            d.polygon([(x - ox, y - oy) for x, y in pts], fill=255)

        self._paint(pts, draw, colour, flat)

    def arc(self, box, start, end, colour, width, flat=False):
        a, b = self.px(box[0], box[1]), self.px(box[2], box[3])
        w = max(1, round(self.size(width)))

        def draw(d, ox, oy):
            d.arc((a[0] - ox, a[1] - oy, b[0] - ox, b[1] - oy), start, end, fill=255, width=w)

        self._paint([a, b], draw, colour, flat)

    def line(self, start, end, colour, width):
        draw = ImageDraw.Draw(self.canvas)
        draw.line([self.px(*start), self.px(*end)], fill=colour, width=max(1, round(self.size(width))))

    def text(self, box, text, colour, max_size, bold=False):
        """Centre one line of text in a grid box, shrinking it until it fits."""
        text = ascii_text(text)
        if not text:
            return
        a, b = self.px(box[0], box[1]), self.px(box[2], box[3])
        width, height = b[0] - a[0], b[1] - a[1]
        size = min(self.size(max_size), height)
        while size > 8:
            font = _font(size)
            left, top, right, bottom = font.getbbox(text, stroke_width=self._stroke(size, bold))
            if right - left <= width:
                break
            size *= 0.92
        font = _font(size)
        stroke = self._stroke(size, bold)
        left, top, right, bottom = font.getbbox(text, stroke_width=stroke)
        x = a[0] + (width - (right - left)) / 2 - left
        y = a[1] + (height - (bottom - top)) / 2 - top
        ImageDraw.Draw(self.canvas).text(
            (x, y), text, font=font, fill=colour, stroke_width=stroke, stroke_fill=colour
        )

    @staticmethod
    def _stroke(size, bold):
        # The bundled font has no bold face; a thin stroke in the text colour stands in for one.
        return max(1, round(size / 28)) if bold else 0


@lru_cache(maxsize=4096)
def _shading_ramp(colour, width):
    """One row of pixels: highlight at a third of the width, shadow toward the right edge."""
    row = []
    for x in range(width):
        t = (x + 0.5) / width
        highlight = 0.42 * math.exp(-(((t - 0.3) / 0.13) ** 2))
        shadow = 0.28 * max(0.0, t - 0.45) / 0.55 + 0.12 * max(0.0, 0.12 - t) / 0.12
        shade = _lighten(colour, highlight) if highlight > shadow else _darken(colour, shadow - highlight)
        row.append(shade)
    image = Image.new("RGB", (width, 1))
    image.putdata(row)
    return image


@lru_cache(maxsize=64)
def _background(size, colour, style):
    """Soft studio backdrop: a vertical gradient with a slightly darker floor."""
    top = _lighten(colour, 0.55)
    bottom = _darken(colour, 0.04)
    column = Image.new("RGB", (1, size))
    floor = int(size * 0.78)
    pixels = []
    for y in range(size):
        if style == "alt":  # the second photo: lighter, no floor line
            pixels.append(_mix(_lighten(colour, 0.75), _lighten(colour, 0.3), y / size))
        elif y < floor:
            pixels.append(_mix(top, colour, y / floor))
        else:
            pixels.append(_mix(_darken(colour, 0.02), bottom, (y - floor) / (size - floor)))
    column.putdata(pixels)
    return column.resize((size, size), Image.Resampling.NEAREST)


@lru_cache(maxsize=32)
def _shadow_mask(width, height):
    mask = Image.new("L", (width + 80, height + 80), 0)
    ImageDraw.Draw(mask).ellipse((40, 40, 40 + width, 40 + height), fill=150)
    return mask.filter(ImageFilter.GaussianBlur(18))


# --- Shapes -------------------------------------------------------------------------------------
# Each draws one kind of product, centred on x=300 and standing on y=500, in `body` colour with an
# accent `cap` colour, and returns the label box (grid coordinates) or None when the brand is shown
# as a caption under the product instead.

SILVER = (200, 203, 208)
GOLD = (201, 170, 110)
NEAR_BLACK = (40, 40, 44)
PAPER = (250, 248, 244)


def _dropper(p, body, cap):
    p.rect((228, 245, 372, 500), body, radius=22)
    p.rect((268, 212, 332, 250), _darken(body, 0.15), radius=4)
    p.rect((258, 165, 342, 222), cap, radius=8)
    p.ellipse((272, 88, 328, 178), NEAR_BLACK)
    p.rect((248, 320, 352, 450), PAPER, radius=6, flat=True)
    return (252, 326, 348, 444), body


def _bottle(p, body, cap):
    p.rect((230, 205, 370, 500), body, radius=34)
    p.rect((262, 150, 338, 215), cap, radius=8)
    p.rect((244, 290, 356, 440), PAPER, radius=6, flat=True)
    return (248, 296, 352, 434), body


def _pump(p, body, cap):
    p.rect((225, 230, 375, 500), body, radius=30)
    p.rect((266, 195, 334, 236), cap, radius=6)
    p.rect((290, 140, 310, 198), SILVER)
    p.rect((266, 118, 344, 146), cap, radius=8)
    p.rect((336, 124, 388, 138), cap, radius=4)
    p.rect((240, 300, 360, 440), PAPER, radius=6, flat=True)
    return (244, 306, 356, 434), body


def _jar(p, body, cap):
    p.rect((200, 350, 400, 500), body, radius=26)
    p.rect((192, 290, 408, 358), cap, radius=12)
    return (212, 380, 388, 480), _ink_on(body)


def _tube(p, body, cap):
    light = _lighten(body, 0.82)
    p.rect((222, 118, 378, 142), _darken(light, 0.08), radius=3)
    p.polygon([(222, 138), (378, 138), (344, 440), (256, 440)], light)
    p.rect((262, 432, 338, 500), cap, radius=8)
    p.rect((222, 150, 378, 180), body, flat=False)
    return (244, 230, 356, 380), body


def _sachet(p, body, cap):
    p.rect((196, 108, 404, 500), body, radius=14)
    p.rect((196, 108, 404, 140), _darken(body, 0.12), radius=10)
    p.rect((216, 250, 384, 400), PAPER, radius=10, flat=True)
    return (222, 256, 378, 394), body


def _compact(p, body, cap):
    p.ellipse((160, 390, 440, 500), _darken(cap, 0.1))
    p.rect((160, 300, 440, 445), cap)
    p.ellipse((160, 250, 440, 350), body)
    p.ellipse((200, 264, 400, 336), _lighten(body, 0.2), flat=True)
    return (206, 280, 394, 320), _ink_on(_lighten(body, 0.2))


def _lipstick(p, body, cap):
    p.rect((258, 300, 342, 500), cap, radius=6)
    p.rect((266, 230, 334, 306), GOLD)
    p.polygon([(272, 232), (328, 232), (328, 170), (272, 138)], body)
    return None


def _tin(p, body, cap):
    p.rect((204, 220, 396, 500), body, radius=8)
    p.rect((196, 188, 404, 228), SILVER, radius=8)
    p.rect((204, 292, 396, 432), PAPER, flat=True)
    return (212, 298, 388, 426), body


def _pouch(p, body, cap, wide=False):
    x0, x1 = (168, 432) if wide else (212, 388)
    p.polygon([(x0, 140), (x1, 140), (x1 + 14, 480), (x1 + 8, 500), (x0 - 8, 500), (x0 - 14, 480)], body)
    for x in range(x0, x1, 12):  # heat-sealed, serrated top edge
        p.polygon([(x, 140), (x + 12, 140), (x + 6, 126)], _darken(body, 0.1), flat=True)
    p.rect((x0, 140, x1, 164), _darken(body, 0.12), flat=True)
    p.rect((x0 + 18, 240, x1 - 18, 400), PAPER, radius=10, flat=True)
    return (x0 + 24, 246, x1 - 24, 394), body


def _bag(p, body, cap):
    return _pouch(p, body, cap, wide=True)


def _pillbottle(p, body, cap):
    white = (243, 243, 240)
    p.rect((214, 228, 386, 500), white, radius=22)
    p.rect((222, 170, 378, 236), cap, radius=8)
    for x in range(232, 372, 12):
        p.line((x, 176), (x, 230), _darken(cap, 0.18), 2)
    p.rect((214, 288, 386, 446), body, flat=True)
    return (222, 296, 378, 438), _ink_on(body)


def _box(p, body, cap):
    p.polygon([(200, 170), (400, 170), (432, 142), (232, 142)], _lighten(body, 0.22), flat=True)
    p.polygon([(400, 170), (432, 142), (432, 472), (400, 500)], _darken(body, 0.25), flat=True)
    p.rect((200, 170, 400, 500), body, flat=True)
    p.rect((214, 262, 386, 402), PAPER, flat=True)
    return (220, 268, 380, 396), body


def _handbag(p, body, cap):
    p.arc((228, 120, 372, 320), 180, 360, _darken(body, 0.15), 16)
    p.polygon([(178, 232), (422, 232), (452, 500), (148, 500)], body)
    p.polygon([(178, 232), (422, 232), (414, 310), (186, 310)], _darken(body, 0.12), flat=True)
    p.rect((282, 296, 318, 326), GOLD, radius=4)
    return None


def _suitcase(p, body, cap):
    p.rect((258, 92, 342, 146), NEAR_BLACK, radius=10)
    p.rect((274, 106, 326, 146), body, flat=True)
    p.rect((184, 136, 416, 478), body, radius=26)
    for x in range(214, 400, 26):  # the grooves of an aluminium shell
        p.line((x, 152), (x, 462), _darken(body, 0.16), 4)
    for x in (212, 388):
        p.ellipse((x - 16, 470, x + 16, 502), NEAR_BLACK)
    return None


def _shoe(p, body, cap):
    p.rect((128, 440, 474, 478), (214, 186, 140), radius=12)
    p.polygon(
        [
            (138, 442),
            (146, 368),
            (214, 334),
            (292, 322),
            (334, 262),
            (404, 254),
            (444, 300),
            (466, 376),
            (472, 442),
        ],
        body,
    )
    for x in range(300, 400, 22):
        p.line((x, 300), (x + 18, 286), _lighten(body, 0.5), 4)
    return None


def _tshirt(p, body, cap):
    p.polygon(
        [
            (232, 128),
            (300, 156),
            (368, 128),
            (462, 192),
            (424, 262),
            (392, 242),
            (392, 484),
            (208, 484),
            (208, 242),
            (176, 262),
            (138, 192),
        ],
        body,
    )
    p.arc((258, 100, 342, 170), 0, 180, _darken(body, 0.2), 10)
    return None


def _pendant(p, body, cap):
    p.arc((214, 90, 386, 312), 0, 360, SILVER, 4, flat=True)  # the chain, laid out as a loop
    p.ellipse((288, 296, 312, 320), SILVER)
    p.polygon([(300, 318), (352, 372), (300, 462), (248, 372)], body)
    p.polygon([(300, 318), (352, 372), (300, 380)], _lighten(body, 0.45), flat=True)
    p.polygon([(300, 380), (352, 372), (300, 462)], _darken(body, 0.25), flat=True)
    return None


def _pan(p, body, cap):
    p.polygon([(400, 368), (526, 346), (532, 368), (402, 392)], NEAR_BLACK)
    p.polygon([(110, 372), (410, 372), (388, 454), (132, 454)], body)
    p.ellipse((108, 346, 412, 398), _darken(body, 0.45), flat=True)
    p.ellipse((124, 352, 396, 392), _darken(body, 0.6), flat=True)
    return None


def _pot(p, body, cap):
    p.rect((134, 300, 196, 324), NEAR_BLACK, radius=10)
    p.rect((404, 300, 466, 324), NEAR_BLACK, radius=10)
    p.rect((180, 270, 420, 500), SILVER, radius=18)
    p.ellipse((172, 236, 428, 300), _lighten(SILVER, 0.2))
    p.rect((264, 208, 336, 246), body, radius=12)
    p.rect((180, 400, 420, 420), body, flat=True)
    return None


def _knife(p, body, cap):
    p.polygon([(96, 336), (398, 312), (398, 372), (150, 372)], (214, 218, 222))
    p.line((120, 368), (398, 368), (245, 246, 248), 3)
    p.rect((398, 306, 416, 378), SILVER, radius=4)
    p.rect((414, 316, 524, 366), body if _luminance(body) < 90 else NEAR_BLACK, radius=18)
    for x in (442, 470, 498):
        p.ellipse((x - 6, 335, x + 6, 347), SILVER, flat=True)
    return None


def _moka(p, body, cap):
    p.polygon([(344, 232), (404, 238), (394, 334), (344, 322)], NEAR_BLACK)
    p.polygon([(236, 500), (364, 500), (350, 360), (250, 360)], SILVER)
    p.rect((252, 336, 348, 364), _darken(SILVER, 0.3))
    p.polygon([(252, 340), (348, 340), (338, 214), (262, 214)], SILVER)
    p.polygon([(262, 214), (226, 204), (266, 248)], SILVER)
    p.rect((256, 194, 344, 218), _darken(SILVER, 0.1), radius=6)
    p.ellipse((288, 176, 312, 198), body)
    return None


def _flask(p, body, cap):
    p.rect((244, 176, 356, 500), body, radius=42)
    p.rect((250, 108, 350, 186), cap, radius=16)
    p.rect((244, 182, 356, 196), SILVER, flat=True)
    return (252, 300, 348, 340), _ink_on(body)


def _dryer(p, body, cap):
    p.polygon([(262, 254), (322, 254), (340, 466), (284, 474)], body)
    p.rect((150, 168, 404, 272), body, radius=52)
    p.rect((398, 184, 452, 256), _darken(body, 0.3), radius=10)
    p.ellipse((168, 180, 248, 260), _darken(body, 0.18))
    p.ellipse((184, 196, 232, 244), _darken(body, 0.4), flat=True)
    return None


def _device(p, body, cap):
    p.rect((238, 170, 362, 500), body, radius=48)
    p.ellipse((226, 104, 374, 204), SILVER)
    for x in range(246, 356, 14):
        p.line((x, 128), (x, 182), _darken(SILVER, 0.25), 3)
    p.ellipse((288, 250, 312, 274), _lighten(body, 0.5), flat=True)
    return (250, 330, 350, 360), _ink_on(body)


def _headphones(p, body, cap):
    p.arc((168, 96, 432, 420), 180, 360, body, 26)
    for x0 in (146, 374):
        p.rect((x0, 270, x0 + 80, 448), body, radius=32)
        p.rect(
            (x0 + (56 if x0 < 300 else -6), 286, x0 + (86 if x0 < 300 else 24), 432), NEAR_BLACK, radius=12
        )
    return None


def _appliance(p, body, cap):
    p.rect((172, 240, 428, 500), body, radius=40)
    p.ellipse((172, 196, 428, 280), _lighten(body, 0.12))
    p.rect((252, 176, 348, 204), _darken(body, 0.3), radius=10)
    p.rect((250, 330, 350, 380), NEAR_BLACK, radius=8, flat=True)
    p.rect((266, 344, 334, 366), (120, 220, 200), radius=3, flat=True)
    return None


SHAPES = {
    "appliance": _appliance,
    "bag": _bag,
    "bottle": _bottle,
    "box": _box,
    "compact": _compact,
    "device": _device,
    "dropper": _dropper,
    "dryer": _dryer,
    "flask": _flask,
    "handbag": _handbag,
    "headphones": _headphones,
    "jar": _jar,
    "knife": _knife,
    "lipstick": _lipstick,
    "moka": _moka,
    "pan": _pan,
    "pendant": _pendant,
    "pillbottle": _pillbottle,
    "pot": _pot,
    "pouch": _pouch,
    "pump": _pump,
    "sachet": _sachet,
    "shoe": _shoe,
    "suitcase": _suitcase,
    "tin": _tin,
    "tshirt": _tshirt,
    "tube": _tube,
}


# --- Public API ---------------------------------------------------------------------------------


def product_photo(
    *, brand: str, label: str, shape: str, background: str, colour: str, alt: bool = False, size: int = 600
) -> bytes:
    """A JPEG product shot: the product silhouette on a soft backdrop, branded on its label or, for
    products without one, in a caption underneath. `alt=True` is the second photo: a close-up of the
    label (or of the product's middle) on a paler backdrop, without caption."""
    full = size * SUPERSAMPLE
    bg = hex_to_rgb(background)
    body = hex_to_rgb(colour)
    # A pale brand colour would vanish against the backdrop: pull it toward a readable tone.
    if _luminance(body) > 215:
        body = _darken(body, 0.35)
    cap = _darken(body, 0.35) if _luminance(body) > 70 else GOLD
    draw_shape = SHAPES.get(shape, _box)

    canvas = _background(full, bg, "alt" if alt else "cover").copy()
    if alt:
        # Find where the label sits with a throwaway drawing, then zoom in on it.
        probe = draw_shape(_Painter(Image.new("RGB", (GRID // 4, GRID // 4))), body, cap)
        if probe:
            (x0, y0, x1, y1), _ink = probe
            painter = _Painter(canvas, zoom=1.6, focus=((x0 + x1) / 2, (y0 + y1) / 2))
        else:  # nothing to read: just come a little closer
            painter = _Painter(canvas, zoom=1.12, focus=(300, 310))
        _Painter(canvas).ellipse((90, 90, 510, 510), _lighten(body, 0.8), flat=True)
    else:
        painter = _Painter(canvas)
        sx0, sy0 = painter.px(150, 486)
        sx1, sy1 = painter.px(450, 520)
        mask = _shadow_mask(int(sx1 - sx0), int(sy1 - sy0))
        canvas.paste(_darken(bg, 0.45), (int(sx0) - 40, int(sy0) - 40), mask)

    label_box = draw_shape(painter, body, cap)
    small_label = not label_box or label_box[0][3] - label_box[0][1] <= 70
    if label_box:
        (x0, y0, x1, y1), ink = label_box
        height = y1 - y0
        if small_label:
            painter.text((x0, y0, x1, y1), brand.upper(), ink, 26, bold=True)
        else:
            painter.text((x0, y0 + height * 0.18, x1, y0 + height * 0.55), brand.upper(), ink, 30, bold=True)
            painter.text((x0, y0 + height * 0.6, x1, y0 + height * 0.82), label.upper(), ink, 14)
    if small_label and not alt:
        caption = _Painter(canvas)
        caption.text((60, 524, 540, 560), brand.upper(), _darken(bg, 0.75), 34, bold=True)
        caption.text((60, 562, 540, 588), label.upper(), _darken(bg, 0.55), 18)
    return _encode(canvas.reduce(SUPERSAMPLE), "JPEG", quality=80)


def brand_logo(*, name: str, colour: str, tagline: str, size: int = 400) -> bytes:
    """A square PNG logo: the brand name set large on its colour, with a rule and a tagline."""
    full = size * SUPERSAMPLE
    bg = hex_to_rgb(colour)
    ink = _ink_on(bg)
    canvas = Image.new("RGB", (full, full), bg)
    painter = _Painter(canvas)
    words = ascii_text(name).upper().split()
    # Two lines when the name is long, split where the halves are most even.
    if len(words) > 1 and len(" ".join(words)) > 10:
        split = min(
            range(1, len(words)), key=lambda i: abs(len(" ".join(words[:i])) - len(" ".join(words[i:])))
        )
        lines = [" ".join(words[:split]), " ".join(words[split:])]
    else:
        lines = [" ".join(words)]
    top = 220 if len(lines) == 1 else 190
    for i, line in enumerate(lines):
        painter.text(
            (50, top + i * 92, 550, top + i * 92 + 84), line, ink, 84 if len(lines) > 1 else 110, bold=True
        )
    rule_y = top + len(lines) * 92 + 14
    painter.rect((250, rule_y, 350, rule_y + 4), _mix(bg, ink, 0.6), flat=True)
    painter.text((80, rule_y + 24, 520, rule_y + 56), tagline.upper(), _mix(bg, ink, 0.75), 28)
    return _encode(canvas.reduce(SUPERSAMPLE), "PNG", optimize=True)


def shipping_card(*, mode: str, size: int = 600) -> bytes:
    """The third gallery image: what buying cross-border means for this product (bonded or direct)."""
    bonded = mode == "bonded"
    bg = (22, 110, 104) if bonded else (32, 54, 104)
    full = size * SUPERSAMPLE
    canvas = Image.new("RGB", (full, full), bg)
    p = _Painter(canvas)
    ink, soft = (255, 255, 255), _lighten(bg, 0.6)
    # A shield with a tick: the authenticity promise.
    p.polygon([(300, 70), (390, 104), (380, 214), (300, 262), (220, 214), (210, 104)], _lighten(bg, 0.25))
    p.line((256, 164), (290, 200), ink, 12)
    p.line((288, 200), (348, 130), ink, 12)
    p.text((60, 290, 540, 340), "100% AUTHENTIC", ink, 44, bold=True)
    p.text((60, 350, 540, 392), "BONDED WAREHOUSE" if bonded else "DIRECT MAIL", soft, 34, bold=True)
    detail = "Ships from China in 2-4 days" if bonded else "Ships from overseas in 7-14 days"
    p.text((60, 420, 540, 452), detail, soft, 26)
    p.text((60, 462, 540, 494), "Customs cleared - import tax shown at checkout", soft, 22)
    p.rect((200, 530, 400, 534), soft, flat=True)
    return _encode(canvas.reduce(SUPERSAMPLE), "JPEG", quality=82)
