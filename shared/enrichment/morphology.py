"""Ukrainian morphology: case, gender and dictionary form of a word, through pymorphy3's Ukrainian dictionary.

Why a library: a name in running Ukrainian text is almost never in its dictionary form ("з Діком
Схоофом", "Ростислава Семківа", "Георгієві Тихому"). Stripping endings by hand cannot tell a dative
first name from a surname nor a masculine genitive from a feminine nominative; the dictionary (VESUM,
with given names, surnames and patronymics tagged) and its suffix predictor for unknown words can.

Cost and laziness: ``pymorphy3`` and ``pymorphy3-dicts-uk`` are imported on the first call, never when
this module is imported, so the API (which imports ``shared.enrichment.text`` and friends) never pays
for them. Loading takes about 150 ms and 20 MB; only the enrich function ships them (see
docs/decisions.md). The dictionary path is given explicitly, so pymorphy3's package discovery (and its
Russian dictionary) is never touched. Parsing a word costs 0.1-0.6 ms in pure Python, so results are
cached per word for the life of the process and callers parse only candidate words, never a whole text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache, lru_cache
from typing import Any, NamedTuple

# Cases in the order a reading is preferred when several fit equally (vocative is never chosen:
# news copy does not address people, and its forms collide with the nominative).
CASES = ("nomn", "gent", "accs", "datv", "ablt", "loct")
_CASE_RANK = {case: rank for rank, case in enumerate(CASES)}
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'"})
_CACHE_LIMIT = 50_000


class Reading(NamedTuple):
    """One dictionary reading of a word: what pymorphy3 calls a parse, reduced to what we ask of it."""

    lemma: str
    pos: str | None
    case: str | None
    gender: str | None
    number: str | None
    name: bool  # a given name (Name)
    surname: bool  # Surn
    patronymic: bool  # Patr
    fixed: bool  # indeclinable (Fixd): the same form in every case
    known: bool  # from the dictionary, not guessed from the word's ending
    parse: Any  # the pymorphy3 Parse, for inflecting


class MorphologyUnavailableError(RuntimeError):
    """pymorphy3 or its Ukrainian dictionary is not installed (the enrich dependency group)."""


@cache
def _analyzer() -> Any:
    try:
        import pymorphy3  # noqa: PLC0415 - deferred on purpose: only Ukrainian enrichment pays for it
        import pymorphy3_dicts_uk  # noqa: PLC0415
    except ImportError as error:  # pragma: no cover - the dev and enrich environments both install it
        raise MorphologyUnavailableError(
            "Ukrainian enrichment needs pymorphy3 and pymorphy3-dicts-uk (the 'enrich' dependency group)"
        ) from error
    return pymorphy3.MorphAnalyzer(path=pymorphy3_dicts_uk.get_path(), lang="uk")


def load() -> None:
    """Load the dictionary now (a cold start can do it before the first article, or a bench can time it)."""
    _analyzer()


_READINGS: dict[str, tuple[Reading, ...]] = {}


def readings(word: str) -> tuple[Reading, ...]:
    """Every reading of ``word`` (any capitalization), cached per word for the process."""
    key = word.translate(_APOSTROPHES).casefold()
    found = _READINGS.get(key)
    if found is not None:
        return found
    out = []
    for parse in _analyzer().parse(key):
        tag = parse.tag
        grammemes = tag.grammemes
        stack = parse.methods_stack
        known = len(stack) == 1 and stack[0][0].__class__.__name__ == "DictionaryAnalyzer"
        out.append(
            Reading(
                lemma=parse.normal_form,
                pos=tag.POS,
                case=tag.case,
                gender=tag.gender,
                number=tag.number,
                name="Name" in grammemes,
                surname="Surn" in grammemes,
                patronymic="Patr" in grammemes,
                fixed="Fixd" in grammemes,
                known=known,
                parse=parse,
            )
        )
    found = tuple(out)
    if len(_READINGS) >= _CACHE_LIMIT:
        _READINGS.clear()
    _READINGS[key] = found
    return found


def is_given_name(word: str) -> bool:
    return any(r.name and r.known for r in readings(word))


def is_surname(word: str) -> bool:
    return any(r.surname and r.known for r in readings(word))


def is_known(word: str) -> bool:
    """In the dictionary (not only guessed from its ending)."""
    return any(r.known for r in readings(word))


def lemmas(word: str, pos: Iterable[str] = ("NOUN",)) -> frozenset[str]:
    """Dictionary forms of ``word`` read as one of ``pos`` ("банку" → {"банк", "банка"})."""
    return _lemmas(word, tuple(pos))


@lru_cache(maxsize=_CACHE_LIMIT)
def _lemmas(word: str, pos: tuple[str, ...]) -> frozenset[str]:
    return frozenset(r.lemma for r in readings(word) if r.pos in pos)


def has_reading(word: str, *, pos: str | None = None, case: str | None = None, lemma: str | None = None) -> bool:
    return any(
        (pos is None or r.pos == pos) and (case is None or r.case == case) and (lemma is None or r.lemma == lemma)
        for r in readings(word)
    )


def restore(form: str, original: str) -> str:
    """``form`` written the way ``original`` is: capitals per hyphenated part, the same apostrophe."""
    apostrophe = next((ch for ch in original if ch in "'’ʼ"), "'")
    form = form.replace("'", apostrophe)
    if original.isupper() and len(original) > 1:
        return form.upper()
    parts, originals = form.split("-"), original.split("-")
    if len(parts) != len(originals):
        return form[:1].upper() + form[1:] if original[:1].isupper() else form
    return "-".join(p[:1].upper() + p[1:] if o[:1].isupper() else p for p, o in zip(parts, originals, strict=True))


def _nominative(reading: Reading, word: str) -> str:
    if reading.fixed or reading.case == "nomn":
        return word
    # The Ukrainian dictionary marks the plural only; a reading without a number is singular.
    wanted = {"nomn", "plur"} if reading.number == "plur" else {"nomn"}
    if reading.pos in ("ADJF", "PRTF") and reading.gender and reading.number != "plur":
        wanted.add(reading.gender)
    inflected = reading.parse.inflect(wanted)
    return restore(inflected.word, word) if inflected is not None else word


def _person_weight(reading: Reading, position: str) -> float:
    """How well a reading fits a word's place in a name: a given name first, a surname last."""
    weight = 0.5 if reading.known else 0.25
    if (
        (position == "first" and reading.name)
        or (position == "last" and reading.surname)
        or (position == "middle" and (reading.patronymic or reading.name))
    ):
        weight += 2.0
    elif reading.name or reading.surname or reading.patronymic:
        weight += 1.0
    elif reading.pos == "NOUN":
        weight += 0.5 if "anim" in reading.parse.tag.grammemes else 0.25
    return weight


