"""The GitHub workflow: valid against GitHub's workflow schema (check-jsonschema's vendored copy, offline), the
jobs each event needs, and its steps run here as its jobs run them (each job in a fresh copy of the project,
artifacts passed between jobs): the shards it builds merge into the dist/ one `build --all` makes, byte for byte,
and a release gets every edition's files with a SHA256SUMS that checks them."""

from __future__ import annotations

import fnmatch
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from .conftest import REPO

WORKFLOWS = REPO / ".github" / "workflows"
WORKFLOW = WORKFLOWS / "publish.yml"
CHECK_JSONSCHEMA = REPO / ".venv" / "bin" / "check-jsonschema"
SITE = "https://example.org/customs-guide"
# Steps that set up a runner (packages, the install) or talk to GitHub: not run here. Every other `run` step has
# an id, and the tests below run it.
SETUP_STEPS = {"make", "make test", "make install", "rm -f /etc/apt/apt.conf.d/docker-clean"}
GITHUB_STEPS = {'gh release create "$TAG" release/* --repo "$GITHUB_REPOSITORY" --title "$TAG" --generate-notes'}


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def _triggers(workflow: dict) -> dict:
    return workflow.get("on", workflow.get(True))  # YAML 1.1 reads the key `on` as true


def _steps(job: dict, uses: str) -> list[dict]:
    return [step for step in job["steps"] if step.get("uses", "").split("@")[0] == uses]


