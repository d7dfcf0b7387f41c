"""Pure DataFrame functions that roll the facts up into the plan's records.

Inputs are the frames of :mod:`frames` (codes only); outputs are frames grouped on codes, so
labels in the viewer's language are joined last (:mod:`records`). An engagement tied to two
focus areas counts in both focus areas, once in its goal and once in every total.
"""

from __future__ import annotations

import pandas as pd

from app.participation.frames import MEASURES

#: Channels and languages in the order they are shown.
CHANNEL_ORDER: tuple[str, ...] = ("web", "paper", "event", "phone", "kiosk")
LANGUAGE_ORDER: tuple[str, ...] = ("fi", "sv", "en", "")
#: Figures of a roll-up row, in the order of the pages and exports.
FIGURES: tuple[str, ...] = (
    "engagements",
    "participants",
    "responses",
    "comments",
    "offline_participants",
    "outcomes",
)
#: An engagement's feedback-loop flags and counts.
FLAGS: tuple[str, ...] = ("outcome_published", "decision_recorded", "informed_all")


def _ordered(values: set[str], order: tuple[str, ...]) -> tuple[str, ...]:
    known = [value for value in order if value in values]
    return tuple(known + sorted(values - set(order)))


def _used(facts: pd.DataFrame, column: str, order: tuple[str, ...]) -> pd.Series:
    """Per engagement, the channels (or languages) that had any participation."""
    active = facts[facts[["participants", "comments"]].sum(axis=1) > 0]
    grouped = active.groupby("engagement_id")[column].agg(lambda values: set(values))
    return grouped.map(lambda values: _ordered(values, order))


def engagement_totals(
    facts: pd.DataFrame, engagements: pd.DataFrame, links: pd.DataFrame
) -> pd.DataFrame:
    """One row per engagement of ``engagements``: its figures, channels, languages, flags.

    Facts of engagements outside ``engagements`` (drafts) are left out.
    """
    facts = facts[facts["engagement_id"].isin(engagements["engagement_id"])]
    columns = [*MEASURES, "participants"]
    sums = facts.groupby("engagement_id")[columns].sum()
    frame = engagements.set_index("engagement_id").join(sums, how="left")
    frame[columns] = frame[columns].fillna(0).astype("int64")
    empty: tuple[str, ...] = ()
    channels = _used(facts, "channel", CHANNEL_ORDER)
    languages = _used(facts, "language", LANGUAGE_ORDER)
    frame["channels"] = [channels.get(i, empty) for i in frame.index]
    frame["used_languages"] = [languages.get(i, empty) for i in frame.index]
    areas = links.groupby("engagement_id")["focus_area_code"].agg(
        lambda codes: tuple(sorted(codes))
    )
    frame["focus_area_codes"] = [areas.get(i, empty) for i in frame.index]
    frame["outcome_published"] = frame["outcome_published_at"].notna()
    frame["decision_recorded"] = (
        frame["decision_ref"].fillna("").astype(str).str.strip().ne("")
        | frame["eva_decided_at"].notna()
    )
    # Everyone who asked for the outcome news has been sent it (none asked: nothing pending).
    frame["informed_all"] = frame["outcome_published"] & (frame["informed"] >= frame["subscribers"])
    frame["engagements"] = 1
    frame["outcomes"] = frame["outcome_published"].astype("int64")
    return frame.reset_index()


