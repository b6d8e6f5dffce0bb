"""Word tokens with the match keys the gazetteer and the heuristics share.

Entity matching works on keys rather than raw words so that one lookup covers the forms a name
takes in running text: English possessives ("Russia's", "Russia’s") and dotted initialisms ("U.S.",
"J.D.") reduce to one key, and a Ukrainian word yields its case-ending stems, so "Росія", "Росії",
"Росією" and "Росію" all meet the stem "росі". Gazetteer aliases go through the very same functions,
which is what keeps the two sides in step.
"""

from __future__ import annotations

import re
import unicodedata


def word_set(words: str) -> frozenset[str]:
    """A set from a whitespace-separated block: long vocabularies stay readable, one paragraph each."""
    return frozenset(words.split())


# Dotted initialisms (U.S., J.D.), words with inner apostrophes (Russia's, Слов'янськ), numbers.
TOKEN_RE = re.compile(r"(?:[^\W\d_]\.){2,}|[^\W\d_]+(?:['’ʼ][^\W\d_]+)*|\d+")
_JOIN_GAP_RE = re.compile(r"[ \t\u00a0]*-?[ \t\u00a0]*")
_SENTENCE_GAP_RE = re.compile(r"[.!?:\n*•«“\"]")

# Ukrainian noun/adjective case endings, shortest first: a word's stems are what remains after each
# ending it carries, kept only when at least three letters are left (so short words stay whole).
UK_ENDINGS: tuple[str, ...] = tuple(
    sorted(
        word_set(
            """а я у ю і ї и е є о й ь ою ею єю ий ій ої ім им ом ем єм ах ях ів їв ам ям их іх
            ого ому ими іми ами ями ові еві єві"""
        ),
        key=lambda e: (len(e), e),
    )
)
_MIN_STEM = 3
# The same endings grouped by their last letter, so a word is only tested against endings it can carry.
_ENDINGS_BY_LAST: dict[str, tuple[str, ...]] = {}
for _ending in UK_ENDINGS:
    _ENDINGS_BY_LAST[_ending[-1]] = (*_ENDINGS_BY_LAST.get(_ending[-1], ()), _ending)

# Abbreviations whose period does not end a sentence.
_ABBREVIATIONS = word_set(
    """mr mrs ms dr st gen lt col sgt capt maj adm sen rep gov pres prof jr sr vs no jan feb mar apr jun
    jul aug sep sept oct nov dec inc ltd co corp"""
)


class Token:
    """One word of the text with its position and the facts the matchers ask about it.

    A plain slotted class rather than a dataclass: ``dataclasses`` costs several milliseconds to
    import, and this module sits on the cold-start path.
    """

    __slots__ = (
        "acronym",
        "cap",
        "cyrillic",
        "end",
        "joined",
        "key",
        "keys",
        "possessive",
        "sentence_start",
        "start",
        "text",
    )

    text: str
    start: int
    end: int
    keys: tuple[str, ...]
    """Match keys, most specific first (for Cyrillic words: the word, then its stems)."""
    key: str
    """The first (most specific) key."""
    cap: bool
    """Starts with an upper-case letter (names, and every sentence's first word)."""
    acronym: bool
    possessive: bool
    cyrillic: bool
    joined: bool
    """Separated from the previous token by spaces or a hyphen only, so both can be one name."""
    sentence_start: bool

    def __init__(  # noqa: PLR0917 - built once per word; positional is twice as fast as keywords
        self,
        text: str,
        start: int,
        end: int,
        keys: tuple[str, ...],
        key: str,
        cap: bool,
        acronym: bool,
        possessive: bool,
        cyrillic: bool,
        joined: bool,
        sentence_start: bool,
    ) -> None:
        self.text = text
        self.start = start
        self.end = end
        self.keys = keys
        self.key = key
        self.cap = cap
        self.acronym = acronym
        self.possessive = possessive
        self.cyrillic = cyrillic
        self.joined = joined
        self.sentence_start = sentence_start

    def __repr__(self) -> str:
        return f"Token({self.text!r}, {self.start}, {self.end})"


def is_cyrillic(word: str) -> bool:
    return "\u0400" <= word[0] <= "\u04ff"


