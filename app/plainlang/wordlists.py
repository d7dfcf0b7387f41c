"""Word lists per language: officialese with plainer alternatives, abbreviations in full.

Sources for the choices: Kotus virkakieli advice and Selkokeskus word guidance (Finnish),
Språkrådet's klarspråk advice and "Myndigheternas skrivregler" (Swedish), the Plain English
Campaign's A–Z of alternative words and GOV.UK's words to avoid (English); see
``../shared/research/finnish_domain.md`` §4. The lists are a starting point for staff, not a
verdict: a word on them is sometimes the right word.

Patterns are regular expressions matched case-insensitively against whole words (single-word
entries) or anywhere on word boundaries (phrases). Finnish single words also carry their
dictionary form (``lemma``) so that with Voikko every inflected form and compound
("jatkotoimenpiteitä") is found from the analysis; the stem pattern is the fallback.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Officialese:
    #: The word or phrase as staff see it in the finding.
    term: str
    #: Plainer wording, in the same language as the text.
    alternative: str
    #: Regular expression for the word and its inflected forms, or for the phrase.
    pattern: str
    #: Finnish dictionary form to compare with Voikko's BASEFORM (single words only).
    lemma: str | None = None
    #: Also found as the last part of a compound ("jatkotoimenpide").
    compounds: bool = False


def _fi(term: str, alternative: str, stems: str, *, compounds: bool = False) -> Officialese:
    """A Finnish word: ``stems`` ("toimenpide|toimenpite") start every inflected form."""
    lead = r"\w*" if compounds else ""
    return Officialese(term, alternative, rf"{lead}(?:{stems})\w*", lemma=term, compounds=compounds)


def _form(term: str, alternative: str, pattern: str | None = None) -> Officialese:
    """A fixed word form or a phrase, matched as written (postpositions, phrases)."""
    return Officialese(term, alternative, pattern or term.replace(" ", r"\s+"))


OFFICIALESE: dict[str, tuple[Officialese, ...]] = {
    "fi": (
        _fi(
            "toimenpide",
            "toimi, teko (tai kerro, mitä tehdään)",
            "toimenpide|toimenpite",
            compounds=True,
        ),
        _fi("kyseinen", "tämä, se", "kyseinen|kyseise|kyseisi"),
        _fi("suorittaa", "tehdä, maksaa", "suoritt|suorita|suorite|suoriti"),
        _form("kyseessä", "kyse on, tämä on"),
        _fi("edellyttää", "vaatia, tarvita", "edellytt|edellytä|edellyte"),
        _fi("mikäli", "jos", "mikäli"),
        _fi("informoida", "kertoa, tiedottaa", "informo"),
        _fi("asianomainen", "se, jota asia koskee", "asianomai"),
        _form("koskien", "-sta, asiasta"),
        _form("johdosta", "takia, vuoksi"),
        _form("toimesta", "kerro, kuka tekee: ”kaupunki tekee”"),
        _form("osalta", "-lle, -ssa (”lapsille”, ”koulussa”)"),
        _form("puitteissa", "-ssa, aikana, mukaan"),
        _form("tiimoilta", "-sta, asiassa"),
        _form("taholta", "kerro, kuka: ”kaupunki”"),
        _fi("täten", "näin, siksi", "täten"),
        _fi("implementoida", "toteuttaa, ottaa käyttöön", "implemento"),
        _fi("jalkauttaa", "ottaa käyttöön, viedä käytäntöön", "jalkaut"),
        _fi("resursoida", "varata rahaa tai työaikaa", "resurso"),
        _fi("priorisoida", "panna tärkeysjärjestykseen", "prioriso"),
        _fi("tarkoituksenmukainen", "sopiva, hyvä", "tarkoituksenmukai"),
        _fi("hyödyntää", "käyttää", "hyödyntä|hyödynnä|hyödynsi|hyödynnet"),
        _fi("toteuttaa", "tehdä, järjestää", "toteutt|toteuta|toteute|toteuti"),
        _fi("omata", "olla, jollakulla on", "omaav"),
        _fi("vastaanottaa", "saada, ottaa vastaan", "vastaanot"),
        _fi("käsittää", "tarkoittaa, sisältää", "käsittä|käsitä|käsitti|käsitet"),
        _form("edellä mainittu", "tämä, nämä", r"edellä\s+mainit\w*"),
        _form("lukuun ottamatta", "paitsi"),
        _fi("menettely", "tapa, miten toimitaan", "menettel", compounds=True),
        _fi("ajankohta", "aika, milloin", "ajankoh"),
        _fi("määräytyä", "riippua", "määräyt"),
        _form(
            "tulee + perusmuoto",
            "pitää, täytyy (”hakemus pitää jättää”)",
            r"(?:tulee|tulisi|tulevat|tulisivat)\s+(?:olla|jättää|toimittaa|tehdä|ottaa|ilmoittaa"
            r"|hakea|täyttää|lähettää|huomioida|noudattaa|palauttaa|esittää|liittää|varata|maksaa)",
        ),
    ),
    "sv": (
        _form("erforderlig", "nödvändig, som behövs", r"erforderlig\w*"),
        _form("erfordra", "behöva, kräva", r"erfordra\w*"),
        _form("beträffande", "om, när det gäller"),
        _form("avseende", "om, när det gäller", r"(?:med\s+)?avseende(?:\s+på)?"),
        _form("innevarande", "detta, i år", r"innevarande"),
        _form("tillhandahålla", "ge, erbjuda, ha", r"tillhandah[åö]ll\w*"),
        _form("därest", "om"),
        _form("medelst", "med, genom"),
        _form("emellertid", "men"),
        _form("erhålla", "få", r"erh[åö]ll\w*"),
        _form("tillställa", "skicka", r"tillställ\w*"),
        _form("inkomma", "skicka in, lämna", r"inkomm\w*|inkom|inkomna"),
        _form("vederbörande", "den det gäller"),
        _form("ifrågavarande", "den här, det här"),
        _form("verkställa", "genomföra, göra", r"verkställ\w*"),
        _form("föreligga", "finnas", r"föreli[gt]\w*|förel[åa]g\w*"),
        _form("tillse", "se till", r"tills[eå]\w*"),
        _form("torde", "bör, troligen"),
        _form("ävensom", "och"),
        _form("i enlighet med", "enligt"),
        _form("i syfte att", "för att"),
        _form("med anledning av", "på grund av, eftersom"),
        _form("till följd av", "på grund av"),
        _form("på grundval av", "utifrån, efter"),
        _form("härmed", "nu (eller stryk)"),
        _form(
            "vidta åtgärder", "göra något, ordna", r"vidt(?:a|ar|agit|og|ogs|as|agna)\s+åtgärd\w*"
        ),
        _form("anhålla om", "be om", r"anhåll\w*\s+om"),
        _form("delge", "meddela, informera", r"delg[ei]\w*"),
        _form("nyttja", "använda", r"nyttja\w*"),
        _form("dylik", "sådan", r"dylik\w*"),
        _form("åligga", "vara skyldig att, ska", r"ålig\w*|ålåg\w*"),
        _form("ombesörja", "ordna, se till", r"ombesörj\w*"),
        _form("icke", "inte"),
        _form("inom ramen för", "i, inom"),
    ),
    "en": (
        _form("utilise", "use", r"utili[sz]\w*"),
        _form("in respect of", "about, for"),
        _form("commence", "start, begin", r"commenc\w*"),
        _form("prior to", "before"),
        _form("in accordance with", "under, in line with"),
        _form("facilitate", "help, make easier", r"facilitat\w*"),
        _form("endeavour", "try", r"endeavou?r\w*"),
        _form("terminate", "end, stop", r"terminat\w*"),
        _form("furthermore", "also, and"),
        _form("hereby", "(leave out)"),
        _form("in the event that", "if"),
        _form("with regard to", "about", r"with\s+regards?\s+to"),
        _form("in order to", "to"),
        _form("subsequent to", "after"),
        _form("notwithstanding", "despite, even if"),
        _form("pursuant to", "under, in line with"),
        _form("forthwith", "now, at once"),
        _form("ascertain", "find out", r"ascertain\w*"),
        _form("remuneration", "pay"),
        _form("expedite", "speed up", r"expedit\w*"),
        _form("in lieu of", "instead of"),
        _form("aforementioned", "this, these", r"aforementioned|aforesaid"),
        _form("in conjunction with", "with, together with"),
        _form("at this point in time", "now"),
        _form("with a view to", "to, so that"),
        _form("pertaining to", "about", r"pertain\w*\s+to"),
        _form("henceforth", "from now on"),
        _form("whilst", "while"),
        _form("in receipt of", "have received, get"),
        _form("is subject to", "depends on, needs", r"(?:is|are|be)\s+subject\s+to"),
        _form("obtain", "get", r"obtain\w*"),
    ),
}


@dataclass(frozen=True, slots=True)
class Abbreviation:
    #: As written in the text, for display.
    short: str
    #: What to write instead.
    full: str
    #: Regular expression; by default the abbreviation itself, dots literal, on word boundaries.
    pattern: str


def _abbr(short: str, full: str, pattern: str | None = None) -> Abbreviation:
    return Abbreviation(short, full, pattern or re_escape_abbreviation(short))


def re_escape_abbreviation(short: str) -> str:
    # "t.ex." also matches "t. ex." and "t.ex" at the end of a clause.
    parts = [part for part in short.split(".") if part]
    body = r"\.\s?".join(parts)
    return body + (r"\." if short.endswith(".") else "")


#: Abbreviations that need a number after them ("n. 50", "v. 2024") to be told from words.
ABBREVIATIONS: dict[str, tuple[Abbreviation, ...]] = {
    "fi": (
        _abbr("esim.", "esimerkiksi"),
        _abbr("yms.", "ja muuta sellaista"),
        _abbr("ym.", "ynnä muuta, ja muita"),
        _abbr("tms.", "tai muuta sellaista"),
        _abbr("jne.", "ja niin edelleen"),
        _abbr("ks.", "katso"),
        _abbr("kts.", "katso"),
        _abbr("vrt.", "vertaa"),
        _abbr("mm.", "muun muassa"),
        _abbr("ns.", "niin sanottu"),
        _abbr("ko.", "kyseinen, tämä"),
        _abbr("em.", "edellä mainittu, tämä"),
        _abbr("ao.", "asianomainen"),
        _abbr("huom.", "huomaa"),
        _abbr("puh.", "puhelin"),
        _abbr("klo", "kello"),
        _abbr("n.", "noin", r"n\.(?=\s?\d)"),
        _abbr("v.", "vuonna", r"v\.(?=\s?\d)"),
        _abbr("milj.", "miljoonaa"),
        _abbr("mrd.", "miljardia"),
        _abbr("nk.", "niin kutsuttu"),
        _abbr("yht.", "yhteensä"),
    ),
    "sv": (
        _abbr("t.ex.", "till exempel"),
        _abbr("bl.a.", "bland annat"),
        _abbr("m.m.", "med mera"),
        _abbr("m.fl.", "med flera"),
        _abbr("osv.", "och så vidare"),
        _abbr("dvs.", "det vill säga"),
        _abbr("s.k.", "så kallad"),
        _abbr("ca", "cirka, ungefär", r"ca\.?(?=\s?\d)"),
        _abbr("fr.o.m.", "från och med"),
        _abbr("t.o.m.", "till och med"),
        _abbr("kl.", "klockan"),
        _abbr("resp.", "respektive"),
        _abbr("enl.", "enligt"),
        _abbr("jfr", "jämför"),
        _abbr("p.g.a.", "på grund av"),
        _abbr("pga.", "på grund av"),
        _abbr("ang.", "angående, om"),
        _abbr("obs.", "observera"),
        _abbr("inkl.", "inklusive, med"),
        _abbr("exkl.", "utom"),
        _abbr("tfn", "telefon"),
        _abbr("st.", "stycken"),
    ),
    "en": (
        _abbr("e.g.", "for example"),
        _abbr("i.e.", "that is"),
        _abbr("etc.", "and so on"),
        _abbr("approx.", "about"),
        _abbr("incl.", "including"),
        _abbr("excl.", "except"),
        _abbr("N.B.", "note"),
        _abbr("viz.", "namely"),
        _abbr("cf.", "compare"),
        _abbr("et al.", "and others", r"et\s+al\."),
        _abbr("tel.", "phone"),
        _abbr("w.r.t.", "about"),
        _abbr("asap", "as soon as possible", r"a\.?s\.?a\.?p\.?"),
        _abbr("no.", "number", r"no\.(?=\s?\d)"),
        _abbr("dept.", "department"),
    ),
}

#: Weekday abbreviations in ranges ("ma–pe", "mån–fre", "Mon–Fri"): each day's (from, to) form.
WEEKDAYS: dict[str, dict[str, tuple[str, str]]] = {
    "fi": {
        "ma": ("maanantaista", "maanantaihin"),
        "ti": ("tiistaista", "tiistaihin"),
        "ke": ("keskiviikosta", "keskiviikkoon"),
        "to": ("torstaista", "torstaihin"),
        "pe": ("perjantaista", "perjantaihin"),
        "la": ("lauantaista", "lauantaihin"),
        "su": ("sunnuntaista", "sunnuntaihin"),
    },
    "sv": {
        "mån": ("måndag", "måndag"),
        "tis": ("tisdag", "tisdag"),
        "ons": ("onsdag", "onsdag"),
        "tors": ("torsdag", "torsdag"),
        "tor": ("torsdag", "torsdag"),
        "fre": ("fredag", "fredag"),
        "lör": ("lördag", "lördag"),
        "sön": ("söndag", "söndag"),
    },
    "en": {
        "mon": ("Monday", "Monday"),
        "tue": ("Tuesday", "Tuesday"),
        "tues": ("Tuesday", "Tuesday"),
        "wed": ("Wednesday", "Wednesday"),
        "thu": ("Thursday", "Thursday"),
        "thur": ("Thursday", "Thursday"),
        "thurs": ("Thursday", "Thursday"),
        "fri": ("Friday", "Friday"),
        "sat": ("Saturday", "Saturday"),
        "sun": ("Sunday", "Sunday"),
    },
}

#: How a weekday range is written out: "maanantaista perjantaihin", "måndag till fredag".
WEEKDAY_JOIN = {"fi": "{0} {1}", "sv": "{0} till {1}", "en": "{0} to {1}"}

#: Capitalised short words that are not acronyms worth explaining.
NOT_ACRONYMS = frozenset({"OK", "TV"})
