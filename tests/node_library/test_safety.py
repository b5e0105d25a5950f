"""Path confinement and outbound-request guards (node_library.safety)."""

from __future__ import annotations

import ipaddress
import os
import socket
from pathlib import Path

import pytest

from node_library.safety.network import (
    MAX_REDIRECTS,
    BlockedAddressError,
    RequestRefusedError,
    blocked_reason,
    check_url,
    check_url_literal,
    is_allowlisted,
    safe_request,
)
from node_library.safety.paths import (
    DataFileNotFoundError,
    NotAFileError,
    UnsafePathError,
    file_sha256,
    resolve_data_path,
)
from node_library.settings import NodeSettings
from tests.services import LocalHttpServer, RecordedRequest, Reply, settings_for

# -- paths ------------------------------------------------------------------------------------


@pytest.fixture
def root(data_root: Path) -> Path:
    (data_root / "sales").mkdir()
    (data_root / "sales" / "2026.csv").write_text("a\n1\n")
    (data_root / "sales..final.csv").write_text("a\n1\n")
    return data_root


def test_a_relative_path_resolves_to_the_file_inside_the_root(root: Path) -> None:
    resolved = resolve_data_path("sales/2026.csv", settings_for(root))
    assert resolved == (root / "sales" / "2026.csv").resolve()


def test_a_file_name_containing_two_dots_is_accepted(root: Path) -> None:
    assert resolve_data_path("sales..final.csv", settings_for(root)).name == "sales..final.csv"


@pytest.mark.parametrize("path", ["../x.csv", "sales/../../x.csv", "..", "sales/.."])
def test_parent_segments_are_refused_naming_the_path_and_roots(root: Path, path: str) -> None:
    with pytest.raises(UnsafePathError) as caught:
        resolve_data_path(path, settings_for(root))
    assert repr(path) in str(caught.value)
    assert str(root.resolve()) in str(caught.value)
    assert "'..'" in str(caught.value)


@pytest.mark.parametrize("path", ["/etc/passwd", "C:/Windows/win.ini", "~/secrets.csv"])
def test_absolute_and_home_paths_are_refused(root: Path, path: str) -> None:
    with pytest.raises(UnsafePathError):
        resolve_data_path(path, settings_for(root))


@pytest.mark.parametrize(
    "path", ["%2e%2e/x.csv", "%2E%2E%2Fx.csv", "sales/%2e%2e/%2e%2e/x", "%2fetc%2fpasswd"]
)
def test_percent_encoded_escapes_are_refused(root: Path, path: str) -> None:
    with pytest.raises(UnsafePathError) as caught:
        resolve_data_path(path, settings_for(root))
    assert "percent-escapes" in str(caught.value)


@pytest.mark.parametrize("path", ["a\x00.csv", "..\\x.csv", "sales\\2026.csv", "a\n.csv", " "])
def test_nul_bytes_control_characters_backslashes_and_blanks_are_refused(
    root: Path, path: str
) -> None:
    with pytest.raises(UnsafePathError):
        resolve_data_path(path, settings_for(root))


def test_a_symlink_that_escapes_the_root_is_refused(root: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.csv"
    outside.write_text("secret\n1\n")
    (root / "link.csv").symlink_to(outside)
    (root / "linked_dir").symlink_to(tmp_path)
    for path in ("link.csv", "linked_dir/outside.csv"):
        with pytest.raises(UnsafePathError) as caught:
            resolve_data_path(path, settings_for(root))
        assert "symbolic link" in str(caught.value)


def test_a_dangling_symlink_pointing_outside_is_refused_not_reported_missing(
    root: Path, tmp_path: Path
) -> None:
    (root / "dangling.csv").symlink_to(tmp_path / "not-there.csv")
    with pytest.raises(UnsafePathError):
        resolve_data_path("dangling.csv", settings_for(root))


def test_a_symlink_that_stays_inside_the_root_is_followed(root: Path) -> None:
    (root / "latest.csv").symlink_to(root / "sales" / "2026.csv")
    assert resolve_data_path("latest.csv", settings_for(root)).name == "2026.csv"


def test_a_missing_file_suggests_similar_names_from_its_folder(root: Path) -> None:
    with pytest.raises(DataFileNotFoundError) as caught:
        resolve_data_path("sales/2062.csv", settings_for(root))
    assert caught.value.suggestions == ("sales/2026.csv",)
    issue = caught.value.to_issue()
    assert issue.code == "file_not_found" and issue.param == "path"
    assert "sales/2026.csv" in issue.hint


def test_a_folder_is_not_a_file(root: Path) -> None:
    with pytest.raises(NotAFileError):
        resolve_data_path("sales", settings_for(root))


def test_every_configured_root_is_searched(root: Path, tmp_path: Path) -> None:
    second = tmp_path / "second"
    second.mkdir()
    (second / "only-here.csv").write_text("a\n")
    settings = NodeSettings(data_roots=(root, second))
    assert resolve_data_path("only-here.csv", settings) == (second / "only-here.csv").resolve()


def test_file_hash_is_cached_and_follows_content_changes(root: Path) -> None:
    path = root / "sales" / "2026.csv"
    first = file_sha256(path)
    assert file_sha256(path) == first
    path.write_text("a\n2\n")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    assert file_sha256(path) != first


# -- network policy ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "0.0.0.0",
        "224.0.0.1",
        "100.64.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "2002:7f00:1::1",
        "64:ff9b::a00:1",
    ],
)
def test_internal_addresses_are_blocked(address: str) -> None:
    assert blocked_reason(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize(
    "address", ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"]
)
def test_public_addresses_pass(address: str) -> None:
    assert blocked_reason(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize(
    "url",
    [
        "http://0x7f000001/",
        "http://2130706433/",
        "http://127.1/",
        "http://0x7f.1/",
        "http://[::ffff:127.0.0.1]/",
        "http://localhost/",
    ],
)
def test_numeric_and_named_spellings_of_loopback_are_refused(url: str) -> None:
    with pytest.raises(BlockedAddressError) as caught:
        check_url(url, NodeSettings())
    assert "loopback" in str(caught.value)
    with pytest.raises(BlockedAddressError):
        check_url_literal(url, NodeSettings())


def test_an_octal_dotted_address_is_refused_as_an_invalid_url() -> None:
    with pytest.raises(BlockedAddressError) as caught:
        check_url_literal("http://0177.0.0.1/", NodeSettings())
    assert caught.value.code == "invalid_url"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.com/x.csv",
        "gopher://127.0.0.1/",
        "javascript:alert(1)",
        "//host/x",
    ],
)
def test_only_http_and_https_urls_are_allowed(url: str) -> None:
    with pytest.raises(BlockedAddressError) as caught:
        check_url_literal(url, NodeSettings())
    assert caught.value.code == "url_scheme_not_allowed"


