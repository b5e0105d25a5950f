"""Guards between user-supplied locations and the machine: file paths confined to the configured
data roots (`paths`), outbound HTTP limited to public addresses unless allowlisted (`network`), and
SQL sources limited to one read-only SELECT (`sql`) on a connection whose role and target are safe
(`sql_connections`); import those two directly.

Both raise specific `ValueError` subclasses whose messages say what was refused and why; node
`validate` methods turn them into Issues on the param that held the location.
"""

from node_library.safety.network import (
    BlockedAddressError,
    CheckedTarget,
    HttpResult,
    RequestRefusedError,
    check_url,
    check_url_literal,
    safe_request,
)
from node_library.safety.paths import (
    DataFileNotFoundError,
    DataPathError,
    NotAFileError,
    UnsafePathError,
    data_path_issues,
    file_sha256,
    resolve_data_path,
)

__all__ = [
    "BlockedAddressError",
    "CheckedTarget",
    "DataFileNotFoundError",
    "DataPathError",
    "HttpResult",
    "NotAFileError",
    "RequestRefusedError",
    "UnsafePathError",
    "check_url",
    "check_url_literal",
    "data_path_issues",
    "file_sha256",
    "resolve_data_path",
    "safe_request",
]
