"""Who may use which route: every route of the URL map, requested as six kinds of visitor.

One table gives, per route, the URL arguments and the expected outcome for each role, in this
order: anonymous; a resident with a token (the invitation code of the invitation-only survey,
typed in their browser); a panel member (signed in by magic link to the panel at work); staff
of the owning department; staff of another department; the coordinator. The owning department
is the department of the engagement the URL names (the demo survey and the recruiting panel
belong to kulttuuri-vapaa-aika, the EVA hearing and the panel at work to sivistys) or the one
in the URL; the other department is tekniset-palvelut, which owns nothing here.

Outcomes: ``ok`` (2xx), ``redirect`` (3xx elsewhere), ``login`` (3xx to staff sign-in),
``signin`` (3xx to the panel members' sign-in), a status code (``403``, ``404``, ``422``...),
and for a POST that a role may make ``allowed``: anything but a refusal (403, a sign-in page)
or a server error, since an empty form may as well be refused as invalid. Every refused
request, and every POST whose outcome is exact, must leave the database as it was. Every
request starts from the same world: the database is copied once and put back after any request
that changed it. Some routes have a second row (a variant) for an object that is not theirs.

A new route fails ``test_every_route_is_in_the_table`` until it is given a row.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from flask_babel import force_locale
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from app.auth import services as auth_services
from app.auth.models import User
from app.cli import DEMO_PASSWORD
from app.core.auth import Role
from app.core.types import utcnow
from app.discussion.models import AuthorKind, Discussion, Post, Thread
from app.engagements import lifecycle
from app.engagements.models import Engagement, Status
from app.eva.demo import DEMO_DECIDED_ID, DEMO_EVA_ID
from app.extensions import db
from app.panels import forum, magic, polls
from app.panels import services as panel_services
from app.panels.demo import DEMO_PANEL_ID, DEMO_RUNNING_PANEL_ID
from app.panels.models import (
    ApplicationStatus,
    LinkPurpose,
    PanelApplication,
    PanelMeeting,
    PanelMember,
    PanelStatement,
)
from app.participation import jobs
from app.participation.models import OfflineParticipation
from app.plan import services as plan_services
from app.privacy import services as privacy_services
from app.privacy.models import RequestKind
from app.questionnaires import results_services
from app.questionnaires import services as questionnaire_services
from app.questionnaires.demo import DEMO_PUBLIC_ID
from app.questionnaires.models import Answer, Question, Submission
from app.questionnaires.xlsform import import_xlsform
from config import Testing
from tests.conftest import ON_POSTGRES, running_app
from tests.panels.test_members import sign_in_as
from tests.questionnaires.data.xlsforms import build_liikunta

# The world is built once and put back between requests with SQLite's backup API, which
# PostgreSQL has not; who may do what does not depend on the database, so SQLite covers it.
pytestmark = pytest.mark.skipif(
    ON_POSTGRES, reason="the matrix restores its world with SQLite's backup API"
)


class MatrixTesting(Testing):
    # The database is put back between requests; a page kept in the process would outlive it.
    RESIDENT_PAGE_CACHE_SECONDS = 0


SURVEY = DEMO_PUBLIC_ID  # kulttuuri-vapaa-aika, published, open; made invitation-only below
EVA = DEMO_EVA_ID  # sivistys, an open hearing with answers and comments
RECRUITING = DEMO_PANEL_ID  # kulttuuri-vapaa-aika, 16 applicants; closed and drawn below
PANEL = DEMO_RUNNING_PANEL_ID  # sivistys, in its term: members, meetings, forum, a statement

#: The demo staff (`flask demo load`), by role or department.
STAFF_EMAILS = {
    "coordinator": "koordinaattori@demo.osallistu.fi",
    "sivistys": "sivistys@demo.osallistu.fi",
    "kulttuuri-vapaa-aika": "vapaa-aika@demo.osallistu.fi",
    "tekniset-palvelut": "tekninen@demo.osallistu.fi",
}
OTHER_DEPARTMENT = "tekniset-palvelut"

ROLES = (
    "anonymous",
    "resident_with_token",
    "panel_member",
    "staff_owner_dept",
    "staff_other_dept",
    "coordinator",
)


def engagement(public_id: str) -> Engagement:
    return db.session.scalar(select(Engagement).where(Engagement.public_id == public_id))


def user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


# --- the world ------------------------------------------------------------------------------


def build_world(app: Flask) -> dict[str, object]:
    """`flask demo load`, then what the table's URLs name; returns those ids and tokens."""
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    ids: dict[str, object] = {}
    coordinator = user(STAFF_EMAILS["coordinator"])

    # The resident with a token: the demo survey is for invited residents, with codes.
    survey = engagement(SURVEY)
    survey.audience = "invited"
    ids["invitation_code"] = lifecycle.create_codes(survey, 2)[0].code
    db.session.flush()
    ids["batch"] = lifecycle.batches(survey)[0].key
    results_services.publish_results(survey)
    ids["answer"] = db.session.scalar(
        select(Answer.id)
        .join(Submission, Submission.id == Answer.submission_id)
        .join(Question, Question.id == Answer.question_id)
        .where(
            Submission.engagement_id == survey.id,
            Question.code == "ideas",
            Answer.text.is_not(None),
        )
        .limit(1)
    )
    ids["entry_id"] = db.session.scalar(
        select(OfflineParticipation.id).where(OfflineParticipation.engagement_id == survey.id)
    )

    # A draft survey of sivistys imported from an XLSForm (it has an import report).
    with force_locale("en"):
        imported = import_xlsform(
            build_liikunta(),
            plan_services.department_by_code("sivistys"),
            [plan_services.focus_area_by_code("HK-05")],
        )
    ids["draft"] = imported.engagement.public_id

    # The recruiting panel closes and is drawn; one drawn applicant holds an invitation link.
    recruiting = panel_services.panel_of(engagement(RECRUITING))
    recruiting.engagement.closes_at = utcnow() - timedelta(days=1)
    db.session.flush()
    run = panel_services.draw(recruiting, coordinator.id, seed=1)
    panel_services.apply_draw(run, coordinator.id)
    ids["run_id"] = run.id
    invited = db.session.scalar(
        select(PanelApplication).where(
            PanelApplication.panel_id == recruiting.id,
            PanelApplication.status == ApplicationStatus.INVITED,
        )
    )
    ids["panel_invitation"] = magic.issue(invited.participant, LinkPurpose.ACCEPT, recruiting.id)

    # The panel at work: the member who signs in, a message of theirs they may still edit,
    # a staff message, a meeting, a statement, another member to remove.
    panel = panel_services.panel_of(engagement(PANEL))
    members = list(
        db.session.scalars(
            select(PanelMember).where(PanelMember.panel_id == panel.id).order_by(PanelMember.id)
        )
    )
    member = members[0]
    ids["member"] = member.id
    ids["member_id"] = members[-1].id
    ids["sign_in_link"] = magic.issue(member.participant, LinkPurpose.SIGN_IN)
    ids["opt_out"] = forum.opt_out_token(member)
    thread = db.session.scalar(
        select(Thread).join(Discussion).where(Discussion.engagement_id == panel.engagement_id)
    )
    ids["thread_id"] = thread.id
    ids["forum_post_id"] = forum.reply(panel, thread, "Hyvä idea!", "fi", member=member).id
    ids["staff_post_id"] = db.session.scalar(
        select(Post.id).where(Post.thread_id == thread.id, Post.author_kind == AuthorKind.STAFF)
    )
    ids["meeting_id"] = db.session.scalar(
        select(PanelMeeting.id).where(PanelMeeting.panel_id == panel.id).limit(1)
    )
    ids["statement_id"] = db.session.scalar(
        select(PanelStatement.id).where(PanelStatement.panel_id == panel.id)
    )
    with app.test_request_context("/fi/"):
        poll = polls.create_poll(panel, user(STAFF_EMAILS["sivistys"]))
    page = questionnaire_services.questionnaire_of(poll).pages[0]
    questionnaire_services.add_question(
        page, "agree", "yes_no", {"fi": "Samaa mieltä?", "sv": "Enig?", "en": "Agree?"}
    )
    poll.status = Status.PUBLISHED
    ids["poll"] = poll.public_id

    # A resident's comment on the EVA hearing.
    ids["comment_id"] = db.session.scalar(
        select(Post.id)
        .join(Thread)
        .join(Discussion)
        .where(
            Discussion.engagement_id == engagement(EVA).id,
            Post.author_kind == AuthorKind.RESIDENT,
        )
        .limit(1)
    )

    # Links with tokens: a staff invitation, a password reset, a resident's data request;
    # a finished participation export.
    invitee = auth_services.create_user(
        "kutsuttu@city.example", Role.STAFF, plan_services.department_by_code("sivistys"), "K"
    )
    ids["user_id"] = user(STAFF_EMAILS["sivistys"]).id
    ids["staff_invite"] = auth_services.make_password_token(invitee, "invite")
    ids["password_reset"] = auth_services.make_password_token(
        user(STAFF_EMAILS["sivistys"]), "reset"
    )
    data_request = privacy_services.ask_by_email(RequestKind.ACCESS, member.participant.email, "fi")
    privacy_services.confirm(data_request)
    ids["request_id"] = data_request.id
    ids["data_request"] = data_request.token
    job = jobs.start(utcnow().year, "csv", "fi", coordinator)
    db.session.commit()
    jobs.run(job.id, app)
    ids["export_job"] = job.token
    db.session.commit()
    return ids


