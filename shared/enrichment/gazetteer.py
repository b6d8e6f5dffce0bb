"""The curated gazetteer: known people, places and organizations, loaded once and matched by token keys.

Why a gazetteer and not a statistical model: enrichment must be offline, deterministic and cheap at
cold start, and a newsroom's entity set is small and editorial (the names its desk writes about, in
the spellings it uses). The data lives in ``gazetteer.json`` next to this module (package data,
versioned with the code); editors extend it without touching code. It is parsed lazily on first use
and cached for the life of the process (one Lambda cold start), which costs about 10-20 ms.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from functools import cache
from typing import Any

from shared.enrichment.tokens import TOKEN_RE, Token, cyrillic_keys, is_cyrillic, tokenize, word_keys

PERSON = "person"
PLACE = "place"
ORGANIZATION = "organization"

_DATA_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gazetteer.json")
_END = "\x00"  # marks a trie node where an alias ends; its value is the entry
_EXACT = "\x01"  # at an alias end: the entry per exact last word, when stems of two names collide
_SLUG_RE = re.compile(r"[\W_]+")
# Ukrainian vowel alternations in the last syllable: "Харків" → "Харкова", "Київ" → "Києва",
# "Тернопіль" → "Тернополя", "Ірпінь" → "Ірпеня", "Лубінець" → "Лубінця".
_UK_ALTERNATIONS = (("їв", "єв"), ("ів", "ов"), ("іль", "ол"), ("інь", "ен"), ("ець", "ц"))


class GazEntry:
    """One real-world entity with its display name per language."""

    __slots__ = ("country", "generic", "id", "kind", "last_words_uk", "names", "type")

    def __init__(
        self, *, id: str, type: str, kind: str | None, names: dict[str, str], generic: bool, country: str | None
    ) -> None:
        self.id = id
        self.type = type
        self.kind = kind
        self.names = names
        self.generic = generic
        """A generic body ("Foreign Ministry") that the text qualifies with a country ("Russia's ...")."""
        self.country = country
        self.last_words_uk: tuple[str, ...] = ()
        """The last word of each Cyrillic name and alias ("Харківщина", "область"), for morphology to check."""

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names["en"]

    def __repr__(self) -> str:
        return f"GazEntry({self.id!r}, {self.type!r})"


class TopicRule:
    """A taxonomy topic: its names per language, its IPTC Media Topic, and the words that signal it.

    ``keywords`` are English (word-start prefixes and phrases, see :mod:`shared.enrichment.topics`);
    ``lemmas`` are Ukrainian dictionary forms, matched in any case or number through morphology.
    ``parent`` is the general topic a narrower one belongs to (None for the general ones).
    """

    __slots__ = ("code", "id", "keywords", "lemmas", "min_hits", "names", "parent")

    def __init__(
        self,
        *,
        id: str,
        names: dict[str, str],
        min_hits: int,
        keywords: tuple[str, ...],
        lemmas: tuple[str, ...] = (),
        code: str | None = None,
        parent: str | None = None,
    ) -> None:
        self.id = id
        self.names = names
        self.min_hits = min_hits
        self.keywords = keywords
        self.lemmas = lemmas
        self.code = code
        self.parent = parent

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names["en"]


class Gazetteer:
    """Lookup structures built from the JSON data: a token-key trie, demonyms, names and stopwords."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.version: str = data["version"]
        self.stopwords_en: frozenset[str] = frozenset(data["stopwords"]["en"])
        self.stopwords_uk: frozenset[str] = frozenset(data["stopwords"]["uk"])
        self.taxonomy: tuple[TopicRule, ...] = tuple(
            TopicRule(
                id=t["id"],
                names={"en": t["en"], "uk": t["uk"]},
                min_hits=t["min_hits"],
                keywords=tuple(t["keywords"]),
                lemmas=tuple(t.get("lemmas", ())),
                code=t.get("code"),
                parent=t.get("parent"),
            )
            for t in data["taxonomy"]
        )
        self.entries: list[GazEntry] = []
        self.by_id: dict[str, GazEntry] = {}
        self.by_name: dict[str, GazEntry] = {}
        self.demonyms: dict[tuple[str, ...], GazEntry] = {}
        self.trie: dict[str, Any] = {}
        self.lower_starts: set[str] = set()
        for raw in data["entities"]:
            entry = GazEntry(
                id=raw["id"],
                type=raw["type"],
                kind=raw.get("kind"),
                names={"en": raw["en"], "uk": raw["uk"]},
                generic=bool(raw.get("generic")),
                country=raw.get("country"),
            )
            entry.last_words_uk = tuple(
                dict.fromkeys(
                    alias.split()[-1] for alias in (raw["uk"], *raw.get("aliases", ())) if alias and is_cyrillic(alias)
                )
            )
            self.entries.append(entry)
            self.by_id[entry.id] = entry
            for alias in (raw["en"], raw["uk"], *raw.get("aliases", ())):
                self.by_name.setdefault(alias.casefold(), entry)
                self._insert(alias, entry)
            for demonym in raw.get("demonyms", ()):
                self.demonyms.setdefault(tuple(word_keys(w)[0][0] for w in TOKEN_RE.findall(demonym)), entry)
        self.demonym_firsts: frozenset[str] = frozenset(k[0] for k in self.demonyms)

    def _insert(self, alias: str, entry: GazEntry) -> None:
        # Plain words, not Tokens: building ~2,000 aliases this way keeps the cold load small.
        words = TOKEN_RE.findall(alias)
        if not words:
            return
        node = self.trie
        keys: tuple[str, ...] = ()
        for position, word in enumerate(words):
            keys, acronym, _ = word_keys(word)
            if not acronym and is_cyrillic(word):
                keys = _with_alternations(keys)
            if position == 0 and not acronym and not word[0].isupper():
                self.lower_starts.update(keys)
            child = next((node[k] for k in keys if k in node), None)
            if child is None:
                child = {}
            for key in keys:
                node.setdefault(key, child)
            node = child
        node.setdefault(_END, entry)
        node.setdefault(_EXACT, {}).setdefault(keys[0], entry)

    def can_start(self, token: Token) -> bool:
        if token.cap or token.acronym or token.key in self.lower_starts:
            return True
        return token.cyrillic and any(k in self.lower_starts for k in token.keys)

    def match(self, tokens: list[Token], i: int) -> tuple[int, GazEntry] | None:
        """The longest alias starting at token ``i``: (index of its last token, entry), or None."""
        node = self.trie
        best: tuple[int, GazEntry] | None = None
        j = i
        n = len(tokens)
        while j < n:
            token = tokens[j]
            if j > i and not token.joined:
                break
            child = None
            for key in token.keys:
                child = node.get(key)
                if child is not None:
                    break
            if child is None:
                break
            node = child
            entry = node.get(_END)
            if entry is not None:
                # "Бразиліа" (Brasília) and "Бразилія" (Brazil) share a stem; the exact form decides.
                best = (j, node[_EXACT].get(token.key, entry))
            j += 1
        return best

    def demonym_at(self, tokens: list[Token], i: int) -> tuple[int, GazEntry] | None:
        """A nationality adjective at token ``i`` ("Russian", "North Korean"): (last index, country)."""
        token = tokens[i]
        if not token.cap or token.key not in self.demonym_firsts:
            return None
        one = self.demonyms.get((token.key,))
        if i + 1 < len(tokens) and tokens[i + 1].joined:
            two = self.demonyms.get((token.key, tokens[i + 1].key))
            if two is not None:
                return i + 1, two
        return (i, one) if one is not None else None

    def lookup_name(self, name: str) -> GazEntry | None:
        return self.by_name.get(name.casefold())

    def entity_key(self, name: str) -> str:
        """A language-independent key for an entity's display name, for indexing and relatedness.

        Known entities get their gazetteer id ("russia" for both "Russia" and "Росія"); a generic body
        qualified by a country gets "<body>@<country>" ("foreign-ministry@russia" for "Russia's
        Foreign Ministry" and "МЗС Росії"); anything else its slug.
        """
        entry = self.lookup_name(name)
        if entry is not None:
            return entry.id
        tokens = tokenize(name)
        hits: list[GazEntry] = []
        i = 0
        while i < len(tokens):
            demonym = self.demonym_at(tokens, i)
            hit = self.match(tokens, i) if self.can_start(tokens[i]) else None
            if hit is not None:
                hits.append(hit[1])
                i = hit[0] + 1
            elif demonym is not None:
                hits.append(demonym[1])
                i = demonym[0] + 1
            else:
                return slug(name)
        generic = [h for h in hits if h.generic]
        places = [h for h in hits if h.type == PLACE]
        if len(hits) == 2 and len(generic) == 1 and len(places) == 1:
            return f"{generic[0].id}@{places[0].id}"
        if len(hits) == 1:
            return hits[0].id
        return slug(name)


