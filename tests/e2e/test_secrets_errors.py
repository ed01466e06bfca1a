"""An answers file whose mirror URL carries a password or a token and is wrong (malformed, or an unknown
id): the error quotes the value back, through the real command line, with the credentials as `***` and
still naming file, line and key (exit 2, nothing made)."""

from __future__ import annotations

import pytest

PASSWORD, TOKEN = "s3cret-Pa55", "ab-9f1c2d3e-4b5a-6789-0abc-def012345678"


@pytest.mark.parametrize("key, value, shown", [
    ("pypi", f"ftp://bob:{PASSWORD}@idx.example/simple", "'ftp://***@idx.example/simple'"),
    ("pypi", f"https://bob:{PASSWORD}@idx example/simple", "'https://***@idx example/simple'"),
    ("pypi", f"bob:{PASSWORD}@idx.example/simple", "'***@idx.example/simple'"),  # the scheme forgotten
    ("pytorch", f"bob:{PASSWORD}@download.example/whl", "'***@download.example/whl'"),
    ("conda", f"https://conda.anaconda.org/t/{TOKEN}/conda forge", "'https://conda.anaconda.org/t/***/conda"),
    ("conda", f"conda.anaconda.org/t/{TOKEN}/conda-forge", "'conda.anaconda.org/t/***/conda-forge'"),  # an "id"
])
def test_a_wrong_mirror_is_quoted_without_its_credentials(cli, tmp_path, xdg_home, key, value, shown):
    (tmp_path / "a.yaml").write_text("version: 1\ntarget: {kind: venv, path: .venv-torch}\n"
                                     "torch: {version: 2.13.0, variant: cpu}\n"
                                     f"mirror:\n  {key}: \"{value}\"\n")
    for command in (["plan"], ["install", "--yes"]):
        result = cli(*command, "--answers", "a.yaml", "--probe-timeout", "0.2", cwd=tmp_path)
        assert result.returncode == 2, result.stdout + result.stderr
        assert PASSWORD not in result.stderr + result.stdout and TOKEN not in result.stderr + result.stdout
        assert result.stderr.startswith(f"a.yaml:5: mirror.{key}: "), result.stderr
        assert shown in result.stderr, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml", "home"]
