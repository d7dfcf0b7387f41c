"""Marks in the checked text: a long sentence's mark holds the marks of the words in it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest

from app.engagements.models import Engagement
from app.extensions import db
from app.plainlang.analyzer import Finding, FindingCode
from app.plainlang.highlight import Segment, segments
from app.plan import services as plan_services
from app.questionnaires.builder import create_survey
from tests.conftest import department, login
from tests.plainlang.conftest import item, page_url, section, written

#: One long sentence (over 20 words) with long words in it, and a resident's ``<script>`` pasted
#: into the middle, then a short sentence.
LONG = {
    "fi": (
        "Kirjaston aukioloaikojen muuttamista koskevan päätöksen valmistelun yhteydessä "
        "selvitetään <script>alert(1)</script> asiakkaiden näkemykset palveluverkon "
        "kehittämisestä sekä siitä, miten kirjasto voisi palvella paremmin iltaisin ja "
        "viikonloppuisin koko kaupungin asukkaita. Kerro meille mielipiteesi."
    ),
    "sv": (
        "I samband med översynen av bibliotekets öppettider kommer staden i syfte att säkerställa "
        "att tjänsterna motsvarar <script>alert(1)</script> invånarnas behov att samla in "
        "synpunkter från alla åldersgrupper under våren. Tack för din hjälp."
    ),
    "en": (
        "In connection with the review of the library's opening hours, the city will, in order "
        "to ensure that the services meet <script>alert(1)</script> the needs of residents, "
        "collect feedback from all age groups during the spring. Thank you."
    ),
}

#: A word each language's long sentence has a mark for inside it.
INNER_WORD = {"fi": "aukioloaikojen", "sv": "i syfte att", "en": "in order to"}


def finding(start: int, end: int, code: FindingCode = FindingCode.LONG_WORD) -> Finding:
    return Finding(code, start, end, "x")


# --- the pieces ----------------------------------------------------------------------------------


def test_words_inside_a_long_sentence_are_marked_inside_its_mark():
    text = "Aaa bbbbbbbbbbbbbbb ccc. Ddd."
    pieces, marked = segments(
        text, [finding(0, 24, FindingCode.LONG_SENTENCE), finding(4, 19), finding(25, 29)]
    )
    assert pieces == (
        Segment(
            "Aaa bbbbbbbbbbbbbbb ccc.",
            1,
            (Segment("Aaa "), Segment("bbbbbbbbbbbbbbb", 2), Segment(" ccc.")),
        ),
        Segment(" "),
        Segment("Ddd.", 3),
    )
    assert marked == {1, 2, 3}


def test_two_findings_on_the_same_word_nest():
    pieces, marked = segments("kehittämisestä", [finding(0, 14), finding(0, 14)])
    assert pieces == (Segment("kehittämisestä", 1, (Segment("kehittämisestä", 2),)),)
    assert marked == {1, 2}


def test_a_finding_that_crosses_the_edge_of_a_mark_is_listed_but_not_marked():
    # "bbb ccc" starts inside "aaa bbb" and ends after it: the marks cannot nest.
    pieces, marked = segments("aaa bbb ccc", [finding(0, 7), finding(4, 11)])
    assert pieces == (Segment("aaa bbb", 1), Segment(" ccc"))
    assert marked == {1}


def test_marks_nest_three_deep_and_close_in_order():
    text = "aa bb cc dd"
    pieces, _marked = segments(text, [finding(0, 11), finding(3, 8), finding(6, 8), finding(9, 11)])
    assert pieces == (
        Segment(
            text,
            1,
            (
                Segment("aa "),
                Segment("bb cc", 2, (Segment("bb "), Segment("cc", 3))),
                Segment(" "),
                Segment("dd", 4),
            ),
        ),
    )


# --- on the page ---------------------------------------------------------------------------------


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    def find_all(self, tag: str) -> list[Node]:
        found = []
        for child in self.children:
            if isinstance(child, Node):
                if child.tag == tag:
                    found.append(child)
                found += child.find_all(tag)
        return found

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)


class Tree(HTMLParser):
    """A fragment as nested nodes; fails on an end tag that does not close the open element."""

    VOID = frozenset({"br", "img", "input", "meta", "link", "hr"})

    def __init__(self, fragment: str) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {})
        self.stack = [self.root]
        self.feed(fragment)
        self.close()
        assert self.stack == [self.root], f"unclosed: {[n.tag for n in self.stack[1:]]}"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(node)
        if tag not in self.VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def text_box(article: str) -> Node:
    found = re.search(r'<div class="plainlang-text"[^>]*>.*?</div>', article, re.S)
    assert found
    (box,) = Tree(found.group()).root.children
    return box


@pytest.fixture
def engagement(plan) -> Engagement:
    engagement = create_survey(
        department("sivistys"),
        {"fi": "Aukioloajat", "sv": "Öppettider", "en": "Opening hours"},
        ["fi", "sv", "en"],
        [plan_services.focus_area_by_code("HK-01")],
    )
    engagement.summary = dict(LONG)
    db.session.commit()
    return engagement


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_long_sentence_mark_holds_the_marks_of_the_words_in_it(
    client, staff, engagement, heuristics, lang
):
    login(client, staff, lang="en")
    html = client.get(page_url(engagement)).get_data(as_text=True)
    article = item(section(html, lang), "Summary")
    box = text_box(article)
    sentence = box.children[0]
    assert isinstance(sentence, Node)
    assert sentence.tag == "mark"
    assert sentence.attrs["id"].endswith("-1")
    inner = sentence.find_all("mark")
    assert inner, "no word marked inside the long sentence"
    assert INNER_WORD[lang] in [mark.text() for mark in inner]
    # Each mark is followed by the link to its note, inside the mark that holds it.
    for mark in [sentence, *inner]:
        note = mark.attrs["id"].replace("f-", "n-", 1)
        assert f'<li id="{note}"><a href="#{mark.attrs["id"]}">' in article
        assert f'<a href="#{note}"><span class="visually-hidden" lang="en">Finding </span>' in (
            article
        )
    # The long sentence says where it begins, for screen readers; its link comes at its end.
    hidden = sentence.children[0]
    assert isinstance(hidden, Node)
    assert hidden.attrs == {"class": "visually-hidden", "lang": "en"}
    assert hidden.text() == "Finding 1 begins: "
    assert box.children[1].tag == "sup"
    # Every finding is marked and linked from its note.
    assert '<q lang="' + lang + '">' in article
    assert not re.search(r'<li id="n-[^"]+"><q ', article)


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_marked_text_reads_as_written_with_the_script_escaped(
    client, staff, engagement, heuristics, lang
):
    login(client, staff, lang="en")
    html = client.get(page_url(engagement)).get_data(as_text=True)
    assert "<script>alert(1)" not in html
    article = item(section(html, lang), "Summary")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in article
    assert written(article) == LONG[lang]


def test_the_page_is_well_nested_in_every_language(client, staff, engagement, heuristics):
    login(client, staff, lang="fi")
    html = client.get(page_url(engagement, "fi")).get_data(as_text=True)
    for lang in ("fi", "sv", "en"):
        Tree(section(html, lang))
