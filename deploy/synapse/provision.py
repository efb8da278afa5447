"""One-shot set-up of the trial homeserver: the bot's and the editor's accounts, and a room for both.

Run by the `matrix-accounts` service of docker-compose.yml once Synapse is healthy (and by
tests/integration/test_compose_stack.py against a test Synapse). Accounts are registered with
Synapse's own `register_new_matrix_user` and the registration shared secret, which it reads from
the homeserver config (`registration_shared_secret_path`). Safe to run again: an account that
exists is left alone, and the room is made once (found again by its alias).
Standard library only, so it runs in the Synapse image as it is.

Environment: HOMESERVER_URL, SYNAPSE_CONFIG, BOT_LOCALPART, BOT_PASSWORD, EDITOR_LOCALPART,
EDITOR_PASSWORD, ROOM_ALIAS (the local part of the room's alias), WAIT_SECONDS.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

ROOM_TOPIC = ("Ask the newsdesk bot here: start a message with !news (for example '!news help' or "
              "'!news who is mediating the hostage talks?'), or mention it.")


class ProvisionError(Exception):
    """A step failed; the message says which and why."""


def _call(base: str, method: str, path: str, body: dict[str, Any] | None = None,
          token: str | None = None) -> tuple[int, dict[str, Any]]:
    """One client-API request; (HTTP status, JSON body)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        try:
            return exc.code, json.loads(exc.read() or b"{}")
        except ValueError:
            return exc.code, {}


def wait_for_homeserver(base: str, seconds: float) -> None:
    """Wait until the client API answers."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if _call(base, "GET", "/_matrix/client/versions")[0] == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise ProvisionError(f"the homeserver at {base} did not answer within {seconds:.0f} s")
        time.sleep(1)


def login(base: str, localpart: str, password: str) -> dict[str, Any] | None:
    """The login response (user_id, access_token), or None when the password is refused.

    Synapse limits logins per address (a burst of a few): a 429 is waited out as it asks.
    """
    for _ in range(10):
        status, body = _call(base, "POST", "/_matrix/client/v3/login", {
            "type": "m.login.password", "identifier": {"type": "m.id.user", "user": localpart},
            "password": password, "initial_device_display_name": "newsdesk provisioning"})
        if status != 429:
            return body if status == 200 else None
        time.sleep(min(30.0, float(body.get("retry_after_ms", 2000)) / 1000 + 0.1))
    raise ProvisionError(f"the homeserver kept refusing logins for {localpart} as too frequent")


def _register_command() -> list[str]:
    found = shutil.which("register_new_matrix_user")
    return [found] if found else [sys.executable, "-m", "synapse._scripts.register_new_matrix_user"]


def ensure_account(base: str, config: str, localpart: str, password: str) -> bool:
    """Register `localpart` through the shared secret; False when it already exists (left as it is).

    No login here: Synapse allows an address only a few logins in a burst, and Element and the
    bot need theirs.
    """
    done = subprocess.run([*_register_command(), "-u", localpart, f"--password={password}", "--no-admin",
                           "-c", config, base], capture_output=True, text=True, timeout=120)
    if "User ID already taken" in done.stdout + done.stderr:
        print(f"{localpart} already exists", flush=True)
        return False
    if done.returncode != 0:
        raise ProvisionError(f"registering {localpart} failed: {(done.stdout + done.stderr).strip()[-400:]}")
    print(f"registered {localpart}", flush=True)
    return True


def logout(base: str, session: dict[str, Any]) -> None:
    """End a login made here (so provisioning leaves no devices behind)."""
    _call(base, "POST", "/_matrix/client/v3/logout", {}, token=session["access_token"])


def ensure_room(base: str, session: dict[str, Any], bot_id: str, alias: str) -> str:
    """The editor's room with the bot invited (unencrypted: the bot cannot read encrypted rooms); its id."""
    token = session["access_token"]
    server = str(session["user_id"]).split(":", 1)[1]
    full_alias = f"#{alias}:{server}"
    status, body = _call(base, "GET", "/_matrix/client/v3/directory/room/" + urllib.parse.quote(full_alias),
                         token=token)
    if status == 200:
        room = str(body["room_id"])
        # invited again in case the bot left; refused harmlessly when it is already there
        _call(base, "POST", f"/_matrix/client/v3/rooms/{urllib.parse.quote(room)}/invite", {"user_id": bot_id},
              token=token)
        print(f"room {full_alias} already exists ({room})", flush=True)
        return room
    status, body = _call(base, "POST", "/_matrix/client/v3/createRoom", {
        "name": "Newsdesk", "topic": ROOM_TOPIC, "room_alias_name": alias, "preset": "private_chat",
        "invite": [bot_id]}, token=token)
    if status != 200:
        raise ProvisionError(f"creating {full_alias} failed: HTTP {status} {body.get('error', '')}")
    print(f"created room {full_alias} ({body['room_id']}) and invited {bot_id}", flush=True)
    return str(body["room_id"])


def main(env: dict[str, str]) -> int:
    """Set up accounts and room from the environment; 0 on success, 2 with one line on failure."""
    base = env.get("HOMESERVER_URL", "http://synapse:8008").rstrip("/")
    config = env.get("SYNAPSE_CONFIG", "/config/homeserver.yaml")
    bot, editor = env.get("BOT_LOCALPART", "newsbot"), env.get("EDITOR_LOCALPART", "editor")
    try:
        bot_password, editor_password = env["BOT_PASSWORD"], env["EDITOR_PASSWORD"]
        wait_for_homeserver(base, float(env.get("WAIT_SECONDS", "180")))
        ensure_account(base, config, bot, bot_password)
        ensure_account(base, config, editor, editor_password)
        editor_session = login(base, editor, editor_password)
        if editor_session is None:
            raise ProvisionError(f"{editor} exists but EDITOR_PASSWORD does not log in")
        editor_id = str(editor_session["user_id"])
        bot_id = f"@{bot}:{editor_id.split(':', 1)[1]}"
        try:
            ensure_room(base, editor_session, bot_id, env.get("ROOM_ALIAS", "newsdesk"))
        finally:
            logout(base, editor_session)
    except KeyError as exc:
        print(f"provision: set {exc.args[0]}", file=sys.stderr)
        return 2
    except (ProvisionError, OSError, subprocess.SubprocessError) as exc:
        print(f"provision: {exc}", file=sys.stderr)
        return 2
    print(f"ready: log in to Element as {editor_id} and open the room 'Newsdesk'", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(dict(os.environ)))
