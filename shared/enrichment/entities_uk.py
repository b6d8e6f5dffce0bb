"""Ukrainian entity rules that need morphology: names beyond the gazetteer, in the nominative.

Each rule reads case, gender and dictionary form from :mod:`shared.enrichment.morphology` (pymorphy3)
and only for the words it is deciding about, never the whole text:

* people: a given name known to the dictionary (tagged Name) followed by one to three name words that
  agree with it in case and gender ("Ростислава Семківа", "з Діком Схоофом"); the name is reported
  in the nominative whatever case the text used;
* organizations: a phrase headed by an organization noun (міністерство, служба, рада, університет,
  штаб, театр, ...) with the adjectives before it and its genitive complement ("Запорізької обласної
  військової адміністрації" → "Запорізька обласна військова адміністрація"); a quoted name after an
  organization word ("фракція «Батьківщина»", "бригади «Хартія»") or quoted again and again ("«Шахтар»");
* places: "<adjective> область/район/громада" and their plural lists ("Київська, Чернігівська та
  Сумська області" are three oblasts), a river or village after its intro word.

Titles of works are not organizations: a quoted name after "роман", "книжка", "вистава", "фестиваль"
and the like anywhere in the text is skipped everywhere.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from shared.enrichment import morphology
from shared.enrichment.gazetteer import ORGANIZATION, PLACE
from shared.enrichment.tokens import word_set

if TYPE_CHECKING:
    from shared.enrichment.entities import _Extractor

# Nouns that head an organization's name (dictionary forms).
ORG_HEADS = word_set(
    """міністерство рада служба університет інститут агентство банк фонд комісія суд прокуратура бюро
    адміністрація управління штаб центр лабораторія театр лікарня академія асоціація компанія партія
    угруповання сили гвардія палата секретаріат група організація комітет кабінет офіс школа співтовариство
    союз поліція митниця об'єднання корпорація концерн холдинг федерація ліга клуб департамент інспекція
    казначейство консерваторія коледж ліцей гімназія музей бібліотека філармонія видавництво телеканал
    радіо інспекторат політехніка трибунал командування сила"""
)
# Words before a quoted name that make it an organization, and words that make it a title or an event.
ORG_DESCRIPTORS = word_set(
    """фракція партія бригада фонд гурт центр компанія агрохолдинг холдинг клуб організація енергокомпанія
    інвесткомпанія банк видання телеканал мережа корпорація концерн угруповання команда ансамбль оркестр
    об'єднання рух спілка група оператор виробник підприємство завод асоціація"""
)
WORK_DESCRIPTORS = word_set(
    """роман книжка книга збірка повість вистава п'єса фільм серіал пісня альбом кліп фестиваль програма
    премія операція виставка конкурс закон проєкт марафон акція кампанія вірш поема опера балет номінація
    телемарафон шоу"""
)
PLACE_NOUNS = word_set("область район громада округ край")
_RIVER_INTROS = word_set("річка озеро")
_SETTLEMENT_INTROS = word_set("село селище місто смт хутір")
_CONNECTORS = word_set("та і й")
_QUOTED_RE = re.compile(r"«([^«»\n]{2,60})»")
_MAX_COMPLEMENT = 7
_PLACE_PREFIXES = ("обл", "рай", "гром", "окр", "кра", "річ", "озер", "сел", "міст", "смт", "хут")
_BODY_ENDINGS = ("банк", "енерго", "пошта", "телеком", "нафта", "газ")
_GIVEN_NAME_RUN = 4  # a given name and up to three more name words (patronymic, surname, "фон дер Ляєн")
_NAME_PARTICLES = frozenset({"фон", "дер", "де", "ван", "да", "ді", "ле", "ла", "дю", "бін", "аль"})


def _noun_heads(word: str) -> bool:
    """Is ``word`` an organization noun? "служби", "Прем'єр-ліги" (by its last part), "Ощадбанку"."""
    return any(lemma in ORG_HEADS or lemma.rsplit("-", 1)[-1] in ORG_HEADS for lemma in morphology.lemmas(word))


def _compound_body(word: str) -> bool:
    """One word that names a company by its make-up: "Ощадбанк", "Центренерго", "Укрпошта"."""
    return any(lemma.endswith(_BODY_ENDINGS) and lemma not in _BODY_ENDINGS for lemma in morphology.lemmas(word))


def _is_adjective(word: str) -> bool:
    return any(r.pos in ("ADJF", "PRTF") for r in morphology.readings(word))


