"""Secrets never reach the run folder: values of secret-named variables are scrubbed."""

from __future__ import annotations

import pytest
from itest_support import invoke, last_record, output_of, write_spec

pytestmark = pytest.mark.docker

SECRET = "supersecret123"


def test_secret_values_are_scrubbed_from_logs_and_record(engine_ready, tmp_path, monkeypatch,
                                                         leftovers):
    monkeypatch.setenv("MY_API_TOKEN", SECRET)
    runs = tmp_path / "runs"
    steps = [
        # The paper's code reads a credential file and prints it (a real-world leak) ...
        {"name": "leak-file", "run": "echo \"token from file: $(cat conf/token.txt)\""},
        # ... and a step is given the token through its environment and echoes it.
        {"name": "leak-env", "run": "echo \"token from env: $MY_API_TOKEN\"; "
                                    "echo \"length=${#MY_API_TOKEN}\"",
         "env": {"MY_API_TOKEN": SECRET, "PLAIN": "visible-value"}},
    ]
    spec = write_spec(tmp_path, "secrets", steps,
                      files={"conf/token.txt": SECRET + "\n", "README.md": "x\n"})

    result = invoke(["run", str(spec)], runs)  # not --quiet: the echoed output is checked too

    assert result.exit_code == 0, output_of(result)
    record, folder = last_record(runs, "secrets")
    assert record["status"] == "completed"
    file_log = (folder / "seed-0/leak-file.log").read_text()
    env_log = (folder / "seed-0/leak-env.log").read_text()
    assert "token from file: ***" in file_log
    assert "token from env: ***" in env_log
    assert f"length={len(SECRET)}" in env_log  # the step really had the value
    assert SECRET not in output_of(result)
    leaks = [str(p.relative_to(folder)) for p in folder.rglob("*")
             if p.is_file() and SECRET.encode() in p.read_bytes()]
    assert leaks == []
    assert leftovers() == []


def test_secret_named_step_env_is_scrubbed_without_a_host_variable(engine_ready, tmp_path,
                                                                   monkeypatch, leftovers):
    monkeypatch.delenv("WANDB_API_KEY", raising=False)
    runs = tmp_path / "runs"
    value = "wandb-key-0123456789"
    steps = [{"name": "login", "run": "echo \"logging in with $WANDB_API_KEY\"",
              "env": {"WANDB_API_KEY": value}}]
    spec = write_spec(tmp_path, "secrets", steps)

    result = invoke(["run", str(spec)], runs)

    assert result.exit_code == 0, output_of(result)
    record, folder = last_record(runs, "secrets")
    assert record["environment"]["set"]["WANDB_API_KEY"] == "***"
    assert "logging in with ***" in (folder / "seed-0/login.log").read_text()
    assert value not in output_of(result)
    leaks = [str(p.relative_to(folder)) for p in folder.rglob("*")
             if p.is_file() and value.encode() in p.read_bytes()]
    assert leaks == []
    assert leftovers() == []


def test_declared_step_secrets_reach_the_step_but_no_file(engine_ready, tmp_path, monkeypatch,
                                                          leftovers):
    # A name that does not look secret: declaring it is what makes it one.
    monkeypatch.setenv("HUB_LOGIN", "hub-login-value-42")
    runs = tmp_path / "runs"
    steps = [{"name": "download", "secrets": ["HUB_LOGIN"],
              "run": "echo \"using $HUB_LOGIN\"; test \"$HUB_LOGIN\" = hub-login-value-42"}]
    spec = write_spec(tmp_path, "declared", steps)

    result = invoke(["run", str(spec)], runs)

    assert result.exit_code == 0, output_of(result)
    record, folder = last_record(runs, "declared")
    step = record["runs"][0]["steps"][0]
    assert step["exit_code"] == 0 and step["secrets"] == ["HUB_LOGIN"]
    assert "using ***" in (folder / "seed-0/download.log").read_text()
    leaks = [p for p in folder.rglob("*") if p.is_file() and b"hub-login-value-42" in
             p.read_bytes()]
    assert leaks == []
    assert leftovers() == []


def test_a_missing_declared_secret_stops_before_building(engine_ready, tmp_path, monkeypatch):
    monkeypatch.delenv("HUB_LOGIN", raising=False)
    runs = tmp_path / "runs"
    spec = write_spec(tmp_path, "nosecret", [{"name": "s", "run": "true",
                                              "secrets": ["HUB_LOGIN"]}])

    result = invoke(["run", str(spec)], runs)

    assert result.exit_code == 3, output_of(result)
    record, folder = last_record(runs, "nosecret")
    assert "HUB_LOGIN" in record["reason"] and "image" not in record
    assert not (folder / "build.log").exists()
