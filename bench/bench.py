"""guidebuilder benchmark: stages, the WeasyPrint floor, hostile text, parallel builds, scaling, no-op make, sizes,
and publishing at scale (`scale`: 6 and 60 editions, build shards).

Run with `make bench` (every step; prints a table and writes dist/bench.json), or one step or a few with
`python bench/bench.py floor check` or `BENCH_ONLY=floor,check` (prints their part of the table). Times are
medians of several runs; every ratio compares numbers measured in this run on this machine.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
GB = str(VENV_BIN / "guidebuilder")
EDITION = os.environ.get("BENCH_EDITION", "en-GB")
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
HEAVY_RUNS = max(3, int(os.environ.get("BENCH_HEAVY_RUNS", "3")))  # medians need at least 3
SCALES = tuple(int(x) for x in os.environ.get("BENCH_SCALES", "1,4,16").split(","))
EDITION_COUNTS = tuple(int(x) for x in os.environ.get("BENCH_EDITIONS", "6,60").split(","))
SHARDS = int(os.environ.get("BENCH_SHARDS", "4"))
SCALE_RUNS = {6: HEAVY_RUNS}  # builds of more editions run once: 60 editions take minutes on two cores
ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}
# An installed program runs from its cached bytecode; with PYTHONDONTWRITEBYTECODE set, every run of a
# module never compiled before would compile it again and the bench would time the compiler.
ENV.pop("PYTHONDONTWRITEBYTECODE", None)


def timed(action: Callable[[], object], runs: int = RUNS) -> tuple[float, object]:
    """The median wall time of action over runs, and its last result."""
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def paired(first: Callable[[], object], second: Callable[[], object], runs: int) -> dict[str, list[float]]:
    """Time two actions in adjacent pairs (alternating which goes first), so that a load that comes and goes
    on a shared machine weighs on both alike: the wall times of each, the per-pair ratios, and the same for
    the CPU time of the processes they ran (steadier than wall time on a busy machine)."""
    wall: list[list[float]] = []
    cpu: list[list[float]] = []
    for index in range(runs):
        order = (0, 1) if index % 2 == 0 else (1, 0)
        wall.append([0.0, 0.0])
        cpu.append([0.0, 0.0])
        for which in order:
            used, start = children_cpu(), time.perf_counter()
            (first, second)[which]()
            wall[-1][which] = time.perf_counter() - start
            cpu[-1][which] = children_cpu() - used
    return {
        "first_s": [a for a, _ in wall],
        "second_s": [b for _, b in wall],
        "ratios": [b / a for a, b in wall],
        "first_cpu_s": [a for a, _ in cpu],
        "second_cpu_s": [b for _, b in cpu],
        "cpu_ratios": [b / a for a, b in cpu],
    }


def children_cpu() -> float:
    """User and system CPU seconds of every finished child process (and theirs) so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(*args: str, cwd: Path = ROOT) -> None:
    """Run a command, failing loudly."""
    subprocess.run(args, cwd=cwd, env=ENV, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def stages() -> dict[str, object]:
    """Per-stage times of one edition, in this process (imports and caches warmed up first)."""
    from guidebuilder.editions.resolve import resolve
    from guidebuilder.pipeline.publish import publish
    from guidebuilder.project import Project, build_date
    from guidebuilder.proof.validate import validate
    from guidebuilder.writers import epub, layout, pdf
    from guidebuilder.writers.booklet import impose
    from guidebuilder.writers.render import booklet_html

    os.environ["SOURCE_DATE_EPOCH"] = ENV["SOURCE_DATE_EPOCH"]
    out = Path(tempfile.mkdtemp(prefix="bench-stages-"))
    project = Project.at(ROOT, out)
    layout.lay_out(pdf.download_job(resolve(validate(project).guide, EDITION, build_date(project)), project))  # warm-up
    result: dict[str, float] = {}
    result["load + validate"], checked = timed(lambda: validate(project, proofread=True))
    guide = checked.guide
    result["proofread, cached"], result["proofread, cold"] = proofread(project)
    today = build_date(project)
    result["resolve"], book = timed(lambda: resolve(guide, EDITION, today))
    result["render HTML"], _ = timed(lambda: booklet_html(book, project.search_path))
    job = pdf.download_job(book, project)
    result["PDF layout"], document = timed(lambda: layout.render(job))
    result["PDF write"], data = timed(lambda: document.write_pdf(pdf_variant=pdf.DOWNLOAD_VARIANT))
    result["print PDF"], _ = timed(lambda: layout.lay_out(pdf.print_job(book, project)))
    result["imposition"], _ = timed(lambda: impose(data, book.edition.paper))
    result["EPUB"], _ = timed(lambda: epub.write(book, project))
    (out / EDITION).mkdir(parents=True, exist_ok=True)
    (out / EDITION / f"{guide.meta.slug}-{EDITION}.pdf").write_bytes(data)
    books = [resolve(guide, e, today) for e in guide.editions]
    result["publish"], _ = timed(lambda: publish(project, guide.meta, books, [EDITION], today))
    pages = len(document.pages)
    shutil.rmtree(out)
    return {
        "edition": EDITION,
        "seconds": result,
        "pages": pages,
        "pages_per_second": pages / (result["PDF layout"] + result["PDF write"]),
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def proofread(project: object) -> tuple[float, float]:
    """Spell check and glossary of every edition: with the word-verdict cache, and with an empty one."""
    from guidebuilder.proof.glossary import glossary_problems
    from guidebuilder.proof.spellcheck import spelling_problems
    from guidebuilder.proof.validate import validate

    checked = validate(project)

    def run_checks() -> object:
        return spelling_problems(checked.guide, checked.books) + glossary_problems(checked.guide, checked.books)

    cached, _ = timed(run_checks)
    saved = os.environ.get("XDG_CACHE_HOME")
    cold_times = []
    for _ in range(RUNS):
        os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="bench-spelling-")
        cold_times.append(timed(run_checks, 1)[0])
        shutil.rmtree(os.environ["XDG_CACHE_HOME"])
    if saved is None:
        os.environ.pop("XDG_CACHE_HOME")
    else:
        os.environ["XDG_CACHE_HOME"] = saved
    return cached, statistics.median(cold_times)


# WeasyPrint's Python API on the writer's own HTML and stylesheet, in a fresh interpreter like ours: the
# floor our build stands on (the `weasyprint` command's own start-up would hide the cost of ours).
FLOOR_PROGRAM = """
import sys
from weasyprint import CSS, HTML
html, base, css, variant, out = sys.argv[1:]
document = HTML(filename=html, base_url=base).render(stylesheets=[CSS(filename=css)], pdf_tags=True)
document.write_pdf(out, pdf_variant=variant)
"""
FLOOR_PAIRS = max(11, int(os.environ.get("BENCH_FLOOR_PAIRS", "11")))


def spread(values: list[float]) -> dict[str, float]:
    """Minimum, quartiles and maximum."""
    q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return {"min": min(values), "q1": q1, "median": median, "q3": q3, "max": max(values)}


def floor() -> dict[str, object]:
    """`guidebuilder build EDITION --format pdf` against WeasyPrint's Python API laying out the same final HTML
    (the writer's own layout job: its HTML, stylesheet and PDF variant), each in a fresh process, in pairs."""
    from guidebuilder.editions.resolve import resolve
    from guidebuilder.project import Project, build_date
    from guidebuilder.proof.validate import validate
    from guidebuilder.writers import pdf

    work = Path(tempfile.mkdtemp(prefix="bench-floor-"))
    os.environ["SOURCE_DATE_EPOCH"] = ENV["SOURCE_DATE_EPOCH"]
    project = Project.at(ROOT, work / "dist")
    job = pdf.download_job(resolve(validate(project).guide, EDITION, build_date(project)), project)
    page = work / "guide.html"
    page.write_text(job.html, encoding="utf-8")
    weasy = [sys.executable, "-c", FLOOR_PROGRAM, str(page), job.base_url, str(job.stylesheet), job.variant]
    weasy.append(str(work / "floor.pdf"))
    ours = [GB, "build", EDITION, "--format", "pdf", "--quiet", "--out", str(work / "dist")]
    run(*weasy)  # warm the page cache for both
    run(*ours)
    pairs = paired(lambda: run(*weasy), lambda: run(*ours), FLOOR_PAIRS)
    help_s, _ = timed(lambda: run(GB, "--help"), max(RUNS, 7))
    shutil.rmtree(work)
    return {
        "weasyprint_api_s": spread(pairs["first_s"]),
        "guidebuilder_pdf_s": spread(pairs["second_s"]),
        "ratio": spread(pairs["ratios"]),
        "pair_ratios": pairs["ratios"],
        "weasyprint_api_cpu_s": spread(pairs["first_cpu_s"]),
        "guidebuilder_pdf_cpu_s": spread(pairs["second_cpu_s"]),
        "cpu_ratio": spread(pairs["cpu_ratios"]),
        "help_s": help_s,
    }


def check() -> dict[str, object]:
    """`guidebuilder check` of a copy of the guide, each in a fresh process: cold (`--no-cache`) after a section
    was edited, and of a guide unchanged since its last check (the outcome replayed)."""
    work = Path(tempfile.mkdtemp(prefix="bench-check-"))
    shutil.copytree(ROOT / "guide", work / "guide")
    section = next((work / "guide" / "sections").glob("*.md"))
    original = section.read_text()
    env = {**ENV, "XDG_CACHE_HOME": str(work / "cache")}
    edits = iter(range(1_000_000))

    def gb_check(*options: str) -> None:
        subprocess.run((GB, "check", "-C", str(work), *options), env=env, check=True, capture_output=True)

    def check_after_edit() -> None:
        section.write_text(original + f"\nEdited for the benchmark, run {next(edits)}.\n")
        gb_check("--no-cache")

    runs = max(RUNS, 9)
    try:
        cold_s, _ = timed(check_after_edit, runs)
        gb_check()
        unchanged_s, _ = timed(gb_check, runs)
    finally:
        shutil.rmtree(work)
    return {"after_edit_s": cold_s, "unchanged_s": unchanged_s}


def glance() -> dict[str, object]:
    """What the at-a-glance page costs: the booklet's PDF layout with and without it (paired runs, in process),
    its HTML rendering, and drawing each chart (the layout measured with the bundled font)."""
    from dataclasses import replace

    from guidebuilder.project import Project
    from guidebuilder.proof.validate import validate
    from guidebuilder.writers import layout, pdf
    from guidebuilder.writers.charts import ChartMaker
    from guidebuilder.writers.render import booklet_html

    os.environ["SOURCE_DATE_EPOCH"] = ENV["SOURCE_DATE_EPOCH"]
    project = Project.at(ROOT, Path(tempfile.mkdtemp(prefix="bench-glance-")))
    book = validate(project).books[EDITION]
    bare = replace(book, glance=None)
    pages = {}

    def lay_out(b: object, name: str) -> None:
        pages[name] = layout.lay_out(pdf.download_job(b, project)).pages

    lay_out(book, "with")  # warm-up
    pairs = paired(lambda: lay_out(bare, "without"), lambda: lay_out(book, "with"), max(HEAVY_RUNS, 5))
    html_with, _ = timed(lambda: booklet_html(book, project.search_path), max(RUNS, 9))
    html_without, _ = timed(lambda: booklet_html(bare, project.search_path), max(RUNS, 9))
    charts = [c for c in (book.glance.pay, book.glance.path) if c] if book.glance else []
    maker = ChartMaker(project.search_path)
    labels = {"apply": book.strings.apply, "training": book.strings.training}

    def draw() -> None:
        if book.glance.pay:
            maker.pay(book.glance.pay, "A5")
        if book.glance.path:
            maker.path(book.glance.path, "A5", labels)

    draw_s, _ = timed(draw, max(RUNS, 9))
    shutil.rmtree(project.out)
    return {
        "layout_without_s": pairs["first_s"],
        "layout_with_s": pairs["second_s"],
        "layout_ratio": pairs["ratio"],
        "pages_without": pages["without"],
        "pages_with": pages["with"],
        "html_added_ms": (html_with - html_without) * 1000,
        "charts": len(charts),
        "draw_ms_per_chart": draw_s * 1000 / max(1, len(charts)),
    }


def slow_inputs() -> dict[str, object]:
    """`check --no-cache` and `build --format web` of the fixture project with a 200 kB run without spaces in each
    kind of text path (tests/slow_inputs.py): wall and CPU seconds per run, each command in a fresh process."""
    sys.path.insert(0, str(ROOT))
    from tests.slow_inputs import PAYLOADS, hostile_project

    rows = {}
    for name, unit in PAYLOADS.items():
        work = Path(tempfile.mkdtemp(prefix=f"bench-slow-{name}-"))
        root = hostile_project(work, ROOT / "tests" / "fixtures" / "project", ROOT / "layouts", unit)
        row = {}
        for command in (("check", "--no-cache"), ("build", "en-GB", "--format", "web", "-q")):
            used = children_cpu()
            wall_s, _ = timed(lambda c=command, r=root: run(GB, *c, "-C", str(r)), 1)
            row[command[0]] = {"wall_s": wall_s, "cpu_s": children_cpu() - used}
        rows[name] = row
        shutil.rmtree(work)
    return rows


def all_vs_separate() -> dict[str, object]:
    """`build --all` (every format, parallel workers) against the sum of one process per edition."""
    from guidebuilder.content.guide import load_guide

    editions = list(load_guide(ROOT / "guide").editions)
    work = Path(tempfile.mkdtemp(prefix="bench-all-"))
    all_s, _ = timed(lambda: run(GB, "build", "--all", "--out", str(work / "all")), HEAVY_RUNS)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    separate = {}
    for edition in editions:
        separate[edition], _ = timed(lambda e=edition: run(GB, "build", e, "--out", str(work / "one")), HEAVY_RUNS)
    total = sum(separate.values())
    manifest = json.loads((work / "all" / "manifest.json").read_text())
    sizes = {f"{e['edition']} {e['format']}": e["bytes"] for e in manifest["entries"]}
    shutil.rmtree(work)
    return {
        "all_s": all_s,
        "separate_s": separate,
        "separate_sum_s": total,
        "ratio": all_s / total,
        "workers": os.cpu_count(),
        "peak_rss_children_mib": max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024,
        "sizes_bytes": sizes,
    }


def scaled_project(factor: int, into: Path) -> Path:
    """A copy of the guide, English editions only, with every section repeated factor times."""
    shutil.copytree(ROOT / "guide", into / "guide", ignore=shutil.ignore_patterns("translations"))
    shutil.copytree(ROOT / "layouts", into / "layouts")
    for edition in (into / "guide" / "editions").glob("*.yaml"):
        if not edition.stem.startswith("en-"):
            edition.unlink()
    meta_path = into / "guide" / "guide.yaml"
    meta = yaml.safe_load(meta_path.read_text())
    meta["default_edition"] = EDITION
    order = list(meta["sections"])
    sections = into / "guide" / "sections"
    for copy in range(2, factor + 1):
        for source in sorted(sections.glob("[0-9]*.md")):
            text = source.read_text()
            sid = yaml.safe_load(text.split("---")[1])["id"]
            new_id = f"{sid}-copy{copy}"
            (sections / f"x{copy:02d}-{source.name}").write_text(text.replace(f"id: {sid}\n", f"id: {new_id}\n", 1))
            order.append(new_id)
    meta["sections"] = order
    meta_path.write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False))
    return into