def _can_be_genitive(word: str) -> bool:
    return any(r.case == "gent" or r.fixed for r in morphology.readings(word))


can_be_genitive = _can_be_genitive


def only_adjective(word: str) -> bool:
    """A dictionary adjective and nothing else: "Європейського", "Івано-Франківського"."""
    readings = morphology.readings(word)
    return bool(readings) and all(r.pos in ("ADJF", "PRTF") and r.known for r in readings)


def can_be_person(words: list[str], person_follows: bool) -> bool:
    """Can these words after a role be a person's name? Not plural words, and not a complement that a name
    found right after them completes ("мешканка Вовчанських Хуторів Людмила Гнатюк")."""
    if person_follows:
        return False
    return not any(only_plural(w) for w in words)


def only_plural(word: str) -> bool:
    """Only plural readings: "депутати" names many people, not a title before one name."""
    readings = [r for r in morphology.readings(word) if r.pos == "NOUN"]
    return bool(readings) and all(r.number == "plur" for r in readings)


def _lemma_set(word: str, pos: tuple[str, ...] = ("NOUN",)) -> frozenset[str]:
    return morphology.lemmas(word, pos)


# -- people --------------------------------------------------------------------------------------------
def name_pass(run: _Extractor) -> None:
    """A dictionary given name and the name words that agree with it: "Ростислава Семківа"."""
    tokens = run.tokens
    n = len(tokens)
    i = 0
    while i < n:
        token = tokens[i]
        if run.taken[i] or not token.cyrillic or not token.cap or token.acronym or len(token.text) < 2:
            i += 1
            continue
        if token.key in run.gz.stopwords_uk or not morphology.is_given_name(token.text):
            i += 1
            continue
        words = [i]
        k = i + 1
        while k < n and len(words) < _GIVEN_NAME_RUN and tokens[k].joined and not run.taken[k]:
            if tokens[k].key in _NAME_PARTICLES and k + 1 < n and tokens[k + 1].cap:
                words.append(k)
                k += 1
                continue
            if not (tokens[k].cyrillic and tokens[k].cap and not tokens[k].acronym):
                break
            if tokens[k].key in run.gz.stopwords_uk or _is_place_or_org_word(tokens[k].text):
                break
            words.append(k)
            k += 1
        last = _agreeing_end(run, words)
        if last is None:
            i += 1
            continue
        run._add_person(i, last)
        i = last + 1


def _is_place_or_org_word(word: str) -> bool:
    """A word that starts something else, not a surname: "Харківської", "Міністерства"."""
    readings = morphology.readings(word)
    if any(r.surname or r.name for r in readings):
        return False
    return _noun_heads(word) or (any(r.known for r in readings) and all(r.pos == "ADJF" for r in readings))


def _agreeing_end(run: _Extractor, words: list[int]) -> int | None:
    """The last index of the longest run (two words or more) whose words agree as one person's name."""
    tokens = run.tokens
    while len(words) >= 2:
        texts = [tokens[k].text for k in words if tokens[k].key not in _NAME_PARTICLES]
        if _agree(texts):
            return words[-1]
        words = words[:-1]
    return None


def _agree(texts: list[str]) -> bool:
    """Do these name words share a case and gender, the first read as a given name?"""
    first = {(r.case, r.gender) for r in morphology.readings(texts[0]) if r.name and r.number != "plur"}
    if not first:
        return False
    shared = first
    for text in texts[1:]:
        options: set[tuple[str | None, str | None]] = set()
        for reading in morphology.readings(text):
            if reading.number == "plur" or reading.pos not in ("NOUN", "ADJF"):
                continue
            cases: tuple[str | None, ...] = morphology.CASES if reading.fixed else (reading.case,)
            genders: tuple[str | None, ...] = (
                (reading.gender,) if reading.gender in ("masc", "femn") else ("masc", "femn")
            )
            if text is texts[-1] and reading.case == "nomn" and reading.pos == "NOUN" and reading.gender == "masc":
                cases, genders = morphology.CASES, ("masc", "femn")  # "Наталія Куссуль": indeclinable for a woman
            options.update((case, gender) for case in cases for gender in genders)
        shared = shared & options
        if not shared:
            return False
    return True


def person_name(words: list[str]) -> str:
    """The nominative of a person's name as written in the text."""
    particles = [w for w in words if w.casefold() in _NAME_PARTICLES]
    core = [w for w in words if w.casefold() not in _NAME_PARTICLES]
    nominative = list(morphology.person_nominative(core))
    out, position = [], 0
    for word in words:
        if word in particles:
            out.append(word)
        else:
            out.append(nominative[position])
            position += 1
    return " ".join(out)


