"""People, places and organizations named in an article, one entry per real-world entity.

How: a single pass over the tokens matches the curated gazetteer (longest alias first, Ukrainian case
forms by stem), then a few conservative heuristics name what the gazetteer does not know:

* a person after a title ("Foreign Minister Hakan Fidan", "Senior News Editor Jane Roe",
  "речник МЗС Георгій Тихий"), before or after a speech verb ("said Jane Roe"), or in a byline;
* an organization: a capitalised run ending in a body word (Ministry, Court, University, ...);
* a place: "<Name> Oblast", "the village of <Name>", "у селі <Назва>".

Then mentions fold together: a surname alone joins the full name seen elsewhere ("Basmat" → "Dmytro
Basmat"), a bare "the Foreign Ministry" joins "Russia's Foreign Ministry", and possessives and case
forms were already one key. The heuristics only accept capitalised words that are not common words,
titles or nationality adjectives, which is what keeps sentence fragments ("Despite", "Key", "In
recent months") out of the lists: precision first, since a wrong tag is worse than a missing one.

An optional :class:`EntityDetector` (Amazon Comprehend DetectEntities, say) can add spans the rules
miss; the lead wires it behind a setting, off by default. This module never imports boto3.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol

from shared.enrichment import entities_uk, morphology
from shared.enrichment.gazetteer import ORGANIZATION, PERSON, PLACE, GazEntry, Gazetteer, gazetteer
from shared.enrichment.tokens import Token, tokenize, word_set
from shared.models.article import Entities, Entity

# Titles that precede a person's name (English, matched as lower-case word sequences).
_TITLES_EN = """
president; vice president; president-elect; prime minister; deputy prime minister; first deputy prime
minister; foreign minister; deputy foreign minister; defense minister; defence minister; interior
minister; finance minister; economy minister; energy minister; health minister; justice minister;
culture minister; minister; deputy minister; chancellor; secretary; secretary of state; defense
secretary; defence secretary; foreign secretary; home secretary; press secretary; secretary-general;
secretary general; senator; sen; rep; representative; congressman; congresswoman; governor; gov; mayor;
general; gen; lt; lt gen; lieutenant general; major general; maj gen; colonel; col; admiral; adm;
commander; commander-in-chief; chief; chief of staff; commissioner; high representative; ambassador;
envoy; special envoy; king; queen; prince; princess; crown prince; pope; patriarch; ayatollah; sheikh;
emir; speaker; chairman; chairwoman; chairperson; chair; ceo; director; head; leader; opposition
leader; spokesperson; spokesman; spokeswoman; adviser; advisor; aide; editor; senior editor; news
editor; senior news editor; editor-in-chief; reporter; correspondent; journalist; analyst; judge;
prosecutor; prosecutor general; attorney general; ombudsman; dr; mr; mrs; ms; sgt; sergeant; capt;
captain; lieutenant; major; maj; lawmaker; mp; premier; deputy; first lady; activist; professor; prof;
representative; official; officer; diplomat; negotiator; economist; researcher; lawyer; author; writer;
photographer; founder; member; co-chair; chief executive; executive director; managing director; poet;
historian; lecturer; novelist; artist; actor; actress; singer; director general; coach; head coach;
manager; striker; forward; midfielder; defender; goalkeeper; winger; skipper; farmer; engineer; surgeon;
doctor; nurse; teacher; pensioner; volunteer; sergeant; private; soldier; deminer; prosthetist; ecologist;
scientist; presiding judge; judge; anchor; presenter; chief economist
"""
_TITLE_SEQUENCES = tuple(
    tuple(part.replace("-", " ").split()) for part in " ".join(_TITLES_EN.split()).split(";") if part.strip()
)
_TITLE_WORDS = frozenset(word for seq in _TITLE_SEQUENCES for word in seq) - {"of", "in", "state"}
_TITLES_BY_FIRST: dict[str, tuple[tuple[str, ...], ...]] = {}
for _sequence in _TITLE_SEQUENCES:
    _TITLES_BY_FIRST[_sequence[0]] = (*_TITLES_BY_FIRST.get(_sequence[0], ()), _sequence)
# Capitalised words that sit between a title and a name but are never part of a name.
_NOT_NAME_WORDS = word_set(
    """executive officer officers operating financial staff affairs general justice security defense
    defence foreign interior national international federal public military armed royal supreme special
    senior junior acting former late"""
)

# Ukrainian titles, matched on the lower-cased word: by prefix (they inflect), or exactly when a prefix
# would also catch common words ("мер" vs "мережа", "посол" vs "послуги").
_TITLE_PREFIXES_UK = (
    "президент",
    "прем'єр",
    "віцепрем'єр",
    "міністр",
    "заступни",
    "речни",
    "речниц",
    "спецпосланц",
    "посланц",
    "очільни",
    "генерал",
    "генсек",
    "секретар",
    "канцлер",
    "спікер",
    "командувач",
    "журналіст",
    "редактор",
    "депутат",
    "нардеп",
    "радни",
    "омбудсман",
    "уповноважен",
    "прокурор",
    "генпрокурор",
    "губернатор",
    "лідер",
    "керівни",
    "директор",
    "аналітик",
    "патріарх",
    "міністерк",
    "начальни",
    "хірург",
    "політолог",
    "тренер",
    "наставни",
    "футболіст",
    "півзахисни",
    "нападни",
    "воротар",
    "актор",
    "акторк",
    "режисер",
    "художни",
    "письменни",
    "поет",
    "експерт",
    "еколог",
    "економіст",
    "лікар",
    "реабілітолог",
    "професор",
    "доцент",
    "науков",
    "співробітни",
    "адвокат",
    "захисник",
    "детектив",
    "полковни",
    "сержант",
    "волонтер",
    "пенсіонер",
    "мешкан",
    "жител",
    "засновни",
    "власни",
    "кореспондент",
    "критик",
    "суддя",
    "судді",
    "суддею",
    "омбудсвум",
    "бразилець",
    "бразильця",
    "капітан",
)
_TITLE_WORDS_UK = word_set(
    """мер мера меру мером посол посла послу послом голова голови голові головою папа король королева"""
)
_SKIPPABLE_UK = 4  # lower-case words allowed between a Ukrainian title and the name ("міністр закордонних справ")

# Words that end an organization's name (English).
_ORG_HEADS = word_set(
    """ministry court duma council agency committee commission forces force navy army guard bank service
    office parliament party union university academy institute fund foundation organization organisation
    corporation company group police assembly senate congress department command directorate bureau
    authority administration tribunal association alliance movement front brigade battalion regiment
    division corps fleet legion network center centre school college hospital church inc ltd llc
    airlines airways railways times post cabinet secretariat inspectorate headquarters league trust chamber
    programme program technologies renewables institut club fc bundesliga cup federation festival
    philharmonic orchestra station register library archive observatory opera choir ensemble"""
)
# Lower-case words after a name that make the name an organization's: "the European Solidarity faction",
# "the Khartiia brigade", "the Khortytsia group of forces", "the Unbroken rehabilitation center".
_ORG_KINDS_AFTER = word_set(
    """faction party brigade band club movement bloc coalition group charity foundation fund center centre
    company firm agency battalion regiment division corps"""
)
# Lower-case descriptions that make the name before (or after) them an organization's:
# "Risoil, a grain terminal operator", "Dragon Capital, a Kyiv investment firm", "the charity Save the Children".
_ORG_DESCRIBERS = word_set(
    """company firm operator manufacturer charity group bank broadcaster agency utility insurer producer
    retailer carrier airline platform outlet newspaper magazine channel club band party organisation
    organization foundation fund association union brigade holding conglomerate giant startup developer
    maker exporter importer trader chain network publisher newsroom ngo watchdog center centre museum gallery
    theatre theater university institute school hospital clinic"""
)
_DOTTED_RE = re.compile(r"[A-Z]{2,}(?:\.[A-Z]{2,})+\b")
_NAME_OPENERS = word_set("state central eastern western northern southern government")
_APPOSITION_STOPS = word_set("of for at on in with from by to who which that said says")
_SPORTS_ROLES = word_set("coach manager striker forward midfielder defender goalkeeper winger captain skipper player")
_REGION_PLURALS = {"oblasts": "Oblast", "regions": "region", "districts": "district"}
_NOT_ORG_ACRONYMS = word_set(
    """TV OK AM PM GDP VAT CEO MP MPS II III IV VI VII VIII IX XI XII PR IT AI ID DNA HIV FM GMT UTC USD EUR UAH
    CO PDF SUV LGBT LGBTQ COVID PHD SMS GPS LNG LPG UAV EV ВВП ПДВ ІТ ЗМІ ТОВ ПАТ АТ ФОП ТЦК ППО ПВО БПЛА РЕБ
    ЗРК ЛЕП ТЕС ТЕЦ АЕС ГЕС СЕС ВПО ОСББ ДТП КАБ"""
)
_SCORE_RE = r"\d{1,2}[-–:]\d{1,2}"
_ORG_CONNECTORS = frozenset({"of", "for"})
_ORG_INNER = frozenset({"and", "&"})
_ROLE_BEFORE_OF = frozenset({"member", "members", "bachelor", "master", "doctor", "head", "friends"})
_NAME_PARTICLES = frozenset({"von", "van", "der", "de", "da", "di", "del", "la", "le", "du", "bin", "al", "ibn"})
_SPEECH_VERBS_EN = word_set(
    """said says told tells added adds wrote writes stated states announced announces noted notes explained
    continued insisted claimed claims warned warns declared declares stressed emphasized emphasised
    argued asked replied responded commented remarked reported concluded acknowledged admitted confirmed
    confirms"""
)
_SPEECH_VERBS_UK = word_set(
    """сказав сказала сказали заявив заявила заявили зазначив зазначила зазначили наголосив наголосила
    наголосили додав додала додали повідомив повідомила повідомили підкреслив підкреслила підкреслили
    написав написала написали пояснив пояснила пояснили розповів розповіла розповіли каже кажуть заявляє
    заявляють зауважив зауважила відповів відповіла"""
)
_PLACE_SUFFIXES = frozenset({"oblast", "raion", "krai"})
_PLACE_INTROS = frozenset({"city", "town", "village", "villages", "settlement", "hamlet"})
_PLACE_INTROS_UK = word_set(
    """місто міста місту містом місті село села селу селом селі селище селища селищу селищем селищі смт"""
)
_PLACE_WORDS = _PLACE_SUFFIXES | _PLACE_INTROS | _PLACE_INTROS_UK
_CYRILLIC_RE = re.compile("[\u0400-\u04ff]")
_QUOTED_GAP_RE = re.compile(r"[ «»\u00a0]+")


class DetectedEntity(NamedTuple):
    """A span found by an external detector: character offsets into the text and our type name."""

    text: str
    type: str  # "person" | "place" | "organization"
    start: int
    end: int


class EntityDetector(Protocol):
    """Port for a statistical detector (e.g. Amazon Comprehend DetectEntities behind an adapter).

    Results only add entities the rules did not find; gazetteer matches always win.
    """

    def detect(self, text: str, language: str) -> Sequence[DetectedEntity]: ...


@dataclass(slots=True)
class FoundEntity:
    """An entity as found in this text: its identity, display name and mention count."""

    type: str
    ident: str
    name: str
    first: int
    entry: GazEntry | None = None
    qualifier: GazEntry | None = None
    surname_keys: tuple[str, ...] | None = None
    name_keys: tuple[tuple[str, ...], ...] = ()
    """Per word of a heuristic person's name, its keys: "Сергій Петренко" meets "Сергія Петренка"."""
    mentions: int = 0