def scaling() -> dict[str, object]:
    """Layout + write time per page at x1, x4, x16 the content (in process, so start-up does not count)."""
    from guidebuilder.project import Project
    from guidebuilder.proof.validate import validate
    from guidebuilder.writers import layout, pdf

    os.environ["SOURCE_DATE_EPOCH"] = ENV["SOURCE_DATE_EPOCH"]
    rows = {}
    for factor in SCALES:
        work = Path(tempfile.mkdtemp(prefix=f"bench-x{factor}-"))
        project = Project.at(scaled_project(factor, work), work / "dist")
        book = validate(project).books[EDITION]

        def render(b=book, p=project) -> int:
            return layout.lay_out(pdf.download_job(b, p)).pages

        seconds, pages = timed(render, HEAVY_RUNS)
        rows[f"x{factor}"] = {"seconds": seconds, "pages": pages, "seconds_per_page": seconds / pages}
        shutil.rmtree(work)
    base = rows[f"x{SCALES[0]}"]["seconds_per_page"]
    for row in rows.values():
        row["per_page_vs_x1"] = row["seconds_per_page"] / base
    return rows


def noop_make() -> dict[str, float]:
    """Wall time of `make editions` when everything is up to date."""
    subprocess.run(["make", "-s", "editions"], cwd=ROOT, env=ENV, check=True, stdout=subprocess.DEVNULL)
    seconds, _ = timed(lambda: run("make", "-s", "editions"), max(RUNS, 5))
    return {"noop_make_editions_s": seconds}


