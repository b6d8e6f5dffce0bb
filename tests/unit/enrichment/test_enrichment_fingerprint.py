"""Fingerprints: exact content hash, SimHash near-duplicates, LSH bands."""

from __future__ import annotations

import random

import pytest

from shared.enrichment.fingerprint import (
    NEAR_DUPLICATE_BITS,
    content_fingerprint,
    hamming,
    is_near_duplicate,
    normalize,
    simhash,
    simhash_bands,
)
from tests.unit.enrichment.texts import RECOGNITION_EN, RECOGNITION_EN_OTHER, RECOGNITION_UK


def test_content_fingerprint_ignores_case_punctuation_and_whitespace() -> None:
    a = "Russia recognizes the Taliban.\n\n“It is official,” the ministry said."
    b = 'russia RECOGNIZES the Taliban   "It is official" -- the ministry said!'
    assert normalize(a) == normalize(b)
    assert content_fingerprint(a) == content_fingerprint(b)
    assert len(content_fingerprint(a)) == 64
    assert content_fingerprint(a) != content_fingerprint(a.replace("official", "final"))


def test_simhash_is_stable_and_64_bit() -> None:
    # Known value: blake2b-based, so the same in every process and on every machine.
    value = simhash(RECOGNITION_EN)
    assert value == simhash(RECOGNITION_EN)
    assert 0 < value < 2**64
    assert simhash("") == 0
    assert simhash("one two") == simhash("One, two!")


def edited(text: str, changes: int, seed: int) -> str:
    rng = random.Random(seed)
    words = text.split()
    for _ in range(changes):
        words[rng.randrange(len(words))] = rng.choice(["agency", "said", "week", "new", "officials"])
    return " ".join(words)


@pytest.mark.parametrize("seed", range(10))
def test_resent_copy_with_a_word_or_two_changed_is_near(seed: int) -> None:
    # GIVEN a ~300-word story re-sent with one or two words changed
    for changes in (1, 2):
        resent = edited(RECOGNITION_EN, changes, seed)
        # THEN it is a near duplicate of the original
        assert is_near_duplicate(RECOGNITION_EN, resent)
        assert hamming(simhash(RECOGNITION_EN), simhash(resent)) <= NEAR_DUPLICATE_BITS


def test_different_stories_on_the_same_topic_are_not_near() -> None:
    # GIVEN two stories on the same event, sharing names and topic but not sentences
    distance = hamming(simhash(RECOGNITION_EN), simhash(RECOGNITION_EN_OTHER))
    # THEN they are far apart, as are stories in different languages
    assert distance > 2 * NEAR_DUPLICATE_BITS
    assert not is_near_duplicate(RECOGNITION_EN, RECOGNITION_EN_OTHER)
    assert not is_near_duplicate(simhash(RECOGNITION_EN), simhash(RECOGNITION_UK))


def test_hamming() -> None:
    assert hamming(0b1011, 0b0001) == 2
    assert hamming(2**64 - 1, 0) == 64


def test_bands_cover_all_bits_and_find_close_fingerprints() -> None:
    h = 0x0123_4567_89AB_CDEF
    assert simhash_bands(h) == ["0:cdef", "1:89ab", "2:4567", "3:0123"]
    assert simhash_bands(h, bands=8)[0] == "0:ef"
    # Three flipped bits leave at least one of four bands untouched (pigeonhole).
    flipped = h ^ (1 << 3) ^ (1 << 20) ^ (1 << 40)
    assert set(simhash_bands(h)) & set(simhash_bands(flipped))


def test_bands_must_divide_64() -> None:
    with pytest.raises(ValueError, match="divide 64"):
        simhash_bands(1, bands=5)