@dataclass(slots=True)
class Mention:
    start: int
    end: int
    entity: FoundEntity


@dataclass(slots=True)
class EntityIndex:
    """All entities of one text with their mentions (char offsets), for quotes and topics to reuse."""

    language: str
    entities: list[FoundEntity]
    mentions: list[Mention] = field(default_factory=list)

    def to_model(self) -> Entities:
        groups: dict[str, list[Entity]] = {PERSON: [], PLACE: [], ORGANIZATION: []}
        ranked = sorted(self.entities, key=lambda e: (-e.mentions, e.first))
        for entity in ranked:
            if entity.mentions > 0:
                groups[entity.type].append(Entity(name=entity.name, mentions=entity.mentions))
        return Entities(people=groups[PERSON], places=groups[PLACE], organizations=groups[ORGANIZATION])

    def within(self, start: int, end: int) -> list[Mention]:
        return [m for m in self.mentions if m.start >= start and m.end <= end]

    def last_before(self, position: int, entity_type: str) -> Mention | None:
        found = None
        for mention in self.mentions:
            if mention.start >= position:
                break
            if mention.entity.type == entity_type:
                found = mention
        return found


class _Extractor:
    """One extraction run: tokens, which of them are taken, and the entities found so far."""

    def __init__(self, text: str, language: str, gz: Gazetteer) -> None:
        self.text = text
        self.language = language
        self.gz = gz
        self.tokens = tokenize(text)
        self.taken = [False] * len(self.tokens)
        self.by_ident: dict[str, FoundEntity] = {}
        self._pending_orgs: list[tuple[int, int]] = []
        # (first token, last token, entity) per mention, in discovery order; sorted at the end.
        self.spans: list[tuple[int, int, FoundEntity]] = []

    # -- bookkeeping -------------------------------------------------------------------------------
    def _entity(
        self,
        ident: str,
        entity_type: str,
        name: str,
        first: int,
        *,
        entry: GazEntry | None = None,
        qualifier: GazEntry | None = None,
    ) -> FoundEntity:
        entity = self.by_ident.get(ident)
        if entity is None:
            entity = FoundEntity(
                type=entity_type, ident=ident, name=name, first=first, entry=entry, qualifier=qualifier
            )
            self.by_ident[ident] = entity
        return entity

    def _add(self, i: int, j: int, entity: FoundEntity) -> None:
        self.spans.append((i, j, entity))
        entity.mentions += 1
        entity.first = min(entity.first, self.tokens[i].start)
        for k in range(i, j + 1):
            self.taken[k] = True

    def _drop(self, span: tuple[int, int, FoundEntity]) -> None:
        self.spans.remove(span)
        span[2].mentions -= 1
        for k in range(span[0], span[1] + 1):
            self.taken[k] = False

    def _span_starting(self, i: int) -> tuple[int, int, FoundEntity] | None:
        return next((s for s in self.spans if s[0] == i), None)

    def _span_ending(self, j: int) -> tuple[int, int, FoundEntity] | None:
        return next((s for s in self.spans if s[1] == j), None)

    def _gap(self, k: int) -> str:
        return self.text[self.tokens[k - 1].end : self.tokens[k].start] if k > 0 else ""

    def surface(self, i: int, j: int) -> str:
        return self.text[self.tokens[i].start : self.tokens[j].end]

    # -- word classes ------------------------------------------------------------------------------
    def is_name_word(self, k: int) -> bool:
        """Could token ``k`` be part of a person's name? Capitalised, free, not a common word."""
        if k >= len(self.tokens) or self.taken[k]:
            return False
        token = self.tokens[k]
        if not token.cap:
            return False
        if token.cyrillic:
            return not token.acronym and token.key not in self.gz.stopwords_uk and len(token.text) > 1
        if token.acronym:
            return "." in token.text or len(token.text) == 1  # initials: "J.D.", "J."
        key = token.key
        return (
            len(key) > 1
            and key not in self.gz.stopwords_en
            and key not in _TITLE_WORDS
            and key not in _ORG_HEADS
            and key not in _SPEECH_VERBS_EN
            and key not in _NOT_NAME_WORDS
            and (key,) not in self.gz.demonyms
        )

    def _name_run(self, k: int, limit: int = 4) -> int:
        """Last index of a person-name run starting at ``k`` (``k - 1`` when there is none)."""
        end = k - 1
        m = k
        while m < len(self.tokens) and m - k < limit:
            token = self.tokens[m]
            if m > k and not token.joined:
                break
            if self.is_name_word(m):
                end = m
                if token.possessive:
                    break
            elif (
                not token.cyrillic
                and token.key in _NAME_PARTICLES
                and m > k
                and self.is_name_word(m + 1)
                and self.tokens[m + 1].joined
            ):
                pass
            else:
                break
            m += 1
        return end

    # -- passes ------------------------------------------------------------------------------------
    def gazetteer_pass(self) -> None:
        tokens, gz = self.tokens, self.gz
        i = 0
        while i < len(tokens):
            if gz.can_start(tokens[i]):
                hit = gz.match(tokens, i)
                if hit is not None and not self._foreign_surname(i, hit[0], hit[1]):
                    j, entry = hit
                    entity = self._entity(entry.id, entry.type, entry.name(self.language), tokens[i].start, entry=entry)
                    if entry.type == PERSON and j > i:
                        entity.surname_keys = tokens[j].keys
                    self._add(i, j, entity)
                    i = j + 1
                    continue
            i += 1

    def qualify_generic(self) -> None:
        """Attach the country to generic bodies: "Russia's Foreign Ministry", "МЗС Росії"."""
        tokens = self.tokens
        for span in list(self.spans):
            i, j, entity = span
            entry = entity.entry
            if entry is None or not entry.generic:
                continue
            qualifier: GazEntry | None = None
            name = ""
            before = self._span_ending(i - 1) if i > 0 and tokens[i].joined else None
            demonym = self._demonym_ending(i - 1) if i > 0 and tokens[i].joined else None
            after = self._place_after(j)
            if before is not None and before[2].type == PLACE and tokens[i - 1].possessive:
                qualifier = before[2].entry
                name = self.surface(before[0], j)
            elif demonym is not None:
                start, qualifier = demonym
                name = self.surface(start, j)
            elif after is not None:
                place_span, via_of = after
                qualifier = place_span[2].entry
                if via_of or not tokens[i].cyrillic:
                    name = self.surface(i, place_span[1])
                else:
                    name = f"{entry.name(self.language)} {self.surface(place_span[0], place_span[1])}"
            if qualifier is None:
                continue
            self._drop(span)
            qualified = self._entity(
                f"{entry.id}@{qualifier.id}", ORGANIZATION, name, tokens[i].start, entry=entry, qualifier=qualifier
            )
            self._add(i, j, qualified)

    def _demonym_ending(self, k: int) -> tuple[int, GazEntry] | None:
        for start in (k - 1, k):
            if start >= 0 and not self.taken[start]:
                found = self.gz.demonym_at(self.tokens, start)
                if found is not None and found[0] == k:
                    return start, found[1]
        return None

    def _place_after(self, j: int) -> tuple[tuple[int, int, FoundEntity], bool] | None:
        """A place right after token ``j``: directly (Ukrainian genitive) or after "of (the)"."""
        tokens = self.tokens
        k = j + 1
        via_of = False
        if k < len(tokens) and tokens[k].key == "of" and tokens[k].joined:
            k += 1
            via_of = True
            if k < len(tokens) and tokens[k].key == "the":
                k += 1
        if k >= len(tokens) or not tokens[k].joined:
            return None
        span = self._span_starting(k)
        if span is None or span[2].type != PLACE:
            return None
        if not via_of and not tokens[k].cyrillic:
            return None
        return span, via_of

    def title_pass(self) -> None:
        tokens = self.tokens
        n = len(tokens)
        for i in range(n):
            if self.taken[i]:
                continue
            token = tokens[i]
            if token.cyrillic:
                end = self._uk_title_end(i)
            elif token.key in _TITLES_BY_FIRST:
                end = self._en_title_end(i)
            else:
                continue
            if end is None:
                continue
            start: int | None = end + 1
            if token.cyrillic:
                start = self._uk_skip_to_name(end + 1)
            elif end + 1 < n:
                gap = self.text[tokens[end].end : tokens[end + 1].start]
                if gap not in (" ", ". ", ", ", "\u00a0"):
                    continue
            if start is None or start >= n:
                continue
            last = self._name_run(start)
            if last < start:
                continue
            if token.cyrillic and not entities_uk.can_be_person(
                [t.text for t in tokens[start : last + 1]], self._span_starting(last + 1) is not None
            ):
                continue  # "мешканка Вовчанських Хуторів Людмила Гнатюк": the place before her name
            self._add_person(start, last)

    def _en_title_end(self, i: int) -> int | None:
        tokens = self.tokens
        best = None
        for sequence in _TITLES_BY_FIRST.get(tokens[i].key, ()):
            k = i
            for word in sequence:
                if k >= len(tokens) or tokens[k].key != word or (k > i and not tokens[k].joined):
                    break
                if tokens[k].possessive:
                    break
                k += 1
            else:
                if best is None or k - 1 > best:
                    best = k - 1
        return best

    def _uk_title_end(self, i: int) -> int | None:
        word = self.tokens[i].key
        if word in _TITLE_WORDS_UK or word.startswith(_TITLE_PREFIXES_UK):
            text = self.tokens[i].text
            # "депутати" names many people; "журналістського" is an adjective, not a role
            if entities_uk.only_plural(text) or entities_uk.only_adjective(text):
                return None
            return i
        return None

    def _uk_skip_to_name(self, k: int) -> int | None:
        """Skip the role's complement ("закордонних справ", a country) to where the name starts."""
        tokens = self.tokens
        skipped = 0
        while k < len(tokens) and (tokens[k].joined or _QUOTED_GAP_RE.fullmatch(self._gap(k))):
            if self.is_name_word(k):
                following = self._span_starting(k + 1) if k + 1 < len(tokens) and tokens[k + 1].joined else None
                if following is not None and following[2].type == PERSON:
                    return None  # "голова правління Ощадбанку Юрій Кац": the name is already there
                return k
            if self.taken[k] or not tokens[k].cap:
                skipped += 1
                if skipped > _SKIPPABLE_UK or not (self.taken[k] or entities_uk.can_be_genitive(tokens[k].text)):
                    return None  # "депутати врахують зауваження Головного ...": a verb ends the role
                k += 1
                continue
            return None
        return None

    def _add_person(self, start: int, last: int) -> None:
        tokens = self.tokens
        words = tokens[start : last + 1]
        name = self.surface(start, last)
        if tokens[last].possessive:
            name = name[: tokens[last].start - tokens[start].start] + _strip_possessive(tokens[last].text)
        name_keys = tuple(t.keys for t in words)
        entity = self._same_person(name_keys)
        if entity is None:
            ident = "person:" + " ".join(t.key for t in words)
            entity = self._entity(ident, PERSON, name, tokens[start].start)
            entity.name_keys = name_keys
            if len(words) > 1:
                entity.surname_keys = tokens[last].keys
        self._add(start, last, entity)

    def _same_person(self, name_keys: tuple[tuple[str, ...], ...]) -> FoundEntity | None:
        """A person already found whose every name word shares a key with these (case forms)."""
        for entity in self.by_ident.values():
            if (
                entity.type == PERSON
                and entity.entry is None
                and len(entity.name_keys) == len(name_keys)
                and all(set(a) & set(b) for a, b in zip(entity.name_keys, name_keys, strict=True))
            ):
                return entity
        return None

    def org_pass(self) -> None:
        """Capitalised runs ending in a body word: "Carleton University", "Kyiv City Council"."""
        tokens = self.tokens
        n = len(tokens)
        i = 0
        while self._pending_orgs:
            self._add_org(*self._pending_orgs.pop())
        while i < n:
            if self.taken[i] or tokens[i].cyrillic or not tokens[i].cap:
                i += 1
                continue
            run = self._cap_run(i)
            org = self._org_in_run(run)
            if org is None:
                i = run[-1] + 1
                continue
            s, e = org
            self._add_org(s, e)
            while self._pending_orgs:
                self._add_org(*self._pending_orgs.pop())
            i = e + 1

    def _cap_run(self, i: int) -> list[int]:
        tokens = self.tokens
        n = len(tokens)
        run = [i]
        k = i + 1
        if tokens[i].possessive and i > 0:
            return run
        while k < n and tokens[k].joined and not self.taken[k]:
            token = tokens[k]
            if token.cap and not token.cyrillic:
                run.append(k)
                # "Prosecutor's Office": a possessive inside a body's name does not end it.
                if token.possessive and not (
                    k + 1 < n and tokens[k + 1].joined and tokens[k + 1].key in _ORG_HEADS and tokens[k + 1].cap
                ):
                    break
                k += 1
                continue
            nxt = k + 1
            if (
                token.key in _ORG_CONNECTORS
                and nxt < n
                and tokens[nxt].joined
                and not self.taken[nxt]
                and (tokens[nxt].cap or tokens[nxt].key == "the")
            ):
                run.append(k)
                k += 1
                if tokens[k].key == "the":
                    run.append(k)
                    k += 1
                continue
            # "Bank for Reconstruction and Development": "and" inside a name that already has "of"/"for".
            if (
                token.key in _ORG_INNER
                and nxt < n
                and tokens[nxt].joined
                and tokens[nxt].cap
                and not self.taken[nxt]
                and any(tokens[x].key in _ORG_CONNECTORS for x in run)
            ):
                run.append(k)
                k += 1
                continue
            break
        while len(run) > 1 and tokens[run[-1]].key in (*_ORG_CONNECTORS, *_ORG_INNER, "the"):
            run.pop()
        return run

    def _org_in_run(self, run: list[int]) -> tuple[int, int] | None:
        tokens = self.tokens
        heads = [k for k in run if tokens[k].key in _ORG_HEADS]
        if not heads:
            return None
        end = heads[-1]
        if end + 1 < len(tokens) and end + 1 in run and tokens[end + 1].key in _ORG_CONNECTORS:
            end = run[-1]
        members = [k for k in run if k <= end]
        # Drop leading common words ("The", "Despite") and a role before "of" ("Member of Parliament"), but not
        # the words that open bodies' names ("State Environmental Inspectorate", "Central Bank").
        while members and (
            (tokens[members[0]].key in self.gz.stopwords_en and tokens[members[0]].key not in _NAME_OPENERS)
            or tokens[members[0]].key == "the"
        ):
            members.pop(0)
        # "Institute of Hydrobiology of the National Academy of Sciences": two bodies, split at "of the".
        for position in range(1, len(members) - 2):
            k = members[position]
            if tokens[k].key == "of" and tokens[members[position + 1]].key == "the":
                rest = members[position + 2 :]
                if any(tokens[m].key in _ORG_HEADS for m in members[:position]) and any(
                    tokens[m].key in _ORG_HEADS for m in rest
                ):
                    self._pending_orgs.append((rest[0], rest[-1]))
                    members = members[:position]
                    break
        for position, k in enumerate(members):
            if tokens[k].key == "of" and position > 0 and tokens[members[position - 1]].key in _ROLE_BEFORE_OF:
                members = members[position + 1 :]
                break
            if tokens[k].key in _ORG_CONNECTORS:
                break
        while members and tokens[members[0]].key in (*_ORG_CONNECTORS, "the"):
            members.pop(0)
        if not members or not any(tokens[k].key in _ORG_HEADS for k in members):
            return None
        return members[0], members[-1]

    def _add_org(self, s: int, e: int) -> None:
        tokens = self.tokens
        start = s
        qualifier: GazEntry | None = None
        demonym = self.gz.demonym_at(tokens, s)
        before = self._span_ending(s - 1) if s > 0 and tokens[s].joined else None
        if before is not None and before[2].type == ORGANIZATION and not tokens[s - 1].possessive:
            self._drop(before)
            start = core_start = before[0]
        elif demonym is not None and demonym[0] < e:
            qualifier = demonym[1]
            core_start = demonym[0] + 1
        elif before is not None and before[2].type == PLACE and tokens[s - 1].possessive and self._own_name(s, e):
            core_start = s  # "Ukraine's High Anti-Corruption Court": a body's full name needs no possessive
        elif before is not None and before[2].type == PLACE:
            qualifier = before[2].entry
            start = before[0]
            core_start = s
            if not tokens[s - 1].possessive:
                self._drop(before)  # "Kyiv City Council": the place is part of the body's name
        else:
            core_start = s
        if e == core_start and qualifier is None:
            return  # a bare "Parliament" or "Court" names nothing in particular
        # "Ministry of Defense of Ukraine": a trailing "of <place>" belongs to the name.
        after = self._place_after(e)
        if after is not None and after[1]:
            e = after[0][1]
            self._drop(after[0])
        elif tokens[e].key in _ORG_HEADS and not tokens[e].cyrillic and e + 1 < len(tokens) and tokens[e + 1].joined:
            # "University College London": a place right after the head word ends the name.
            place = self._span_starting(e + 1)
            if place is not None and place[2].type == PLACE and place[0] == place[1]:
                following = place[1] + 1
                if following >= len(tokens) or not (tokens[following].joined and tokens[following].cap):
                    e = place[1]
                    self._drop(place)
        name = self.surface(start, e)
        if tokens[e].possessive:
            name = name[: tokens[e].start - tokens[start].start] + _strip_possessive(tokens[e].text)
        core = " ".join(t.key for t in tokens[core_start : e + 1])
        ident = "org:" + core + (f"@{qualifier.id}" if qualifier else "")
        entity = self._entity(ident, ORGANIZATION, name, tokens[start].start, qualifier=qualifier)
        self._add(start, e, entity)

    def _own_name(self, s: int, e: int) -> bool:
        """Is ``s..e`` a body's full name (three words or more, or joined by "of"/"for"), not a generic one
        that needs its country ("Foreign Ministry", "National Bank", "General Staff")?"""
        words = self.tokens[s : e + 1]
        return len(words) >= 3 or any(t.key in _ORG_CONNECTORS for t in words)

    def place_pass(self) -> None:
        tokens = self.tokens
        n = len(tokens)
        for k in range(n):
            token = tokens[k]
            if self.taken[k] or token.key not in _PLACE_WORDS:
                continue
            if not token.cyrillic and token.key in _PLACE_SUFFIXES and k > 0 and token.joined:
                if self.is_name_word(k - 1):
                    self._add_place(k - 1, k)
            elif (token.key in _PLACE_INTROS and not token.cyrillic) or (
                token.cyrillic and token.key in _PLACE_INTROS_UK
            ):
                m = k + 1
                if not token.cyrillic and m < n and tokens[m].key == "of" and tokens[m].joined:
                    m += 1
                elif not token.cyrillic:
                    continue
                if m < n and tokens[m].joined and self.is_name_word(m):
                    last = self._name_run(m, limit=2)
                    self._add_place(m, last)

    def _add_place(self, i: int, j: int) -> None:
        name = self.surface(i, j)
        entity = self._entity("place:" + name.casefold(), PLACE, name, self.tokens[i].start)
        self._add(i, j, entity)

    def speech_pass(self) -> None:
        """Two or three name words right before or after a speech verb: "said Jane Roe"."""
        tokens = self.tokens
        n = len(tokens)
        for k in range(n):
            token = tokens[k]
            verbs = _SPEECH_VERBS_UK if token.cyrillic else _SPEECH_VERBS_EN
            if token.key not in verbs or token.cap:
                continue
            # After the verb.
            if k + 1 < n and tokens[k + 1].joined:
                last = self._name_run(k + 1, limit=3)
                if last >= k + 2:
                    self._add_person(k + 1, last)
            # Before the verb: two or three name words ending right before it.
            if token.joined and k > 1 and self.is_name_word(k - 1):
                start = k - 1
                while start > 0 and k - start < 3 and tokens[start].joined and self.is_name_word(start - 1):
                    start -= 1
                if start < k - 1 and not tokens[k - 1].possessive:
                    self._add_person(start, k - 1)

    def apposition_pass(self) -> None:
        """Two or three name words described by a title: "Jane Roe, a spokesperson for ...",
        "Jane Roe is a senior news editor", "the Taliban's envoy, Jane Roe, attends"."""
        tokens = self.tokens
        n = len(tokens)
        k = 0
        while k < n:
            if not self.is_name_word(k) or tokens[k].cyrillic:
                k += 1
                continue
            last = self._name_run(k, limit=3)
            if last <= k or tokens[last].possessive:
                k = max(last, k) + 1
                continue
            if self._described_after(last) or self._described_before(k, last):
                self._add_person(k, last)
            k = last + 1

    def _described_after(self, last: int) -> bool:
        tokens = self.tokens
        m = last + 1
        if m >= len(tokens):
            return False
        gap = self.text[tokens[last].end : tokens[m].start]
        if gap == ", " and tokens[m].key == "who" and not tokens[m].cap:
            return True  # "Vasyl Moroz, who has fished here for 40 years, said": "who" is said of people
        if gap == ", " and tokens[m].possessive and m + 1 < len(tokens) and tokens[m + 1].key in _TITLE_WORDS:
            return True  # "Munir Mammadzade, UNICEF's representative in Ukraine,"
        if gap == ", " and tokens[m].key == "co" and m + 1 < len(tokens):
            m += 1  # "co-chair of"
        if gap == ", " and tokens[m].key in _TITLE_WORDS and not tokens[m].cap:
            return True
        if gap == ", " and tokens[m].key in ("a", "an", "the"):
            m += 1
        elif gap == " " and tokens[m].key in ("is", "was") and m + 1 < len(tokens):
            if tokens[m + 1].key not in ("a", "an", "the"):
                return False
            m += 2
        else:
            return False
        for k in range(m, min(m + 4, len(tokens))):
            if k > m and not tokens[k].joined:
                return False
            if tokens[k].key in _TITLE_WORDS:
                return True
        return False

    def _described_before(self, first: int, last: int) -> bool:
        tokens = self.tokens
        if first == 0 or last + 1 >= len(tokens):
            return False
        if self.text[tokens[first - 1].end : tokens[first].start] != ", ":
            return False
        if self.text[tokens[last].end : tokens[last + 1].start] != ", ":
            return False
        k = first - 1
        while k >= 0 and first - k <= 8:
            if tokens[k].key in _TITLE_WORDS and tokens[k].key not in ("head", "chief", "major"):
                return True
            if k < first - 1 and not tokens[k + 1].joined:
                return False
            k -= 1
        return False

    def byline_pass(self) -> None:
        tokens = self.tokens
        for k, token in enumerate(tokens):
            if token.key == "by" and token.cap and token.sentence_start and k + 1 < len(tokens):
                last = self._name_run(k + 1, limit=3)
                if last >= k + 2 and (last + 1 >= len(tokens) or not tokens[last + 1].joined):
                    self._add_person(k + 1, last)

    def detector_pass(self, detected: Sequence[DetectedEntity]) -> None:
        starts = {t.start: i for i, t in enumerate(self.tokens)}
        ends = {t.end: i for i, t in enumerate(self.tokens)}
        for found in detected:
            i, j = starts.get(found.start), ends.get(found.end)
            if i is None or j is None or found.type not in (PERSON, PLACE, ORGANIZATION):
                continue
            if any(self.taken[i : j + 1]) or not _valid_name(self.surface(i, j), self.gz):
                continue
            name = self.surface(i, j)
            entity = self._entity(f"{found.type}:{name.casefold()}", found.type, name, self.tokens[i].start)
            if found.type == PERSON and j > i:
                entity.surname_keys = self.tokens[j].keys
            self._add(i, j, entity)

    def _foreign_surname(self, i: int, j: int, entry: GazEntry) -> bool:
        """A one-word match that means something else here. "Mykola Matviyenko" is not Valentina
        Matviyenko; "Георгієві" (a dative given name) is not "Георгієва"; "Микола" is not "Миколаїв" and
        "Європейського" is not "Європа": morphology must let the word be a form of the entry's name."""
        tokens = self.tokens
        if i != j:
            return tokens[j].cyrillic and entry.type != PERSON and entities_uk.only_adjective(tokens[j].text)
        if tokens[i].cyrillic:
            if tokens[i].acronym:
                return False
            after = i + 1 < len(tokens) and tokens[i + 1].joined and self.is_name_word(i + 1)
            if after and morphology.is_given_name(tokens[i].text):
                return True  # "Георгієві Тихому", "Микола Калашник": a given name opens a full name
            if entities_uk.only_adjective(tokens[i].text):
                return True  # "Європейського" is not "Європа"
            if not any(entities_uk.is_surname_form(tokens[i].text, w) for w in entry.last_words_uk):
                return True  # "Дані" (data) is not "Данія", "Микола" is not "Миколаїв"
            if entry.type == PERSON and i > 0 and tokens[i].joined and morphology.is_given_name(tokens[i - 1].text):
                # "імені Ігоря Сікорського" is not Radosław Sikorski: the given name must be the entry's own
                first = entry.name("uk").split()[0]
                return not entities_uk.is_surname_form(tokens[i - 1].text, first)
            return False
        if entry.type != PERSON:
            return False
        return i > 0 and tokens[i].joined and tokens[i - 1].cap and self.is_name_word(i - 1)

    def token_at(self, offset: int) -> int | None:
        """The index of the token that covers character ``offset``, or None."""
        lo, hi = 0, len(self.tokens) - 1
        while lo <= hi:
            mid = (lo + hi) // 2
            token = self.tokens[mid]
            if token.end <= offset:
                lo = mid + 1
            elif token.start > offset:
                hi = mid - 1
            else:
                return mid
        return None

    # -- English rules beyond the gazetteer ---------------------------------------------------------------
    def region_list_pass(self) -> None:
        """ "Kyiv, Chernihiv and Sumy oblasts" names three oblasts, not three cities; "Saltivskyi district"
        and "the Oskil River" are places."""
        tokens = self.tokens
        n = len(tokens)
        for k in range(1, n):
            token = tokens[k]
            if token.cyrillic or not token.joined:
                continue
            if token.key in _REGION_PLURALS and not token.cap:
                suffix = _REGION_PLURALS[token.key]
                m = k - 1
                names: list[int] = []
                while m >= 0 and tokens[m].cap and not tokens[m].cyrillic:
                    names.append(m)
                    gap = self.text[tokens[m - 1].end : tokens[m].start] if m > 0 else ""
                    if m > 0 and gap == ", ":
                        m -= 1
                    elif m > 1 and tokens[m - 1].key == "and" and tokens[m - 1].joined:
                        m -= 2
                    else:
                        break
                for m in sorted(names):
                    self._region(m, m, f"{tokens[m].text} {suffix}")
            elif token.key in ("district", "river") and (token.key == "district" or token.cap):
                m = k - 1
                named = tokens[m].cap and not tokens[m].cyrillic and tokens[m].key not in self.gz.stopwords_en
                if named and not self.taken[k]:
                    self._region(m, k, f"{tokens[m].text} {token.text}")

    def _region(self, i: int, j: int, name: str) -> None:
        span = self._span_starting(i)
        if span is not None:
            if span[2].type != PLACE or span[1] != i:
                return
            self._drop(span)
            for k in range(span[0], span[1] + 1):
                self.taken[k] = False
        elif any(self.taken[i : j + 1]):
            return
        entry = self.gz.lookup_name(name)
        if entry is not None:
            entity = self._entity(entry.id, entry.type, entry.name(self.language), self.tokens[i].start, entry=entry)
        else:
            entity = self._entity("place:" + name.casefold(), PLACE, name, self.tokens[i].start)
        self._add(i, j, entity)

    def team_pass(self) -> None:
        """Sports teams: "Shakhtar Donetsk" (a name and a city), "Aberdeen striker Kevin Nisbet" (a name
        before a player's role), "beat Aberdeen 3-1", "drew 1-1 with Rapid Vienna"."""
        tokens = self.tokens
        n = len(tokens)
        starts = {span[0]: span for span in self.spans}
        for k in range(n - 1):
            token = tokens[k]
            if not token.cap or self.taken[k] or token.cyrillic or not self.is_name_word(k):
                continue
            place = starts.get(k + 1) if tokens[k + 1].joined else None
            if (
                place is not None
                and place[2].type == PLACE
                and place[0] == place[1]
                and place[2].entry is not None
                and place[2].entry.kind in ("city", "capital")
                and not (k > 0 and tokens[k].joined and tokens[k - 1].cap and not tokens[k - 1].sentence_start)
            ):
                self._drop(place)
                self._add_team(k, place[1])
            elif (
                tokens[k + 1].key in _SPORTS_ROLES
                and tokens[k + 1].joined
                and not tokens[k + 1].cap
                and k + 2 < n
                and tokens[k + 2].cap
                and not tokens[k].possessive
            ):
                self._add_team(k, k)
        for match in re.finditer(rf"(?<![\w-]){_SCORE_RE}(?![\w-])", self.text):
            before = self.token_at(match.start() - 2)
            after = self.token_at(match.end() + 1)
            if before is not None and tokens[before].end == match.start() - 1 and self.is_name_word(before):
                start = before
                while start > 0 and tokens[start].joined and self.is_name_word(start - 1):
                    start -= 1
                self._add_team(start, before)
            if after is not None and tokens[after].key in ("with", "to", "against") and after + 1 < n:
                first = after + 1
                if self.is_name_word(first):
                    last = first
                    if (
                        last + 1 < n
                        and tokens[last + 1].joined
                        and tokens[last + 1].cap
                        and not tokens[last + 1].cyrillic
                    ):
                        last += 1
                        place = self._span_starting(last)
                        if place is not None and place[2].type == PLACE:
                            self._drop(place)
                    if not any(self.taken[first : last + 1]):
                        self._add_team(first, last)

    def _add_team(self, i: int, j: int) -> None:
        if any(self.taken[i : j + 1]) or self.tokens[i].key in _TITLE_WORDS:
            return
        name = self.surface(i, j)
        if self.tokens[j].possessive:
            name = _strip_possessive(name)
        entity = self._entity("org:" + name.casefold(), ORGANIZATION, name, self.tokens[i].start)
        self._add(i, j, entity)

    def described_org_pass(self) -> None:
        """Names an organization word describes: "Risoil, a grain terminal operator", "the charity Save the
        Children", "the European Solidarity faction", "Kyiv's water utility, Kyivvodokanal,"."""
        tokens = self.tokens
        n = len(tokens)
        k = 0
        while k < n:
            if not tokens[k].cap or self.taken[k] or tokens[k].cyrillic or not self._org_name_word(k):
                k += 1
                continue
            last = k
            while last + 1 < n and tokens[last + 1].joined and last - k < 3:
                if self._org_name_word(last + 1):
                    last += 1
                    if tokens[last].possessive:
                        break
                elif (
                    tokens[last + 1].key in ("the", "of", "for", "and")
                    and not tokens[last + 1].cap
                    and last + 2 < n
                    and tokens[last + 2].joined
                    and self._org_name_word(last + 2)
                ):
                    last += 2  # "Save the Children"
                else:
                    break
            # One capitalized word opening a sentence is usually no name at all.
            lone_opener = tokens[k].sentence_start and last == k and k + 1 < n and not tokens[k + 1].cap
            if lone_opener and not self._described_as_org(k, last):
                k = last + 1
                continue
            if self._described_as_org(k, last):
                self._add_team(k, last)
            k = last + 1

    def _org_name_word(self, k: int) -> bool:
        token = self.tokens[k]
        if self.taken[k] or token.cyrillic or not token.cap:
            return False
        key = token.key
        if key in self.gz.stopwords_en or key in _TITLE_WORDS:
            return False
        if (key,) in self.gz.demonyms:
            # "European Solidarity": a nationality word may open a name that goes on in capitals
            following = self.tokens[k + 1] if k + 1 < len(self.tokens) else None
            return (
                following is not None
                and following.joined
                and following.cap
                and not following.cyrillic
                and (following.key,) not in self.gz.demonyms
                and following.key not in _TITLE_WORDS
            )
        return True

    def _described_as_org(self, first: int, last: int) -> bool:
        tokens = self.tokens
        n = len(tokens)
        # After: ", a/the/its ... <describer>" within six words; or " <kind>" right after.
        m = last + 1
        if m < n and self.text[tokens[last].end : tokens[m].start] == ", ":
            for k in range(m, min(m + 7, n)):
                if k > m and not tokens[k].joined:
                    break
                if tokens[k].key in _TITLE_WORDS and not tokens[k].cap and tokens[k].key not in _ORG_DESCRIBERS:
                    return False  # "Petro Savchuk, a spokesperson for the agency": a person
                if tokens[k].key in _APPOSITION_STOPS:
                    break
                if tokens[k].key in _ORG_DESCRIBERS and not tokens[k].cap and not tokens[k].possessive:
                    # "near Izmail, the bank said": a describer that is a clause's subject describes nothing.
                    following = tokens[k + 1] if k + 1 < n else None
                    return following is None or following.key not in _SPEECH_VERBS_EN
                if (
                    tokens[k].cap
                    and k > m
                    and not tokens[k].possessive
                    and (tokens[k].key,) not in self.gz.demonyms
                    and self._span_starting(k) is None
                ):
                    break
        elif first > 0 and tokens[first - 1].key == "the" and tokens[first].joined:
            # "the European Solidarity faction", "the Unbroken rehabilitation center" (never "an Islamist
            # movement": a name takes the definite article).
            if m < n and tokens[m].joined and tokens[m].key in _ORG_KINDS_AFTER and not tokens[m].cap:
                return True
            if m + 1 < n and tokens[m].joined and not tokens[m].cap and tokens[m + 1].joined:
                kind = tokens[m + 1]
                if kind.key in _ORG_KINDS_AFTER and not kind.cap and tokens[m].key not in ("of", "and"):
                    return tokens[m].key not in self.gz.stopwords_en
        # Before: "the company X", "the public broadcaster X", "water utility, X,".
        p = first - 1
        if p >= 0 and tokens[first].joined and tokens[p].key in _ORG_DESCRIBERS and not tokens[p].cap:
            return True
        if p >= 0 and tokens[p].key in _ORG_DESCRIBERS and not tokens[p].cap:
            gap = self.text[tokens[p].end : tokens[first].start]
            after = self.text[tokens[last].end : tokens[last].end + 1] if last < n else ""
            return gap == ", " and after == ","
        return False

    def acronym_pass(self) -> None:
        """Abbreviations are organizations unless the gazetteer says otherwise: "DTEK", "ICU", "ДСНС",
        "Одеської ОВА" (with the region adjective before it, in the nominative)."""
        tokens = self.tokens
        n = len(tokens)
        for k in range(n):
            token = tokens[k]
            if self.taken[k] or not token.acronym or len(token.key) < 2 or "." in token.text:
                continue
            if token.key in _NOT_ORG_ACRONYMS or not token.key.isalpha():
                continue
            dotted = _DOTTED_RE.match(self.text, token.start)
            if dotted is not None and not token.cyrillic:
                last = self.token_at(dotted.end() - 1)
                if last is not None and not any(self.taken[k : last + 1]):
                    entity = self._entity("org:" + dotted.group().casefold(), ORGANIZATION, dotted.group(), token.start)
                    self._add(k, last, entity)
                continue
            following = tokens[k + 1] if k + 1 < n else None
            if (
                following is not None
                and following.joined
                and following.cap
                and not following.acronym
                and not token.cyrillic
                and not following.cyrillic
            ):
                continue  # "HALO Trust", "DTEK Renewables": the start of a longer name
            # "IRIS-T", "OSB-плитами": part of a hyphenated word, not a body's name.
            if (k > 0 and self.text[tokens[k - 1].end : token.start] == "-") or (
                k + 1 < n and self.text[token.end : tokens[k + 1].start] == "-"
            ):
                continue
            start = k
            name = token.text
            if (
                token.cyrillic
                and k > 0
                and token.joined
                and not self.taken[k - 1]
                and tokens[k - 1].cap
                and tokens[k - 1].cyrillic
                and entities_uk.adjective_before_acronym(tokens[k - 1].text)
            ):
                start = k - 1
                name = f"{entities_uk.adjective_nominative(tokens[k - 1].text)} {token.text}"
            entity = self._entity("org:" + name.casefold(), ORGANIZATION, name, tokens[start].start)
            self._add(start, k, entity)

    def repeated_surname_pass(self) -> None:
        """Two or three name words whose last word appears alone elsewhere: "Oksana Levchenko ... Levchenko
        pointed". Organizations do not repeat their last word alone; people's surnames do."""
        tokens = self.tokens
        n = len(tokens)
        alone: dict[str, int] = {}
        for k, token in enumerate(tokens):
            if not token.cap or token.cyrillic:
                continue
            joined_before = k > 0 and token.joined and tokens[k - 1].cap
            joined_after = k + 1 < n and tokens[k + 1].joined and tokens[k + 1].cap
            alone[token.key] = alone.get(token.key, 0) + (0 if joined_before or joined_after else 1)
        k = 0
        while k < n:
            if not tokens[k].cap or tokens[k].cyrillic or not self.is_name_word(k):
                k += 1
                continue
            last = self._name_run(k, limit=3)
            if (
                last > k
                and not tokens[last].possessive
                and alone.get(tokens[last].key, 0) >= 1
                and all(tokens[m].key not in _ORG_HEADS for m in range(k, last + 1))
            ):
                self._add_person(k, last)
            k = max(last, k) + 1

    def fold_acronyms(self) -> None:
        """An abbreviation is the organization it abbreviates when the text names that one too:
        "EBRD" → "European Bank for Reconstruction and Development", "ЄБРР", "ДСНС"."""
        orgs = [e for e in self.by_ident.values() if e.type == ORGANIZATION and e.mentions and " " in e.name]
        if not orgs:
            return
        for span in list(self.spans):
            i, j, entity = span
            if entity.type != ORGANIZATION or i != j or not self.tokens[i].acronym:
                continue
            letters = self.tokens[i].key.upper()
            target = next((o for o in orgs if o is not entity and _abbreviates(letters, o.name)), None)
            if target is not None:
                self._drop(span)
                self._add(i, j, target)

    def fold_org_words(self) -> None:
        """A team or company named in full once and then by its first word: "Shakhtar Donetsk" … "Shakhtar"."""
        firsts: dict[str, FoundEntity] = {}
        for entity in self.by_ident.values():
            if entity.type == ORGANIZATION and entity.mentions and entity.entry is None and " " in entity.name:
                firsts.setdefault(entity.name.split()[0].casefold(), entity)
        if not firsts:
            return
        for k, token in enumerate(self.tokens):
            if self.taken[k] or not token.cap or token.cyrillic:
                continue
            target = firsts.get(token.key)
            if target is not None and not (
                k + 1 < len(self.tokens) and self.tokens[k + 1].joined and self.tokens[k + 1].cap
            ):
                self._add(k, k, target)

    # -- folding -----------------------------------------------------------------------------------
    def fold_people(self) -> None:
        """A surname alone is the person named in full elsewhere in the text."""
        by_surname: dict[str, FoundEntity] = {}
        for entity in self.by_ident.values():
            if entity.type == PERSON and entity.surname_keys and entity.mentions:
                for key in entity.surname_keys:
                    by_surname.setdefault(key, entity)
        if not by_surname:
            return

        def person_with_surname(token: Token) -> FoundEntity | None:
            return next((by_surname[k] for k in token.keys if k in by_surname), None)

        # A known person's surname alone, when the text names someone else with that surname in full
        # ("captain Mykola Matviyenko ... Matviyenko said"), is that someone.
        local: dict[str, FoundEntity] = {}
        for entity in self.by_ident.values():
            if entity.type == PERSON and entity.entry is None and entity.surname_keys and entity.mentions:
                for key in entity.surname_keys:
                    local.setdefault(key, entity)
        for span in list(self.spans):
            i, j, entity = span
            if entity.type == PERSON and i == j and entity.entry is not None and local:
                full = [s for s in self.spans if s[2] is entity and s[1] > s[0]]
                target = next((local[k] for k in self.tokens[i].keys if k in local), None)
                if not full and target is not None:
                    self._drop(span)
                    self._add(i, j, target)
        for span in list(self.spans):
            i, j, entity = span
            if entity.type != PERSON or i != j or entity.surname_keys or entity.entry is not None:
                continue
            target = person_with_surname(self.tokens[i])
            if target is not None and target is not entity:
                self._drop(span)
                self._add(i, j, target)
        for k, token in enumerate(self.tokens):
            if self.taken[k] or not token.cap or token.acronym:
                continue
            if (token.cyrillic and token.key in self.gz.stopwords_uk) or token.key in self.gz.stopwords_en:
                continue
            target = person_with_surname(token)
            if target is not None:
                self._add(k, k, target)

    def fold_orgs(self) -> None:
        """A bare "the Foreign Ministry" is the qualified one ("Russia's Foreign Ministry") if named."""
        qualified: dict[str, list[tuple[int, FoundEntity]]] = {}
        for i, _j, entity in sorted(self.spans, key=lambda s: s[0]):
            if entity.type == ORGANIZATION and entity.qualifier is not None:
                base = entity.ident.split("@", 1)[0]
                qualified.setdefault(base, []).append((i, entity))
        if not qualified:
            return
        for span in list(self.spans):
            i, j, entity = span
            if entity.type != ORGANIZATION or entity.qualifier is not None:
                continue
            candidates = qualified.get(entity.ident)
            if not candidates:
                continue
            earlier = [e for pos, e in candidates if pos < i]
            if not earlier:
                continue  # a short form refers back; before the qualified one it is another body
            target = earlier[-1]
            self._drop(span)
            self._add(i, j, target)

    def finish(self) -> EntityIndex:
        self.spans.sort(key=lambda s: s[0])
        entities = [e for e in self.by_ident.values() if e.mentions > 0]
        for entity in entities:
            if entity.entry is None and entity.type == PERSON and self.language == "uk":
                entity.name = self._nominative_form(entity)
        entities = [
            e
            for e in entities
            if e.entry is not None
            # A body or place read by morphology may start with a word that is also common ("Головне").
            or (e.type != PERSON and _CYRILLIC_RE.search(e.name) is not None and e.name[:1].isupper())
            or _valid_name(e.name, self.gz)
        ]
        keep = {id(e) for e in entities}
        mentions = [Mention(self.tokens[i].start, self.tokens[j].end, e) for i, j, e in self.spans if id(e) in keep]
        return EntityIndex(language=self.language, entities=entities, mentions=mentions)

    def _nominative_form(self, entity: FoundEntity) -> str:
        """The person's name in the nominative, from the fullest form the text gives (morphology decides)."""
        forms = [self.surface(i, j) for i, j, e in self.spans if e is entity]
        if not forms:
            return entity.name
        longest = max(len(f.split()) for f in forms)
        form = next(f for f in forms if len(f.split()) == longest)
        if not _CYRILLIC_RE.search(form):
            return form
        return entities_uk.person_name(form.split())


