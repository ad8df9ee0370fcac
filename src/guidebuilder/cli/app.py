"""The guidebuilder command line: a thin typer layer over the library."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from .. import __version__

app = typer.Typer(
    help="Build regional editions of the customs officer career guide.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # click's plain help: formatting it with rich would double the start-up time
)

ProjectOption = Annotated[
    Path, typer.Option("--project", "-C", help="Project folder holding guide/ and layouts/.", file_okay=False)
]


def _version(value: bool) -> None:  # a plain bool flag: nothing for typer to coerce
    if value:
        typer.echo(f"guidebuilder {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Build regional editions of the customs officer career guide."""


def _fail(exc: Exception) -> None:
    """Print a library error without a traceback and exit 1 (2 for usage errors)."""
    from ..errors import ContentError, UsageError

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
    from ..errors import GuideError

    try:
        return action(*args, **kwargs)
    except GuideError as exc:
        _fail(exc)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        raise typer.Exit(130) from None


def _say_waiting(message: str) -> None:
    """Tell the user this command waits for another one writing to the output folder."""
    typer.echo(message, err=True)


def _project(root: Path, out: Optional[Path] = None, layouts: tuple[Path, ...] = (), booklet=None):  # noqa: ANN001, ANN202
    from ..project import Project

    return _run(Project.existing, root, out, layouts, booklet)


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
    cache: Annotated[
        bool, typer.Option("--cache/--no-cache", help="Replay the last check when no input has changed since.")
    ] = True,
    project: ProjectOption = Path("."),
) -> None:
    """Validate every section, edition and string file."""
    from ..proof.checkcache import check_outcome

    outcome = _run(check_outcome, _project(project), cache)
    findings = outcome.findings
    for note in findings.acknowledged:  # listed, never an error: a page shows no date and says why it is cited
        typer.echo(str(note), err=True)
    _run(findings.raise_for, strict)
    for warning in findings.warnings:
        typer.echo(str(warning), err=True)
    acknowledged = f", {len(findings.acknowledged)} acknowledged" if findings.acknowledged else ""
    typer.echo(
        f"ok: {outcome.sections} sections, {outcome.editions} editions, {len(findings.warnings)} warnings{acknowledged}"
    )


@app.command("list")
def list_editions(project: ProjectOption = Path(".")) -> None:
    """List the editions: id, country, language, paper."""
    from rich.console import Console
    from rich.table import Table

    from ..content.guide import load_guide
    from ..editions.locale import country_name

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
    from ..proof.explain import explain as run_explain

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
        typer.Option(
            "--format", "-f", help="pdf, print, booklet, epub, web, html, poster, poster-print; repeat for several."
        ),
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
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print errors only: no progress, no file list.")] = False,
    shard: Annotated[
        Optional[str],
        typer.Option("--shard", help="Build share K of N (e.g. 2/4) into shards/K-of-N/; `merge` joins the shares."),
    ] = None,
    project: ProjectOption = Path("."),
) -> None:
    """Build editions (default: the guide's default edition) into dist/<edition>/."""
    from ..pipeline.shard import Shard
    from ..pipeline.workers import pool_size, worker_pool
    from ..project import BookletSettings

    booklet = BookletSettings(_millimetres(creep, "--creep"), marks, _millimetres(sheet_margin, "--sheet-margin"))
    _run(_names, editions or (), country)
    part = _run(Shard.parse, shard) if shard is not None else None
    if part and out is None:
        out = project / "shards" / f"{part.index}-of-{part.count}"
    proj = _project(project, out, tuple(layouts or ()), booklet)
    workers = _run(pool_size, len(editions or ()), all_editions or bool(country))
    with worker_pool(workers) as pool:
        from ..pipeline.build import build as run_build  # the workers import WeasyPrint meanwhile
        from .progress import progress_display

        with progress_display(quiet) as observer:
            chosen = editions or ()
            outputs = _run(
                run_build, proj, chosen, formats or (), all_editions, country, pool=pool, observer=observer, shard=part
            )
    for output in [] if quiet else outputs:
        typer.echo(f"wrote {_shown(output.path)} ({output.size:,} bytes)")
    summary = _preflight_summary(outputs)
    if summary or not quiet:
        typer.echo(summary or "preflight: no findings")


