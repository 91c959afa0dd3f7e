"""From a spec to its source code: a pinned commit through the mirror, or a local folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from runner.core.masking import mask_url
from runner.edges.git_mirror import GitFetcher, Source, local_source
from runner.errors import UsageError
from runner.spec.models import Spec


@dataclass(frozen=True)
class SourceRef:
    """What the spec (and --repo) say, before anything is fetched."""

    url: str | None
    commit: str | None
    folder: Path | None
    submodules: bool
    mutable_ref: str | None = None  # the branch or tag a --allow-mutable-ref run resolved


def source_ref(spec: Spec, spec_path: Path, repo_override: str | None = None) -> SourceRef:
    repo = spec.repo
    if repo.path is not None and repo_override is None:
        return SourceRef(None, None, (spec_path.parent / repo.path).resolve(), repo.submodules)
    if repo.commit is None:  # a `repo.path` spec: no commit to check out of a URL
        return SourceRef(None, None, _override_folder(str(repo_override)), repo.submodules)
    url = repo_override or repo.url
    assert url is not None
    if repo_override and "://" not in url and Path(url).exists():
        url = str(Path(url).resolve())
    return SourceRef(url, repo.commit, None, repo.submodules)


def _override_folder(override: str) -> Path:
    folder = Path(override)
    if "://" in override or not folder.is_dir():
        raise UsageError(f"--repo {override}: the spec names a local folder (repo.path) and "
                         "no commit, so --repo must be a local folder too",
                         hint="give a folder, or write repo.url and repo.commit in the spec")
    return folder.resolve()


def pin(ref: SourceRef, fetcher: GitFetcher) -> SourceRef:
    """Resolve a branch or tag to a SHA (only reached with --allow-mutable-ref)."""
    if ref.url is None or ref.commit is None or len(ref.commit) == 40:
        return ref
    sha = fetcher.resolve(ref.url, ref.commit)
    return SourceRef(ref.url, sha, None, ref.submodules, mutable_ref=ref.commit)


def describe(ref: SourceRef) -> Source:
    """The source's identity without fetching (for `repro plan`)."""
    if ref.folder is not None:
        return local_source(ref.folder)
    assert ref.url is not None and ref.commit is not None
    return Source("git", mask_url(ref.url), ref.commit, pinned=True)


def materialise(ref: SourceRef, fetcher: GitFetcher, dest: Path) -> Source:
    """Files on disk: a checkout of the exact commit, or the local folder itself."""
    if ref.folder is not None:
        return local_source(ref.folder)
    assert ref.url is not None and ref.commit is not None
    return fetcher.fetch(ref.url, ref.commit, dest, ref.submodules)
