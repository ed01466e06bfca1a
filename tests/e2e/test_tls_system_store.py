"""torch-setup's own HTTPS trusts the certificates OpenSSL trusts, not certifi's bundle alone.

Found as a normal user on this work's machine: its egress proxy's root is in the system's store, and the
mirror probe failed every HTTPS mirror with "TLS certificate check failed" (httpx reads certifi's bundle,
and the system's store only through SSL_CERT_FILE or SSL_CERT_DIR, which root's environment had set and
a normal user's had not), while pip, curl and the install itself got through.

Real parts: a CA and a server certificate made by the openssl command, HTTPS servers on 127.0.0.1 (the
loopback mirrors of the mirror tests, serving TLS), the download executor and `torch-setup mirrors` in a
subprocess. The system's store is stood in for by OpenSSL's
own variables, set the way that httpx alone does not read: SSL_CERT_FILE names certifi's bundle, which
httpx then takes as the whole truth, and SSL_CERT_DIR the folder with the test CA, which OpenSSL adds to
it (as it adds /etc/ssl/certs when neither is set)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import ssl
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit" / "mirrors"))
from mirror_servers import Mirror, Reply, torch_index, write_catalog  # noqa: E402

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")

REPO = Path(__file__).resolve().parents[2]
BODY = b"torch-setup tls test\n" * 100


def _openssl(*args: str, cwd: Path) -> str:
    return subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def pki(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("pki")
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
             "-subj", "/CN=torch-setup test CA", "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=d)
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
             "-subj", "/CN=127.0.0.1", cwd=d)
    (d / "ext.cnf").write_text("subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n")
    _openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
             "-out", "server.pem", "-days", "2", "-extfile", "ext.cnf", cwd=d)
    # the folder OpenSSL looks in, as /etc/ssl/certs is: files named by the subject's hash
    store = d / "store"
    store.mkdir()
    digest = _openssl("x509", "-noout", "-subject_hash", "-in", "ca.pem", cwd=d).strip()
    shutil.copy(d / "ca.pem", store / f"{digest}.0")
    return d


@pytest.fixture(scope="module")
def server_tls(pki) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pki / "server.pem", pki / "server.key")
    return context


@pytest.fixture(scope="module")
def https_url(server_tls):
    mirror = Mirror("tls", routes={"/file": Reply(200, BODY, "application/octet-stream")}, tls=server_tls).start()
    yield mirror.base
    mirror.stop()


def _env(pki: Path) -> dict[str, str]:
    import certifi

    env = {k: v for k, v in os.environ.items() if not k.startswith(("SSL_CERT", "HTTPS_PROXY", "https_proxy",
                                                                      "ALL_PROXY", "all_proxy"))}
    env.update(SSL_CERT_FILE=certifi.where(), SSL_CERT_DIR=str(pki / "store"), NO_PROXY="127.0.0.1",
               PYTHONPATH=str(REPO))
    return env


def _run(code: str, pki: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_env(pki), timeout=120)


def test_httpx_alone_would_not_trust_it(pki, https_url):
    # the premise: what the probe and the downloads did before
    r = _run(f"import httpx; httpx.get({https_url!r})", pki)
    assert r.returncode != 0 and "CERTIFICATE_VERIFY_FAILED" in r.stderr, r.stderr


def test_the_download_executor_trusts_what_openssl_trusts(pki, https_url, tmp_path):
    sha = hashlib.sha256(BODY).hexdigest()
    r = _run("from installer.executor.download import fetch\n"
             "from installer.plan.model import Download\n"
             f"print(fetch(Download(urls=({https_url + '/file'!r},), dest={str(tmp_path / 'file')!r}, "
             f"sha256={sha!r})))", pki)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "file").read_bytes() == BODY


def test_the_mirror_probe_trusts_what_openssl_trusts(pki, server_tls, tmp_path):
    mirror = torch_index(Mirror("tls", tls=server_tls).start())
    try:
        entry = {"id": "tls", "kind": "pytorch", "name": "tls", "url": f"{mirror.base}/whl", "region": "global",
                 "layout": "pep503", "upstream": True, "source": "loopback test server"}
        catalog = write_catalog(tmp_path / "c.yaml", {"pytorch": {"upstream_hosts": [mirror.netloc]}}, [entry])
        r = subprocess.run([sys.executable, "-m", "installer", "mirrors", "--json", "--catalog", str(catalog),
                            "--kind", "pytorch", "--variant", "cpu", "--torch", "2.13.0", "--timeout", "5"],
                           capture_output=True, text=True, env=_env(pki), timeout=120)
        assert r.returncode == 0, r.stderr
        (found,) = json.loads(r.stdout)["mirrors"]
        assert found["ok"] and found["fresh"] is True, found
        assert mirror.base.startswith("https://")

        # where no store holds its root, the reason says where a proxy's root goes
        untrusted = subprocess.run(r.args, capture_output=True, text=True, timeout=120,
                                   env={**_env(pki), "SSL_CERT_DIR": str(tmp_path)})
        (refused,) = json.loads(untrusted.stdout)["mirrors"]
        assert not refused["ok"] and refused["reason"].startswith("TLS certificate check failed for 127.0.0.1")
        assert "root certificate in the system's store (update-ca-certificates)" in refused["reason"]
    finally:
        mirror.stop()