SESSION_COOKIE = MatrixTesting.SESSION_COOKIE_NAME


class World:
    """The app, its database as built once, and each role's session cookie."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.ids = build_world(app)
        self.cookies = self._sign_in_everyone()
        db.session.remove()
        # In-memory SQLite is one connection (a static pool): copy it and put it back.
        self.live = db.engine.raw_connection().driver_connection
        self.saved = sqlite3.connect(":memory:")
        self.live.backup(self.saved)
        self.counts = row_counts()
        self.changes = self.live.total_changes

    def _cookie(self, client: FlaskClient) -> str | None:
        cookie = client.get_cookie(SESSION_COOKIE, domain="localhost")
        return cookie.value if cookie else None

    def _sign_in_everyone(self) -> dict[str, str | None]:
        cookies: dict[str, str | None] = {"anonymous": None}
        for name, email in STAFF_EMAILS.items():
            client = self.app.test_client()
            response = client.post("/fi/login", data={"email": email, "password": DEMO_PASSWORD})
            assert response.headers["Location"] == "/fi/staff/", name
            cookies[name] = self._cookie(client)
        client = self.app.test_client()
        response = client.post(f"/fi/e/{SURVEY}/code", data={"code": self.ids["invitation_code"]})
        assert response.headers["Location"] == f"/fi/e/{SURVEY}"
        cookies["resident_with_token"] = self._cookie(client)
        client = self.app.test_client()
        sign_in_as(client, db.session.get(PanelMember, self.ids["member"]))
        cookies["panel_member"] = self._cookie(client)
        return cookies

    def restore(self) -> None:
        db.session.remove()
        if self.live.total_changes != self.changes:
            self.saved.backup(self.live)
            self.changes = self.live.total_changes

    def client(self, role: str, owner: str) -> FlaskClient:
        if role == "staff_owner_dept":
            cookie = self.cookies[owner]
        elif role == "staff_other_dept":
            cookie = self.cookies[OTHER_DEPARTMENT]
        else:
            cookie = self.cookies[role]
        client = self.app.test_client()
        if cookie is not None:
            client.set_cookie(SESSION_COOKIE, cookie, domain="localhost")
        return client

    def value(self, value: object) -> object:
        if isinstance(value, str) and value.startswith("@"):
            return self.ids[value[1:]]
        return value

    def url(self, row: Row) -> str:
        values = {key: self.value(value) for key, value in row.args.items()}
        if "lang" in next(self.app.url_map.iter_rules(row.endpoint)).arguments:
            values["lang"] = "fi"
        url = urlsplit(url_for(row.endpoint, **values))
        return f"{url.path}?{url.query}" if url.query else url.path

    def owner(self, row: Row) -> str:
        if "department" in row.args:
            return row.args["department"]
        public_id = self.value(row.args.get("public_id"))
        # Routes about no engagement or department: any department's staff will do.
        return engagement(public_id).department.code if public_id else "sivistys"


def row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def outcome(response: TestResponse) -> str:
    if response.status_code in (301, 302, 303, 307, 308):
        path = urlsplit(response.headers["Location"]).path
        if path == "/fi/login":
            return "login"
        if path == "/fi/panel/sign-in":
            return "signin"
        return "redirect"
    if 200 <= response.status_code < 300:
        return "ok"
    return str(response.status_code)


REFUSALS = {"login", "signin", "403", "404"}


def matches(expected: str, got: str) -> bool:
    if expected == "allowed":
        return got not in {"login", "signin", "403"} and not got.startswith("5")
    return got == expected


# --- the table ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One route: its URL arguments and what each role gets (six codes, in ROLES order).

    ``get`` is for GET; ``post`` for POST, sent with ``data`` (empty unless said).
    """

    endpoint: str
    args: dict[str, object] = field(default_factory=dict)
    get: str | None = None
    post: str | None = None
    data: dict[str, object] = field(default_factory=dict)
    #: Says what the row checks when it is a second row for the same route.
    variant: str = ""

    @property
    def key(self) -> str:
        return f"{self.endpoint} [{self.variant}]" if self.variant else self.endpoint

    def expected(self, method: str) -> tuple[str, ...]:
        codes = self.get if method == "GET" else self.post
        assert codes is not None, f"{self.key}: no expectation for {method}"
        split = tuple(codes.split())
        assert len(split) == len(ROLES), self.key
        return split


