"""Hostile input: figures that reach outside the guide, unsafe SVG, links and HTML in text, paths on the command line.

Each case starts from the small valid guide of test_errors, adds one hostile thing and checks the exit code, the
`guide/<file>:<line>: <field>: <message>` line where there is one, that there is no traceback and that dist/ is
left alone. Cases test_errors already covers (`../../etc/passwd` as a figure, `{{ ''.__class__ }}` in a summary,
`<div>` and `<b>` in a body) are not repeated.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import subprocess
import sys
import time
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from guidebuilder.errors import BuildError
from guidebuilder.pipeline import outputs
from guidebuilder.pipeline.build import build
from guidebuilder.project import Project

from . import test_errors
from .conftest import FIXED_EPOCH, REPO, run_cli
from .test_errors import US, assert_dist_unchanged, assert_reported, patch

guide = test_errors.guide
dist = test_errors.dist

FIGURE_AT = "    topic: pay\n"
FIGURE_LINE = 9
BODY = "Pay differs by country."


def figure(guide: Path, src: str, alt: str = "A picture.") -> None:
    """Add a figure block with this src (a YAML scalar, quoted as needed) to the pay section."""
    patch(guide, "sections/02-pay.md", (FIGURE_AT, f"{FIGURE_AT}  - type: figure\n    src: {src}\n    alt: {alt}\n"))


def svg(inner: str = "", attrs: str = "", head: str = "") -> str:
    """An SVG document with the SVG and XLink namespaces declared."""
    return (
        f'{head}<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'viewBox="0 0 10 10"{attrs}>{inner}</svg>\n'
    )


def raster(kind: str, size: tuple[int, int] = (4, 3), mode: str = "RGB") -> bytes:
    """A small real image in a Pillow format."""
    buffer = BytesIO()
    Image.new(mode, size, 0).save(buffer, kind)
    return buffer.getvalue()


def check(runner, project: Path):  # noqa: ANN201
    """Run `guidebuilder check` on the project."""
    return run_cli(runner, "check", "-C", str(project))


XXE = '<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE svg [\n<!ENTITY lol0 "lol">\n'
    + "".join(f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10}">\n' for n in range(1, 10))
    + "]>\n"
)
PUBLIC_DTD = '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
DTD_MESSAGE = "has a <!DOCTYPE>; DTDs and entities (<!DOCTYPE, <!ENTITY) are not allowed"

SVG_CASES = [
    pytest.param(svg('<use xlink:href="file:///etc/passwd#x"/>'),
                 "refers to 'file:///etc/passwd#x' in <use href>; only references inside the SVG ('#id')",
                 id="xlink-href-file"),
    pytest.param(svg('<use href="http://example.invalid/sprite.svg#icon"/>'),
                 "refers to 'http://example.invalid/sprite.svg#icon' in <use href>", id="use-href-http"),
    pytest.param(svg('<a href="https://example.invalid/"><rect width="5" height="5"/></a>'),
                 "refers to 'https://example.invalid/' in <a href>", id="link-out"),
    pytest.param(svg('<image href="http://example.invalid/x.png" width="5" height="5"/>'),
                 "has an <image> that loads 'http://example.invalid/x.png'", id="image-http"),
    pytest.param(svg('<image xlink:href="data:image/png;base64,iVBORw0KGgo=" width="5" height="5"/>'),
                 "has an <image> that loads 'data:image/png;base64,iVBORw0KGgo='", id="image-data"),
    pytest.param(svg('<image href="../../../etc/hostname" width="5" height="5"/>'),
                 "has an <image> that loads '../../../etc/hostname'", id="image-relative"),
    pytest.param(svg("<text>&xxe;</text>", head=XXE), DTD_MESSAGE, id="xxe-system-entity"),
    pytest.param(svg("<text>&lol9;</text>", head=LAUGHS), DTD_MESSAGE, id="billion-laughs"),
    pytest.param(svg("", head=PUBLIC_DTD), DTD_MESSAGE, id="external-dtd"),
    pytest.param(svg("<script>alert(1)</script>"), "contains a <script> element", id="script"),
    pytest.param(svg("", ' onload="alert(1)"'), "has the event handler attribute 'onload' on <svg>", id="onload"),
    pytest.param(svg('<rect width="5" height="5" onclick="alert(1)"/>'),
                 "has the event handler attribute 'onclick' on <rect>", id="onclick"),
    pytest.param(svg('<foreignObject><p xmlns="http://www.w3.org/1999/xhtml">Hi</p></foreignObject>'),
                 "contains a <foreignObject> element", id="foreign-object"),
    pytest.param(svg("<style>@import url(http://example.invalid/x.css);</style>"),
                 "loads @import in <style>", id="style-import"),
    pytest.param(svg("<style>rect { fill: url(file:///etc/passwd) }</style>"),
                 "loads url(file:///etc/passwd) in <style>", id="style-url-file"),
    pytest.param(svg("<style><![CDATA[rect { fill: \\75rl('http://example.invalid/p.svg#g') }]]></style>"),
                 "loads url(http://example.invalid/p.svg#g) in <style>", id="style-url-css-escape"),
    pytest.param(svg("<style>@font-face { font-family: x; src: url(https://example.invalid/x.woff) }</style>"),
                 "loads url(https://example.invalid/x.woff) in <style>", id="style-font-url"),
    pytest.param(svg("<rect width=\"5\" height=\"5\" style=\"fill: url('https://example.invalid/p#g')\"/>"),
                 "loads url(https://example.invalid/p#g) in <rect style>", id="style-attribute-url"),
    pytest.param(svg('<rect width="5" height="5" filter="url(http://example.invalid/f.svg#f)"/>'),
                 "loads url(http://example.invalid/f.svg#f) in <rect filter>", id="presentation-attribute-url"),
    pytest.param(svg(head='<?xml-stylesheet href="http://example.invalid/x.css"?>\n'),
                 "has the processing instruction <?xml-stylesheet", id="xml-stylesheet"),
    pytest.param(svg('<use href="#a"><set attributeName="href" to="http://example.invalid/x.svg#a"/></use>'),
                 "animates 'href' in <set>", id="animate-href"),
    pytest.param(svg("<rect>"), "is not well-formed XML: mismatched tag, line 1", id="not-well-formed"),
]  # fmt: skip


@pytest.mark.parametrize(("content", "message"), SVG_CASES)
def test_unsafe_svg_is_rejected(runner, project: Path, guide: Path, content: str, message: str):
    (guide / "images").mkdir()
    (guide / "images" / "x.svg").write_text(content, encoding="utf-8")
    figure(guide, "images/x.svg")
    result = check(runner, project)
    assert_reported(result, ("sections/02-pay.md", FIGURE_LINE, "blocks.1.src", f"SVG 'images/x.svg' {message}"))
    assert not (project / "dist").exists()


def test_unsafe_svg_in_an_override_names_the_edition_file(runner, project: Path, guide: Path):
    (guide / "images").mkdir()
    (guide / "images" / "x.svg").write_text(svg("<script>alert(1)</script>"), encoding="utf-8")
    patch(
        guide,
        "editions/en-US.yaml",
        US + "    blocks:\n      - type: figure\n        src: images/x.svg\n        alt: A.\n",
    )
    result = check(runner, project)
    assert_reported(
        result, ("editions/en-US.yaml", 40, "overrides.pay.blocks.0.src", "SVG 'images/x.svg' contains a <script>")
    )


NOT_AN_IMAGE = "is not a PNG/JPEG/GIF/WebP/SVG image"
BAD_FILES = [
    pytest.param("x.png", b"just some text, not a picture\n", f"image 'images/x.png' {NOT_AN_IMAGE}", id="text-as-png"),
    pytest.param("x.svg", b"%PDF-1.7\n", f"image 'images/x.svg' {NOT_AN_IMAGE}", id="pdf-as-svg"),
    pytest.param("x.jpg", raster("BMP"), f"image 'images/x.jpg' {NOT_AN_IMAGE}", id="bmp-as-jpg"),
    pytest.param("x.png", b"<html><body><p>Hello</p></body></html>",
                 f"image 'images/x.png' {NOT_AN_IMAGE} (an XML file with root <html>)", id="html-as-png"),
    pytest.param("x.svg", b"<not xml", f"image 'images/x.svg' {NOT_AN_IMAGE} (not well-formed XML)", id="not-xml"),
    pytest.param("x.png", raster("PNG")[:40], "PNG image 'images/x.png' is damaged", id="truncated-png"),
    pytest.param("x.gif", b"GIF89a" + b"\0" * 3, "GIF image 'images/x.gif' is damaged", id="damaged-gif"),
    pytest.param("x.png", raster("PNG", (8000, 7000), "1"),
                 "image 'images/x.png' has more than 50,000,000 pixels; make it smaller", id="too-many-pixels"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "data", "message"), BAD_FILES)
def test_file_that_is_not_a_usable_image_is_rejected(runner, project: Path, guide: Path, name, data, message):
    (guide / "images").mkdir()
    (guide / "images" / name).write_bytes(data)
    figure(guide, f"images/{name}")
    assert_reported(check(runner, project), ("sections/02-pay.md", FIGURE_LINE, "blocks.1.src", message))


def test_image_over_the_size_limit_is_rejected(runner, project: Path, guide: Path):
    (guide / "images").mkdir()
    with (guide / "images" / "x.png").open("wb") as handle:
        handle.write(raster("PNG"))
        handle.truncate(5_000_001)
    figure(guide, "images/x.png")
    message = "image 'images/x.png' is 5,000,001 bytes, more than the limit of 5,000,000; make it smaller"
    assert_reported(check(runner, project), ("sections/02-pay.md", FIGURE_LINE, "blocks.1.src", message))


@pytest.mark.parametrize(
    "name, data",
    [
        ("a.png", raster("PNG")),
        ("b.jpg", raster("JPEG")),
        ("c.gif", raster("GIF", mode="P")),
        ("d.webp", raster("WEBP")),
        ("jpeg-named.png", raster("JPEG")),
        (
            "e.svg",
            (
                '<?xml version="1.0" encoding="UTF-8"?>\n<!-- a comment -->\n'
                + svg(
                    '<defs><linearGradient id="g"><stop offset="0" stop-color="#000"/></linearGradient>'
                    '<rect id="r" width="4" height="4"/></defs><style>rect { fill: url( "#g" ) }</style>'
                    '<use href="#r"/><use xlink:href="#r" x="5"/><circle r="2" fill="url(#g)"/>'
                    "<title>Self-contained</title>"
                )
            ).encode(),
        ),
    ],
    ids=["png", "jpeg", "gif", "webp", "jpeg-named-png", "self-contained-svg"],
)
def test_safe_images_are_accepted(runner, project: Path, guide: Path, name: str, data: bytes):
    (guide / "images").mkdir()
    (guide / "images" / name).write_bytes(data)
    figure(guide, f"images/{name}")
    result = check(runner, project)
    assert result.exit_code == 0, result.output + result.stderr


def test_symlink_out_of_the_guide_is_rejected(runner, project: Path, guide: Path, tmp_path: Path):
    outside = tmp_path / "secret.png"
    outside.write_bytes(raster("PNG"))
    (guide / "images").mkdir()
    (guide / "images" / "x.png").symlink_to(outside)
    figure(guide, "images/x.png")
    message = "'images/x.png' lies outside the guide folder"
    assert_reported(check(runner, project), ("sections/02-pay.md", FIGURE_LINE, "blocks.1.src", message))


def test_symlinked_folder_out_of_the_guide_is_rejected(runner, project: Path, guide: Path, tmp_path: Path):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "x.png").write_bytes(raster("PNG"))
    (guide / "images").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    figure(guide, "images/x.png")
    message = "'images/x.png' lies outside the guide folder"
    assert_reported(check(runner, project), ("sections/02-pay.md", FIGURE_LINE, "blocks.1.src", message))


def test_symlink_inside_the_guide_is_accepted(runner, project: Path, guide: Path):
    (guide / "images").mkdir()
    (guide / "images" / "real.png").write_bytes(raster("PNG"))
    (guide / "images" / "x.png").symlink_to("real.png")
    figure(guide, "images/x.png")
    assert check(runner, project).exit_code == 0


def test_symlink_loop_is_reported(runner, project: Path, guide: Path):
    (guide / "images").mkdir()
    (guide / "images" / "x.png").symlink_to("x.png")
    figure(guide, "images/x.png")
    message = "image 'images/x.png' is a symbolic link that points to itself"
    assert_reported(check(runner, project), ("sections/02-pay.md", FIGURE_LINE, "blocks.1.src", message))


def test_a_named_pipe_in_the_guide_is_reported_not_waited_for(project: Path, guide: Path):
    """Reading a pipe would wait for a writer for good: check names it and goes on."""
    os.mkfifo(guide / "sections" / "04-pipe.md")
    command = [sys.executable, "-m", "guidebuilder", "check", "--no-cache", "-C", str(project)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "guide/sections/04-pipe.md:1: not a regular file but a named pipe or device" in result.stderr.splitlines()


PLAIN_PATH = "must be a plain relative path without ':', '%', '?', '#', '\\' or control characters"


@pytest.mark.parametrize(
    "src, message",
    [
        ('"file:///etc/hostname"', f"image path 'file:///etc/hostname' {PLAIN_PATH}"),
        ('"data:image/svg+xml,<svg/>"', f"image path 'data:image/svg+xml,<svg/>' {PLAIN_PATH}"),
        ("images/%2e%2e/%2e%2e/etc/hostname", f"image path 'images/%2e%2e/%2e%2e/etc/hostname' {PLAIN_PATH}"),
        ('"images\\\\..\\\\..\\\\x.png"', f"image path 'images\\\\..\\\\..\\\\x.png' {PLAIN_PATH}"),
        ('"images/x\\0.png"', f"image path 'images/x\\x00.png' {PLAIN_PATH}"),
        ("/etc/hostname", "'/etc/hostname' lies outside the guide folder"),
        ("sections", "image 'sections' is not a file"),
        ("x" * 5000, "cannot read image 'xxx"),
    ],
    ids=["file-url", "data-url", "percent-encoded-dots", "backslashes", "nul-byte", "absolute", "folder", "too-long"],
)
def test_figure_src_must_be_a_plain_path_in_the_guide(runner, project: Path, guide: Path, src: str, message: str):
    figure(guide, src)
    assert_reported(check(runner, project), ("sections/02-pay.md", FIGURE_LINE, "blocks.1.src", message))


def _body(extra: str) -> tuple[str, str]:
    """A change that adds a paragraph after the pay section's body (line 22)."""
    return BODY, f"{BODY}\n\n{extra}"


