"""Every rule of spec version 1, one section at a time, with the error a user would see."""

from __future__ import annotations

import pytest

from runner.spec import Problem, SpecError, load_spec_text
from runner.spec.models import FileMetric, RegexMetric, Spec

SHA = "0123456789abcdef0123456789abcdef01234567"
REPO = f"repo:\n  url: https://example.org/code.git\n  commit: {SHA}\n"
BASE = f"""\
version: 1
paper:
  title: T
{REPO}environment:
  base: img@sha256:{"a" * 64}
steps:
  - name: train
    run: python train.py --seed {{seed}}
metrics:
  acc: {{regex: 'acc: ([0-9.]+)', step: train}}
claims:
  - metric: acc
    value: 0.9
    tolerance: 0.01
"""


def load(text: str, **kw: bool) -> Spec:
    return load_spec_text(text, "spec.yaml", **kw)


def only_problem(text: str, **kw: bool) -> Problem:
    with pytest.raises(SpecError) as info:
        load(text, **kw)
    assert len(info.value.problems) == 1, info.value.problems
    return info.value.problems[0]


def replace(old: str, new: str) -> str:
    assert BASE.count(old) == 1, old
    return BASE.replace(old, new)


def with_repo(body: str) -> str:
    return replace(REPO, "repo:\n" + body)


def test_base_loads() -> None:
    assert load(BASE).repo.commit == SHA


# --- repo ------------------------------------------------------------------------------------

def test_repo_local_path_is_accepted_and_may_point_beside_the_spec() -> None:
    spec = load(with_repo("  path: ../examples/paper\n"))
    assert spec.repo.path == "../examples/paper" and spec.repo.url is None


def test_repo_absolute_path_is_refused() -> None:
    problem = only_problem(with_repo("  path: /home/me/code\n"))
    assert problem.path == ("repo", "path") and "absolute" in problem.message


def test_repo_path_with_url_is_refused() -> None:
    problem = only_problem(with_repo(f"  url: https://x/y.git\n  commit: {SHA}\n  path: code\n"))
    assert problem.path == ("repo",) and "not both" in problem.message


def test_repo_with_neither_url_nor_path_is_refused() -> None:
    problem = only_problem(with_repo("  submodules: true\n"))
    assert problem.path == ("repo",) and "needs url and commit" in problem.message


def test_repo_url_without_commit_is_refused() -> None:
    problem = only_problem(with_repo("  url: https://x/y.git\n"))
    assert "repo.commit is required" in problem.message


@pytest.mark.parametrize("ref", ["main", "v1.0", "abc1234", SHA.upper(), SHA[:39], SHA + "0"])
def test_branch_tag_or_short_sha_is_refused_unless_mutable_refs_are_allowed(ref: str) -> None:
    text = replace(f"commit: {SHA}", f"commit: '{ref}'")
    problem = only_problem(text)
    assert problem.path == ("repo", "commit") and problem.line == 6
    assert "not a full 40-hex commit SHA" in problem.message
    assert "--allow-mutable-ref" in problem.message
    assert load(text, allow_mutable_ref=True).repo.commit == ref


# --- paths inside the repository ---------------------------------------------------------------

@pytest.mark.parametrize("bad", ["../req.txt", "/req.txt", "a/../../req.txt", "C:\\req.txt", ""])
def test_requirements_path_must_stay_inside_the_repository(bad: str) -> None:
    text = replace("  base: img", f"  pip: {{requirements: '{bad}'}}\n  base: img")
    problem = only_problem(text)
    assert problem.path == ("environment", "pip", "requirements")


@pytest.mark.parametrize("bad", ["../Dockerfile", "/Dockerfile"])
def test_dockerfile_path_must_stay_inside_the_repository(bad: str) -> None:
    problem = only_problem(replace("  base: img", f"  dockerfile: '{bad}'\n  base: img"))
    assert problem.path == ("environment", "dockerfile")


def test_relative_paths_are_normalised() -> None:
    text = replace("  base: img", "  pip: {requirements: './a/../req.txt'}\n  base: img")
    assert load(text).environment.pip.requirements == "req.txt"


@pytest.mark.parametrize("bad", ["../out.json", "/out.json", "x/../../out.json"])
def test_metric_file_must_stay_inside_the_workdir(bad: str) -> None:
    text = replace("metrics:\n", f"metrics:\n  f: {{file: '{bad}', key: a}}\n")
    problem = only_problem(text)
    assert problem.path == ("metrics", "f", "file")