def _with_alternations(keys: tuple[str, ...]) -> tuple[str, ...]:
    """A Ukrainian alias word's keys plus the stems of its regular last-syllable vowel alternation."""
    folded = keys[0]
    for ending, replacement in _UK_ALTERNATIONS:
        if folded.endswith(ending) and len(folded) - len(ending) >= 2:
            alternate = cyrillic_keys(folded[: -len(ending)] + replacement)[0]
            return keys + tuple(k for k in alternate if k not in keys)
    return keys


def slug(name: str) -> str:
    """Lower-case, accent-free, hyphen-joined key ("Russia's Supreme Court" → "russia-s-supreme-court").

    Cyrillic stays Cyrillic ("Зеленський" → "зеленський"): stripping its marks would turn "й" into "и".
    """
    parts = []
    for ch in name.casefold():
        if ch.isascii() or is_cyrillic(ch):
            parts.append(ch)
        else:
            parts.append("".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)))
    return _SLUG_RE.sub("-", "".join(parts)).strip("-")


def load_data() -> dict[str, Any]:
    # A plain path next to this module (package data): importlib.resources would add ~7 ms of imports.
    with open(_DATA_PATH, encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


@cache
def gazetteer() -> Gazetteer:
    """The process-wide gazetteer, built on first use (lazy, so importing enrichment stays cheap)."""
    return Gazetteer(load_data())
