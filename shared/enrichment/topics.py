"""Topic tags: the editor's own, then tags derived from the entities and a newsroom topic taxonomy.

Editor tags are always kept, first, in the editor's order and spelling (``derived=False``). Derived
tags (``derived=True``) follow, and never repeat a tag already present (case-insensitively):

* entities the article is about: an entity mentioned at least twice, or a country, organization or
  person in the first paragraph, most mentioned first, at most ``MAX_ENTITY_TOPICS`` (4);
* taxonomy topics: fifteen general ones that cover a newsroom (politics, war and security, economy,
  energy, business, society, health, education, science and technology, culture, sports, environment,
  human rights, crime and justice, international relations), each an IPTC Media Topic (``code``, e.g.
  "medtop:15000000" for sports), and narrower ones under them ("War in Ukraine", "Diplomacy",
  "Sanctions", ...). A topic applies when at least ``min_hits`` of its distinct keywords occur and it
  is not far weaker than the strongest topic of its level (40% of its hits): a culture story that
  mentions the war once stays a culture story. At most ``MAX_GENERAL_TOPICS`` (2) general topics are
  kept, as a story is filed under one or two desks: in Ukrainian copy the war is mentioned almost
  everywhere, and a third general topic was wrong more often than right on the dev set. When the
  headline is known, a second general topic must be in the headline too (a film festival story whose
  body keeps mentioning the war is filed under culture, unless its headline is about the war as well).

Ukrainian triggers are dictionary forms (``lemmas``: "вибори|виборчий", "лінія фронт"), expanded
once per process into every form of each word through morphology (pymorphy3), so "виборів",
"виборах" and "виборчої" match while "вибору" (choice) does not. English keywords keep a light
syntax (lower case, ``'`` for any apostrophe):

  - ``recogni``: a word-start prefix, so it covers "recognize" and "recognition";
  - ``war=``: the whole word only ("war" is not "warm");
  - ``troops|soldier``: alternatives that count as one keyword.

Names are in the article's language (en or uk), so a Ukrainian article gets "Росія" and "Дипломатія".
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from functools import cache

from shared.enrichment.entities import EntityIndex, FoundEntity
from shared.enrichment.gazetteer import PERSON, PLACE, TopicRule, gazetteer
from shared.enrichment.tokens import UK_ENDINGS
from shared.models.article import Topic

MAX_ENTITY_TOPICS = 4
MAX_DERIVED = 10
# A topic must have at least this share of the hits of the strongest topic of its level.
RELATIVE_STRENGTH = 0.4
# The strongest general topics kept (the narrower ones under them are not capped).
MAX_GENERAL_TOPICS = 2
_CYRILLIC_RE = re.compile("[\u0400-\u04ff]")
_UK_WORD_RE = re.compile(r"[а-яіїєґ']+(?:-[а-яіїєґ']+)*")
_LEAD_KINDS = frozenset({"country", "region"})


_PREFIX = 3  # keywords are found by their first three letters, then compared in full (so none is shorter)
_APOSTROPHES = ("’", "ʼ")  # both normalized to "'", as in the keywords
_MARKER_RE = re.compile(r"[~*=]")
_CASE_ENDING = "(?:" + "|".join(sorted(UK_ENDINGS, key=len, reverse=True)) + ")?"

# One way to find a keyword: (literal head, whole word only, the alternatives a regex must match there
# or None, the keyword entry it counts for, the topics it votes for).
_Matcher = tuple[str, bool, tuple[str, ...] | None, str, tuple[str, ...]]


def _pattern(alternative: str) -> str:
    """The regex for one keyword alternative with ``~``/``*``/``=`` markers on any of its words."""
    parts = []
    for word in alternative.split(" "):
        if word.endswith("~"):
            parts.append(re.escape(word[:-1]) + _CASE_ENDING + r"(?!\w)")
        elif word.endswith("*"):
            parts.append(re.escape(word[:-1]) + r"\w*")
        elif word.endswith("="):
            parts.append(re.escape(word[:-1]) + r"(?!\w)")
        else:  # a plain word: whole inside a phrase (a space follows it), a prefix at its end
            parts.append(re.escape(word))
    return " ".join(parts)


def _common_start(words: list[str]) -> str:
    """The longest start all ``words`` share (the first and the last in sorted order decide)."""
    first, last = min(words), max(words)
    length = 0
    while length < len(first) and first[length] == last[length]:
        length += 1
    return first[:length]


@cache
def _keyword_index() -> dict[str, tuple[_Matcher, ...]]:
    """Keyword alternatives by their first three letters, with the entry each counts for and its topics."""
    votes: dict[str, list[str]] = {}
    for rule in gazetteer().taxonomy:
        for keyword in rule.keywords:
            votes.setdefault(keyword, []).append(rule.id)
    index: dict[str, list[_Matcher]] = {}
    for keyword, topic_ids in votes.items():
        topics = tuple(topic_ids)
        patterns: dict[str, list[str]] = {}
        for alternative in keyword.split("|"):
            marker = _MARKER_RE.search(alternative)
            if marker is None or (marker.group() == "=" and marker.end() == len(alternative)):
                # The fast path: a plain prefix, or a whole word ("ппо="), compared with str.startswith.
                word = alternative.rstrip("=")
                index.setdefault(word[:_PREFIX], []).append((word, alternative.endswith("="), None, keyword, topics))
            else:
                patterns.setdefault(alternative[:_PREFIX], []).append(alternative)
        for start, alternatives in patterns.items():
            # Marked alternatives of one keyword that start alike share one regex (one candidate, one call),
            # tried only where the text starts with the letters they all begin with ("російськ", "атак").
            head = _common_start([_MARKER_RE.split(a, maxsplit=1)[0] for a in alternatives])
            index.setdefault(start, []).append((head, False, tuple(alternatives), keyword, topics))
    return {k: tuple(sorted(v, key=lambda e: -len(e[0]))) for k, v in index.items()}


@cache
def _regex(alternatives: tuple[str, ...]) -> re.Pattern[str]:
    """The regex for keyword alternatives, built on first use: compiling all up front would cost ~40 ms."""
    return re.compile("|".join(_pattern(a) for a in alternatives))


@cache
def _start_re() -> re.Pattern[str]:
    """Word starts followed by the first three letters of some keyword, captured (a lookahead, so
    none is skipped). One scan in C, its branches grouped by first letter, instead of a Python step
    per word: it keeps the scan cheap however many keywords the taxonomy has."""
    by_first: dict[str, list[str]] = {}
    for key in sorted(_keyword_index()):
        by_first.setdefault(key[0], []).append(re.escape(key[1:]))
    branches = (re.escape(first) + "(?:" + "|".join(rest) + ")" for first, rest in by_first.items())
    return re.compile(r"\b(?=(" + "|".join(branches) + "))")


def _normalize(text: str) -> str:
    folded = text.casefold()
    for apostrophe in _APOSTROPHES:
        if apostrophe in folded:
            folded = folded.replace(apostrophe, "'")
    return " ".join(folded.split())


_Trigger = tuple[str, tuple[str, ...], tuple[frozenset[str], ...]]  # (keyword, topic ids, forms of later words)


@cache
def _lemma_index() -> dict[str, tuple[_Trigger, ...]]:
    """Every form of every Ukrainian trigger's first word → the triggers it may start (built on first use)."""
    from shared.enrichment import morphology  # noqa: PLC0415 - Ukrainian copy only pays for the dictionary

    votes: dict[str, list[str]] = {}
    for rule in gazetteer().taxonomy:
        for keyword in rule.lemmas:
            votes.setdefault(keyword, []).append(rule.id)
    index: dict[str, list[_Trigger]] = {}
    for keyword, topic_ids in votes.items():
        for alternative in keyword.split("|"):
            words = [morphology.lexeme(word) for word in alternative.split()]
            for form in words[0]:
                index.setdefault(form, []).append((keyword, tuple(topic_ids), tuple(words[1:])))
    return {form: tuple(triggers) for form, triggers in index.items()}