def six(code: str) -> str:
    return " ".join([code] * len(ROLES))


PUBLIC = six("ok")
PUBLIC_POST = six("allowed")
#: Staff of the engagement's (or the URL's) department, and the coordinator.
DEPT = "login login login ok 403 ok"
DEPT_POST = "login login login allowed 403 allowed"
#: The coordinator only.
COORD = "login login login 403 403 ok"
COORD_POST = "login login login 403 403 allowed"
#: Any signed-in staff member.
STAFF = "login login login ok ok ok"
STAFF_POST = "login login login allowed allowed allowed"
#: The signed-in members of the panel.
MEMBER = "signin signin ok signin signin signin"
MEMBER_POST = "signin signin allowed signin signin signin"
#: Another engagement's object under the department's own engagement: not found.
NOT_THEIRS = "login login login 404 403 404"

S = {"public_id": SURVEY}
E = {"public_id": EVA}
P = {"public_id": PANEL}
R = {"public_id": RECRUITING}
D = {"department": "sivistys"}

ROWS: tuple[Row, ...] = (
    # --- anyone ---------------------------------------------------------------------------
    Row("root.index", get=six("redirect")),
    Row("healthz", get=PUBLIC),
    Row("engagements.home", get=PUBLIC),
    Row("engagements.focus_area", {"code": "HK-05"}, get=PUBLIC),
    Row("plan.plan", get=PUBLIC),
    Row("pages.accessibility", get=PUBLIC),
    Row("pages.privacy", get=PUBLIC),
    Row("pages.glossary", get=PUBLIC),
    # Open data: only public engagements and counts, for everyone.
    Row("api.engagements", get=PUBLIC),
    Row("api.participation", get=PUBLIC),
    # --- the invitation-only survey ---------------------------------------------------------
    Row("paper_short.short", S, get=six("redirect")),
    Row("paper_short.short", {"public_id": "@draft"}, get=six("404"), variant="draft"),
    # The page is readable by its address (it asks for the code); answering needs the code.
    Row("respond.engagement", S, get=PUBLIC),
    Row("respond.engagement", {"public_id": "@draft"}, get=six("404"), variant="draft"),
    Row("respond.invitation_code", S, post=six("422")),
    Row(
        "respond.respond",
        S,
        get="redirect ok redirect redirect redirect redirect",
        post="redirect allowed redirect redirect redirect redirect",
    ),
    Row("respond.resume", S, get=PUBLIC, post=six("422")),
    Row("respond.thanks", S, get=six("redirect"), post=six("redirect")),
    # Debatable: results staff have published are public even for an invitation-only survey
    # (publishing is the staff's explicit "show the results to residents").
    Row("results.public_results", S, get=PUBLIC),
    Row("results.public_results", E, get=six("404"), variant="not published"),
    Row("results.public_texts", {**S, "question": "ideas"}, get=PUBLIC),
    # Paper copies of a survey for invited residents only from its department (they hand them
    # out): the token holder answers on the web, so 403 for them too.
    Row("paper.printable", S, get="403 403 403 ok 403 ok"),
    Row("paper.printable", {"public_id": "@draft"}, get="404 404 404 ok 404 ok", variant="draft"),
    # --- the panel's poll: its members answer; staff print it and enter paper answers -------
    # Staff do not answer a poll as residents: they see it in the builder's preview.
    Row(
        "respond.engagement",
        {"public_id": "@poll"},
        get="403 403 ok 403 403 403",
        variant="panel poll",
    ),
    Row(
        "respond.respond",
        {"public_id": "@poll"},
        get="403 403 ok 403 403 403",
        post="403 403 allowed 403 403 403",
        variant="panel poll",
    ),
    Row(
        "paper.printable", {"public_id": "@poll"}, get="403 403 403 ok 403 ok", variant="panel poll"
    ),
    Row("results.public_results", {"public_id": "@poll"}, get=six("404"), variant="panel poll"),
    Row("paper.entry", {"public_id": "@poll"}, get=DEPT, post=DEPT_POST, variant="panel poll"),
    Row("results.staff_results", {"public_id": "@poll"}, get=DEPT, variant="panel poll"),
    # --- the EVA hearing ------------------------------------------------------------------
    Row("eva_hearing.easy_read", E, get=PUBLIC),
    Row("eva_hearing.young", E, get=PUBLIC),
    Row("discussion.comments", E, get=PUBLIC, post=six("422")),
    Row("discussion.report", {**E, "post_id": "@comment_id"}, get=PUBLIC, post=six("422")),
    # --- panels, public side --------------------------------------------------------------
    Row("panels_public.apply", R, get=PUBLIC, post=six("409")),  # closed now
    Row("panels_public.applied", R, get=six("redirect")),  # nothing applied in this browser
    # Links with a token are the key themselves: whoever holds the link may use it.
    Row("panels.invitation", {"token": "@panel_invitation"}, get=PUBLIC, post=PUBLIC_POST),
    Row("panels.invitation_answered", get=six("404")),  # nothing answered in this browser
    Row("panel_members.sign_in", get=PUBLIC, post=six("422")),
    Row("panel_members.link_sent", get=PUBLIC),
    Row("panel_members.use_link", {"token": "@sign_in_link"}, get=PUBLIC, post=PUBLIC_POST),
    Row("panel_members.sign_out", post=six("signin")),
    Row(
        "panel_members.notifications_off",
        {**P, "token": "@opt_out"},
        get=PUBLIC,
        post=PUBLIC_POST,
    ),
    # --- panel members only ---------------------------------------------------------------
    Row("panel_members.home", get=MEMBER),
    Row("panel_members.panel", P, get=MEMBER),
    Row(
        "panel_members.panel",
        R,
        get="signin signin 403 signin signin signin",
        variant="not their panel",
    ),
    Row("panel_members.settings", P, post=MEMBER_POST),
    Row("panel_members.leave", P, get=MEMBER, post=MEMBER_POST),
    Row("panel_members.new_thread", P, get=MEMBER, post=MEMBER_POST),
    Row("panel_members.thread", {**P, "thread_id": "@thread_id"}, get=MEMBER, post=MEMBER_POST),
    Row(
        "panel_members.thread",
        {**R, "thread_id": "@thread_id"},
        get="signin signin 403 signin signin signin",
        post="signin signin 403 signin signin signin",
        variant="not their panel",
    ),
    Row(
        "panel_members.edit_post",
        {**P, "post_id": "@forum_post_id"},
        get=MEMBER,
        post=MEMBER_POST,
    ),
    Row(
        "panel_members.edit_post",
        {**P, "post_id": "@staff_post_id"},
        get="signin signin 404 signin signin signin",
        post="signin signin 404 signin signin signin",
        variant="not their post",
    ),
    Row(
        "panel_members.report",
        {**P, "post_id": "@forum_post_id"},
        get=MEMBER,
        post=MEMBER_POST,
    ),
    # --- staff sign-in and data requests --------------------------------------------------
    # Signed-in staff are sent on to their pages.
    Row(
        "auth.login",
        get="ok ok ok redirect redirect redirect",
        post="422 422 422 redirect redirect redirect",
    ),
    Row("auth.logout", post=six("redirect")),
    Row("auth.accept_invite", {"token": "@staff_invite"}, get=PUBLIC, post=six("422")),
    Row("auth.request_reset", get=PUBLIC, post=six("422")),
    Row("auth.reset_password", {"token": "@password_reset"}, get=PUBLIC, post=six("422")),
    Row("privacy.ask", get=PUBLIC, post=six("422")),
    Row("privacy.sent", get=PUBLIC),
    Row("privacy.status", {"token": "@data_request"}, get=PUBLIC, post=six("redirect")),
    # --- any staff member -----------------------------------------------------------------
    Row("engagements.staff_home", get="login login login redirect redirect ok"),
    Row("auth.change_password", get=STAFF, post=STAFF_POST),
    # Deliberate: the yearly EVA register is for all staff; its rows show other departments'
    # published assessments only (app/eva/report.py register_rows). Both are audited exports.
    Row("eva_closing.register", get=STAFF),
    Row("eva_closing.register_xlsx", get=STAFF),
    # --- the coordinator: plan, departments, users, audit, data requests, all participation --
    Row("plan.departments", get=COORD, post=COORD_POST),
    Row("plan.edit_department", D, get=COORD, post=COORD_POST),
    Row("plan.edit_overview", get=COORD),
    Row("plan.edit_plan", get=COORD, post=COORD_POST),
    Row("plan.edit_goal", {"code": "HK"}, get=COORD, post=COORD_POST),
    Row("plan.edit_focus_area", {"code": "HK-05"}, get=COORD, post=COORD_POST),
    Row("plainlang_settings.plain_language", get=COORD, post=COORD_POST),
    Row("eva_staff.impact_areas", get=COORD),
    Row("eva_staff.new_impact_area", get=COORD, post=COORD_POST),
    Row("eva_staff.edit_impact_area", {"area_code": "children_youth"}, get=COORD, post=COORD_POST),
    Row("auth.users", get=COORD),
    Row("auth.edit_user", {"user_id": "@user_id"}, get=COORD, post=COORD_POST),
    Row("auth.invite", get=COORD, post=COORD_POST),
    Row("privacy.audit_log", get=COORD),
    Row("privacy.requests", get=COORD),
    Row("privacy.handle", {"request_id": "@request_id"}, get=COORD, post=COORD_POST),
    Row("participation.dashboard", get=COORD),
    Row("participation.engagements", get=COORD),
    Row("participation.plan_table", get=COORD),
    Row("participation.teaviisari_evidence", get=COORD),
    Row("participation_reach.reach", get=COORD),
    Row("participation_reach.population", get=COORD, post=COORD_POST),
    Row("participation_reach.example", get=COORD),
    Row("participation_export.index", get=COORD, post=COORD_POST),
    Row("participation_export.job", {"token": "@export_job"}, get=COORD),
    Row("participation_export.download", {"token": "@export_job"}, get=COORD),
    # --- a department's own pages ---------------------------------------------------------
    Row("engagements.department_dashboard", D, get=DEPT),
    Row("builder.new_survey", D, get=DEPT, post=DEPT_POST),
    Row("surveyimport.import_xlsform", D, get=DEPT, post=DEPT_POST),
    Row("eva_staff.new_eva", D, get=DEPT, post=DEPT_POST),
    # A browser sends every title field (empty); without them the form fails with a 500.
    Row("panels_staff.new_panel", D, get=DEPT, post=DEPT_POST, data={}),
    # --- the survey: building, running, results, exports, paper entry ----------------------
    Row("builder.survey", S, get=DEPT),
    Row("builder.settings", S, get=DEPT, post=DEPT_POST),
    Row("builder.preview", S, get=DEPT, post=DEPT_POST),
    Row("builder.publish", S, post=DEPT_POST),
    Row("builder.copy", S, post=DEPT_POST),
    Row("builder.add_page", S, post=DEPT_POST),
    Row("builder.edit_page", {**S, "page_code": "visits"}, get=DEPT, post=DEPT_POST),
    Row("builder.delete_page", {**S, "page_code": "visits"}, post=DEPT_POST),
    Row("builder.move_page", {**S, "page_code": "visits"}, post=DEPT_POST),
    Row("builder.new_question", {**S, "page_code": "visits"}, get=DEPT, post=DEPT_POST),
    Row("builder.edit_question", {**S, "question_code": "uses"}, get=DEPT, post=DEPT_POST),
    Row("builder.delete_question", {**S, "question_code": "uses"}, post=DEPT_POST),
    Row("builder.move_question", {**S, "question_code": "uses"}, post=DEPT_POST),
    Row("surveyimport.report", {"public_id": "@draft"}, get=DEPT),
    Row("plainlang.language", S, get=DEPT),
    Row("lifecycle.close", S, get=DEPT, post=DEPT_POST),
    Row("lifecycle.reopen", S, post=DEPT_POST),
    Row("lifecycle.outcome", S, get=DEPT, post=DEPT_POST),
    Row("lifecycle.invitations", S, get=DEPT, post=DEPT_POST),
    Row("lifecycle.invitation_sheet", {**S, "batch": "@batch"}, get=DEPT),
    Row("paper.entry", S, get=DEPT, post=DEPT_POST),
    Row("paper.poster", S, get=DEPT),
    Row("export.export_form", S, get=DEPT, post=DEPT_POST),
    Row("results.staff_results", S, get=DEPT),
    Row("results.staff_texts", {**S, "question": "ideas"}, get=DEPT),
    Row("results.redact_answer", {**S, "answer": "@answer"}, get=DEPT, post=DEPT_POST),
    Row(
        "results.redact_answer",
        {**E, "answer": "@answer"},
        get=NOT_THEIRS,
        post=NOT_THEIRS,
        variant="another survey's answer",
    ),
    Row("results.hide_answer", S, post=DEPT_POST),
    Row("results.publishing", S, get=DEPT, post=DEPT_POST),
    Row("results.publish", S, post=DEPT_POST),
    Row("results.unpublish", S, post=DEPT_POST),
    Row("participation_offline.entries", S, get=DEPT, post=DEPT_POST),
    Row("participation_offline.remove", {**S, "entry_id": "@entry_id"}, post=DEPT_POST),
    Row(
        "participation_offline.remove",
        {**E, "entry_id": "@entry_id"},
        post=NOT_THEIRS,
        variant="another engagement's entry",
    ),
    # --- the EVA hearing: assessment, moderation, closing, report --------------------------
    Row("eva_staff.overview", E, get=DEPT),
    Row("eva_staff.screening", E, get=DEPT, post=DEPT_POST),
    Row("eva_staff.change", E, get=DEPT, post=DEPT_POST),
    Row("eva_staff.alternatives", E, get=DEPT),
    Row("eva_staff.new_alternative", E, get=DEPT, post=DEPT_POST),
    Row("eva_staff.edit_alternative", {**E, "alt_code": "VE1"}, get=DEPT, post=DEPT_POST),
    Row("eva_staff.delete_alternative", {**E, "alt_code": "VE1"}, post=DEPT_POST),
    Row("eva_staff.move_alternative", {**E, "alt_code": "VE1"}, post=DEPT_POST),
    # With no area ticked (an empty form) the page fails with a 500: one area is sent.
    Row("eva_staff.areas", E, get=DEPT, post=DEPT_POST, data={}),
    Row("eva_staff.matrix", {**E, "stage": "preliminary"}, get=DEPT),
    Row(
        "eva_staff.matrix_area",
        {**E, "stage": "preliminary", "area_code": "children_youth"},
        get=DEPT,
        post=DEPT_POST,
    ),
    Row("eva_staff.questionnaire", E, post=DEPT_POST),
    Row("eva_staff.publish", E, post=DEPT_POST),
    Row("eva_closing.summary", E, get=DEPT),
    Row("eva_closing.decision", E, get=DEPT, post=DEPT_POST),
    Row("eva_closing.response", E, get=DEPT, post=DEPT_POST),
    Row("eva_closing.report_page", E, get=DEPT),
    Row("eva_closing.report_xlsx", E, get=DEPT),
    Row("discussion_staff.moderate", E, get=DEPT),
    Row("discussion_staff.settings", E, post=DEPT_POST),
    Row("discussion_staff.approve", {**E, "post_id": "@comment_id"}, post=DEPT_POST),
    Row("discussion_staff.hide", {**E, "post_id": "@comment_id"}, post=DEPT_POST),
    Row(
        "discussion_staff.hide",
        {**S, "post_id": "@comment_id"},
        post=NOT_THEIRS,
        variant="another engagement's comment",
    ),
    Row("discussion_staff.show", {**E, "post_id": "@comment_id"}, post=DEPT_POST),
    Row("discussion_staff.resolve", {**E, "post_id": "@comment_id"}, post=DEPT_POST),
    Row("discussion_staff.reply", {**E, "post_id": "@comment_id"}, post=DEPT_POST),
    # --- the recruiting panel: applicants' personal data, the draw -------------------------
    Row("panels_staff.overview", R, get=DEPT),
    Row("panels_staff.settings", R, get=DEPT, post=DEPT_POST),
    Row("panels_staff.composition", R, get=DEPT, post=DEPT_POST),
    Row("panels_staff.publish", R, post=DEPT_POST),
    Row("panels_staff.applicants", R, get=DEPT),
    Row("panels_staff.draw", R, post=DEPT_POST),
    Row("panels_staff.run", {**R, "run_id": "@run_id"}, get=DEPT),
    Row(
        "panels_staff.run",
        {**P, "run_id": "@run_id"},
        get=NOT_THEIRS,
        variant="another panel's draw",
    ),
    Row("panels_staff.send", {**R, "run_id": "@run_id"}, post=DEPT_POST),
    # --- the panel at work: members' personal data, meetings, statements, forum, polls -------
    Row("panels_work.members", P, get=DEPT),
    Row("panels_work.remove_member", {**P, "member_id": "@member_id"}, post=DEPT_POST),
    Row(
        "panels_work.remove_member",
        {**R, "member_id": "@member_id"},
        post=NOT_THEIRS,
        variant="another panel's member",
    ),
    Row("panels_work.meeting_list", P, get=DEPT),
    Row("panels_work.new_meeting", P, get=DEPT, post=DEPT_POST),
    Row("panels_work.meeting", {**P, "meeting_id": "@meeting_id"}, get=DEPT, post=DEPT_POST),
    Row(
        "panels_work.meeting",
        {**R, "meeting_id": "@meeting_id"},
        get=NOT_THEIRS,
        post=NOT_THEIRS,
        variant="another panel's meeting",
    ),
    Row("panels_work.attendance", {**P, "meeting_id": "@meeting_id"}, get=DEPT, post=DEPT_POST),
    Row("panels_work.delete_meeting", {**P, "meeting_id": "@meeting_id"}, post=DEPT_POST),
    Row("panels_work.statement_list", P, get=DEPT, post=DEPT_POST),
    Row(
        "panels_work.statement",
        {**P, "statement_id": "@statement_id"},
        get=DEPT,
        post=DEPT_POST,
    ),
    Row(
        "panels_work.statement",
        {**R, "statement_id": "@statement_id"},
        get=NOT_THEIRS,
        post=NOT_THEIRS,
        variant="another panel's statement",
    ),
    Row("panels_work.response", {**P, "statement_id": "@statement_id"}, post=DEPT_POST),
    Row("panels_work.unpublish", {**P, "statement_id": "@statement_id"}, post=DEPT_POST),
    Row("panel_forum_staff.forum", P, get=DEPT, post=DEPT_POST),
    Row(
        "panel_forum_staff.thread",
        {**P, "thread_id": "@thread_id"},
        get=DEPT,
        post=DEPT_POST,
    ),
    Row(
        "panel_forum_staff.thread",
        {**R, "thread_id": "@thread_id"},
        get=NOT_THEIRS,
        post=NOT_THEIRS,
        variant="another panel's thread",
    ),
    Row("panel_polls.poll_list", P, get=DEPT),
    Row("panel_polls.new_poll", P, post=DEPT_POST),
)