def _roll_up(rows: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Sum engagement rows by ``by``, with the channels and languages used by any of them."""
    sums = rows.groupby(by, sort=False)[
        ["engagements", *MEASURES, "participants", "outcomes"]
    ].sum()
    channels = rows.groupby(by, sort=False)["channels"].agg(
        lambda values: _ordered(set().union(*values), CHANNEL_ORDER)
    )
    languages = rows.groupby(by, sort=False)["used_languages"].agg(
        lambda values: _ordered(set().union(*values), LANGUAGE_ORDER)
    )
    return sums.join(channels).join(languages)


def _zero_like(index: pd.Index) -> pd.DataFrame:
    frame = pd.DataFrame(index=index)
    for column in ("engagements", *MEASURES, "participants", "outcomes"):
        frame[column] = 0
    frame["channels"] = [() for _ in range(len(index))]
    frame["used_languages"] = [() for _ in range(len(index))]
    return frame


def _complete(rolled: pd.DataFrame, index: pd.Index) -> pd.DataFrame:
    """Every key of ``index`` in its order; keys without engagements get zeros."""
    frame = _zero_like(index)
    present = rolled.index.intersection(index)
    frame.loc[present, rolled.columns] = rolled.loc[present]
    numeric = ["engagements", *MEASURES, "participants", "outcomes"]
    frame[numeric] = frame[numeric].astype("int64")
    return frame


def by_focus_area(totals: pd.DataFrame, links: pd.DataFrame, plan: pd.DataFrame) -> pd.DataFrame:
    """Every focus area of the plan in order, with goal_code, and the engagements tied to it."""
    rows = links.merge(totals, on="engagement_id")
    rolled = _roll_up(rows, ["focus_area_code"])
    frame = _complete(rolled, pd.Index(plan["focus_area_code"], name="focus_area_code"))
    frame.insert(0, "goal_code", plan["goal_code"].to_numpy())
    return frame.reset_index()


def by_goal(totals: pd.DataFrame, links: pd.DataFrame, plan: pd.DataFrame) -> pd.DataFrame:
    """Every goal in order: engagements tied to any of its focus areas, each counted once."""
    goal_of = plan[["focus_area_code", "goal_code"]]
    pairs = links.merge(goal_of, on="focus_area_code")[["engagement_id", "goal_code"]]
    rows = pairs.drop_duplicates().merge(totals, on="engagement_id")
    rolled = _roll_up(rows, ["goal_code"])
    goals = pd.Index(plan["goal_code"].drop_duplicates(), name="goal_code")
    return _complete(rolled, goals).reset_index()


def by_department(totals: pd.DataFrame, departments: pd.DataFrame) -> pd.DataFrame:
    """Every department in order with its engagements' figures."""
    rolled = _roll_up(totals, ["department_code"])
    index = pd.Index(departments["department_code"], name="department_code")
    return _complete(rolled, index).reset_index()


def plan_table(
    totals: pd.DataFrame, links: pd.DataFrame, plan: pd.DataFrame, departments: pd.DataFrame
) -> pd.DataFrame:
    """Focus areas × departments: engagements and people reached in each cell (long format)."""
    rows = links.merge(totals, on="engagement_id")
    rolled = rows.groupby(["focus_area_code", "department_code"])[
        ["engagements", "participants"]
    ].sum()
    index = pd.MultiIndex.from_product(
        [plan["focus_area_code"], departments["department_code"]],
        names=["focus_area_code", "department_code"],
    )
    frame = rolled.reindex(index, fill_value=0).astype("int64")
    return frame.reset_index()


def total(totals: pd.DataFrame) -> pd.Series:
    """The year's figures over every engagement, each counted once."""
    numeric = ["engagements", *MEASURES, "participants", "outcomes"]
    sums = totals[numeric].sum() if len(totals) else pd.Series(0, index=numeric)
    sums = sums.astype("int64")
    channels = set().union(*totals["channels"]) if len(totals) else set()
    languages = set().union(*totals["used_languages"]) if len(totals) else set()
    return pd.concat(
        [
            sums,
            pd.Series(
                {
                    "channels": _ordered(channels, CHANNEL_ORDER),
                    "used_languages": _ordered(languages, LANGUAGE_ORDER),
                }
            ),
        ]
    )


def by_channel_language(facts: pd.DataFrame, totals: pd.DataFrame) -> pd.DataFrame:
    """Participation per channel and language (rows with any participation), in order."""
    facts = facts[facts["engagement_id"].isin(totals["engagement_id"])]
    measures = [*MEASURES, "participants"]
    grouped = facts.groupby(["channel", "language"])
    frame = grouped[measures].sum()
    frame["engagements"] = grouped["engagement_id"].nunique()
    frame = frame[frame[["participants", "comments"]].sum(axis=1) > 0].reset_index()
    channel_rank = {code: i for i, code in enumerate(CHANNEL_ORDER)}
    language_rank = {code: i for i, code in enumerate(LANGUAGE_ORDER)}
    frame["_c"] = frame["channel"].map(channel_rank).fillna(len(channel_rank))
    frame["_l"] = frame["language"].map(language_rank).fillna(len(language_rank))
    frame = frame.sort_values(["_c", "channel", "_l", "language"]).drop(columns=["_c", "_l"])
    return frame[["channel", "language", "engagements", *measures]].reset_index(drop=True)


def by_dimension(channel_language: pd.DataFrame, column: str) -> pd.DataFrame:
    """The channel × language rows summed to channels (or languages) alone.

    ``engagements`` here counts engagements per channel × language row, so it is left out: an
    engagement answered in two languages is one engagement.
    """
    order = CHANNEL_ORDER if column == "channel" else LANGUAGE_ORDER
    measures = [*MEASURES, "participants"]
    frame = channel_language.groupby(column, sort=False)[measures].sum()
    keys = _ordered(set(frame.index), order)
    return frame.reindex(list(keys)).reset_index()


def by_quarter(facts: pd.DataFrame, totals: pd.DataFrame) -> pd.DataFrame:
    """Participation in each quarter 1–4 of the year."""
    facts = facts[facts["engagement_id"].isin(totals["engagement_id"])]
    measures = [*MEASURES, "participants"]
    frame = facts.groupby("quarter")[measures].sum()
    return frame.reindex([1, 2, 3, 4], fill_value=0).astype("int64").reset_index()


def tidy(facts: pd.DataFrame, totals: pd.DataFrame, links: pd.DataFrame) -> pd.DataFrame:
    """One row per engagement × focus area × quarter × channel × language, with codes only.

    An engagement tied to two focus areas has rows under both: sum one focus area at a time.
    Engagements held in the year without any participation yet have one row of zeros.
    """
    facts = facts[facts["engagement_id"].isin(totals["engagement_id"])]
    silent = totals.loc[~totals["engagement_id"].isin(facts["engagement_id"]), ["engagement_id"]]
    if len(silent):
        zeros = silent.assign(quarter=pd.NA, channel="", language="")
        for column in [*MEASURES, "participants"]:
            zeros[column] = 0
        facts = pd.concat([facts.astype({"quarter": "Int64"}), zeros], ignore_index=True)
    described = totals[
        [
            "engagement_id",
            "public_id",
            "kind",
            "department_code",
            "outcome_published",
            "decision_recorded",
        ]
    ]
    frame = facts.merge(described, on="engagement_id")
    with_area = frame.merge(links, on="engagement_id", how="left")
    with_area["focus_area_code"] = with_area["focus_area_code"].fillna("")
    with_area = with_area.sort_values(
        ["focus_area_code", "public_id", "quarter", "channel", "language"], na_position="first"
    )
    return with_area[
        [
            "focus_area_code",
            "department_code",
            "public_id",
            "kind",
            "quarter",
            "channel",
            "language",
            *MEASURES,
            "participants",
            "outcome_published",
            "decision_recorded",
        ]
    ].reset_index(drop=True)