# -- organizations ---------------------------------------------------------------------------------------
def org_pass(run: _Extractor) -> None:
    """Phrases headed by an organization noun, with their adjectives and genitive complement."""
    tokens = run.tokens
    n = len(tokens)
    i = 0
    while i < n:
        token = tokens[i]
        # Common words may open a body's name ("Головне управління"): the head noun decides, not a stopword list.
        if not token.cyrillic or not token.cap or token.acronym:
            i += 1
            continue
        if run.taken[i] and not _yields_to_body(run, i):
            i += 1
            continue
        found = _org_at(run, i)
        if found is None:
            if not run.taken[i] and _compound_body(token.text) and not morphology.is_given_name(token.text):
                _add_org(run, i, i, i)
            i += 1
            continue
        head, end = found
        if morphology.lemmas(tokens[head].text) & ORG_DESCRIPTORS and _named_after(run, head, end):
            # "найбільша приватна енергетична компанія ДТЕК": the body is the name, not its description.
            i = end + 1
            continue
        _release(run, i, end)
        _add_org(run, i, head, end)
        i = end + 1


def _yields_to_body(run: _Extractor, k: int) -> bool:
    """A one-word gazetteer match ("Рада", "Європа") that a longer body's name here contains."""
    span = run._span_starting(k)
    return span is not None and span[0] == span[1] and span[2].type in (ORGANIZATION, PLACE)


def _release(run: _Extractor, start: int, end: int) -> None:
    """Drop one-word gazetteer matches inside a body's name: "Рада ЄС", "Служба безпеки України"."""
    for span in list(run.spans):
        if start <= span[0] and span[1] <= end:
            run._drop(span)
            for k in range(span[0], span[1] + 1):
                run.taken[k] = False


def _named_after(run: _Extractor, head: int, end: int) -> bool:
    tokens = run.tokens
    return end == head + 1 and (tokens[end].acronym or not tokens[end].cyrillic)


def _org_at(run: _Extractor, start: int) -> tuple[int, int] | None:
    """(head index, last index) of an organization's name starting at ``start``, or None."""
    tokens = run.tokens
    n = len(tokens)
    k = start
    while k < n and k - start < 7 and (k == start or tokens[k].joined):
        if k > start and run.taken[k]:
            return None
        if run.text[tokens[k].end : tokens[k].end + 1] == "-" and k + 1 < n and tokens[k + 1].joined:
            k += 1  # "науково-експертного", "Прем'єр-ліги": the last part decides
            continue
        text = tokens[k].text
        if tokens[k].cyrillic and _noun_heads(text):
            break
        if not tokens[k].cyrillic or not _is_adjective(text):
            return None
        k += 1
    else:
        return None
    if k >= n or (k > start and run.taken[k]) or not tokens[k].cyrillic or not _noun_heads(tokens[k].text):
        return None
    head = k
    end = _complement_end(run, head)
    if end == head and head == start:
        return None  # a bare "Суд" or "Центр" names nothing in particular
    return head, end


def _free_or_small(run: _Extractor, k: int) -> bool:
    """Free, or a one-word gazetteer match a body's name may contain ("України", "ЄС")."""
    return not run.taken[k] or _yields_to_body(run, k)


