"""The guidebuilder command line: a thin typer layer over the library."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from . import __version__

app = typer.Typer(
    help="Build regional editions of the customs officer career guide.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

ProjectOption = Annotated[
    Path, typer.Option("--project", "-C", help="Project folder holding guide/ and layouts/.", file_okay=False)
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"guidebuilder {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        Optional[bool], typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = None,
) -> None:
    """Build regional editions of the customs officer career guide."""


def _fail(exc: Exception) -> None:
    """Print a library error without a traceback and exit 1 (2 for usage errors)."""
    from .errors import ContentError, UsageError

    if isinstance(exc, ContentError):
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        count = len(exc.problems)
        typer.echo(f"{count} error{'s' if count != 1 else ''} found", err=True)
    else:
        typer.echo(f"error: {exc}", err=True)
    raise typer.Exit(2 if isinstance(exc, UsageError) else 1)


def _run(action, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
    """Call the library, turning its errors and Ctrl-C into clean exits."""
    from .errors import GuideError

    try:
        return action(*args, **kwargs)
    except GuideError as exc:
        _fail(exc)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        raise typer.Exit(130) from None


def _project(root: Path, out: Optional[Path] = None, layouts: tuple[Path, ...] = (), booklet=None):  # noqa: ANN001, ANN202
    from .project import Project

    return Project.at(root, out, layouts, booklet)


def _millimetres(value: str, option: str) -> float:
    """A length such as '0.1mm' or '0.1' in millimetres; a bad value is a usage error."""
    import re

    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(mm)?\s*", value)
    if not match or float(match[1]) > 20:
        raise typer.BadParameter(
            f"expected a length in mm between 0 and 20, e.g. 0.1mm; got '{value}'", param_hint=option
        )
    return float(match[1])


@app.command()
def check(
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings (stale figures) as errors.")] = False,
    project: ProjectOption = Path("."),
) -> None:
    """Validate every section, edition and string file."""
    from .build import check as run_check

    guide, warnings = _run(run_check, _project(project), strict)
    for warning in warnings:
        typer.echo(warning, err=True)
    typer.echo(f"ok: {len(guide.sections)} sections, {len(guide.editions)} editions, {len(warnings)} warnings")


@app.command("list")
def list_editions(project: ProjectOption = Path(".")) -> None:
    """List the editions: id, country, language, paper."""
    from rich.console import Console
    from rich.table import Table

    from .guide import load_guide
    from .locale import country_name

    guide = _run(load_guide, _project(project).guide_dir)
    table = Table("edition", "country", "language", "paper", "currency", "agency")
    for edition in guide.editions.values():
        default = " (default)" if edition.id == guide.meta.default_edition else ""
        table.add_row(
            edition.id + default,
            f"{edition.country} {country_name(edition.country, 'en')}",
            edition.language,
            edition.paper,
            edition.currency,
            edition.agency.name,
        )
    Console(width=120).print(table)


@app.command()
def explain(edition: str, project: ProjectOption = Path(".")) -> None:
    """Show an edition's resolved data and which conditional content it includes, and why."""
    from .explain import explain as run_explain

    typer.echo(_run(run_explain, _project(project), edition))


