"""Build shards: the plan (every output once, stable, balanced), shard folders, and merging them into one dist/
byte-identical to one build, or refusing shards that are not the shares of one build."""

from __future__ import annotations

import json
import shutil
import statistics
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guidebuilder.errors import ContentError, UsageError
from guidebuilder.pipeline.build import build
from guidebuilder.pipeline.merge import merge
from guidebuilder.pipeline.shard import Shard
from guidebuilder.pipeline.shards import plan, share, unit_costs
from guidebuilder.pipeline.workers import worker_pool
from guidebuilder.project import Project
from guidebuilder.proof.validate import validate
from guidebuilder.writers import DEFAULT_FORMATS, FORMATS

from .conftest import REPO, run_cli

FORMATS_HERE = ("pdf", "booklet", "epub", "web")  # the download PDF and the booklet share one layout


def _book(characters: int) -> SimpleNamespace:
    """What the plan reads of an edition: the text it prints."""
    return SimpleNamespace(text_lines=(SimpleNamespace(text="x" * characters),))


def _outputs(shares: list) -> list[tuple[str, str]]:
    return [(edition, name) for units in shares for edition, group in units for name in group]


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("text", ["2/4", "1/1", " 4 / 4 "])
def test_shard_parses_k_of_n(text):
    shard = Shard.parse(text)
    assert 1 <= shard.index <= shard.count and str(shard) == text.replace(" ", "")


@pytest.mark.parametrize("text", ["0/3", "4/3", "3", "a/b", "1/0", "-1/2", "2/4/6", ""])
def test_shard_refuses_anything_else(text):
    with pytest.raises(UsageError, match="K/N"):
        Shard.parse(text)


@pytest.mark.parametrize("value", ["0/3", "5/4", "two"])
def test_bad_shard_option_is_a_usage_error_in_one_line(runner, project: Path, value):
    result = run_cli(runner, "build", "--all", "--shard", value, "-C", str(project))
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [f"error: --shard takes K/N with 1 <= K <= N, e.g. 2/4; got '{value}'"]
    assert not (project / "shards").exists() and not (project / "dist").exists()


def test_every_format_declares_the_layouts_it_needs(project: Path):
    """The plan groups formats by their declared layouts without making the jobs: the declaration must be true."""
    proj = Project.at(project)
    book = validate(proj).books["en-GB"]
    for name, fmt in FORMATS.items():
        assert set(fmt.code().jobs(book, proj)) == set(fmt.layouts), name
        assert fmt.cost > 0, name


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.integers(1_000, 40_000), min_size=1, max_size=70),
    formats=st.lists(st.sampled_from(list(FORMATS)), min_size=1, max_size=8, unique=True),
    count=st.integers(1, 9),
)
def test_the_shards_cover_every_output_exactly_once(sizes, formats, count):
    books = {f"e{i:02d}": _book(size) for i, size in enumerate(sizes)}
    shares = plan(books, list(books), formats, count)
    assert len(shares) == count
    outputs = _outputs(shares)
    assert sorted(outputs) == sorted((e, f) for e in books for f in formats)
    for edition in books:  # the download PDF and the booklet are laid out once, so in one shard
        holders = {i for i, units in enumerate(shares) for e, group in units if e == edition and "pdf" in group}
        holders |= {i for i, units in enumerate(shares) for e, group in units if e == edition and "booklet" in group}
        assert len(holders) <= 1


@settings(max_examples=30, deadline=None)
@given(sizes=st.lists(st.integers(1_000, 40_000), min_size=1, max_size=40), count=st.integers(1, 6), seed=st.randoms())
def test_the_plan_is_stable_whatever_the_order_editions_come_in(sizes, count, seed):
    books = {f"e{i:02d}": _book(size) for i, size in enumerate(sizes)}
    editions = list(books)
    first = plan(books, editions, DEFAULT_FORMATS, count)
    seed.shuffle(editions)
    assert plan(dict(reversed(books.items())), editions, DEFAULT_FORMATS, count) == first
    for index in range(1, count + 1):
        mine = share(books, editions, DEFAULT_FORMATS, Shard(index, count))
        assert mine == {(e, f) for e, group in first[index - 1] for f in group}


@pytest.fixture(scope="module")
def real_books() -> dict:
    """The shipped guide's editions, resolved."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1767225600")
        return validate(Project.at(REPO)).books


@pytest.mark.parametrize("count", [2, 3, 4, 6, 8])
def test_shards_of_sixty_editions_are_balanced_by_expected_cost(real_books, count):
    """60 editions the sizes of the shipped ones: the largest shard's expected cost within 1.2x the average,
    though the editions differ in size (de-DE and fr-CA print a third more text than en-GB)."""
    books = {f"{edition}-{copy}": real_books[edition] for copy in range(10) for edition in real_books}
    costs = unit_costs(books, list(books), DEFAULT_FORMATS)
    loads = [sum(costs[unit] for unit in units) for units in plan(books, list(books), DEFAULT_FORMATS, count)]
    assert max(loads) <= 1.2 * statistics.mean(loads), loads
    sizes = sorted({costs[u] for u in costs if "print" in u[1]})
    assert sizes[-1] > 1.25 * sizes[0], "editions of different sizes are expected to cost differently"


def test_balancing_is_by_cost_not_by_count():
    """One large edition and several small ones: the large one's units go to the least loaded shard, so the
    shards differ in output count but not in expected cost."""
    books = {"big": _book(60_000), **{f"small{i}": _book(10_000) for i in range(6)}}
    shares = plan(books, list(books), ("print",), 2)
    assert sorted(shares, key=len) == [[("big", ("print",))], [(f"small{i}", ("print",)) for i in range(6)]]


@pytest.fixture(scope="module")
def pool():
    """Layout workers shared by this module's builds."""
    with worker_pool(2) as workers:
        yield workers