def _complement_end(run: _Extractor, head: int) -> int:
    """The last token of a head's genitive complement: "служби статистики", "театр імені Лесі Українки"."""
    tokens = run.tokens
    n = len(tokens)
    end = head
    k = head + 1
    count = 0
    topics = False  # inside "з питань ...", where "з" + any case may follow
    while k < n and count < _MAX_COMPLEMENT and tokens[k].joined:
        token = tokens[k]
        if run.taken[k] or token.key == "імені":
            # A gazetteer match in the complement ("Рада Європейського Союзу", "Служби безпеки України"),
            # or a namesake ("театр імені Лесі Українки").
            last = _absorbed_span(run, k) if run.taken[k] else _named_after_imeni(run, k)
            if last < k or (last == k and token.key == "імені"):
                break
            end = last
            k = last + 1
            count += 1
            continue
        if token.key in _CONNECTORS or token.key == "з":
            nxt = k + 1
            if (
                nxt < n
                and tokens[nxt].joined
                and not run.taken[nxt]
                and (
                    tokens[nxt].key == "питань"
                    or (token.key == "з" and topics)
                    or (token.key == "з" and _is_adjective(tokens[nxt].text) and _can_be_genitive(tokens[nxt].text))
                    or (token.key != "з" and (_can_be_genitive(tokens[nxt].text) or tokens[nxt].acronym))
                )
            ):
                topics = topics or tokens[nxt].key == "питань"
                k += 1
                count += 1
                continue
            break
        if run.text[token.end : token.end + 1] == "-" and k + 1 < n and tokens[k + 1].joined:
            k += 1  # "трансплант-координації": the compound's last part carries the case
            continue
        if token.acronym and token.cyrillic:
            end = k
        elif not token.cyrillic:
            break
        elif token.cap and morphology.is_given_name(token.text) and k + 1 < n and tokens[k + 1].cap:
            break  # a person's name follows the body: "НБУ Андрій Пишний"
        elif (topics and not token.cap and not _is_verb_only(token.text)) or (
            _can_be_genitive(token.text) and not _is_verb_only(token.text)
        ):
            end = k
        else:
            break
        k += 1
        count += 1
    end = _quoted_tail(run, end)
    # Drop a trailing adjective or connector with no noun after it.
    while end > head and (tokens[end].key in _CONNECTORS or tokens[end].key == "з"):
        end -= 1
    return end


def _quoted_tail(run: _Extractor, end: int) -> int:
    """A quoted name right after the body belongs to it: "Центру ... досліджень «Пента»"."""
    tokens = run.tokens
    n = len(tokens)
    after = run.text[tokens[end].end : tokens[end].end + 3]
    if after.startswith(" «") and end + 1 < n and not run.taken[end + 1]:
        close = run.text.find("»", tokens[end].end)
        m = end + 1
        while m < n and tokens[m].start < close:
            m += 1
        if m - end <= 4 and close > 0:
            return m - 1
    return end


def _absorbed_span(run: _Extractor, k: int) -> int:
    """The last token of a gazetteer place or body at ``k`` a complement may contain, or ``k - 1``."""
    span = run._span_starting(k)
    if span is None or span[2].type not in (ORGANIZATION, PLACE) or not _can_be_genitive(run.tokens[k].text):
        return k - 1
    return span[1]


def _named_after_imeni(run: _Extractor, k: int) -> int:
    """The last word of "імені Лесі Українки" (up to three capitalized genitives), or ``k`` if none."""
    tokens = run.tokens
    n = len(tokens)
    m = k + 1
    while m < n and m - k <= 3 and tokens[m].joined and tokens[m].cap and not run.taken[m]:
        if not _can_be_genitive(tokens[m].text):
            break
        m += 1
    return m - 1


def _is_verb_only(word: str) -> bool:
    readings = morphology.readings(word)
    return bool(readings) and all(r.pos in ("VERB", "INFN", "ADVB", "PREP", "CONJ", "PRCL") for r in readings)


def _add_org(run: _Extractor, start: int, head: int, end: int) -> None:
    tokens = run.tokens
    words = [t.text for t in tokens[start : end + 1]]
    nominative = morphology.phrase_nominative(words, head - start)
    name = _rejoin(run, start, end, nominative)
    ident = "org:" + name.casefold()
    entity = run._entity(ident, ORGANIZATION, name, tokens[start].start)
    run._add(start, end, entity)


def _rejoin(run: _Extractor, start: int, end: int, words: tuple[str, ...] | list[str]) -> str:
    """The words with the text's own gaps between them (spaces, hyphens, quote marks)."""
    tokens = run.tokens
    parts = [words[0]]
    for offset, k in enumerate(range(start + 1, end + 1), start=1):
        parts.append(run.text[tokens[k - 1].end : tokens[k].start])
        parts.append(words[offset])
    tail = run.text[tokens[end].end : tokens[end].end + 1]
    name = "".join(parts)
    if name.count("«") > name.count("»") and tail == "»":
        name += "»"
    return name


