"""Understanding the stories: grounded question answering over stored sentences.

Entry point: `bot.understand.answer.answer_question(question, search, stories, story=None)`.
`search` is anything with `search(query, story, limit) -> list[Hit]` (the store's FTS5 index,
or `MemorySearch` in tests); an optional `frequency(terms) -> (df, n)` lets rare words weigh more.
"""
