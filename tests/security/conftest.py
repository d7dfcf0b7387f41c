"""Hypothesis profiles, and the published survey, hearing and panels the tests send forms to.

Profiles: ``ci`` (the default, 25 examples a test) and ``thorough`` (300), chosen with
``HYPOTHESIS_PROFILE=thorough``. The tests share one app per test function across examples
(each example uses its own client), hence the function-scoped-fixture check is off; no
deadline, because two shared cores make request times vary.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from app.panels.models import PanelMember
from tests.conftest import login

# The features' own fixtures, reused: a published hearing with comments on (and a staff client
# of its department), a complete published EVA, a panel taking applications, a survey with four
# responses.
from tests.discussion.conftest import desk, hearing  # noqa: F401
from tests.eva.conftest import eva as eva_hearing  # noqa: F401
from tests.panels.test_members import add_member, build_panel
from tests.panels.test_public import panel as applying_panel  # noqa: F401
from tests.questionnaires.test_export import survey as answered_survey  # noqa: F401

_COMMON = {
    "deadline": None,
    "suppress_health_check": [
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
}
settings.register_profile("ci", max_examples=25, **_COMMON)
settings.register_profile("thorough", max_examples=300, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def staff_client(app, staff):
    """Signed in as staff of the survey's department (sivistys)."""
    client = app.test_client()
    login(client, staff, lang="en")
    return client


@pytest.fixture
def coordinator_client(app, coordinator):
    client = app.test_client()
    login(client, coordinator, lang="en")
    return client


@pytest.fixture
def forum_panel(app, plan):
    """A published panel in its term (applications closed), its forum open."""
    return build_panel()


@pytest.fixture
def members(forum_panel) -> tuple[PanelMember, PanelMember]:
    """A writer (whose name has markup in it) and a reader who gets e-mail about new threads."""
    return (
        add_member(forum_panel, 1, name="Aino <b>Author</b>"),
        add_member(forum_panel, 2, locale="en"),
    )
