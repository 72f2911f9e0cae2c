"""privacy.send_to_llm: "confirm" unless the provider is self-hosted, and what each mode means
for the availability of AI help. The flow itself is in tests/e2e/test_confirm_e2e.py."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest

from bot.assist.help import available, fingerprint
from bot.assist.provider import Provider
from bot.config import Config, ConfigError, load_config

ROOT = Path(__file__).resolve().parents[2]
PROVIDER = cast(Provider, SimpleNamespace())


def settings(llm: dict[str, Any] | None = None, privacy: dict[str, Any] | None = None) -> Config:
    return Config.model_validate({"llm": {"enabled": True, **(llm or {})},
                                  "privacy": privacy or {}})


@pytest.mark.parametrize(("base_url", "mode"), [
    (None, "confirm"),  # OpenAI
    ("https://api.openai.com/v1", "confirm"),
    ("https://clinic.openai.azure.com/openai/v1/", "confirm"),
    ("https://llm.example.org/v1", "confirm"),
    ("http://8.8.8.8:8080/v1", "confirm"),  # a public address
    ("http://172.32.0.1/v1", "confirm"),  # just outside 172.16.0.0/12
    ("http://[2001:4860:4860::8888]/v1", "confirm"),
    ("http://localhost:8080/v1", "after-check"),
    ("http://LOCALHOST:8080/v1", "after-check"),
    ("http://127.0.0.1:11434/v1", "after-check"),
    ("http://127.8.9.10/v1", "after-check"),
    ("http://[::1]:8000/v1", "after-check"),
    ("http://10.1.2.3:8000/v1", "after-check"),
    ("http://172.16.0.9/v1", "after-check"),
    ("http://192.168.1.20:11434/v1", "after-check"),
    ("http://169.254.10.1/v1", "after-check"),  # link-local
    ("http://[fe80::1]/v1", "after-check"),
    ("http://[fd00::5]/v1", "after-check"),  # unique local
    ("http://vllm:8000/v1", "after-check"),  # a container's service name
    ("http://gpu-box/v1", "after-check"),
])
def test_the_default_follows_where_the_provider_is(base_url: str | None, mode: str) -> None:
    config = settings({"base_url": base_url})
    assert config.privacy.send_to_llm is None
    assert config.send_to_llm == mode
    assert config.llm.on_own_servers is (mode == "after-check")


def test_self_hosted_flag_marks_a_public_name_as_ones_own() -> None:
    config = settings({"base_url": "https://llm.ministry.example/v1", "self_hosted": True})
    assert config.llm.on_own_servers and config.send_to_llm == "after-check"
    assert settings({"self_hosted": True}).send_to_llm == "after-check"  # even without a URL
    assert settings({"base_url": "https://llm.ministry.example/v1"}).send_to_llm == "confirm"


@pytest.mark.parametrize("mode", ["never", "confirm", "after-check", "always"])
@pytest.mark.parametrize("llm", [{}, {"base_url": "http://localhost:8080/v1"},
                                 {"base_url": "https://api.openai.com/v1", "self_hosted": True}])
def test_an_explicit_setting_wins(mode: str, llm: dict[str, Any]) -> None:
    assert settings(llm, {"send_to_llm": mode}).send_to_llm == mode


def test_availability_by_mode() -> None:
    assert available(settings(), PROVIDER)  # confirm: help is there, behind the screen
    assert available(settings(privacy={"send_to_llm": "always"}), PROVIDER)
    assert not available(settings(privacy={"send_to_llm": "never"}), PROVIDER)
    assert not available(settings(), None)


def test_from_the_file_and_the_environment(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[llm]\nenabled = true\nself_hosted = false\n[privacy]\n')
    assert load_config(str(path), environ={}).send_to_llm == "confirm"
    local = load_config(str(path), {"OPENAI_BASE_URL": "http://127.0.0.1:8080/v1"})
    assert local.send_to_llm == "after-check"
    path.write_text('[llm]\nself_hosted = "maybe"\n')
    with pytest.raises(ConfigError, match=r"llm\.self_hosted"):
        load_config(str(path), environ={})
    path.write_text('[privacy]\nsend_to_llm = "ask"\n')
    with pytest.raises(ConfigError, match=r"privacy\.send_to_llm"):
        load_config(str(path), environ={})


def test_the_shipped_config_leaves_the_default_on() -> None:
    config = load_config(str(ROOT / "config.toml"), environ={})
    assert config.privacy.send_to_llm is None and not config.llm.self_hosted
    assert config.send_to_llm == "confirm"
    text = (ROOT / "config.toml").read_text()
    assert all(f'"{mode}"' in text for mode in ("never", "confirm", "after-check", "always"))


@pytest.mark.parametrize(("base_url", "host"), [
    (None, "api.openai.com"), ("http://127.0.0.1:8080/v1", "127.0.0.1"),
    ("https://clinic.openai.azure.com/openai/v1/", "clinic.openai.azure.com"),
])
def test_the_host_named_on_the_screen(base_url: str | None, host: str) -> None:
    assert settings({"base_url": base_url}).llm.host == host


def test_the_fingerprint_names_the_exact_text() -> None:
    note = "qSOFA of two or more: think sepsis."
    assert fingerprint(note) == fingerprint(f"  {note}\n") and len(fingerprint(note)) == 16
    assert fingerprint(note) != fingerprint(note.replace("two", "three"))
    assert fingerprint(note).isalnum() and fingerprint(note) == fingerprint(note).lower()