NO_IMAGES = "images are not allowed in text; use a 'figure' block"
NO_LINK = "is not allowed; use an http://, https:// or mailto: address"
NO_HTML = "raw HTML is not allowed in content; use Markdown"
ONLY_PLACEHOLDERS = "only simple placeholders like '{{ agency.name }}' are allowed"

TEXT_CASES = [
    pytest.param(_body("![x](file:///etc/hostname)"), 22, "body", NO_IMAGES, id="md-image-file"),
    pytest.param(_body("![x](http://example.invalid/x.png)"), 22, "body", NO_IMAGES, id="md-image-http"),
    pytest.param(_body("![x](data:image/png;base64,iVBORw0KGgo=)"), 22, "body", NO_IMAGES, id="md-image-data"),
    pytest.param(_body("See [the file](file:///etc/passwd)."), 22, "body", f"link 'file:///etc/passwd' {NO_LINK}",
                 id="md-link-file"),
    pytest.param(_body("See <file:///etc/hostname>."), 22, "body", f"link 'file:///etc/hostname' {NO_LINK}",
                 id="md-autolink-file"),
    pytest.param(_body("[x](data:text/html;base64,PHNjcmlwdD4=)"), 22, "body",
                 f"link 'data:text/html;base64,PHNjcmlwdD4=' {NO_LINK}", id="md-link-data"),
    pytest.param(_body("[x](javascript:alert(1))"), 22, "body", f"link 'javascript:alert(1)' {NO_LINK}",
                 id="md-link-javascript"),
    pytest.param(_body("[x](../../etc/passwd)"), 22, "body", f"link '../../etc/passwd' {NO_LINK}",
                 id="md-link-relative"),
    pytest.param(_body("[x](//example.invalid/x)"), 22, "body", f"link '//example.invalid/x' {NO_LINK}",
                 id="md-link-scheme-relative"),
    pytest.param(_body("[x](&#102;ile:///etc/passwd)"), 22, "body", f"link 'file:///etc/passwd' {NO_LINK}",
                 id="md-link-entity-encoded"),
    pytest.param(_body("[x][r]\n\n[r]: file:///etc/passwd"), 22, "body", f"link 'file:///etc/passwd' {NO_LINK}",
                 id="md-link-reference"),
    pytest.param(("summary: How pay works.", 'summary: "[x](file:///etc/passwd)"'), 4, "summary",
                 f"link 'file:///etc/passwd' {NO_LINK}", id="md-link-in-summary"),
    pytest.param(("      - Check the dates.", "      - See [x](ftp://example.invalid/f)"), 18, "blocks.2.items.1",
                 f"link 'ftp://example.invalid/f' {NO_LINK}", id="md-link-in-block"),
    pytest.param(_body("<script>alert(1)</script>"), 22, "body", NO_HTML, id="html-script"),
    pytest.param(("Pay differs", 'Pay <img src="x" onerror="alert(1)"> differs'), 20, "body", NO_HTML,
                 id="html-img-onerror"),
    pytest.param(_body("<style>@import url(http://example.invalid/x.css);</style>"), 22, "body", NO_HTML,
                 id="html-style-import"),
    pytest.param(_body("<iframe src=\"file:///etc/passwd\"></iframe>"), 22, "body", NO_HTML, id="html-iframe"),
    pytest.param(_body("{{ ''.__class__.__mro__[1].__subclasses__() }}"), 22, "body", ONLY_PLACEHOLDERS,
                 id="template-expression-body"),
    pytest.param(_body("{{ agency.__class__ }}"), 22, "body",
                 "placeholder '{{ agency.__class__ }}' has no value in this edition", id="placeholder-dunder"),
    pytest.param(_body("{{ agency.name.__class__ }}"), 22, "body",
                 "placeholder '{{ agency.name.__class__ }}' has no value in this edition",
                 id="placeholder-attribute-of-text"),
    pytest.param(("title: Pay", "title: Pay {{ config }}"), 3, "title",
                 "placeholder '{{ config }}' has no value in this edition", id="placeholder-config-in-title"),
]  # fmt: skip