def _strip_marks(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def latin_key(word: str) -> tuple[str, bool, bool]:
    """(key, acronym, possessive): "Russia’s" → ("russia", False, True), "U.S." → ("US", True, False)."""
    base = word.replace("’", "'").replace("ʼ", "'")
    possessive = False
    if base.endswith("'s") or base.endswith("'S"):
        base, possessive = base[:-2], True
    if "." in base:
        base = base.replace(".", "")
    if not base.isascii():
        base = _strip_marks(base)
    if base.isupper() and (len(base) >= 2 or len(word) <= 2):
        return base, True, possessive
    return base.casefold(), False, possessive


def cyrillic_keys(word: str) -> tuple[tuple[str, ...], bool]:
    """(keys, acronym): the word itself and its case-ending stems, longest first."""
    base = word.replace("’", "'").replace("ʼ", "'")
    if len(base) >= 2 and base.isupper():
        return (base,), True
    folded = base.casefold()
    keys = [folded]
    for ending in _ENDINGS_BY_LAST.get(folded[-1], ()):
        if folded.endswith(ending) and len(folded) - len(ending) >= _MIN_STEM:
            keys.append(folded[: -len(ending)])
    return tuple(keys), False


def word_keys(word: str) -> tuple[tuple[str, ...], bool, bool]:
    """(keys, acronym, possessive) for one word, whatever its script."""
    if is_cyrillic(word):
        keys, acronym = cyrillic_keys(word)
        return keys, acronym, False
    key, acronym, possessive = latin_key(word)
    return (key,), acronym, possessive


# Facts about a word that do not depend on where it stands, cached across calls: news vocabulary
# repeats, so most words of an article are already known. Bounded so a stream of odd words cannot grow it.
_WORD_FACTS: dict[str, tuple[tuple[str, ...], bool, bool, bool, bool]] = {}
_WORD_FACTS_LIMIT = 50_000


def _word_facts(word: str) -> tuple[tuple[str, ...], bool, bool, bool, bool]:
    facts = _WORD_FACTS.get(word)
    if facts is None:
        keys, acronym, possessive = word_keys(word)
        facts = (keys, acronym, possessive, is_cyrillic(word), word[0].isupper())
        if len(_WORD_FACTS) >= _WORD_FACTS_LIMIT:
            _WORD_FACTS.clear()
        _WORD_FACTS[word] = facts
    return facts


def _gap_facts(gap: str) -> tuple[bool, bool]:
    """(joined, sentence_start) for the text between two words; gaps repeat, so this is cached."""
    facts = _GAP_FACTS.get(gap)
    if facts is None:
        facts = (bool(_JOIN_GAP_RE.fullmatch(gap)), bool(_SENTENCE_GAP_RE.search(gap)))
        if len(_GAP_FACTS) < _WORD_FACTS_LIMIT:
            _GAP_FACTS[gap] = facts
    return facts


_GAP_FACTS: dict[str, tuple[bool, bool]] = {}


def tokenize(text: str) -> list[Token]:
    """Tokens of ``text`` in order. Linear and regex-driven: under 1 ms for a 600-word article."""
    tokens: list[Token] = []
    append = tokens.append
    known = _WORD_FACTS.get
    prev_end = 0
    prev: Token | None = None
    for match in TOKEN_RE.finditer(text):
        word = match.group()
        start, end = match.span()
        keys, acronym, possessive, cyrillic, cap = known(word) or _word_facts(word)
        if prev is None:
            sentence_start, joined = True, False
        elif start - prev_end == 1 and text[prev_end] == " ":
            sentence_start, joined = False, True  # the common case: one space
        else:
            gap = text[prev_end:start]
            joined, sentence_start = _gap_facts(gap)
            if (
                sentence_start
                and gap[0] == "."
                and ((len(prev.text) == 1 and prev.text.isupper()) or prev.key.casefold() in _ABBREVIATIONS)
            ):
                # "St. Petersburg", "J. D. Vance", "Oct. 4": the period belongs to an abbreviation.
                sentence_start = bool(_SENTENCE_GAP_RE.search(gap, 1))
                joined = gap in (". ", ".")
        token = Token(word, start, end, keys, keys[0], cap, acronym, possessive, cyrillic, joined, sentence_start)
        append(token)
        prev, prev_end = token, end
    return tokens
