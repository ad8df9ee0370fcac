"""Content text: placeholders filled from edition data, then a small Markdown subset to HTML."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup

PLACEHOLDER = re.compile(r"\{\{\s*(?P<name>[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)*)\s*\}\}")
TEMPLATE_SYNTAX = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")

QUOTES = {"en": "“”‘’", "fr": ["«\u00a0", "\u00a0»", "‹\u00a0", "\u00a0›"], "de": "„“‚‘"}


class TextError(ValueError):
    """A problem in content text; line is counted from the text's first line (0-based)."""

    def __init__(self, message: str, line: int = 0):
        super().__init__(message)
        self.line = line


def fill(text: str, context: Mapping[str, Any]) -> str:
    """Replace {{ name.path }} placeholders with edition data; anything else template-like is an error."""

    def value(match: re.Match[str]) -> str:
        found: Any = context
        for part in match["name"].split("."):
            if not isinstance(found, Mapping) or found.get(part) in (None, ""):
                line = text.count("\n", 0, match.start())
                raise TextError(f"placeholder '{{{{ {match['name']} }}}}' has no value in this edition", line)
            found = found[part]
        return str(found)

    stray = TEMPLATE_SYNTAX.search(PLACEHOLDER.sub("", text))
    if stray:
        line = _line_of_stray(text)
        raise TextError(
            "only simple placeholders like '{{ agency.name }}' are allowed; "
            f"found template syntax '{stray.group()}'",
            line,
        )
    return PLACEHOLDER.sub(value, text)


def _line_of_stray(text: str) -> int:
    for number, line in enumerate(text.split("\n")):
        if TEMPLATE_SYNTAX.search(PLACEHOLDER.sub("", line)):
            return number
    return 0


@lru_cache(maxsize=8)
def _markdown(language: str) -> Any:
    from markdown_it import MarkdownIt

    options = {"html": True, "xhtmlOut": True, "typographer": True, "quotes": QUOTES.get(language, QUOTES["en"])}
    md = MarkdownIt("commonmark", options).enable(["replacements", "smartquotes"])
    md.validateLink = lambda url: True  # markdown-it silently drops file:, javascript:, ...; report them instead
    return md


def _link_allowed(href: str) -> bool:
    """Only absolute http(s) and mailto: links: a relative link would become a file link in the PDF."""
    try:
        parts = urlsplit(href)
        host = parts.hostname
    except ValueError:
        return False
    if parts.scheme in ("http", "https"):
        return bool(host)
    return parts.scheme == "mailto" and bool(parts.path)


def _check_tokens(tokens: list[Any]) -> None:
    """Reject what the Markdown subset leaves out: raw HTML, images, big headings, links other than http(s)."""
    for token in tokens:
        line = token.map[0] if token.map else 0
        if token.type in ("html_block", "html_inline"):
            raise TextError("raw HTML is not allowed in content; use Markdown", line)
        if token.type == "image":
            raise TextError("images are not allowed in text; use a 'figure' block", line)
        if token.type == "link_open" and not _link_allowed(str(token.attrs.get("href", ""))):
            raise TextError(
                f"link '{token.attrs.get('href', '')}' is not allowed; use an http://, https:// or mailto: address",
                line,
            )
        if token.type == "heading_open" and token.tag in ("h1", "h2"):
            raise TextError("only '###' sub-headings are allowed in a section body", line)
        if token.children:
            try:
                _check_tokens(token.children)
            except TextError as exc:
                raise TextError(str(exc), line) from None


def markdown_block(text: str, language: str) -> Markup:
    """Render a section body (block Markdown) to HTML."""
    return _rendered(text, language, block=True)


def markdown_inline(text: str, language: str) -> Markup:
    """Render one line of inline Markdown to HTML."""
    return _rendered(text, language, block=False)


@lru_cache(maxsize=8192)
def _rendered(text: str, language: str, block: bool) -> Markup:
    """Markdown to HTML, once per text and language: the editions of a language share most of their text."""
    md = _markdown(language)
    tokens = md.parse(text) if block else md.parseInline(text)
    _check_tokens(tokens)
    return Markup(md.renderer.render(tokens, md.options, {}))


@lru_cache(maxsize=4096)
def smarten(text: str, language: str) -> str:
    """Plain text (a title, alt text) with the typographer's quotes, apostrophes and dashes; no Markdown."""
    children = _markdown(language).parseInline(text)[0].children or []
    kept = {"text": None, "code_inline": None, "html_inline": None, "softbreak": "\n", "hardbreak": "\n"}
    return "".join(t.content if kept.get(t.type, "") is None else kept.get(t.type, "") for t in children)