@pytest.mark.parametrize(("change", "line", "field", "message"), TEXT_CASES)
def test_hostile_text_is_rejected(runner, project: Path, guide: Path, dist, change, line, field, message):
    patch(guide, "sections/02-pay.md", change)
    result = run_cli(runner, "build", "en-US", "--format", "html", "-C", str(project))
    assert_reported(result, ("sections/02-pay.md", line, field, message))
    assert_dist_unchanged(project, dist)


def test_template_expression_in_alt_text_is_rejected(runner, project: Path, guide: Path):
    (guide / "images").mkdir()
    (guide / "images" / "x.png").write_bytes(raster("PNG"))
    figure(guide, "images/x.png", alt="\"{{ ''.__class__ }}\"")
    message = ONLY_PLACEHOLDERS
    assert_reported(check(runner, project), ("sections/02-pay.md", 10, "blocks.1.alt", message))


def test_http_and_mailto_links_are_kept(runner, project: Path, guide: Path):
    patch(
        guide, "sections/02-pay.md", _body("See [the agency](https://www.example.gov/pay) or <mailto:a@example.gov>.")
    )
    result = run_cli(runner, "build", "en-US", "--format", "html", "-C", str(project))
    assert result.exit_code == 0, result.output + result.stderr
    html = (project / "dist" / "en-US" / "test-guide-en-US.html").read_text(encoding="utf-8")
    assert '<a href="https://www.example.gov/pay">the agency</a>' in html
    assert '<a href="mailto:a@example.gov">' in html


