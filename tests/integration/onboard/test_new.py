"""`repro new` on real git repositories made by the tests: each environment kind, a Python 2
repository, one with nothing, and the DeVries aftershock layout."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from onboard_repos import DEVRIES, KINDS
from typer.testing import CliRunner

import runner.cli as cli
from runner.spec import SpecError, load_spec

MakeRepo = Callable[..., tuple[Path, str]]


@pytest.fixture
def new(isolated_cache: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> Callable[..., tuple[int, str, Path]]:
    monkeypatch.setattr(cli.out, "width", 1000)
    monkeypatch.setattr(cli.err, "width", 1000)

    def run(repo: Path | str, *args: str) -> tuple[int, str, Path]:
        target = tmp_path / "specs" / f"{str(repo).rsplit('/', 1)[-1]}.yaml"
        result = CliRunner().invoke(cli.app, ["new", str(repo), "-o", str(target), *args])
        return result.exit_code, result.output, target

    return run


def _data(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def _todos(path: Path) -> list[str]:
    with pytest.raises(SpecError) as caught:
        load_spec(path)
    assert caught.value.only_todos, caught.value
    return [p.render() for p in caught.value.problems]


def test_devries_repository_gets_python27_keras_theano_and_the_merged_auc_regex(
        new, make_git_repo: MakeRepo) -> None:
    repo, sha = make_git_repo(DEVRIES, "Learning-aftershock-location-patterns")
    code, output, spec = new(repo)
    assert code == 0, output
    data = _data(spec)
    assert data["repo"] == {"url": str(repo), "commit": sha}
    env = data["environment"]
    assert env["base"] == "python:2.7-slim" and env["python"] == "python"
    names = {p.split("==")[0] for p in env["pip"]["packages"]}
    assert {"Keras", "Theano", "h5py", "numpy", "scikit-learn"} <= names
    assert all(p.endswith("==TODO") for p in env["pip"]["packages"])
    assert env["env"] == {"KERAS_BACKEND": "theano"}
    assert [(s["name"], s["run"]) for s in data["steps"]] == [
        ("train", "python TrainModel.py"), ("evaluate", "python EvalModel.py")]
    metric = data["metrics"]["merged_auc"]
    assert metric["step"] == "evaluate" and "merged AUC" in metric["regex"]
    found = re.search(metric["regex"], "merged AUC on testing data set: 0.849")
    assert found and float(found.group(1)) == 0.849
    assert data["claims"][0]["metric"] == "merged_auc"
    assert data["data"][0]["mount"] == "/work/Data"
    assert data["audits"] == {"code": {}}  # on by default in new specs
    text = spec.read_text()
    assert "# guess: Python 2.7: Python 2 only syntax" in text
    assert "# guess: EvalModel.py:10 prints it" in text
    # The draft is valid but for its TODOs, each explained at its line and key.
    todos = _todos(spec)
    assert any(re.search(r":\d+: claims\[0\]\.value: TODO: fill in the merged_auc the paper "
                         "reports", t) for t in todos), todos
    assert any("environment.pip.packages" in t and "imported as keras" in t for t in todos)
    assert len(todos) == len(env["pip"]["packages"]) + 3


def test_validate_accepts_the_draft_and_lists_its_todos_run_refuses_it(
        new, make_git_repo: MakeRepo) -> None:
    repo, _ = make_git_repo(DEVRIES, "devries")
    _, _, spec = new(repo)
    result = CliRunner().invoke(cli.app, ["validate", str(spec)])
    assert result.exit_code == 0, result.output
    assert "draft" in result.output and "claims[0].tolerance: TODO: fill in" in result.output
    result = CliRunner().invoke(cli.app, ["run", str(spec)])
    assert result.exit_code == 2
    assert "draft" in result.output and "claims[0].value: TODO" in result.output
    # Filled in, it is an ordinary valid spec.
    text = re.sub(r"==TODO", "==1.0", spec.read_text())
    text = text.replace("value: TODO", "value: 0.849").replace("tolerance: TODO",
                                                                "tolerance: 0.01")
    spec.write_text(text.replace("where: TODO", "where: abstract"))
    result = CliRunner().invoke(cli.app, ["validate", str(spec)])
    assert result.exit_code == 0 and "ok" in result.output and "draft" not in result.output
    assert load_spec(spec).audits is not None and load_spec(spec).audits.code is not None


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_environment_kind(kind: str, new, make_git_repo: MakeRepo) -> None:
    repo, _ = make_git_repo(KINDS[kind], kind.replace(".", "-"))
    code, output, spec = new(repo)
    assert code == 0, output
    _todos(spec)  # valid but for TODOs
    env = _data(spec)["environment"]
    packages = env.get("pip", {}).get("packages", [])
    expected = {
        "dockerfile": lambda: env["dockerfile"] == "Dockerfile"
        and env["base"].startswith("python:3.8-slim@sha256:"),
        "requirements": lambda: env["pip"] == {"requirements": "requirements.txt"}
        and env["base"] == "python:3.10-slim",
        "setup.py": lambda: packages == ["numpy>=1.20", "scipy"]
        and env["base"] == "python:3.8-slim",
        "setup.cfg": lambda: packages == ["pandas==2.0.3", "numpy"]
        and env["base"] == "python:3.10-slim",
        "pyproject": lambda: packages == ["scikit-learn==1.3.0"]
        and env["base"] == "python:3.11-slim",
        "pipfile": lambda: packages == ["requests", "numpy==1.26.0"]
        and env["base"] == "python:3.9-slim",
        "conda": lambda: packages == ["numpy==1.17", "torch==1.4",
                                      "TODO: conda package cudatoolkit=10.1", "tqdm==4.40.0"]
        and env["base"] == "python:3.7-slim",
        "imports": lambda: sorted(packages) == ["Pillow==TODO", "PyYAML==TODO",
                                                "opencv-python==TODO", "scikit-image==TODO"],
        "none": lambda: "pip" not in env,
    }[kind]
    assert expected(), env


def test_python2_repository_and_its_metric(new, make_git_repo: MakeRepo) -> None:
    repo, _ = make_git_repo({"run.py": ("import numpy\ntry:\n    x = 1\nexcept IOError, e:\n"
                                        "    pass\nprint('accuracy = %.3f' % 0.5)\n")}, "py2")
    _, _, spec = new(repo)
    data = _data(spec)
    assert data["environment"]["base"] == "python:2.7-slim"
    assert "except IOError, e" in spec.read_text()
    metric = data["metrics"]["accuracy"]
    assert metric["step"] == "run" and re.search(metric["regex"], "accuracy = 0.500")


def test_repository_with_nothing_gets_todo_steps_metric_and_claim(
        new, make_git_repo: MakeRepo) -> None:
    repo, _ = make_git_repo(KINDS["none"], "empty")
    _, _, spec = new(repo)
    todos = _todos(spec)
    assert any("steps[0].run: TODO: fill in the command that runs" in t for t in todos)
    assert any("metrics.result.regex: TODO" in t for t in todos)


def test_readme_commands_become_steps_and_commit_ref_is_pinned(
        new, make_git_repo: MakeRepo) -> None:
    readme = ("# Paper\n\n```bash\npip install -r requirements.txt\n"
              "python prepare.py --out data\npython train.py --epochs 3\n```\n")
    repo, first = make_git_repo({"README.md": readme, "prepare.py": "", "train.py": TRAIN_PY},
                                "readme")
    make_git_repo({"later.txt": "x"}, "readme")
    # A URL (file://) like a remote, and an abbreviated SHA, pinned to the full one.
    code, output, spec = new(f"file://{repo}", "--commit", first[:8])
    assert code == 0, output
    data = _data(spec)
    assert data["repo"] == {"url": f"file://{repo}", "commit": first}
    assert [s["run"] for s in data["steps"]] == ["python prepare.py --out data",
                                                 "python train.py --epochs 3"]


def test_not_a_repository_and_an_existing_file_are_usage_errors(
        new, tmp_path: Path, make_git_repo: MakeRepo) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    code, output, _ = new(plain)
    assert code == 2 and "not a git repository" in output
    repo, _ = make_git_repo(KINDS["none"], "twice")
    assert new(repo)[0] == 0
    code, output, _ = new(repo)
    assert code == 2 and "exists" in output


TRAIN_PY = "if __name__ == '__main__':\n    print('loss: 0.2')\n"