TABLE = {row.key: row for row in ROWS}
assert len(TABLE) == len(ROWS), "two rows with the same key"

#: Not routes of the app's own: the static files.
UNLISTED = {"static"}


# --- the tests ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    for app in running_app(MatrixTesting):
        yield World(app)


def test_every_route_is_in_the_table(world):
    endpoints = {rule.endpoint for rule in world.app.url_map.iter_rules()} - UNLISTED
    listed = {row.endpoint for row in ROWS}
    assert sorted(endpoints - listed) == [], "classify the new routes in ROWS"
    assert sorted(listed - endpoints) == [], "rows for routes that are gone"


def test_every_method_of_every_route_has_its_expectations(world):
    missing = []
    for row in ROWS:
        for rule in world.app.url_map.iter_rules(row.endpoint):
            assert rule.methods <= {"GET", "HEAD", "OPTIONS", "POST"}, rule.endpoint
            for method, codes in (("GET", row.get), ("POST", row.post)):
                if (method in rule.methods) != (codes is not None):
                    missing.append(f"{row.key} {method}")
    assert missing == []


def test_open_data_leaves_out_what_is_not_for_everyone(world):
    client = world.client("anonymous", "")
    listed = client.get("/api/v1/engagements").get_json()["engagements"]
    public_ids = {item["public_id"] for item in listed}
    # Not the invitation-only survey, the draft, nor the panel's poll.
    assert public_ids == {RECRUITING, PANEL, EVA, DEMO_DECIDED_ID}
    records = client.get("/api/v1/participation").get_json()["engagements"]
    assert {item["public_id"] for item in records} == public_ids


