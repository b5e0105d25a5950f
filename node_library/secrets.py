"""Secrets: named server-side values that params refer to by name, finding literal secrets in
params, and masking secrets in every text a user or log may see.

Named secrets: the server sets `CANVAS_SECRET_<NAME>=value` (NodeSettings.secrets, read like the
named connections); a param holds only the name (like Dagster's EnvVar or n8n credentials), and a
node resolves the value inside `execute` with `resolve_secret`. Params that hold secret names are
marked with `json_schema_extra=SECRET_NAME_HINT`; `secret_name_fields` lists them for a Params
model. Names are case-insensitive: letters, digits and `_`, starting with a letter.

Finding literal secrets (`find_secrets`, the one check validation runs over every node's params):
- a value under a credential-like key (Authorization, Cookie, X-Api-Key, *token*, *secret*,
  *password*, api_key, access_key, private_key, signature, sig, ...). Keys that name something
  else (token_count, password_column, secret_name, ...: see _NAMING_WORDS) and the keys of column
  maps (their keys are column names) are not credentials;
- a value under a weaker key (a bare "key", "auth", "code", "session") only when it looks random
  (long, no spaces, mixed letters and digits, high entropy);
- anywhere: values shaped like a credential (`Bearer xxx`, AWS key ids AKIA..., GitHub tokens
  ghp_/github_pat_, sk-... API keys, Slack xox?-, Google AIza..., JWTs, PEM private keys), URLs with
  a password in their userinfo, and URLs whose query carries a credential-like parameter.
A finding names where and what kind of secret, never the value.

Masking: `mask_secrets(text)` replaces in free text every secret value this process has seen
(registered by NodeSettings.from_env and resolve_secret), URL passwords and credential-like query
values (`redact_url`), `Bearer`/`Basic` credentials, `key=value` pairs with credential-like keys and
the credential shapes above, with MASK. Issues (contract.Issue), run logs, reports and exports go
through it. Masking is generous (hiding a harmless value costs little); refusing is strict (a false
refusal blocks a user), so the two use different rules on purpose.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import lru_cache
from itertools import pairwise
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pydantic import BaseModel

if TYPE_CHECKING:  # runtime imports would cycle: contract -> secrets -> graph -> contract
    from node_library.graph import Workflow
    from node_library.registry import NodeRegistry
    from node_library.settings import NodeSettings

MASK = "***"
SECRET_ENV_PREFIX = "CANVAS_SECRET_"  # noqa: S105 (a variable name prefix, not a secret)
# json_schema_extra of a param that holds secret names (a str, or a dict whose values are names)
SECRET_NAME_HINT: dict[str, Any] = {"x-secret-name": True}
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
_MIN_MASKED_VALUE = 4  # shorter remembered values would mask ordinary words

# -- key classification ----------------------------------------------------------------------

_STRONG_WORDS = frozenset(
    {
        "token",
        "secret",
        "password",
        "passwd",
        "pwd",
        "passphrase",
        "apikey",
        "credential",
        "credentials",
        "cookie",
        "authorization",
        "signature",
        "sig",
        "bearer",
    }
)
_STRONG_PAIRS = frozenset({("api", "key"), ("access", "key"), ("private", "key")})
_WEAK_WORDS = frozenset({"key", "auth", "code", "session", "sid"})
# a key with one of these words names or counts something rather than holding a credential
_NAMING_WORDS = frozenset(
    {
        "count",
        "counts",
        "column",
        "columns",
        "col",
        "cols",
        "name",
        "names",
        "field",
        "fields",
        "pattern",
        "path",
        "param",
        "params",
        "type",
        "kind",
        "length",
        "len",
        "limit",
        "max",
        "min",
        "size",
        "env",
        "header",
        "file",
        "url",
        "expires",
        "expiry",
        "ttl",
    }
)
_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def _words(key: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(key)]


def credential_strength(key: str) -> int:
    """2 when any value under `key` is a credential, 1 when only a random-looking one is, else 0."""
    words = _words(key)
    if not words or _NAMING_WORDS.intersection(words):
        return 0
    if _STRONG_WORDS.intersection(words) or _STRONG_PAIRS.intersection(pairwise(words)):
        return 2
    return 1 if _WEAK_WORDS.intersection(words) else 0


# -- value shapes ----------------------------------------------------------------------------

_SHAPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("a private key", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")),
    ("an AWS access key id", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("a GitHub token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_\w{22,})")),
    ("an API key (sk-...)", re.compile(r"\bsk-[A-Za-z0-9_-]{20,}")),
    ("a Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("a Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    ("a JSON web token", re.compile(r"\beyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{10,}")),
)
# a whole value that is an Authorization header's credential
# (a digit or symbol in the credential, so that "Token frequencies" is a title, not a token)
_AUTH_VALUE = re.compile(
    r"^\s*(?:Bearer|Basic|Token)\s+(?=\S*[\d+/=_.~-])[A-Za-z0-9._~+/=-]{8,}\s*$", re.IGNORECASE
)
_AUTH_IN_TEXT = re.compile(
    r"\b(Bearer|Basic|Token)\s+(?=\S*[\d+/=_.~-])[A-Za-z0-9._~+/=-]{8,}", re.IGNORECASE
)
_URL_IN_TEXT = re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s'\"<>`]+", re.IGNORECASE)
_URL_START = re.compile(r"^\s*[a-z][a-z0-9+.-]*://", re.IGNORECASE)
# key=value (query strings, command lines) and "key": "value" (JSON echoed in an error)
_PAIR_IN_TEXT = re.compile(r"([\w-]+)(\s*=\s*)(\"[^\"]*\"|'[^']*'|[^\s&,;'\"]+)")
_JSON_PAIR_IN_TEXT = re.compile(r"(\"[\w-]+\")(\s*:\s*)(\"[^\"]*\")")
_TOKEN_CHARS = re.compile(r"[A-Za-z0-9_+=-]{16,}")


def _looks_random(value: str) -> bool:
    """Long, unspaced, mixing letters and digits, and close to random: an API key, not a word."""
    if not _TOKEN_CHARS.fullmatch(value):  # no '/' or '.': paths and file names are not keys
        return False
    if not (any(c.isalpha() for c in value) and any(c.isdigit() for c in value)):
        return False
    counts = Counter(value)
    entropy = -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())
    return entropy >= 3.5


def _shape_of(value: str) -> str | None:
    if _AUTH_VALUE.match(value):
        return "an Authorization credential"
    return next((kind for kind, pattern in _SHAPES if pattern.search(value)), None)


# -- finding literal secrets in params -------------------------------------------------------


class SecretFinding(NamedTuple):
    """A literal secret in params: `path` is the dotted param path, `what` says what it is."""

    path: str
    what: str


def secret_name_fields(model: type[BaseModel]) -> frozenset[str]:
    """The fields of a Params model that hold secret names (marked with SECRET_NAME_HINT)."""
    return frozenset(
        name
        for name, info in model.model_fields.items()
        if isinstance(info.json_schema_extra, dict)
        and info.json_schema_extra.get("x-secret-name") is True
    )


def key_map_fields(model: type[BaseModel]) -> frozenset[str]:
    """The fields of a Params model whose dict keys are column names, never credentials."""
    return frozenset(
        name
        for name, info in model.model_fields.items()
        if isinstance(info.json_schema_extra, dict)
        and info.json_schema_extra.get("x-widget") == "column_map"
    )


def find_secrets(
    params: Mapping[str, Any],
    name_fields: frozenset[str] = frozenset(),
    column_maps: frozenset[str] = frozenset(),
) -> list[SecretFinding]:
    """Literal secrets in a node's raw params (see the module docstring); values never included."""
    found: list[SecretFinding] = []
    for key, value in params.items():
        if key in name_fields:
            _walk_names(value, key, found)
        else:
            _walk(value, key, str(key), found, keys_are_columns=key in column_maps)
    return found


