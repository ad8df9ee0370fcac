"""Malformed input: every problem is reported as `guide/<file>:<line>: <field>: <message>`, exit 1, no traceback.

Each test starts from the small valid guide below (its own texts, so the expected line numbers can be read off
them), breaks one thing, runs the CLI and checks the exact report line, the error count and that dist/ is left alone.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from guidebuilder.content.models import UiStrings

from .conftest import run_cli

GUIDE = """\
title: Test Guide
subtitle: Malformed input cases
lead: A short lead paragraph.
slug: test-guide
publisher: Test Publisher
licence:
  name: CC BY 4.0
  url: https://creativecommons.org/licenses/by/4.0/
version: "1.0"
default_edition: en-US
sections:
  - intro
  - pay
  - local
"""

INTRO = """\
---
id: intro
title: Introduction
summary: What the work is.
blocks:
  - type: key_points
    items:
      - First point about {{ agency.name }}.
      - Second point.
  - type: callout
    text: Only in the United States.
    only_in: [US]
---
Officers at {{ agency.name }} check goods.

### What they do

- Inspect cargo
"""

PAY = """\
---
id: pay
title: Pay
summary: How pay works.
blocks:
  - type: facts
    topic: pay
  - type: table
    caption: Tools
    header: [Tool, Use]
    rows:
      - [Scanner, Looks inside bags]
      - [Database, Checks records]
  - type: checklist
    title: Before you apply
    items:
      - Read the posting.
      - Check the dates.
---
Pay differs by country.
"""

LOCAL = """\
---
id: local
title: Local notes
summary: Only for the United Kingdom.
only_in: [GB]
---
A section only the {{ country.name }} edition shows.
"""

US = """\
id: en-US
country: US
language: en
paper: half-letter
currency: USD
agency:
  name: Example Border Agency
  short: EBA
  url: https://www.example.gov/agency
  source: [s1]
officer:
  title: Border Officer
  source: [s1]
requirements:
  - text: Be a citizen.
    source: [s1]
pay:
  - label: Starting pay
    amount: 50000
    amount_max: 60000
    period: year
    as_of: 2025-06
    source: [s1]
apply:
  url: https://www.example.gov/apply
links:
  - title: Careers
    url: https://www.example.gov/careers
careers_url: https://www.example.gov/careers
sources:
  s1:
    url: https://www.example.gov/requirements
    title: Requirements page
    accessed: 2025-06-01
overrides:
  pay:
    summary: How pay works in the {{ country.name }} edition.
"""

GB = """\
id: en-GB
country: GB
language: en
paper: A5
currency: GBP
agency:
  name: Example Border Service
  url: https://www.example.gov.uk/service
  source: [g1]
officer:
  title: Border Service Officer
  grade: Executive Officer
  source: [g1]
apply:
  url: https://www.example.gov.uk/apply
links:
  - title: Vacancies
    url: https://www.example.gov.uk/vacancies
careers_url: https://www.example.gov.uk/careers
sources:
  g1:
    url: https://www.example.gov.uk/about
    title: About the service
pay_page:
  title: Pay rates
  url: https://www.example.gov.uk/pay
