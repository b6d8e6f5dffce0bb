"""Topic tags: the editor's own, then tags derived from the entities and a small keyword taxonomy.

Editor tags are always kept, first, in the editor's order and spelling (``derived=False``). Derived
tags (``derived=True``) follow, and never repeat a tag already present (case-insensitively):

* entities the article is about: an entity mentioned at least twice, or a country, organization or
  person in the first paragraph, most mentioned first, at most ``MAX_ENTITY_TOPICS`` (4);
* taxonomy topics ("Diplomacy", "War in Ukraine", "Human rights", ...): a topic applies when at
  least ``min_hits`` of its distinct keywords occur (keywords are word-start prefixes, so "recogni"
  covers "recognize" and "recognition"; a trailing "=" means the whole word only).

Names are in the article's language (en or uk), so a Ukrainian article gets "Росія" and "Дипломатія".
"""

from __future__ import annotations

import re
from functools import cache

from shared.enrichment.entities import EntityIndex, FoundEntity
from shared.enrichment.gazetteer import PERSON, PLACE, TopicRule, gazetteer
from shared.models.article import Topic

MAX_ENTITY_TOPICS = 4
MAX_DERIVED = 8
_LEAD_KINDS = frozenset({"country", "region"})


_WORD_START_RE = re.compile(r"\b\w")
_PREFIX = 3  # keywords are found by their first three letters, then compared in full


@cache
def _keyword_index() -> dict[str, tuple[tuple[str, bool, tuple[str, ...]], ...]]:
    """Keywords by their first letters: (keyword, whole word only, topics it votes for)."""
    votes: dict[str, list[str]] = {}
    for rule in gazetteer().taxonomy:
        for keyword in rule.keywords:
            votes.setdefault(keyword, []).append(rule.id)
    index: dict[str, list[tuple[str, bool, tuple[str, ...]]]] = {}
    for keyword, topic_ids in votes.items():
        word = keyword.rstrip("=")
        index.setdefault(word[:_PREFIX], []).append((word, keyword.endswith("="), tuple(topic_ids)))
    return {k: tuple(sorted(v, key=lambda e: -len(e[0]))) for k, v in index.items()}


def taxonomy_topics(text: str) -> list[TopicRule]:
    """Taxonomy topics the text is about, strongest first."""
    index = _keyword_index()
    normalized = " ".join(text.casefold().replace("’", "'").split())
    hits: dict[str, set[str]] = {}
    for start in _WORD_START_RE.finditer(normalized):
        position = start.start()
        candidates = index.get(normalized[position : position + _PREFIX])
        if not candidates:
            continue
        for word, whole, topic_ids in candidates:
            if not normalized.startswith(word, position):
                continue
            after = position + len(word)
            if whole and after < len(normalized) and (normalized[after].isalnum() or normalized[after] == "_"):
                continue
            for topic_id in topic_ids:
                hits.setdefault(topic_id, set()).add(word)
    rules = [r for r in gazetteer().taxonomy if len(hits.get(r.id, ())) >= r.min_hits]
    return sorted(rules, key=lambda r: -len(hits[r.id]))


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


def merge_topics(editor_tags: list[str], derived_names: list[str]) -> list[Topic]:
    """Editor tags first (kept as given), then derived names not already present, case-insensitively."""
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
            topics.append(Topic(name=name, derived=True))
            added += 1
    return topics


def derive_topics(text: str, index: EntityIndex, tags: list[str], language: str = "en") -> list[Topic]:
    """The article's topics: editor ``tags`` then derived ones (see the module docstring)."""
    display = "uk" if language.split("-", maxsplit=1)[0].lower() == "uk" else "en"
    lede_end = text.find("\n\n") if "\n\n" in text else len(text)
    derived = [e.name for e in _about(index, lede_end)]
    derived += [rule.name(display) for rule in taxonomy_topics(text)]
    return merge_topics(tags, derived)