def _walk_names(value: Any, path: str, found: list[SecretFinding]) -> None:
    """Secret names: only a value shaped like a credential is a mistake (a value for a name)."""
    if isinstance(value, str):
        if _shape_of(value) or (_looks_random(value) and not _NAME.match(value)):
            found.append(SecretFinding(path, "a secret value where a secret name belongs"))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _walk_names(item, f"{path}.{key}", found)


def _walk(
    value: Any,
    key: str,
    path: str,
    found: list[SecretFinding],
    keys_are_columns: bool = False,
    nested: bool = False,
) -> None:
    if isinstance(value, Mapping):
        for sub, item in value.items():
            # a column map's keys are column names: judge its values by their shape only
            sub_key = "" if keys_are_columns else str(sub)
            _walk(item, sub_key, f"{path}.{sub}", found, nested=True)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _walk(item, key, f"{path}.{index}", found, nested=nested)
    elif isinstance(value, str) and value.strip():
        what = _literal_secret(key, value, nested)
        if what:
            found.append(SecretFinding(path, what))


# Pure, and every validation asks again about the same params: the cache halves the cost of
# validating a 500-node workflow (bench/bench_validation.py: p50 40 -> 17 ms).
@lru_cache(maxsize=16_384)
def _literal_secret(key: str, value: str, nested: bool) -> str | None:
    strength = credential_strength(key) if key else 0
    if strength == 1 and not nested:
        strength = 0  # a node's own "key" param is an object key (S3), not an API key
    if strength == 2:
        return f"a literal value for {key!r}"
    shape = _shape_of(value)
    if shape:
        return shape
    if strength == 1 and _looks_random(value):
        return f"a random-looking literal value for {key!r}"
    if _URL_START.match(value):
        return _url_secret(value)
    return None


