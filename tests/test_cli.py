"""The CLI through typer's runner, on the fixture project."""

from __future__ import annotations

from pathlib import Path

from .conftest import run_cli


def test_version(runner):
    result = run_cli(runner, "--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("guidebuilder ")


def test_help_lists_commands(runner):
    result = run_cli(runner, "--help")
    assert result.exit_code == 0
    for command in ("check", "list", "explain", "build"):
        assert command in result.stdout


def test_every_command_has_help(runner):
    for command in ("check", "list", "explain", "build"):
        result = run_cli(runner, command, "--help")
        assert result.exit_code == 0, command
        assert "Usage" in result.stdout


def test_check_passes_on_fixture(runner, project: Path):
    result = run_cli(runner, "check", "-C", str(project))
    assert result.exit_code == 0, result.output
    assert "3 sections, 2 editions" in result.stdout


def test_list_shows_editions(runner, project: Path):
    result = run_cli(runner, "list", "-C", str(project))
    assert result.exit_code == 0
    assert "en-US (default)" in result.stdout
    assert "en-GB" in result.stdout and "A5" in result.stdout and "half-letter" in result.stdout


def test_explain_shows_conditions_and_data(runner, project: Path):
    result = run_cli(runner, "explain", "en-GB", "-C", str(project))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "in  local: only_in lists GB" in out
    assert "out block 2 (callout): only_in US" in out
    assert '"name": "Example Border Service"' in out


def test_explain_marks_override(runner, project: Path):
    result = run_cli(runner, "explain", "en-US", "-C", str(project))
    assert "out local: only_in GB" in result.stdout
    assert "pay: no condition (overridden by the edition)" in result.stdout


def test_build_html_writes_into_dist(runner, project: Path):
    result = run_cli(runner, "build", "en-GB", "--format", "html", "-C", str(project))
    assert result.exit_code == 0, result.output
    out = project / "dist" / "en-GB" / "fixture-guide-en-GB.html"
    html = out.read_text(encoding="utf-8")
    assert '<html lang="en-GB">' in html
    assert "Officers at Example Border Service check goods and people." in html
    assert "Only in the United States." not in html
    assert "Local Notes" in html


def test_build_default_edition(runner, project: Path):
    result = run_cli(runner, "build", "-f", "html", "-C", str(project))
    assert result.exit_code == 0, result.output
    assert (project / "dist" / "en-US" / "fixture-guide-en-US.html").is_file()
    assert not (project / "dist" / "en-GB").exists()


def test_build_out_option(runner, project: Path, tmp_path: Path):
    target = tmp_path / "elsewhere"
    result = run_cli(runner, "build", "--all", "-f", "html", "--out", str(target), "-C", str(project))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in target.iterdir()) == ["SHA256SUMS", "en-GB", "en-US", "index.html", "manifest.json"]


def test_build_by_country(runner, project: Path):
    result = run_cli(runner, "build", "--country", "gb", "-f", "html", "-C", str(project))
    assert result.exit_code == 0, result.output
    assert (project / "dist" / "en-GB" / "fixture-guide-en-GB.html").is_file()


def test_unknown_edition_is_usage_error(runner, project: Path):
    result = run_cli(runner, "build", "xx-YY", "-C", str(project))
    assert result.exit_code == 2
    assert "unknown edition 'xx-YY'" in result.stderr
    assert "en-GB, en-US" in result.stderr
    assert "Traceback" not in result.output


def test_unknown_format_is_usage_error(runner, project: Path):
    result = run_cli(runner, "build", "en-GB", "--format", "docx", "-C", str(project))
    assert result.exit_code == 2
    assert "unknown format 'docx'" in result.stderr


def test_unknown_option_is_usage_error(runner):
    result = run_cli(runner, "build", "--colour")
    assert result.exit_code == 2