def _lemma_hits(normalized: str, hits: dict[str, set[str]], first: dict[str, int]) -> None:
    """Count the Ukrainian triggers in ``normalized`` text: each word of a trigger in any of its forms."""
    index = _lemma_index()
    matches = list(_UK_WORD_RE.finditer(normalized))
    words = [m.group() for m in matches]
    for position, word in enumerate(words):
        for keyword, topic_ids, rest in index.get(word, ()):
            following = words[position + 1 : position + 1 + len(rest)]
            if len(following) < len(rest) or not all(w in forms for w, forms in zip(following, rest, strict=True)):
                continue
            for topic_id in topic_ids:
                hits.setdefault(topic_id, set()).add(keyword)
                first.setdefault(topic_id, matches[position].start())


def _strong(
    rules: list[TopicRule], hits: dict[str, set[str]], first: dict[str, int], headline: set[str] | None = None
) -> list[TopicRule]:
    """Rules with enough hits, and not far weaker than the strongest rule of the same level; among
    equally strong rules, the one the text comes to first (the lede says what a story is about).
    ``headline`` (the topics the headline's words vote for, if it is known) must hold every general
    topic after the first."""
    found = [r for r in rules if len(hits.get(r.id, ())) >= r.min_hits]
    out: list[TopicRule] = []
    for general in (True, False):  # the general topics first, then the narrower ones, strongest first
        level = [r for r in found if (r.parent is None) == general]
        if not level:
            continue
        best = max(len(hits[r.id]) for r in level)
        floor = math.ceil(best * RELATIVE_STRENGTH)
        strong = sorted((r for r in level if len(hits[r.id]) >= floor), key=lambda r: (-len(hits[r.id]), first[r.id]))
        if general:
            strong = [r for n, r in enumerate(strong) if n == 0 or headline is None or r.id in headline]
            strong = strong[:MAX_GENERAL_TOPICS]
        out.extend(strong)
    return out


