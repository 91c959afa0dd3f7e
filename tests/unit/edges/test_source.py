"""`--repo` on a spec whose source is a local folder (repo.path, no commit)."""

from __future__ import annotations

from pathlib import Path

import pytest

from runner.edges.source import source_ref
from runner.errors import UsageError
from runner.spec import load_spec

ROOT = Path(__file__).resolve().parents[3]
DEMO = ROOT / "specs" / "aftershock-mini.yaml"


def test_a_folder_override_replaces_the_specs_folder(tmp_path: Path) -> None:
    ref = source_ref(load_spec(DEMO), DEMO, str(tmp_path))
    assert ref.folder == tmp_path.resolve() and ref.url is None and ref.commit is None


@pytest.mark.parametrize("override", ["https://example.com/paper.git", "no/such/folder"])
def test_a_url_or_missing_folder_override_is_a_usage_error(override: str) -> None:
    # It used to reach `describe` with a URL and no commit: an assertion, exit 70.
    with pytest.raises(UsageError, match="--repo must be a local folder too"):
        source_ref(load_spec(DEMO), DEMO, override)