def preview() -> dict[str, object]:
    """`guidebuilder preview`: from saving a section to the updated Text view and Pages, against the PDF layout."""
    from guidebuilder.preview.server import Preview
    from guidebuilder.project import Project
    from guidebuilder.proof.validate import validate
    from guidebuilder.writers import layout, pdf

    os.environ["SOURCE_DATE_EPOCH"] = ENV["SOURCE_DATE_EPOCH"]
    work = Path(tempfile.mkdtemp(prefix="bench-preview-"))
    shutil.copytree(ROOT / "guide", work / "guide")
    shutil.copytree(ROOT / "layouts", work / "layouts")
    project = Project.at(work, work / "dist")
    book = validate(project).books[EDITION]
    layout_s, _ = timed(lambda: layout.lay_out(pdf.download_job(book, project)))
    server = Preview(project, EDITION, port=0).start()

    def state() -> dict:
        view = server.state.view(EDITION)  # what state.json would say, without the polling's own cost
        problems = server.state.problems
        return {
            "text_version": view.text_version,
            "pages_version": view.pages_version,
            "laying_out": view.laying_out,
            "problems": problems,
        }

    def until(ready: Callable[[dict], bool], since: float) -> float:
        while not ready(current := state()):
            if time.perf_counter() - since > 120:
                raise TimeoutError(f"preview did not update: {current['problems']}")
            time.sleep(0.02)
        return time.perf_counter() - since

    section = sorted((work / "guide" / "sections").glob("[0-9]*.md"))[0]
    try:
        until(lambda s: s["pages_version"] >= 1 and not s["laying_out"], time.perf_counter())
        text_times, pages_times = [], []
        for run_number in range(RUNS):
            before = state()
            section.write_text(section.read_text() + f"\nEdited for the benchmark, run {run_number}.\n")
            saved = time.perf_counter()
            text_times.append(until(lambda s, b=before: s["text_version"] > b["text_version"], saved))
            pages_times.append(
                until(lambda s, b=before: s["pages_version"] > b["pages_version"] and not s["laying_out"], saved)
            )
    finally:
        server.close()
        shutil.rmtree(work)
    text_s, pages_s = statistics.median(text_times), statistics.median(pages_times)
    return {"save_to_text_s": text_s, "save_to_pages_s": pages_s, "pdf_layout_s": layout_s, "ratio": pages_s / layout_s}