def _schema_check(*paths: Path) -> subprocess.CompletedProcess:
    command = [str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.github-workflows", *map(str, paths)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_every_workflow_matches_githubs_workflow_schema():
    files = sorted(WORKFLOWS.glob("*.y*ml"))
    assert files == [WORKFLOW]
    result = _schema_check(*files)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_finds_a_broken_workflow(tmp_path: Path):
    text = WORKFLOW.read_text(encoding="utf-8")
    broken = tmp_path / "broken.yml"
    broken.write_text(text.replace("    runs-on: ubuntu-24.04\n", "    runs_on: ubuntu-24.04\n", 1))
    result = _schema_check(broken)
    assert result.returncode == 1 and "runs_on" in result.stdout + result.stderr


def test_tests_run_on_every_push_and_pull_request_with_cached_debian_packages(workflow):
    triggers = _triggers(workflow)
    assert set(triggers) == {"push", "pull_request"}
    assert triggers["push"] == {"branches": ["**"], "tags": ["v*"]}
    test = workflow["jobs"]["test"]
    assert "if" not in test and "needs" not in test
    assert [s["run"] for s in test["steps"] if "run" in s][-2:] == ["make", "make test"]
    assert test["container"]["image"] == "python:3.11-bookworm"  # Debian, as root: the Makefile installs packages
    caches = [s["with"]["path"] for s in _steps(test, "actions/cache")]
    assert "/var/cache/apt/archives/*.deb" in caches and "~/.cache/pip" in caches
    assert any(s.get("run") == "rm -f /etc/apt/apt.conf.d/docker-clean" for s in test["steps"])


def test_main_builds_shards_merges_them_and_deploys_pages(workflow):
    jobs = workflow["jobs"]
    assert "refs/heads/main" in jobs["site"]["if"] and "github.event_name == 'push'" in jobs["site"]["if"]
    assert jobs["site"]["outputs"]["url"] == "${{ steps.pages.outputs.base_url }}"
    assert _steps(jobs["site"], "actions/configure-pages")[0]["id"] == "pages"
    shards = jobs["shard"]["strategy"]["matrix"]["shard"]
    assert shards == list(range(1, len(shards) + 1)) and len(shards) > 1
    assert jobs["shard"]["needs"] == "site" and jobs["merge"]["needs"] == ["site", "shard"]
    assert _steps(jobs["merge"], "actions/download-artifact")[0]["with"]["pattern"] == "shard-*"
    assert _steps(jobs["merge"], "actions/upload-pages-artifact")[0]["with"]["path"] == "dist"
    deploy = jobs["deploy"]
    assert deploy["if"] == "github.ref == 'refs/heads/main'" and set(deploy["needs"]) == {"test", "merge"}
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert _steps(deploy, "actions/deploy-pages")
    assert workflow["permissions"] == {"contents": "read"}  # nothing more unless a job asks


def test_a_version_tag_makes_a_release(workflow):
    release = workflow["jobs"]["release"]
    assert release["if"] == "startsWith(github.ref, 'refs/tags/v')" and set(release["needs"]) == {"test", "merge"}
    assert release["permissions"] == {"contents": "write"}
    assert {s["run"] for s in release["steps"] if "run" in s and "id" not in s} == GITHUB_STEPS


def test_every_step_that_does_the_work_is_one_the_tests_run(workflow):
    """A `run` step is either the runner's set-up (install, make test) or has an id and runs in the test below."""
    for name, job in workflow["jobs"].items():
        for step in job["steps"]:
            if "run" in step and "id" not in step:
                assert step["run"] in SETUP_STEPS | GITHUB_STEPS, (name, step)


class Runner:
    """Runs jobs' steps as GitHub's runner would, each job in a fresh copy of the project: the steps with an id
    (bash -e, their env with ${{ }} expressions filled in from the context), artifact uploads and downloads
    (a folder per artifact, downloads by name or pattern into a folder per artifact)."""

    def __init__(self, workflow: dict, root: Path, context: dict[str, str]) -> None:
        self.workflow, self.root, self.context = workflow, root, context
        self.artifacts = root / "artifacts"

    def checkout(self, name: str) -> Path:
        """A fresh copy of the project's files (the installed .venv shared)."""
        workspace = self.root / name
        for folder in ("guide", "layouts", "tools"):
            shutil.copytree(REPO / folder, workspace / folder)
        (workspace / ".venv").symlink_to(REPO / ".venv")
        return workspace

    def expand(self, value: object, context: dict[str, str]) -> str:
        return re.sub(r"\$\{\{\s*(.*?)\s*\}\}", lambda m: context[m[1]], str(value))

    def run_job(self, name: str, workspace: Path, **more: str) -> dict[str, str]:
        """Run the job's steps in workspace; the outputs its steps wrote to GITHUB_OUTPUT."""
        job = self.workflow["jobs"][name]
        context = {**self.context, **more}
        outputs: dict[str, str] = {}
        for step in job["steps"]:
            uses = step.get("uses", "").split("@")[0]
            if uses == "actions/upload-artifact":
                shutil.copytree(
                    workspace / self.expand(step["with"]["path"], context),
                    self.artifacts / self.expand(step["with"]["name"], context),
                )
            elif uses == "actions/download-artifact":
                self._download(step["with"], workspace, context)
            elif "run" in step and "id" in step:
                outputs.update(self._run(step, job, workspace, context))
        return outputs

    def _download(self, given: dict, workspace: Path, context: dict[str, str]) -> None:
        into = workspace / self.expand(given["path"], context)
        if "name" in given:
            shutil.copytree(self.artifacts / self.expand(given["name"], context), into)
            return
        for artifact in sorted(self.artifacts.iterdir()):
            if fnmatch.fnmatch(artifact.name, given["pattern"]):
                shutil.copytree(artifact, into / artifact.name)

    def _run(self, step: dict, job: dict, workspace: Path, context: dict[str, str]) -> dict[str, str]:
        output = workspace.parent / f"{workspace.name}-{step['id']}.out"
        env = {**os.environ, "GITHUB_OUTPUT": str(output), "GITHUB_REPOSITORY": "example/customs-guide"}
        env.update({k: self.expand(v, context) for k, v in {**job.get("env", {}), **step.get("env", {})}.items()})
        command = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]]
        result = subprocess.run(command, cwd=workspace, env=env, capture_output=True, text=True, timeout=900)
        assert result.returncode == 0, f"step {step['id']}: {result.stdout}{result.stderr}"
        lines = output.read_text().splitlines() if output.is_file() else []
        return dict(line.split("=", 1) for line in lines)


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_the_workflow_builds_merges_and_releases_what_one_build_makes(workflow, tmp_path: Path):
    runner = Runner(workflow, tmp_path, {"github.ref_name": "v1.0.0", "github.token": "unused"})
    site = runner.run_job("site", REPO)  # only its own step runs here: the build date from git, read-only
    assert re.fullmatch(r"\d+", site["epoch"]), site
    needs = {"needs.site.outputs.url": SITE, "needs.site.outputs.epoch": site["epoch"]}
    count = len(workflow["jobs"]["shard"]["strategy"]["matrix"]["shard"])
    for index in range(1, count + 1):
        shard = {"matrix.shard": str(index), "strategy.job-total": str(count)}
        runner.run_job("shard", runner.checkout(f"shard-{index}"), **needs, **shard)
    merged = runner.checkout("merge")
    runner.run_job("merge", merged, **needs)
    released = runner.checkout("release")
    runner.run_job("release", released, **needs)

    one = runner.checkout("one")  # the same commit built in one go, pointed at the same site
    for step in _steps_with_id(workflow, "merge", "site-url"):
        subprocess.run(["bash", "-c", step["run"]], cwd=one, env={**os.environ, "SITE_URL": SITE}, check=True)
    env = {**os.environ, "SOURCE_DATE_EPOCH": site["epoch"]}
    subprocess.run([".venv/bin/guidebuilder", "build", "--all", "--quiet"], cwd=one, env=env, check=True, timeout=900)

    whole, sharded = _files(one / "dist"), _files(merged / "dist")
    assert sharded.keys() == whole.keys()
    assert [name for name in whole if sharded[name] != whole[name]] == []
    assert f'"site_url": "{SITE}"'.encode() in whole["manifest.json"]

    release = released / "release"
    editions = sorted(p.stem for p in (REPO / "guide" / "editions").glob("*.yaml"))
    names = {p.name for p in release.iterdir()}
    for edition in editions:
        stem = f"customs-officer-careers-{edition}"
        assert {f"{stem}.pdf", f"{stem}-print.pdf", f"{stem}-booklet.pdf", f"{stem}.epub"} <= names
    assert len(names) == 4 * len(editions) + 1
    check = subprocess.run(
        ["sha256sum", "--check", "--strict", "SHA256SUMS"], cwd=release, capture_output=True, text=True
    )
    assert check.returncode == 0 and check.stdout.count(": OK") == 4 * len(editions), check.stdout + check.stderr


def _steps_with_id(workflow: dict, job: str, step_id: str) -> list[dict]:
    return [s for s in workflow["jobs"][job]["steps"] if s.get("id") == step_id]


def test_site_url_step_keeps_an_address_the_guide_already_names(tmp_path: Path):
    guide = tmp_path / "guide.yaml"
    guide.write_text("title: T\nsite_url: https://careers.example.org\n")
    result = subprocess.run([str(REPO / "tools" / "site-url.sh"), SITE, str(guide)], capture_output=True, text=True)
    assert result.returncode == 0 and guide.read_text().count("site_url") == 1
    assert "already names its site: https://careers.example.org" in result.stdout


def test_site_url_step_refuses_a_missing_address(tmp_path: Path):
    guide = tmp_path / "guide.yaml"
    guide.write_text("title: T\n")
    result = subprocess.run([str(REPO / "tools" / "site-url.sh"), "", str(guide)], capture_output=True, text=True)
    assert result.returncode == 1 and "is GitHub Pages enabled" in result.stderr
    assert guide.read_text() == "title: T\n"
