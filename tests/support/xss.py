"""An XSS battery and a browser-like judge, shared by the render tests and the end-to-end API tests.

``VECTORS`` are payloads for text and HTML fields (script tags, event handlers, dangerous URLs,
entity-encoded and partial markup, mutation-XSS shapes, script-block breakouts, Unicode tricks, and a
few honest texts that must pass untouched); ``URL_VECTORS`` are for URL fields. The judge parses each
output field with html5lib, the WHATWG HTML parser a browser implements, the way a page shows that
field:

- HTML fields (RSS ``description``/``content:encoded``, Atom ``type="html"`` content, JSON Feed
  ``content_html``, ninjs ``text/html`` bodies, the API's ``body_html``) are parsed as HTML and must
  hold no script element, no ``on*`` attribute, no ``javascript:``/``vbscript:``/``data:`` URL in a
  URL attribute, no ``srcdoc``, frame, object, embed, base or meta-refresh, no CSS expression;
- text fields must stay text even for a consumer that wrongly renders them as HTML: parsed as HTML
  they may yield no element or comment at all (a stricter bar than "escaped once");
- URL fields must be http(s) (or a ``tag:`` identifier) with nothing that ends an attribute;
- the JSON-LD bytes, pasted inside ``<script type="application/ld+json">``, must leave exactly that
  one script element whose text parses to the same data (no breakout).

Each ``judge_*`` function returns a list of ``Finding``; an empty list means the output is inert.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import html5lib

# --------------------------------------------------------------------------------------- vectors

VECTORS: tuple[str, ...] = (
    # classic script and event handlers
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//xss.example/x.js></SCRIPT>",
    "<script\x00>alert(1)</script>",
    "<scr\x00ipt>alert(1)</scr\x00ipt>",
    "<img src=x onerror=alert(1)>",
    "<img/src=x/onerror=alert(1)>",
    "<IMG SRC=javascript:alert('XSS')>",
    "<img src=`x`onerror=alert(1)>",
    "<img src=x onerror\x0c=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg/onload=alert(1)//",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    "<p onmouseover=alert(1)>hover</p>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<marquee onstart=alert(1)>x</marquee>",
    "<xss onafterscriptexecute=alert(1)><script>1</script>",
    "<frameset onload=alert(1)>",
    '<a href="https://news.example.org/" onclick="alert(1)">x</a>',
    # dangerous URLs in markup
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<button formaction="javascript:alert(1)">x</button>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    '<img srcset="https://img.example.org/a.jpg 1x, javascript:alert(1) 2x">',
    '<picture><source srcset="javascript:alert(1)"><img src="https://img.example.org/a.jpg"></picture>',
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>',
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    '<svg><set attributeName="href" to="javascript:alert(1)"></set></svg>',
    '<math href="javascript:alert(1)">x</math>',
    "<isindex action=javascript:alert(1) type=image>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<link rel="stylesheet" href="javascript:alert(1)">',
    '<a href="https://news.example.org/&quot;onmouseover=&quot;alert(1)">x</a>',
    '<a href="mailto:x@example.org?body=<script>alert(1)</script>">mail</a>',
    # CSS
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<div style="width:expression(alert(1))">x</div>',
    "<style>@import 'javascript:alert(1)';</style>",
    # mutation XSS and raw-text elements
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<title><img src=x onerror=alert(1)></title>",
    "<textarea><img src=x onerror=alert(1)></textarea>",
    "<template><img src=x onerror=alert(1)></template>",
    "<svg><style><img src=x onerror=alert(1)></style></svg>",
    "<!--<img src=x onerror=alert(1)>-->",
    "--><script>alert(1)</script><!--",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<?xml version="1.0"?><x:script xmlns:x="http://www.w3.org/1999/xhtml">alert(1)</x:script>',
    # breakouts of the surrounding syntax (script blocks, attributes, XML, JSON)
    "</script><script>alert(1)</script>",
    "</SCRIPT ><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "</p><script>alert(1)</script><p>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    '" onmouseover="alert(1)',
    "' onfocus='alert(1)' autofocus='",
    "]]><script>alert(1)</script>",
    '"}]}</script><script>alert(1)</script>',
    "\u2028</script>\u2029<script>alert(1)</script>",
    # entity-encoded markup (decoded once by a careless consumer)
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;img src=x onerror=alert(1)&#62;",
    "&#x3C;svg onload=alert(1)&#x3E;",
    "&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;",
    "&ltscript&gtalert(1)&lt/script&gt",
    # partial markup, split across fields or left open
    "<scr",
    "ipt>alert(1)</script>",
    "<img src=x onerror=alert(1)//",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<script>alert(1)//<</script>",
    "x <",
    # look-alikes and encodings that are not markup to a browser
    "＜script＞alert(1)＜/script＞",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "\\x3cscript\\x3ealert(1)\\x3c/script\\x3e",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "{{constructor.constructor('alert(1)')()}}",
    "${alert(1)}",
    "\u202egnp.exe\u202d",
    # honest text that must survive untouched
    "Profits < 5% & Q&A <3",
    "AT&T & Verizon: a <= b, c > d",
    "Україна & партнери «Щит» < 5 млрд",
    '<p>Honest markup: <a href="https://news.example.org/a">a link</a> and &lt;b&gt; shown as text.</p>',
)

URL_VECTORS: tuple[str, ...] = (
    "javascript:alert(1)",
    "JAVASCRIPT:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "javascript&colon;alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "//xss.example/x.js",
    'https://news.example.org/"onmouseover="alert(1)',
    "https://news.example.org/'><script>alert(1)</script>",
    "https://news.example.org/<script>",
    "https://news.example.org/?q=</script><script>alert(1)</script>",
    "https://user:pass@news.example.org/",
    "https://news.example.org:99999/",
    "https://xss.example\\@news.example.org/",
    "https://news.example.org/a\x00b",
    "https://news.example.org/\u202e",
    "https://news.example.org/a b",
    "https://news.example.org/ok",  # honest: must be accepted and published as is
)

# ----------------------------------------------------------------------------------------- judge

SCRIPT_ELEMENTS = frozenset({"script"})
EMBEDDING_ELEMENTS = frozenset({"iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal"})
URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "data", "poster", "background", "codebase", "dynsrc", "lowsrc", "ping"}
)
SRCSET_ATTRIBUTES = frozenset({"srcset", "imagesrcset"})
ANIMATION_VALUE_ATTRIBUTES = frozenset({"to", "from", "values", "by"})
DANGEROUS_SCHEMES = frozenset({"javascript", "vbscript", "data", "file"})
_C0_OR_SPACE = "".join(chr(c) for c in range(0x21))
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_MARKUP_HINT = re.compile(r"[<&]")


@dataclass(frozen=True)
class Finding:
    """One way an output could run script: which format, which field, what was found."""

    format: str
    where: str
    problem: str
    value: str

    def __str__(self) -> str:
        return f"{self.format} {self.where}: {self.problem} in {self.value[:120]!r}"


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1].lower()


def url_scheme(value: str) -> str | None:
    """The scheme a browser would see: leading/trailing C0 controls and spaces stripped, tabs and
    newlines removed anywhere, case folded (the WHATWG URL parser's preprocessing)."""
    cleaned = re.sub("[\t\n\r]", "", value.strip(_C0_OR_SPACE))
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else None


def _dangerous_url(value: str) -> bool:
    return url_scheme(value) in DANGEROUS_SCHEMES


def _fragment(markup: str) -> Any:
    return html5lib.parseFragment(markup, treebuilder="etree", namespaceHTMLElements=False)


def html_problems(markup: str) -> list[str]:
    """What in ``markup``, parsed as a browser parses an HTML fragment, could run script."""
    problems: list[str] = []
    root = _fragment(markup)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions run nothing
        name = _local(element.tag)
        if name in SCRIPT_ELEMENTS:
            problems.append("script element")
        if name in EMBEDDING_ELEMENTS:
            problems.append(f"{name} element")
        if name == "meta" and (element.get("http-equiv") or "").strip().lower() == "refresh":
            problems.append("meta refresh")
        animated = (element.get("attributeName") or element.get("attributename") or "").lower()
        for raw_name, value in element.attrib.items():
            attribute = _local(raw_name)
            if attribute.startswith("on"):
                problems.append(f"event handler {attribute}")
            elif attribute == "srcdoc":
                problems.append("srcdoc")
            elif attribute in URL_ATTRIBUTES and _dangerous_url(value):
                problems.append(f"{url_scheme(value)}: URL in {attribute}")
            elif attribute in SRCSET_ATTRIBUTES and any(
                _dangerous_url(candidate.strip().split(" ")[0]) for candidate in value.split(",")
            ):
                problems.append(f"dangerous URL in {attribute}")
            elif (
                attribute in ANIMATION_VALUE_ATTRIBUTES
                and animated in ("href", "xlink:href")
                and "javascript" in value.lower()
            ):
                problems.append(f"animated href to {value}")
            elif attribute == "style" and re.search(r"expression\s*\(|javascript:", value, re.IGNORECASE):
                problems.append("script in style")
    return problems


def text_problems(text: str) -> list[str]:
    """What a consumer that wrongly renders this text field as HTML would get besides text."""
    if not _MARKUP_HINT.search(text):
        return []  # no "<" and no "&": nothing an HTML parser could read as anything but text
    root = _fragment(text)
    children = [node for node in root.iter() if node is not root]
    if not children:
        return []
    return [*html_problems(text), f"markup in a text field ({len(children)} node(s))"]


def url_problems(url: str) -> list[str]:
    """Why a URL field is unsafe to put in an href or src, or nothing."""
    scheme = url_scheme(url)
    problems = []
    if scheme in DANGEROUS_SCHEMES:
        problems.append(f"{scheme}: URL")
    elif scheme not in ("http", "https", "tag", "mailto"):
        problems.append(f"not an absolute http(s) URL (scheme {scheme!r})")
    if any(ch in url for ch in "\"'<>`\\") or any(ch.isspace() for ch in url):
        problems.append("a character that could end an attribute")
    return problems


# ------------------------------------------------------------------------------------ by format

Kind = str  # "html", "text", "url" or "skip"


def _walk(value: Any, path: str = "$") -> Iterator[tuple[str, str, Any]]:
    """(path, key, string) for every string in a JSON value; ``key`` is the nearest object key."""
    stack: list[tuple[Any, str, str]] = [(value, path, "")]
    while stack:
        node, where, key = stack.pop()
        if isinstance(node, dict):
            for name, child in node.items():
                stack.append((child, f"{where}.{name}", name))
        elif isinstance(node, list):
            for index, child in enumerate(node):
                stack.append((child, f"{where}[{index}]", key))
        elif isinstance(node, str):
            yield where, key, node


def _judge(fmt: str, where: str, kind: Kind, value: str) -> list[Finding]:
    if kind == "skip":
        return []
    check = {"html": html_problems, "text": text_problems, "url": url_problems}[kind]
    return [Finding(fmt, where, problem, value) for problem in check(value)]


def judge_json(fmt: str, document: Any, kind_of: Callable[[str, str, dict[str, Any] | None], Kind]) -> list[Finding]:
    """Judge every string of a JSON document; ``kind_of(path, key, parent)`` classifies each."""
    findings: list[Finding] = []
    parents: dict[str, dict[str, Any]] = {}

    def index(node: Any, where: str) -> None:
        if isinstance(node, dict):
            for name, child in node.items():
                parents[f"{where}.{name}"] = node
                index(child, f"{where}.{name}")
        elif isinstance(node, list):
            for position, child in enumerate(node):
                index(child, f"{where}[{position}]")

    index(document, "$")
    for where, key, value in _walk(document):
        findings += _judge(fmt, where, kind_of(where, key, parents.get(where)), value)
    return findings


_URL_KEYS = frozenset(
    {
        "url",
        "external_url",
        "image",
        "banner_image",
        "feed_url",
        "home_page_url",
        "next_url",
        "icon",
        "favicon",
        "avatar",
        "href",
        "uri",
        "schema",
        "@id",
        "@context",
        "logo",
        "canonical_url",
        "avatar_url",
        "self",
        "json_feed",
        "rss",
        "atom",
    }
)


def _json_kind(html_keys: frozenset[str]) -> Callable[[str, str, dict[str, Any] | None], Kind]:
    def kind_of(where: str, key: str, parent: dict[str, Any] | None) -> Kind:
        if key in html_keys:
            return "html"
        if key == "value" and parent is not None and str(parent.get("contentType", "")).lower() == "text/html":
            return "html"  # ninjs bodies and descriptions typed as HTML
        if key in _URL_KEYS:
            return "url"
        return "text"

    return kind_of


def judge_json_feed(body: bytes) -> list[Finding]:
    return judge_json("json_feed", json.loads(body), _json_kind(frozenset({"content_html"})))


def judge_ninjs(document: dict[str, Any] | bytes) -> list[Finding]:
    data = json.loads(document) if isinstance(document, bytes) else document
    return judge_json("ninjs", data, _json_kind(frozenset()))


def judge_api_json(fmt: str, document: Any) -> list[Finding]:
    """The API's own JSON (an article, a feed page): ``body_html`` is HTML, URLs by key, the rest text."""
    return judge_json(fmt, document, _json_kind(frozenset({"body_html"})))


def judge_script_block(served: bytes) -> list[Finding]:
    """The JSON-LD bytes pasted into a page's script block must stay exactly one inert data block."""
    text = served.decode("utf-8")
    page = (
        '<!DOCTYPE html><html><head><script type="application/ld+json">'
        f"{text}</script></head><body><p>after</p></body></html>"
    )
    tree = html5lib.parse(page, treebuilder="etree", namespaceHTMLElements=False)
    findings = []
    elements = [_local(e.tag) for e in tree.iter() if isinstance(e.tag, str)]
    if elements != ["html", "head", "script", "body", "p"]:
        findings.append(Finding("jsonld", "page", f"the block broke out: elements {elements}", text))
    scripts = [e for e in tree.iter() if isinstance(e.tag, str) and _local(e.tag) == "script"]
    if scripts and (scripts[0].text or "") != text:
        findings.append(Finding("jsonld", "script", "the script text is not the served document", text))
    try:
        if json.loads(scripts[0].text or "") != json.loads(text):
            findings.append(Finding("jsonld", "script", "the data changed", text))
    except (IndexError, ValueError):
        findings.append(Finding("jsonld", "script", "the script text does not parse as JSON", text))
    return findings


def judge_jsonld(served: bytes) -> list[Finding]:
    return judge_script_block(served) + judge_json("jsonld", json.loads(served), _json_kind(frozenset()))


def _xml(fmt: str, body: bytes) -> tuple[ET.Element | None, list[Finding]]:
    try:
        return ET.fromstring(body), []
    except ET.ParseError as error:
        return None, [Finding(fmt, "document", f"not well-formed XML: {error}", body.decode("utf-8", "replace"))]


def _judge_xml(
    fmt: str, body: bytes, text_kind: Callable[[str, ET.Element], Kind], url_attributes: frozenset[str]
) -> list[Finding]:
    document, findings = _xml(fmt, body)
    if document is None:
        return findings
    for element in document.iter():
        name = _local(element.tag)
        if element.text and element.text.strip():
            findings += _judge(fmt, name, text_kind(name, element), element.text)
        for attribute, value in element.attrib.items():
            kind = "url" if _local(attribute) in url_attributes else "text"
            findings += _judge(fmt, f"{name}@{_local(attribute)}", kind, value)
    return findings


def judge_rss(body: bytes) -> list[Finding]:
    def kind(name: str, element: ET.Element) -> Kind:
        if name == "description" and element.get("type") == "plain":
            return "text"  # media:description type="plain"
        if name in ("description", "encoded"):
            return "html"  # RSS description and content:encoded are entity-encoded HTML
        if name in ("link", "docs", "url", "comments"):
            return "url"
        return "text"

    return _judge_xml("rss", body, kind, frozenset({"url", "href"}))


def judge_atom(body: bytes) -> list[Finding]:
    def kind(name: str, element: ET.Element) -> Kind:
        declared = (element.get("type") or "text").lower()
        if name in ("title", "subtitle", "summary", "content", "rights"):
            return "html" if declared in ("html", "xhtml") else "text"
        if name in ("id", "uri", "logo", "icon"):
            return "url"
        return "text"

    return _judge_xml("atom", body, kind, frozenset({"href", "url", "ref", "src"}))


def judge_sitemap(body: bytes) -> list[Finding]:
    def kind(name: str, element: ET.Element) -> Kind:
        return "url" if name == "loc" else "text"

    return _judge_xml("sitemap", body, kind, frozenset())