def _names(editions: list[str], country: Optional[str]) -> None:
    """Edition ids and a country as named: plain names (light: before the workers start)."""
    from ..content.arguments import country_code, edition_id

    for name in editions:
        edition_id(name)
    if country is not None:
        country_code(country)


def _language(language: str) -> str:
    """A language code as named, checked before the guide is read."""
    from ..content.arguments import language_code

    return _run(language_code, language)


def _shown(path: Path) -> Path:
    """A path relative to the current folder when it is inside it."""
    here = Path.cwd().resolve()
    return path.relative_to(here) if path.is_relative_to(here) else path


@app.command()
def merge(
    shards: Annotated[
        list[Path], typer.Argument(help="The folders of every shard (build --shard K/N), e.g. shards/*.")
    ],
    out: Annotated[
        Optional[Path], typer.Option("--out", help="Output folder (default: dist/).", file_okay=False)
    ] = None,
    layouts: Annotated[
        Optional[list[Path]], typer.Option("--layouts", help="Extra layout folder searched first (as in build).")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print errors only.")] = False,
    project: ProjectOption = Path("."),
) -> None:
    """Assemble dist/ from the shards of one build: outputs, manifest, checksums, download page, web download lists."""
    from ..pipeline.merge import merge as run_merge

    written = _run(run_merge, _project(project, out, tuple(layouts or ())), shards, _say_waiting)
    for path in [] if quiet else written:
        typer.echo(f"wrote {_shown(path)} ({path.stat().st_size:,} bytes)")
    if not quiet:
        typer.echo(f"merged {len(shards)} shards")


def _preflight_summary(outputs: list) -> str:  # noqa: ANN001
    """One line: the preflight findings of the layouts this build made (empty when there are none)."""
    counts: dict[str, int] = {}
    for output in outputs:
        if output.findings:
            counts[output.edition] = counts.get(output.edition, 0) + len(output.findings)
    if not counts:
        return ""
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
    from ..pipeline.workers import default_jobs, worker_pool

    _run(_names, editions or (), None)
    proj = _project(project, out)
    with worker_pool(default_jobs()) as pool:
        from ..pipeline.preflight import preflight as run_preflight  # the workers import WeasyPrint meanwhile

        chosen = editions or ()
        results = _run(run_preflight, proj, chosen, all_editions, online, report, pool, waiting=_say_waiting)
    findings = [finding for result in results for finding in result.findings]
    for finding in findings:
        typer.echo(finding.line())
    typer.echo(f"preflight: {len(findings)} findings in {len(results)} editions")
    if strict and findings:
        raise typer.Exit(1)


translations_app = typer.Typer(help="Translators' PO files: export (update), status, diff.", no_args_is_help=True)
app.add_typer(translations_app, name="translations")


def _source(project: Path):  # noqa: ANN202
    from ..content.guide import load_source

    return _run(load_source, _project(project).guide_dir)


@translations_app.command("export")
def translations_export(
    language: Annotated[str, typer.Argument(help="Language code, e.g. fr.")], project: ProjectOption = Path(".")
) -> None:
    """Write or update guide/translations/<lang>.po: changed units become fuzzy, new ones untranslated."""
    from ..i18n.translators import export, status_line

    _language(language)
    path, states = _run(export, _source(project), language)
    typer.echo(f"wrote {path.name}: {status_line(language, states)}")


@translations_app.command("status")
def translations_status(project: ProjectOption = Path(".")) -> None:
    """How much of each language is translated, fuzzy or untranslated."""
    from ..content.translations import source_units

    guide = _source(project)
    units = source_units(guide.sections, guide.meta, guide.origins)
    typer.echo(f"{'language':<10}{'units':>7}{'translated':>12}{'fuzzy':>7}{'untranslated':>14}")
    for language, catalog in sorted(guide.catalogs.items()):
        states = [catalog.state(u) for u in units]
        done = states.count("translated")
        typer.echo(
            f"{language:<10}{len(units):>7}{f'{done} ({100 * done // len(units)}%)':>12}"
            f"{states.count('fuzzy'):>7}{states.count('untranslated'):>14}"
        )


@translations_app.command("diff")
def translations_diff(
    language: Annotated[str, typer.Argument(help="Language code, e.g. fr.")], project: ProjectOption = Path(".")
) -> None:
    """For each fuzzy unit: the source's change since it was translated, word by word ([-old-] {+new+})."""
    from ..i18n.translators import fuzzy_changes, word_diff

    _language(language)
    for unit, before, after in _run(fuzzy_changes, _source(project), language):
        typer.echo(f"{unit.path}:{unit.line}: {unit.context}\n  {word_diff(before, after)}")


@app.command("new-language")
def new_language(
    language: Annotated[str, typer.Argument(help="Language code, e.g. es.")], project: ProjectOption = Path(".")
) -> None:
    """Start guide/translations/<lang>.po (every unit untranslated) and guide/strings/<lang>.yaml (marked TODO)."""
    from ..i18n.translators import new_language as run_new_language

    _language(language)
    for path in _run(run_new_language, _source(project), language):
        typer.echo(f"wrote {path.name}")


@app.command("new-edition")
def new_edition(
    tag: Annotated[str, typer.Argument(help="The new edition's BCP 47 tag, language-REGION, e.g. en-NZ.")],
    from_edition: Annotated[
        Optional[str], typer.Option("--from", help="Copy the layout and structure (not the facts) of this edition.")
    ] = None,
    project: ProjectOption = Path("."),
) -> None:
    """Start guide/editions/<tag>.yaml: every field check asks for, each value to fill in marked TODO."""
    from ..editions.scaffold import new_edition as run_new_edition

    made = _run(run_new_edition, _project(project).guide_dir, tag, from_edition)
    shown = made.path.relative_to(Path.cwd().resolve()) if made.path.is_relative_to(Path.cwd().resolve()) else made.path
    typer.echo(f"wrote {shown}: {made.to_fill} values marked TODO to fill in; `guidebuilder check` lists them")
    for note in made.notes:
        typer.echo(f"note: {note}")


@app.command()
def preview(
    edition: Annotated[Optional[str], typer.Argument(help="Edition to show first.")] = None,
    port: Annotated[int, typer.Option("--port", help="Port on 127.0.0.1 (0: any free port).", min=0, max=65535)] = 8000,
    open_browser: Annotated[bool, typer.Option("--open/--no-open", help="Open the preview in a web browser.")] = True,
    layouts: Annotated[
        Optional[list[Path]], typer.Option("--layouts", help="Extra layout folder searched first.")
    ] = None,
    project: ProjectOption = Path("."),
) -> None:
    """Serve a live preview on http://127.0.0.1:PORT/: pages, spreads and text, updated as you edit."""
    from ..preview.server import serve

    _run(serve, _project(project, layouts=tuple(layouts or ())), edition, port, open_browser, typer.echo)


@app.command()
def clean(
    out: Annotated[
        Optional[Path], typer.Option("--out", help="Output folder (default: dist/).", file_okay=False)
    ] = None,
    project: ProjectOption = Path("."),
) -> None:
    """Remove what builds wrote to the output folder (per its manifest) and preflight reports; keep the rest."""
    from ..pipeline.publish import clean as run_clean

    removed = _run(run_clean, _project(project, out), _say_waiting)
    typer.echo(f"removed {len(removed)} files")
