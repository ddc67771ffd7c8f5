"""The loader's check of a photo file (a PNG's is a whole decode) is remembered while the
file is unchanged, and never when the file is unusable: a problem is found every build."""

from __future__ import annotations

import os
import time

import pytest
from PIL import Image

from standpress.errors import InputError
from standpress.load import cases as cases_module
from standpress.load.cases import COLUMNS, load_cases
from standpress.pipeline import cache as cache_module
from standpress.pipeline.cache import FileHashes

ROW = "001,Теплі обіди,ГО «Сусіди»,Голосіївський,Волонтерство,Щодня 300 обідів.,,,{photo},Автор\n"


@pytest.fixture
def campaign_dir(tmp_path):
    rgba = Image.new("RGBA", (300, 200), (200, 100, 50, 255))
    rgba.putpixel((5, 5), (0, 0, 0, 0))  # transparent: a warning every build
    rgba.save(tmp_path / "photo.png")
    (tmp_path / "cases.csv").write_text(",".join(COLUMNS) + "\n" + ROW.format(photo="photo.png"),
                                        "utf-8")
    return tmp_path


def _load(folder, project, index):
    hashes = FileHashes(index)
    result = load_cases(folder / "cases.csv", project.campaign,
                        lambda p, check: hashes.fact(p, "photo-check test", check))
    hashes.save()
    return result


def test_photo_check_is_remembered_until_the_file_changes(campaign_dir, project, tmp_path,
                                                          monkeypatch):
    calls = []
    real = cases_module._image_ok
    monkeypatch.setattr(cases_module, "_image_ok", lambda *a: calls.append(1) or real(*a))
    later = time.time_ns() + 10_000_000_000  # the files are older than the 2 s of doubt
    monkeypatch.setattr(cache_module.time, "time_ns", lambda: later)
    index = tmp_path / "files.json"

    first, warnings = _load(campaign_dir, project, index)
    assert calls == [1]
    assert [w.kind for w in warnings] == ["photo-transparent"]
    again, warnings = _load(campaign_dir, project, index)
    assert calls == [1]  # remembered: not decoded again
    assert [w.kind for w in warnings] == ["photo-transparent"]  # and still said
    assert again[0].photo == first[0].photo and again[0].photo_px == first[0].photo_px

    # the file cut short: its stat changed, so it is checked again, and the error is found,
    # every time (an unusable file's answer is never remembered)
    data = (campaign_dir / "photo.png").read_bytes()
    (campaign_dir / "photo.png").write_bytes(data[: len(data) // 2])
    for expected_calls in (2, 3):
        with pytest.raises(InputError) as err:
            _load(campaign_dir, project, index)
        assert "photo.png" in str(err.value.problems[0]) and len(calls) == expected_calls


def test_a_fresh_file_is_not_remembered(campaign_dir, project, tmp_path, monkeypatch):
    """Within two seconds of its last change a file could change again unseen."""
    calls = []
    real = cases_module._image_ok
    monkeypatch.setattr(cases_module, "_image_ok", lambda *a: calls.append(1) or real(*a))
    os.utime(campaign_dir / "photo.png")  # just now
    index = tmp_path / "files.json"
    _load(campaign_dir, project, index)
    _load(campaign_dir, project, index)
    assert calls == [1, 1]
