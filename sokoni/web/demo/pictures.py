"""Pictures for the demo world, drawn with Pillow (no downloads).

Product pictures are a coloured background, one simple recognisable shape (a cup for coffee, a jar
for honey, a sandal for sandals...) and a short label; village pictures are landscapes in the
village's colours. Everything is deterministic: the same arguments draw the same picture.
"""

from __future__ import annotations

import colorsys
import io
import math
import random
from collections.abc import Callable
from typing import Final

from PIL import Image, ImageDraw, ImageFont

RGB = tuple[int, int, int]
PRODUCT_SIZE: Final = 480
VILLAGE_SIZE: Final = (960, 640)


def _rgb(hex_colour: str) -> RGB:
    value = hex_colour.lstrip("#")
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))


def _shift(colour: RGB, hue: float = 0.0, light: float = 0.0, sat: float = 0.0) -> RGB:
    """Move a colour around the colour wheel and lighten or darken it."""
    h, lum, s = colorsys.rgb_to_hls(*(c / 255 for c in colour))
    h = (h + hue) % 1.0
    lum = min(1.0, max(0.0, lum + light))
    s = min(1.0, max(0.0, s + sat))
    r, g, b = colorsys.hls_to_rgb(h, lum, s)
    return (round(r * 255), round(g * 255), round(b * 255))


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Pillow's bundled font: no system font needed."""
    return ImageFont.load_default(size=size)


Draw = ImageDraw.ImageDraw
Motif = Callable[[Draw, RGB, random.Random], None]

# Every motif draws inside the box (90, 60)-(390, 360) of a 480 x 480 canvas.


def _cup(d: Draw, c: RGB, r: random.Random) -> None:
    dark = _shift(c, light=-0.25)
    d.ellipse((110, 300, 370, 350), fill=_shift(c, light=0.25), outline=dark, width=4)
    d.rounded_rectangle(
        (150, 180, 310, 320), radius=30, fill=(250, 246, 240), outline=dark, width=5
    )
    d.ellipse((155, 170, 305, 205), fill=(92, 54, 30), outline=dark, width=4)
    d.arc((290, 205, 350, 275), start=-90, end=90, fill=dark, width=10)
    for x in (190, 230, 270):
        d.arc(
            (x - 12, 90, x + 12, 160), start=100 + r.randint(-20, 20), end=260, fill=dark, width=5
        )


def _beans(d: Draw, c: RGB, r: random.Random) -> None:
    for _ in range(9):
        x, y = r.randint(110, 330), r.randint(90, 300)
        d.ellipse((x, y, x + 60, y + 42), fill=_shift(c, light=-0.3), outline=(40, 24, 14), width=3)
        d.arc((x + 8, y + 4, x + 52, y + 38), start=200, end=340, fill=(40, 24, 14), width=3)


def _leaf(d: Draw, c: RGB, r: random.Random) -> None:
    green = _shift(c, light=-0.15)
    for i, angle in enumerate((-0.45, 0.45, 0.0)):
        tilt = angle + r.uniform(-0.1, 0.1)
        # a leaf is a lens: two arcs from the stem to the tip, turned by `tilt`
        points = []
        for t in range(0, 21):
            y = -t / 20 * 250
            x = math.sin(math.pi * t / 20) * 62
            points.append((x, y))
        outline = points + [(-x, y) for x, y in reversed(points)]
        rotated = [
            (
                240 + x * math.cos(tilt) - y * math.sin(tilt),
                350 + x * math.sin(tilt) + y * math.cos(tilt),
            )
            for x, y in outline
        ]
        d.polygon(rotated, fill=_shift(green, light=0.05 * i))
        tip = rotated[20]
        d.line([(240, 350), tip], fill=_shift(green, light=-0.2), width=5)


def _jar(d: Draw, c: RGB, r: random.Random) -> None:
    amber = _shift(c, light=-0.1, sat=0.2)
    d.rounded_rectangle((150, 140, 330, 360), radius=40, fill=amber, outline=(90, 50, 10), width=5)
    d.rectangle((170, 100, 310, 145), fill=(120, 70, 30), outline=(70, 40, 10), width=4)
    d.rectangle((180, 220, 300, 290), fill=(250, 244, 225), outline=(90, 50, 10), width=3)
    d.ellipse(
        (180 + r.randint(0, 20), 160, 215 + r.randint(0, 20), 200), fill=_shift(amber, light=0.2)
    )