# Tags of the synthetic editions, each a real language-REGION pair in the guide's three languages; an edition
# of each is started with `new-edition --from` the shipped edition of its language and filled with that
# edition's values (bench data only: written to a temporary folder and removed, never committed or published).
SYNTHETIC_TAGS = {
    "en": "NZ IE ZA IN SG JM MT PH NG KE GH BW ZM ZW UG TZ RW MU FJ BS BB TT BZ GY LR SL GM NA LS SZ MW PG SB VU WS TO",
    "fr": "FR BE CH LU MC SN CI ML BF NE TG BJ",
    "de": "AT CH LI LU BE IT",
}
FROM_EDITIONS = {"en": ("en-US", "en-GB", "en-CA", "en-AU"), "fr": ("fr-CA",), "de": ("de-DE",)}


def synthetic_guide(count: int, into: Path) -> Path:
    """A copy of the guide and layouts with count editions: the shipped ones, then new ones made by
    `new-edition TAG --from EDITION` with every TODO filled from that edition's file."""
    from guidebuilder.editions.scaffold import new_edition

    shutil.copytree(ROOT / "guide", into / "guide")
    shutil.copytree(ROOT / "layouts", into / "layouts")
    editions = into / "guide" / "editions"
    tags = [(lang, f"{lang}-{c}") for lang, countries in SYNTHETIC_TAGS.items() for c in countries.split()]
    extra = count - len(list(editions.glob("*.yaml")))
    if extra > len(tags):
        raise SystemExit(f"at most {len(tags) + 6} editions: add tags to SYNTHETIC_TAGS")
    for number, (lang, tag) in enumerate(tags[: max(0, extra)]):
        source = FROM_EDITIONS[lang][number % len(FROM_EDITIONS[lang])]
        made = new_edition(into / "guide", tag, source).path
        original = yaml.safe_load((editions / f"{source}.yaml").read_text(encoding="utf-8"))
        started = yaml.safe_load(made.read_text(encoding="utf-8"))
        started.pop("sources")  # one TODO entry: the facts cite the original's sources, copied whole
        data = filled(started, original)
        data.update(sources=original["sources"], currency=original["currency"])  # its figures' own currency
        made.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return into


