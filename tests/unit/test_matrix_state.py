"""Whose Matrix state a saved file is: ours, another user's, or another homeserver's."""

from __future__ import annotations

from bot.chat.matrix_state import MatrixState, foreign_state


def test_state_of_another_user_or_homeserver_is_foreign_and_older_files_without_a_homeserver_are_ours() -> None:
    mine = MatrixState(user_id="@bot:example.org", homeserver="https://matrix.example.org/")
    assert foreign_state(mine, "@bot:example.org", "https://MATRIX.example.org") is None
    assert foreign_state(mine, "@other:example.org", "https://matrix.example.org") == "saved for another user"
    assert foreign_state(mine, "@bot:example.org", "https://new.example.org") == "saved for another homeserver"
    assert foreign_state(MatrixState(user_id="@bot:example.org"), "@bot:example.org", "https://x.example") is None


def test_the_homeserver_round_trips_through_the_saved_dict() -> None:
    state = MatrixState(user_id="@bot:example.org", homeserver="https://matrix.example.org")
    assert MatrixState.from_dict(state.to_dict()).homeserver == "https://matrix.example.org"
