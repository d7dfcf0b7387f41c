"""A small ctypes binding to libvoikko (Debian ``libvoikko1`` + ``voikko-fi``): Finnish morphology.

Only what the checker needs: open one Finnish handle, analyse a word. The handle is shared and
guarded by a lock (libvoikko: "a single handle should not be used simultaneously from multiple
threads"); analyses are cached. When the library or the Finnish dictionary is missing, or
``PLAINLANG_VOIKKO=0`` is set, :func:`available` is False and the checker uses its heuristics.

C API used (libvoikko ``voikko.h``)::

    VoikkoHandle *voikkoInit(const char **error, const char *langcode, const char *path);
    voikko_mor_analysis **voikkoAnalyzeWordCstr(VoikkoHandle *, const char *word);
    const char **voikko_mor_analysis_keys(const voikko_mor_analysis *);
    char *voikko_mor_analysis_value_cstr(const voikko_mor_analysis *, const char *key);
    void voikko_free_mor_analysis_value_cstr(char *);
    void voikko_free_mor_analysis(voikko_mor_analysis **);
    void voikkoTerminate(VoikkoHandle *);
"""

from __future__ import annotations

import atexit
import ctypes
import ctypes.util
import os
import threading
from dataclasses import dataclass
from functools import lru_cache

ENV_SWITCH = "PLAINLANG_VOIKKO"

#: The analysis keys the checker reads; others (FSTOUTPUT, TENSE…) are not fetched.
_KEYS = (
    "BASEFORM",
    "CLASS",
    "STRUCTURE",
    "SIJAMUOTO",
    "MOOD",
    "PERSON",
    "NEGATIVE",
    "PARTICIPLE",
    "WORDBASES",
)

#: Longer "words" are not sent to Voikko (URLs, runs of letters).
MAX_WORD_LENGTH = 80


@dataclass(frozen=True, slots=True)
class WordAnalysis:
    """One reading of a word, as Voikko gives it (values are Voikko's own, Finnish terms)."""

    #: Dictionary form, e.g. "toimenpide" for "toimenpiteiden".
    baseform: str | None
    #: Word class: "nimisana" (noun), "teonsana" (verb), "laatusana" (adjective), …
    word_class: str | None
    #: Letter-by-letter structure; each "=" starts a compound part ("=ppppp=pppppp").
    structure: str | None
    #: Case ("omanto", "osanto", …).
    case: str | None
    #: "indicative", "conditional", "A-infinitive", "MINEN-infinitive", …
    mood: str | None
    #: "1"–"3", "4" = passive.
    person: str | None
    #: "true" for connegative forms ("ei suoriteta"), "false" or "both" otherwise.
    negative: str | None
    #: "present_passive", "past_passive", "present_active", …
    participle: str | None
    #: How the word was built: "+suoritet(suorittaa)+tav+a(+a)"; the verb in brackets.
    wordbases: str | None

    @property
    def compound_parts(self) -> int:
        return (self.structure or "").count("=")