@pytest.mark.parametrize(
    "args, message",
    [
        (("build", "../etc"), "error: unknown edition '../etc'"),
        (("build", ".."), "error: unknown edition '..'"),
        (("build", "en-US/../../../etc"), "error: unknown edition 'en-US/../../../etc'"),
        (("build", "/etc/passwd"), "error: unknown edition '/etc/passwd'"),
        (("build", "en-US\0"), "error: unknown edition 'en-US\\x00'"),
        (("explain", "../etc"), "error: unknown edition '../etc'"),
        (("build", "--country", "../GB"), "error: no edition for country '../GB'"),
        (("build", "en-US", "--format", "../../pdf"), "error: unknown format '../../pdf'"),
    ],
    ids=["dotdot", "dotdot-only", "edition-then-dotdot", "absolute", "nul-byte", "explain", "country", "format"],
)
def test_path_like_names_on_the_command_line_exit_2(runner, project: Path, guide: Path, dist, args, message):
    result = run_cli(runner, *args, "-C", str(project))
    everything = result.output + result.stderr
    assert "Traceback" not in everything
    assert result.exit_code == 2, everything
    assert result.stderr.startswith(message), result.stderr
    assert_dist_unchanged(project, dist)
    assert sorted(p.name for p in project.iterdir()) == ["dist", "guide", "layouts"]


