"""slack/manifest.yml grants what the adapter uses: its events, its slash command, its API scopes."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.chat.slack import REQUIRED_SCOPES, SlackConfig

MANIFEST = yaml.safe_load((Path(__file__).parents[2] / "slack" / "manifest.yml").read_text())


def test_manifest_subscribes_to_every_event_the_adapter_handles() -> None:
    events = set(MANIFEST["settings"]["event_subscriptions"]["bot_events"])
    assert {"app_mention", "message.channels", "message.groups", "member_joined_channel"} <= events


def test_manifest_grants_the_scopes_for_events_commands_and_api_methods() -> None:
    scopes = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    needed = {
        "app_mentions:read",
        "channels:history",
        "groups:history",
        "commands",
        *REQUIRED_SCOPES.values(),
    }
    assert needed <= scopes


def test_manifest_declares_the_default_slash_command_and_socket_mode() -> None:
    commands = [c["command"] for c in MANIFEST["features"]["slash_commands"]]
    assert commands == [SlackConfig(bot_token="xoxb-x").command]
    assert MANIFEST["settings"]["socket_mode_enabled"] is True
