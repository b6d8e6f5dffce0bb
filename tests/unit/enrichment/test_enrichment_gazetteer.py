"""The gazetteer data file: well-formed, self-consistent, and cheap to load."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from shared.enrichment.gazetteer import ORGANIZATION, PERSON, PLACE, gazetteer, load_data, slug
from shared.enrichment.tokens import tokenize

ROOT = Path(__file__).resolve().parents[3]


def test_entries_are_well_formed_and_unique() -> None:
    data = load_data()
    ids = [e["id"] for e in data["entities"]]
    assert len(ids) == len(set(ids))
    assert data["version"]
    for entry in data["entities"]:
        assert entry["type"] in (PERSON, PLACE, ORGANIZATION), entry
        assert entry["en"].strip() and entry["uk"].strip(), entry
        assert entry["id"] == entry["id"].lower()
        if "country" in entry:
            assert entry["country"] in ids, entry


def test_every_name_and_alias_resolves_to_its_own_entry() -> None:
    # GIVEN every canonical name and alias in the data
    gz = gazetteer()
    for raw in load_data()["entities"]:
        for alias in (raw["en"], raw["uk"], *raw.get("aliases", ())):
            tokens = tokenize(alias)
            # WHEN it is matched as running text
            hit = gz.match(tokens, 0)
            # THEN the whole alias matches its own entry (no collision shadows it)
            assert hit is not None and hit[0] == len(tokens) - 1 and hit[1].id == raw["id"], (raw["id"], alias)


def test_no_name_is_a_common_word() -> None:
    data = load_data()
    stop = set(data["stopwords"]["en"]) | set(data["stopwords"]["uk"])
    for raw in data["entities"]:
        for alias in (raw["en"], raw["uk"], *raw.get("aliases", ())):
            if alias.replace(".", "").isupper():
                continue  # acronyms match case-sensitively: "US" is not "us"
            assert alias.casefold() not in stop, alias


def test_taxonomy_is_bilingual() -> None:
    for rule in gazetteer().taxonomy:
        assert rule.names["en"] and rule.names["uk"] and rule.keywords and rule.min_hits >= 1


def test_entity_keys_are_language_independent() -> None:
    gz = gazetteer()
    assert gz.entity_key("Russia") == gz.entity_key("Росія") == "russia"
    assert gz.entity_key("Russia's Foreign Ministry") == gz.entity_key("МЗС Росії") == "foreign-ministry@russia"
    assert gz.entity_key("Carleton University") == "carleton-university"
    assert slug("Зеленський") == "зеленський"
    assert slug("Erdoğan's party") == "erdogan-s-party"


def test_import_is_light_and_lazy() -> None:
    # GIVEN a fresh interpreter
    code = (
        "import sys\n"
        "import shared.enrichment.analyze\n"
        "from shared.enrichment.gazetteer import gazetteer\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in ('boto3', 'botocore', 'numpy', 'spacy')]\n"
        "print(heavy, gazetteer.cache_info().currsize)\n"
    )
    # WHEN the entry point is imported
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    # THEN no heavy module came with it and the gazetteer is not loaded yet
    assert out.stdout.strip() == "[] 0"
