"""Faults and hostile output folders: kill -9 at random moments, two writers on one dist/, links and tampered
manifests in dist/.

After each: dist/ is consistent (`sha256sum -c SHA256SUMS` passes there), nothing outside it changed (every file,
folder and link of the test's folder outside dist/, with sizes and mtimes) and no process of the run is left (the
builds run with a marker in their environment, which their workers inherit; /proc tells who still has it).
The moments are random: GUIDEBUILDER_FAULT_SEED replays a run (the seed is in every failure message).
Uses the small fixture guide (two editions, test-guide).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from concurrent import futures
from pathlib import Path

import pytest

from guidebuilder.errors import BuildError
from guidebuilder.pipeline import workers
from guidebuilder.pipeline.build import build
from guidebuilder.pipeline.lock import LOCK_NAME, output_lock
from guidebuilder.pipeline.publish import clean
from guidebuilder.project import Project
from guidebuilder.writers.report import HTML_START

from .conftest import FIXED_EPOCH, FIXTURE, REPO, run_cli

SEED = int(os.environ.get("GUIDEBUILDER_FAULT_SEED") or time.time_ns() % 1_000_000)
FORMATS = ("--format", "pdf", "--format", "epub", "--format", "web")
SLUG = "fixture-guide"
GONE_S = 3  # a worker must end within a second or two of its parent; a busy machine gets a little more
DAY = 86400


@pytest.fixture
def sandbox(tmp_path: Path) -> Path:
    """tmp_path/project (the fixture guide, its layouts) beside tmp_path/outside (files a hostile dist/ points at)."""
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    shutil.copytree(REPO / "layouts", project / "layouts")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "victim.txt").write_text("not guidebuilder's\n")
    (outside / f"{SLUG}-en-GB.pdf").write_bytes(b"%PDF-1.7 not guidebuilder's\n")
    (outside / "preflight.html").write_text(HTML_START)  # a report, to all appearances
    (outside / ".victim.txt.0123456789ab.tmp").write_text("looks like a temporary\n")
    (outside / "SHA256SUMS").write_text("not guidebuilder's\n")
    return tmp_path


def snapshot(root: Path) -> dict[str, tuple]:
    """Everything under root but dist/: kind, size, mtime and link target of each entry."""
    seen = {}
    for folder, folders, names in os.walk(root):
        folders[:] = [f for f in folders if Path(folder, f) != root / "project" / "dist"]
        for name in folders + names:
            path = Path(folder, name)
            info = path.lstat()
            target = os.readlink(path) if path.is_symlink() else None
            mtime = None if path == root / "project" else info.st_mtime_ns  # making or removing dist/ changes it
            seen[str(path.relative_to(root))] = (info.st_mode, info.st_size, mtime, target)
    return seen


def assert_consistent(dist: Path, note: str = "") -> None:
    """Every line of SHA256SUMS is true (`sha256sum -c`), when there is one; every line names a file in dist/."""
    sums = dist / "SHA256SUMS"
    if not sums.exists():
        return
    lines = sums.read_text().splitlines()
    assert lines, f"an empty SHA256SUMS {note}"
    assert all(".." not in line and "  /" not in line for line in lines), lines
    check = subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=dist, capture_output=True, text=True)
    assert check.returncode == 0, f"{note} seed {SEED}: {check.stdout}{check.stderr}"


def assert_finished(dist: Path) -> None:
    """After a build that ran to its end: consistent, the manifest and SHA256SUMS agree, no leftovers."""
    assert_consistent(dist)
    manifest = json.loads((dist / "manifest.json").read_text())
    listed = sorted(f"{e['sha256']}  {e['path']}" for e in manifest["entries"])
    assert listed == sorted((dist / "SHA256SUMS").read_text().splitlines())
    leftovers = [p.name for p in dist.rglob(".*")]
    assert not leftovers, f"temporary or lock files left: {leftovers}"


def marker() -> str:
    """A value no other process has in its environment."""
    return f"faults-{os.getpid()}-{time.time_ns()}"


def marked(mark: str) -> list[int]:
    """Live processes whose environment holds GUIDEBUILDER_FAULT_RUN=mark (zombies have none)."""
    needle = f"GUIDEBUILDER_FAULT_RUN={mark}".encode()
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if needle in environ.read_bytes().split(b"\0"):
                found.append(int(environ.parent.name))
        except OSError:
            continue
    return found


def wait_gone(mark: str, limit: float = GONE_S) -> float:
    """Seconds until no process of the run is left; fails after limit."""
    start = time.monotonic()
    while left := marked(mark):
        assert time.monotonic() - start < limit, f"processes left {limit} s after: {left} (seed {SEED})"
        time.sleep(0.02)
    return time.monotonic() - start


def start(project: Path, mark: str, *args: str, epoch: int = int(FIXED_EPOCH), **env: str) -> subprocess.Popen:
    """`guidebuilder *args` in project, its output read line by line."""
    environ = {**os.environ, "SOURCE_DATE_EPOCH": str(epoch), "GUIDEBUILDER_JOBS": "2"}
    environ.update(GUIDEBUILDER_FAULT_RUN=mark, **env)
    command = [sys.executable, "-m", "guidebuilder", *args]
    return subprocess.Popen(
        command, cwd=project, env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def finish(process: subprocess.Popen) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of a started command."""
    stdout, stderr = process.communicate(timeout=300)
    return process.returncode, stdout, stderr