def test_output_folder_that_is_a_file_is_a_usage_error(runner, project: Path, guide: Path, dist, tmp_path: Path):
    # --out is declared file_okay=False, so the command line refuses it before anything runs (exit 2, not 1)
    target = tmp_path / "taken"
    target.write_text("a file")
    result = run_cli(runner, "build", "en-US", "--format", "html", "--out", str(target), "-C", str(project))
    everything = result.output + result.stderr
    assert "Traceback" not in everything
    assert result.exit_code == 2, everything
    assert "Invalid value for '--out'" in result.stderr
    assert target.read_text() == "a file"
    assert_dist_unchanged(project, dist)


def test_library_refuses_an_output_folder_that_is_a_file(project: Path, guide: Path, tmp_path: Path):
    target = tmp_path / "taken"
    target.write_text("a file")
    with pytest.raises(BuildError, match="cannot write .*: Not a directory"):
        build(Project.at(project, target), ["en-US"], ["html"])
    assert target.read_text() == "a file"


def test_output_folder_below_a_file_exits_1(runner, project: Path, guide: Path, dist, tmp_path: Path):
    blocker = tmp_path / "taken"
    blocker.write_text("a file")
    out = blocker / "dist"
    result = run_cli(runner, "build", "en-US", "--format", "html", "--out", str(out), "-C", str(project))
    everything = result.output + result.stderr
    assert "Traceback" not in everything
    assert result.exit_code == 1, everything
    assert result.stderr == f"error: cannot write {out}: Not a directory\n"
    assert blocker.read_text() == "a file"
    assert_dist_unchanged(project, dist)


