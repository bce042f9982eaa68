"""Strict readers for environment variables: a bad value stops start-up naming the variable."""

import os
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean; use one of 1/0, true/false, yes/no, on/off."
    )


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_database(name: str, default: dict) -> dict:
    """Parse a database URL (postgres://user:pass@host:port/name)."""
    raw = os.environ.get(name)
    if not raw:
        return default
    import dj_database_url

    try:
        config = dj_database_url.parse(raw, conn_max_age=60, conn_health_checks=True)
    except Exception as exc:  # dj_database_url raises several kinds of error
        raise ImproperlyConfigured(
            f"{name} is not a valid database URL: {exc}"
        ) from None
    if not config.get("ENGINE") or not config.get("NAME"):
        raise ImproperlyConfigured(f"{name}={raw!r} names no database engine or name.")
    return config


def env_redis_url(name: str) -> str:
    raw = os.environ.get(name, "")
    if raw and urlsplit(raw).scheme not in {"redis", "rediss", "amqp", "memory"}:
        raise ImproperlyConfigured(
            f"{name}={raw!r} must start with redis://, rediss:// or amqp://."
        )
    return raw


def env_email(name: str) -> dict:
    """Parse EMAIL_URL: smtp://user:pass@host:587, smtps://..., console://, locmem://."""
    raw = os.environ.get(name)
    if not raw:
        return {}
    parts = urlsplit(raw)
    backends = {
        "smtp": "django.core.mail.backends.smtp.EmailBackend",
        "smtps": "django.core.mail.backends.smtp.EmailBackend",
        "submission": "django.core.mail.backends.smtp.EmailBackend",
        "console": "django.core.mail.backends.console.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
        "dummy": "django.core.mail.backends.dummy.EmailBackend",
    }
    if parts.scheme not in backends:
        raise ImproperlyConfigured(
            f"{name}={raw!r}: scheme must be one of {', '.join(sorted(backends))}."
        )
    config = {"EMAIL_BACKEND": backends[parts.scheme]}
    if parts.scheme in {"smtp", "smtps", "submission"}:
        if not parts.hostname:
            raise ImproperlyConfigured(f"{name}={raw!r} names no host.")
        try:
            port = parts.port
        except ValueError:
            raise ImproperlyConfigured(f"{name}={raw!r} has a bad port.") from None
        config.update(
            EMAIL_HOST=parts.hostname,
            EMAIL_PORT=port or (465 if parts.scheme == "smtps" else 587),
            EMAIL_HOST_USER=unquote(parts.username or ""),
            EMAIL_HOST_PASSWORD=unquote(parts.password or ""),
            EMAIL_USE_SSL=parts.scheme == "smtps",
            EMAIL_USE_TLS=parts.scheme != "smtps",
        )
    return config


def load_dotenv(path) -> None:
    """Read KEY=VALUE lines from a local ``.env`` file without overriding the environment."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise ImproperlyConfigured(f"{path}, line {number}: expected KEY=VALUE.")
        os.environ.setdefault(key.strip(), value.strip().strip("'\""))


def env_weights(name: str, default: dict[str, int]) -> dict[str, int]:
    """Whole-number weights "a=30,b=20" for the keys of ``default``, all of them."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return dict(default)
    weights = {}
    for item in raw.split(","):
        key, _sep, value = item.partition("=")
        key = key.strip()
        if key not in default or not value.strip().isdigit():
            raise ImproperlyConfigured(
                f"{name}={raw!r}: each item must be one of {', '.join(default)} "
                "followed by = and a whole number."
            )
        weights[key] = int(value)
    missing = set(default) - set(weights)
    if missing:
        raise ImproperlyConfigured(f"{name} lacks a weight for {', '.join(missing)}.")
    return weights
