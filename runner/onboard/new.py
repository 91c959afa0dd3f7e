"""`repro new REPO`: fetch a repository through the git mirror, pin the commit's full SHA,
scan it, and write a commented draft spec.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from runner.edges.git_mirror import GitFetcher
from runner.errors import UsageError
from runner.onboard import draft as drafting
from runner.onboard.facts import (
    candidate_steps,
    data_hints,
    mentions_cuda,
    python_version,
    title,
)
from runner.onboard.pyscan import printed_metrics, python_files, third_party_imports
from runner.onboard.scanners import scan_environment
from runner.onboard.spec_writer import render
from runner.settings import cache_dir


@dataclass(frozen=True)
class NewResult:
    path: Path
    commit: str
    text: str
    todos: list[str]  # each TODO as `repro validate` explains it


def repo_url(repo: str) -> str:
    """A URL as given; a local path made absolute (it must be a git repository)."""
    if "://" in repo or re.match(r"^[\w.-]+@[\w.-]+:", repo):
        return repo
    path = Path(repo).expanduser().resolve()
    if not (path / ".git").exists() and not (path / "HEAD").is_file():
        raise UsageError(f"{repo} is not a git repository",
                         hint="give a git URL, or the path of a local clone")
    return str(path)


def default_name(url: str) -> str:
    stem = url.rstrip("/").removesuffix("/.git").rsplit("/", 1)[-1]
    stem = stem.rsplit(":", 1)[-1].removesuffix(".git")
    return re.sub(r"[^a-z0-9._-]+", "-", stem.lower()).strip("-._")[:60] or "paper"


def new_spec(repo: str, ref: str | None, output: Path | None, force: bool) -> NewResult:
    url = repo_url(repo)
    name = default_name(url)
    target = output or Path(f"{name}.yaml")
    if target.exists() and not force:
        raise UsageError(f"{target} exists", hint="choose another file with -o, or --force")
    fetcher = GitFetcher(cache_dir())
    asked = ref or "HEAD"
    commit = fetcher.full_sha(url, asked)
    folder = Path(tempfile.mkdtemp(prefix="repro-new-"))
    try:
        source = fetcher.fetch(url, commit, folder / "repo")
        assert source.checkout is not None
        text = render(scan(source.checkout, url, commit, asked, name))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    _write(target, text)
    return NewResult(target, commit, text, draft_todos(target))


def draft_todos(path: Path) -> list[str]:
    """The draft's TODOs as validation explains them; any other problem is raised."""
    from runner.spec import SpecError, load_spec

    try:
        load_spec(path)
    except SpecError as exc:
        if not exc.only_todos:
            raise
        return [p.render() for p in exc.problems]
    return []


def scan(root: Path, url: str, commit: str, asked: str, name: str) -> drafting.Draft:
    files = python_files(root)
    env = scan_environment(root, files)
    python = python_version(root, files, env.python)
    interpreter = "python" if python and python.value.startswith("2") else "python3"
    candidates = candidate_steps(root, files, interpreter)
    printed = printed_metrics(files)
    chosen, others = drafting.choose_steps(candidates, printed)
    steps = drafting.step_drafts(chosen)
    link, mount = data_hints(root, files)
    modules = set(third_party_imports(root, files))
    return drafting.Draft(
        name=name, title=title(root, name), url=url, commit=commit, asked_ref=asked, env=env,
        python=python, steps=steps, other_steps=others,
        metrics=drafting.metric_drafts(printed, chosen, steps) if steps else [],
        data_link=link, data_mount=mount, cuda=mentions_cuda(files),
        keras_theano={"keras", "theano"} <= modules and env.kind != "dockerfile")


def _write(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(target)
