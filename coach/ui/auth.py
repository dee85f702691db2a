"""Who may open the app. On loopback nobody else can reach it; on any other address a login is
required (COACH_AUTH=user:password, or COACH_AUTH_FILE with one user:password a line) unless the
operator passes --no-auth explicitly. Passwords are never printed or logged."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coach.errors import CoachError

if TYPE_CHECKING:
    from coach.settings import Settings

Credentials = list[tuple[str, str]]


def is_loopback(host: str) -> bool:
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


# The owner of what the CLI and a loopback run without a login keep, and the playbook's maintainer
# (`coach.chat.conversation.LOCAL_USER`): no login may take that name, or it would see and add to
# every conversation the CLI holds and get the maintainer's rights.
RESERVED_USER = "local"


def parse_pair(text: str, where: str) -> tuple[str, str]:
    user, sep, password = text.strip().partition(":")
    if not sep or not user.strip() or not password:
        raise CoachError(f"{where} must look like user:password")
    if user.strip().lower() == RESERVED_USER:
        raise CoachError(
            f"{where}: the user name {user.strip()!r} is reserved for the command line's own "
            "conversations; choose another"
        )
    return user.strip(), password


def read_auth_file(path: Path) -> Credentials:
    if not path.is_file():
        raise CoachError(
            f"auth file {path} does not exist; create it with one user:password a line"
        )
    pairs = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip() and not line.lstrip().startswith("#"):
            pairs.append(parse_pair(line, f"{path}:{lineno}"))
    if not pairs:
        raise CoachError(f"auth file {path} has no user:password line")
    return pairs


def credentials(auth: str | None = None, auth_file: str | None = None) -> Credentials:
    """Every login from COACH_AUTH (comma-separated pairs allowed) and the auth file."""
    auth = auth if auth is not None else os.environ.get("COACH_AUTH")
    auth_file = auth_file if auth_file is not None else os.environ.get("COACH_AUTH_FILE")
    pairs: Credentials = []
    if auth:
        pairs += [parse_pair(p, "COACH_AUTH") for p in auth.split(",") if p.strip()]
    if auth_file:
        pairs += read_auth_file(Path(auth_file))
    return pairs


def resolve_auth(host: str, no_auth: bool, auth: str | None = None,
                 auth_file: str | None = None) -> Credentials | None:  # fmt: skip
    """The logins to require, or None; refuses to serve a non-loopback host without one."""
    pairs = credentials(auth, auth_file)
    if pairs:
        return pairs
    if is_loopback(host) or no_auth:
        return None
    raise CoachError(
        f"serving on {host} exposes the coach to your network, so it needs a login: set "
        "COACH_AUTH=user:password or COACH_AUTH_FILE=path (one user:password a line), or pass "
        "--no-auth if something else already protects it"
    )


# --- password hashes -----------------------------------------------------------------------------

HASH_PREFIX = "pbkdf2_sha256$"
HASH_ITERATIONS = 600_000


def hash_password(password: str, salt: str | None = None, iterations: int = HASH_ITERATIONS) -> str:
    """`pbkdf2_sha256$ITERATIONS$SALT$HASH` (the format Django uses), for COACH_AUTH_FILE."""
    import base64
    import hashlib
    import secrets

    salt = salt or secrets.token_hex(12)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), iterations)
    return f"{HASH_PREFIX}{iterations}${salt}${base64.b64encode(digest).decode()}"


def password_matches(stored: str, given: str) -> bool:
    """Whether `given` is the password `stored` (plain text or a pbkdf2_sha256 hash)."""
    import hmac

    if stored.startswith(HASH_PREFIX):
        try:
            _, iterations, salt, _digest = stored.split("$", 3)
            expected = hash_password(given, salt, int(iterations))
        except ValueError:
            return False
        return hmac.compare_digest(expected.encode(), stored.encode())
    return hmac.compare_digest(stored.encode(), given.encode())


# Wrong passwords for one login from one client address within LOCK_SECONDS before that address
# may not try the login again for LOCK_SECONDS: someone elsewhere cannot lock a user out this way.
MAX_FAILURES = 5
LOCK_SECONDS = 300.0
# Wrong passwords for one login from all addresses together within LOGIN_LOCK_SECONDS before the
# login is refused everywhere: guesses spread over many addresses are capped too, and locking a
# user out takes sustained failures (about one a minute), not five.
MAX_LOGIN_FAILURES = 50
LOGIN_LOCK_SECONDS = 3600.0

_client: ContextVar[str] = ContextVar("coach_sign_in_client", default="")


@contextmanager
def signing_in_from(address: str) -> Iterator[None]:
    """The client address the sign-ins checked inside this block come from (LoginThrottle sets
    it for each request to /login; Gradio's check only gets the login and password)."""
    token = _client.set(address)
    try:
        yield
    finally:
        _client.reset(token)


def gradio_auth(
    pairs: Credentials, clock: object = None, settings: Settings | None = None
) -> object:
    """What Gradio's `auth` takes: a check of a login against the pairs (hashes allowed). After
    MAX_FAILURES wrong passwords for a login from one address within LOCK_SECONDS, that address
    is refused the login, right password or not, until they age out; after MAX_LOGIN_FAILURES
    from all addresses within LOGIN_LOCK_SECONDS, everyone is. Given settings, failures are kept
    in the database, so every app process of a team counts the same ones."""
    import threading
    import time

    now = clock if callable(clock) else time.time
    logins = dict(pairs)
    memory: dict[str, list[tuple[float, str]]] = {}
    lock = threading.Lock()

    def recent(user: str, client: str) -> tuple[int, int]:
        """Failures for `user` from `client` in the short window, and from anywhere in the long."""
        since, mine_since = now() - LOGIN_LOCK_SECONDS, now() - LOCK_SECONDS
        if settings is not None:
            from coach.storage import database

            with database(settings).connect() as conn:
                conn.execute("DELETE FROM coach_login_failures WHERE at < ?", (since,))
                row = conn.execute(
                    "SELECT COUNT(*), SUM(CASE WHEN client = ? AND at >= ? THEN 1 ELSE 0 END) "
                    "FROM coach_login_failures WHERE login = ?",
                    (client, mine_since, user),
                ).fetchone()
            return int(row[1] or 0), int(row[0] or 0)
        with lock:
            kept = [(t, c) for t, c in memory.get(user, []) if t >= since]
            memory[user] = kept
            if len(memory) > 10_000:  # forget quiet logins: bounded memory
                for key in [k for k, v in memory.items() if not v]:
                    del memory[key]
            return sum(t >= mine_since and c == client for t, c in kept), len(kept)

    def failed(user: str, client: str) -> None:
        if settings is not None:
            from coach.storage import database

            with database(settings).connect() as conn:
                conn.execute(
                    "INSERT INTO coach_login_failures (login, client, at) VALUES (?, ?, ?)",
                    (user, client, now()),
                )
            return
        with lock:
            memory.setdefault(user, []).append((now(), client))

    def check(user: str, password: str) -> bool:
        client = _client.get()
        mine, everyone = recent(user, client)
        if mine >= MAX_FAILURES or everyone >= MAX_LOGIN_FAILURES:
            return False
        stored = logins.get(user)
        ok = stored is not None and password_matches(stored, password)
        if not ok:
            failed(user, client)
        return ok

    return check


# --- who connected ------------------------------------------------------------------------------


def require_trusted_proxy(settings: Settings) -> None:
    """A user header is only as good as the proxy that sets it: refuse to serve one that no
    proxy is trusted to send (TrustedProxies would drop it from every request)."""
    if settings.trusted_user_header and not settings.trusted_proxies:
        raise CoachError(
            f"COACH_TRUSTED_USER_HEADER={settings.trusted_user_header} is set but "
            "COACH_TRUSTED_PROXIES is empty: set COACH_TRUSTED_PROXIES to the address of the "
            "proxy that sets the header (127.0.0.1 when it runs on this machine)"
        )


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _host(entry: str) -> str:
    """The address of one X-Forwarded-For entry: `198.51.100.7`, `198.51.100.7:443`,
    `2001:db8::1` or `[2001:db8::1]:443`."""
    entry = entry.strip()
    if entry.startswith("["):
        return entry[1:].partition("]")[0]
    return entry.rpartition(":")[0] if entry.count(":") == 1 else entry


class TrustedProxies:
    """ASGI middleware, first in line: who connected, and what they may tell the app. From a peer
    in COACH_TRUSTED_PROXIES, the client is the right-most address in X-Forwarded-For that is not
    itself a trusted proxy (and X-Forwarded-Proto sets the scheme); the user header comes through.
    From any other peer, the user header and X-Forwarded-For are removed before the app (and
    gr.Request) sees the request, so a client that connects directly cannot name a user."""

    def __init__(self, app: Any, proxies: str = "", user_header: str | None = None) -> None:
        self.app = app
        self.networks: list[Network] = [
            ipaddress.ip_network(item.strip(), strict=False)
            for item in proxies.split(",")
            if item.strip()
        ]
        dropped = {b"x-forwarded-for"}
        if user_header:
            dropped.add(user_header.strip().lower().encode("latin-1"))
        self.dropped = frozenset(dropped)

    def trusted(self, host: str) -> bool:
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return False
        mapped = getattr(address, "ipv4_mapped", None)  # ::ffff:127.0.0.1 on a dual-stack socket
        return any(a in network for a in (address, mapped) if a for network in self.networks)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope.get("type") not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        scope = dict(scope)
        headers = list(scope.get("headers") or [])
        peer = scope.get("client")
        if peer and self.trusted(str(peer[0])):
            forwarded = b", ".join(v for k, v in headers if k.lower() == b"x-forwarded-for")
            hosts = [h for h in map(_host, forwarded.decode("latin-1").split(",")) if h]
            untrusted = [h for h in hosts if not self.trusted(h)]
            # All of them trusted: the client is itself a proxy; the left-most is as far back as
            # anyone vouches for (as uvicorn does).
            client = untrusted[-1] if untrusted else hosts[0] if hosts else None
            if client:
                scope["client"] = (client, 0)
            proto = next((v for k, v in headers if k.lower() == b"x-forwarded-proto"), b"")
            scheme = proto.decode("latin-1").strip().lower()
            if scheme in ("http", "https"):
                ws = scope["type"] == "websocket"
                scope["scheme"] = scheme.replace("http", "ws") if ws else scheme
        else:
            scope["headers"] = [(k, v) for k, v in headers if k.lower() not in self.dropped]
        await self.app(scope, receive, send)


MAX_CLIENT_FAILURES = 20  # failed sign-ins from one address within the window before it waits


class LoginThrottle:
    """ASGI middleware: after MAX_CLIENT_FAILURES failed sign-ins from one client address within
    LOCK_SECONDS, that address gets 429 and a sentence saying when to try again, so passwords
    cannot be sprayed across many logins from one place. The address is the connection's peer,
    or, when the peer is one of COACH_TRUSTED_PROXIES, the right-most address in X-Forwarded-For
    that is not (TrustedProxies resolves it before this runs)."""

    def __init__(self, app: Any, clock: Any = None, limit: int = MAX_CLIENT_FAILURES) -> None:
        import threading
        import time

        self.app = app
        self.now = clock if callable(clock) else time.time
        self.limit = limit
        self.failures: dict[str, list[float]] = {}
        self.lock = threading.Lock()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        path = str(scope.get("path", "")).rstrip("/")
        if (
            scope.get("type") != "http"
            or scope.get("method") != "POST"
            or not path.endswith("/login")
        ):
            await self.app(scope, receive, send)
            return
        client = str((scope.get("client") or ("unknown",))[0])
        since = self.now() - LOCK_SECONDS
        with self.lock:
            recent = [t for t in self.failures.get(client, []) if t >= since]
            self.failures[client] = recent
            if len(self.failures) > 10_000:  # forget quiet addresses: bounded memory
                for key in [k for k, v in self.failures.items() if not v or v[-1] < since]:
                    del self.failures[key]
        if len(recent) >= self.limit:
            wait = int(recent[0] + LOCK_SECONDS - self.now()) // 60 + 1
            body = (
                '{"detail": "Too many failed sign-ins from this address; try again in '
                f'{wait} minute{"s" if wait != 1 else ""}."}}'
            ).encode()
            await send({"type": "http.response.start", "status": 429,
                        "headers": [(b"content-type", b"application/json"),
                                    (b"retry-after", str(wait * 60).encode())]})  # fmt: skip
            await send({"type": "http.response.body", "body": body})
            return
        status = 0

        async def watch(message: Any) -> None:
            nonlocal status
            if message.get("type") == "http.response.start":
                status = int(message.get("status", 0))
            await send(message)

        with signing_in_from(client):
            await self.app(scope, receive, watch)
        if status >= 400:
            with self.lock:
                self.failures.setdefault(client, []).append(self.now())
