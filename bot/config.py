"""Load `config.toml`, apply environment overrides, and fail with one clear line.

Operators read the error, not a traceback, so every problem becomes a `ConfigError`
naming the dotted key and what is wrong with it.
"""

from __future__ import annotations

import ipaddress
import os
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlparse

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

BOTFATHER_HINT = (
    "open Telegram, talk to @BotFather (https://t.me/BotFather), send /newbot, "
    "then run: export TELEGRAM_BOT_TOKEN='<the token it gives you>'"
)
_TOKEN_SHAPE = re.compile(r"^\d+:[A-Za-z0-9_-]+$")


class ConfigError(Exception):
    """A configuration problem, printed as one line: `key: problem`."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}")
        self.key = key
        self.problem = problem


def absolute_url(value: str) -> str:
    """An absolute http(s) URL without its trailing slash, or "" for none."""
    if value and not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", value):
        raise ValueError("must be an absolute http:// or https:// URL, like "
                         "https://cpd.example.org")
    return value.rstrip("/")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


_SECRET_SHAPE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what setWebhook accepts


class TelegramConfig(_Section):
    token: str = ""
    base_url: str = "https://api.telegram.org/bot"
    base_file_url: str = "https://api.telegram.org/file/bot"
    poll_timeout: Annotated[int, Field(ge=0, le=50)] = 30
    # polling: one instance fetches updates (the default, any database). webhook: Telegram
    # POSTs each update to web.public_url + webhook_path; any number of instances on one
    # PostgreSQL, or one on SQLite.
    mode: Literal["polling", "webhook"] = "polling"
    webhook_path: Annotated[str, Field(pattern=r"^/[A-Za-z0-9/_.-]*$")] = "/telegram/webhook"
    # The secret Telegram sends in every webhook request; from TELEGRAM_WEBHOOK_SECRET.
    webhook_secret: str = ""
    max_connections: Annotated[int, Field(ge=1, le=100)] = 40
    # How long an instance holds a user's updates; a killed instance's users are taken over
    # after this (webhook mode).
    lease_seconds: Annotated[float, Field(gt=0, le=600)] = 30

    @field_validator("base_url", "base_file_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value


class WebConfig(_Section):
    """The one aiohttp server in the bot's loop: health, readiness, metrics, the webhook."""

    enabled: bool = True
    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=0, le=65535)] = 8080
    # The address Telegram and browsers reach this server at (behind the reverse proxy).
    public_url: str = ""
    # /readyz answers 503 while more updates than this wait to be handled.
    ready_backlog: Annotated[int, Field(ge=1)] = 1000

    @field_validator("public_url")
    @classmethod
    def _public(cls, value: str) -> str:
        return absolute_url(value)


class StorageConfig(_Section):
    url: str = "sqlite+aiosqlite:///data/cpdbot.sqlite3"

    @field_validator("url")
    @classmethod
    def _supported_url(cls, value: str) -> str:
        return normalise_database_url(value)