def quoted_org_pass(run: _Extractor) -> None:
    """«Names» that are not titles of works: after an organization word, quoted more than once, or in
    copy that quotes its organizations' names anyway ("«Шахтар»", "фракція «Батьківщина»")."""
    text = run.text
    by_name: dict[str, list[tuple[int, int]]] = {}
    titles: set[str] = set()
    described: set[str] = set()
    for match in _QUOTED_RE.finditer(text):
        inner = match.group(1).strip()
        words = inner.split()
        if not words or len(words) > 4 or not words[0][:1].isupper() or not _cyrillic(inner):
            continue
        if any(_is_verb_only(w.strip(",.!?")) for w in words[1:]) and len(words) > 2:
            continue  # a short sentence, not a name
        key = _quoted_key(words)
        before = text[max(0, match.start() - 40) : match.start()].split()[-3:]
        before_lemmas: set[str] = set()
        for word in before:
            before_lemmas |= _lemma_set(word.strip(",.:;—«»"))
        org_word = bool(before) and bool(_lemma_set(before[-1].strip(",.:;—«»"), ("NOUN",)) & ORG_DESCRIPTORS)
        if before_lemmas & WORK_DESCRIPTORS and not org_word:
            titles.add(key)
            continue
        if org_word:
            described.add(key)
        by_name.setdefault(key, []).append((match.start(1), match.end(1)))
    style = bool(described) or any(len(places) > 1 for places in by_name.values())
    for key, places in by_name.items():
        if key in titles or not (key in described or len(places) > 1 or style):
            continue
        for start, end in places:
            first = run.token_at(start)
            last = run.token_at(end - 1)
            if first is None or last is None:
                continue
            if any(run.taken[first : last + 1]):
                if not all(_yields_to_body(run, k) for k in range(first, last + 1) if run.taken[k]):
                    continue
                _release(run, first, last)
            words = [t.text for t in run.tokens[first : last + 1]]
            name = _quoted_name(words)
            entity = run._entity("org:" + key, ORGANIZATION, name, run.tokens[first].start)
            run._add(first, last, entity)


def latin_name_pass(run: _Extractor) -> None:
    """Latin-script names in Ukrainian copy are brands and bodies: "Equinor", "SpaceX", "Prozorro"."""
    tokens = run.tokens
    n = len(tokens)
    k = 0
    while k < n:
        token = tokens[k]
        if run.taken[k] or token.cyrillic or not token.cap or token.key.isdigit():
            k += 1
            continue
        last = k
        while last + 1 < n and tokens[last + 1].joined and not tokens[last + 1].cyrillic and tokens[last + 1].cap:
            if run.taken[last + 1]:
                break
            last += 1
        if k > 0 and tokens[k].joined and not tokens[k - 1].cyrillic and _yields_to_body(run, k - 1):
            _release(run, k - 1, k - 1)  # "Ukraine Facility": the programme, not the country
            k -= 1
        if run.text[token.start - 1 : token.start] == "-" or run.text[tokens[last].end : tokens[last].end + 1] == "-":
            k = last + 1
            continue
        name = run.surface(k, last)
        entity = run._entity("org:" + name.casefold(), ORGANIZATION, name, token.start)
        run._add(k, last, entity)
        k = last + 1


def _cyrillic(text: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in text)


def _quoted_key(words: list[str]) -> str:
    """One key for a quoted name in any case: its first word's dictionary form, then the rest as written."""
    first = min(_lemma_set(words[0], ("NOUN", "ADJF")), default=words[0].casefold())
    return " ".join([first, *words[1:]]).casefold()


def _quoted_name(words: list[str]) -> str:
    if len(words) == 1:
        return morphology.noun_nominative(words[0])
    nouns = [i for i, w in enumerate(words) if morphology.has_reading(w, pos="NOUN")]
    if nouns and all(_is_adjective(w) for w in words[: nouns[0]]):
        return " ".join(morphology.phrase_nominative(words, nouns[0]))
    return " ".join(words)


