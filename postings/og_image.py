"""The picture that link previews show for a posting (Open Graph, Twitter cards): its title,
company, place and salary on a card of 1200×630, the size Facebook, LinkedIn and X ask for."""

import hashlib
import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image, ImageDraw, ImageFont

from .models import Posting
from .templatetags.jobboard import salary

# Bumped when the drawing changes, so that no cached picture of the old design is served.
DESIGN = 1
# Never stale (the key is the version): the timeout only frees pictures nobody asks for.
CACHE_SECONDS = 24 * 3600
# What card_for() and version() read, for the view's one query.
FIELDS = (
    "language",
    "updated_at",
    "title",
    "city",
    "country",
    "company__name",
    "salary_min",
    "salary_max",
    "salary_currency",
    "salary_period",
)

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
TEXT_WIDTH = WIDTH - 2 * MARGIN
BAND_HEIGHT = 88
TITLE_TOP, TITLE_SIZE, TITLE_LEADING, TITLE_LINES = 128, 60, 74, 3
# The title is drawn inside this box (with room for glyphs that overhang the margin a little),
# and nothing else is.
TITLE_AREA = (MARGIN - 8, TITLE_TOP, WIDTH - MARGIN + 8, TITLE_TOP + TITLE_LINES * TITLE_LEADING)
# The site's colours (static/css/site.css).
ACCENT, INK, MUTED, PAPER = "#0b5cad", "#1d2327", "#5a6570", "#ffffff"
ELLIPSIS = "…"


@dataclass(frozen=True)
class Card:
    title: str
    company: str
    location: str
    salary: str
    site: str


def card_for(posting: Posting) -> Card:
    """The card's text: the posting's own words, and the rest in the posting's language."""
    with translation.override(posting.language):
        # django-stubs types a CountryField as the CharField it extends; it reads as a Country.
        country = str(posting.country.name)  # type: ignore[attr-defined]
        place = ", ".join(part for part in (posting.city, country) if part)
        return Card(
            title=posting.title,
            company=posting.company.name,
            location=place,
            salary=salary(posting),
            site=gettext("Job board"),
        )


def _font(name: str, size: int) -> ImageFont.FreeTypeFont:
    return _load_font(str(Path(settings.OG_IMAGE_FONT_DIR) / name), size)


@lru_cache(maxsize=8)
def _load_font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


def _shorten(text: str, font: ImageFont.FreeTypeFont, width: int) -> str:
    """The text, or as many of its words as fit with an ellipsis (a letter cut only when the
    first word alone is too wide)."""
    if font.getlength(text) <= width:
        return text
    words = text.split(" ")
    while len(words) > 1 and font.getlength(" ".join(words) + ELLIPSIS) > width:
        words.pop()
    text = " ".join(words)
    while text and font.getlength(text + ELLIPSIS) > width:
        text = text[:-1]
    return text.rstrip(" ,;:-–·/") + ELLIPSIS


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int, lines: int) -> list[str]:
    """Greedy word wrap into at most `lines` lines, the last one ellipsised when text is left;
    a word wider than a line is cut (German compounds, long URLs)."""
    result: list[str] = []
    words = text.split()
    while words and len(result) < lines:
        line = words.pop(0)
        while font.getlength(line) > width:  # one word too wide: cut it where it stops fitting
            cut = len(line) - 1
            while cut > 1 and font.getlength(line[:cut]) > width:
                cut -= 1
            words.insert(0, line[cut:])
            line = line[:cut]
        while words and font.getlength(f"{line} {words[0]}") <= width:
            line = f"{line} {words.pop(0)}"
        result.append(line)
    if words:  # the next word did not fit: the last line cannot hold the rest either
        result[-1] = _shorten(f"{result[-1]} {' '.join(words)}", font, width)
    return result


def render(card: Card) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    bold = "DejaVuSans-Bold.ttf"
    regular = "DejaVuSans.ttf"

    draw.rectangle((0, 0, WIDTH, BAND_HEIGHT), fill=ACCENT)
    draw.text(
        (MARGIN, BAND_HEIGHT // 2),
        _shorten(card.site, _font(bold, 34), TEXT_WIDTH),
        font=_font(bold, 34),
        fill=PAPER,
        anchor="lm",
    )
    title_font = _font(bold, TITLE_SIZE)
    for number, line in enumerate(_wrap(card.title, title_font, TEXT_WIDTH, TITLE_LINES)):
        draw.text((MARGIN, TITLE_TOP + number * TITLE_LEADING), line, font=title_font, fill=INK)

    # Company, place and salary keep their places whatever the title's length.
    rows = [
        (card.company, _font(bold, 40), ACCENT, 410),
        (card.location, _font(regular, 34), MUTED, 472),
        (card.salary, _font(regular, 34), INK, 528),
    ]
    for text, font, colour, top in rows:
        if text:
            draw.text((MARGIN, top), _shorten(text, font, TEXT_WIDTH), font=font, fill=colour)
    draw.rectangle((0, HEIGHT - 12, WIDTH, HEIGHT), fill=ACCENT)

    output = io.BytesIO()
    # Four colours and their anti-aliased blends: a palette of 64 looks the same, at about 40 %
    # of the bytes and in less time than zlib's best effort on the full colours.
    image.quantize(colors=64).save(output, format="PNG")
    return output.getvalue()


def version(posting: Posting) -> str:
    """Changes with whatever is drawn: the posting (any edit moves `updated_at`), the company's
    name, and the design."""
    key = f"{DESIGN}:{posting.pk}:{posting.updated_at.isoformat()}:{posting.company.name}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def png(posting: Posting) -> bytes:
    """The posting's picture, drawn once per version: drawing costs tens of milliseconds."""
    key = f"og-image:{version(posting)}"
    if (data := cache.get(key)) is None:
        data = render(card_for(posting))
        cache.set(key, data, CACHE_SECONDS)
    return data