#: Rows that fail for a reason that is not about who may do what; remove when fixed.
#: Rows whose route has a known bug, marked xfail until it is fixed (none now).
KNOWN_BUGS: dict[str, str] = {}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "key",
    [
        pytest.param(key, marks=pytest.mark.xfail(reason=KNOWN_BUGS[key]))
        if key in KNOWN_BUGS
        else key
        for key in TABLE
    ],
)
def test_route_answers_each_role_as_the_table_says(world, key, role):
    row = TABLE[key]
    position = ROLES.index(role)
    problems = []
    for method in ("GET", "POST"):
        codes = row.get if method == "GET" else row.post
        if codes is None:
            continue
        expected = row.expected(method)[position]
        world.restore()
        url = world.url(row)
        client = world.client(role, world.owner(row))
        before = world.live.total_changes
        response = client.open(url, method=method, data=row.data if method == "POST" else None)
        got = outcome(response)
        if not matches(expected, got):
            where = response.headers.get("Location", "")
            problems.append(f"{method} {url}: expected {expected}, got {got} {where}".rstrip())
        if (expected in REFUSALS or (method == "POST" and expected != "allowed")) and (
            world.live.total_changes != before
        ):
            counts = row_counts()
            changed = {
                table: (world.counts[table], counts[table])
                for table in counts
                if counts[table] != world.counts[table]
            }
            problems.append(f"{method} {url} ({got}) changed the database: {changed or 'rows'}")
    assert problems == []
