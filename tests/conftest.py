from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parent.parent
SHARED_SAMPLE = REPO.parent / "shared" / "samples" / "anyang-party-flag-2020-02-01.txt"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def shared_sample() -> Path:
    if not SHARED_SAMPLE.exists():
        pytest.skip("../shared/samples is not beside this checkout")
    return SHARED_SAMPLE


@pytest.fixture(scope="session")
def tiny_package_file(tmp_path_factory) -> Path:
    """A real (tiny, random) zh→en .argosmodel, built once per test run."""
    from bilingual.testing import build_tiny_package

    return build_tiny_package(tmp_path_factory.mktemp("tiny-argos"))


@pytest.fixture
def packages_dir(tmp_path, monkeypatch) -> Path:
    """An empty ARGOS_PACKAGES_DIR, and no index reachable by accident."""
    directory = tmp_path / "argos-packages"
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(directory))
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", "http://127.0.0.1:9/")  # discard port: refused
    return directory


@pytest.fixture
def installed_tiny(packages_dir, tiny_package_file) -> Path:
    """The tiny package installed the way a user would: `bilingual models install --from`."""
    from typer.testing import CliRunner

    from bilingual.cli import app

    result = CliRunner().invoke(app, ["models", "install", "--from", str(tiny_package_file)])
    assert result.exit_code == 0, result.output
    return packages_dir
