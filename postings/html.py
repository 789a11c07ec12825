"""The safe HTML subset of posting text."""

import re
from html import escape

import nh3

ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "strong", "b", "em", "i", "a", "h3", "h4"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
# Text with one of these was written as HTML; without, its line breaks are all its structure.
_BLOCK_TAG = re.compile(r"<(p|br|ul|ol|li|h[1-6]|div|table)\b", re.IGNORECASE)
_BULLET = re.compile(r"^\s*[-•]\s+")
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*?(/?)>")
# Elements that never stay open: void, or closed by the next of their kind ("<li>a<li>b").
_NEVER_NESTED = {"br", "hr", "img", "input", "meta", "link", "wbr", "p", "li"}
# The HTML parser's cost at each tag grows with the elements open around it: text nested deeper
# than this (no posting is) is shown as text, so that cleaning stays linear in its length.
MAX_DEPTH = 1000


# Built once: nh3.clean() builds the same cleaner from these sets on every call, which costs
# three times what cleaning a paragraph does.
_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes={"http", "https", "mailto"},
    link_rel="nofollow noopener noreferrer",
)


def _structured(text: str) -> str:
    """Plain text as HTML: a blank line starts a paragraph, "- " or "• " starts a list item.
    Nothing is escaped here: the cleaner escapes what is not an allowed tag."""
    blocks = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip()):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        paragraph: list[str] = []
        items: list[str] = []
        for line in lines:
            if _BULLET.match(line):
                if paragraph:
                    blocks.append("<p>" + "<br>".join(paragraph) + "</p>")
                    paragraph = []
                items.append("<li>" + _BULLET.sub("", line) + "</li>")
            else:
                if items:
                    blocks.append("<ul>" + "".join(items) + "</ul>")
                    items = []
                paragraph.append(line)
        if paragraph:
            blocks.append("<p>" + "<br>".join(paragraph) + "</p>")
        if items:
            blocks.append("<ul>" + "".join(items) + "</ul>")
    return "".join(blocks)


def _depth(html: str) -> int:
    """At least the deepest nesting the parser will reach: a closing tag closes at least its
    own element; one that closes nothing is not counted."""
    open_tags: dict[str, int] = {}
    depth = deepest = 0
    for match in _TAG.finditer(html):
        closing, name, self_closing = match[1], match[2].lower(), match[3]
        if closing:
            if open_tags.get(name):
                open_tags[name] -= 1
                depth -= 1
        elif not self_closing and name not in _NEVER_NESTED:
            open_tags[name] = open_tags.get(name, 0) + 1
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def sanitize(html: str) -> str:
    """Keep the allowlisted tags; links get rel="nofollow noopener" and only web or mail schemes.
    Every write path (import, panel, API) and every page goes through here, so text written
    without HTML is given its paragraphs and lists in one place."""
    if _depth(html) > MAX_DEPTH:
        html = escape(html, quote=False)
    if html and not _BLOCK_TAG.search(html):
        html = _structured(html)
    return _CLEANER.clean(html).strip()
