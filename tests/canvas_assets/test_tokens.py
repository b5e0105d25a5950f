"""API tokens on SQLite and on the real PostgreSQL: secrets, roles, revocation, cache, last use."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from canvas_assets.storage.tokens import (
    CACHE_SECONDS,
    MAX_SECRET_LENGTH,
    Principal,
    Role,
    TokenError,
    TokenStore,
    api_tokens,
)
from canvas_assets.storage.workflow_store import WorkflowStore

START = 1_700_000_000.0


class FakeClock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class StatementLog:
    """The SQL statements an engine runs, to prove what hits the database."""

    def __init__(self, engine: sa.Engine) -> None:
        self.statements: list[str] = []
        sa.event.listen(engine, "before_cursor_execute", self._record)

    def _record(self, *args: Any) -> None:
        statement: str = args[2]  # (conn, cursor, statement, parameters, context, executemany)
        self.statements.append(statement.lstrip().split()[0].upper())

    def count(self, verb: str) -> int:
        return self.statements.count(verb)

    def clear(self) -> None:
        self.statements.clear()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'canvas.db'}"
    url: str = request.getfixturevalue("pg_url")
    return url


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def tokens(database_url: str, clock: FakeClock) -> Iterator[TokenStore]:
    store = TokenStore(database_url, clock=clock)
    yield store
    store.dispose()


def stored_rows(store: TokenStore) -> list[dict[str, object]]:
    with store.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(sa.select(api_tokens))]


def test_a_created_token_authenticates_as_its_principal(tokens: TokenStore) -> None:
    principal, secret = tokens.create("ci pipeline", Role.EDITOR)
    assert secret.startswith("mlc_") and len(secret) == 47
    assert principal == Principal(principal.token_id, "ci pipeline", Role.EDITOR)
    assert tokens.authenticate(secret) == principal


def test_the_store_shares_the_workflow_stores_engine(database_url: str) -> None:
    workflows = WorkflowStore(database_url)
    try:
        tokens = TokenStore(workflows.engine)
        principal, secret = tokens.create("dashboard", "viewer")
        assert tokens.authenticate(secret) == principal
        tokens.dispose()  # leaves the shared engine usable
        assert TokenStore(workflows.engine).authenticate(secret) == principal
        assert workflows.list() == []
    finally:
        workflows.dispose()


@pytest.mark.parametrize(
    "candidate",
    [
        "",
        None,
        "mlc_",
        "not-a-token",
        "Bearer mlc_" + "a" * 43,
        "mlc_" + "a" * 43 + "\n",
        "mlc_" + "a" * 20 + " " + "a" * 22,
        "mlc_" + "é" * 43,
        "mlc_" + "a" * (MAX_SECRET_LENGTH - 3),
        "mlc_" + "a" * 1_000_000,
    ],
    ids=[
        "empty",
        "none",
        "prefix-only",
        "no-prefix",
        "with-scheme",
        "trailing-newline",
        "inner-space",
        "non-ascii",
        "one-over-the-cap",
        "a-megabyte",
    ],
)
def test_malformed_tokens_are_refused_without_a_database_query(
    tokens: TokenStore, candidate: str | None
) -> None:
    tokens.create("someone", Role.ADMIN)
    log = StatementLog(tokens.engine)
    assert tokens.authenticate(candidate) is None
    assert log.statements == []


def test_a_well_formed_but_unknown_token_is_refused(tokens: TokenStore) -> None:
    _, secret = tokens.create("someone", Role.ADMIN)
    wrong = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    assert tokens.authenticate(wrong) is None
    assert tokens.authenticate("mlc_" + "a" * 43) is None
    assert tokens.authenticate(secret.upper()) is None


def test_a_token_revoked_here_is_refused_at_once(tokens: TokenStore) -> None:
    principal, secret = tokens.create("laptop", Role.EDITOR)
    assert tokens.authenticate(secret) == principal
    assert tokens.revoke(principal.token_id) is True
    assert tokens.authenticate(secret) is None


def test_a_token_revoked_elsewhere_is_refused_once_the_cache_window_has_passed(
    database_url: str, clock: FakeClock
) -> None:
    api = TokenStore(database_url, clock=clock)
    cli = TokenStore(database_url, clock=clock)  # another process, e.g. `mlcanvas token revoke`
    try:
        principal, secret = cli.create("laptop", Role.EDITOR)
        assert api.authenticate(secret) == principal
        assert cli.revoke(principal.token_id) is True
        clock.advance(CACHE_SECONDS - 0.5)
        assert api.authenticate(secret) == principal  # the documented window
        clock.advance(0.5)
        assert api.authenticate(secret) is None
    finally:
        api.dispose()
        cli.dispose()


def test_successful_authentications_are_served_from_memory_within_the_window(
    tokens: TokenStore, clock: FakeClock
) -> None:
    _, secret = tokens.create("busy client", Role.VIEWER)
    log = StatementLog(tokens.engine)
    for _ in range(20):
        assert tokens.authenticate(secret) is not None
        clock.advance(0.1)
    assert log.count("SELECT") == 1
    clock.advance(CACHE_SECONDS)
    assert tokens.authenticate(secret) is not None
    assert log.count("SELECT") == 2


def test_failed_authentications_are_not_cached(tokens: TokenStore) -> None:
    log = StatementLog(tokens.engine)
    for _ in range(3):
        assert tokens.authenticate("mlc_" + "b" * 43) is None
    assert log.count("SELECT") == 3


def test_revoke_accepts_the_display_prefix_and_reports_unknown_tokens(tokens: TokenStore) -> None:
    principal, secret = tokens.create("laptop", Role.EDITOR)
    (info,) = tokens.list()
    assert info.prefix == secret[4:12]
    assert info.display == secret[:12] + "…"
    assert tokens.revoke(info.display) is True
    assert tokens.revoke(principal.token_id) is False  # already revoked
    assert tokens.revoke("mlc_zzzzzzzz") is False
    assert tokens.revoke("") is False
    assert tokens.authenticate(secret) is None


def test_an_ambiguous_prefix_is_refused_and_revokes_nothing(
    tokens: TokenStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    randoms = iter(["SamePref" + "a" * 35, "SamePref" + "b" * 35])
    monkeypatch.setattr(
        "canvas_assets.storage.tokens.secrets.token_urlsafe", lambda _n: next(randoms)
    )
    tokens.create("one", Role.VIEWER)
    tokens.create("two", Role.VIEWER)
    with pytest.raises(TokenError, match="several active tokens"):
        tokens.revoke("SamePref")
    assert all(info.active for info in tokens.list())


def test_roles_are_ordered_viewer_editor_admin() -> None:
    assert Role.ADMIN.allows(Role.EDITOR) and Role.ADMIN.allows(Role.VIEWER)
    assert Role.EDITOR.allows(Role.EDITOR) and Role.EDITOR.allows(Role.VIEWER)
    assert not Role.EDITOR.allows(Role.ADMIN)
    assert not Role.VIEWER.allows(Role.EDITOR)
    assert [r.value for r in Role] == ["viewer", "editor", "admin"]


def test_an_unknown_role_or_an_empty_name_is_refused(tokens: TokenStore) -> None:
    with pytest.raises(TokenError, match="choose one of viewer, editor, admin"):
        tokens.create("someone", "superuser")
    with pytest.raises(TokenError, match="name"):
        tokens.create("   ", Role.VIEWER)
    assert tokens.list() == []


def test_only_the_hash_of_a_secret_is_stored(tokens: TokenStore) -> None:
    _, secret = tokens.create("ci pipeline", Role.ADMIN)
    (row,) = stored_rows(tokens)
    assert row["token_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    random_part = secret.removeprefix("mlc_")
    for value in row.values():
        assert random_part not in str(value)
    assert row["prefix"] == random_part[:8]


def test_list_shows_tokens_without_their_secrets(tokens: TokenStore, clock: FakeClock) -> None:
    viewer, viewer_secret = tokens.create("dashboard", Role.VIEWER)
    clock.advance(1)
    admin, admin_secret = tokens.create("ops", Role.ADMIN)
    tokens.revoke(viewer.token_id)
    infos = tokens.list()
    assert [(i.id, i.name, i.role, i.active) for i in infos] == [
        (viewer.token_id, "dashboard", Role.VIEWER, False),
        (admin.token_id, "ops", Role.ADMIN, True),
    ]
    assert infos[0].created_at == datetime.fromtimestamp(START, UTC)
    text = repr(infos)
    for secret in (viewer_secret, admin_secret):
        assert secret.removeprefix("mlc_") not in text
        assert hashlib.sha256(secret.encode()).hexdigest() not in text
    assert [i.id for i in tokens.list(include_revoked=False)] == [admin.token_id]


def test_last_used_at_is_written_at_most_once_a_minute(
    tokens: TokenStore, clock: FakeClock
) -> None:
    _, secret = tokens.create("busy client", Role.VIEWER)
    assert tokens.list()[0].last_used_at is None
    log = StatementLog(tokens.engine)

    tokens.authenticate(secret)
    first_use = datetime.fromtimestamp(clock.now, UTC)
    assert tokens.list()[0].last_used_at == first_use
    for _ in range(5):  # every call past the cache window reads, none writes
        clock.advance(CACHE_SECONDS + 1)
        assert tokens.authenticate(secret) is not None
    assert log.count("UPDATE") == 1
    assert tokens.list()[0].last_used_at == first_use

    clock.advance(60)
    assert tokens.authenticate(secret) is not None
    assert log.count("UPDATE") == 2
    assert tokens.list()[0].last_used_at == datetime.fromtimestamp(clock.now, UTC)


def test_the_local_admin_is_an_admin_no_secret_can_impersonate(tokens: TokenStore) -> None:
    local = tokens.local_admin()
    assert local == Principal("local", "local admin", Role.ADMIN)
    assert tokens.authenticate("local") is None
    assert tokens.revoke("local") is False


def test_a_failed_last_use_write_does_not_fail_the_request(
    tokens: TokenStore, caplog: pytest.LogCaptureFixture
) -> None:
    principal, secret = tokens.create("busy client", Role.VIEWER)

    def locked(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE"):  # what SQLAlchemy raises when busy
            raise sa.exc.OperationalError(statement, {}, Exception("database is locked"))

    sa.event.listen(tokens.engine, "before_cursor_execute", locked)
    assert tokens.authenticate(secret) == principal
    assert "could not record the last use" in caplog.text
    assert tokens.list()[0].last_used_at is None
