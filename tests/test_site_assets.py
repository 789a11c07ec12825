"""The public site's own CSS and JavaScript: small, and ready for a right-to-left language."""

import gzip
import re
from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent / "static"
CSS = STATIC / "css" / "site.css"
SCRIPTS = sorted((STATIC / "js").glob("*.js"))


def test_it_keeps_the_site_within_its_budget_compressed():
    assert len(gzip.compress(CSS.read_bytes(), 9)) <= 20_000
    assert sum(len(gzip.compress(script.read_bytes(), 9)) for script in SCRIPTS) <= 15_000


def test_it_writes_the_stylesheet_in_logical_properties_only():
    physical = re.findall(
        r"(?:margin|padding|border)-(?:left|right|top|bottom)\b|"
        r"(?<![-\w])(?:left|right|top|bottom)\s*:|text-align:\s*(?:left|right)|float:\s*(?:left|right)",
        CSS.read_text(),
    )
    assert physical == []


def test_it_loads_no_script_or_style_from_another_site():
    for path in [CSS, *SCRIPTS]:
        assert "//" not in re.sub(r"^\s*//.*$|/\*.*?\*/", "", path.read_text(), flags=re.M | re.S)
