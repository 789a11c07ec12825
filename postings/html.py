"""The safe HTML subset of posting text."""

import re
from html import escape

import nh3

ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "strong", "b", "em", "i", "a", "h3", "h4"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
# Text with one of these was written as HTML; without, its line breaks are all its structure.
_BLOCK_TAG = re.compile(r"<(p|br|ul|ol|li|h[1-6]|div|table)\b", re.IGNORECASE)
_BULLET = re.compile(r"^\s*[-•]\s+")
# The start of a comment, a bogus comment ("<!x", "<?x") or a tag, as the HTML parser reads them.
_MARKUP = re.compile(r"<(?:(!--)|(!\[CDATA\[)|([!?])|(/?)([a-zA-Z][a-zA-Z0-9]*))")
# The rest of a tag: quoted values hide a ">" or a "</ul>"; possessive, so never quadratic.
_TAG_REST = re.compile(r"""(?:[^>"'=]++|=\s*+(?:"[^"]*+"|'[^']*+'|[^\s>"']*+)|["'])*+>""")
# Elements that never stay open: void, or closed by the next of their kind ("<li>a<li>b").
_NEVER_NESTED = {"br", "hr", "img", "input", "meta", "link", "wbr", "area", "col", "p", "li"}
# Their text is not markup: a "</ul>" in it closes nothing.
_RAW_TEXT = {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes"}
_FOREIGN = {"svg", "math"}
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
    """At least the deepest nesting the parser will reach, in one pass: a closing tag counts only
    when it closes the element opened last, and what the parser reads as text or comment (quoted
    values, comments, the text of <script>) is skipped as it skips it."""
    lowered = html.lower()
    stack: list[str] = []
    foreign = 0  # <svg> and <math> open, where <![CDATA[ starts text
    deepest = 0
    position = 0
    while match := _MARKUP.search(html, position):
        comment, cdata, bogus, closing, name = match.groups()
        position = match.end()
        if comment or (cdata and foreign):
            ending = "-->" if comment else "]]>"
            found = html.find(ending, position)
            position = len(html) if found < 0 else found + len(ending)
            continue
        if cdata or bogus:
            found = html.find(">", position)
            position = len(html) if found < 0 else found + 1
            continue
        rest = _TAG_REST.match(html, position)
        if rest is None:
            break  # a tag the text ends in: the parser drops it and all after
        position = rest.end()
        name = name.lower()
        if closing:
            if stack and stack[-1] == name:
                foreign -= stack.pop() in _FOREIGN
        elif name == "plaintext":
            break  # all that follows is text
        elif name in _RAW_TEXT:
            found = lowered.find(f"</{name}", position)
            position = len(html) if found < 0 else found
        elif name not in _NEVER_NESTED:
            stack.append(name)
            foreign += name in _FOREIGN
            deepest = max(deepest, len(stack))
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
