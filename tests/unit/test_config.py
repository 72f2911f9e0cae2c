"""Configuration: file discovery, environment overrides, and one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_config

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_shipped_config_toml_is_valid_and_documents_every_key() -> None:
    root = Path(__file__).resolve().parents[2]
    config = load_config(str(root / "config.toml"), environ={})
    assert config.storage.url == "sqlite+aiosqlite:///data/cpdbot.sqlite3"
    assert config.telegram.base_url == "https://api.telegram.org/bot"
    assert config.reminders.sweep_seconds == 30 and config.admin.telegram_ids == []
    text = (root / "config.toml").read_text()
    for section, model in config:
        assert f"[{section}]" in text
        for key in type(model).model_fields:
            if key != "api_key":  # the key is taken from the environment only
                assert f"{key} =" in text, f"{section}.{key} is not documented"


def test_path_order_cli_then_env_then_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cli = write(tmp_path, "[reminders]\nsweep_seconds = 11\n")
    env_file = tmp_path / "env.toml"
    env_file.write_text("[reminders]\nsweep_seconds = 22\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "config.toml").write_text("[reminders]\nsweep_seconds = 33\n")
    environ = {"CPDBOT_CONFIG": str(env_file)}
    assert load_config(cli, environ).reminders.sweep_seconds == 11
    assert load_config(None, environ).reminders.sweep_seconds == 22
    monkeypatch.chdir(tmp_path / "sub")
    assert load_config(None, {}).reminders.sweep_seconds == 33


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, '[telegram]\ntoken = "1:file"\n[storage]\nurl = "sqlite:///a.db"\n'
                           '[llm]\nbase_url = "http://file/v1"\n')
    config = load_config(path, {
        "TELEGRAM_BOT_TOKEN": TOKEN, "DATABASE_URL": "postgres://u:p@db:5432/cpd",
        "OPENAI_API_KEY": "sk-test", "OPENAI_BASE_URL": "http://llm:8080/v1"})
    assert config.telegram.token == TOKEN and config.require_token() == TOKEN
    assert config.storage.url == "postgresql+asyncpg://u:p@db:5432/cpd"
    assert config.llm.api_key == "sk-test" and config.llm.base_url == "http://llm:8080/v1"
    assert "sk-test" not in config.model_dump_json()


@pytest.mark.parametrize(("text", "key", "words"), [
    ("[telegram]\npoll_timeout = 99\n", "telegram.poll_timeout", "less than or equal to 50"),
    ("[telegram]\nbase_url = \"ftp://x\"\n", "telegram.base_url", "http"),
    ("[storage]\nurl = \"mysql://x/y\"\n", "storage.url", "unsupported database 'mysql'"),
    ("[storage]\nurl = \"data.db\"\n", "storage.url", "not a database URL"),
    ("[reminders]\nsweep_secs = 5\n", "reminders.sweep_secs", "unknown key"),
    ("[admin]\ntelegram_ids = [\"bob\"]\n", "admin.telegram_ids.0", "integer"),
    ("[llm]\nenabled = \"maybe\"\n", "llm.enabled", "boolean"),
    ("[logging]\nlevel = \"LOUD\"\n", "logging.level", "match pattern"),
    ("[exports]\nxapi_base_url = \"cpd.example.org\"\n", "exports.xapi_base_url",
     "absolute http"),
    ("telegram = 5\n", "telegram", "valid dictionary"),
    ("[telegram\n", "config.toml", "not valid TOML"),
])
def test_bad_values_name_the_key(tmp_path: Path, text: str, key: str, words: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text), {})
    assert caught.value.key.endswith(key)
    assert words in caught.value.problem
    assert "\n" not in str(caught.value)


def test_missing_explicit_file_and_missing_token(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(str(tmp_path / "nope.toml"), {})
    config = load_config(write(tmp_path, ""), {})
    with pytest.raises(ConfigError, match="@BotFather"):
        config.require_token()
    config.telegram.token = "not a token"
    with pytest.raises(ConfigError, match="does not look like a bot token"):
        config.require_token()