def test_artifacts_refuse_escapes_each_with_its_index() -> None:
    with pytest.raises(SpecError) as info:
        load(BASE + "artifacts: [ok.h5, ../x, /y, a/../../z, a/../b]\n")
    assert [p.path for p in info.value.problems] == [("artifacts", 1), ("artifacts", 2),
                                                      ("artifacts", 3)]
    assert load(BASE + "artifacts: [a/../b]\n").artifacts == ["b"]


# --- data and mounts ---------------------------------------------------------------------------

def data_entry(mount: str, extra: str = "    url: https://x/d.zip\n", name: str = "d") -> str:
    return f"  - name: {name}\n{extra}    mount: '{mount}'\n"


@pytest.mark.parametrize(
    ("mount", "words"),
    [
        ("work/Data", "must be an absolute path"),
        ("/work/../etc", "must not contain '..'"),
        ("/", "'/' cannot be used"),
        ("/work/repo", "would hide or sit inside the repository at /work/repo"),
        ("/work/repo/data", "would hide or sit inside the repository"),
        ("/work", "would hide or sit inside the repository"),
    ],
)
def test_bad_mounts_are_refused(mount: str, words: str) -> None:
    problem = only_problem(BASE + "data:\n" + data_entry(mount))
    assert problem.path == ("data", 0, "mount")
    assert words in problem.message


def test_mount_beside_the_workdir_is_accepted_and_normalised() -> None:
    spec = load(BASE + "data:\n" + data_entry("/work/Data/"))
    assert spec.data[0].mount == "/work/Data"


def test_mount_must_not_hide_a_custom_workdir() -> None:
    text = replace("  base: img", "  workdir: /opt/code\n  base: img")
    problem = only_problem(text + "data:\n" + data_entry("/opt/code/in"))
    assert "/opt/code" in problem.message


def test_duplicate_mounts_are_refused() -> None:
    text = BASE + "data:\n" + data_entry("/in") + data_entry("/in/", name="e")
    problem = only_problem(text)
    assert problem.path == ("data", 1, "mount") and "used twice" in problem.message


def test_duplicate_data_names_are_refused() -> None:
    problem = only_problem(BASE + "data:\n" + data_entry("/a") + data_entry("/b"))
    assert problem.path == ("data", 1, "name") and "duplicate name 'd'" in problem.message


def test_data_needs_a_url_or_manual_source() -> None:
    problem = only_problem(BASE + "data:\n" + data_entry("/a", extra=""))
    assert problem.path == ("data", 0)
    assert "needs a url, or source: manual" in problem.message


def test_manual_data_with_a_url_is_refused() -> None:
    extra = "    source: manual\n    url: https://x\n"
    problem = only_problem(BASE + "data:\n" + data_entry("/a", extra=extra))
    assert "manual data has no url" in problem.message


def test_manual_data_with_instructions_is_accepted() -> None:
    extra = "    source: manual\n    instructions: email the authors\n"
    spec = load(BASE + "data:\n" + data_entry("/a", extra=extra))
    assert spec.data[0].manual and spec.data[0].instructions == "email the authors"


@pytest.mark.parametrize("bad", ["abc", "g" * 64, "a" * 63])
def test_bad_sha256_is_refused(bad: str) -> None:
    extra = f"    url: https://x\n    sha256: {bad}\n"
    problem = only_problem(BASE + "data:\n" + data_entry("/a", extra=extra))
    assert problem.path == ("data", 0, "sha256") and "64 hex" in problem.message


# --- resources -------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [("2", 2), ("0", 0), ("[0, 3]", [0, 3])])
def test_gpus_count_or_ids(value: str, expected: int | list[int]) -> None:
    assert load(BASE + f"resources: {{gpus: {value}}}\n").resources.gpus == expected


@pytest.mark.parametrize("bad", ["-1", "[0, 0]", "[-1]", "'1'", "true", "1.5", "[0, a]"])
def test_bad_gpus_are_refused(bad: str) -> None:
    with pytest.raises(SpecError) as info:
        load(BASE + f"resources: {{gpus: {bad}}}\n")
    assert all(p.path[:2] == ("resources", "gpus") for p in info.value.problems)


@pytest.mark.parametrize("field", ["memory", "shm"])
def test_sizes_in_resources(field: str) -> None:
    assert getattr(load(BASE + f"resources: {{{field}: 2GiB}}\n").resources, field) == 2 * 1024**3
    problem = only_problem(BASE + f"resources: {{{field}: lots}}\n")
    assert problem.path == ("resources", field) and "like 512m" in problem.message


def test_durations_in_resources_and_steps() -> None:
    spec = load(replace("{seed}\n", "{seed}\n    timeout: 1.5d\n") + "resources: {timeout: 30}\n")
    assert spec.steps[0].timeout == 1.5 * 86400 and spec.resources.timeout == 30
    problem = only_problem(replace("{seed}\n", "{seed}\n    timeout: soon\n"))
    assert problem.path == ("steps", 0, "timeout") and problem.line == 12


