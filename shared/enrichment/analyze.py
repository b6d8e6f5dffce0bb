"""One entry point that runs every extractor over an article: what enrich calls once per revision.

Pure and deterministic: no I/O, no clock, no environment; the same input gives the same Analysis.
Importing it loads only the standard library and the article models; the gazetteer is parsed on the
first call and cached for the process (see :mod:`shared.enrichment.gazetteer`).
"""

from __future__ import annotations

from datetime import datetime

from shared.enrichment.dates import mentioned_dates
from shared.enrichment.developments import key_developments
from shared.enrichment.entities import EntityDetector, find_entities
from shared.enrichment.language import WARNING_CONFIDENCE, detect_language, language_warning
from shared.enrichment.quotes import extract_quotes
from shared.enrichment.topics import derive_topics
from shared.models.article import Analysis

__all__ = ["analyze", "detect_language"]


def _working_language(declared: str | None, detected: str, confidence: float) -> str:
    """The language the text is read in: what it reads as when that is clear, else what was declared.

    A wrong declared tag is reported (a warning), never silently replaced on the article; but names
    are displayed in the language the text is actually written in.
    """
    if confidence >= WARNING_CONFIDENCE or not declared:
        return detected
    return declared.split("-")[0].lower()


def analyze(
    text: str,
    html: str,
    *,
    declared_language: str | None,
    published_at: datetime,
    tags: list[str],
    kind: str,
    headline: str | None = None,
    detector: EntityDetector | None = None,
) -> Analysis:
    """Entities, topics, quotes, key developments, dates and language of one article.

    ``text`` is ``html_to_text(html)`` (passed in so the HTML is parsed once); ``html`` is read only
    for list structure. ``headline``, when given, confirms a second general topic. ``detector`` is the
    optional statistical entity detector (off by default).
    """
    detected, confidence = detect_language(text)
    warnings: list[str] = []
    warning = language_warning(declared_language, detected, confidence)
    if warning:
        warnings.append(warning)
    language = _working_language(declared_language, detected, confidence)
    index = find_entities(text, language, detector=detector)
    return Analysis(
        entities=index.to_model(),
        topics=derive_topics(text, index, tags, language, headline),
        quotes=extract_quotes(text, index),
        key_developments=key_developments(text, html, str(kind)),
        dates=mentioned_dates(text, published_at),
        detected_language=detected,
        warnings=warnings,
    )