def has_todo(value: object) -> bool:
    """Whether a value still holds a TODO anywhere."""
    if isinstance(value, dict):
        return any(has_todo(v) for v in value.values())
    if isinstance(value, list):
        return any(has_todo(v) for v in value)
    return isinstance(value, str) and value.startswith("TODO")


def filled(new: object, original: object) -> object:
    """The new edition's data with each TODO value replaced by the original's value at the same place."""
    if isinstance(new, dict):
        known = original if isinstance(original, dict) else {}
        # A field the original leaves out (an optional one the scaffold offers) is left out too.
        return {k: filled(v, known.get(k)) for k, v in new.items() if k in known or not has_todo(v)}
    if isinstance(new, list):
        if any(isinstance(v, str) and v.startswith("TODO") for v in new):
            return original
        return [filled(v, original[i] if isinstance(original, list) else None) for i, v in enumerate(new)]
    if isinstance(new, str) and new.startswith("TODO"):
        if original is None:
            raise ValueError(f"nothing to fill {new!r} with")
        return original
    return new


# Runs the command line as `guidebuilder` does, then reports the peak RSS of this process (the main one) and of
# its largest child (a layout worker: the pool's workers are joined before the command returns) and their CPU time.
MEASURED_CLI = """
import json, os, resource, sys
from guidebuilder.__main__ import _command
sys.argv = ["guidebuilder", *sys.argv[1:]]
code = _command()
me, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
report = {"exit": code, "main_rss_mib": me.ru_maxrss / 1024, "worker_rss_mib": workers.ru_maxrss / 1024,
          "cpu_s": me.ru_utime + me.ru_stime + workers.ru_utime + workers.ru_stime}
with open(os.environ["BENCH_RUSAGE_REPORT"], "w") as file:
    json.dump(report, file)
"""


