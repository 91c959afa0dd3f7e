"""Fetch a paper's code at exactly one commit, through a bare mirror cache (GitPython).

A local folder (`repo.path`) is snapshotted by a content hash instead and marked unpinned.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # GitPython costs 0.13 s to import; a `repo.path` run never needs it
    import git

from runner.core.masking import mask_url
from runner.edges.locks import mirror_lock
from runner.errors import ExitCode, InfraError, ReproError

SKIP_DIRS = {".git", "__pycache__", ".pytest_cache", ".mypy_cache", ".venv"}


class CommitNotFound(ReproError):
    exit_code = ExitCode.INVALID


@dataclass(frozen=True)
class Source:
    """The code a run uses: where it came from and a stable id for cache keys and records."""

    kind: str  # "git" or "local"
    location: str  # masked URL, or the folder's path
    source_id: str  # commit SHA, or "tree:sha256:..." for a local folder
    pinned: bool
    checkout: Path | None = None  # where the files are on disk, once fetched


def tree_hash(folder: Path) -> str:
    """Content hash of a folder: relative paths, executable bits and bytes, in sorted order."""
    digest = hashlib.sha256()
    for path in sorted(_walk(folder)):
        rel = path.relative_to(folder).as_posix()
        mode = "x" if os.access(path, os.X_OK) else "-"
        digest.update(f"{rel}\0{mode}\0".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return "tree:sha256:" + digest.hexdigest()


def _walk(folder: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        for name in files:
            path = Path(root, name)
            if path.is_file() and not path.is_symlink():
                yield path


def local_source(folder: Path) -> Source:
    if not folder.is_dir():
        raise CommitNotFound(f"repo.path {folder} is not a directory",
                             hint="repo.path is relative to the spec file")
    return Source("local", str(folder), tree_hash(folder), pinned=False, checkout=folder)


class GitFetcher:
    """Bare mirrors under `cache/git/`, one per URL, guarded by a file lock."""

    def __init__(self, cache_dir: Path) -> None:
        self.root = cache_dir / "git"

    def mirror_path(self, url: str) -> Path:
        return self.root / (hashlib.sha256(url.encode()).hexdigest()[:20] + ".git")

    @contextlib.contextmanager
    def _locked(self, url: str) -> Iterator[git.Repo]:
        import git

        path = self.mirror_path(url)
        self.root.mkdir(parents=True, exist_ok=True)
        # One clone or fetch per mirror: two runs of one paper must not fetch into it at once.
        with mirror_lock(path):
            repo = git.Repo.init(path, bare=True) if not path.exists() else git.Repo(path)
            try:
                yield repo
            finally:
                repo.close()

    def resolve(self, url: str, ref: str) -> str:
        """A branch or tag to its current SHA (for --allow-mutable-ref, recorded as such)."""
        if re.fullmatch(r"[0-9a-f]{40}", ref):
            return ref
        import git

        try:
            out = str(git.cmd.Git().ls_remote(url, ref))
        except git.GitCommandError as exc:
            raise InfraError(f"cannot reach {mask_url(url)}: {_stderr(exc)}") from None
        for line in out.splitlines():
            sha, name = line.split("\t", 1)
            if name in (ref, f"refs/heads/{ref}", f"refs/tags/{ref}", f"refs/tags/{ref}^{{}}"):
                return sha
        raise CommitNotFound(f"{mask_url(url)} has no branch or tag named {ref!r}")

    def full_sha(self, url: str, ref: str) -> str:
        """`ref` (HEAD, a branch, a tag or an abbreviated SHA) as a full commit SHA."""
        try:
            return self.resolve(url, ref)
        except CommitNotFound:
            if not re.fullmatch(r"[0-9a-f]{4,39}", ref):
                raise
        import git

        with self._locked(url) as mirror:  # an abbreviated SHA: only the history knows it
            _fetch_all(mirror, url)
            try:
                return str(mirror.git.rev_parse("--verify", "--quiet", f"{ref}^{{commit}}"))
            except git.GitCommandError:
                raise CommitNotFound(f"{mask_url(url)} has no commit, branch or tag {ref!r}",
                                     ) from None

    def fetch(self, url: str, commit: str, dest: Path, submodules: bool = False) -> Source:
        """Check out `commit` into `dest` (created), fetching into the mirror only if needed."""
        with self._locked(url) as mirror:
            if not _has_commit(mirror, commit):
                _fetch_commit(mirror, url, commit)
            if not _has_commit(mirror, commit):
                raise CommitNotFound(f"commit {commit} does not exist in {mask_url(url)}",
                                     hint="check repo.commit, or --repo for a fork or mirror")
            _checkout(mirror, commit, dest, submodules)
        return Source("git", mask_url(url), commit, pinned=True, checkout=dest)


def _has_commit(repo: git.Repo, commit: str) -> bool:
    import git

    try:
        return bool(repo.git.cat_file("-t", commit) == "commit")
    except git.GitCommandError:
        return False


def _fetch_commit(mirror: git.Repo, url: str, commit: str) -> None:
    import git

    # Ask for the one commit first (servers like GitHub allow it); fall back to all refs
    # for servers that refuse a want of an unadvertised SHA.
    try:
        mirror.git.fetch(url, commit)
        return
    except git.GitCommandError:
        pass
    _fetch_all(mirror, url)


def _fetch_all(mirror: git.Repo, url: str) -> None:
    import git

    try:
        mirror.git.fetch(url, "+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*")
    except git.GitCommandError as exc:
        raise InfraError(f"cannot fetch from {mask_url(url)}: {_stderr(exc)}") from None


def _checkout(mirror: git.Repo, commit: str, dest: Path, submodules: bool) -> None:
    import git

    if dest.exists():
        shutil.rmtree(dest)
    try:
        clone = git.Repo.clone_from(mirror.git_dir, dest, shared=True, no_checkout=True)
        clone.git.checkout("--detach", commit)
        head = clone.head.commit.hexsha
        if submodules:
            clone.git.submodule("update", "--init", "--recursive")
        clone.close()
    except git.GitCommandError as exc:
        raise InfraError(f"checkout of {commit} failed: {_stderr(exc)}") from None
    if head != commit:
        raise InfraError(f"checked out {head}, expected {commit}: refusing to continue")


def _stderr(exc: git.GitCommandError) -> str:
    text = str(exc.stderr or exc).strip().strip("'").strip()
    return mask_url(text.replace("stderr: ", "")) or "git failed"