def _without_root_powers() -> None:
    """In a child about to exec: drop the capabilities that let root ignore file modes (CAP_DAC_OVERRIDE,
    CAP_DAC_READ_SEARCH, CAP_FOWNER) from the bounding set, so the program runs as root but obeys them."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2, 3):
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "cannot drop a capability")


def test_read_only_output_folder_exits_1(project: Path, guide: Path, dist, tmp_path: Path):
    out = tmp_path / "readonly"
    out.mkdir()
    out.chmod(0o555)
    env = {**os.environ, "SOURCE_DATE_EPOCH": FIXED_EPOCH}
    command = [sys.executable, "-m", "guidebuilder", "build", "en-US", "-f", "html", "--out", str(out)]
    command += ["-C", str(project)]
    preexec = _without_root_powers if os.geteuid() == 0 else None  # root would write into a 0555 folder anyway
    result = subprocess.run(command, env=env, preexec_fn=preexec, capture_output=True, text=True, timeout=300)
    everything = result.stdout + result.stderr
    assert "Traceback" not in everything
    assert result.returncode == 1, everything
    assert result.stderr == f"error: cannot write {out}: Permission denied\n"
    assert not any(out.iterdir())
    assert_dist_unchanged(project, dist)


@pytest.mark.parametrize("relative", ["../x.pdf", "en-US/../../x.pdf", "/tmp/x.pdf", ".", "en-US/.."])
def test_output_paths_outside_the_output_folder_are_refused(tmp_path: Path, relative: str):
    with pytest.raises(BuildError, match="refusing to write .* (outside|it is the output folder .* itself)"):
        outputs.output_path(tmp_path / "dist", relative)
    assert outputs.output_path(tmp_path / "dist", "en-US/a.pdf") == (tmp_path / "dist" / "en-US" / "a.pdf").resolve()


@pytest.mark.parametrize("planted", ["folder", "file"])
def test_a_link_planted_in_dist_cannot_redirect_a_write(runner, project: Path, guide: Path, tmp_path: Path, planted):
    """dist/en-US (or the output file in it) links outside: the build refuses and writes nothing there."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "test-guide-en-US.html").write_text("precious")
    (project / "dist").mkdir()
    if planted == "folder":
        (project / "dist" / "en-US").symlink_to(outside, target_is_directory=True)
    else:
        (project / "dist" / "en-US").mkdir()
        (project / "dist" / "en-US" / "test-guide-en-US.html").symlink_to(outside / "test-guide-en-US.html")
    result = run_cli(runner, "build", "en-US", "--format", "html", "-C", str(project))
    assert result.exit_code == 1, result.output + result.stderr
    assert result.stderr.startswith("error: refusing to write 'en-US/test-guide-en-US.html' outside"), result.stderr
    assert sorted(p.name for p in outside.iterdir()) == ["test-guide-en-US.html"]
    assert (outside / "test-guide-en-US.html").read_text() == "precious"
    assert sorted(p.name for p in (project / "dist").iterdir()) == ["en-US"]