def _url_secret(url: str) -> str | None:
    try:
        parts = urlsplit(url.strip())
        password = parts.password
        query = parse_qsl(parts.query, keep_blank_values=True)
    except ValueError:
        return None
    if password:
        return "a password in the URL"
    for name, value in query:
        strength = credential_strength(name)
        if value and (strength == 2 or (strength == 1 and _looks_random(value))):
            return f"a credential in the URL's query parameter {name!r}"
    return None


def introduced_secrets(
    params: Mapping[str, Any],
    before: Mapping[str, Any] | None,
    name_fields: frozenset[str] = frozenset(),
    column_maps: frozenset[str] = frozenset(),
) -> list[SecretFinding]:
    """The findings in `params` that `before` (the same node's earlier params) did not have with
    the same value: an edit is refused for a secret it brings, not for one it inherited."""
    found = find_secrets(params, name_fields, column_maps)
    if not before:
        return found
    return [f for f in found if _at(params, f.path) != _at(before, f.path)]


def _at(params: Any, path: str) -> Any:
    for part in path.split("."):
        if isinstance(params, Mapping):
            params = params.get(part)
        elif isinstance(params, list) and part.isdigit() and int(part) < len(params):
            params = params[int(part)]
        else:
            return None
    return params


def redact_params(
    params: Mapping[str, Any],
    name_fields: frozenset[str] = frozenset(),
    column_maps: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """`params` with every value `find_secrets` reports replaced by MASK (exports): exactly what
    validation refuses is hidden, and secret names stay, so an export imports back."""
    findings = find_secrets(params, name_fields, column_maps)
    if not findings:
        return dict(params)
    masked: dict[str, Any] = _copy(params)
    for finding in findings:
        _replace(masked, finding.path.split("."))
    return masked


def _copy(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _replace(container: Any, path: list[str]) -> None:
    for part in path[:-1]:
        container = container[int(part)] if isinstance(container, list) else container[part]
    last = path[-1]
    if isinstance(container, list):
        container[int(last)] = MASK
    else:
        container[last] = redact_url(container[last]) if _url_secret(container[last]) else MASK


def redact_workflow(workflow: Workflow, registry: NodeRegistry) -> Workflow:
    """The workflow with literal secrets in its nodes' params masked (for exports)."""
    nodes = []
    for node in workflow.nodes:
        node_type = registry.get(node.type)
        names = secret_name_fields(node_type.Params) if node_type else frozenset()
        maps = key_map_fields(node_type.Params) if node_type else frozenset()
        params = redact_params(node.params, names, maps)
        nodes.append(node if params == node.params else node.model_copy(update={"params": params}))
    return workflow.model_copy(update={"nodes": nodes})


def mask_params(params: Mapping[str, Any], nested: bool = False) -> dict[str, Any]:
    """`params` with everything credential-like replaced by MASK, generously (reports): values
    under credential-like keys (inside dicts also a bare "key", "sig" or "code"), URL passwords
    and credential-like query values, and credential shapes in any text."""
    masked: dict[str, Any] = {}
    for key, value in params.items():
        name = str(key)
        strength = credential_strength(name)
        secret = strength == 2 or (nested and strength == 1)
        masked[name] = MASK if secret and value not in (None, "") else _masked(value)
    return masked


def _masked(value: Any) -> Any:
    if isinstance(value, Mapping):
        return mask_params(value, nested=True)
    if isinstance(value, list):
        return [_masked(v) for v in value]
    if isinstance(value, str):
        return mask_secrets(value)
    return value


# -- masking text ----------------------------------------------------------------------------

_known_values: set[str] = set()
_known_lock = threading.Lock()
_known_pattern: re.Pattern[str] | None = None


def remember_secret_values(values: Iterable[str]) -> None:
    """Values `mask_secrets` hides from now on in this process (the server's secrets)."""
    global _known_pattern
    fresh = {v for v in values if len(v) >= _MIN_MASKED_VALUE} - _known_values
    if not fresh:
        return
    with _known_lock:
        _known_values.update(fresh)
        # longest first, so a secret that contains another is masked whole
        ordered = sorted(_known_values, key=len, reverse=True)
        _known_pattern = re.compile("|".join(re.escape(v) for v in ordered))


def redact_url(url: str) -> str:
    """`url` with its password and credential-like query values replaced by MASK:
    https://user:pass@host/x?api_key=k&page=2 -> https://user:***@host/x?api_key=***&page=2."""
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        if parts.password is not None:
            netloc = f"{parts.username or ''}:{MASK}@{netloc.rpartition('@')[2]}"
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        query = [(k, MASK if v and credential_strength(k) else v) for k, v in pairs]
        if query == pairs and netloc == parts.netloc:
            return url  # nothing to hide: keep the URL exactly as written
        encoded = urlencode(query, safe="*") if query != pairs else parts.query
        return urlunsplit(parts._replace(netloc=netloc, query=encoded))
    except ValueError:
        return MASK  # not parseable: better hidden than leaked


def mask_secrets(text: str) -> str:
    """`text` with every secret it shows replaced by MASK (see the module docstring)."""
    if not text:
        return text
    pattern = _known_pattern
    if pattern is not None:
        text = pattern.sub(MASK, text)
    if "://" in text:
        text = _URL_IN_TEXT.sub(lambda m: redact_url(m.group(0)), text)
    text = _AUTH_IN_TEXT.sub(lambda m: f"{m.group(1)} {MASK}", text)
    if "=" in text:
        text = _PAIR_IN_TEXT.sub(_mask_pair, text)
    if '":' in text:
        text = _JSON_PAIR_IN_TEXT.sub(_mask_pair, text)
    for _, shape in _SHAPES:
        text = shape.sub(MASK, text)
    return text


def _mask_pair(match: re.Match[str]) -> str:
    key, sep, value = match.groups()
    if value.strip("\"'") in ("", MASK) or credential_strength(key.strip('"')) != 2:
        return match.group(0)
    quote = '"' if value.startswith('"') else ""
    return f"{key}{sep}{quote}{MASK}{quote}"


# -- named secrets ---------------------------------------------------------------------------


def secret_env_name(name: str) -> str:
    """The environment variable that sets secret `name`."""
    return SECRET_ENV_PREFIX + name.upper()


def secret_name_problem(name: str) -> str | None:
    """Why `name` cannot name a secret, or None."""
    if not _NAME.match(name):
        return (
            f"{name!r} is not a secret name: use letters, digits and '_' (up to 64), starting "
            "with a letter"
        )
    return None


class MissingSecretError(LookupError):
    """A secret name with no value on this server; the message names the setting to add."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.hint = (
            f"set the environment variable {secret_env_name(name)} on the server (API, engine "
            "and workers) and restart it, or reference a secret that exists"
        )
        super().__init__(f"the secret {name!r} is not set on this server")


def has_secret(settings: NodeSettings, name: str) -> bool:
    return name.lower() in settings.secrets


def resolve_secret(settings: NodeSettings, name: str) -> str:
    """The value of secret `name`; call it inside `execute` only, never store what it returns."""
    found = settings.secrets.get(name.lower())
    if found is None:
        raise MissingSecretError(name)
    value = found.get_secret_value()
    remember_secret_values([value])
    return value
