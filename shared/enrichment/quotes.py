"""Direct quotations and who said them.

A quotation is text between double quote marks: straight "...", curly “...”, Ukrainian «...» or
„...“. A quote that runs on into the next paragraph (the paragraph ends with the quote still open
and the next one starts with an opening mark, the usual newspaper convention) is one quotation.

Scare quotes are not quotations: "allies" or "sane people" name a word, not a statement. The rule:
a quotation has at least ``MIN_WORDS`` (5) words, or at least ``MIN_ATTRIBUTED_WORDS`` (3) when a
speech verb attributes it directly (`"We will win," Zelensky said.`). Single quotes (‘...’) are not
read at all: in headlines they are scare quotes and in running text they collide with apostrophes.

The speaker comes from the sentence around the quote: `"...," the Foreign Ministry said`,
`"...," said Lavrov`, `Putin said: "..."`, `According to Lavrov, "..."`, `«...», — сказав
Зеленський`, `За словами Зеленського, «...»`. A speaker that names a known entity is given by that
entity's display name ("the Foreign Ministry" → "Russia's Foreign Ministry" when the text named it
so earlier; "Зеленського" → "Володимир Зеленський"); "he"/"she" is the last person named before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from shared.enrichment.entities import EntityIndex, Mention
from shared.enrichment.gazetteer import ORGANIZATION, PERSON, PLACE
from shared.enrichment.text import word_count
from shared.enrichment.tokens import word_set
from shared.models.article import Quote

MIN_WORDS = 5
MIN_ATTRIBUTED_WORDS = 3

_CLOSERS = {'"': ('"',), "“": ("”", "“"), "«": ("»",), "„": ("“", "”")}
_OPENER_RE = re.compile("[" + "".join(_CLOSERS) + "]")
_GUILLEMET_RE = re.compile("[«»]")
_VERBS_EN = (
    r"said|says|told|tells|added|adds|wrote|writes|stated|states|announced|announces|noted|notes|explained"
    r"|continued|insisted|claimed|claims|warned|warns|declared|declares|stressed|emphasi[sz]ed|argued"
    r"|replied|responded|commented|remarked|concluded|acknowledged|admitted|posted|tweeted|recalled"
)
_VERBS_UK = (
    r"сказа(?:в|ла|ли)|заяви(?:в|ла|ли)|зазначи(?:в|ла|ли)|наголоси(?:в|ла|ли)|дода(?:в|ла|ли)"
    r"|повідоми(?:в|ла|ли)|підкресли(?:в|ла|ли)|написа(?:в|ла|ли)|поясни(?:в|ла|ли)|розпові(?:в|ла|ли)"
    r"|зауважи(?:в|ла|ли)|відпові(?:в|ла|ли)|каже|кажуть|заявляє|заявляють|говорить|йдеться|ідеться"
)
_SPEAKER = r"[^\"“”«».!?;:\n]{1,80}?"
# Attribution after the closing mark.
_AFTER_SPEAKER_VERB = re.compile(rf"^[\s,.!?]*(?P<speaker>{_SPEAKER})\s+(?:{_VERBS_EN})\b")
_AFTER_VERB_SPEAKER = re.compile(rf"^[\s,.!?]*(?:{_VERBS_EN})\s+(?P<speaker>[^\"“”«»,.;:!?\n]{{1,80}})")
_AFTER_UK = re.compile(rf"^[\s,.!?]*[—–-]\s*(?:{_VERBS_UK})\s+(?P<speaker>[^\"“”«»,.;:!?\n—]{{1,80}})", re.IGNORECASE)
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
_SENTENCE_END = re.compile(r"[.!?](?=\s+[A-ZА-ЯІЇЄҐ\"“«]|\s*$)")
_PRONOUNS = word_set("he she він вона")
_GROUP_PRONOUNS = word_set("they it we i вони воно ми я")
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


def _last_sentence_start(text: str, floor: int, position: int) -> int:
    window_start = max(floor, position - 160)
    window = text[window_start:position]
    ends = list(_SENTENCE_END.finditer(window))
    return window_start + ends[-1].end() if ends else window_start


def _sentence_end(text: str, position: int, ceiling: int) -> int:
    window = text[position : min(ceiling, position + 240)]
    match = _SENTENCE_END.search(window, 1)
    return position + match.end() if match else position + len(window)


def _attribution(span: _Span) -> tuple[str, int] | None:
    """(speaker phrase, its absolute offset) from the words around the quote."""
    after, before = span.after, span.before
    for pattern in (_AFTER_UK, _AFTER_VERB_SPEAKER, _AFTER_SPEAKER_VERB):
        match = pattern.match(after)
        if match:
            return match.group("speaker"), span.after_start + match.start("speaker")
    for pattern in (_ACCORDING_EN, _ACCORDING_UK):
        match = pattern.search(before)
        if match:
            return match.group("speaker"), span.before_start + match.start("speaker")
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
        return None
    return speaker, span.before_start + speaker_start


def _resolve(phrase: str, offset: int, index: EntityIndex | None, quote_start: int) -> str | None:
    stripped = phrase.strip()
    offset += len(phrase) - len(phrase.lstrip())
    lead = _UK_SPEAKER_LEAD.match(stripped) or _LEADING_JUNK.match(stripped)
    if lead:
        offset += lead.end()
        stripped = stripped[lead.end() :]
    if not stripped:
        return None
    words = stripped.split()
    first = words[0].casefold()
    if first in _BAD_FIRST or first in _GROUP_PRONOUNS:
        return None
    if index is not None:
        if first in _PRONOUNS and len(words) == 1:
            previous = index.last_before(quote_start, PERSON)
            return previous.entity.name if previous else None
        inside = index.within(offset, offset + len(stripped))
        for wanted in (PERSON, ORGANIZATION, PLACE):
            chosen: Mention | None = next((m for m in inside if m.entity.type == wanted), None)
            if chosen is not None:
                return chosen.entity.name
        # "the ministry": the last organization named before whose name ends with that word.
        if len(words) == 2 and first == "the":
            noun = words[1].casefold()
            for mention in reversed([m for m in index.mentions if m.start < quote_start]):
                name = mention.entity.name.casefold()
                if mention.entity.type == ORGANIZATION and name.endswith(noun):
                    return mention.entity.name
    if first in _PRONOUNS or len(words) > 8:
        return None
    return stripped


def extract_quotes(text: str, index: EntityIndex | None = None) -> list[Quote]:
    """Quotations in ``text`` with speakers; ``index`` (from entities) names the speakers well.

    An unattributed quote in the same paragraph as an attributed one continues it (`"A," she said.
    "B."`), so it takes the same speaker.
    """
    quotes: list[Quote] = []
    seen: set[str] = set()
    previous: tuple[int, str | None] | None = None  # (paragraph, speaker) of the last quotation
    for span in _quote_spans(text):
        body = span.text.strip().rstrip(",").strip()
        if not body or body in seen:
            continue
        attribution = _attribution(span)
        if attribution:
            speaker = _resolve(attribution[0], attribution[1], index, span.start)
        elif previous is not None and previous[0] == span.paragraph:
            speaker = previous[1]
        else:
            speaker = None
        needed = MIN_ATTRIBUTED_WORDS if attribution else MIN_WORDS
        if word_count(body) < needed:
            continue
        seen.add(body)
        quotes.append(Quote(text=body, speaker=speaker))
        previous = (span.paragraph, speaker)
    return quotes
