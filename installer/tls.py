"""The certificates torch-setup's own HTTPS (the mirror probe, downloads, `matrix update`) trusts.

httpx trusts certifi's bundle alone unless SSL_CERT_FILE or SSL_CERT_DIR is set. Behind a company's or a
campus's TLS-inspecting proxy, whose root is installed in the system's store (update-ca-certificates),
that failed every mirror with "TLS certificate check failed" while pip (24.2+, the system's store), curl
and the install itself (uv with UV_SYSTEM_CERTS: installer.plan.kinds.pip) got through. Found as a normal
user on this work's machine, whose egress proxy is such a root.
"""

from __future__ import annotations

import ssl
from functools import lru_cache


@lru_cache(maxsize=1)
def ssl_context() -> ssl.SSLContext:
    """OpenSSL's default verify paths (the system's store, or SSL_CERT_FILE / SSL_CERT_DIR where set, as
    OpenSSL reads them) together with certifi's bundle, which a minimal container without ca-certificates
    still needs. One context for the process: loading the stores costs some 20 ms."""
    context = ssl.create_default_context()
    try:
        import certifi

        context.load_verify_locations(cafile=certifi.where())
    except (ImportError, OSError, ssl.SSLError):  # no bundle to add: the system's store alone
        pass
    return context