def could_be_name(word: str) -> bool:
    """Could this capitalized word be part of a person's name? Not a title, a body word, a common or a
    nationality word ("Foreign", "Minister", "The", "Ministry", "Ukrainian")."""
    key = _strip_possessive(word).casefold()
    gz = gazetteer()
    return not (
        key in _TITLE_WORDS
        or key in _ORG_HEADS
        or key in _NOT_NAME_WORDS
        or key in gz.stopwords_en
        or key in gz.stopwords_uk
        or (key,) in gz.demonyms
    )


def _strip_possessive(word: str) -> str:
    for suffix in ("'s", "’s", "'S", "’S"):
        if word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _abbreviates(letters: str, name: str) -> bool:
    """Do ``letters`` abbreviate ``name``? The first word's initial, then initials of later significant
    words in order, some skipped: "NABU" ↔ "National Anti-Corruption Bureau of Ukraine", "ДСНС" ↔
    "Державна служба України з надзвичайних ситуацій"."""
    initials = [w[0].upper() for w in re.split(r"[\s-]+", name) if w and w.casefold() not in _ABBREVIATION_SKIP]
    if len(letters) < 2 or not initials or initials[0] != letters[0] or len(letters) > len(initials):
        return False
    position = 1
    for letter in letters[1:]:
        while position < len(initials) and initials[position] != letter:
            position += 1
        if position >= len(initials):
            return False
        position += 1
    return True