# -- places ----------------------------------------------------------------------------------------------
def place_pass(run: _Extractor) -> None:
    """ "Запорізькій області", "Шевченківського району", "Київська, Чернігівська та Сумська області"."""
    tokens = run.tokens
    n = len(tokens)
    for k in range(n):
        token = tokens[k]
        # Only words that can be a place noun or an intro are read by morphology at all (a prefix test first).
        if not token.cyrillic or token.cap or not token.key.startswith(_PLACE_PREFIXES):
            continue
        nouns = _lemma_set(token.text) & PLACE_NOUNS
        if run.taken[k]:
            # "... та Сумська області": the gazetteer took the last oblast; the list before it is still ours.
            span = run._span_starting(k - 1) if k > 0 else None
            if nouns and span is not None and span[1] == k and k > 1 and tokens[k - 2].key in _CONNECTORS:
                for start in _adjective_list(run, k - 2):
                    _add_region(run, start, next(iter(nouns)), None)
            continue
        if nouns and k > 0 and tokens[k].joined:
            noun = next(iter(nouns))
            plural = morphology.has_reading(token.text, pos="NOUN") and all(
                r.number == "plur" for r in morphology.readings(token.text) if r.lemma == noun
            )
            adjectives = _adjective_list(run, k) if plural else _single_adjective(run, k)
            for start in adjectives:
                _add_region(run, start, noun, k if not plural else None)
        elif _lemma_set(token.text) & (_RIVER_INTROS | _SETTLEMENT_INTROS):
            m = k + 1
            if m < n and tokens[m].joined and tokens[m].cap and tokens[m].cyrillic and not run.taken[m]:
                last = m
                if m + 1 < n and tokens[m + 1].joined and tokens[m + 1].cap and not run.taken[m + 1]:
                    last = m + 1
                words = [t.text for t in tokens[m : last + 1]]
                if len(words) == 1:
                    name = morphology.noun_nominative(words[0])
                else:
                    heads = [i for i, w in enumerate(words) if morphology.has_reading(w, pos="NOUN")]
                    name = " ".join(morphology.phrase_nominative(words, heads[-1])) if heads else " ".join(words)
                entity = run._entity("place:" + name.casefold(), PLACE, name, tokens[m].start)
                run._add(m, last, entity)


def _single_adjective(run: _Extractor, noun: int) -> list[int]:
    k = noun - 1
    token = run.tokens[k]
    if not run.taken[k] and token.cap and token.cyrillic and _is_adjective(token.text):
        return [k]
    return []


def _adjective_list(run: _Extractor, noun: int) -> list[int]:
    """Capitalized adjectives listed before a plural place noun: "Київська, Чернігівська та Сумська"."""
    tokens = run.tokens
    found: list[int] = []
    k = noun - 1
    while k >= 0 and not run.taken[k] and tokens[k].cap and tokens[k].cyrillic and _is_adjective(tokens[k].text):
        found.append(k)
        if k == 0:
            break
        if run.text[tokens[k - 1].end : tokens[k].start].strip() == ",":
            k -= 1
        elif tokens[k - 1].key in _CONNECTORS and k >= 2:
            k -= 2
        else:
            break
    return sorted(found)


def _add_region(run: _Extractor, adjective: int, noun: str, noun_index: int | None) -> None:
    tokens = run.tokens
    word = tokens[adjective].text
    gender = {"область": "femn", "громада": "femn", "район": "masc", "округ": "masc", "край": "masc"}[noun]
    reading = next((r for r in morphology.readings(word) if r.pos == "ADJF"), None)
    if reading is None:
        return
    inflected = reading.parse.inflect({"nomn", gender})
    adjective_nominative = morphology.restore(inflected.word, word) if inflected is not None else word
    name = f"{adjective_nominative} {noun}"
    entry = run.gz.lookup_name(name)
    if entry is not None:
        entity = run._entity(entry.id, entry.type, entry.name(run.language), tokens[adjective].start, entry=entry)
    else:
        entity = run._entity("place:" + name.casefold(), PLACE, name, tokens[adjective].start)
    run._add(adjective, noun_index if noun_index is not None else adjective, entity)


# -- the gazetteer, checked by morphology -------------------------------------------------------------------
def is_surname_form(word: str, alias: str) -> bool:
    """Can ``word`` be a case form of the surname ``alias``? Only a dictionary can say no: when both are
    known words and share no dictionary form, they are different words ("Мережку" is not "Мережа")."""
    mine = frozenset(r.lemma for r in morphology.readings(word) if r.known)
    theirs = frozenset(r.lemma for r in morphology.readings(alias) if r.known)
    if not mine or not theirs:
        return True
    return bool(mine & theirs)


def adjective_before_acronym(word: str) -> bool:
    """A region adjective qualifying an abbreviation: "Одеської ОВА", "Київської ОВА"."""
    return any(r.pos == "ADJF" and r.known for r in morphology.readings(word))


def adjective_nominative(word: str) -> str:
    """An adjective in the nominative, keeping its gender: "Одеської" → "Одеська"."""
    reading = next((r for r in morphology.readings(word) if r.pos == "ADJF"), None)
    if reading is None:
        return word
    wanted = {"nomn", "plur"} if reading.number == "plur" else {"nomn", reading.gender or "masc"}
    inflected = reading.parse.inflect(wanted)
    return morphology.restore(inflected.word, word) if inflected is not None else word
