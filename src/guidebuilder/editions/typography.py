"""Typography per locale on resolved text: no-break spaces, number spacing from CLDR, en dashes in ranges."""

from __future__ import annotations

import re
from functools import lru_cache

from markupsafe import Markup

NBSP, NNBSP = "\u00a0", "\u202f"

# Space before high punctuation. France (Imprimerie nationale): a narrow no-break space before ; ! ?
# and a no-break space before the colon. Quebec (Office québécois de la langue française, Banque de
# dépannage linguistique, « Espacement avant et après les signes de ponctuation »): a no-break space
# before the colon only, none before ; ! ?. A language missing here leaves the punctuation alone.
PUNCTUATION_SPACE = {
    "fr": {":": NBSP, ";": NNBSP, "!": NNBSP, "?": NNBSP},
    "fr-CA": {":": NBSP, ";": "", "!": "", "?": ""},
}
# Guillemets hold their text with no-break spaces in French (both conventions).
GUILLEMETS = {"fr"}

# Every pattern here runs over body text of any length: each attempt must stop at the next place another
# attempt can start (a tag at the next '<', an address at the next '@'), or a long run without spaces
# costs quadratic time (tests/test_slow_inputs.py).
TAG = re.compile(r"(<[^<>]*>)")  # markdown-it writes a '<' of the text as &lt;: every '<' left opens a tag
# Left alone: URLs, e-mail addresses and HTML character references.
URL = re.compile(r"((?:https?://|mailto:|www\.)\S+|(?<![^\s@])[^\s@]+@[^\s@]+\.\w+|&#?\w+;)")
RANGE = re.compile(r"(?<![\d/.:\-–])(\d+)\s?-\s?(\d+)(?![\d\-–/])")
SPACE = "[ \u00a0\u202f]"
# A slash between letters (Zollbeamtin/Zollbeamter) is a place a line may break: browsers do not break there.
SLASH = re.compile(r"(?<=[^\W\d_])/(?=[^\W\d_])")
WBR = "/<wbr/>"  # void in HTML, well-formed in the EPUB's XHTML
CANDIDATE = re.compile(r"[\d:;!?«»]")  # text without any of these has nothing to set


@lru_cache(maxsize=16)
def _rules(tag: str) -> tuple[tuple[re.Pattern[str], str], ...]:
    """The substitutions of one locale: CLDR's number spacing, then punctuation and guillemets."""
    from babel.numbers import get_group_symbol

    from .locale import babel_locale

    locale = babel_locale(tag)
    language = tag.split("-")[0]
    rules: list[tuple[re.Pattern[str], str]] = [(RANGE, "\\1\u2013\\2")]
    group = get_group_symbol(locale)
    if group.isspace():
        rules.append((re.compile(r"(?<![\d.,])(\d{1,3})" + SPACE + r"(?=\d{3}(?!\d))"), "\\1" + group))
    percent = locale.percent_formats[None].pattern
    between = percent[percent.rindex("0") + 1 : percent.index("%")] if percent.index("%") > 0 else ""
    rules.append((re.compile(r"(\d)" + SPACE + "?%"), "\\1" + between + "%"))
    currency = locale.currency_formats["standard"].pattern
    if currency.rstrip().endswith("¤") and currency[-2:-1].isspace():
        rules.append((re.compile(r"(\d)" + SPACE + r"?([$€£¥])"), "\\1" + currency[-2] + "\\2"))
    if language in GUILLEMETS:
        rules += [(re.compile("«" + SPACE + "*"), "«" + NBSP), (re.compile(f"(?<!{SPACE}){SPACE}*»"), NBSP + "»")]
    spaces = PUNCTUATION_SPACE.get(tag, PUNCTUATION_SPACE.get(language, {}))
    for mark, space in spaces.items():
        # after a word, a closing quote or bracket, or an interface string's field ("{label} : {text}")
        rules.append((re.compile(r"(?<=[\w»)’”}])" + SPACE + "*" + re.escape(mark) + r"(?=\s|$|[»)<])"), space + mark))
    return tuple(rules)


@lru_cache(maxsize=8192)
def _plain(text: str, tag: str) -> str:
    if not CANDIDATE.search(text):
        return text
    pieces = URL.split(text)
    for index in range(0, len(pieces), 2):
        for pattern, replacement in _rules(tag):
            pieces[index] = pattern.sub(replacement, pieces[index])
    return "".join(pieces)


def typeset(text: str, tag: str) -> str:
    """Plain text with the locale's typography (URLs untouched)."""
    return _plain(text, tag)


def typeset_html(html: Markup, tag: str) -> Markup:
    """HTML with the locale's typography in its text, never in tags, attributes or URLs; a line may break after a
    slash between two words."""
    parts = TAG.split(str(html))
    for index in range(0, len(parts), 2):
        parts[index] = _slash_breaks(_plain(parts[index], tag))
    return Markup("".join(parts))


def slash_breaks(html: Markup) -> Markup:
    """HTML in which a line may break after a slash between two words (not in tags, attributes or URLs)."""
    parts = TAG.split(str(html))
    return Markup("".join(_slash_breaks(part) if index % 2 == 0 else part for index, part in enumerate(parts)))


def _slash_breaks(text: str) -> str:
    if "/" not in text:
        return text
    pieces = URL.split(text)
    return "".join(SLASH.sub(WBR, piece) if index % 2 == 0 else piece for index, piece in enumerate(pieces))
