"""Code from git: the exact commit, unknown commits, --repo, mutable refs, the mirror cache."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from itest_support import invoke, last_record, output_of, write_spec

from runner.edges.git_mirror import CommitNotFound, GitFetcher
from runner.errors import ExitCode, InfraError

pytestmark = pytest.mark.docker

SHOW = [{"name": "show", "run": "echo \"content=$(cat answer.txt)\"; ls -a"}]


@pytest.fixture
def two_commits(make_git_repo) -> tuple[Path, str, str]:
    """A repository whose answer.txt says `first` at one commit and `second` at the next."""
    repo, first = make_git_repo({"answer.txt": "first\n"}, "paper")
    _, second = make_git_repo({"answer.txt": "second\n"}, "paper")
    assert first != second
    return repo, first, second


def _content(folder: Path) -> str:
    log = (folder / "seed-0/show.log").read_text()
    return next(line for line in log.splitlines() if line.startswith("content="))


def test_pinned_commit_is_what_runs(engine_ready, tmp_path, two_commits, leftovers):
    repo, first, _ = two_commits
    runs = tmp_path / "runs"
    spec = write_spec(tmp_path / "specs", "git", SHOW, repo={"url": str(repo), "commit": first})

    result = invoke(["run", str(spec), "--quiet"], runs)

    assert result.exit_code == 0, output_of(result)
    record, folder = last_record(runs, "git")
    assert _content(folder) == "content=first"  # the pinned commit, not the newer HEAD
    assert ".git" not in (folder / "seed-0/show.log").read_text().split()
    source = record["source"]
    assert source == {**source, "kind": "git", "commit": first, "pinned": True,
                      "location": str(repo), "mutable_ref": None}
    assert record["image"]["labels"]["org.repro.source"] == first
    assert leftovers() == []


def test_unknown_commit_is_a_clear_error(engine_ready, tmp_path, two_commits, leftovers):
    repo, _, _ = two_commits
    runs = tmp_path / "runs"
    missing = "0123456789abcdef0123456789abcdef01234567"
    spec = write_spec(tmp_path / "specs", "git", SHOW,
                      repo={"url": str(repo), "commit": missing})

    result = invoke(["run", str(spec), "--quiet"], runs)

    assert result.exit_code == 2, output_of(result)
    assert f"commit {missing} does not exist" in output_of(result)
    record, _ = last_record(runs, "git")
    assert record["status"] == "failed"
    assert record["exit_code"] == 2
    assert missing in record["reason"] and str(repo) in record["reason"]
    assert "image" not in record and "runs" not in record
    assert leftovers() == []


def test_repo_option_fetches_the_same_commit_from_a_clone(engine_ready, tmp_path, two_commits,
                                                          leftovers):
    repo, first, _ = two_commits
    clone = tmp_path / "fork"
    subprocess.run(["git", "clone", "-q", str(repo), str(clone)], check=True)
    runs = tmp_path / "runs"
    gone = tmp_path / "no-such-upstream"  # the spec's URL cannot be reached at all
    spec = write_spec(tmp_path / "specs", "git", SHOW, repo={"url": str(gone), "commit": first})

    result = invoke(["run", str(spec), "--quiet", "--repo", str(clone)], runs)

    assert result.exit_code == 0, output_of(result)
    record, folder = last_record(runs, "git")
    assert _content(folder) == "content=first"
    assert record["source"]["location"] == str(clone)
    assert record["source"]["commit"] == first
    assert record["options"]["repo_override"] is True
    assert leftovers() == []


def test_branch_needs_allow_mutable_ref_and_records_the_sha(engine_ready, tmp_path,
                                                            two_commits, leftovers):
    repo, _, second = two_commits
    runs = tmp_path / "runs"
    spec = write_spec(tmp_path / "specs", "git", SHOW, repo={"url": str(repo), "commit": "main"})

    refused = invoke(["validate", str(spec)])
    assert refused.exit_code == 2, output_of(refused)
    assert "not a full 40-hex commit SHA" in output_of(refused)
    assert "--allow-mutable-ref" in output_of(refused)
    assert invoke(["validate", str(spec), "--allow-mutable-ref"]).exit_code == 0
    refused_run = invoke(["run", str(spec), "--quiet"], runs)
    assert refused_run.exit_code == 2, output_of(refused_run)

    result = invoke(["run", str(spec), "--quiet", "--allow-mutable-ref"], runs)

    assert result.exit_code == 0, output_of(result)
    record, folder = last_record(runs, "git")
    assert _content(folder) == "content=second"
    assert record["source"]["mutable_ref"] == "main"
    assert record["source"]["commit"] == second
    assert record["options"]["allow_mutable_ref"] is True
    assert leftovers() == []


def test_mirror_serves_a_known_commit_without_the_source(engine_ready, tmp_path, two_commits,
                                                         isolated_cache, leftovers):
    repo, first, _ = two_commits
    runs = tmp_path / "runs"
    spec = write_spec(tmp_path / "specs", "git", SHOW, repo={"url": str(repo), "commit": first})
    assert invoke(["run", str(spec), "--quiet"], runs).exit_code == 0
    mirrors = list((isolated_cache / "git").glob("*.git"))
    assert len(mirrors) == 1

    shutil.rmtree(repo)  # upstream is gone; the mirror in the cache still has the commit
    result = invoke(["run", str(spec), "--quiet"], runs)

    assert result.exit_code == 0, output_of(result)
    record, folder = last_record(runs, "git")
    assert _content(folder) == "content=first"
    assert record["source"]["commit"] == first
    assert record["image"]["reused"] is True
    assert list((isolated_cache / "git").glob("*.git")) == mirrors
    assert leftovers() == []


def test_git_fetcher_checks_out_exact_commits_through_one_mirror(tmp_path, two_commits):
    repo, first, second = two_commits
    fetcher = GitFetcher(tmp_path / "fetch-cache")

    one = fetcher.fetch(str(repo), first, tmp_path / "one")
    two = fetcher.fetch(str(repo), second, tmp_path / "two")

    assert (one.kind, one.source_id, one.pinned) == ("git", first, True)
    assert (tmp_path / "one/answer.txt").read_text() == "first\n"
    assert (tmp_path / "two/answer.txt").read_text() == "second\n"
    assert two.source_id == second
    assert fetcher.resolve(str(repo), "main") == second
    assert len(list((tmp_path / "fetch-cache/git").glob("*.git"))) == 1
    with pytest.raises(CommitNotFound) as missing:
        fetcher.fetch(str(repo), "f" * 40, tmp_path / "three")
    assert missing.value.exit_code == ExitCode.INVALID

    shutil.rmtree(repo)
    again = fetcher.fetch(str(repo), first, tmp_path / "one")  # from the mirror alone
    assert again.source_id == first
    assert (tmp_path / "one/answer.txt").read_text() == "first\n"
    with pytest.raises(InfraError):  # an unknown commit with the upstream gone: exit 4
        fetcher.fetch(str(repo), "f" * 40, tmp_path / "three")
