"""Verbs that report speech ("said", "told", "warned"), shared by name extraction and attribution."""

from __future__ import annotations

from bot.understand.lexicon import lemmas_of

SPEECH = frozenset(
    [
        "say",
        "tell",
        "warn",
        "call",
        "describe",
        "accuse",
        "write",
        "add",
        "insist",
        "argue",
        "claim",
        "announce",
        "state",
        "repeat",
        "reiterate",
        "promise",
        "vow",
        "urge",
        "post",
        "predict",
        "declare",
        "acknowledge",
        "admit",
        "note",
        "stress",
        "suggest",
        "caution",
        "speak",
        "pledge",
        "brand",
        "label",
        "dismiss",
        "hail",
        "denounce",
        "condemn",
        "praise",
        "characterize",
        "characterise",
    ]
)


def is_speech(word: str) -> bool:
    """True for a form of a verb that reports speech ("said", "telling", "described")."""
    return bool(lemmas_of(word) & SPEECH)