def _shards(pool, project: Path, count: int, formats=FORMATS_HERE, epochs=None, folder="shards") -> list[Path]:
    """The project built in count shards, each in its own folder."""
    folders = []
    for index in range(1, count + 1):
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("SOURCE_DATE_EPOCH", (epochs or {}).get(index, "1767225600"))
            out = project / folder / f"shard-{index}"
            build(Project.at(project, out), everything=True, formats=formats, pool=pool, shard=Shard(index, count))
            folders.append(out)
    return folders


def test_merged_shards_are_byte_identical_to_one_build(pool, project: Path):
    folders = _shards(pool, project, 3)
    build(Project.at(project, project / "whole"), everything=True, formats=FORMATS_HERE, pool=pool)
    merge(Project.at(project, project / "merged"), folders)
    merged, whole = _files(project / "merged"), _files(project / "whole")
    assert merged.keys() == whole.keys()
    assert len(whole) == 2 * len(FORMATS_HERE) + 3  # every edition's outputs, the manifest, SHA256SUMS, index.html
    assert [name for name in whole if merged[name] != whole[name]] == []


def test_a_shard_folder_holds_its_share_and_its_record_only(pool, project: Path):
    folders = _shards(pool, project, 3)
    records = [json.loads((f / "shard.json").read_text()) for f in folders]
    built = [(o["edition"], o["format"]) for r in records for o in r["outputs"]]
    assert sorted(built) == sorted((e, f) for e in ("en-GB", "en-US") for f in FORMATS_HERE)
    for folder, record in zip(folders, records, strict=True):
        assert record["shards"] == 3 and record["build_date"] == "2026-01-01"
        files = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
        assert files == {"shard.json"} | {o["path"] for o in record["outputs"]}  # no manifest, no download page


def test_cli_shard_defaults_to_its_own_folder_and_merge_writes_dist(runner, project: Path):
    for index in (1, 2):
        result = run_cli(
            runner, "build", "--all", "--shard", f"{index}/2", "-f", "epub", "-f", "web", "-C", str(project)
        )
        assert result.exit_code == 0, result.output
        assert (project / "shards" / f"{index}-of-2" / "shard.json").is_file()
    assert not (project / "dist").exists()
    folders = [str(project / "shards" / f"{i}-of-2") for i in (1, 2)]
    result = run_cli(runner, "merge", *folders, "-C", str(project))
    assert result.exit_code == 0, result.output
    assert "merged 2 shards" in result.stdout
    manifest = json.loads((project / "dist" / "manifest.json").read_text())
    assert {(e["edition"], e["format"]) for e in manifest["entries"]} == {
        (e, f) for e in ("en-GB", "en-US") for f in ("epub", "web")
    }


def _merge_fails(runner, project: Path, folders: list[Path]) -> list[str]:
    """Merge through the command line into a dist/ holding an earlier build; it must fail and leave dist/ as it was."""
    dist = project / "dist"
    dist.mkdir(exist_ok=True)
    (dist / "keep.txt").write_text("an earlier file")
    before = _files(dist)
    result = run_cli(runner, "merge", *map(str, folders), "-C", str(project))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert _files(dist) == before
    lines = result.stderr.strip().splitlines()
    assert lines[-1].endswith("found")
    return lines[:-1]


def test_merge_refuses_shards_of_different_build_dates_in_one_line(pool, runner, project: Path):
    folders = _shards(pool, project, 2, ("epub", "web"), epochs={2: "1767312000"})
    (line,) = _merge_fails(runner, project, folders)
    assert line.startswith(f"{folders[1] / 'shard.json'}: build_date: ")
    assert "built on another date (2026-01-02, not 2026-01-01)" in line


def test_merge_refuses_shards_of_different_inputs_in_one_line(pool, runner, project: Path):
    first = _shards(pool, project, 2, ("epub", "web"), folder="a")[0]
    (project / "guide" / "guide.yaml").write_text((project / "guide" / "guide.yaml").read_text() + "\n# edited\n")
    second = _shards(pool, project, 2, ("epub", "web"), folder="b")[1]
    (line,) = _merge_fails(runner, project, [first, second])
    assert line.startswith(f"{second / 'shard.json'}: inputs: ")
    assert "built from other inputs" in line