# When to press Ctrl-C: after a progress line (plain lines, as stdout is a pipe) and a delay.
MOMENTS = [
    pytest.param("2", "validating the guide", 0.0, id="warm-up"),
    pytest.param("2", "validating the guide", 0.3, id="warm-up-and-validation"),
    pytest.param("1", "validating the guide", 0.6, id="validation-one-worker"),
    pytest.param("2", "building 2 outputs", 0.0, id="layout-start"),
    pytest.param("2", "building 2 outputs", 1.0, id="layout"),
    pytest.param("1", "building 2 outputs", 0.5, id="layout-one-worker"),
    pytest.param("2", "[1/2] en-GB pdf", 0.0, id="next-output"),
    pytest.param("2", "writing the download page", 0.0, id="site"),
]


def _interrupt_build(out: Path, jobs: str, marker: str, delay: float) -> tuple[int, str, str, bool]:
    """Start a build, press Ctrl-C `delay` seconds after the progress line `marker`; return
    (exit code, stdout, stderr, whether the build was still running when the signal was sent)."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": FIXED_EPOCH, "GUIDEBUILDER_JOBS": jobs}
    command = [sys.executable, "-m", "guidebuilder", "build", "en-GB", "en-US", "--format", "pdf", "--out", str(out)]
    child = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    seen = []
    while not any(line.startswith(marker) for line in seen):
        line = child.stdout.readline().decode()
        assert line, f"the build ended before '{marker}': {seen}"
        seen.append(line)
    time.sleep(delay)
    running = child.poll() is None
    os.killpg(child.pid, signal.SIGINT)  # like Ctrl-C in a terminal: the whole process group
    stdout, stderr = (data.decode() for data in child.communicate(timeout=120))
    _assert_group_gone(child.pid)
    return child.returncode, "".join(seen) + stdout, stderr, running


def _assert_group_gone(group: int) -> None:
    """No worker outlives the interrupted build."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    raise AssertionError("worker processes still running after the build exited")


