"""API tokens: who may call the GraphQL API, and with which role.

A token is `mlc_` + 43 URL-safe characters (256 random bits), shown once when it is created. The
table `canvas_api_tokens` (same database as the workflow store) keeps only its SHA-256, the first
8 random characters for display (`mlc_AbCd1234…`), its role and when it was created, last used and
revoked. Roles are ordered viewer < editor < admin; `Role.allows` is the one check the permission
layer makes.

Decisions a reader should know:
- SHA-256, not a slow password hash: the secret is 256 random bits, so there is nothing to
  brute-force and no dictionary to slow down; a slow hash would only cost CPU on every request.
- `authenticate` refuses malformed input (wrong prefix, foreign characters, longer than
  MAX_SECRET_LENGTH) before touching the database, looks a token up by its hash and compares the
  hash with `hmac.compare_digest`, so timing says nothing about how close a guess was.
- Successful authentications are cached in memory for CACHE_SECONDS (5 s), so a busy API does not
  query per request. Revoking in this process evicts the entry at once; revoking from another
  process (the CLI, another API worker) takes effect within CACHE_SECONDS. Failures are not cached.
- `last_used_at` is written at most once per LAST_USED_RESOLUTION (60 s) per token, with a
  conditional UPDATE, so concurrent API workers do not turn every request into a write.
- `local_admin()` is the implicit principal of the embedded default when the API is bound to
  loopback; it has no row and cannot be revoked or authenticated with a secret.
"""

from __future__ import annotations

import builtins
import hashlib
import hmac
import logging
import re
import secrets
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from canvas_assets.storage.database import create_engine
from canvas_assets.storage.errors import StoreError
from canvas_assets.storage.migrations import ensure_schema

SECRET_PREFIX = "mlc_"  # noqa: S105  # a public marker, not a secret
PREFIX_LENGTH = 8  # random characters kept for display and for `revoke`
MAX_SECRET_LENGTH = 128
CACHE_SECONDS = 5.0
LAST_USED_RESOLUTION = timedelta(seconds=60)
# The URL-safe base64 alphabet of secrets.token_urlsafe, at least 32 characters (192 bits); a range
# rather than today's exact 43 so a future change of the token length keeps old tokens valid.
_SECRET_SHAPE = re.compile(
    rf"{SECRET_PREFIX}[A-Za-z0-9_-]{{32,{MAX_SECRET_LENGTH - len(SECRET_PREFIX)}}}"
)
_CACHE_LIMIT = 4096
_log = logging.getLogger(__name__)

metadata = sa.MetaData()

api_tokens = sa.Table(
    "canvas_api_tokens",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("prefix", sa.String(PREFIX_LENGTH), nullable=False, index=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
)


class TokenError(StoreError):
    """A token request the store refuses; the message says what and how to fix it."""


class Role(StrEnum):
    VIEWER = "viewer"  # read workflows, runs and outputs
    EDITOR = "editor"  # also edit workflows and launch runs
    ADMIN = "admin"  # also manage tokens and settings

    def allows(self, required: Role) -> bool:
        """True when this role may do what `required` may do (viewer < editor < admin)."""
        return _RANK[self] >= _RANK[required]


_RANK = {role: rank for rank, role in enumerate(Role)}


@dataclass(frozen=True)
class Principal:
    """Who is calling: what the API's permission layer sees."""

    token_id: str
    name: str
    role: Role


LOCAL_ADMIN = Principal(
    token_id="local",  # noqa: S106  # an id, not a secret; no stored token has it
    name="local admin",
    role=Role.ADMIN,
)


@dataclass(frozen=True)
class TokenInfo:
    """A stored token as listed: never its secret nor its hash."""

    id: str
    name: str
    role: Role
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @property
    def display(self) -> str:
        return f"{SECRET_PREFIX}{self.prefix}…"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True)
class _Cached:
    principal: Principal
    cached_at: float
    expires_at: float