# When to kill: after a progress line (None: as soon as it started), then a random delay up to a few tenths of the
# phase it starts: start-up and validation, the layouts, writing the outputs one by one, the download page.
KILL_AFTER = [
    (None, 1.0),
    ("validating the guide", 0.5),
    ("building", 1.5),
    ("[1/", 0.05),
    ("[4/", 0.02),
    ("writing the download page", 0.05),
]


def test_kill_9_at_random_moments_leaves_dist_consistent_and_no_worker(sandbox: Path):
    project, dist = sandbox / "project", sandbox / "project" / "dist"
    chance = random.Random(SEED)
    done = finish(start(project, marker(), "build", "--all", *FORMATS))
    assert done[0] == 0, done
    before = snapshot(sandbox)
    moments = [*KILL_AFTER[1:], chance.choice(KILL_AFTER)]
    chance.shuffle(moments)
    moments = [(after, chance.uniform(0, longest)) for after, longest in moments]
    waits, killed = [], 0
    for day, (after, delay) in enumerate(moments, 1):  # a new date each time: every file changes
        mark = marker()
        build_all = start(project, mark, "build", "--all", *FORMATS, epoch=int(FIXED_EPOCH) + day * DAY)
        seen = ""
        while after and after not in seen and (line := build_all.stdout.readline()):
            seen = line
        time.sleep(delay)
        killed += build_all.poll() is None
        build_all.kill()
        build_all.wait()
        waits.append(wait_gone(mark))
        assert_consistent(dist, f"after kill -9 {delay:.3f} s after '{after}'")
        assert snapshot(sandbox) == before, f"files outside dist/ changed (seed {SEED})"
    assert killed >= len(moments) // 2, f"only {killed} of {len(moments)} builds were still running (seed {SEED})"
    mark = marker()
    done = finish(start(project, mark, "build", "--all", *FORMATS))
    assert done[0] == 0, done
    assert_finished(dist)
    assert not marked(mark)
    print(f"seed {SEED}: {killed} builds killed; workers gone {max(waits) * 1000:.0f} ms after at most")


