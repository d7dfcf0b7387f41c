"""Plain-language checker for staff texts in Finnish, Swedish and English (issue 8).

``analyze(text, locale)`` measures a text and lists findings with their character spans;
``messages`` renders them for staff; ``flask plainlang check FILE --lang fi`` runs it on a file.
"""

from app.plainlang.analyzer import (
    Analysis,
    Facts,
    Finding,
    FindingCode,
    Grade,
    GradeBasis,
    LixBand,
    analyze,
)

__all__ = [
    "Analysis",
    "Facts",
    "Finding",
    "FindingCode",
    "Grade",
    "GradeBasis",
    "LixBand",
    "analyze",
]