def person_nominative(words: Sequence[str]) -> tuple[str, ...]:
    """See :func:`_person_nominative`; cached per name, since names recur across articles."""
    return _person_nominative(tuple(words))


@lru_cache(maxsize=_CACHE_LIMIT)
def _person_nominative(words: tuple[str, ...]) -> tuple[str, ...]:
    """A person's name as written (any case) in the nominative: the case and gender all words agree on.

    "Діком Схоофом" → ("Дік", "Схооф"), "Ростислава Семківа" → ("Ростислав", "Семків"),
    "Георгієві Тихому" → ("Георгій", "Тихий"), "Оксани Лисенко" → ("Оксана", "Лисенко").
    """
    if not words:
        return ()
    n = len(words)
    # A name the dictionary does not know ("Арда Туран") that can be read as a nominative stays as written:
    # guessing an oblique reading from its ending would invent a different name ("Ард").
    if any(not is_known(w) for w in words) and all(
        any(r.case == "nomn" or r.fixed for r in readings(w)) or not readings(w) for w in words
    ):
        return tuple(words)
    options: list[dict[tuple[str, str], tuple[float, str]]] = []
    for index, word in enumerate(words):
        position = "single" if n == 1 else "first" if index == 0 else "last" if index == n - 1 else "middle"
        best: dict[tuple[str, str], tuple[float, str]] = {}
        for reading in readings(word):
            if reading.number == "plur" or reading.pos not in ("NOUN", "ADJF"):
                continue
            cases: tuple[str | None, ...] = CASES if reading.fixed else (reading.case,)
            genders: tuple[str | None, ...] = (
                (reading.gender,) if reading.gender in ("masc", "femn") else ("masc", "femn")
            )
            weight = _person_weight(reading, position)
            if position == "last" and reading.case == "nomn" and reading.pos == "NOUN" and reading.gender == "masc":
                # A consonant-final surname is indeclinable for a woman: "Богдана Кисіль", "Кая Каллас".
                genders = ("masc", "femn")
                cases = CASES
            for case in cases:
                if case not in _CASE_RANK:
                    continue
                for gender in genders:
                    key = (case, gender or "masc")
                    if key not in best or weight > best[key][0]:
                        best[key] = (weight, word if reading.fixed else _nominative(reading, word))
        options.append(best)
    shared = set.intersection(*(set(o) for o in options)) if all(options) else set()
    if not shared:
        return tuple(words)
    case, gender = max(shared, key=lambda k: (sum(o[k][0] for o in options), -_CASE_RANK[k[0]], k[1] == "masc"))
    return tuple(o[(case, gender)][1] or w for o, w in zip(options, words, strict=True))


