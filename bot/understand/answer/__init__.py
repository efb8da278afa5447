"""Typed, grounded answers to editors' questions from stored, pre-parsed sentences.

question.py analyses the question (expected type, relation, anchors, time intent); retrieve.py
fetches candidate sentences; candidates.py, quantities.py and statements.py cut typed phrases from
each sentence's stored annotation (phrases.py for open "what/which N" questions, yesno.py for
yes/no ones); score.py weighs them; reply.py builds the Answer (or the abstention); weights.py
holds every weight and threshold, vocabulary.py the English word knowledge.
"""

from bot.understand.answer.reply import answer_question

__all__ = ["answer_question"]
