"""Settings, looked up in one order: explicit argument, then environment (and `.env`), then default.

Every variable is listed with its default in `.env.example`.
"""

from __future__ import annotations

import os
import re
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


def _default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("escalation-coach", appauthor=False))


def _bundled(name: str) -> Path:
    """`knowledge/`, `prompts/` or `evals/` as shipped inside the package (in a checkout,
    `coach/bundled/` links to the top-level folders)."""
    return Path(str(resources.files("coach") / "bundled" / name))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    data_dir: Path = Field(default_factory=_default_data_dir, alias="COACH_DATA_DIR")
    knowledge_dir: Path = Field(
        default_factory=lambda: _bundled("knowledge"), alias="COACH_KNOWLEDGE_DIR"
    )
    prompts_dir: Path = Field(
        default_factory=lambda: _bundled("prompts"), alias="COACH_PROMPTS_DIR"
    )
    evals_dir: Path = Field(default_factory=lambda: _bundled("evals"), alias="COACH_EVALS_DIR")
    chroma_url: str | None = Field(default=None, alias="COACH_CHROMA_URL")
    # Conversations, checkpoints, users and eval history: SQLite in data_dir unless this names a
    # PostgreSQL server (postgresql://user:password@host:5432/db) that several processes share.
    database_url: str | None = Field(default=None, alias="COACH_DATABASE_URL")

    # Models. No key and no base URL means the offline engine.
    openai_api_key: SecretStr | None = Field(default=None, alias="OPENAI_API_KEY")
    openai_base_url: str | None = Field(default=None, alias="OPENAI_BASE_URL")
    azure_openai_endpoint: str | None = Field(default=None, alias="AZURE_OPENAI_ENDPOINT")
    azure_openai_api_key: SecretStr | None = Field(default=None, alias="AZURE_OPENAI_API_KEY")
    openai_api_version: str = Field(default="2024-10-21", alias="OPENAI_API_VERSION")
    model: str = Field(default="gpt-4o-mini", alias="COACH_MODEL")
    engine: Literal["auto", "offline", "openai"] = Field(default="auto", alias="COACH_ENGINE")
    embeddings: Literal["local", "openai"] = Field(default="local", alias="COACH_EMBEDDINGS")
    openai_embedding_model: str = Field(
        default="text-embedding-3-small", alias="COACH_OPENAI_EMBEDDING_MODEL"
    )
    max_output_tokens: int = Field(default=800, alias="COACH_MAX_OUTPUT_TOKENS", gt=0)
    context_window: int = Field(default=16000, alias="COACH_CONTEXT_WINDOW", gt=0)
    request_timeout: float = Field(default=60.0, alias="COACH_REQUEST_TIMEOUT", gt=0, le=600)
    max_retries: int = Field(default=2, alias="COACH_MAX_RETRIES", ge=0, le=10)
    # A server that timed out or could not be reached rests this long before it is asked again
    # (0: ask it every time).
    model_retry_after: float = Field(default=30.0, alias="COACH_MODEL_RETRY_AFTER", ge=0, le=3600)
    redact_pii: bool = Field(default=True, alias="COACH_REDACT_PII")

    # The web app.
    host: str = Field(default="127.0.0.1", alias="COACH_HOST")
    port: int = Field(default=7860, alias="COACH_PORT")
    auth: str | None = Field(default=None, alias="COACH_AUTH")
    auth_file: Path | None = Field(default=None, alias="COACH_AUTH_FILE")
    # Users: a header set by a trusted reverse proxy that does SSO (honoured only when set), and
    # who may see the Evals tab (comma-separated logins; the local single user always may).
    trusted_user_header: str | None = Field(default=None, alias="COACH_TRUSTED_USER_HEADER")
    admins: str = Field(default="", alias="COACH_ADMINS")
    # Reverse proxies whose X-Forwarded-For names the client (comma-separated addresses or
    # networks: 127.0.0.1 when nginx runs on this machine). None by default: the client is whoever
    # connected, so a sign-in cannot pick the address the throttle counts it against.
    trusted_proxies: str = Field(default="", alias="COACH_TRUSTED_PROXIES")
    # Conversations not touched for this many days are deleted (checkpoints included).
    retention_days: float | None = Field(default=None, alias="COACH_RETENTION_DAYS", gt=0)

    @field_validator("data_dir", "knowledge_dir", "prompts_dir", "evals_dir", "auth_file")
    @classmethod
    def _expand_home(cls, value: Path | None) -> Path | None:
        """`~/coach-data` means the user's home, as it does in a shell."""
        if value is None:
            return None
        try:
            str(value).encode("utf-8")
        except UnicodeEncodeError:
            # "/tmp/k\xff": bytes that are not UTF-8 reach Python as lone surrogates, which no
            # index, database or hash takes (Chroma failed on one and set a healthy index aside).
            shown = os.fsencode(value).decode("utf-8", "backslashreplace")
            raise ValueError(
                f"the path {shown} is not valid UTF-8; rename the folder or choose another"
            ) from None
        try:
            return value.expanduser()
        except RuntimeError:  # "~nosuchuser/x": no such user, no home to put it in
            raise ValueError(f"{value}: no home directory for {value.parts[0]!r}") from None

    @field_validator("trusted_proxies")
    @classmethod
    def _addresses(cls, value: str) -> str:
        import ipaddress

        items = [item.strip() for item in value.split(",") if item.strip()]
        for item in items:
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(
                    f"COACH_TRUSTED_PROXIES must list IP addresses or networks (127.0.0.1, "
                    f"10.0.0.0/8), not {item!r}"
                ) from None
        return ",".join(items)

    @field_validator("openai_base_url")
    @classmethod
    def _a_server_address(cls, value: str | None) -> str | None:
        """An http(s) address with a host: "http://[::1" or "ftp://x" is a typo, not a server."""
        if not value:
            return None
        from urllib.parse import urlsplit

        try:
            parts = urlsplit(value.strip())
            port = parts.port
        except ValueError as exc:
            raise ValueError(f"not a valid address: {exc}") from None
        if parts.scheme not in ("http", "https") or not parts.hostname or " " in parts.netloc:
            raise ValueError(
                "it must be an http:// or https:// address with a host, such as "
                "http://127.0.0.1:8080/v1"
            )
        del port
        return value.strip()

    @field_validator("database_url")
    @classmethod
    def _postgres_only(cls, value: str | None) -> str | None:
        if value and not re.match(r"postgres(ql)?://", value):
            raise ValueError(
                "COACH_DATABASE_URL must be a postgresql:// URL (leave it unset for SQLite)"
            )
        return value or None

    @model_validator(mode="after")
    def _embeddings_need_a_server(self) -> Settings:
        if self.embeddings == "openai" and not (
            self.openai_api_key or self.openai_base_url or self.azure_openai_endpoint
        ):
            raise ValueError(
                "COACH_EMBEDDINGS=openai needs OPENAI_API_KEY or OPENAI_BASE_URL (leave it unset "
                "for the local embeddings)"
            )
        return self

    @property
    def uses_azure(self) -> bool:
        return bool(self.azure_openai_endpoint) and not (
            self.openai_api_key or self.openai_base_url
        )

    @cached_property
    def index_dir(self) -> Path:
        return self.data_dir / "index"