def _fruit(d: Draw, c: RGB, r: random.Random) -> None:
    spots = [(120, 190), (250, 200), (185, 100)]
    for x, y in spots:
        size = 120 + r.randint(-10, 10)
        d.ellipse((x, y, x + size, y + size), fill=c, outline=_shift(c, light=-0.25), width=5)
        d.ellipse((x + 25, y + 20, x + 50, y + 45), fill=_shift(c, light=0.2))
    d.ellipse((230, 70, 300, 110), fill=(60, 140, 60), outline=(30, 90, 30), width=3)


def _sack(d: Draw, c: RGB, r: random.Random) -> None:
    jute = (196, 160, 110)
    d.polygon([(150, 130), (330, 130), (370, 360), (110, 360)], fill=jute, outline=(120, 90, 50))
    d.rectangle((170, 100, 310, 135), fill=_shift(jute, light=-0.1), outline=(120, 90, 50), width=3)
    d.ellipse((150, 85, 330, 150), fill=c, outline=_shift(c, light=-0.25), width=3)
    for _ in range(40):
        x, y = r.randint(170, 310), r.randint(95, 135)
        d.ellipse((x, y, x + 10, y + 8), fill=_shift(c, light=-0.2))


def _mound(d: Draw, c: RGB, r: random.Random) -> None:
    d.ellipse((90, 300, 390, 360), fill=(235, 230, 220), outline=(150, 140, 130), width=4)
    d.polygon([(120, 330), (240, 130 + r.randint(-20, 20)), (360, 330)], fill=c)
    for _ in range(60):
        x, y = r.randint(170, 310), r.randint(200, 320)
        d.point((x, y), fill=_shift(c, light=-0.3))
        d.ellipse((x, y, x + 4, y + 4), fill=_shift(c, light=-0.3))


def _chair(d: Draw, c: RGB, r: random.Random) -> None:
    wood = _shift(c, light=-0.2)
    d.rectangle((150, 80, 180, 360), fill=wood)
    d.rectangle((150, 80, 320, 110), fill=wood)
    d.rectangle((150, 230, 330, 260), fill=wood)
    d.rectangle((300, 230, 330, 360), fill=wood)
    for y in (140, 180):
        d.rectangle((180, y, 300, y + 14), fill=_shift(wood, light=0.1))


def _shelf(d: Draw, c: RGB, r: random.Random) -> None:
    wood = _shift(c, light=-0.2)
    d.rectangle((130, 70, 350, 370), outline=wood, width=14)
    for y in (145, 220, 295):
        d.rectangle((130, y, 350, y + 12), fill=wood)
    for i, y in enumerate((85, 160, 235, 310)):
        x = 150
        for _ in range(r.randint(3, 6)):
            w = r.randint(14, 24)
            d.rectangle((x, y, x + w, y + 50), fill=_shift(c, hue=0.15 * (i + x % 5)))
            x += w + 4


def _wardrobe(d: Draw, c: RGB, r: random.Random) -> None:
    body = _shift(c, light=-0.1)
    d.rectangle((140, 60, 340, 370), fill=body, outline=_shift(body, light=-0.3), width=6)
    d.line([(240, 70), (240, 360)], fill=_shift(body, light=-0.3), width=5)
    for x in (222, 250):
        d.rounded_rectangle((x, 190, x + 8, 250), radius=3, fill=(230, 200, 120))
    d.rectangle((150, 340 + r.randint(0, 4), 330, 350), fill=_shift(body, light=-0.2))


def _desk(d: Draw, c: RGB, r: random.Random) -> None:
    wood = _shift(c, light=-0.15)
    d.rectangle((100, 180, 380, 205), fill=wood)
    d.rectangle((115, 205, 135, 360), fill=_shift(wood, light=-0.1))
    d.rectangle((345, 205, 365, 360), fill=_shift(wood, light=-0.1))
    d.rectangle(
        (250, 205, 345, 280),
        fill=_shift(wood, light=0.1),
        outline=_shift(wood, light=-0.2),
        width=3,
    )
    d.rounded_rectangle((285, 235, 310, 245), radius=3, fill=(230, 200, 120))
    d.rectangle(
        (160, 120 + r.randint(0, 10), 230, 180), fill=(250, 246, 240), outline=(90, 90, 90), width=3
    )


