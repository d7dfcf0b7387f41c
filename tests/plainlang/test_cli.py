"""`flask plainlang check FILE --lang …`."""

from __future__ import annotations

import pytest

from .conftest import SAMPLES


def test_check_prints_facts_grade_and_findings_with_line_and_column(runner, heuristics):
    path = SAMPLES / "fi_library_officialese.txt"
    result = runner.invoke(
        args=["plainlang", "check", str(path), "--lang", "fi", "--ui-lang", "en"]
    )

    assert result.exit_code == 0, result.output
    assert "Grade: hard (Hard to read)" in result.output
    assert "Sentences: 7  words: 89" in result.output
    assert "LIX: 85.7 (very hard)" in result.output
    assert "Voikko: off (PLAINLANG_VOIKKO=0)" in result.output
    # The title is on line 1; "koskien" starts at column 9.
    assert "  1:9  officialese  “koskien”  “koskien” sounds official." in result.output
    # The long first sentence of the body is line 3, column 1.
    assert "  3:1  long_sentence  “Kemin kaupungin" in result.output


@pytest.mark.parametrize(
    ("lang", "grade"),
    [("sv", "easy"), ("en", "easy")],
)
def test_check_plain_rewrite_grades_easy(runner, lang, grade):
    path = SAMPLES / f"{lang}_library_plain.txt"
    result = runner.invoke(args=["plainlang", "check", str(path), "--lang", lang])

    assert result.exit_code == 0, result.output
    assert f"Grade: {grade} (" in result.output


def test_check_reads_standard_input(runner):
    result = runner.invoke(
        args=["plainlang", "check", "-", "--lang", "en"],
        input="Please utilise the form prior to the meeting.\n",
    )

    assert result.exit_code == 0, result.output
    assert "1:8  officialese  “utilise”" in result.output
    assert "1:25  officialese  “prior to”" in result.output


def test_check_empty_file_says_there_is_no_grade(runner, tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("  \n🙂\n", encoding="utf-8")

    result = runner.invoke(args=["plainlang", "check", str(path), "--lang", "sv"])

    assert result.exit_code == 0, result.output
    assert "Grade: none (the text has no words)" in result.output


def test_check_needs_the_language(runner):
    result = runner.invoke(args=["plainlang", "check", str(SAMPLES / "en_library_plain.txt")])

    assert result.exit_code == 2
    assert "--lang" in result.output
