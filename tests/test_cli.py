"""The CLI through typer's runner, on the fixture project."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

from guidebuilder.pipeline.build import BuildObserver

from .conftest import run_cli

GUIDEBUILDER = Path(sys.executable).parent / "guidebuilder"


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


def test_build_shows_progress_as_plain_lines_without_a_terminal(runner, project: Path):
    result = run_cli(runner, "build", "--all", "-f", "html", "-C", str(project))
    assert result.exit_code == 0, result.output
    shown = result.stdout.splitlines()
    steps = [re.sub(r" \(\d+\.\d s\)$", "", line) for line in shown[:5]]
    assert steps == [
        "validating the guide",
        "building 2 outputs",
        "[1/2] en-GB html",
        "[2/2] en-US html",
        "writing the download page",
    ]
    assert all(re.search(r" \(\d+\.\d s\)$", line) for line in shown[:5])
    assert shown[5].startswith(f"wrote {project / 'dist/en-GB/fixture-guide-en-GB.html'} (")
    assert result.stderr == ""


def test_build_quiet_prints_nothing(runner, project: Path):
    result = run_cli(runner, "build", "--all", "-f", "html", "--quiet", "-C", str(project))
    assert result.exit_code == 0, result.output
    assert (result.stdout, result.stderr) == ("", "")
    assert (project / "dist" / "en-US" / "fixture-guide-en-US.html").is_file()


def test_build_quiet_still_reports_errors(runner, project: Path):
    (project / "guide" / "editions" / "en-US.yaml").write_text("id: en-US\n", encoding="utf-8")
    result = run_cli(runner, "build", "en-US", "-f", "html", "--quiet", "-C", str(project))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "guide/editions/en-US.yaml" in result.stderr


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_on_a_terminal_is_a_rich_display(project: Path):
    from guidebuilder.cli.progress import RichProgress, progress_display
    from guidebuilder.pipeline.build import build
    from guidebuilder.project import Project

    screen = _Terminal()
    with progress_display(stream=screen) as observer:
        assert isinstance(observer, RichProgress)
        build(Project.at(project), everything=True, formats=["html"], observer=observer)
    last = re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", screen.getvalue().rsplit("\r", 1)[-1])
    assert re.search(r"done .* 2/2 0:00:\d\d", last), last


class _Recorder(BuildObserver):
    def __init__(self) -> None:
        self.events: list[tuple] = []

    def validating(self) -> None:
        self.events.append(("validating",))

    def planned(self, outputs) -> None:  # noqa: ANN001
        self.events.append(("planned", tuple(outputs)))

    def finished(self, output) -> None:  # noqa: ANN001
        self.events.append(("finished", output.edition, output.format, output.path.is_file()))

    def publishing(self) -> None:
        self.events.append(("publishing",))


def test_library_build_reports_to_an_observer_and_prints_nothing(project: Path, capfd):
    from guidebuilder.pipeline.build import build
    from guidebuilder.project import Project

    recorder = _Recorder()
    build(Project.at(project), ["en-GB"], ["html", "epub"], observer=recorder)
    assert recorder.events == [
        ("validating",),
        ("planned", (("en-GB", "html"), ("en-GB", "epub"))),
        ("finished", "en-GB", "html", True),
        ("finished", "en-GB", "epub", True),
        ("publishing",),
    ]
    assert capfd.readouterr() == ("", "")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("command", [["list"], ["check"], ["--version"]])
def test_output_that_cannot_be_written_is_an_error_without_traceback(project: Path, command: list[str]):
    args = [str(GUIDEBUILDER), *command] + (["-C", str(project)] if command != ["--version"] else [])
    with open("/dev/full", "w") as full:
        done = subprocess.run(args, stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "error: cannot write the output: No space left on device" in done.stderr


# What the main process has imported when build or preflight forks its layout workers: they start importing WeasyPrint
# then, so anything heavy imported before the fork (the content models, the writers) delays every layout.
FORK_PROBE = """
import sys
from guidebuilder import __main__
from guidebuilder.pipeline import workers

def probe(count):
    heavy = ("pydantic", "yaml", "babel", "jinja2", "weasyprint", "guidebuilder.content.types",
             "guidebuilder.editions.book", "guidebuilder.writers")
    print(" ".join(name for name in heavy if name in sys.modules) or "light", flush=True)
    raise SystemExit(0)

workers.start_pool = probe
sys.argv[0] = "guidebuilder"
__main__.main()
"""


@pytest.mark.parametrize(
    "command",
    [("build",), ("build", "--shard", "1/2"), ("build", "--country", "gb"), ("preflight", "--report")],
    ids=["build", "shard", "country", "preflight"],
)
def test_layouts_start_their_workers_before_the_heavy_imports(project: Path, tmp_path: Path, command: tuple[str, ...]):
    command = [sys.executable, "-c", FORK_PROBE, command[0], "en-GB", *command[1:], "-C", str(project), "--out"]
    done = subprocess.run([*command, str(tmp_path / "out")], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "light"
    assert not (tmp_path / "out").exists()
