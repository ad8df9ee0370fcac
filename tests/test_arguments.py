"""Names on the command line (language codes, edition tags and ids, countries) are checked before any file is
touched: a bad one exits 2 with one line, writes nothing anywhere and shows no traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from guidebuilder.content.guide import load_source
from guidebuilder.editions.scaffold import new_edition
from guidebuilder.errors import UsageError
from guidebuilder.i18n.translators import export, new_language
from guidebuilder.pipeline.build import build
from guidebuilder.project import Project

from .conftest import FIXTURE, REPO, run_cli


@pytest.fixture
def deep(tmp_path: Path) -> Path:
    """A copy of the fixture project four folders down, so that a path climbing out of it stays in tmp_path."""
    root = tmp_path / "a" / "b" / "c" / "project"
    shutil.copytree(FIXTURE, root)
    shutil.copytree(REPO / "layouts", root / "layouts")
    return root


def tree(top: Path) -> set[tuple[str, int, int]]:
    """Every file and folder under top with its size and modification time."""
    return {(str(p.relative_to(top)), p.lstat().st_size, p.lstat().st_mtime_ns) for p in top.rglob("*")}


REFUSED = [
    (
        ("translations", "export", "fr.x/../../../../../evil"),
        "error: language code 'fr.x/../../../../../evil' is a path, not a name",
    ),
    (("translations", "export", "FR"), "error: language codes are written in lower case: 'fr', not 'FR'"),
    (("translations", "export", "fra"), "error: 'fra' is not a language code Babel knows"),
    (("translations", "export", "fr\n"), "error: language code 'fr\\n' holds a control character"),
    (("translations", "export", "fr\u202e"), "error: language code 'fr\\u202e' holds a control character"),
    (("translations", "export", ""), "error: language code '' is empty"),
    (("translations", "export", ".."), "error: language code '..' is a path, not a name"),
    (
        ("translations", "export", "fr-CA"),
        "error: 'fr-CA' names a language and a region; give the language alone: 'fr'",
    ),
    (("translations", "export", "en_GB"), "error: 'en_GB' names a language and a region; give the language alone"),
    (("translations", "export", "en"), "error: 'en' is the language of the source"),
    (("translations", "diff", "../fr"), "error: language code '../fr' is a path, not a name"),
    (("new-language", "ES"), "error: language codes are written in lower case: 'es', not 'ES'"),
    (("new-language", "es\\x"), "error: language code 'es\\\\x' is a path, not a name"),
    (("new-edition", "en-NZ\n"), "error: 'en-NZ\\n' is not a BCP 47 tag of the form language-REGION"),
    (("new-edition", "en-NZ/../../x"), "error: 'en-NZ/../../x' is not a BCP 47 tag"),
    (("new-edition", "en-Latn-NZ"), "error: 'en-Latn-NZ' is not a BCP 47 tag of the form language-REGION"),
    (("new-edition", "en-NZ\x00"), "error: 'en-NZ\\x00' is not a BCP 47 tag"),
    (("build", "en-GB\n"), "error: unknown edition 'en-GB\\n': it holds a control character"),
    (("build", "en-GB/.."), "error: unknown edition 'en-GB/..': it is a path, not a name"),
    (("build", "--country", "../GB"), "error: no edition for country '../GB': it is a path, not a name"),
    (("build", "en-GB", "--format", "web/../pdf"), "error: unknown format 'web/../pdf'"),
    (("explain", "en-GB\r"), "error: unknown edition 'en-GB\\r': it holds a control character"),
    (("preflight", "../en-GB"), "error: unknown edition '../en-GB': it is a path, not a name"),
    (
        ("preview", "../en-GB", "--no-open", "--port", "0"),
        "error: unknown edition '../en-GB': it is a path, not a name",
    ),
]


@pytest.mark.parametrize(("args", "message"), REFUSED, ids=[repr(" ".join(args)) for args, _ in REFUSED])
def test_a_bad_name_exits_2_with_one_line_and_writes_nothing(runner, deep: Path, tmp_path: Path, args, message):
    before = tree(tmp_path)
    result = run_cli(runner, *args, "-C", str(deep))
    assert result.exit_code == 2, result.output + result.stderr
    assert result.stderr.startswith(message), result.stderr
    assert result.stderr.count("\n") == 1 and result.stdout == ""
    assert tree(tmp_path) == before


def test_the_library_refuses_the_same_names_before_reading_anything(tmp_path: Path, deep: Path):
    nowhere = tmp_path / "no-such-project"
    with pytest.raises(UsageError, match="is a path"):
        build(Project.at(nowhere), ["../en-GB"], ["web"])
    with pytest.raises(UsageError, match="holds a control character"):
        new_edition(nowhere / "guide", "en-NZ\n")
    source = load_source(deep / "guide")
    before = tree(tmp_path)
    for language in ("fr.x/../../../../../evil", "FR", "fra", "fr\n"):
        for action in (export, new_language):
            with pytest.raises(UsageError):
                action(source, language)
    assert tree(tmp_path) == before


def test_a_good_language_code_still_writes_its_po_file(runner, deep: Path):
    result = run_cli(runner, "translations", "export", "fr", "-C", str(deep))
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (deep / "guide" / "translations").iterdir()) == ["fr.po"]
    assert run_cli(runner, "check", "--no-cache", "-C", str(deep)).exit_code == 0


@pytest.mark.parametrize(
    "args",
    [("check",), ("list",), ("new-edition", "en-NZ"), ("translations", "export", "fr"), ("clean",), ("preview",)],
    ids=lambda args: " ".join(args),
)
def test_a_project_folder_without_a_guide_exits_2_and_gets_nothing(runner, tmp_path: Path, args):
    empty = tmp_path / "not-a-project"
    empty.mkdir()
    result = run_cli(runner, *args, "-C", str(empty))
    assert result.exit_code == 2, result.output + result.stderr
    assert result.stderr.startswith(f"error: no guide/ folder in {empty}: run guidebuilder in a project folder")
    assert result.stderr.count("\n") == 1
    assert list(tmp_path.rglob("*")) == [empty]


def test_a_layout_folder_that_does_not_exist_exits_2(runner, deep: Path, tmp_path: Path):
    before = tree(tmp_path)
    result = run_cli(runner, "build", "en-GB", "-f", "web", "--layouts", str(tmp_path / "nowhere"), "-C", str(deep))
    assert (result.exit_code, result.stderr) == (2, f"error: --layouts {tmp_path / 'nowhere'}: no such folder\n")
    assert tree(tmp_path) == before
