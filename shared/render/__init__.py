"""Pure renderers for the syndication formats: JSON Feed, RSS, Atom, ninjs, JSON-LD and sitemaps.

Every function here takes models and returns bytes or a dict: no I/O, no clock, no environment, so
the same input always gives byte-identical output (feed builders compare content hashes). Import the
submodule you need (``from shared.render.rss import render_rss``); this package imports nothing so a
handler pays only for the formats it renders.
"""