_ABBREVIATION_SKIP = frozenset({"of", "for", "and", "the", "on", "in", "та", "і", "й", "з", "у", "в", "імені", "&"})


def _valid_name(name: str, gz: Gazetteer) -> bool:
    """Reject fragments: a name is 1-7 words, has letters, and neither starts nor ends with a common word."""
    words = name.split()
    if not words or len(words) > 10 or len(name) < 2 or any(ch.isdigit() for ch in name):
        return False
    for position, word in ((0, words[0]), (-1, words[-1])):
        folded = _strip_possessive(word).casefold().strip(".,")
        if position == 0 and len(words) > 1 and folded in _NAME_OPENERS:
            continue  # "State Environmental Inspectorate"
        if folded in gz.stopwords_en or folded in gz.stopwords_uk or folded in _ORG_CONNECTORS:
            return False
    return words[0][0].isupper()


def find_entities(text: str, language: str = "en", *, detector: EntityDetector | None = None) -> EntityIndex:
    """Entities of ``text`` with their mentions; names are displayed in ``language`` (en or uk)."""
    display = "uk" if language.split("-", maxsplit=1)[0].lower() == "uk" else "en"
    run = _Extractor(text, display, gazetteer())
    run.gazetteer_pass()
    cyrillic = display == "uk" or _CYRILLIC_RE.search(text) is not None
    if cyrillic:
        entities_uk.place_pass(run)
        entities_uk.org_pass(run)
        entities_uk.quoted_org_pass(run)
        entities_uk.name_pass(run)
        if display == "uk":
            entities_uk.latin_name_pass(run)
    run.region_list_pass()
    run.team_pass()
    run.acronym_pass()
    run.qualify_generic()
    run.title_pass()
    run.org_pass()
    run.described_org_pass()
    run.place_pass()
    run.speech_pass()
    run.apposition_pass()
    run.byline_pass()
    run.repeated_surname_pass()
    if detector is not None:
        run.detector_pass(detector.detect(text, display))
    run.fold_people()
    run.fold_orgs()
    run.fold_acronyms()
    run.fold_org_words()
    return run.finish()


def extract_entities(text: str, language: str = "en", *, detector: EntityDetector | None = None) -> Entities:
    """``{people, places, organizations}``, each ``{name, mentions}``, most mentioned first."""
    return find_entities(text, language, detector=detector).to_model()
