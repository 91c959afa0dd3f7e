"""Secrets never reach a record or a log."""

from __future__ import annotations

import pytest

from runner.core.masking import MASK, is_secret_name, mask_env, scrub


@pytest.mark.parametrize(
    "name",
    ["GITHUB_TOKEN", "hf_token", "AWS_SECRET_ACCESS_KEY", "DB_PASSWORD", "MYSQL_PASS", "API_KEY",
     "OPENAI_APIKEY", "ACCESS_KEY", "PRIVATE_KEY_PATH", "GOOGLE_CREDENTIALS", "HTTP_AUTH",
     "SESSION_ID", "COOKIE", "SMTP_PASSWD"],
)
def test_secret_looking_names(name: str) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize("name", ["PATH", "HOME", "SEED", "KERAS_BACKEND", "PASSES", "MONKEY",
                                  "RAY_AUTH_MODE", "AUTH_TYPE", "TOKEN_TTL"])
def test_ordinary_names(name: str) -> None:
    assert not is_secret_name(name)


def test_mask_env_masks_by_name_and_url_credentials() -> None:
    env = {"HF_TOKEN": "hf_abc", "DATA_URL": "https://user:pw@host.org/d.zip",
           "PLAIN": "https://host.org/x", "SEED": "3"}
    assert mask_env(env) == {"HF_TOKEN": MASK, "DATA_URL": "https://***@host.org/d.zip",
                             "PLAIN": "https://host.org/x", "SEED": "3"}


def test_scrub_removes_known_secret_values_longest_first() -> None:
    secrets = {"API_TOKEN": "abcd1234", "OTHER_TOKEN": "abcd1234extra", "SEED": "1234"}
    text = "using abcd1234extra and abcd1234; seed 1234"
    assert scrub(text, secrets) == f"using {MASK} and {MASK}; seed 1234"


def test_scrub_leaves_short_values_and_masks_urls() -> None:
    text = "token abc, cloning https://bot:s3cr3t@github.com/x.git"
    out = scrub(text, {"TOKEN": "abc"})
    assert "token abc" in out
    assert "s3cr3t" not in out and "https://***@github.com/x.git" in out


def test_a_password_containing_at_is_masked_whole() -> None:
    from runner.core.masking import mask_url

    assert mask_url("https://user:p@ss@host.example/repo.git") == "https://***@host.example/repo.git"
    assert mask_url("https://host.example/a@b") == "https://host.example/a@b"


def test_a_setting_that_names_a_kind_of_secret_scrubs_nothing() -> None:
    """Ray sets RAY_AUTH_MODE=token in the driver's environment: "token" is no secret."""
    assert scrub("token from file: x", {"RAY_AUTH_MODE": "token"}) == "token from file: x"
