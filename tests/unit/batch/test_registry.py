"""Registries: folders walked, lock files skipped, invalid specs kept with file:line:key."""

from __future__ import annotations

import pytest

from runner.batch.registry import collect, spec_paths
from runner.errors import UsageError


def test_folders_are_walked_and_lock_files_and_hidden_folders_skipped(tmp_path, write_spec):
    a = write_spec("reg/a.yaml", "a")
    b = write_spec("reg/deep/b.yaml", "b")
    (tmp_path / "reg" / "a.lock.yaml").write_text("lock: 1\n")
    write_spec("reg/.git/c.yaml", "c")
    assert spec_paths([tmp_path / "reg"]) == [a.resolve(), b.resolve()]


def test_invalid_spec_is_an_entry_with_file_line_and_key(tmp_path, write_spec):
    write_spec("reg/good.yaml", "good")
    bad = tmp_path / "reg" / "bad.yaml"
    bad.write_text("version: 1\npaper: {title: t}\nrepo: {path: code}\n"
                   "environment: {base: b}\nsteps: []\nbogus: 1\n")
    entries = {e.name: e for e in collect([tmp_path / "reg"])}
    assert entries["good"].valid and entries["good"].problems == []
    assert not entries["bad"].valid
    assert any(p.startswith(f"{bad}:6: bogus: unknown key") for p in entries["bad"].problems)
    assert any(f"{bad}:5: steps" in p for p in entries["bad"].problems)


def test_a_second_file_with_the_same_spec_name_is_invalid(tmp_path, write_spec):
    write_spec("reg/one.yaml", "same")
    second = write_spec("reg/two.yaml", "same")
    entries = collect([tmp_path / "reg"])
    assert [e.valid for e in entries] == [True, False]
    assert "already used by" in entries[1].problems[0]
    assert entries[1].path == second.resolve()


def test_only_keeps_names_and_rejects_unknown_ones(tmp_path, write_spec):
    write_spec("reg/a.yaml", "a")
    write_spec("reg/b.yaml", "b")
    assert [e.name for e in collect([tmp_path / "reg"], ["b"])] == ["b"]
    with pytest.raises(UsageError, match="not in the registry: zz"):
        collect([tmp_path / "reg"], ["zz"])


def test_empty_or_missing_registry_is_a_usage_error(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(UsageError, match="no spec files"):
        spec_paths([tmp_path / "empty"])
    with pytest.raises(UsageError, match="no such file"):
        spec_paths([tmp_path / "nope"])