def _box(d: Draw, c: RGB, r: random.Random) -> None:
    card = (205, 165, 115)
    d.polygon([(240, 90), (370, 150), (240, 210), (110, 150)], fill=_shift(card, light=0.1))
    d.polygon([(110, 150), (240, 210), (240, 360), (110, 300)], fill=card)
    d.polygon([(240, 210), (370, 150), (370, 300), (240, 360)], fill=_shift(card, light=-0.1))
    d.line([(175, 120), (305, 180)], fill=c, width=14)
    d.line([(240, 210), (240, 360)], fill=(120, 90, 50), width=3)


def _tool(d: Draw, c: RGB, r: random.Random) -> None:
    steel = (150, 156, 166)
    d.rounded_rectangle((220, 150, 250, 370), radius=10, fill=_shift(c, light=-0.2))
    d.rounded_rectangle((140, 100, 330, 160), radius=12, fill=steel, outline=(80, 84, 90), width=4)
    for i in range(3):
        x = 120 + i * 28 + r.randint(0, 4)
        d.rectangle((x, 250 + i * 20, x + 10, 360), fill=steel)


def _cloth(d: Draw, c: RGB, r: random.Random) -> None:
    d.rectangle((100, 80, 380, 360), fill=c)
    colours = [_shift(c, hue=0.5), _shift(c, light=-0.25), _shift(c, hue=0.1, light=0.15)]
    pattern = r.randint(0, 2)
    for i, y in enumerate(range(95, 350, 30)):
        colour = colours[i % 3]
        if pattern == 0:
            d.rectangle((100, y, 380, y + 12), fill=colour)
        elif pattern == 1:
            points = [(x, y + (12 if (x // 28) % 2 else 0)) for x in range(100, 381, 28)]
            d.line(points, fill=colour, width=7)
        else:
            for x in range(115, 370, 40):
                d.polygon(
                    [(x, y + 6), (x + 10, y - 4), (x + 20, y + 6), (x + 10, y + 16)], fill=colour
                )
    for x in range(100, 381, 14):
        d.line([(x, 360), (x + 3, 380)], fill=_shift(c, light=-0.2), width=3)


def _pot(d: Draw, c: RGB, r: random.Random) -> None:
    clay = _shift(c, light=-0.05)
    d.ellipse((130, 170, 350, 370), fill=clay, outline=_shift(clay, light=-0.25), width=4)
    d.rectangle((195, 100, 285, 190), fill=clay)
    d.ellipse(
        (180, 85, 300, 120),
        fill=_shift(clay, light=-0.15),
        outline=_shift(clay, light=-0.3),
        width=4,
    )
    y = 250 + r.randint(-15, 15)
    d.line([(150, y), (330, y)], fill=(250, 240, 225), width=6)
    d.line([(160, y + 24), (320, y + 24)], fill=(40, 30, 25), width=4)


def _sandal(d: Draw, c: RGB, r: random.Random) -> None:
    rubber = (45, 45, 48)
    for dx in (-70, 70):
        x = 240 + dx
        d.ellipse((x - 55, 80, x + 55, 370), fill=rubber)
        d.ellipse((x - 45, 90, x + 45, 360), fill=(70, 70, 74))
        d.line([(x - 45, 170), (x, 130), (x + 45, 170)], fill=c, width=16)
        d.line([(x - 48, 250), (x + 48, 250)], fill=c, width=16)


def _bowl(d: Draw, c: RGB, r: random.Random) -> None:
    silver = (200, 204, 212)
    d.chord((110, 120, 370, 360), start=0, end=180, fill=silver, outline=(120, 124, 132), width=5)
    d.ellipse(
        (110, 215, 370, 265), fill=_shift(silver, light=0.05), outline=(120, 124, 132), width=4
    )
    for x in range(150, 340, 30):
        d.arc(
            (x, 270, x + 24, 300 + r.randint(0, 10)),
            start=0,
            end=180,
            fill=(140, 144, 152),
            width=3,
        )
    d.rectangle((200, 330, 280, 350), fill=silver, outline=(120, 124, 132), width=3)


def _note(d: Draw, c: RGB, r: random.Random) -> None:
    ink = _shift(c, light=-0.35)
    d.ellipse((120, 280, 200, 340), fill=ink)
    d.ellipse((270, 250, 350, 310), fill=ink)
    d.rectangle((186, 110, 200, 310), fill=ink)
    d.rectangle((336, 80, 350, 280), fill=ink)
    d.polygon([(186, 110), (350, 80), (350, 120), (186, 150)], fill=ink)


def _scroll(d: Draw, c: RGB, r: random.Random) -> None:
    d.rectangle((140, 80, 340, 360), fill=(245, 232, 200))
    d.rounded_rectangle((125, 65, 355, 90), radius=10, fill=(140, 80, 40))
    d.rounded_rectangle((125, 350, 355, 375), radius=10, fill=(140, 80, 40))
    for i, y in enumerate((105, 190, 275)):
        d.rectangle((155, y, 325, y + 70), outline=_shift(c, light=-0.25), width=4)
        cx = 200 + (i * 40 + r.randint(0, 30)) % 90
        d.ellipse((cx, y + 10, cx + 22, y + 32), fill=_shift(c, hue=0.3 * i))
        d.rectangle((cx + 4, y + 32, cx + 18, y + 62), fill=_shift(c, hue=0.3 * i, light=-0.1))


def _bottle(d: Draw, c: RGB, r: random.Random) -> None:
    d.rounded_rectangle(
        (170, 170, 310, 370), radius=25, fill=(250, 250, 246), outline=(120, 120, 130), width=5
    )
    d.rectangle((205, 100, 275, 175), fill=(250, 250, 246), outline=(120, 120, 130), width=5)
    d.rectangle((200, 80, 280, 105), fill=c)
    d.rectangle((170, 240, 310, 300), fill=c)


def _basket(d: Draw, c: RGB, r: random.Random) -> None:
    weave = _shift(c, light=-0.1)
    d.arc((150, 70, 330, 260), start=180, end=360, fill=_shift(weave, light=-0.2), width=14)
    d.polygon([(110, 170), (370, 170), (330, 360), (150, 360)], fill=weave)
    for y in range(190, 350, 26):
        d.line([(120, y), (360, y)], fill=_shift(weave, light=-0.2), width=4)
    for x in range(150, 340, 30):
        d.line([(x, 175), (x + 5, 355)], fill=_shift(weave, light=0.15), width=4)


def _animal(d: Draw, c: RGB, r: random.Random) -> None:
    coat = _shift(c, light=-0.1)
    d.ellipse((130, 170, 330, 290), fill=coat)
    d.ellipse((290, 110, 370, 190), fill=coat)
    d.polygon([(310, 120), (300, 70), (330, 112)], fill=(90, 80, 70))
    d.polygon([(345, 118), (360, 70), (362, 125)], fill=(90, 80, 70))
    for x in (150, 190, 270, 305):
        d.rectangle((x, 270, x + 16, 360), fill=coat)
    d.ellipse((345, 140, 355, 150), fill=(20, 20, 20))


def _house(d: Draw, c: RGB, r: random.Random) -> None:
    d.rectangle((140, 200, 340, 360), fill=(240, 230, 210), outline=(110, 90, 70), width=4)
    d.polygon([(110, 210), (240, 90), (370, 210)], fill=_shift(c, light=-0.15))
    d.rectangle((215, 280, 265, 360), fill=(120, 80, 50))
    d.rectangle((160, 230, 200, 270), fill=(170, 210, 240), outline=(110, 90, 70), width=3)
    d.rectangle((280, 230, 320, 270), fill=(170, 210, 240), outline=(110, 90, 70), width=3)


def _seedling(d: Draw, c: RGB, r: random.Random) -> None:
    d.rectangle((110, 280, 370, 360), fill=(120, 85, 55))
    for x in (160, 240, 320):
        h = r.randint(120, 170)
        d.line([(x, 290), (x, 290 - h)], fill=(60, 130, 50), width=8)
        d.ellipse((x - 45, 290 - h - 10, x, 290 - h + 20), fill=c)
        d.ellipse((x, 290 - h - 25, x + 45, 290 - h + 5), fill=c)


MOTIFS: Final[dict[str, Motif]] = {
    "cup": _cup,
    "beans": _beans,
    "leaf": _leaf,
    "jar": _jar,
    "fruit": _fruit,
    "sack": _sack,
    "mound": _mound,
    "chair": _chair,
    "shelf": _shelf,
    "box": _box,
    "wardrobe": _wardrobe,
    "desk": _desk,
    "tool": _tool,
    "cloth": _cloth,
    "pot": _pot,
    "sandal": _sandal,
    "bowl": _bowl,
    "note": _note,
    "scroll": _scroll,
    "bottle": _bottle,
    "basket": _basket,
    "animal": _animal,
    "house": _house,
    "seedling": _seedling,
}


def product_picture(motif: str, colour: str, label: str, variant: int) -> bytes:
    """Draw one product picture as PNG bytes: background, the motif's shape and a label.

    `variant` (0, 1, 2...) moves the background hue and the details so that products of one
    kind do not all look identical.
    """
    rng = random.Random(f"{motif}:{colour}:{label}:{variant}")  # noqa: S311 - drawing, not secrets
    base = _rgb(colour)
    background = _shift(base, hue=0.04 * (variant - 2), light=0.32)
    image = Image.new("RGB", (PRODUCT_SIZE, PRODUCT_SIZE), background)
    draw = ImageDraw.Draw(image)
    # a soft disc behind the shape
    draw.ellipse((60, 30, 420, 390), fill=_shift(background, light=0.08))
    MOTIFS[motif](draw, base, rng)
    band = _shift(base, light=-0.3)
    draw.rectangle((0, 400, PRODUCT_SIZE, PRODUCT_SIZE), fill=band)
    font = _font(40)
    width = draw.textlength(label, font=font)
    draw.text(((PRODUCT_SIZE - width) / 2, 418), label, font=font, fill=(255, 255, 255))
    return _png(image)


def village_picture(palette: tuple[str, str, str], scene: int, seed: str) -> bytes:
    """Draw a landscape (sky, hills or sea, fields, houses) in a village's colours as PNG bytes.

    `palette` is (sky, land, accent); `scene` 0 is hills and houses, 1 fields in rows,
    2 the market square.
    """
    rng = random.Random(f"{seed}:{scene}")  # noqa: S311 - drawing, not secrets
    sky, land, accent = (_rgb(p) for p in palette)
    width, height = VILLAGE_SIZE
    image = Image.new("RGB", VILLAGE_SIZE, sky)
    draw = ImageDraw.Draw(image)
    for y in range(0, height // 2, 8):  # a gradient sky
        draw.rectangle((0, y, width, y + 8), fill=_shift(sky, light=0.2 * y / height))
    sun_x = rng.randint(120, width - 120)
    draw.ellipse((sun_x - 50, 50, sun_x + 50, 150), fill=(255, 226, 140))
    for layer in range(3):  # hills, far to near
        colour = _shift(land, light=0.12 - 0.08 * layer)
        top = 250 + layer * 70
        ridge = [(x, top + rng.randint(-45, 45)) for x in range(0, width + 80, 80)]
        points = [(0, height), *ridge, (width, height)]
        draw.polygon(points, fill=colour)
    if scene == 1:
        for i, y in enumerate(range(470, height, 34)):
            draw.rectangle((0, y, width, y + 18), fill=_shift(land, light=-0.12 if i % 2 else 0.05))
    house_count = 7 if scene == 2 else 4
    slot = (width - 160) // house_count
    for i in range(house_count):
        x = 40 + i * slot + rng.randint(0, max(0, slot - 120))
        y = rng.randint(420, 520) if scene != 2 else rng.randint(400, 460)
        w = rng.randint(70, 110)
        wall = _shift((235, 225, 205), light=rng.uniform(-0.1, 0.05))
        draw.rectangle((x, y, x + w, y + w * 0.7), fill=wall, outline=(90, 80, 70), width=2)
        draw.polygon([(x - 10, y), (x + w / 2, y - w * 0.5), (x + w + 10, y)], fill=accent)
        draw.rectangle((x + w * 0.4, y + w * 0.35, x + w * 0.6, y + w * 0.7), fill=(100, 70, 45))
    if scene == 2:  # market stalls with awnings
        for i in range(5):
            x = 60 + i * 180
            draw.rectangle((x, 560, x + 140, 620), fill=(200, 170, 120))
            for s in range(0, 140, 28):
                colour = accent if (s // 28) % 2 else (250, 245, 235)
                draw.rectangle((x + s, 530, x + s + 28, 560), fill=colour)
    return _png(image)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()