class _Library:
    """The loaded library and its one handle; every call into it holds ``lock``."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.lib: ctypes.CDLL | None = None
        self.handle: int | None = None
        self.error: str | None = None
        self.tried = False

    def open(self) -> bool:
        with self.lock:
            if not self.tried:
                self.tried = True
                try:
                    self._open()
                except OSError as error:
                    self.error = f"libvoikko could not be loaded: {error}"
            return self.handle is not None

    def _open(self) -> None:
        name = ctypes.util.find_library("voikko") or "libvoikko.so.1"
        lib = ctypes.CDLL(name)
        lib.voikkoInit.restype = ctypes.c_void_p
        lib.voikkoInit.argtypes = [
            ctypes.POINTER(ctypes.c_char_p),
            ctypes.c_char_p,
            ctypes.c_char_p,
        ]
        lib.voikkoTerminate.restype = None
        lib.voikkoTerminate.argtypes = [ctypes.c_void_p]
        lib.voikkoAnalyzeWordCstr.restype = ctypes.POINTER(ctypes.c_void_p)
        lib.voikkoAnalyzeWordCstr.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        lib.voikko_mor_analysis_keys.restype = ctypes.POINTER(ctypes.c_char_p)
        lib.voikko_mor_analysis_keys.argtypes = [ctypes.c_void_p]
        # A pointer, not c_char_p: the value must be handed back to libvoikko to be freed.
        lib.voikko_mor_analysis_value_cstr.restype = ctypes.c_void_p
        lib.voikko_mor_analysis_value_cstr.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        lib.voikko_free_mor_analysis_value_cstr.restype = None
        lib.voikko_free_mor_analysis_value_cstr.argtypes = [ctypes.c_void_p]
        lib.voikko_free_mor_analysis.restype = None
        lib.voikko_free_mor_analysis.argtypes = [ctypes.POINTER(ctypes.c_void_p)]
        error = ctypes.c_char_p()
        handle = lib.voikkoInit(ctypes.byref(error), b"fi", None)
        if not handle:
            message = error.value.decode("utf-8", "replace") if error.value else "unknown error"
            self.error = f"Finnish dictionary not found (voikko-fi): {message}"
            return
        self.lib = lib
        self.handle = handle
        atexit.register(self.close)

    def close(self) -> None:
        with self.lock:
            if self.lib is not None and self.handle is not None:
                self.lib.voikkoTerminate(self.handle)
            self.handle = None

    def analyze(self, word: str) -> tuple[WordAnalysis, ...]:
        with self.lock:
            lib, handle = self.lib, self.handle
            if lib is None or handle is None:
                return ()
            results = lib.voikkoAnalyzeWordCstr(handle, word.encode("utf-8"))
            if not results:
                return ()
            try:
                analyses = []
                i = 0
                while results[i]:
                    analyses.append(self._read(lib, results[i]))
                    i += 1
                return tuple(analyses)
            finally:
                lib.voikko_free_mor_analysis(results)

    @staticmethod
    def _read(lib: ctypes.CDLL, analysis: int) -> WordAnalysis:
        present = set()
        keys = lib.voikko_mor_analysis_keys(analysis)
        j = 0
        while keys and keys[j]:
            present.add(keys[j].decode("ascii"))
            j += 1
        values: dict[str, str | None] = {}
        for key in _KEYS:
            values[key] = None
            if key not in present:
                continue
            pointer = lib.voikko_mor_analysis_value_cstr(analysis, key.encode("ascii"))
            if pointer:
                values[key] = ctypes.string_at(pointer).decode("utf-8", "replace")
                lib.voikko_free_mor_analysis_value_cstr(pointer)
        return WordAnalysis(
            baseform=values["BASEFORM"],
            word_class=values["CLASS"],
            structure=values["STRUCTURE"],
            case=values["SIJAMUOTO"],
            mood=values["MOOD"],
            person=values["PERSON"],
            negative=values["NEGATIVE"],
            participle=values["PARTICIPLE"],
            wordbases=values["WORDBASES"],
        )


_library = _Library()


def disabled_by_env() -> bool:
    """``PLAINLANG_VOIKKO=0`` (or "false", "no", "off") forces the heuristics."""
    return os.environ.get(ENV_SWITCH, "").strip().lower() in {"0", "false", "no", "off"}


def available() -> bool:
    """Whether Finnish analyses come from Voikko (read on every call, so tests can switch it)."""
    return not disabled_by_env() and _library.open()


def status() -> str:
    """A short explanation for `flask plainlang check` and the README."""
    if disabled_by_env():
        return f"off ({ENV_SWITCH}=0)"
    if _library.open():
        return "on (libvoikko, Finnish dictionary)"
    return f"off ({_library.error})"


@lru_cache(maxsize=65536)
def analyze_word(word: str) -> tuple[WordAnalysis, ...]:
    """Voikko's readings of one Finnish word; empty when Voikko does not know it or is off."""
    if not word or len(word) > MAX_WORD_LENGTH or "\x00" in word or not _library.open():
        return ()
    return _library.analyze(word)
