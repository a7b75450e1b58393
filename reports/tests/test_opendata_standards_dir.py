"""Where the official schemas come from: found in CI, a clear skip elsewhere when missing."""

import pytest

from .opendata_support import standards_dir


def test_the_standards_are_read_from_the_setting(settings):
    folder = standards_dir()
    assert folder == settings.OPEN_DATA_STANDARDS_DIR
    assert (folder / "iati" / "schemas" / "xml.xsd").exists()


def test_a_missing_folder_skips_with_where_the_files_come_from(settings, tmp_path, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    settings.OPEN_DATA_STANDARDS_DIR = tmp_path / "nowhere"
    with pytest.raises(pytest.skip.Exception, match="shared/standards beside the project"):
        standards_dir()


def test_a_missing_folder_fails_in_ci(settings, tmp_path, monkeypatch):
    monkeypatch.setenv("CI", "true")
    settings.OPEN_DATA_STANDARDS_DIR = tmp_path / "nowhere"
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        standards_dir()