@pytest.mark.parametrize(("jobs", "marker", "delay"), MOMENTS)
def test_ctrl_c_exits_130_and_leaves_only_whole_files(tmp_path: Path, jobs: str, marker: str, delay: float):
    out = tmp_path / "out"
    for _attempt in range(3):  # a build that ends just before the signal is a missed moment: try again
        code, stdout, stderr, running = _interrupt_build(out, jobs, marker, delay)
        if code != 0 or not running:
            break
    assert running, "the build finished before it could be interrupted"
    assert code == 130, stdout + stderr
    assert "interrupted" in stderr.splitlines()
    for word in ("Traceback", "Exception", "KeyboardInterrupt", "Error"):
        assert word not in stdout + stderr
    assert not [p for p in out.rglob("*") if p.name.startswith(".")], "temporary files left behind"
    for pdf in out.rglob("*.pdf"):
        assert len(PdfReader(pdf, strict=True).pages) % 4 == 0, pdf
    if (out / "manifest.json").exists():
        assert json.loads((out / "manifest.json").read_text())["entries"]


@pytest.mark.parametrize("failing", ["write", "fsync", "replace"])
def test_ctrl_c_inside_an_atomic_write_leaves_the_old_file(tmp_path: Path, monkeypatch, failing: str):
    target = tmp_path / "out" / "file.pdf"
    target.parent.mkdir()
    target.write_bytes(b"old")
    if failing == "write":
        monkeypatch.setattr(outputs, "open", lambda *a, **k: _Interrupting(a[0]), raising=False)
    else:
        monkeypatch.setattr(outputs.os, failing, _raise_interrupt)
    with pytest.raises(KeyboardInterrupt):
        outputs.write_atomic(target, b"new and longer")
    assert sorted(p.name for p in target.parent.iterdir()) == ["file.pdf"]
    assert target.read_bytes() == b"old"


def _raise_interrupt(*args: object) -> None:
    raise KeyboardInterrupt


class _Interrupting:
    """A file that is created, then interrupted before it is written."""

    def __init__(self, path: Path) -> None:
        Path(path).touch()

    def __enter__(self) -> _Interrupting:
        raise KeyboardInterrupt

    def __exit__(self, *exc: object) -> None:
        pass


@pytest.mark.parametrize("umask", [0o022, 0o027], ids=["umask-022", "umask-027"])
def test_outputs_get_the_mode_of_a_plain_write(project: Path, umask: int):
    """Not the 0600 of a private temporary file: a web server or `rsync -a` must be able to serve them."""
    old = os.umask(umask)
    try:
        build(Project.at(project), ["en-US"], ["html", "epub"])
    finally:
        os.umask(old)
    files = [p for p in (project / "dist").rglob("*") if p.is_file()]
    names = ["SHA256SUMS", "fixture-guide-en-US.epub", "fixture-guide-en-US.html", "index.html", "manifest.json"]
    assert sorted(p.name for p in files) == names
    for path in files:
        assert oct(path.stat().st_mode & 0o777) == oct(0o666 & ~umask), path