def test_cpus_and_pids_must_be_positive() -> None:
    with pytest.raises(SpecError) as info:
        load(BASE + "resources: {cpus: 0, pids: 0}\n")
    assert {p.path for p in info.value.problems} == {("resources", "cpus"), ("resources", "pids")}


# --- claims and tolerance ----------------------------------------------------------------------

@pytest.mark.parametrize(("written", "absolute"), [("0.02", 0.02), ("'2%'", 0.018),
                                                   ("' 2.5 % '", 0.0225), ("0", 0.0)])
def test_tolerance_absolute_or_percent(written: str, absolute: float) -> None:
    claim = load(replace("tolerance: 0.01", f"tolerance: {written}")).claims[0]
    assert claim.absolute_tolerance == pytest.approx(absolute)


def test_percent_tolerance_is_relative_to_the_magnitude_of_a_negative_claim() -> None:
    text = replace("value: 0.9", "value: -200").replace("tolerance: 0.01", "tolerance: 1%")
    assert load(text).claims[0].absolute_tolerance == pytest.approx(2.0)


@pytest.mark.parametrize("bad", ["-0.1", "'-2%'", "lots", "'2 %%'", "'%'"])
def test_bad_tolerance_is_refused(bad: str) -> None:
    problem = only_problem(replace("tolerance: 0.01", f"tolerance: {bad}"))
    assert problem.path == ("claims", 0, "tolerance") and problem.line == 17


def test_claim_std_and_n_bounds() -> None:
    with pytest.raises(SpecError) as info:
        load(replace("tolerance: 0.01", "tolerance: 0.01\n    std: -1\n    n: 0"))
    assert {p.path for p in info.value.problems} == {("claims", 0, "std"), ("claims", 0, "n")}


def test_claim_metric_must_exist_with_a_suggestion() -> None:
    problem = only_problem(replace("- metric: acc", "- metric: accc"))
    assert problem.path == ("claims", 0, "metric") and problem.line == 15
    assert problem.hint == "did you mean `acc`?"


# --- seeds -------------------------------------------------------------------------------------

def test_seeds_must_be_distinct_and_non_empty() -> None:
    assert load(BASE + "seeds: [3, 1, 2]\n").seeds == [3, 1, 2]
    assert "distinct" in only_problem(BASE + "seeds: [1, 2, 1]\n").message
    assert only_problem(BASE + "seeds: []\n").path == ("seeds",)


def test_seeds_default_to_zero() -> None:
    assert load(BASE).seeds == [0]


# --- metrics -----------------------------------------------------------------------------------

def test_metric_regex_must_compile() -> None:
    problem = only_problem(replace("'acc: ([0-9.]+)'", "'acc: ([0-9.]+'"))
    assert problem.path == ("metrics", "acc", "regex") and problem.line == 13
    assert "regex does not compile" in problem.message


def test_metric_step_must_exist_with_a_suggestion() -> None:
    problem = only_problem(replace("step: train}", "step: trian}"))
    assert problem.path == ("metrics", "acc", "step")
    assert problem.message == "no step named 'trian'" and problem.hint == "did you mean `train`?"


def test_file_metric_loads_as_a_file_metric() -> None:
    spec = load(replace("metrics:\n", "metrics:\n  f: {file: out/m.csv, key: auc.-1}\n"))
    assert isinstance(spec.metrics["f"], FileMetric) and spec.metrics["f"].format is None
    assert isinstance(spec.metrics["acc"], RegexMetric)


@pytest.mark.parametrize("body", ["{}", "{key: a.b}", "{step: train}", "3", "'text'"])
def test_metric_without_regex_or_file_is_one_clear_error(body: str) -> None:
    problem = only_problem(replace("metrics:\n", f"metrics:\n  f: {body}\n"))
    assert problem.path == ("metrics", "f") and problem.line == 13
    assert problem.message.startswith(
        "a metric needs either `regex` and `step`, or `file` and `key`")


def test_file_metric_without_key_names_the_missing_key() -> None:
    problem = only_problem(replace("metrics:\n", "metrics:\n  f: {file: out.json}\n"))
    assert problem.path == ("metrics", "f", "key") and problem.message == "required key is missing"


def test_regex_metric_without_step_names_the_missing_step() -> None:
    problem = only_problem(replace(", step: train}", "}"))
    assert problem.path == ("metrics", "acc", "step")


def test_file_metric_format_must_be_known() -> None:
    problem = only_problem(replace("metrics:\n", "metrics:\n  f: {file: a, key: b, format: xml}\n"))
    assert problem.path == ("metrics", "f", "format")


