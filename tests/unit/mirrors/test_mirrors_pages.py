"""Reading what mirrors answer: index pages, portal pages, Release files."""

from __future__ import annotations

from datetime import datetime, timezone

from mirror_servers import PORTAL, index_html

from installer.mirrors import pages

BASE = "https://mirror.example.org/whl/cu126/torch/"


def _page(names, base=BASE, prefix="../"):
    return pages.read_index(index_html([f"{prefix}{n}#sha256=ab" for n in names]).decode(), base)


def test_pep503_page_lists_versions_and_variants():
    page = _page(["torch-2.13.0%2Bcu126-cp311-cp311-manylinux_2_28_x86_64.whl",
                  "torch-2.13.0%2Bcu126-cp311-cp311-manylinux_2_28_aarch64.whl",
                  "torch-2.12.0%2Bcu126-cp311-cp311-manylinux_2_28_x86_64.whl",
                  "torch-2.14.0.dev20260901%2Bcu126-cp311-cp311-manylinux_2_28_x86_64.whl"])
    assert pages.lists_torch(page, "cu126", "2.13.0")
    assert not pages.lists_torch(page, "cu128", "2.13.0")
    assert not pages.lists_torch(page, "cu126", "2.11.0")
    assert str(pages.newest_torch(page, "cu126")) == "2.13.0+cu126"  # the dev build does not count
    sample = pages.sample_file(page, "torch")
    assert sample is not None and sample.filename.endswith("x86_64.whl") and "2.13.0" in sample.filename
    assert sample.url.startswith("https://mirror.example.org/whl/cu126/torch-2.13.0")
    assert "#" not in sample.url
    assert page.hosts() == {"mirror.example.org"}


def test_links_pointing_elsewhere_keep_their_host():
    page = _page(["torch-2.13.0%2Bcpu-cp311-cp311-linux_x86_64.whl"],
                 prefix="https://download-r2.pytorch.org/whl/cpu/")
    assert page.hosts() == {"download-r2.pytorch.org"}


def test_a_portal_page_lists_no_distributions():
    page = pages.read_index(PORTAL.decode(), BASE)
    assert page.link_count == 3 and page.files == []
    assert pages.looks_like_html(PORTAL, "application/octet-stream")
    assert not pages.looks_like_html(b"PK\x03\x04....", "application/octet-stream")


def test_sdists_and_odd_names():
    page = _page(["sympy-1.14.0.tar.gz", "sympy-1.14.0-py3-none-any.whl", "README.html", "sympy-latest.whl"])
    assert [f.filename for f in page.of("sympy")] == ["sympy-1.14.0.tar.gz", "sympy-1.14.0-py3-none-any.whl"]
    assert str(page.newest("sympy")) == "1.14.0"
    sample = pages.sample_file(page, "sympy")
    assert sample is not None and sample.filename.endswith(".whl")


def test_release_date_and_shape():
    text = ("Origin: Ubuntu\nLabel: Ubuntu\nSuite: noble-updates\nCodename: noble\n"
            "Date: Sat, 26 Sep 2026 08:21:03 UTC\nArchitectures: amd64\n")
    assert pages.looks_like_release(text)
    assert pages.release_date(text) == datetime(2026, 9, 26, 8, 21, 3, tzinfo=timezone.utc)
    assert not pages.looks_like_release("<html><body>Welcome</body></html>")
    assert pages.release_date("Origin: x\n") is None


def test_content_range_total():
    assert pages.content_range_total("bytes 0-1048575/2583212345") == 2583212345
    assert pages.content_range_total("bytes 0-10/*") is None
    assert pages.content_range_total(None) is None