def measured(*args: str, cwd: Path) -> dict[str, float]:
    """Run `guidebuilder ARGS` in a fresh process: its wall time, CPU time and peak memory (main, worker)."""
    with tempfile.TemporaryDirectory(prefix="bench-rusage-") as folder:
        report = Path(folder) / "rusage.json"
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", MEASURED_CLI, *args],
            cwd=cwd,
            env={**ENV, "BENCH_RUSAGE_REPORT": str(report)},
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        wall = time.perf_counter() - start
        result = json.loads(report.read_text())
    if result.pop("exit") not in (0, None):
        raise RuntimeError(f"guidebuilder {' '.join(args)} failed")
    return {"wall_s": wall, **result}


def build_all(root: Path, out: Path, runs: int) -> dict[str, object]:
    """`build --all` (default formats) into out: medians of runs, per output, and peak memory."""
    rows = []
    for _ in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        rows.append(measured("build", "--all", "--quiet", "--out", str(out), cwd=root))
    outputs = len(json.loads((out / "manifest.json").read_text())["entries"])
    median = {key: statistics.median(row[key] for row in rows) for key in rows[0]}
    return {
        "outputs": outputs,
        "runs": runs,
        **median,
        "wall_per_output_s": median["wall_s"] / outputs,
        "cpu_per_output_s": median["cpu_s"] / outputs,
    }


def sharded(root: Path, work: Path, full: Path, count: int) -> dict[str, object]:
    """Each of count shards built alone (as one CI runner would), then merged: the wall time of each, the
    slowest (what the CI matrix waits for), the plan's expected balance, and whether the merge equals full."""
    from guidebuilder.pipeline.shards import plan, unit_costs
    from guidebuilder.project import Project
    from guidebuilder.proof.validate import validate
    from guidebuilder.writers import DEFAULT_FORMATS

    rows = []
    for index in range(1, count + 1):
        out = str(work / str(index))
        rows.append(measured("build", "--all", "--quiet", "--shard", f"{index}/{count}", "--out", out, cwd=root))
    merge = measured(
        "merge", "--quiet", "--out", str(work / "dist"), *(str(work / str(i + 1)) for i in range(count)), cwd=root
    )
    os.environ["SOURCE_DATE_EPOCH"] = ENV["SOURCE_DATE_EPOCH"]
    checked = validate(Project.at(root))
    costs = unit_costs(checked.books, checked.guide.editions, DEFAULT_FORMATS)
    shares = plan(checked.books, checked.guide.editions, DEFAULT_FORMATS, count)
    expected = [sum(costs[unit] for unit in share) for share in shares]
    walls = [row["wall_s"] for row in rows]
    return {
        "shards": count,
        "wall_s": walls,
        "slowest_s": max(walls),
        "largest_vs_average": max(walls) / statistics.mean(walls),
        "expected_largest_vs_average": max(expected) / statistics.mean(expected),
        "outputs_per_shard": [sum(len(group) for _, group in share) for share in shares],
        "worker_rss_mib": max(row["worker_rss_mib"] for row in rows),
        "main_rss_mib": max(row["main_rss_mib"] for row in rows),
        "merge_s": merge["wall_s"],
        "merged_identical_to_full": files_of(work / "dist") == files_of(full),
    }