def test_merge_refuses_shards_built_from_another_checkout(pool, runner, project: Path):
    folders = _shards(pool, project, 2, ("epub", "web"))
    section = next((project / "guide" / "sections").glob("*.md"))
    section.write_text(section.read_text() + "\nA sentence added after the shards were built.\n")
    (line,) = _merge_fails(runner, project, folders)
    assert "inputs: the shards were built from other inputs than this checkout" in line


def test_merge_refuses_a_missing_shard_a_repeated_one_and_other_options(pool, runner, project: Path):
    folders = _shards(pool, project, 3, ("epub", "web"))
    (line,) = _merge_fails(runner, project, folders[:2])
    assert line.endswith("shard: shard 3 of 3 missing: merge the folders of every shard")
    lines = _merge_fails(runner, project, [*folders, folders[1]])
    assert any("shard 2/3 given more than once" in line for line in lines)
    other = _shards(pool, project, 3, ("epub",), folder="other")
    (line,) = _merge_fails(runner, project, [folders[0], other[1], folders[2]])
    assert "settings: " in line and "built with other editions, formats or booklet options" in line


def test_merge_refuses_a_damaged_or_missing_file_and_a_folder_that_is_no_shard(pool, runner, project: Path):
    folders = _shards(pool, project, 2, ("epub", "web"))
    record = json.loads((folders[0] / "shard.json").read_text())
    damaged = folders[0] / record["outputs"][0]["path"]
    damaged.write_bytes(damaged.read_bytes()[:-10])
    (line,) = _merge_fails(runner, project, folders)
    assert line.startswith(f"{damaged}: damaged: ")
    damaged.unlink()
    (line,) = _merge_fails(runner, project, folders)
    assert line.startswith(f"{damaged}: cannot read it")
    (line,) = _merge_fails(runner, project, [folders[1], project / "guide"])
    assert line.startswith(f"{project / 'guide' / 'shard.json'}: cannot read it")


def test_merge_refuses_a_record_naming_a_file_outside_the_build(pool, runner, project: Path):
    folders = _shards(pool, project, 2, ("epub", "web"))
    path = folders[0] / "shard.json"
    record = json.loads(path.read_text())
    record["outputs"][0]["path"] = "../../../outside.txt"
    path.write_text(json.dumps(record))
    (line,) = _merge_fails(runner, project, folders)
    assert line.endswith("outputs: ../../../outside.txt: not an output of this build")


def test_in_flight_layouts_are_released_once_their_outputs_are_finished(pool, project: Path):
    """A build keeps no more than a few layouts in memory, whatever the number of editions."""
    from guidebuilder.pipeline.build import InFlight

    proj = Project.at(project)
    books = validate(proj).books
    outputs = [(e, f) for e in books for f in ("pdf", "print", "booklet", "epub")]
    laid = InFlight(pool, proj, books, outputs, ahead=1)
    held = []
    for edition, name in outputs:
        results = laid.results(edition, name)
        assert set(results) == set(FORMATS[name].layouts)
        held.append(len(laid.futures))
    assert max(held) <= 2, held  # the next job in flight, and the PDF's layout until its booklet is made
    assert laid.futures == {} and laid.needs == {}


def test_a_shard_of_a_copy_elsewhere_merges_in_the_original(pool, project: Path, tmp_path: Path):
    """A CI runner builds its shard in its own checkout: the record holds no absolute path of it."""
    elsewhere = tmp_path / "runner"
    shutil.copytree(project, elsewhere)
    first = _shards(pool, elsewhere, 2, ("epub", "web"))[0]
    second = _shards(pool, project, 2, ("epub", "web"))[1]
    merge(Project.at(project), [first, second])
    assert (project / "dist" / "manifest.json").is_file()


def test_merge_needs_folders(project: Path):
    with pytest.raises(UsageError, match="name the shard folders"):
        merge(Project.at(project), [])
    with pytest.raises(ContentError):
        merge(Project.at(project), [project / "nowhere"])


def test_merge_waits_for_another_writer_of_dist_then_gives_up(runner, pool, project: Path, monkeypatch):
    """merge writes dist/ under its lock, like build and clean: nothing is written while another holds it."""
    from guidebuilder.pipeline.lock import output_lock

    folders = _shards(pool, project, 2, ("epub", "web"))
    monkeypatch.setenv("GUIDEBUILDER_LOCK_WAIT", "0.3")
    dist = (project / "dist").resolve()
    with output_lock(dist):
        result = run_cli(runner, "merge", *map(str, folders), "-C", str(project))
        assert result.exit_code == 1
        assert f"error: {dist} is in use by pid " in result.stderr and "gave up after 0.3 s" in result.stderr
        assert sorted(p.name for p in dist.iterdir()) == [".guidebuilder.lock"]
    assert run_cli(runner, "merge", *map(str, folders), "-C", str(project)).exit_code == 0
    assert not (dist / ".guidebuilder.lock").exists() and (dist / "manifest.json").is_file()