@pytest.mark.parametrize("kernel_signal", [True, False], ids=["death-signal", "watch-thread"])
def test_workers_end_with_a_killed_parent(tmp_path: Path, kernel_signal: bool):
    """The idle main process killed: its workers go too, told by the kernel or, without it, by their watch thread."""
    script = (
        "from guidebuilder.pipeline import workers\n"
        + ("" if kernel_signal else "workers._ask_for_death_with_parent = lambda: None\n")
        + "pool = workers.start_pool(3)\nprint(pool.submit(sum, [1, 2]).result(), flush=True)\ninput()\n"
    )
    mark = marker()
    env = {**os.environ, "GUIDEBUILDER_FAULT_RUN": mark}
    parent = subprocess.Popen([sys.executable, "-c", script], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert parent.stdout.readline() == b"3\n"
        # The parent and its three workers; a worker still importing WeasyPrint may briefly run a helper process
        # of its own (ctypes looking up a library), marked too: wait for those to end.
        deadline = time.monotonic() + GONE_S
        while len(marked(mark)) != 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(marked(mark)) == 4
    finally:
        parent.kill()
        parent.wait()
    waited = wait_gone(mark)
    print(f"workers gone {waited * 1000:.0f} ms after their parent")


def test_stop_pool_ends_busy_workers_at_once():
    """An error or Ctrl-C in the main process stops the pool without waiting for the jobs running."""
    pool = workers.start_pool(2)
    jobs = [pool.submit(time.sleep, 60) for _ in range(2)]
    time.sleep(0.2)
    assert all(worker.is_alive() for worker in pool.workers)
    workers.stop_pool(pool, abort=True)
    assert len(pool.workers) == 2
    assert not [worker.pid for worker in pool.workers if Path(f"/proc/{worker.pid}").exists()]
    futures.wait(jobs, timeout=GONE_S)
    assert all(job.done() for job in jobs)
    workers.stop_pool(pool, abort=True)  # a second stop does nothing (its descriptors are closed already)


def test_the_pool_forks_every_worker_at_the_first_task():
    """Library behaviour start_pool relies on (see there): with the fork method, ProcessPoolExecutor forks all its
    workers at the first task. If a Python version changes that, this fails: see requires-python."""
    before = set(multiprocessing.active_children())
    with workers.worker_pool(3) as pool:
        assert set(multiprocessing.active_children()) - before == set(pool.workers)
        assert len(pool.workers) == 3


def test_two_builds_at_once_both_land(sandbox: Path):
    project, dist = sandbox / "project", sandbox / "project" / "dist"
    before = snapshot(sandbox)
    mark = marker()
    first = start(project, mark, "build", "en-GB", "--format", "pdf", "--format", "web")
    time.sleep(random.Random(SEED).uniform(0, 1))
    second = start(project, mark, "build", "en-US", "--format", "pdf", "--format", "web", epoch=int(FIXED_EPOCH) + DAY)
    results = [finish(first), finish(second)]
    assert [code for code, _, _ in results] == [0, 0], results
    assert_finished(dist)
    editions = {e["edition"] for e in json.loads((dist / "manifest.json").read_text())["entries"]}
    assert editions == {"en-GB", "en-US"}
    assert snapshot(sandbox) == before
    wait_gone(mark)


def test_clean_during_a_build_leaves_dist_consistent(sandbox: Path):
    project, dist = sandbox / "project", sandbox / "project" / "dist"
    before = snapshot(sandbox)
    mark = marker()
    building = start(project, mark, "build", "--all", "--format", "pdf", "--format", "web")
    time.sleep(random.Random(SEED).uniform(0.2, 3))  # before, while or after the build holds dist/
    cleaning = finish(start(project, mark, "clean"))
    built = finish(building)
    assert (cleaning[0], built[0]) == (0, 0), (cleaning, built)
    if dist.exists():  # the clean came first
        assert_finished(dist)
    assert snapshot(sandbox) == before
    wait_gone(mark)


def test_a_held_output_folder_makes_clean_wait_naming_the_holder(sandbox: Path):
    project, dist = sandbox / "project", sandbox / "project" / "dist"
    mark = marker()
    with output_lock(dist):
        assert (dist / LOCK_NAME).read_text().startswith(f"pid {os.getpid()} (")
        cleaning = start(project, mark, "clean")
        line = cleaning.stderr.readline()
        assert line.startswith(f"waiting for pid {os.getpid()} ("), line
        assert line.endswith(f"), which is writing to {dist}\n"), line
        assert cleaning.poll() is None
    assert finish(cleaning)[0] == 0
    assert not dist.exists()


def test_a_second_writer_gives_up_after_the_bounded_wait_naming_the_holder(sandbox: Path):
    project, dist = sandbox / "project", sandbox / "project" / "dist"
    mark = marker()
    with output_lock(dist):
        code, stdout, stderr = finish(
            start(project, mark, "build", "en-GB", "-f", "epub", GUIDEBUILDER_LOCK_WAIT="0.5")
        )
        holder = (dist / LOCK_NAME).read_text().strip()
        assert sorted(p.name for p in dist.iterdir()) == [LOCK_NAME]
    assert code == 1, stdout + stderr
    assert stdout.splitlines()[1].startswith(f"waiting for {holder}, which is writing to {dist} ("), stdout
    assert stderr == f"error: {dist} is in use by {holder}; gave up after 0.5 s (GUIDEBUILDER_LOCK_WAIT)\n"
    assert not dist.exists()


def test_the_lock_file_is_not_listed_and_goes_with_the_build(project: Path):
    out = project / "dist"
    build(Project.at(project), ["en-GB"], ["epub"])
    assert LOCK_NAME not in (out / "manifest.json").read_text() + (out / "SHA256SUMS").read_text()
    assert not (out / LOCK_NAME).exists()
    (out / LOCK_NAME).write_text("pid 1 (left by a killed build)\n")  # kill -9 leaves the file (not the lock)
    assert [p.name for p in clean(Project.at(project))] == [
        "SHA256SUMS",
        f"{SLUG}-en-GB.epub",
        "index.html",
        "manifest.json",
    ]
    assert not out.exists()


# Hostile dist/: each case plants something in a built dist/ and gives what build, then clean, must say.
def link_edition_folder(dist: Path, outside: Path) -> None:
    shutil.rmtree(dist / "en-GB")
    (dist / "en-GB").symlink_to(outside, target_is_directory=True)


def link_output_file(dist: Path, outside: Path) -> None:
    (dist / "en-GB" / f"{SLUG}-en-GB.pdf").unlink()
    (dist / "en-GB" / f"{SLUG}-en-GB.pdf").symlink_to(outside / f"{SLUG}-en-GB.pdf")


def link_site_file(dist: Path, outside: Path) -> None:
    (dist / "SHA256SUMS").unlink()
    (dist / "SHA256SUMS").symlink_to(outside / "SHA256SUMS")


def link_manifest(dist: Path, outside: Path) -> None:
    (outside / "manifest.json").write_bytes((dist / "manifest.json").read_bytes())
    (dist / "manifest.json").unlink()
    (dist / "manifest.json").symlink_to(outside / "manifest.json")


def tamper(dist: Path, *paths: str) -> None:
    """Add manifest entries, copies of the first with these paths."""
    manifest = json.loads((dist / "manifest.json").read_text())
    manifest["entries"] += [{**manifest["entries"][0], "path": path} for path in paths]
    (dist / "manifest.json").write_text(json.dumps(manifest))


def tamper_dotdot(dist: Path, outside: Path) -> None:
    tamper(dist, "../../outside/victim.txt")


def tamper_absolute(dist: Path, outside: Path) -> None:
    tamper(dist, str(outside / "victim.txt"))


def tamper_through_a_link(dist: Path, outside: Path) -> None:
    (dist / "en-GB" / "more").symlink_to(outside, target_is_directory=True)
    tamper(dist, "en-GB/more/victim.txt")


def tamper_nul(dist: Path, outside: Path) -> None:
    tamper(dist, "en-GB/\0victim.txt")


def link_report_folder(dist: Path, outside: Path) -> None:
    (dist / "notes").symlink_to(outside, target_is_directory=True)


def link_lock_file(dist: Path, outside: Path) -> None:
    (dist / LOCK_NAME).symlink_to(outside / "victim.txt")


def hard_link_lock_file(dist: Path, outside: Path) -> None:
    os.link(outside / "victim.txt", dist / LOCK_NAME)


def odd_names(dist: Path, outside: Path) -> None:
    for name in ("new\nline", "back\\slash", " space ", "-rf", "*", "x" * 250, "dé\u0301jà", "\u202eevil"):
        (dist / "en-GB" / name).write_text("mine")
    (dist / os.fsdecode(b"\xff\xfe bytes")).mkdir()
    (dist / "en-GB" / ".x.0123456789ab.tmp").symlink_to(outside / ".victim.txt.0123456789ab.tmp")
    (dist / "en-GB" / "loop").symlink_to("loop")
    (dist / "sub" / "sub").mkdir(parents=True)


PDF = f"en-GB/{SLUG}-en-GB.pdf"
HOSTILE = [
    pytest.param(
        link_edition_folder,
        "refusing to write 'en-GB/index.html' outside",
        f"refusing to remove '{PDF}'",
        id="folder-link",
    ),
    pytest.param(link_output_file, f"refusing to read '{PDF}' outside", f"refusing to remove '{PDF}'", id="file-link"),
    pytest.param(
        link_site_file, "refusing to write 'SHA256SUMS' outside", "refusing to remove 'SHA256SUMS'", id="sums-link"
    ),
    pytest.param(
        link_manifest,
        "refusing to write 'manifest.json' outside",
        "refusing to read 'manifest.json'",
        id="manifest-link",
    ),
    pytest.param(tamper_dotdot, None, "refusing to remove '../../outside/victim.txt' outside", id="manifest-dotdot"),
    pytest.param(tamper_absolute, None, "refusing to remove '/", id="manifest-absolute"),
    pytest.param(
        tamper_through_a_link, None, "refusing to remove 'en-GB/more/victim.txt' outside", id="manifest-via-link"
    ),
    pytest.param(tamper_nul, None, "refusing to remove 'en-GB/\\x00victim.txt' in ", id="manifest-nul"),
    pytest.param(link_report_folder, None, None, id="report-folder-link"),
    pytest.param(link_lock_file, "refusing to use", "refusing to use", id="lock-link"),
    pytest.param(hard_link_lock_file, "refusing to use", "refusing to use", id="lock-hard-link"),
    pytest.param(odd_names, None, None, id="odd-names"),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture guide's en-GB PDF and web page and en-US web page, built once: a dist/ to plant things in."""
    root = tmp_path_factory.mktemp("built") / "project"
    shutil.copytree(FIXTURE, root)
    shutil.copytree(REPO / "layouts", root / "layouts")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
        build(Project.at(root), ["en-GB"], ["pdf", "web"], jobs=1)
        build(Project.at(root), ["en-US"], ["web"], jobs=1)
    return root / "dist"


@pytest.mark.parametrize(("plant", "build_says", "clean_says"), HOSTILE)
def test_hostile_dist(runner, sandbox: Path, built: Path, plant, build_says: str | None, clean_says: str | None):
    """build (the web page alone: no layout) and clean touch nothing outside dist/; what leads there is refused in
    one line, before anything is written or removed."""
    project, dist, outside = sandbox / "project", sandbox / "project" / "dist", sandbox / "outside"
    shutil.copytree(built, dist, symlinks=True)
    plant(dist, outside)
    before = snapshot(sandbox)
    runs = [(("clean",), clean_says), (("build", "en-GB", "-f", "web", "-q"), build_says)]
    if not build_says:
        runs.append((("clean",), None))  # the build put a true manifest in place
    for args, says in runs:
        inside = snapshot(dist) if dist.exists() else {}
        result = run_cli(runner, *args, "-C", str(project))
        assert snapshot(sandbox) == before, f"{args[0]} changed files outside dist/"
        if says:
            assert result.exit_code == 1, result.stdout + result.stderr
            assert result.stderr.startswith(f"error: {says}"), result.stderr
            assert len(result.stderr.splitlines()) == 1, result.stderr
            assert snapshot(dist) == inside, f"a refused {args[0]} changed dist/"
        else:
            assert result.exit_code == 0, result.stdout + result.stderr
            assert_consistent(dist)
    assert not list(dist.rglob(LOCK_NAME)) or plant in (link_lock_file, hard_link_lock_file)


def test_clean_after_odd_names_keeps_them(sandbox: Path, built: Path):
    dist, outside = sandbox / "project" / "dist", sandbox / "outside"
    shutil.copytree(built, dist, symlinks=True)
    odd_names(dist, outside)
    written = {e["path"] for e in json.loads((dist / "manifest.json").read_text())["entries"]}
    written |= {"SHA256SUMS", "index.html", "manifest.json"}
    everything = sorted(p.relative_to(dist).as_posix() for p in dist.rglob("*"))
    clean(Project.at(sandbox / "project"))
    assert sorted(p.relative_to(dist).as_posix() for p in dist.rglob("*")) == [
        p for p in everything if p not in written and p != "en-US"
    ]


def test_stale_temporaries_go_but_links_and_lookalikes_stay(project: Path):
    out = project / "dist"
    (out / "en-GB").mkdir(parents=True)
    stale = out / "en-GB" / f".{SLUG}-en-GB.pdf.0123456789ab.tmp"
    stale.write_bytes(b"half a PDF")
    mine = [out / "en-GB" / ".notes.tmp", out / "en-GB" / ".x.0123456789ab.tmp.keep"]
    for path in mine:
        path.write_text("mine")
    build(Project.at(project), ["en-GB"], ["epub"])
    assert not stale.exists()
    assert all(path.read_text() == "mine" for path in mine)


def test_errors_name_the_output_folder_when_it_cannot_be_locked(project: Path, tmp_path: Path):
    (tmp_path / "file").write_text("a file")
    with pytest.raises(BuildError, match=f"^cannot write {tmp_path}/file/dist: Not a directory$"):
        build(Project.at(project, tmp_path / "file" / "dist"), ["en-GB"], ["epub"])
    (tmp_path / "dir").mkdir()
    (tmp_path / "dir" / LOCK_NAME).mkdir()
    with pytest.raises(BuildError, match="^refusing to use .*/dir/.guidebuilder.lock: not a plain file of its own$"):
        clean(Project.at(project, tmp_path / "dir"))
    assert (tmp_path / "dir" / LOCK_NAME).is_dir()
    (project / "dist" / "SHA256SUMS").mkdir(parents=True)
    with pytest.raises(BuildError, match="^cannot read .*/dist/SHA256SUMS: Is a directory$"):
        build(Project.at(project), ["en-GB"], ["epub"])
    assert [p.name for p in (project / "dist").iterdir()] == ["SHA256SUMS"]


def test_a_killed_holder_leaves_no_lock(sandbox: Path):
    """The kernel drops the lock of a killed process: the next writer goes ahead without waiting."""
    project, dist = sandbox / "project", sandbox / "project" / "dist"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from guidebuilder.pipeline.lock import output_lock\n"
            "with output_lock(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(60)",
            str(dist),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline() == "held\n"
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    assert (dist / LOCK_NAME).exists()
    assert clean(Project.at(project), waiting=pytest.fail) == []
    assert not dist.exists()


def test_preflight_report_waits_for_the_output_folder_too(runner, project: Path, monkeypatch):
    dist = project / "dist"
    monkeypatch.setenv("GUIDEBUILDER_LOCK_WAIT", "0.3")
    with output_lock(dist):
        holder = (dist / LOCK_NAME).read_text().strip()
        result = run_cli(runner, "preflight", "en-GB", "--report", "-C", str(project))
        assert sorted(p.name for p in dist.iterdir()) == [LOCK_NAME]
    assert result.exit_code == 1, result.stdout + result.stderr
    assert result.stderr.splitlines() == [
        f"waiting for {holder}, which is writing to {dist}",
        f"error: {dist} is in use by {holder}; gave up after 0.3 s (GUIDEBUILDER_LOCK_WAIT)",
    ]