# --- steps and variants ------------------------------------------------------------------------

def test_steps_must_not_be_empty_and_names_must_be_slugs() -> None:
    with pytest.raises(SpecError):
        load(BASE.split("steps:")[0] + "steps: []\n")
    with pytest.raises(SpecError) as info:
        load(replace("- name: train", "- name: Train Model"))
    problems = {p.path: p for p in info.value.problems}
    assert "not a slug" in problems[("steps", 0, "name")].message
    # the metric's reference to the old name is reported in the same pass
    assert problems[("metrics", "acc", "step")].message == "no step named 'train'"


def test_duplicate_step_names_are_refused() -> None:
    text = replace("metrics:\n", "  - name: train\n    run: again\nmetrics:\n")
    problem = only_problem(text)
    assert problem.path == ("steps", 1, "name") and problem.line == 12


def test_variant_steps_must_exist() -> None:
    problem = only_problem(BASE + "variants:\n  v:\n    steps: {trian: echo}\n")
    assert problem.path == ("variants", "v", "steps", "trian") and problem.line == 20
    assert problem.hint == "did you mean `train`?"


def test_variant_env_is_coerced_to_strings() -> None:
    spec = load(BASE + "variants:\n  v: {env: {SPLIT: group, N: 3, ON: false}}\n")
    # `ON` is a YAML 1.1 boolean; as a key it must stay the variable's name.
    assert spec.variants["v"].env == {"SPLIT": "group", "N": "3", "ON": "false"}


# --- env and determinism -----------------------------------------------------------------------

def test_environment_env_values_become_strings() -> None:
    text = replace("  base: img", "  env: {A: 0, B: true, C: 1.5, D: x y}\n  base: img")
    assert load(text).environment.env == {"A": "0", "B": "true", "C": "1.5", "D": "x y"}


def test_environment_env_refuses_nested_values() -> None:
    problem = only_problem(replace("  base: img", "  env: {A: [1]}\n  base: img"))
    assert problem.path == ("environment", "env", "A")


@pytest.mark.parametrize(
    ("written", "mode", "probe"),
    [(None, "standard", False), ("strict", "strict", False), ("standard", "standard", False),
     ("{mode: strict, probe: true}", "strict", True), ("{probe: true}", "standard", True)],
)
def test_determinism_string_or_mapping(written: str | None, mode: str, probe: bool) -> None:
    text = BASE if written is None else BASE + f"determinism: {written}\n"
    settings = load(text).determinism_settings
    assert (settings.mode, settings.probe) == (mode, probe)


def test_unknown_determinism_mode_is_refused() -> None:
    problem = only_problem(BASE + "determinism: loose\n")
    assert problem.path == ("determinism",) and "'standard' or 'strict'" in problem.message


def test_version_must_be_one() -> None:
    problem = only_problem(replace("version: 1", "version: 2"))
    assert problem.path == ("version",) and problem.line == 1


# --- audits ------------------------------------------------------------------------------------

def test_audit_metric_names_must_exist() -> None:
    text = BASE + ("audits:\n  train_test_gap:\n    - {train: acc, test: tst}\n"
                   "  learning_curve: {fractions: [0.5, 1.0], metric: acx}\n")
    with pytest.raises(SpecError) as info:
        load(text)
    found = {(p.path, p.line) for p in info.value.problems}
    assert found == {(("audits", "train_test_gap", 0, "test"), 20),
                     (("audits", "learning_curve", "metric"), 21)}
    hints = {p.hint for p in info.value.problems}
    assert "did you mean `acc`?" in hints


def test_audits_that_name_existing_metrics_load() -> None:
    text = BASE + "audits:\n  learning_curve: {fractions: [1.0, 0.25], metric: acc}\n"
    spec = load(text)
    assert spec.audits is not None and spec.audits.learning_curve is not None
    assert spec.audits.learning_curve.fractions == [0.25, 1.0]


# --- odd shapes never crash the loader -----------------------------------------------------------

@pytest.mark.parametrize("value", ["[a]", "{a: 1}", "null", "3"])
@pytest.mark.parametrize("section", ["steps", "data"])
def test_odd_name_values_are_spec_errors(section: str, value: str) -> None:
    if section == "steps":
        text = replace("metrics:\n", f"  - name: {value}\n    run: x\nmetrics:\n")
    else:
        text = BASE + f"data:\n  - name: {value}\n    url: https://x\n    mount: /a\n"
    with pytest.raises(SpecError) as info:
        load(text)
    assert any(p.path[:1] == (section,) for p in info.value.problems)