def test_allowlist_entries_match_hosts_suffixes_and_cidrs() -> None:
    allow = ("127.0.0.1", "10.1.0.0/16", "api.internal", ".corp.example")
    loopback = ipaddress.ip_address("127.0.0.1")
    assert is_allowlisted("whatever", loopback, allow)
    assert is_allowlisted("x", ipaddress.ip_address("::ffff:127.0.0.1"), allow)
    assert is_allowlisted("x", ipaddress.ip_address("10.1.2.3"), allow)
    assert not is_allowlisted("x", ipaddress.ip_address("10.2.0.1"), allow)
    assert is_allowlisted("API.internal.", ipaddress.ip_address("10.9.9.9"), allow)
    assert is_allowlisted("db.corp.example", ipaddress.ip_address("10.9.9.9"), allow)
    assert not is_allowlisted("corp.example.evil.com", ipaddress.ip_address("10.9.9.9"), allow)


def test_an_allowlisted_address_passes_the_check() -> None:
    target = check_url("http://127.0.0.1:8080/x", NodeSettings(net_allowlist=("127.0.0.0/8",)))
    assert target.connect_ip == "127.0.0.1"


# -- requests ---------------------------------------------------------------------------------

LOCAL = NodeSettings(net_allowlist=("127.0.0.1",), http_timeout_s=5)


def test_a_request_to_a_loopback_server_is_refused_unless_allowlisted(
    local_http_server: LocalHttpServer,
) -> None:
    url = local_http_server.route("/ok", json={"ok": True})
    with pytest.raises(BlockedAddressError):
        safe_request("GET", url, NodeSettings())
    assert not local_http_server.requests
    assert safe_request("GET", url, LOCAL).content == b'{"ok": true}'


@pytest.mark.parametrize(
    "target",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "http://[::1]/",
        "file:///etc/passwd",
    ],
)
def test_a_redirect_to_a_refused_address_is_not_followed(
    local_http_server: LocalHttpServer, target: str
) -> None:
    url = local_http_server.route("/hop", handler=lambda _r: Reply.redirect(target))
    settings = NodeSettings(net_allowlist=("127.0.0.1/32",), http_timeout_s=5)
    with pytest.raises(BlockedAddressError) as caught:
        safe_request("GET", url, settings)
    assert "redirected to a refused address" in str(caught.value)
    assert len(local_http_server.requests) == 1


def test_redirects_are_followed_within_the_limit_and_then_refused(
    local_http_server: LocalHttpServer,
) -> None:
    def hop(request: RecordedRequest) -> Reply:
        n = int(request.query.get("n", "0"))
        if n >= int(request.query.get("stop", "99")):
            return Reply.json({"hops": n})
        return Reply.redirect(f"/hop?n={n + 1}&stop={request.query.get('stop', '99')}")

    local_http_server.route("/hop", handler=hop)
    result = safe_request("GET", local_http_server.url(f"/hop?stop={MAX_REDIRECTS}"), LOCAL)
    assert result.content == b'{"hops": 5}' and len(result.redirects) == MAX_REDIRECTS
    with pytest.raises(RequestRefusedError) as caught:
        safe_request("GET", local_http_server.url("/hop"), LOCAL)
    assert caught.value.code == "too_many_redirects"


def test_a_response_larger_than_the_limit_is_refused(local_http_server: LocalHttpServer) -> None:
    url = local_http_server.route("/big", json={"blob": "x" * 5000})
    with pytest.raises(RequestRefusedError) as caught:
        safe_request("GET", url, LOCAL, max_bytes=1000)
    assert caught.value.code == "response_too_large"


def test_the_request_goes_to_the_checked_address_not_a_second_lookup(
    local_http_server: LocalHttpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """'rebind.test' resolves (once, through our check) to 127.0.0.1; httpx could not resolve it
    by itself, so a successful answer proves the connection used the checked address."""
    real = socket.getaddrinfo

    def fake(host: str, *args: object, **kwargs: object) -> list:
        return real("127.0.0.1" if host == "rebind.test" else host, *args, **kwargs)

    monkeypatch.setattr("node_library.safety.network.socket.getaddrinfo", fake)
    local_http_server.route("/who", handler=lambda r: Reply.json({"host": r.headers["host"]}))
    url = f"http://rebind.test:{local_http_server.port}/who"
    result = safe_request("GET", url, NodeSettings(net_allowlist=("127.0.0.0/8",)))
    assert result.content == f'{{"host": "rebind.test:{local_http_server.port}"}}'.encode()