class LLMConfig(_Section):
    enabled: bool = False
    base_url: str | None = None
    model: str = "gpt-4o-mini"
    # A chat waits for the draft: fail fast and fall back to the guided questions.
    timeout: Annotated[float, Field(gt=0, le=300)] = 20
    max_retries: Annotated[int, Field(ge=0, le=5)] = 1
    # Tokens one user may spend a day (prompt + completion); 0 means no limit.
    daily_tokens_per_user: Annotated[int, Field(ge=0)] = 0
    # Voice notes: the audio endpoint may live elsewhere (a self-hosted Whisper server).
    transcribe: bool = True
    transcription_model: str = "whisper-1"
    transcription_base_url: str | None = None
    # After this many failures in a row, stop calling the provider for `pause_seconds`.
    failures_to_pause: Annotated[int, Field(ge=1, le=100)] = 3
    pause_seconds: Annotated[float, Field(ge=0, le=3600)] = 60
    # The server is this organisation's own although its address doesn't show it (a public
    # name in front of it): the default privacy.send_to_llm becomes "after-check".
    self_hosted: bool = False
    api_key: str = Field(default="", exclude=True, repr=False)

    @field_validator("base_url", "transcription_base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value or None

    @property
    def usable(self) -> bool:
        """Enabled, and there is somewhere to send requests: a key, or a server of one's own
        (llama-server, vLLM and Ollama take any key)."""
        return self.enabled and bool(self.api_key or self.base_url)

    @property
    def host(self) -> str:
        """Where notes go, as the clinician is told: base_url's host, OpenAI's without one."""
        url = urlparse(self.base_url or "https://api.openai.com/v1")
        return url.hostname or url.netloc

    @property
    def on_own_servers(self) -> bool:
        """`self_hosted`, or a base_url on this machine or network: a loopback, private or
        link-local address, "localhost", or a name without a dot (a container's service)."""
        if self.self_hosted:
            return True
        if not self.base_url:
            return False  # OpenAI
        host = (urlparse(self.base_url).hostname or "").rstrip(".")
        if not host:
            return False
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return host == "localhost" or host.endswith(".localhost") or "." not in host
        return address.is_loopback or address.is_private or address.is_link_local


SendToLlm = Literal["never", "confirm", "after-check", "always"]


class PrivacyConfig(_Section):
    # never: nothing goes to the LLM; confirm: the clinician sees exactly what would be sent,
    # flagged spans marked, and sends it with one tap; after-check: text the local guard flags
    # goes only once the clinician has redacted, edited or explicitly cleared it; always: no
    # check. Unset: confirm, or after-check for a self-hosted provider. Read it through
    # `Config.send_to_llm`, which applies that default.
    send_to_llm: SendToLlm | None = None


class PromptsConfig(_Section):
    # Empty means the templates shipped in prompts/; a path means a clinic's own copy.
    dir: str = ""


FREE_BROADCAST_PER_SECOND = 30  # Telegram's limit for a bot's messages, without paying
PAID_BROADCAST_PER_SECOND = 1000  # with allow_paid_broadcast, paid in Telegram Stars


class RemindersConfig(_Section):
    sweep_seconds: Annotated[int, Field(ge=1, le=3600)] = 30
    # Send every reminder with allow_paid_broadcast: up to 1000 a second, each message beyond
    # the free ~30 a second paid from the bot's Telegram Stars balance. Declared before
    # max_per_second, whose check reads it.
    paid_broadcast: bool = False
    # Telegram allows about 30 messages a second overall; stay a little under it.
    max_per_second: Annotated[int, Field(ge=1, le=PAID_BROADCAST_PER_SECOND)] = 28
    # A firing missed by more than this (the bot was down) is dropped, not sent late.
    catch_up_minutes: Annotated[int, Field(ge=1, le=1440)] = 120

    @field_validator("max_per_second")
    @classmethod
    def _free_limit(cls, value: int, info: ValidationInfo) -> int:
        if value > FREE_BROADCAST_PER_SECOND and not info.data.get("paid_broadcast", False):
            raise ValueError(
                f"more than {FREE_BROADCAST_PER_SECOND} a second needs "
                "reminders.paid_broadcast = true (paid in Telegram Stars; up to "
                f"{PAID_BROADCAST_PER_SECOND} a second)")
        return value


class AdminConfig(_Section):
    telegram_ids: list[int] = Field(default_factory=list)


class ExportsConfig(_Section):
    # Telegram refuses documents over 50 MB from bots; larger exports are refused with advice.
    max_document_mb: Annotated[float, Field(gt=0, le=50)] = 50
    # The base of every IRI in xAPI statements (the actor's home page, activity ids, extension
    # keys): this deployment's public URL. Empty: the bot's own https://t.me/<username>.
    xapi_base_url: str = ""
    # Evidence in PDF portfolios: files up to this size are shown as pictures (Telegram hands
    # bots 20 MB at most), and at most this many per portfolio; the rest are listed by name.
    evidence_max_mb: Annotated[float, Field(gt=0, le=20)] = 20
    evidence_pictures: Annotated[int, Field(ge=0, le=500)] = 100

    @field_validator("xapi_base_url")
    @classmethod
    def _absolute_url(cls, value: str) -> str:
        return absolute_url(value)


class LoggingConfig(_Section):
    level: Annotated[str, Field(pattern="^(DEBUG|INFO|WARNING|ERROR)$")] = "INFO"


class Config(_Section):
    telegram: TelegramConfig = Field(default_factory=TelegramConfig)
    storage: StorageConfig = Field(default_factory=StorageConfig)
    llm: LLMConfig = Field(default_factory=LLMConfig)
    privacy: PrivacyConfig = Field(default_factory=PrivacyConfig)
    prompts: PromptsConfig = Field(default_factory=PromptsConfig)
    reminders: RemindersConfig = Field(default_factory=RemindersConfig)
    admin: AdminConfig = Field(default_factory=AdminConfig)
    exports: ExportsConfig = Field(default_factory=ExportsConfig)
    web: WebConfig = Field(default_factory=WebConfig)
    logging: LoggingConfig = Field(default_factory=LoggingConfig)

    @property
    def send_to_llm(self) -> SendToLlm:
        """privacy.send_to_llm as set, else "confirm", or "after-check" when the provider is
        self-hosted (`LLMConfig.on_own_servers`). Every reader goes through here."""
        if self.privacy.send_to_llm is not None:
            return self.privacy.send_to_llm
        return "after-check" if self.llm.on_own_servers else "confirm"

    def require_webhook(self) -> None:
        """Webhook mode needs the address Telegram posts to and the secret it sends."""
        if self.telegram.mode != "webhook":
            return
        if not self.web.enabled:
            raise ConfigError("web.enabled", "webhook mode needs the web server")
        if not self.web.public_url:
            raise ConfigError("web.public_url", "webhook mode needs the public https:// address "
                              "Telegram posts updates to, like https://cpd.example.org")
        if not _SECRET_SHAPE.match(self.telegram.webhook_secret):
            raise ConfigError("telegram.webhook_secret", "webhook mode needs "
                              "TELEGRAM_WEBHOOK_SECRET: 1-256 characters of A-Z, a-z, 0-9, _ "
                              "and -; for example: export TELEGRAM_WEBHOOK_SECRET=$(openssl "
                              "rand -hex 32)")

    def require_token(self) -> str:
        token = self.telegram.token.strip()
        if not token:
            raise ConfigError("telegram.token", f"no bot token is set; {BOTFATHER_HINT}")
        if not _TOKEN_SHAPE.match(token):
            raise ConfigError(
                "telegram.token", "does not look like a bot token (expected 123456789:ABC-...)"
            )
        return token


def normalise_database_url(url: str) -> str:
    """Accept the URLs people paste (postgres://, sqlite:///) and pick the async driver."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise ValueError("is not a database URL (expected sqlite:///path or postgresql://...)")
    base = scheme.split("+", 1)[0].lower()
    if base == "sqlite":
        return f"sqlite+aiosqlite://{rest}"
    if base in ("postgres", "postgresql"):
        return f"postgresql+asyncpg://{rest}"
    raise ValueError(f"unsupported database '{base}'; use sqlite or postgresql")


_ENV_OVERRIDES: dict[str, tuple[str, str]] = {
    "TELEGRAM_BOT_TOKEN": ("telegram", "token"),
    "DATABASE_URL": ("storage", "url"),
    "OPENAI_API_KEY": ("llm", "api_key"),
    "OPENAI_BASE_URL": ("llm", "base_url"),
    "TELEGRAM_WEBHOOK_SECRET": ("telegram", "webhook_secret"),
}


def find_config_path(cli_path: str | None, environ: dict[str, str]) -> tuple[Path, bool]:
    """Return the path to read and whether it was asked for explicitly."""
    if cli_path:
        return Path(cli_path), True
    if environ.get("CPDBOT_CONFIG"):
        return Path(environ["CPDBOT_CONFIG"]), True
    return Path("config.toml"), False


def load_config(cli_path: str | None = None, environ: dict[str, str] | None = None) -> Config:
    environ = dict(os.environ if environ is None else environ)
    path, explicit = find_config_path(cli_path, environ)
    raw: dict[str, Any] = {}
    if path.exists():
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(str(path), f"is not valid TOML ({exc})") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(str(path), f"cannot be read ({exc})") from None
    elif explicit:
        raise ConfigError(str(path), "config file not found")

    for env_name, (section, key) in _ENV_OVERRIDES.items():
        value = environ.get(env_name)
        if value:
            target = raw.setdefault(section, {})
            if not isinstance(target, dict):
                raise ConfigError(section, "must be a table like [section]")
            target[key] = value
    try:
        return Config.model_validate(raw)
    except ValidationError as exc:
        raise _first_problem(exc) from None


def _first_problem(exc: ValidationError) -> ConfigError:
    error = exc.errors(include_url=False)[0]
    key = ".".join(str(part) for part in error["loc"]) or "config"
    if error["type"] == "extra_forbidden":
        return ConfigError(key, "unknown key (check the spelling against config.toml)")
    message = error["msg"].removeprefix("Value error, ")
    return ConfigError(key, message)
