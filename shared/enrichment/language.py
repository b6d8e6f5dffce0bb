"""Which language an article is written in, from its letters and its commonest words.

Why so simple: the newsroom publishes English and Ukrainian, and the mistakes that matter are an
article filed under the wrong language tag or Russian copy pasted as Ukrainian. Script decides
Latin vs Cyrillic; within Cyrillic, letters only Ukrainian has (і ї є ґ) and letters only Russian has
(ы э ъ ё) decide between the two with near certainty; within Latin, a handful of function words per
language tells English from its neighbours. No model, no dictionary, microseconds per article.
"""

from __future__ import annotations

import re

from shared.enrichment.tokens import word_set

UNDETERMINED = "und"
_SAMPLE_CHARS = 4000
# A declared language is flagged as wrong only when detection is at least this sure.
WARNING_CONFIDENCE = 0.8

_LATIN_RE = re.compile(r"[A-Za-zÀ-ɏ]+")
_CYRILLIC_RE = re.compile(r"[Ѐ-ӿ]+")
_UK_ONLY_RE = re.compile(r"[іїєґІЇЄҐ]")
_RU_ONLY_RE = re.compile(r"[ыэъёЫЭЪЁ]")
_BE_ONLY_RE = re.compile(r"[ўЎ]")
_LATIN_WORD_RE = re.compile(r"[A-Za-zÀ-ɏ']+")

_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": word_set("the and of to in is that for on with was as by it from at has have are this"),
    "de": word_set("der die und das ist nicht mit den von zu ein eine auf für sich dem des auch"),
    "fr": word_set("le la les et des est une du que pour dans pas sur au avec ce qui sont"),
    "es": word_set("el la los las y que de en es por con una del para se su al lo"),
    "pl": word_set("i w z na się nie że do jest to jak po od przez dla czy oraz"),
    "it": word_set("il la di che e è per un una con non del della sono gli le"),
}
_LANGUAGES_OF: dict[str, tuple[str, ...]] = {}
for _language, _vocabulary in _FUNCTION_WORDS.items():
    for _word in _vocabulary:
        _LANGUAGES_OF[_word] = (*_LANGUAGES_OF.get(_word, ()), _language)


def detect_language(text: str) -> tuple[str, float]:
    """(BCP 47 primary subtag, confidence 0..1): "en", "uk", "ru", "be", "de", ... or "und"."""
    sample = text[:_SAMPLE_CHARS]
    latin = sum(map(len, _LATIN_RE.findall(sample)))
    cyrillic = sum(map(len, _CYRILLIC_RE.findall(sample)))
    letters = latin + cyrillic
    if letters < 3:
        return UNDETERMINED, 0.0
    # Short texts are judged with less certainty: full confidence from about 200 letters up.
    length_factor = min(1.0, 0.5 + letters / 400)
    if cyrillic >= latin:
        return _cyrillic_language(sample, cyrillic / letters, length_factor)
    return _latin_language(sample, latin / letters, length_factor)


def _cyrillic_language(sample: str, share: float, length_factor: float) -> tuple[str, float]:
    uk = len(_UK_ONLY_RE.findall(sample)) + sample.count("'") + sample.count("ʼ")
    ru = len(_RU_ONLY_RE.findall(sample))
    be = len(_BE_ONLY_RE.findall(sample))
    if be and be >= ru / 4:
        return "be", round(0.7 * share * length_factor, 2)
    if uk == ru == 0:
        return "uk", round(0.5 * share * length_factor, 2)  # Cyrillic without telling letters
    language = "uk" if uk >= ru else "ru"
    purity = max(uk, ru) / (uk + ru)
    return language, round(share * purity * length_factor, 2)


def _latin_language(sample: str, share: float, length_factor: float) -> tuple[str, float]:
    scores = dict.fromkeys(_FUNCTION_WORDS, 0)
    for word in _LATIN_WORD_RE.findall(sample.casefold())[:400]:
        for language in _LANGUAGES_OF.get(word, ()):
            scores[language] += 1
    best = max(scores, key=lambda lang: scores[lang])
    total = sum(scores.values())
    if scores[best] == 0:
        return "en", round(0.3 * share * length_factor, 2)
    purity = scores[best] / total
    return best, round(share * min(1.0, 0.35 + purity * 0.75) * length_factor, 2)


def language_warning(declared: str | None, detected: str, confidence: float) -> str | None:
    """A warning when the declared language clearly disagrees with the text; the tag is not changed."""
    if not declared or detected == UNDETERMINED or confidence < WARNING_CONFIDENCE:
        return None
    primary = declared.split("-")[0].lower()
    if primary == detected:
        return None
    return f"language: declared '{declared}' but the text reads as '{detected}'"
