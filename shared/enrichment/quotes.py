"""Direct quotations and who said them.

A quotation is text between double quote marks: straight "...", curly “...”, Ukrainian «...» or
„...“, or between single ones ('...' and ‘...’, as British-style copy quotes). A quote that runs
on into the next paragraph (the paragraph ends with the quote still open and the next one starts
with an opening mark, the usual newspaper convention) is one quotation.

Scare quotes are not quotations: "allies" or "sane people" name a word, not a statement. The rule:
a quotation has at least ``MIN_WORDS`` (5) words, or at least ``MIN_ATTRIBUTED_WORDS`` (3) when a
speech verb attributes it directly (`"We will win," Zelensky said.`). A single mark opens a quotation
only at the start of a word and closes one only at the end of a word, so the apostrophes of
"Ukraine's", "don't" or "п'ять" never do.

The speaker comes from the sentence around the quote: `"...," the Foreign Ministry said`,
`"...," said Lavrov`, `Putin said: "..."`, `According to Lavrov, "..."`, `«...», — сказав
Зеленський`, `За словами Зеленського, «...»`. A wrong speaker is worse than none, so a speaker is
only ever an entity the text names, given by its display name ("the Foreign Ministry" → "Russia's
Foreign Ministry" when the text named it so earlier; "Зеленського" → "Володимир Зеленський"), and
only with evidence in the same or the adjacent sentence:

* a name in the attribution itself;
* "he"/"she"/"він"/"вона" when exactly one person is named in the quote's sentence and the one
  before it (in Ukrainian, one of the pronoun's or the verb's gender: "сказала" is a woman);
* a role ("сказав міністр") when exactly one person in the text was introduced with that role.

Anything else (a leftover phrase such as "після гри" or "The Romanian coach", a pronoun with two
candidates, a role nobody was given) leaves the quote without a speaker. Titles of works are not
quotations: a Title Case phrase ("The Sky Over Izium") or a quote right after "book", "novel",
"роман", "вистава" and the like is skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from shared.enrichment.entities import EntityIndex, FoundEntity, Mention, could_be_name
from shared.enrichment.gazetteer import ORGANIZATION, PERSON
from shared.enrichment.text import word_count
from shared.enrichment.tokens import word_set
from shared.models.article import Quote

MIN_WORDS = 5
MIN_ATTRIBUTED_WORDS = 3

_CLOSERS = {'"': ('"',), "“": ("”", "“"), "«": ("»",), "„": ("“", "”"), "'": ("'", "’"), "‘": ("’", "'")}
_OPENER_RE = re.compile("[" + "".join(_CLOSERS) + "]")
_SINGLE = frozenset("'‘")
_SINGLE_CLOSE_RE = re.compile(r"(?<=\S)['’](?![^\W_])")  # a mark ending a word, not inside one
_GUILLEMET_RE = re.compile("[«»]")
_VERBS_EN = (
    r"said|says|told|tells|added|adds|wrote|writes|stated|states|announced|announces|noted|notes|explained"
    r"|continued|insisted|claimed|claims|warned|warns|declared|declares|stressed|emphasi[sz]ed|argued"
    r"|replied|responded|commented|remarked|concluded|acknowledged|admitted|posted|tweeted|recalled|called"
)
_VERBS_UK = (
    r"сказа(?:в|ла|ли)|заяви(?:в|ла|ли)|зазначи(?:в|ла|ли)|наголоси(?:в|ла|ли)|дода(?:в|ла|ли)"
    r"|повідоми(?:в|ла|ли)|підкресли(?:в|ла|ли)|написа(?:в|ла|ли)|поясни(?:в|ла|ли)|розпові(?:в|ла|ли)"
    r"|зауважи(?:в|ла|ли)|відпові(?:в|ла|ли)|каже|кажуть|заявляє|заявляють|говорить|йдеться|ідеться"
    r"|назва(?:в|ла|ли)|визна(?:в|ла|ли)|запевни(?:в|ла|ли)|нагада(?:в|ла|ли)|пообіця(?:в|ла|ли)"
    r"|зачита(?:в|ла|ли)|уточни(?:в|ла|ли)|відзначи(?:в|ла|ли)|переконаний|переконана"
)
_SPEAKER = r"[^\"“”«».!?;:\n]{1,80}?"
# Attribution after the closing mark.
_AFTER_SPEAKER_VERB = re.compile(rf"^[\s,.!?]*(?P<speaker>{_SPEAKER})\s+(?P<verb>{_VERBS_EN})\b")
_HONORIFIC = r"(?:(?:Dr|Mr|Mrs|Ms|Prof|Gen|Sen|Rep|Gov|Lt|Col|Sgt|Capt|St)\.\s+)?"
_AFTER_VERB_SPEAKER = re.compile(
    rf"^[\s,.!?]*(?P<verb>{_VERBS_EN})\s+(?P<speaker>{_HONORIFIC}[^\"“”«»,.;:!?\n]{{1,80}})"
)
_AFTER_UK = re.compile(
    rf"^[\s,.!?]*[—–-]\s*(?P<verb>{_VERBS_UK})\s+(?P<speaker>[^\"“”«»,.;:!?\n—]{{1,80}})", re.IGNORECASE
)
# Attribution before the opening mark.
# Attribution before the opening mark: the last speech verb, then at most a short complement
# ("told reporters", "said in a video address", "заявив у Telegram") and ":", "," or "that"/"що".
# Found verb-first and checked on the tail, which is linear; one anchored pattern would backtrack.
_VERB_BEFORE_RE = re.compile(rf"\b(?:{_VERBS_EN}|told|asked)\b|(?i:(?<![\w])(?:{_VERBS_UK})(?![\w]))")
_TAIL_RE = re.compile(r"(?:\s+[^\"“”«».!?:;]{1,40}?)?\s*[:,]?\s*(?:(?:that|що)\s+)?", re.IGNORECASE)
_ACCORDING_EN = re.compile(r"\b[Aa]ccording to\s+(?P<speaker>[^\"“”«»,.!?;:\n]{1,80}),\s*$")
_ACCORDING_UK = re.compile(r"[Зз]а словами\s+(?P<speaker>[^\"“”«»,.!?;:\n]{1,80}),\s*$")
_CLAUSE_BREAK_RE = re.compile(r"[,;:—\"“”«»()]")
_UK_SPEAKER_LEAD = re.compile(
    r"^(?:у|в)\s+(?:заяві|повідомленні|зверненні|коментарі|дописі|відео|телеграмі|telegram)\s+|^(?:у|в)\s+",
    re.IGNORECASE,
)
_LEADING_JUNK = re.compile(r"^(?:and|but|as|while|so|then|і|та|а|але)\s+", re.IGNORECASE)
# A sentence ends at ".", "!" or "?" before a capital, unless the period closes a title ("Dr. Rudenko").
_SENTENCE_END = re.compile(
    r"(?<!\bDr)(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bProf)(?<!\bGen)(?<!\bSen)(?<!\bRep)(?<!\bGov)(?<!\bSt)"
    r"(?<!\b[A-Z])[.!?](?=\s+[A-ZА-ЯІЇЄҐ\"“«]|\s*$)"
)
_PRONOUN_GENDER = {"he": "masc", "she": "femn", "він": "masc", "вона": "femn"}
_PRONOUNS = frozenset(_PRONOUN_GENDER)
_GROUP_PRONOUNS = word_set("they it we i вони воно ми я")
_FEMININE_VERB_RE = re.compile(r"(?:ла|лася)$")
_MASCULINE_VERB_RE = re.compile(r"(?:в|вся)$")
_WORK_BEFORE_RE = re.compile(
    r"(?i:\b(?:book|novel|memoir|film|movie|documentary|play|song|album|poem|diary|series|titled|called|named)"
    r"|(?:роман|книжк|книг|збірк|повіст|вистав|п'єс|фільм|серіал|пісн|альбом|поем|вірш|щоденник|назвою))\w*"
    r"(?:\s+[\w'’-]+){0,3}\s*$"
)
_ADJACENT_CHARS = 400  # how far back the sentence before a quote may start
_APPOSITION_CHARS = 120  # how far before "said" a name may stand, an apposition between them
_NAME_LIKE_RE = re.compile(r"(?<![\w.])[A-ZА-ЯІЇЄҐ][a-zа-яіїєґ'’-]+ [A-ZА-ЯІЇЄҐ][a-zа-яіїєґ'’-]+")
_BAD_FIRST = word_set("which that who whom where when while if because what how")


@dataclass(slots=True)
class _Span:
    text: str
    start: int  # absolute offset of the opening mark
    end: int  # absolute offset just past the closing mark
    before: str
    before_start: int
    after: str
    after_start: int
    paragraph: int


def _paragraph_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    position = 0
    for part in text.split("\n\n"):
        if part.strip():
            spans.append((position, position + len(part)))
        position += len(part) + 2
    return spans


def _find_close(text: str, start: int, end: int, opener: str) -> int:
    """Index of the mark closing ``opener`` within text[start:end], or -1. «» nest."""
    if opener in _SINGLE:
        close = _SINGLE_CLOSE_RE.search(text, start, end)
        return close.start() if close else -1
    if opener == "«":
        depth = 0
        for mark in _GUILLEMET_RE.finditer(text, start, end):
            if mark.group() == "«":
                depth += 1
            elif depth == 0:
                return mark.start()
            else:
                depth -= 1
        return -1
    found = [i for i in (text.find(c, start, end) for c in _CLOSERS[opener]) if i >= 0]
    return min(found) if found else -1


def _quote_spans(text: str) -> list[_Span]:
    paragraphs = _paragraph_spans(text)
    found: list[_Span] = []
    p = 0
    while p < len(paragraphs):
        p_start, p_end = paragraphs[p]
        k = p_start
        while k < p_end:
            opening = _OPENER_RE.search(text, k, p_end)
            if opening is None:
                break
            k = opening.start()
            ch = text[k]
            if ch == '"' and k + 1 < p_end and text[k + 1].isspace():
                k += 1  # a closing straight quote without an opener, not a quotation
                continue
            if ch in _SINGLE and not _opens_single(text, k, p_start, p_end):
                k += 1  # an apostrophe ("Ukraine's", "'90s", "п'ять"), not a quotation
                continue
            pieces: list[str] = []
            opener, q_start, seg_start, seg_end = ch, k, k + 1, p_end
            close = _find_close(text, seg_start, seg_end, opener)
            q = p
            # The quote runs on into the next paragraph when that one opens with the same mark.
            while close < 0 and q + 1 < len(paragraphs):
                nxt_start, nxt_end = paragraphs[q + 1]
                lead = text[nxt_start:nxt_end].lstrip()
                if not lead.startswith(opener):
                    break
                pieces.append(text[seg_start:seg_end])
                q += 1
                seg_start = nxt_start + (nxt_end - nxt_start - len(lead)) + 1
                seg_end = nxt_end
                close = _find_close(text, seg_start, seg_end, opener)
            if close < 0:
                break  # an unclosed mark: not a quotation we can delimit
            pieces.append(text[seg_start:close])
            sentence_start = _last_sentence_start(text, p_start, q_start)
            sentence_end = _sentence_end(text, close + 1, paragraphs[q][1])
            found.append(
                _Span(
                    text=" ".join(" ".join(pieces).split()),
                    start=q_start,
                    end=close + 1,
                    before=text[sentence_start:q_start],
                    before_start=sentence_start,
                    after=text[close + 1 : sentence_end],
                    after_start=close + 1,
                    paragraph=q,
                )
            )
            # Scanning resumes after the closing mark, in the paragraph where the quote ended.
            p = q
            p_start, p_end = paragraphs[p]
            k = close + 1
        p += 1
    return found


def _opens_single(text: str, k: int, p_start: int, p_end: int) -> bool:
    """A single mark opens a quotation at the start of a word: after a space or an opening bracket or
    dash (or at the paragraph's start), before a letter."""
    before = text[k - 1] if k > p_start else " "
    after = text[k + 1] if k + 1 < p_end else " "
    return (before.isspace() or before in "([—–-") and after.isalpha()


def _last_sentence_start(text: str, floor: int, position: int) -> int:
    window_start = max(floor, position - 160)
    window = text[window_start:position]
    ends = list(_SENTENCE_END.finditer(window))
    return window_start + ends[-1].end() if ends else window_start


def _sentence_end(text: str, position: int, ceiling: int) -> int:
    window = text[position : min(ceiling, position + 240)]
    match = _SENTENCE_END.search(window, 1)
    return position + match.end() if match else position + len(window)


class _Attribution(NamedTuple):
    phrase: str
    offset: int  # absolute offset of the phrase
    verb: str  # the speech verb, for its gender ("сказала")
    last: bool = False  # the speaker is the last name in the phrase, nearest the verb


def _attribution(span: _Span) -> _Attribution | None:
    """The speaker phrase from the words around the quote, with its offset and speech verb."""
    after, before = span.after, span.before
    for pattern in (_AFTER_UK, _AFTER_VERB_SPEAKER, _AFTER_SPEAKER_VERB):
        match = pattern.match(after)
        if match:
            # "— розповіла мешканка Вовчанських Хуторів Людмила Гнатюк": the name comes after its complement.
            return _Attribution(
                match.group("speaker"),
                span.after_start + match.start("speaker"),
                match.group("verb"),
                last=pattern is _AFTER_UK,
            )
    for pattern in (_ACCORDING_EN, _ACCORDING_UK):
        match = pattern.search(before)
        if match:
            return _Attribution(match.group("speaker"), span.before_start + match.start("speaker"), "")
    verbs = list(_VERB_BEFORE_RE.finditer(before))
    if not verbs or not _TAIL_RE.fullmatch(before, verbs[-1].end()):
        return None
    verb = verbs[-1]
    # The speaker is the clause right before the verb: "In a video address, Zelensky" → "Zelensky".
    window_start = max(0, verb.start() - 80)
    breaks = list(_CLAUSE_BREAK_RE.finditer(before, window_start, verb.start()))
    speaker_start = breaks[-1].end() if breaks else window_start
    speaker = before[speaker_start : verb.start()]
    if not speaker.strip():
        # "Marta Kos, the EU commissioner for enlargement, said": the name stands before the apposition.
        start = max(0, verb.start() - _APPOSITION_CHARS)
        return _Attribution(before[start : verb.start()], span.before_start + start, verb.group(), last=True)
    return _Attribution(speaker, span.before_start + speaker_start, verb.group())


class _Resolver:
    """Turns an attribution phrase into an entity's name, or into nothing when the evidence is thin."""

    def __init__(self, text: str, index: EntityIndex | None) -> None:
        self.text = text
        self.index = index
        self._roles: dict[int, set[str]] | None = None

    def resolve(self, attribution: _Attribution, span: _Span) -> str | None:
        phrase, offset = attribution.phrase, attribution.offset
        stripped = phrase.strip()
        offset += len(phrase) - len(phrase.lstrip())
        lead = _UK_SPEAKER_LEAD.match(stripped) or _LEADING_JUNK.match(stripped)
        if lead:
            offset += lead.end()
            stripped = stripped[lead.end() :]
        if not stripped or self.index is None:
            return None
        words = stripped.split()
        first = words[0].casefold()
        if first in _BAD_FIRST or first in _GROUP_PRONOUNS:
            return None
        if first in _PRONOUNS:
            # "він в ефірі Радіо Свобода": the pronoun is the speaker, whatever follows it.
            return self._antecedent(span, _PRONOUN_GENDER[first] if _cyrillic(first) else None)
        inside = self.index.within(offset, offset + len(stripped))
        if attribution.last:
            inside = inside[::-1]
        for wanted in (PERSON, ORGANIZATION):
            chosen: Mention | None = next((m for m in inside if m.entity.type == wanted), None)
            if chosen is not None:
                return chosen.entity.name
        if inside:
            return None  # a place does not speak ("Kyiv said" is a government, and which one is unsaid)
        # "the ministry": the last organization named before whose name ends with that word.
        if len(words) == 2 and first == "the":
            noun = words[1].casefold()
            for mention in reversed([m for m in self.index.mentions if m.start < span.start]):
                name = mention.entity.name.casefold()
                if mention.entity.type == ORGANIZATION and name.endswith(noun):
                    return mention.entity.name
        if len(words) <= 3 and all(not w[:1].isupper() for w in words[1:]):
            return self._by_role(words[-1], attribution.verb)
        return None

    def _window(self, span: _Span) -> tuple[int, int]:
        """The quote's own sentence up to the quote, and the sentence before it."""
        start = span.before_start
        floor = max(0, start - _ADJACENT_CHARS)
        # The text before the quote's sentence, without the mark that ends the sentence before it.
        head = self.text[floor:start].rstrip().rstrip("\"”»’'").rstrip(".!?")
        if not head:
            return start, span.start
        ends = list(_SENTENCE_END.finditer(head))
        return (floor + ends[-1].end() if ends else floor), span.start

    def _antecedent(self, span: _Span, gender: str | None) -> str | None:
        assert self.index is not None
        low, high = self._window(span)
        people: list[FoundEntity] = []
        for mention in self.index.mentions:
            if low <= mention.start < high and mention.entity.type == PERSON and mention.entity not in people:
                people.append(mention.entity)
        if gender is not None:
            people = [p for p in people if _gender(p.name) in (gender, None)]
        if len(people) != 1 or self._unknown_names(low, high):
            return None
        return people[0].name

    def _unknown_names(self, low: int, high: int) -> bool:
        """Two capitalized words in a row that no entity covers: maybe a person the rules did not find,
        so "he" is not certainly the one person found ("Taras Bondar met Petro Savchuk")."""
        assert self.index is not None
        covered = [(m.start, m.end) for m in self.index.mentions if low <= m.start < high]
        for match in _NAME_LIKE_RE.finditer(self.text, low, high):
            if any(a <= match.start() < b or a < match.end() <= b for a, b in covered):
                continue
            if any(not could_be_name(word) for word in match.group().split()):
                continue  # "Foreign Minister", "The Kremlin": titles and common words are no one's name
            return True
        return False

    def _by_role(self, role: str, verb: str) -> str | None:
        """ "сказав міністр": the one person the text introduced with that role ("Міністр ... Андрій Сибіга")."""
        keys = {k for k in _role_keys(role) if len(k) >= 4}
        if not keys or self.index is None:
            return None
        roles = self._person_roles()
        persons = {id(m.entity): m.entity for m in self.index.mentions if m.entity.type == PERSON}
        people = [e for e in persons.values() if keys & roles.get(id(e), set())]
        gender = _verb_gender(verb)
        if gender is not None:
            people = [p for p in people if _gender(p.name) in (gender, None)]
        return people[0].name if len(people) == 1 else None

    def _person_roles(self) -> dict[int, set[str]]:
        """The lower-case words right before each person's mentions, reduced to role keys."""
        if self._roles is None:
            self._roles = {}
            assert self.index is not None
            for mention in self.index.mentions:
                if mention.entity.type != PERSON:
                    continue
                before = self.text[max(0, mention.start - 60) : mention.start]
                before = re.split(r"[.!?;:«»\"“”]", before)[-1]
                found = self._roles.setdefault(id(mention.entity), set())
                for word in re.findall(r"[^\W\d_]+", before)[-6:]:
                    found.update(k for k in _role_keys(word) if len(k) >= 4)
        return self._roles


def _role_keys(word: str) -> frozenset[str]:
    """A role word's dictionary forms ("міністра" → "міністр"); English words as written, singular."""
    if _cyrillic(word):
        from shared.enrichment import morphology  # noqa: PLC0415 - loaded with Ukrainian entities already

        return morphology.lemmas(word)
    folded = word.casefold()
    return frozenset({folded[:-1] if folded.endswith("s") and len(folded) > 4 else folded})


def _cyrillic(word: str) -> bool:
    return bool(word) and "\u0400" <= word[0] <= "\u04ff"


def _verb_gender(verb: str) -> str | None:
    if not verb or not _cyrillic(verb):
        return None
    if _FEMININE_VERB_RE.search(verb):
        return "femn"
    if _MASCULINE_VERB_RE.search(verb):
        return "masc"
    return None


def _gender(name: str) -> str | None:
    """A Ukrainian person's gender from the given name (morphology); None when unknown or not Ukrainian."""
    first = name.split(maxsplit=1)[0] if name else ""
    if not _cyrillic(first):
        return None
    from shared.enrichment import morphology  # noqa: PLC0415 - loaded with Ukrainian entities already

    genders = {r.gender for r in morphology.readings(first) if r.name and r.case == "nomn"}
    return genders.pop() if len(genders) == 1 else None


def _is_title(span: _Span, text: str) -> bool:
    """A title of a work, not a quotation: Title Case words, or right after "book", "роман", "вистава"."""
    if _WORK_BEFORE_RE.search(text[max(0, span.start - 60) : span.start]):
        return True
    words = [w for w in re.findall(r"[^\W\d_]+", span.text) if len(w) > 3]
    return 2 <= len(words) <= 8 and all(w[:1].isupper() for w in words) and span.text.count(" ") < 10


def extract_quotes(text: str, index: EntityIndex | None = None) -> list[Quote]:
    """Quotations in ``text`` with speakers; ``index`` (from entities) names the speakers.

    An unattributed quote in the same paragraph right after an attributed one continues it (`"A," she
    said. "B."`) and takes the same speaker, unless someone else is named between the two.
    """
    quotes: list[Quote] = []
    seen: set[str] = set()
    resolver = _Resolver(text, index)
    previous: tuple[int, str | None, int] | None = None  # (paragraph, speaker, end) of the last quotation
    for span in _quote_spans(text):
        body = span.text.strip().rstrip(",").strip()
        if not body or body in seen or _is_title(span, text):
            continue
        attribution = _attribution(span)
        continued = False
        if attribution:
            speaker = resolver.resolve(attribution, span)
        elif previous is not None and previous[0] == span.paragraph and previous[1] is not None:
            between = index.within(previous[2], span.start) if index is not None else []
            others = [m for m in between if m.entity.type == PERSON and m.entity.name != previous[1]]
            speaker = None if others else previous[1]
            continued = speaker is not None
        else:
            speaker = None
        needed = MIN_ATTRIBUTED_WORDS if attribution or continued else MIN_WORDS
        if word_count(body) < needed:
            continue
        seen.add(body)
        quotes.append(Quote(text=body, speaker=speaker))
        previous = (span.paragraph, speaker, span.end)
    return quotes
