"""The YAML reader: line numbers, and refusal of what a spec never needs, always as SpecError."""

from __future__ import annotations

import pytest

from runner.spec import SpecError, load_spec_text, yamlsafe
from runner.spec.yamlsafe import MAX_BYTES, MAX_DEPTH, YamlReadError, read_yaml


def spec_problems(text: str) -> list[tuple[int | None, str]]:
    with pytest.raises(SpecError) as info:
        load_spec_text(text, "f.yaml")
    return [(p.line, p.message) for p in info.value.problems]


def test_lines_of_every_key_path() -> None:
    located = read_yaml("a: 1\nb:\n  c: [x, y]\n  d:\n    - e: 2\n")
    assert located.data == {"a": 1, "b": {"c": ["x", "y"], "d": [{"e": 2}]}}
    assert located.lines[("a",)] == 1
    assert located.lines[("b", "c")] == 3
    assert located.lines[("b", "c", 1)] == 3
    assert located.lines[("b", "d", 0)] == 5
    assert located.lines[("b", "d", 0, "e")] == 5


def test_line_of_falls_back_to_the_nearest_existing_ancestor() -> None:
    located = read_yaml("a: 1\nb:\n  c: 2\n")
    assert located.line_of(("b", "missing", 0)) == 2
    assert located.line_of(("b", "c")) == 3


@pytest.mark.parametrize("text", ["", "\n\n", "# only\n# comments\n", "---\n"])
def test_empty_file(text: str) -> None:
    problems = spec_problems(text)
    assert len(problems) == 1
    message = problems[0][1]
    assert "empty" in message or "mapping" in message


@pytest.mark.parametrize(("text", "kind"), [("- a\n- b\n", "list"), ("hello\n", "str"),
                                            ("42\n", "int"), ("null\n", "NoneType")])
def test_top_level_must_be_a_mapping(text: str, kind: str) -> None:
    assert spec_problems(text) == [(1, f"a spec must be a mapping of keys, got a {kind}")]


def test_duplicate_keys_name_both_lines() -> None:
    text = "version: 1\npaper:\n  title: a\n  year: 1\n  title: b\n"
    ((line, message),) = spec_problems(text)
    assert line == 5
    assert message == "duplicate key 'title' (first defined on line 3)"


def test_duplicate_keys_after_string_conversion() -> None:
    ((line, message),) = spec_problems("a: 1\n'1': x\n1: y\n")
    assert line == 3 and "duplicate key '1' (first defined on line 2)" in message


def test_boolean_looking_keys_keep_their_text() -> None:
    assert read_yaml("ON: 1\nno: 2\n1e3: 3\n").data == {"ON": 1, "no": 2, "1e3": 3}


def test_aliases_are_refused() -> None:
    ((line, message),) = spec_problems("a: &x [1, 2]\nb: *x\n")
    assert line == 2 and "aliases" in message


def test_billion_laughs_is_refused_quickly() -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    ((line, message),) = spec_problems("\n".join(lines) + "\n")
    assert line == 2 and "aliases" in message


def test_recursive_alias_is_refused() -> None:
    with pytest.raises(YamlReadError, match="aliases"):
        read_yaml("a: &a [*a]\n")


def test_deep_nesting_is_refused_with_a_line() -> None:
    text = "a:\n" + "".join("  " * i + "b:\n" for i in range(1, MAX_DEPTH + 5))
    ((line, message),) = spec_problems(text)
    assert "too deeply nested" in message and line is not None and line > MAX_DEPTH


@pytest.mark.parametrize("depth", [200, 1100])
def test_deep_flow_nesting_is_a_spec_error(depth: int) -> None:
    ((_, message),) = spec_problems("a: " + "[" * depth + "]" * depth + "\n")
    assert "nested" in message


def test_too_many_values_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlsafe, "MAX_NODES", 100)
    read_yaml("a: [" + ", ".join(["1"] * 90) + "]\n")
    with pytest.raises(YamlReadError, match="too large"):
        read_yaml("a: [" + ", ".join(["1"] * 100) + "]\n")


def test_file_over_the_size_limit() -> None:
    ((line, message),) = spec_problems("a: '" + "x" * MAX_BYTES + "'\n")
    assert line is None and "larger than" in message


@pytest.mark.parametrize(
    ("text", "line"),
    [("version: 1\npaper: {title: x\nrepo: 1\n", 3), ("version: 1\n\tpaper: x\n", 2),
     ("a: 1\n b: 2\n", 2), ("a: 'open\n", 2), ("a: [1, 2\n", 2)],
)
def test_invalid_yaml_names_the_line(text: str, line: int) -> None:
    ((got, message),) = spec_problems(text)
    assert got == line and message.startswith("not valid YAML")


def test_multiple_documents_are_refused() -> None:
    ((line, message),) = spec_problems("version: 1\n---\nversion: 1\n")
    assert line == 2 and "another document" in message


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b"])
def test_control_characters_are_a_spec_error_with_a_line(char: str) -> None:
    ((line, message),) = spec_problems(f"version: 1\npaper: a{char}b\n")
    assert line == 2 and "not allowed" in message


def test_complex_keys_are_refused() -> None:
    ((line, message),) = spec_problems("? [a, b]\n: 1\n")
    assert line == 1 and "plain scalars" in message


def test_python_tags_are_not_executed() -> None:
    problems = spec_problems("version: !!python/object/apply:os.system ['echo hi']\n")
    assert problems  # a SpecError (not a constructed object, not another exception)


def test_unknown_tag_on_a_scalar_is_a_spec_error() -> None:
    ((line, message),) = spec_problems("version: 1\nname: !!python/name:os.system x\n")
    assert line == 2 and message.startswith("not valid YAML")
