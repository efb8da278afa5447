"""Attribution frames: who said what, and about what, in one sentence."""

from __future__ import annotations

from bot.understand.attribution import frames
from bot.understand.lexicon import tokens


def _said(text: str) -> list[tuple[str | None, bool, str, bool]]:
    toks = tokens(text)

    def words(span: tuple[int, int] | None) -> str | None:
        return " ".join(t.text for t in toks[span[0] : span[1] + 1]) if span else None

    return [(words(f.speaker), f.pronoun, words(f.content) or "", f.quoted) for f in frames(text, toks)]


def test_quote_before_the_speaker_is_attributed_to_that_speaker() -> None:
    found = _said('"The gaps are closing," Carvalho said on Monday.')
    assert ("Carvalho", False, "The gaps are closing", True) in found


def test_pronoun_speaker_is_marked_for_resolution_from_the_sentence_before() -> None:
    found = _said('"We will not sign," she said, adding that talks would go on.')
    assert (None, True, "We will not sign", True) in found
    assert (None, True, "talks would go on", False) in found


def test_speaker_separated_by_a_relative_clause_is_the_sentence_subject() -> None:
    found = _said("Ines Carvalho, who heads the union, told Radio Norte that the offer was unfair.")
    assert ("Ines Carvalho", False, "the offer was unfair", False) in found


def test_naming_verb_keeps_the_described_thing_apart_from_the_description() -> None:
    text = 'Brandt called the strike "a blow to the whole region".'
    toks = tokens(text)
    (frame,) = [f for f in frames(text, toks) if f.quoted]
    assert frame.described is not None
    a, b = frame.described
    assert " ".join(t.text for t in toks[a : b + 1]) == "the strike"


def test_according_to_attributes_the_clause_before_it() -> None:
    found = _said("Fifty ships are waiting outside the harbour, according to the coast guard.")
    assert ("the coast guard", False, "Fifty ships are waiting outside the harbour", False) in found


def test_a_speech_word_used_as_a_noun_makes_no_frame() -> None:
    assert _said("The telephone call lasted an hour.") == []
