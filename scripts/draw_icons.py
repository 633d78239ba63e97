"""Draw the app's icons: onetouch/static/icons/ (icon.svg, the PNGs of the web manifest and
favicon.ico). Run once after changing the design; the outputs are committed.

The design is a touch and its ripples, white on the site's red (--brand in site.css). The SVG
and the PNGs are drawn from the same numbers, on a 512 grid; a maskable icon keeps the glyph
inside the central circle of radius 40% that every launcher mask leaves visible.

    .venv/bin/python scripts/draw_icons.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "onetouch" / "static" / "icons"
GRID = 512
RED = (0xB3, 0x26, 0x1E)
WHITE = (0xFF, 0xFF, 0xFF)
FAINT = (0xE1, 0xA8, 0xA5)  # white at 60% over the red, as an opaque colour
CORNER = 112
# (radius, stroke width or None for a filled disc, colour) on the 512 grid
MARKS = ((72, None, WHITE), (136, 28, WHITE), (200, 20, FAINT))
SUPERSAMPLE = 4


def _hex(colour: tuple[int, int, int]) -> str:
    return "#" + "".join(f"{part:02x}" for part in colour)


def svg() -> str:
    shapes = [f'<rect width="{GRID}" height="{GRID}" rx="{CORNER}" fill="{_hex(RED)}"/>']
    for radius, stroke, colour in MARKS:
        if stroke is None:
            shapes.append(f'<circle cx="256" cy="256" r="{radius}" fill="{_hex(colour)}"/>')
        else:
            shapes.append(f'<circle cx="256" cy="256" r="{radius}" fill="none" '
                          f'stroke="{_hex(colour)}" stroke-width="{stroke}"/>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {GRID} {GRID}">'
            + "".join(shapes) + "</svg>\n")


def png(size: int, maskable: bool = False, marks=MARKS) -> Image.Image:
    big = size * SUPERSAMPLE
    unit = big / GRID
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle((0, 0, big, big), fill=RED)
    else:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=CORNER * unit, fill=RED)
    scale = 0.8 if maskable else 1.0  # inside the safe circle: 0.8 x 210 < 204.8
    centre = big / 2
    for radius, stroke, colour in marks:
        if stroke is None:
            r = radius * scale * unit
            draw.ellipse((centre - r, centre - r, centre + r, centre + r), fill=colour)
        else:
            outer = (radius + stroke / 2) * scale * unit
            draw.ellipse((centre - outer, centre - outer, centre + outer, centre + outer),
                         outline=colour, width=round(stroke * scale * unit))
    image = image.resize((size, size), Image.Resampling.LANCZOS)
    # A palette of 64 colours keeps the edges smooth at a sixth of the bytes.
    return image.quantize(64, method=Image.Quantize.FASTOCTREE)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "icon.svg").write_text(svg(), encoding="utf-8")
    png(192).save(OUT / "icon-192.png", optimize=True)
    png(512).save(OUT / "icon-512.png", optimize=True)
    png(512, maskable=True).save(OUT / "icon-maskable-512.png", optimize=True)
    # Small sizes: the faint outer ring would be a blur, so the favicon has the disc and one ring.
    sizes = (16, 32, 48)
    icons = [png(size, marks=MARKS[:2]) for size in sizes]
    icons[-1].save(OUT / "favicon.ico", format="ICO", sizes=[(s, s) for s in sizes],
                   append_images=icons[:-1])


if __name__ == "__main__":
    main()