def active_engine(settings: Settings, requested: str | None = None) -> Literal["offline", "openai"]:
    """The one answer to "which engine answers": the engine asked for (a CLI flag), else
    COACH_ENGINE, else a model whenever one is configured (OpenAI, a compatible server, Azure).
    Here, not beside the model code, so an offline run never imports the model libraries."""
    choice = requested or settings.engine
    if choice in ("offline", "openai"):
        return choice  # type: ignore[return-value]
    configured = (
        settings.openai_api_key or settings.openai_base_url or settings.azure_openai_endpoint
    )
    return "openai" if configured else "offline"


def require_writable(folder: Path, what: str = "the data directory") -> Path:
    """`folder`, created if missing, after proving a file can be written in it: a read-only mount
    or a folder owned by someone else is one clear error, before any work that would fail half
    way (or mistake the failure for a damaged index)."""
    import contextlib
    import os

    from coach.errors import CoachError
    from coach.textio import escaped

    probe = folder / f".coach-write-check-{os.getpid()}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"")
    except OSError as exc:
        raise CoachError(
            f"{what} {escaped(str(folder), breaks=True)} is not writable ({exc.strerror or exc}); "
            "point COACH_DATA_DIR at a "
            "folder you can write to"
        ) from None
    finally:
        with contextlib.suppress(OSError):
            probe.unlink()
    return folder


def get_settings(**overrides: object) -> Settings:
    """Build settings; keyword overrides (CLI flags) win over the environment."""
    from pydantic import ValidationError

    from coach.errors import CoachError

    clean = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**clean)  # type: ignore[arg-type]
    except ValidationError as exc:
        err = exc.errors()[0]
        name = ".".join(str(part) for part in err["loc"]) or "a setting"
        raise CoachError(
            f"{name} is not valid ({err['msg']}); fix it in the environment or .env"
        ) from None
