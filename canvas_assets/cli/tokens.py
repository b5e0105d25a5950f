"""`mlcanvas token create, list, revoke`: the API tokens."""

from __future__ import annotations

import argparse
import sys

from canvas_assets.cli.formatting import table, when
from canvas_assets.services import CanvasServices
from canvas_assets.storage.tokens import Role


def add_token_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    token = sub.add_parser("token", help="API tokens: create, list, revoke")
    actions = token.add_subparsers(required=True, metavar="ACTION")
    create = actions.add_parser("create", help="a new token; its secret is printed once")
    create.add_argument("--name", required=True, help="who or what uses the token")
    create.add_argument(
        "--role",
        choices=[r.value for r in Role],
        default=Role.VIEWER.value,
        help="viewer reads, editor also edits and runs, admin also manages tokens",
    )
    create.set_defaults(handler=_token_create)
    actions.add_parser("list", help="tokens (never their secrets)").set_defaults(
        handler=_token_list
    )
    revoke = actions.add_parser("revoke", help="revoke a token by id or prefix")
    revoke.add_argument("token", help="id or prefix (mlc_XXXXXXXX) from `mlcanvas token list`")
    revoke.set_defaults(handler=_token_revoke)


def _token_create(args: argparse.Namespace) -> int:
    principal, secret = CanvasServices.from_env().tokens.create(args.name, args.role)
    print(secret)  # alone on stdout: TOKEN=$(mlcanvas token create ...)
    print(
        f"created token {principal.token_id} for {principal.name!r} ({principal.role.value});"
        " the secret above is shown only once",
        file=sys.stderr,
    )
    return 0


def _token_list(args: argparse.Namespace) -> int:
    rows = [
        [
            t.display,
            t.name,
            t.role.value,
            when(t.created_at),
            when(t.last_used_at),
            "active" if t.active else f"revoked {when(t.revoked_at)}",
            t.id,
        ]
        for t in CanvasServices.from_env().tokens.list()
    ]
    print(table(rows, ["token", "name", "role", "created", "last used", "status", "id"]))
    return 0


def _token_revoke(args: argparse.Namespace) -> int:
    if not CanvasServices.from_env().tokens.revoke(args.token):
        print(
            f"error: no active token with id or prefix {args.token!r}; see `mlcanvas token list`",
            file=sys.stderr,
        )
        return 1
    print(f"revoked {args.token}; running API servers refuse it within 5 seconds")
    return 0
