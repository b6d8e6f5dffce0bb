"""Keys an article is indexed under for "Read more", and how related two articles' keys are.

Keys are language-independent, so an English and a Ukrainian article about the same thing meet:
``entity:<gazetteer id>`` ("entity:russia" for "Russia" and "Росія"; "entity:foreign-ministry@russia"
for "Russia's Foreign Ministry" and "МЗС Росії"), ``topic:<taxonomy id>`` ("topic:diplomacy" for
"Diplomacy" and "Дипломатія"), and for names neither list knows, their slug ("entity:carleton-
university", "topic:opinion"). The lead stores one index item per key and queries them for candidates;
:func:`relatedness` then ranks candidates by how many salient keys they share.
"""

from __future__ import annotations

from collections.abc import Iterable

from shared.enrichment.gazetteer import gazetteer, slug
from shared.models.article import Analysis, Entity

MAX_KEYS = 10
ENTITY_PREFIX = "entity:"
TOPIC_PREFIX = "topic:"
_MAX_EDITOR_KEYS = 4
_TOPIC_PLACES = 3
# Shared entities say more about relatedness than shared broad topics ("Diplomacy").
_PREFIX_WEIGHT = {ENTITY_PREFIX: 1.0, TOPIC_PREFIX: 0.6}


def _narrow_first(keys: list[str]) -> list[str]:
    """Narrower taxonomy topics ("topic:diplomacy") before the general ones ("topic:international"): two
    articles that share a narrow topic are more related than two that share a broad one."""
    narrow = {TOPIC_PREFIX + r.id for r in gazetteer().taxonomy if r.parent is not None}
    return sorted(keys, key=lambda k: k not in narrow)


def _topic_key(name: str) -> str:
    gz = gazetteer()
    entry = gz.lookup_name(name)
    if entry is not None:
        return ENTITY_PREFIX + entry.id
    folded = name.casefold()
    for rule in gz.taxonomy:
        if folded in (n.casefold() for n in rule.names.values()):
            return TOPIC_PREFIX + rule.id
    return TOPIC_PREFIX + slug(name)


def _entity_key(entity: Entity) -> str:
    return ENTITY_PREFIX + gazetteer().entity_key(entity.name)


def index_keys(analysis: Analysis, tags: list[str], max_keys: int = MAX_KEYS) -> list[str]:
    """Up to ``max_keys`` normalized keys, most salient first.

    Order: the editor's tags (they chose them; at most four), entities mentioned at least twice (most
    mentioned first), derived taxonomy topics (up to three places are kept for them, so a story
    crowded with names still meets others on its subject), then entities mentioned once.
    """
    entities = [
        *analysis.entities.organizations,
        *analysis.entities.people,
        *analysis.entities.places,
    ]
    ranked = sorted(entities, key=lambda e: -e.mentions)  # stable: ties keep org, person, place order
    entity_names = {e.name.casefold() for e in entities}
    topic_keys = _narrow_first(
        _unique(
            k
            for k in (
                _topic_key(t.name) for t in analysis.topics if t.derived and t.name.casefold() not in entity_names
            )
            if k.startswith(TOPIC_PREFIX)
        )
    )
    keys = _unique(_topic_key(tag) for tag in tags[:_MAX_EDITOR_KEYS] if tag.strip())
    room_for_entities = max_keys - min(_TOPIC_PLACES, len(topic_keys))
    for key in _unique(_entity_key(e) for e in ranked if e.mentions >= 2):
        if len(keys) >= room_for_entities:
            break
        if key not in keys:
            keys.append(key)
    for key in [*topic_keys, *(_entity_key(e) for e in ranked)]:
        if len(keys) >= max_keys:
            break
        if key not in keys:
            keys.append(key)
    return keys[:max_keys]


def _unique(keys: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for key in keys:
        if key not in seen and len(key) > len(TOPIC_PREFIX):
            seen.append(key)
    return seen


def _weights(keys: list[str]) -> dict[str, float]:
    """Earlier keys are more salient: rank r weighs 1 / (1 + r / 4), times the key kind's weight."""
    weights: dict[str, float] = {}
    for rank, key in enumerate(keys):
        if key in weights:
            continue
        kind = ENTITY_PREFIX if key.startswith(ENTITY_PREFIX) else TOPIC_PREFIX
        weights[key] = _PREFIX_WEIGHT[kind] / (1 + rank / 4)
    return weights


def relatedness(a_keys: list[str], b_keys: list[str]) -> float:
    """Weighted Jaccard similarity of two key lists, 0.0 (nothing shared) to 1.0 (same keys, same order)."""
    a, b = _weights(a_keys), _weights(b_keys)
    if not a or not b:
        return 0.0
    shared = sum(min(a[k], b[k]) for k in a.keys() & b.keys())
    union = sum(max(a.get(k, 0.0), b.get(k, 0.0)) for k in a.keys() | b.keys())
    return round(shared / union, 4) if union else 0.0
