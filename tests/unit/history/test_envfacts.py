"""pip freeze read as packages, and the facts of a run's environment."""

from __future__ import annotations

from record_factory import make_record

from runner.history.envfacts import facts, package_changes, packages
from runner.record.model import RunRecord


def test_pip_freeze_lines_become_normalised_names() -> None:
    data = make_record(pip=["Typing_Extensions==4.9.0", "torch==2.2.0+cu121",
                            "mylib @ file:///src/mylib", "-e git+https://x.invalid/r#egg=r",
                            "# comment", ""])
    found = packages(RunRecord.model_validate(data))
    assert found == {"typing-extensions": "4.9.0", "torch": "2.2.0+cu121",
                     "mylib": "@ file:///src/mylib", "-e git+https://x.invalid/r#egg=r": ""}


def test_package_changes_are_added_removed_changed() -> None:
    changes = package_changes({"a": "1", "b": "2", "c": "3"}, {"a": "1", "b": "2.1", "d": "4"})
    assert changes.added == {"d": "4"} and changes.removed == {"c": "3"}
    assert changes.changed == {"b": ("2", "2.1")}
    assert not package_changes({"a": "1"}, {"a": "1"})


def test_facts_say_unavailable_or_none_rather_than_fail() -> None:
    record = RunRecord.model_validate(make_record())
    by_key = {key: value for key, _, value in facts(record)}
    assert by_key["gpu"] == "unavailable"  # NVML could not start
    assert by_key["driver"] is None
    assert by_key["cpu"] == "AMD EPYC (2 logical)"
    assert by_key["engine"] == "docker 20.10.24"
    assert by_key["data:table"] == "7" * 64
