"""The slugs of links: ASCII, from a title or a name, in every language."""

from django.utils.text import slugify

# slugify drops letters that have no ASCII decomposition; spell the common ones out.
_SLUG_LETTERS = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "ø": "o",
        "Ø": "O",
        "œ": "oe",
        "Œ": "OE",
        "đ": "d",
        "Đ": "D",
    }
)


def slug_for(text: str, *, max_length: int = 200) -> str:
    """An ASCII slug: "Planista łańcucha dostaw" -> "planista-lancucha-dostaw"."""
    return slugify(text.translate(_SLUG_LETTERS))[:max_length].strip("-")


def posting_slug(title: str) -> str:
    """The slug of a posting's links, from its title."""
    return slug_for(title) or "job"