def files_of(root: Path) -> dict[str, bytes]:
    """Every file under root by relative path."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def format_costs() -> dict[str, object]:
    """CPU time of each format's work for one edition (the layout jobs it is first to need, then its finishing),
    against the download PDF's layout: what writers.FORMATS declares as each format's cost."""
    from guidebuilder.project import Project
    from guidebuilder.proof.validate import validate
    from guidebuilder.writers import FORMATS, layout, pdf

    os.environ["SOURCE_DATE_EPOCH"] = ENV["SOURCE_DATE_EPOCH"]
    work = Path(tempfile.mkdtemp(prefix="bench-costs-"))
    project = Project.at(ROOT, work)
    book = validate(project).books[EDITION]
    layout.lay_out(pdf.download_job(book, project))  # warm-up
    runs: dict[str, list[float]] = {name: [] for name in FORMATS}
    for _ in range(RUNS):
        laid: dict[str, object] = {}
        for name, fmt in FORMATS.items():  # pdf first: the booklet adds only its imposition to the PDF's layout
            start = time.process_time()
            for key, job in fmt.code().jobs(book, project).items():
                laid[key] = laid.get(key) or layout.lay_out(job)
            fmt.code().finish(book, project, {key: laid[key] for key in fmt.layouts})
            runs[name].append(time.process_time() - start)
    shutil.rmtree(work)
    base = statistics.median(runs["pdf"])
    return {name: {"measured": statistics.median(s) / base, "declared": FORMATS[name].cost} for name, s in runs.items()}


def scale() -> dict[str, object]:
    """Publishing at scale: `build --all` of the guide with 6 and with 60 editions (a synthetic guide made with
    new-edition --from), time per output and peak memory, then the 60 editions in build shards."""
    report: dict[str, object] = {"format_costs": format_costs()}
    work = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    try:
        for count in EDITION_COUNTS:
            root = synthetic_guide(count, work / f"guide-{count}")
            print(f"  building {count} editions...", file=sys.stderr, flush=True)
            report[f"editions_{count}"] = build_all(root, work / f"full-{count}", SCALE_RUNS.get(count, 1))
        largest = max(EDITION_COUNTS)
        print(f"  building {largest} editions in {SHARDS} shards...", file=sys.stderr, flush=True)
        report["shards"] = sharded(work / f"guide-{largest}", work / "shards", work / f"full-{largest}", SHARDS)
    finally:
        shutil.rmtree(work)
    small, large = (report[f"editions_{n}"] for n in (min(EDITION_COUNTS), largest))
    report["per_output_ratio"] = large["wall_per_output_s"] / small["wall_per_output_s"]
    report["cpu_per_output_ratio"] = large["cpu_per_output_s"] / small["cpu_per_output_s"]
    report["worker_rss_ratio"] = large["worker_rss_mib"] / small["worker_rss_mib"]
    report["main_rss_ratio"] = large["main_rss_mib"] / small["main_rss_mib"]
    return report


STEPS = {
    "stages": stages,
    "floor": floor,
    "glance": glance,
    "check": check,
    "slow_inputs": slow_inputs,
    "all_vs_separate": all_vs_separate,
    "scaling": scaling,
    "make": noop_make,
    "preview": preview,
    "scale": scale,
}


def main(steps: list[str]) -> None:
    """Run the named measurements (the arguments, else BENCH_ONLY=name,..., else every one) and print a table;
    a full run writes dist/bench.json."""
    steps = steps or list(filter(None, os.environ.get("BENCH_ONLY", "").split(",")))
    unknown = [step for step in steps if step not in STEPS]
    if unknown:
        sys.exit(f"unknown step {', '.join(unknown)}; steps: {', '.join(STEPS)}")
    machine = {"cpus": os.cpu_count(), "python": sys.version.split()[0], "load_average": os.getloadavg()}
    report = {"machine": machine, "runs": RUNS, "heavy_runs": HEAVY_RUNS}
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src")], check=True)  # as installed
    for name in steps or STEPS:
        print(f"measuring {name}...", file=sys.stderr, flush=True)
        report[name] = STEPS[name]()
    if not steps:
        (ROOT / "dist").mkdir(exist_ok=True)
        (ROOT / "dist" / "bench.json").write_text(json.dumps(report, indent=2) + "\n")
    print_table(report)


def print_table(report: dict) -> None:
    """The report as a readable table (the steps that ran)."""
    for name, show in PRINTERS.items():
        if name in report:
            show(report)


def print_stages(report: dict) -> None:
    st = report["stages"]
    print(f"\none edition ({st['edition']}, {st['pages']} pages), median of {report['runs']} runs")
    for stage, seconds in st["seconds"].items():
        print(f"  {stage:<18} {seconds * 1000:8.0f} ms")
    print(f"  {'pages per second':<18} {st['pages_per_second']:8.1f}")
    print(f"  {'peak RSS':<18} {st['peak_rss_mib']:8.0f} MiB")


def print_floor(report: dict) -> None:
    fl = report["floor"]

    def row(label: str, values: dict[str, float], unit: str = "") -> str:
        cells = "  ".join(f"{key} {values[key]:.2f}{unit}" for key in ("min", "q1", "median", "q3", "max"))
        return f"  {label:<22} {cells}"

    print(f"\nPDF build vs WeasyPrint's Python API on the same HTML, {len(fl['pair_ratios'])} paired runs")
    print(row("WeasyPrint API", fl["weasyprint_api_s"], " s"))
    print(row("guidebuilder build", fl["guidebuilder_pdf_s"], " s"))
    print(row("ratio (per pair)", fl["ratio"]) + "  (target: median <= 1.10)")
    print(row("CPU: WeasyPrint API", fl["weasyprint_api_cpu_s"], " s"))
    print(row("CPU: guidebuilder", fl["guidebuilder_pdf_cpu_s"], " s"))
    print(row("CPU ratio (per pair)", fl["cpu_ratio"]))
    print(f"guidebuilder --help {fl['help_s']:.2f} s (target <= 0.25)")


def print_glance(report: dict) -> None:
    gl = report["glance"]
    print(
        f"\nat a glance ({EDITION}): PDF layout {gl['layout_with_s']:.2f} s with, {gl['layout_without_s']:.2f} s"
        f" without ({gl['pages_with']} vs {gl['pages_without']} pages; paired ratio {gl['layout_ratio']:.3f});"
        f" HTML +{gl['html_added_ms']:.1f} ms; {gl['charts']} charts, {gl['draw_ms_per_chart']:.2f} ms each to draw"
    )


def print_check(report: dict) -> None:
    ch = report["check"]
    print(
        f"check --no-cache after an edit, cold {ch['after_edit_s']:.2f} s (target <= 0.5);"
        f" of an unchanged guide {ch['unchanged_s']:.2f} s (replayed)"
    )


def print_slow_inputs(report: dict) -> None:
    print("\nhostile text: a 200 kB run in each kind of text path (target: a few seconds each, < 30 s CPU)")
    for name, row in report["slow_inputs"].items():
        print(
            f"  {name:<13} check {row['check']['wall_s']:5.1f} s ({row['check']['cpu_s']:5.1f} s CPU)"
            f"   build --format web {row['build']['wall_s']:5.1f} s ({row['build']['cpu_s']:5.1f} s CPU)"
        )


def print_all_vs_separate(report: dict) -> None:
    al = report["all_vs_separate"]
    print(
        f"\nall editions x all formats: --all {al['all_s']:.1f} s vs separate {al['separate_sum_s']:.1f} s"
        f" = {al['ratio']:.2f} (medians of {report['heavy_runs']}; target <= 0.6, {al['workers']} cores);"
        f" worker peak RSS {al['peak_rss_children_mib']:.0f} MiB (target <= 300)"
    )
    print("\noutput sizes")
    for name, size in sorted(al["sizes_bytes"].items()):
        print(f"  {name:<16} {size / 1000:8.0f} KB")


def print_scaling(report: dict) -> None:
    print("\nscaling (PDF layout + write per page, in process)")
    for name, row in report["scaling"].items():
        print(
            f"  {name:<5} {row['pages']:5d} pages {row['seconds']:7.1f} s {row['seconds_per_page'] * 1000:7.1f} ms/page"
            f"  x{row['per_page_vs_x1']:.2f} of x1 (target <= 1.1)"
        )


def print_make(report: dict) -> None:
    print(f"\nno-op make editions: {report['make']['noop_make_editions_s']:.3f} s (target <= 0.3)")


def print_preview(report: dict) -> None:
    pv = report["preview"]
    print(
        f"\npreview: save -> Text view {pv['save_to_text_s']:.2f} s (target <= 1);"
        f" -> Pages {pv['save_to_pages_s']:.2f} s = {pv['ratio']:.2f} x the PDF layout's"
        f" {pv['pdf_layout_s']:.2f} s (target <= 1.5)"
    )


def print_scale(report: dict) -> None:
    """Publishing at scale, with its targets."""
    sc = report["scale"]
    print("\nformat costs against the download PDF's layout (measured / declared in writers.FORMATS)")
    for name, row in sc["format_costs"].items():
        print(f"  {name:<13} {row['measured']:6.3f} / {row['declared']:.2f}")
    print("\npublishing at scale: build --all, default formats")
    for key in sorted((k for k in sc if k.startswith("editions_")), key=lambda k: int(k.split("_")[1])):
        row = sc[key]
        print(
            f"  {key.split('_')[1]:>3} editions {row['outputs']:4d} outputs {row['wall_s']:7.1f} s"
            f" = {row['wall_per_output_s']:.2f} s/output (CPU {row['cpu_per_output_s']:.2f} s/output;"
            f" median of {row['runs']}); peak RSS main {row['main_rss_mib']:.0f} MiB,"
            f" worker {row['worker_rss_mib']:.0f} MiB"
        )
    print(
        f"  per output: x{sc['per_output_ratio']:.2f} at the most editions (target <= 1.1;"
        f" CPU x{sc['cpu_per_output_ratio']:.2f}); peak RSS worker x{sc['worker_rss_ratio']:.2f},"
        f" main x{sc['main_rss_ratio']:.2f} (target: flat)"
    )
    sh = sc["shards"]
    walls = ", ".join(f"{w:.0f}" for w in sh["wall_s"])
    print(
        f"  {sh['shards']} shards: {walls} s; the slowest {sh['slowest_s']:.0f} s is the CI matrix's wall time;"
        f" largest/average {sh['largest_vs_average']:.2f} (target <= 1.2;"
        f" planned {sh['expected_largest_vs_average']:.2f}); merge {sh['merge_s']:.1f} s;"
        f" merged dist/ byte-identical to build --all: {sh['merged_identical_to_full']}"
    )


PRINTERS = {
    "stages": print_stages,
    "floor": print_floor,
    "glance": print_glance,
    "check": print_check,
    "slow_inputs": print_slow_inputs,
    "all_vs_separate": print_all_vs_separate,
    "scaling": print_scaling,
    "make": print_make,
    "preview": print_preview,
    "scale": print_scale,
}


if __name__ == "__main__":
    main(sys.argv[1:])