def phrase_nominative(words: Sequence[str], head: int) -> tuple[str, ...]:
    """See :func:`_phrase_nominative`; cached per phrase."""
    return _phrase_nominative(tuple(words), head)


@lru_cache(maxsize=_CACHE_LIMIT)
def _phrase_nominative(words: tuple[str, ...], head: int) -> tuple[str, ...]:
    """A noun phrase with the noun ``words[head]`` and the adjectives before it put in the nominative.

    Whatever follows the head is its complement and keeps its case: "Запорізької обласної військової
    адміністрації" → "Запорізька обласна військова адміністрація", "Державної служби статистики" →
    "Державна служба статистики".
    """
    noun = words[head]
    head_readings = [r for r in readings(noun) if r.pos == "NOUN" and r.case in _CASE_RANK]
    if not head_readings:
        return tuple(words)
    # The head's reading that the adjectives before it agree with (case, gender and number).
    best: tuple[int, Reading] | None = None
    for reading in head_readings:
        agree = 0
        for word in words[:head]:
            if any(
                r.pos in ("ADJF", "PRTF", "NUMR")
                and r.case == reading.case
                and (r.number == "plur") == (reading.number == "plur")
                and (reading.number == "plur" or r.gender in (reading.gender, None))
                for r in readings(word)
            ):
                agree += 1
        # Agreement decides; without adjectives a singular reading is likelier than a plural one.
        score = agree * 10 - _CASE_RANK[reading.case or "nomn"] - (7 if reading.number == "plur" else 0)
        if best is None or score > best[0]:
            best = (score, reading)
    assert best is not None
    chosen = best[1]
    out = list(words)
    out[head] = _nominative(chosen, noun)
    for index in range(head):
        word = words[index]
        match = next(
            (
                r
                for r in readings(word)
                if r.pos in ("ADJF", "PRTF", "NUMR")
                and r.case == chosen.case
                and (r.number == "plur") == (chosen.number == "plur")
                and (chosen.number == "plur" or r.gender in (chosen.gender, None))
            ),
            None,
        )
        if match is not None:
            out[index] = _nominative(match, word)
    return tuple(out)


@lru_cache(maxsize=_CACHE_LIMIT)
def noun_nominative(word: str) -> str:
    """One noun (a quoted name such as «Шахтаря») in the nominative singular, as written otherwise."""
    nouns = [r for r in readings(word) if r.pos == "NOUN" and r.case in _CASE_RANK and r.number != "plur"]
    if not nouns:
        return word
    chosen = min(nouns, key=lambda r: (not r.known, _CASE_RANK[r.case or "nomn"]))
    return _nominative(chosen, word)


@lru_cache(maxsize=_CACHE_LIMIT)
def lexeme(lemma: str) -> frozenset[str]:
    """Every form of the word whose dictionary form is ``lemma`` ("вибори" → "виборів", "виборах", ...)."""
    forms = {lemma}
    for parse in _analyzer().parse(lemma):
        if parse.normal_form == lemma:
            forms.update(f.word for f in parse.lexeme)
    return frozenset(forms)
