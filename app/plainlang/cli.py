"""`flask plainlang check FILE --lang fi`: the plain-language checker on a file, for batch use."""

from __future__ import annotations

from typing import TextIO

import click
from flask.cli import AppGroup
from flask_babel import force_locale

from app.plainlang import messages, voikko
from app.plainlang.analyzer import LOCALES, analyze
from app.plainlang.text import line_column

plainlang_cli = AppGroup("plainlang", help="Plain-language checker for texts in fi, sv and en.")

#: Findings are shown with at most this much of the matched text.
SHOWN_CHARS = 60


def _percent(share: float) -> str:
    return f"{100 * share:.0f} %"


def _shown(matched: str) -> str:
    one_line = " ".join(matched.split())
    return one_line if len(one_line) <= SHOWN_CHARS else one_line[: SHOWN_CHARS - 1] + "…"


@plainlang_cli.command("check")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@click.option("--lang", type=click.Choice(LOCALES), required=True, help="Language of the text.")
@click.option(
    "--ui-lang",
    type=click.Choice(LOCALES),
    help="Language of the hints [default: the language of the text].",
)
def check(file: TextIO, lang: str, ui_lang: str | None) -> None:
    """Check FILE ("-" reads standard input): facts, grade and each finding with line:column.

    Always exits 0: the grade is advice for a person, not a pass/fail test.
    """
    text = file.read()
    result = analyze(text, lang)
    facts = result.facts
    with force_locale(ui_lang or lang):
        click.echo(f"File: {file.name}  language: {lang}")
        if lang == "fi":
            click.echo(f"Voikko: {voikko.status()}")
        if result.grade is None or result.basis is None:
            click.echo("Grade: none (the text has no words)")
            return
        basis = result.basis
        click.echo(
            f"Grade: {result.grade.value} ({messages.grade_label(result.grade)}); points: "
            f"LIX {basis.lix_points} + sentences {basis.sentence_points} + findings "
            f"{basis.findings_points} ({basis.findings_per_100_words} per 100 words) "
            f"= {basis.total}"
        )
        click.echo(
            f"Sentences: {facts.sentences}  words: {facts.words}  words per sentence: "
            f"{facts.words_per_sentence} (longest {facts.max_sentence_words})"
        )
        click.echo(
            f"Sentences over 20 words: {facts.long_sentences} "
            f"({_percent(facts.long_sentence_share)})  words of 13+ letters: {facts.long_words} "
            f"({_percent(facts.long_word_share)})"
        )
        click.echo(f"LIX: {facts.lix} ({messages.lix_band_label(facts.lix_band)})")
        if facts.passive_forms is not None and facts.passive_sentence_share is not None:
            line = (
                f"Passive forms: {facts.passive_forms} (in "
                f"{_percent(facts.passive_sentence_share)} of sentences)  "
                f"-minen nouns: {facts.minen_nouns}"
            )
            if facts.compound_words is not None:
                line += f"  compounds of 3+ parts: {facts.compound_words}"
            click.echo(line)
        click.echo(f"Findings: {len(result.findings)}")
        for finding in result.findings:
            row, column = line_column(text, finding.start)
            click.echo(
                f"  {row}:{column}  {finding.code.value}  “{_shown(finding.matched)}”  "
                f"{messages.describe(finding)}"
            )