"""

# Generated from the model so that it stays complete (templates with their placeholders); line 1 is a comment,
# the keys start on line 2.
STRINGS = "# Interface strings.\n" + "".join(
    f"{name}: {name.replace('_', ' ')}\n"
    if name not in UiStrings.TEMPLATES
    else f'{name}: "{name.replace("_", " ")} {" ".join(f"{{{p}}}" for p in UiStrings.TEMPLATES[name])}"\n'
    for name in UiStrings.model_fields
)

BASE = {
    "guide.yaml": GUIDE,
    "sections/01-intro.md": INTRO,
    "sections/02-pay.md": PAY,
    "sections/03-local.md": LOCAL,
    "editions/en-US.yaml": US,
    "editions/en-GB.yaml": GB,
    "strings/en.yaml": STRINGS,
}


@pytest.fixture
def guide(project: Path) -> Path:
    """The project copy with its guide/ replaced by the texts above."""
    root = project / "guide"
    for rel in ("guide.yaml", "sections", "editions", "strings", "images"):
        path = root / rel
        if path.is_dir():
            for child in sorted(path.rglob("*"), reverse=True):
                child.rmdir() if child.is_dir() else child.unlink()
            path.rmdir()
        elif path.exists():
            path.unlink()
    for rel, text in BASE.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(text.encode("utf-8"))
    return root


def patch(guide: Path, rel: str, change: str | bytes | tuple[str, str]) -> None:
    """Write a file: whole text, raw bytes, or (old, new) replaced once in its base text."""
    if isinstance(change, tuple):
        old, new = change
        base = BASE[rel]
        assert base.count(old) == 1, f"{old!r} must occur once in {rel}"
        change = base.replace(old, new)
    data = change if isinstance(change, bytes) else change.encode("utf-8")
    (guide / rel).write_bytes(data)


def assert_reported(result, *expected: tuple[str, int, str, str], code: int = 1) -> None:
    """Exit code, no traceback, one `guide/<file>:<line>: <field>: <message...>` line per problem, and the count."""
    everything = result.output + result.stderr
    assert "Traceback" not in everything, everything
    assert result.exit_code == code, everything
    lines = result.stderr.splitlines()
    for path, line, field, message in expected:
        start = f"guide/{path}:{line}: " + (f"{field}: " if field else "") + message
        assert any(shown.startswith(start) for shown in lines), f"expected a line starting {start!r}:\n{result.stderr}"
    count = len(expected)
    assert lines[-1] == f"{count} error{'s' if count != 1 else ''} found", result.stderr


def test_base_guide_is_valid(runner, project: Path, guide: Path):
    result = run_cli(runner, "check", "-C", str(project))
    assert result.exit_code == 0, result.output
    assert "3 sections, 2 editions" in result.stdout


FIGURE = "    topic: pay\n", "    topic: pay\n  - type: figure\n    src: {}\n    alt: A picture.\n"
DEEP_FLOW = "id: en-GB\nnested: " + "[" * 60 + "]" * 60 + "\n"
DEEPER_THAN_PYTHON = "id: en-GB\nnested: " + "[" * 5000 + "]" * 5000 + "\n"
ALIAS_BOMB = "id: en-GB\na: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 10)}]\n" for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
)

# (file to change, change, then the expected report: file, line, field, start of the message)
CASES = [
    # -- file level: encoding, size, YAML syntax, front matter
    pytest.param(
        "editions/en-GB.yaml",
        ("paper: A5", "paper: A5: large"),
        "editions/en-GB.yaml", 4, "", "malformed YAML: mapping values are not allowed here",
        id="yaml-edition-malformed",
    ),
    pytest.param(
        "editions/en-GB.yaml",
        ("    title: About the service", "    title: [About the service"),
        "editions/en-GB.yaml", 23, "", "malformed YAML: while parsing a flow sequence",
        id="yaml-edition-unclosed-bracket-at-end",
    ),
    pytest.param(
        "editions/en-GB.yaml",
        GB + "---\nid: en-IE\n",
        "editions/en-GB.yaml", 27, "", "malformed YAML: expected a single document",
        id="yaml-two-documents",
    ),
    pytest.param(
        "sections/02-pay.md",
        ("title: Pay", "title: Pay: again"),
        "sections/02-pay.md", 3, "", "malformed YAML: mapping values are not allowed here",
        id="yaml-front-matter-malformed",
    ),
    pytest.param(
        "sections/02-pay.md",
        ("title: Pay", 'title: "Pay'),
        "sections/02-pay.md", 3, "", "malformed YAML: while scanning a quoted scalar",
        id="yaml-front-matter-unclosed-quote",
    ),
    pytest.param(
        "sections/02-pay.md",
        ("title: Pay", "? [a, b]\n: Pay"),
        "sections/02-pay.md", 3, "", "mapping keys must be plain text",
        id="yaml-front-matter-list-as-key",
    ),
    pytest.param(
        "sections/02-pay.md",
        ("title: Pay", "title: !!int abc"),
        "sections/02-pay.md", 3, "", "malformed YAML value",
        id="yaml-front-matter-bad-tag",
    ),
    pytest.param(
        "editions/en-GB.yaml",
        ("paper: A5\n", "paper: A5\npaper: A5\n"),
        "editions/en-GB.yaml", 5, "", "duplicate key 'paper'",
        id="yaml-duplicate-key",
    ),
    pytest.param(
        "editions/en-GB.yaml",
        "- en-GB\n- GB\n",
        "editions/en-GB.yaml", 1, "", "expected a mapping of fields",
        id="yaml-list-not-mapping",
    ),
    pytest.param(
        "editions/en-GB.yaml", DEEP_FLOW,
        "editions/en-GB.yaml", 2, "", "structure nested deeper than 40 levels",
        id="yaml-nested-60-levels",
    ),
    pytest.param(
        "editions/en-GB.yaml", DEEPER_THAN_PYTHON,
        "editions/en-GB.yaml", 1, "", "structure nested deeper than 40 levels",
        id="yaml-nested-5000-levels",
    ),
    pytest.param(
        "editions/en-GB.yaml", ALIAS_BOMB,
        "editions/en-GB.yaml", 1, "", "more than 100,000 values",
        id="yaml-alias-bomb",
    ),
    pytest.param(
        "sections/03-local.md",
        "---\nid: local\ntitle: Local notes\n",
        "sections/03-local.md", 1, "", "front matter is not closed by a '---' line",
        id="front-matter-not-closed",
    ),
    pytest.param(
        "sections/03-local.md",
        "id: local\n---\nText.\n",
        "sections/03-local.md", 1, "", "file must start with '---'",
        id="front-matter-missing",
    ),
    pytest.param(
        "editions/en-GB.yaml", "",
        "editions/en-GB.yaml", 1, "", "file is empty",
        id="empty-file",
    ),
    pytest.param(
        "sections/03-local.md", "\n  \n",
        "sections/03-local.md", 1, "", "file is empty",
        id="blank-file",
    ),
    pytest.param(
        "editions/en-GB.yaml",
        GB.encode().replace(b"Example Border Service", b"Caf\xe9 Border Service"),
        "editions/en-GB.yaml", 7, "", "not valid UTF-8",
        id="not-utf8",
    ),
    pytest.param(
        "editions/en-GB.yaml", b"\xef\xbb\xbf" + GB.encode(),
        "editions/en-GB.yaml", 1, "", "file starts with a byte-order mark",
        id="bom",
    ),
    pytest.param(
        "sections/02-pay.md", PAY.replace("Pay differs", "Pay\0 differs").encode(),
        "sections/02-pay.md", 20, "", "file contains a NUL character",
        id="nul-byte",
    ),
    pytest.param(
        "sections/02-pay.md", PAY + ("x" * 99 + "\n") * 10_001,
        "sections/02-pay.md", 1, "", "file is larger than 1,000,000 bytes",
        id="huge-file",
    ),
    # -- fields and types
    pytest.param(
        "sections/02-pay.md",
        ("title: Pay\n", "title: Pay\ncolour: red\n"),
        "sections/02-pay.md", 4, "colour", "unknown field",
        id="unknown-field-section",
    ),
    pytest.param(
        "sections/02-pay.md",
        ("    topic: pay\n", "    topic: pay\n    colour: red\n"),
        "sections/02-pay.md", 8, "blocks.0.colour", "unknown field",
        id="unknown-field-block",
    ),
    pytest.param(
        "sections/03-local.md",
        ("only_in: [GB]\n", "only_in: [GB]\nbody: Hidden text.\n"),
        "sections/03-local.md", 6, "body", "unknown field: the body is the text after the front matter",
        id="body-in-front-matter",
    ),
    pytest.param(
        "sections/03-local.md",
        ("only_in: [GB]\n", "only_in: [GB]\nyes: true\n"),
        "sections/03-local.md", 6, "yes", "unknown field",
        id="unknown-field-yes",
    ),
    pytest.param(
        "sections/02-pay.md",
        ("summary: How pay works.\n", ""),
        "sections/02-pay.md", 2, "summary", "field required",
        id="missing-summary",
    ),
    pytest.param(
        "editions/en-GB.yaml",
        (GB[GB.index("sources:") :], ""),
        "editions/en-GB.yaml", 1, "sources", "field required",
        id="missing-sources",
    ),
    pytest.param(
        "sections/02-pay.md",
        ("    items:\n      - Read the posting.\n      - Check the dates.\n", "    items: Read the posting.\n"),
        "sections/02-pay.md", 16, "blocks.2.items", "must be a list",
        id="items-is-text",
    ),
    pytest.param(
        "editions/en-US.yaml",
        ("amount: 50000", "amount: fifty thousand"),
        "editions/en-US.yaml", 19, "pay.0.amount", "input should be a valid decimal",
        id="amount-is-text",
    ),
    pytest.param(
        "editions/en-US.yaml",
        ("amount: 50000", "amount: -5"),
        "editions/en-US.yaml", 19, "pay.0.amount", "input should be greater than or equal to 0",
        id="amount-negative",
    ),
    pytest.param(
        "editions/en-US.yaml",
        ("amount_max: 60000", "amount_max: 40000"),
        "editions/en-US.yaml", 20, "pay.0.amount_max", "amount_max is below amount",
        id="amount-max-below-amount",
    ),
    pytest.param(
        "editions/en-GB.yaml",
        ("  url: https://www.example.gov.uk/service", "  url: www.example.gov.uk/service"),
        "editions/en-GB.yaml", 8, "agency.url", "'www.example.gov.uk/service' is not an absolute http(s) URL",
        id="url-not-absolute",
    ),
    pytest.param(
        "editions/en-US.yaml",
        ("as_of: 2025-06", "as_of: 2024-13-01"),
        "editions/en-US.yaml", 22, "pay.0.as_of", "'2024-13-01' is not a valid date",
        id="as-of-invalid",
    ),
    pytest.param(
        "editions/en-US.yaml",
        ("as_of: 2025-06", "as_of: 2099-01"),
        "editions/en-US.yaml", 22, "pay.0.as_of", "2099-01 lies in the future",
        id="as-of-future",
    ),
    pytest.param(
        "editions/en-US.yaml",
        ("accessed: 2025-06-01", "accessed: 2025-02-30"),
        "editions/en-US.yaml", 34, "sources.s1.accessed", "'2025-02-30' is not a date of the form YYYY-MM-DD",
        id="accessed-invalid",
    ),
    pytest.param(
        "editions/en-GB.yaml",
        ("currency: GBP", "currency: XYZ"),
        "editions/en-GB.yaml", 5, "currency", "'XYZ' is not an ISO 4217 currency code",
        id="currency-unknown",
    ),
    pytest.param(
        "editions/en-GB.yaml",
        ("country: GB", "country: UK"),
        "editions/en-GB.yaml", 2, "country", "'UK' is not an ISO 3166-1 alpha-2 country code",
        id="country-unknown",
    ),
    pytest.param(
        "editions/en-GB.yaml",
        ("id: en-GB", "id: english"),
        "editions/en-GB.yaml", 1, "id", "'english' is not a BCP 47 tag",
        id="edition-id-not-bcp47",
    ),
    pytest.param(
        "editions/en-GB.yaml",
        ("id: en-GB\ncountry: GB", "id: en-IE\ncountry: IE"),
        "editions/en-GB.yaml", 1, "id", "edition 'en-IE' must be in a file named en-IE.yaml",
        id="edition-file-name",
    ),
    pytest.param(
        "editions/en-GB.yaml",
        ("country: GB", "country: IE"),
        "editions/en-GB.yaml", 1, "id", "id 'en-GB' does not match language 'en' and country 'IE'",
        id="edition-id-country-mismatch",
    ),
    # -- blocks
    pytest.param(
        "sections/02-pay.md",
        ("  - type: facts\n    topic: pay", "  - type: video\n    topic: pay"),
        "sections/02-pay.md", 6, "blocks.0", "unknown block type; expected one of",
        id="block-type-unknown",
    ),
    pytest.param(
        "sections/02-pay.md",
        ("  - type: facts\n    topic: pay", "  - topic: pay"),
        "sections/02-pay.md", 6, "blocks.0", "block has no 'type'",
        id="block-without-type",
    ),
    pytest.param(
        "sections/02-pay.md",
        ("      - [Database, Checks records]", "      - [Database]"),
        "sections/02-pay.md", 13, "blocks.1.rows.1", "row 2 has 1 cells, the header has 2",
        id="table-row-cells",
    ),
    pytest.param(
        "sections/02-pay.md",
        (FIGURE[0], FIGURE[1].format("images/none.png")),
        "sections/02-pay.md", 9, "blocks.1.src", "image 'images/none.png' not found",
        id="figure-missing",
    ),
    pytest.param(
        "sections/02-pay.md",
        (FIGURE[0], FIGURE[1].format("../../etc/passwd")),
        "sections/02-pay.md", 9, "blocks.1.src", "'../../etc/passwd' lies outside the guide folder",
        id="figure-outside-guide",
    ),
    pytest.param(
        "editions/en-US.yaml",
        US + "    blocks:\n      - type: figure\n        src: ../../etc/passwd\n        alt: A picture.\n",
        "editions/en-US.yaml", 40, "overrides.pay.blocks.0.src", "'../../etc/passwd' lies outside the guide folder",
        id="figure-outside-guide-in-override",
    ),
    # -- rules across files
    pytest.param(
        "sections/03-local.md",
        ("id: local", "id: pay"),
        "sections/03-local.md", 2, "id", "duplicate section id 'pay' (also in guide/sections/02-pay.md)",
        id="section-id-duplicate",
    ),
    pytest.param(
        "guide.yaml",
        ("  - local\n", "  - local\n  - extra\n"),
        "guide.yaml", 15, "sections.3", "no section with id 'extra' in sections/",
        id="order-names-missing-section",
    ),
    pytest.param(
        "guide.yaml",
        ("  - local\n", "  - local\n  - pay\n"),
        "guide.yaml", 15, "sections.3", "section 'pay' is listed twice",
        id="order-repeats-section",
    ),
    pytest.param(
        "guide.yaml",
        ("  - local\n", ""),
        "sections/03-local.md", 2, "id", "section 'local' is not listed in guide.yaml sections",
        id="section-not-in-order",
    ),
    pytest.param(
        "guide.yaml",
        ("default_edition: en-US", "default_edition: en-CA"),
        "guide.yaml", 10, "default_edition", "no edition 'en-CA'",
        id="default-edition-unknown",
    ),
    pytest.param(
        "sections/01-intro.md",
        ("only_in: [US]", "only_in: [US, CA]"),
        "sections/01-intro.md", 12, "blocks.1.only_in.1", "'CA' is neither an edition nor a country of an edition",
        id="only-in-unknown-country",
    ),
    pytest.param(
        "sections/03-local.md",
        ("only_in: [GB]", "not_in: [en-CA]"),
        "sections/03-local.md", 5, "not_in.0", "'en-CA' is neither an edition nor a country of an edition",
        id="not-in-unknown-edition",
    ),
    pytest.param(
        "editions/en-US.yaml",
        US + "    blocks:\n      - type: callout\n        text: Hello.\n        only_in: [USA]\n",
        "editions/en-US.yaml", 41, "overrides.pay.blocks.0.only_in.0", "'USA' is neither an edition nor a country",
        id="only-in-unknown-in-override",
    ),
    pytest.param(
        "editions/en-US.yaml",
        ("  - text: Be a citizen.\n    source: [s1]", "  - text: Be a citizen.\n    source: [s1, s9]"),
        "editions/en-US.yaml", 16, "requirements.0.source.1", "unknown source 's9'; define it under 'sources'",
        id="fact-source-unknown",
    ),
    pytest.param(
        "editions/en-US.yaml",
        ("  pay:\n    summary:", "  payment:\n    summary:"),
        "editions/en-US.yaml", 36, "overrides.payment", "no section with id 'payment'",
        id="override-section-unknown",
    ),
    pytest.param(
        "strings/en.yaml",
        ("notes: notes\n", ""),
        "strings/en.yaml", 2, "notes", "field required",
        id="strings-key-missing",
    ),
    # -- text: placeholders, template syntax, Markdown subset
    pytest.param(
        "sections/01-intro.md",
        ("- Inspect cargo", "- Inspect {{ agency.nope }}"),
        "sections/01-intro.md", 18, "body", "placeholder '{{ agency.nope }}' has no value in this edition",
        id="placeholder-unknown",
    ),
    pytest.param(
        "sections/02-pay.md",
        ("Pay differs by country.", "Pay differs by country.\n\nEntry grade: {{ officer.grade }}."),
        "sections/02-pay.md", 22, "body",
        "placeholder '{{ officer.grade }}' has no value in this edition (edition en-US)",
        id="placeholder-missing-in-one-edition",
    ),
    pytest.param(
        "editions/en-US.yaml",
        ("the {{ country.name }} edition", "the {{ agency.nope }} edition"),
        "editions/en-US.yaml", 37, "overrides.pay.summary", "placeholder '{{ agency.nope }}' has no value",
        id="placeholder-unknown-in-override",
    ),
    pytest.param(
        "sections/02-pay.md",
        ("Pay differs by country.", "Pay differs by country.\n{% for x in y %}{{ x }}{% endfor %}"),
        "sections/02-pay.md", 21, "body", "only simple placeholders like '{{ agency.name }}' are allowed",
        id="template-for-loop",
    ),
    pytest.param(
        "sections/02-pay.md",
        ("summary: How pay works.", "summary: \"{{ ''.__class__ }}\""),
        "sections/02-pay.md", 4, "summary", "only simple placeholders like '{{ agency.name }}' are allowed",
        id="template-expression-summary",
    ),
    pytest.param(
        "sections/02-pay.md",
        ("      - Check the dates.", "      - Check {{ 7 * 7 }} dates."),
        "sections/02-pay.md", 18, "blocks.2.items.1", "only simple placeholders like '{{ agency.name }}' are allowed",
        id="template-expression-block-item",
    ),
    pytest.param(
        "editions/en-GB.yaml",
        ("pay_page:\n  title: Pay rates\n  url: https://www.example.gov.uk/pay\n", ""),
        "editions/en-GB.yaml", 1, "pay_page",
        "no pay figure: give pay_page (title, url), the official page with the current rates, for the reader",
        id="no-pay-and-no-pay-page",
    ),
    pytest.param(
        "sections/02-pay.md",
        ("Pay differs by country.", "Pay differs by country.\n\n<div>boxed</div>"),
        "sections/02-pay.md", 22, "body", "raw HTML is not allowed in content",
        id="html-block",
    ),
    pytest.param(
        "sections/02-pay.md",
        ("Pay differs by country.", "Pay <b>differs</b> by country."),
        "sections/02-pay.md", 20, "body", "raw HTML is not allowed in content",
        id="html-inline",
    ),
    pytest.param(
        "sections/02-pay.md",
        ("Pay differs by country.", "Pay differs by country.\n\n![A map](map.png)"),
        "sections/02-pay.md", 22, "body", "images are not allowed in text; use a 'figure' block",
        id="markdown-image",
    ),
    pytest.param(
        "sections/02-pay.md",
        ("Pay differs by country.", "Pay differs by country.\n\n## Pay scales"),
        "sections/02-pay.md", 22, "body", "only '###' sub-headings are allowed",
        id="markdown-heading-2",
    ),
    pytest.param(
        "sections/01-intro.md",
        ("### What they do", "# What they do"),
        "sections/01-intro.md", 16, "body", "only '###' sub-headings are allowed",
        id="markdown-heading-1",
    ),
    # -- dates of sources
    pytest.param(
        "editions/en-US.yaml",
        ("    accessed: 2025-06-01\n", "    published: 2025-06\n    undated: The page shows no date.\n"),
        "editions/en-US.yaml", 35, "sources.s1.undated", "a source is either published (dated) or undated, not both",
        id="source-published-and-undated",
    ),
    pytest.param(
        "editions/en-US.yaml",
        ("    accessed: 2025-06-01\n", "    undated: ''\n"),
        "editions/en-US.yaml", 34, "sources.s1.undated", "must not be empty",
        id="source-undated-without-reason",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("rel", "change", "path", "line", "field", "message"), CASES)
def test_check_reports(runner, project: Path, guide: Path, rel, change, path, line, field, message):
    patch(guide, rel, change)
    result = run_cli(runner, "check", "-C", str(project))
    assert_reported(result, (path, line, field, message))
    assert not (project / "dist").exists()


def test_section_path_that_is_a_folder(runner, project: Path, guide: Path):
    (guide / "sections" / "04-extra.md").mkdir()
    result = run_cli(runner, "check", "-C", str(project))
    assert_reported(result, ("sections/04-extra.md", 1, "", "not a regular file but a folder"))


def test_missing_strings_file(runner, project: Path, guide: Path):
    (guide / "strings" / "en.yaml").unlink()
    result = run_cli(runner, "check", "-C", str(project))
    assert_reported(
        result,
        ("editions/en-GB.yaml", 3, "language", "no interface strings for 'en'"),
        ("editions/en-US.yaml", 3, "language", "no interface strings for 'en'"),
    )


def test_errors_in_three_files_reported_together(runner, project: Path, guide: Path):
    patch(guide, "guide.yaml", ("default_edition: en-US", "default_edition: en-CA"))
    patch(guide, "sections/02-pay.md", ("    topic: pay\n", "    topic: pay\n    colour: red\n"))
    patch(guide, "editions/en-US.yaml", ("amount_max: 60000", "amount_max: 40000"))
    result = run_cli(runner, "check", "-C", str(project))
    assert_reported(
        result,
        ("guide.yaml", 10, "default_edition", "no edition 'en-CA'"),
        ("sections/02-pay.md", 8, "blocks.0.colour", "unknown field"),
        ("editions/en-US.yaml", 20, "pay.0.amount_max", "amount_max is below amount"),
    )


def test_broken_file_does_not_cause_false_errors_elsewhere(runner, project: Path, guide: Path):
    # pay (overridden by en-US) and en-GB (named by only_in) fail to load: nothing else must be blamed for it
    patch(guide, "sections/02-pay.md", ("title: Pay", "title: [Pay"))
    patch(guide, "editions/en-GB.yaml", ("paper: A5", "paper: A5: large"))
    result = run_cli(runner, "check", "-C", str(project))
    assert_reported(
        result,
        ("sections/02-pay.md", 3, "", "malformed YAML"),
        ("editions/en-GB.yaml", 4, "", "malformed YAML"),
    )


@pytest.fixture
def dist(project: Path) -> tuple[Path, bytes, int]:
    """An existing output that a failed build must leave alone."""
    old = project / "dist" / "en-US" / "test-guide-en-US.html"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"<p>an earlier build</p>")
    os.utime(old, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    return old, old.read_bytes(), old.stat().st_mtime_ns


def assert_dist_unchanged(project: Path, dist: tuple[Path, bytes, int]) -> None:
    old, data, mtime = dist
    assert sorted(p.relative_to(project) for p in (project / "dist").rglob("*")) == [
        Path("dist/en-US"),
        Path("dist/en-US/test-guide-en-US.html"),
    ]
    assert old.read_bytes() == data
    assert old.stat().st_mtime_ns == mtime


def test_build_content_error_leaves_dist_alone(runner, project: Path, guide: Path, dist):
    patch(guide, "sections/02-pay.md", ("Pay differs by country.", "Pay <b>differs</b> by country."))
    result = run_cli(runner, "build", "en-US", "--format", "html", "-C", str(project))
    assert_reported(result, ("sections/02-pay.md", 20, "body", "raw HTML is not allowed in content"))
    assert_dist_unchanged(project, dist)


def test_build_error_in_other_edition_stops_every_build(runner, project: Path, guide: Path, dist):
    patch(guide, "sections/03-local.md", ("edition shows.", "edition shows {{ officer.nope }}."))
    result = run_cli(runner, "build", "en-US", "--format", "html", "-C", str(project))
    assert_reported(result, ("sections/03-local.md", 7, "body", "placeholder '{{ officer.nope }}' has no value"))
    assert "(edition en-GB)" in result.stderr
    assert_dist_unchanged(project, dist)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("build", "fr-FR"), "error: unknown edition 'fr-FR'; known editions: en-GB, en-US"),
        (("build", "--country", "FR"), "error: no edition for country 'FR'; known countries: GB, US"),
        (("build", "en-US", "--format", "docx"), "error: unknown format 'docx'; known formats:"),
    ],
    ids=["unknown-edition", "unknown-country", "unknown-format"],
)
def test_build_usage_errors_exit_2(runner, project: Path, guide: Path, dist, args, message):
    result = run_cli(runner, *args, "-C", str(project))
    everything = result.output + result.stderr
    assert "Traceback" not in everything
    assert result.exit_code == 2, everything
    assert result.stderr.startswith(message), result.stderr
    assert_dist_unchanged(project, dist)
