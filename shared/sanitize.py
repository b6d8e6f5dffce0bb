"""HTML sanitization with an allowlist (nh3, the Rust ammonia sanitizer).

Article bodies are stored only after this step, so every reader of the stored HTML (API, feeds,
ninjs, partners) gets markup that cannot run script, load frames or style the host page.
"""

from __future__ import annotations

from typing import Literal

import nh3

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "strong", "b", "em", "i", "u", "s", "sub", "sup", "small", "mark",
        "a", "ul", "ol", "li", "blockquote", "q", "cite", "code", "pre",
        "h2", "h3", "h4", "h5", "h6", "figure", "figcaption", "img",
        "table", "thead", "tbody", "tr", "th", "td", "caption",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "img": {"src", "alt", "title", "width", "height"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Elements removed together with their content (the rest are unwrapped, keeping their text).
DROPPED_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "noscript", "template"})


def sanitize_html(html: str, base_url: str | None = None) -> str:
    """Allowlisted, well-formed HTML: no script, event handlers, inline styles or javascript: URLs.

    Relative URLs ("/news/other-story") are made absolute against ``base_url``, the newsroom's
    website: stored bodies are syndicated, and a relative link would resolve against a partner's
    site. Without a base they are removed.
    """
    relative: Literal["deny"] | tuple[Literal["rewrite_with_base"], str] = (
        ("rewrite_with_base", base_url) if base_url else "deny"
    )
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
        url_relative=relative,
    ).strip()
