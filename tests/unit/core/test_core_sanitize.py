"""sanitize_html: the allowlist that every stored article body goes through."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from shared.sanitize import sanitize_html


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser


@pytest.mark.parametrize("tag", ["script", "style", "iframe", "noscript", "template", "object"])
def test_dangerous_elements_are_removed_with_their_content(tag):
    # GIVEN a paragraph followed by a dangerous element with content
    html = f"<p>Kept text</p><{tag}>secret payload()</{tag}>"

    # WHEN sanitized
    clean = sanitize_html(html)

    # THEN neither the element nor its content survives
    assert clean == "<p>Kept text</p>"


def test_script_nested_inside_allowed_markup_is_removed():
    clean = sanitize_html("<p>Before <strong>bold<script>steal()</script></strong> after</p>")
    assert clean == "<p>Before <strong>bold</strong> after</p>"


def test_event_handlers_and_style_attributes_are_removed():
    # GIVEN allowed elements carrying on* handlers and inline styles
    html = (
        '<p onclick="steal()" style="position:fixed">Text</p>'
        '<img src="https://img.example.org/a.jpg" alt="A" onerror="steal()" style="width:9999px">'
        '<a href="https://example.org" onmouseover="steal()">link</a>'
    )

    # WHEN sanitized
    elements = parse(sanitize_html(html)).elements

    # THEN no attribute named on* or style is left, and the allowed ones stay
    attributes = {name for _, attrs in elements for name in attrs}
    assert not {a for a in attributes if a.startswith("on")}
    assert "style" not in attributes
    assert ("img", {"src": "https://img.example.org/a.jpg", "alt": "A"}) in elements


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java&#x09;script:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    ],
)
def test_unsafe_link_targets_are_dropped_but_the_link_text_stays(href):
    # WHEN a link with a script URL is sanitized
    clean = sanitize_html(f'<p><a href="{href}">click me</a></p>')

    # THEN the href is gone, the text stays
    (anchor,) = [attrs for tag, attrs in parse(clean).elements if tag == "a"]
    assert "href" not in anchor
    assert "click me" in clean
    assert "script:" not in clean.lower()


def test_images_with_non_http_sources_lose_the_source():
    clean = sanitize_html('<img src="data:image/svg+xml;base64,PHN2Zz4=" alt="x">')
    assert parse(clean).elements == [("img", {"alt": "x"})]


def test_links_get_noopener_noreferrer_replacing_any_sent_rel():
    # GIVEN links with no rel and with a rel that would leak the opener
    clean = sanitize_html(
        '<p><a href="https://example.org/a">a</a> <a href="mailto:desk@example.org" rel="opener">b</a></p>'
    )

    # THEN every link carries exactly rel="noopener noreferrer" and keeps its allowed href
    anchors = [attrs for tag, attrs in parse(clean).elements if tag == "a"]
    assert anchors == [
        {"href": "https://example.org/a", "rel": "noopener noreferrer"},
        {"href": "mailto:desk@example.org", "rel": "noopener noreferrer"},
    ]


def test_allowed_newsroom_markup_is_kept():
    # GIVEN a body using the allowlisted elements and attributes
    html = (
        "<h2>Heading</h2>"
        "<p>Some <strong>strong</strong>, <em>emphasis</em>, <sub>2</sub> and <code>x</code>.</p>"
        '<blockquote cite="https://example.org/q"><p>Quoted</p></blockquote>'
        '<ol start="3"><li>three</li><li>four</li></ol>'
        '<figure><img src="https://img.example.org/a.jpg" alt="A" width="640" height="480">'
        "<figcaption>Caption</figcaption></figure>"
        '<table><thead><tr><th scope="col">Year</th></tr></thead><tbody><tr><td colspan="2">2025</td></tr>'
        "</tbody></table>"
    )

    # WHEN sanitized
    clean = sanitize_html(html)

    # THEN the same elements, attributes and text come out
    before, after = parse(html), parse(clean)
    assert after.elements == before.elements
    assert "".join(after.text) == "".join(before.text)


def test_disallowed_wrappers_are_unwrapped_keeping_their_text():
    clean = sanitize_html('<div class="x"><span data-id="1">Plain <font color="red">text</font></span></div>')
    assert clean == "Plain text"


def test_comments_are_stripped():
    assert sanitize_html("<p>Visible<!-- internal note: legal said no --></p>") == "<p>Visible</p>"


def test_cyrillic_and_typography_are_kept_verbatim():
    html = "<p>Київ, «Привіт» — пʼять хвилин… 🇺🇦</p>"
    assert sanitize_html(html) == html


def test_output_is_well_formed_even_for_broken_input():
    # GIVEN unclosed and misnested tags
    clean = sanitize_html("<p>One <strong>two <em>three</p><p>four")

    # THEN every opened element is closed in the output
    assert clean.count("<p>") == clean.count("</p>")
    assert clean.count("<strong>") == clean.count("</strong>")
    assert clean.count("<em>") == clean.count("</em>")


def test_relative_links_and_images_are_made_absolute_against_the_website():
    # GIVEN a body with a site-relative link, a protocol-relative link and a relative image
    html = '<p><a href="/news/earlier-story">earlier</a> <a href="//other.example/x">x</a><img src="pics/a.jpg"></p>'
    # WHEN it is sanitized for the newsroom's website
    clean = sanitize_html(html, "https://news.example.org")
    # THEN every URL is absolute, so it means the same in a partner's page or feed reader
    assert 'href="https://news.example.org/news/earlier-story"' in clean
    assert 'href="https://other.example/x"' in clean
    assert 'src="https://news.example.org/pics/a.jpg"' in clean


def test_without_a_base_relative_urls_are_removed():
    clean = sanitize_html('<a href="/news/x">x</a>')
    assert "href" not in clean
    assert "x</a>" in clean