class TokenStore:
    """API tokens in `canvas_api_tokens`; pass WorkflowStore.engine to share its database."""

    def __init__(self, engine_or_url: Engine | str, clock: Callable[[], float] = time.time) -> None:
        if isinstance(engine_or_url, Engine):
            self.engine = engine_or_url
            self._owns_engine = False
        else:
            self.engine = create_engine(engine_or_url)
            self._owns_engine = True
        self._clock = clock
        self._cache: dict[str, _Cached] = {}
        self._lock = threading.Lock()
        ensure_schema(self.engine)  # the table comes from the migrations (storage/migrations)

    def create(self, name: str, role: Role | str) -> tuple[Principal, str]:
        """A new token; returns its principal and the secret, which is never shown again."""
        name = name.strip()
        if not name or len(name) > 200:
            raise TokenError("a token needs a name of 1 to 200 characters saying who uses it")
        parsed = _parse_role(role)
        secret = SECRET_PREFIX + secrets.token_urlsafe(32)
        principal = Principal(str(uuid.uuid4()), name, parsed)
        with self.engine.begin() as conn:
            conn.execute(
                api_tokens.insert().values(
                    id=principal.token_id,
                    name=name,
                    role=parsed.value,
                    token_hash=_digest(secret),
                    prefix=secret[len(SECRET_PREFIX) :][:PREFIX_LENGTH],
                    created_at=self._now(),
                )
            )
        return principal, secret

    def authenticate(self, secret: str | None) -> Principal | None:
        """The principal of an active token, or None for any other input.

        Database errors of the lookup propagate (an outage is not a wrong token)."""
        if not isinstance(secret, str) or len(secret) > MAX_SECRET_LENGTH:
            return None
        if not _SECRET_SHAPE.fullmatch(secret):
            return None
        digest = _digest(secret)
        now = self._clock()
        with self._lock:
            cached = self._cache.get(digest)
        # A clock that went backwards invalidates the entry rather than extending it.
        if cached is not None and cached.cached_at <= now < cached.expires_at:
            return cached.principal
        principal = self._lookup(digest)
        with self._lock:
            if principal is None:
                self._cache.pop(digest, None)
            else:
                if len(self._cache) >= _CACHE_LIMIT:
                    self._prune(now)
                self._cache[digest] = _Cached(principal, now, now + CACHE_SECONDS)
        return principal

    def revoke(self, token_id_or_prefix: str) -> bool:
        """Revoke a token by id or display prefix; False when no active token matches."""
        ref = token_id_or_prefix.strip().removesuffix("…")
        prefix = ref.removeprefix(SECRET_PREFIX)
        with self.engine.begin() as conn:
            rows = conn.execute(
                sa.select(api_tokens.c.id, api_tokens.c.name).where(
                    (api_tokens.c.id == ref) | (api_tokens.c.prefix == prefix),
                    api_tokens.c.revoked_at.is_(None),
                )
            ).all()
            if len(rows) > 1:
                names = ", ".join(f"{r.name} ({r.id})" for r in rows)
                raise TokenError(
                    f"{token_id_or_prefix!r} matches several active tokens: {names};"
                    " revoke by id instead"
                )
            if not rows:
                return False
            token_id = rows[0].id
            updated = conn.execute(
                api_tokens.update()
                .where((api_tokens.c.id == token_id) & api_tokens.c.revoked_at.is_(None))
                .values(revoked_at=self._now())
            )
        with self._lock:
            for digest in [d for d, c in self._cache.items() if c.principal.token_id == token_id]:
                del self._cache[digest]
        return updated.rowcount == 1

    def local_admin(self) -> Principal:
        """The implicit admin of the embedded default, for requests over loopback only."""
        return LOCAL_ADMIN

    def dispose(self) -> None:
        """Close the engine if this store created it (a shared engine belongs to its owner)."""
        if self._owns_engine:
            self.engine.dispose()

    def list(self, include_revoked: bool = True) -> builtins.list[TokenInfo]:
        """Every token, oldest first, without secrets."""
        query = sa.select(
            api_tokens.c.id,
            api_tokens.c.name,
            api_tokens.c.role,
            api_tokens.c.prefix,
            api_tokens.c.created_at,
            api_tokens.c.last_used_at,
            api_tokens.c.revoked_at,
        ).order_by(api_tokens.c.created_at, api_tokens.c.id)
        if not include_revoked:
            query = query.where(api_tokens.c.revoked_at.is_(None))
        with self.engine.begin() as conn:
            rows = conn.execute(query).all()
        return [
            TokenInfo(
                id=r.id,
                name=r.name,
                role=_parse_role(r.role),
                prefix=r.prefix,
                created_at=_aware(r.created_at),
                last_used_at=_aware(r.last_used_at) if r.last_used_at else None,
                revoked_at=_aware(r.revoked_at) if r.revoked_at else None,
            )
            for r in rows
        ]

    # -- internals ----------------------------------------------------------------------------

    def _lookup(self, digest: str) -> Principal | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(
                    api_tokens.c.id,
                    api_tokens.c.name,
                    api_tokens.c.role,
                    api_tokens.c.token_hash,
                    api_tokens.c.last_used_at,
                    api_tokens.c.revoked_at,
                ).where(api_tokens.c.token_hash == digest)
            ).first()
        if row is None or not hmac.compare_digest(row.token_hash, digest):
            return None
        if row.revoked_at is not None or row.role not in _RANK:
            return None
        now = self._now()
        cutoff = now - LAST_USED_RESOLUTION
        if row.last_used_at is None or _aware(row.last_used_at) <= cutoff:
            self._touch(row.id, now, cutoff)
        return Principal(row.id, row.name, Role(row.role))

    def _touch(self, token_id: str, now: datetime, cutoff: datetime) -> None:
        # Conditional, so of several workers that saw the same old value only one writes; and
        # best effort, so a busy database (SQLite's single writer) never fails a request.
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    api_tokens.update()
                    .where(
                        (api_tokens.c.id == token_id)
                        & (
                            api_tokens.c.last_used_at.is_(None)
                            | (api_tokens.c.last_used_at <= cutoff)
                        )
                    )
                    .values(last_used_at=now)
                )
        except sa.exc.OperationalError as exc:
            _log.warning("could not record the last use of token %s: %s", token_id, exc)

    def _prune(self, now: float) -> None:
        for digest in [d for d, c in self._cache.items() if not c.cached_at <= now < c.expires_at]:
            del self._cache[digest]
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self._clock(), UTC)

    def is_active(self, token_id: str) -> Role | None:
        """The token's current role, or None once it is revoked or gone: what open connections
        re-check every few seconds. A primary-key lookup that bypasses the cache, so a revoke
        from another process counts at once. (Sign-out and role changes plug in here.)"""
        if token_id == LOCAL_ADMIN.token_id:
            return LOCAL_ADMIN.role
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(api_tokens.c.role, api_tokens.c.revoked_at).where(
                    api_tokens.c.id == token_id
                )
            ).first()
        if row is None or row.revoked_at is not None or row.role not in _RANK:
            return None
        return Role(row.role)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def _parse_role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise TokenError(f"unknown role {role!r}; choose one of {choices}") from None


def _aware(value: datetime) -> datetime:
    # SQLite keeps no time zone; everything this module writes is UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