@app.command()
def build(
    editions: Annotated[Optional[list[str]], typer.Argument(help="Edition ids, e.g. en-GB.")] = None,
    all_editions: Annotated[bool, typer.Option("--all", help="Build every edition.")] = False,
    country: Annotated[
        Optional[str], typer.Option("--country", help="Build every edition of a country (ISO code).")
    ] = None,
    formats: Annotated[
        Optional[list[str]],
        typer.Option("--format", "-f", help="pdf, print, booklet, epub or html; repeat for several."),
    ] = None,
    out: Annotated[
        Optional[Path], typer.Option("--out", help="Output folder (default: dist/).", file_okay=False)
    ] = None,
    layouts: Annotated[
        Optional[list[Path]], typer.Option("--layouts", help="Extra layout folder searched first.")
    ] = None,
    creep: Annotated[
        str, typer.Option("--creep", help="Booklet: shift per sheet toward the spine, e.g. 0.1mm.")
    ] = "0mm",
    marks: Annotated[bool, typer.Option("--marks", help="Booklet: fold and crop marks (pages scaled to fit).")] = False,
    sheet_margin: Annotated[
        str, typer.Option("--sheet-margin", help="Booklet: keep pages this far from the paper edge, e.g. 5mm.")
    ] = "0mm",
    project: ProjectOption = Path("."),
) -> None:
    """Build editions (default: the guide's default edition) into dist/<edition>/."""
    from .project import BookletSettings
    from .workers import default_jobs, start_pool

    booklet = BookletSettings(_millimetres(creep, "--creep"), marks, _millimetres(sheet_margin, "--sheet-margin"))
    proj = _project(project, out, tuple(layouts or ()), booklet)
    wanted = _run(default_jobs)
    pool = start_pool(wanted if all_editions or country else min(wanted, max(1, len(editions or ()))))
    try:  # the workers import WeasyPrint while the rest of guidebuilder loads and validates the guide
        from .build import build as run_build

        outputs = _run(run_build, proj, editions or (), formats or (), all_editions, country, pool=pool)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    for output in outputs:
        shown = (
            output.path.relative_to(Path.cwd().resolve())
            if output.path.is_relative_to(Path.cwd().resolve())
            else output.path
        )
        typer.echo(f"wrote {shown} ({output.size:,} bytes)")
    typer.echo(_preflight_summary(outputs))


def _preflight_summary(outputs: list) -> str:  # noqa: ANN001
    """One line: the preflight findings of the layouts this build made."""
    counts: dict[str, int] = {}
    for output in outputs:
        if output.findings:
            counts[output.edition] = counts.get(output.edition, 0) + len(output.findings)
    if not counts:
        return "preflight: no findings"
    listed = ", ".join(f"{edition} {count}" for edition, count in counts.items())
    return f"preflight: {sum(counts.values())} findings ({listed}); details: guidebuilder preflight {' '.join(counts)}"


@app.command()
def preflight(
    editions: Annotated[Optional[list[str]], typer.Argument(help="Edition ids, e.g. en-GB.")] = None,
    all_editions: Annotated[bool, typer.Option("--all", help="Check every edition.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 when there is any finding.")] = False,
    online: Annotated[bool, typer.Option("--online", help="Fetch every cited URL (HEAD, then GET).")] = False,
    report: Annotated[
        bool, typer.Option("--report", help="Write dist/<edition>/preflight.html and preflight.json.")
    ] = False,
    out: Annotated[
        Optional[Path], typer.Option("--out", help="Output folder (default: dist/).", file_okay=False)
    ] = None,
    project: ProjectOption = Path("."),
) -> None:
    """Check the laid-out pages and PDFs for layout and print problems (profile: preflight/profile.py)."""
    from .preflight.run import preflight as run_preflight

    results = _run(run_preflight, _project(project, out), editions or (), all_editions, online, report)
    findings = [finding for result in results for finding in result.findings]
    for finding in findings:
        typer.echo(finding.line())
    typer.echo(f"preflight: {len(findings)} findings in {len(results)} editions")
    if strict and findings:
        raise typer.Exit(1)


@app.command()
def clean(
    out: Annotated[
        Optional[Path], typer.Option("--out", help="Output folder (default: dist/).", file_okay=False)
    ] = None,
    project: ProjectOption = Path("."),
) -> None:
    """Remove what builds wrote to the output folder (per its manifest); leave anything else."""
    from .publish import clean as run_clean

    removed = _run(run_clean, _project(project, out))
    typer.echo(f"removed {len(removed)} files")


def run() -> None:
    """Console-script entry point."""
    sys.exit(app())
