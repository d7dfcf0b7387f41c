"""Fixtures for the plain-language checker: sample texts and the two Finnish paths."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.plainlang import Analysis, analyze, voikko

SAMPLES = Path(__file__).parent / "samples"

#: CI sets this so that a missing Voikko fails the run instead of skipping the Voikko tests.
REQUIRE_VOIKKO = os.environ.get("PLAINLANG_REQUIRE_VOIKKO") == "1"


def sample(name: str) -> str:
    return (SAMPLES / f"{name}.txt").read_text(encoding="utf-8")


def require_voikko() -> None:
    if voikko.available():
        return
    reason = f"libvoikko with the Finnish dictionary is not available: {voikko.status()}"
    if REQUIRE_VOIKKO:
        pytest.fail(f"{reason} (PLAINLANG_REQUIRE_VOIKKO=1)")
    pytest.skip(f"{reason}; install with: apt-get install -y libvoikko1 voikko-fi")


@pytest.fixture
def with_voikko(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(voikko.ENV_SWITCH, raising=False)
    require_voikko()


@pytest.fixture
def heuristics(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(voikko.ENV_SWITCH, "0")


@pytest.fixture(params=["voikko", "heuristics"])
def finnish(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):
    """``analyze`` for Finnish on each path; checks that the path asked for is the one used."""
    if request.param == "voikko":
        monkeypatch.delenv(voikko.ENV_SWITCH, raising=False)
        require_voikko()
    else:
        monkeypatch.setenv(voikko.ENV_SWITCH, "0")

    def run(text: str) -> Analysis:
        result = analyze(text, "fi")
        assert result.used_voikko is (request.param == "voikko")
        return result

    return run