def taxonomy_topics(text: str, headline: str | None = None) -> list[TopicRule]:
    """Taxonomy topics the text is about, strongest first (``headline`` confirms a second desk)."""
    hits, first = _hits(text)
    in_headline = set(_hits(headline)[0]) if headline is not None else None
    return _strong(list(gazetteer().taxonomy), hits, first, in_headline)


def _hits(text: str) -> tuple[dict[str, set[str]], dict[str, int]]:
    """Each topic's distinct keywords in ``text``, and where its first one is."""
    index = _keyword_index()
    normalized = _normalize(text)
    hits: dict[str, set[str]] = {}
    first: dict[str, int] = {}  # where each topic's first keyword is
    if _CYRILLIC_RE.search(normalized):
        _lemma_hits(normalized, hits, first)
    found: set[str] = set()  # keywords already seen: a repeated word needs no second regex match
    for start in _start_re().finditer(normalized):
        position = start.start()
        for head, whole, alternatives, keyword, topic_ids in index[start.group(1)]:
            if keyword in found or not normalized.startswith(head, position):
                continue  # a keyword counts once, however often (and in whatever form) it occurs
            if alternatives is not None:
                if _regex(alternatives).match(normalized, position) is None:
                    continue
            elif whole:
                after = position + len(head)
                if after < len(normalized) and (normalized[after].isalnum() or normalized[after] == "_"):
                    continue
            found.add(keyword)
            for topic_id in topic_ids:
                hits.setdefault(topic_id, set()).add(keyword)
                first[topic_id] = min(first.get(topic_id, position), position)
    return hits, first


def _about(index: EntityIndex, lede_end: int) -> list[FoundEntity]:
    chosen = []
    for entity in sorted(index.entities, key=lambda e: (-e.mentions, e.first)):
        in_lede = entity.first < lede_end
        important = entity.entry is not None and (
            entity.type == PERSON or entity.type != PLACE or entity.entry.kind in _LEAD_KINDS
        )
        if entity.mentions >= 2 or (in_lede and important):
            chosen.append(entity)
    return chosen[:MAX_ENTITY_TOPICS]


def merge_topics(
    editor_tags: list[str], derived_names: list[str], codes: Mapping[str, str | None] | None = None
) -> list[Topic]:
    """Editor tags first (kept as given), then derived names not already present, case-insensitively.

    ``codes`` gives the IPTC Media Topic of the derived names that are taxonomy topics.
    """
    topics: list[Topic] = []
    seen: set[str] = set()
    for tag in editor_tags:
        name = " ".join(tag.split())
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            topics.append(Topic(name=name, derived=False))
    added = 0
    for name in derived_names:
        if name.casefold() not in seen and added < MAX_DERIVED:
            seen.add(name.casefold())
            topics.append(Topic(name=name, derived=True, code=(codes or {}).get(name)))
            added += 1
    return topics


def derive_topics(
    text: str, index: EntityIndex, tags: list[str], language: str = "en", headline: str | None = None
) -> list[Topic]:
    """The article's topics: editor ``tags`` then derived ones (see the module docstring)."""
    display = "uk" if language.split("-", maxsplit=1)[0].lower() == "uk" else "en"
    lede_end = text.find("\n\n") if "\n\n" in text else len(text)
    derived = [e.name for e in _about(index, lede_end)]
    rules = taxonomy_topics(text, headline)
    derived += [rule.name(display) for rule in rules]
    return merge_topics(tags, derived, {rule.name(display): rule.code for rule in rules})
