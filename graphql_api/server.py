"""Run the API under uvicorn: `python -m graphql_api.server [--host H] [--port P]`.

`mlcanvas up` starts it next to the Dagster webserver and daemon. The local admin sign-in of the
embedded default is on only while the server is bound to a loopback address and
CANVAS_LOCAL_ADMIN is not "0"; the server says so when it starts. The Host names it answers to
are the loopback names, the address it is bound to (unless a wildcard such as 0.0.0.0) and
CANVAS_ALLOWED_HOSTS (see exposure.py); a bad CANVAS_ALLOWED_ORIGINS or CANVAS_RATE_LIMIT stops it
at start with the reason.
"""

from __future__ import annotations

import argparse
import gc
import ipaddress
import logging
import os
import socket

import uvicorn

from canvas_assets import CanvasServices
from graphql_api.app import create_app
from graphql_api.exposure import HOSTS_SETTING, Exposure
from graphql_api.extensions import Limits
from graphql_api.rate_limit import RateLimiter


def is_loopback(host: str) -> bool:
    try:
        infos = socket.getaddrinfo(host, None)
    except socket.gaierror:
        return False
    return all(ipaddress.ip_address(info[4][0]).is_loopback for info in infos)


def warm_up(services: CanvasServices) -> None:
    """Load what the first requests would (node registry, Dagster instance, the store), then
    freeze the heap: the long-lived objects of dagster, pandas and scikit-learn are moved out
    of the collector's reach, so full collections stop pausing requests for ~200 ms (measured
    by bench/bench_api.py: p95 of a 500-node query fell from ~150 ms to ~50 ms)."""
    _ = services.registry, services.instance, services.store.list(limit=1)
    gc.collect()
    gc.freeze()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="graphql_api.server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")

    local_admin = is_loopback(args.host) and os.environ.get("CANVAS_LOCAL_ADMIN", "1") != "0"
    limits = Limits(introspection=os.environ.get("CANVAS_INTROSPECTION", "1") != "0")
    try:
        exposure = Exposure.from_env(bound_host=args.host)
        rate_limiter = RateLimiter.from_env()
    except ValueError as exc:
        parser.exit(2, f"graphql_api.server: {exc}\n")
    services = CanvasServices.from_env()
    app = create_app(
        services,
        limits=limits,
        local_admin=local_admin,
        exposure=exposure,
        rate_limiter=rate_limiter,
    )
    warm_up(services)
    if local_admin:
        print(
            f"API: requests without a token are signed in as the local admin, because the server"
            f" is bound to loopback ({args.host}); set CANVAS_LOCAL_ADMIN=0 to require tokens",
            flush=True,
        )
    else:
        print("API: every request needs a token (mlcanvas token create --role ...)", flush=True)
    print(
        f"API: answers to the host names {', '.join(exposure.hosts)} (more with {HOSTS_SETTING})",
        flush=True,
    )
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
