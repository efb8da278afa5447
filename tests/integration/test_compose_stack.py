"""The `docker compose up` stack, checked without Docker (it cannot run here).

- docker-compose.yml against the Compose Specification's JSON schema (the copy shipped in
  docker-compose 1.29's `compose/config/compose_spec.json`; Debian's `docker-compose` package
  installs it, .ci/run too), and the promises the README makes about it: the bot's healthcheck
  asks /healthz, 3 workers with the profile, config files that exist.
- The Synapse config the compose mounts, started as a real Synapse (only paths and the port
  replaced), then the compose's one-shot provisioning script run against it with the compose's
  own default settings, then the bot configured from the compose's environment, and the editor
  logging in and asking it a question in the room the script made.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import jsonschema
import pytest
import yaml

from bot.runtime.app import Runtime
from bot.runtime.core import build_core
from bot.runtime.ports import configured_ports
from bot.settings import load_settings
from tests.support.matrix_people import Person, wait_until
from tests.support.synapse_server import MatrixUser, SynapseServer, synapse_available

REPO = Path(__file__).resolve().parents[2]
COMPOSE = REPO / "docker-compose.yml"
SYNAPSE_DIR = REPO / "deploy" / "synapse"
DEBIAN_SCHEMA = Path("/usr/lib/python3/dist-packages/compose/config/compose_spec.json")
DEFAULT = re.compile(r"\$\{(\w+):-([^}]*)\}")


def compose_schema_path() -> Path | None:
    """The Compose Specification schema from an installed docker-compose 1.x (pip or Debian), if any."""
    spec = importlib.util.find_spec("compose")
    found = [Path(spec.origin).parent / "config" / "compose_spec.json"] if spec and spec.origin else []
    return next((p for p in [*found, DEBIAN_SCHEMA] if p.is_file()), None)


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    """docker-compose.yml as Compose reads it (anchors and merge keys resolved)."""
    loaded = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft201909Validator:
    """A validator for the Compose Specification schema (skipped where no package ships it)."""
    path = compose_schema_path()
    if path is None:
        pytest.skip("the Compose Specification schema is not installed (Debian package docker-compose ships it)")
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert schema["$schema"].startswith("http://json-schema.org/draft/2019-09/")
    jsonschema.Draft201909Validator.check_schema(schema)
    return jsonschema.Draft201909Validator(schema)


def resolved(value: str) -> str:
    """A compose value with each ${VAR:-default} replaced by its default (a `docker compose up` with no .env)."""
    return DEFAULT.sub(lambda m: m.group(2), value)


def test_the_compose_file_follows_the_compose_specification(compose: dict[str, Any],
                                                           validator: jsonschema.Draft201909Validator) -> None:
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(compose)]
    assert errors == []
    broken = copy.deepcopy(compose)  # the schema is strict: a misspelt key or an unknown condition is caught
    broken["services"]["postgres"]["healthcheck"]["intervall"] = "5s"
    broken["services"]["element"]["depends_on"] = {"synapse": {"condition": "service_ready"}}
    assert sorted("/".join(map(str, e.absolute_path)) for e in validator.iter_errors(broken)) == [
        "services/element/depends_on", "services/postgres/healthcheck"]


def test_the_stack_has_what_the_readme_promises(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert {"postgres", "synapse", "element", "matrix-accounts", "bot"} <= set(services)
    bot = services["bot"]
    assert bot["environment"]["NEWSDESK_HTTP_LISTEN"] == "0.0.0.0:8080"
    probe = " ".join(bot["healthcheck"]["test"])
    assert "http://127.0.0.1:8080/healthz" in probe and "curl" not in probe  # the slim image has no curl
    assert bot["depends_on"]["matrix-accounts"] == {"condition": "service_completed_successfully"}
    assert bot["depends_on"]["postgres"] == {"condition": "service_healthy"}
    assert resolved(bot["environment"]["MATRIX_USER_ID"]) == "@newsbot:localhost"
    assert resolved(bot["environment"]["NEWSDESK_DATABASE_URL"]).startswith("postgresql://newsdesk:")
    workers = services["bot-workers"]  # the profile adds two workers to the one `bot`: three in all
    assert workers["profiles"] == ["workers"] and workers["deploy"]["replicas"] == 2
    assert {k: v for k, v in workers.items() if k not in ("profiles", "deploy")} == bot
    assert "profiles" not in bot and "profiles" not in services["synapse"]
    for service in services.values():  # what the stack mounts from the repo exists in it
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert (REPO / source).exists(), source
        for port in service.get("ports", []):
            assert port.startswith("127.0.0.1:"), port  # nothing published beyond this machine
    element = json.loads((REPO / "deploy" / "element" / "config.json").read_text(encoding="utf-8"))
    assert element["default_server_config"]["m.homeserver"]["base_url"] == "http://localhost:8008"
    assert "127.0.0.1:8008:8008" in services["synapse"]["ports"]
    assert "127.0.0.1:8080:80" in services["element"]["ports"]
    example = (REPO / ".env.example").read_text(encoding="utf-8")
    for name in set(DEFAULT.findall(COMPOSE.read_text(encoding="utf-8"))):
        assert re.search(rf"^{name[0]}=", example, re.MULTILINE), f".env.example does not mention {name[0]}"


def test_the_dockerfile_exposes_and_checks_health() -> None:
    dockerfile = (REPO / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^EXPOSE 8080$", dockerfile, re.MULTILINE)
    assert re.search(r"^HEALTHCHECK .*\n?.*http://127\.0\.0\.1:8080/healthz", dockerfile, re.MULTILINE)
    assert "NEWSDESK_HTTP_LISTEN=0.0.0.0:8080" in dockerfile


# ---- the Synapse the compose mounts, for real ---------------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _local(value: Any, data: Path, config: Path) -> Any:
    """The committed config with its container paths (/data, /config) moved under the test's folders."""
    if isinstance(value, dict):
        return {k: _local(v, data, config) for k, v in value.items()}
    if isinstance(value, list):
        return [_local(v, data, config) for v in value]
    if isinstance(value, str) and value.startswith("/data/"):
        return str(data / value.removeprefix("/data/"))
    if isinstance(value, str) and value.startswith("/config/"):
        return str(config / value.removeprefix("/config/"))
    return value


@pytest.fixture(scope="module")
def compose_synapse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SynapseServer]:
    """A Synapse started from deploy/synapse/homeserver.yaml: same keys, paths under a temp folder, a free
    loopback port instead of 0.0.0.0:8008."""
    if not synapse_available():
        pytest.skip("matrix-synapse is not installed (pip install -e '.[test]')")
    base = tmp_path_factory.mktemp("compose-synapse")
    data, config_dir = base / "data", base / "config"
    data.mkdir()
    config_dir.mkdir()
    shutil.copy(SYNAPSE_DIR / "log.config", config_dir / "log.config")
    committed = yaml.safe_load((SYNAPSE_DIR / "homeserver.yaml").read_text(encoding="utf-8"))
    config = _local(committed, data, config_dir)
    port = _free_port()
    assert [listener["port"] for listener in config["listeners"]] == [8008]
    config["listeners"][0].update(port=port, bind_addresses=["127.0.0.1"])
    config_path = config_dir / "homeserver.yaml"
    config_path.write_text(yaml.safe_dump(config), encoding="utf-8")
    server = SynapseServer(directory=base, port=port, config_path=config_path, shared_secret="",
                           server_name=committed["server_name"])
    server.start(timeout=60)
    try:
        yield server
    finally:
        server.stop()


def _provision(compose: dict[str, Any], server: SynapseServer) -> subprocess.CompletedProcess[str]:
    """Run the matrix-accounts service's command as compose would, against the test Synapse."""
    service = compose["services"]["matrix-accounts"]
    assert service["entrypoint"] == ["python", "/config/provision.py"]
    env = {k: resolved(str(v)) for k, v in service["environment"].items()}
    env.update(HOMESERVER_URL=server.url, SYNAPSE_CONFIG=str(server.config_path), WAIT_SECONDS="30")
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    return subprocess.run([sys.executable, str(SYNAPSE_DIR / "provision.py")], capture_output=True, text=True,
                          timeout=120, env={"PATH": path, **env})


@pytest.mark.synapse
async def test_the_compose_synapse_starts_provisions_both_accounts_and_the_editor_asks_the_bot(
        compose: dict[str, Any], compose_synapse: SynapseServer, env: dict[str, str]) -> None:
    server = compose_synapse
    with urllib.request.urlopen(f"{server.url}/health", timeout=5) as response:  # what its healthcheck asks
        assert response.status == 200
    assert (server.directory / "data" / "registration_shared_secret").stat().st_size > 20  # made on first start

    first = _provision(compose, server)
    assert first.returncode == 0, first.stderr
    assert "registered newsbot" in first.stdout and "registered editor" in first.stdout
    assert "created room #newsdesk:localhost" in first.stdout
    again = _provision(compose, server)  # a restarted stack runs it again: nothing breaks, nothing doubles
    assert again.returncode == 0, again.stderr
    assert "already exists" in again.stdout and "created room" not in again.stdout

    accounts = {k: resolved(str(v)) for k, v in compose["services"]["matrix-accounts"]["environment"].items()}
    editor_user = MatrixUser(accounts["EDITOR_LOCALPART"], f"@{accounts['EDITOR_LOCALPART']}:localhost",
                             accounts["EDITOR_PASSWORD"])
    bot_env = {k: resolved(str(v)) for k, v in compose["services"]["bot"]["environment"].items()}
    bot_env.update(MATRIX_HOMESERVER=server.url)  # http://synapse:8008 inside the compose network
    settings = load_settings({**env, **{k: v for k, v in bot_env.items() if k.startswith(("MATRIX_", "SLACK_"))},
                              "NEWSDESK_HTTP_LISTEN": "127.0.0.1:0"})
    ports = configured_ports(settings)
    assert [p.platform for p in ports] == ["matrix"]
    core = build_core(settings)
    runtime = Runtime(core, ports)
    editor = await Person.login(server.url, editor_user)
    try:
        await runtime.start()
        resolved_room = await editor.client.room_resolve_alias("#newsdesk:localhost")
        room = resolved_room.room_id
        assert room in (await editor.client.joined_rooms()).rooms

        async def bot_joined() -> bool:  # the invite the provisioning sent is accepted once the bot runs
            return bot_env["MATRIX_USER_ID"] in await editor.members(room)

        await wait_until(bot_joined, timeout=20, what="the bot to join the room the provisioning made")
        await editor.say(room, "!news stories")
        reply = await editor.wait_for_event(room, lambda e: e.get("sender") == bot_env["MATRIX_USER_ID"]
                                            and "Hostage" in str(e.get("content", {}).get("body", "")), timeout=30)
        assert reply["content"]["msgtype"] == "m.notice"
        async with aiohttp.ClientSession() as session, session.get(f"{runtime.web.url}/healthz") as response:
            assert response.status == 200
            assert (await response.json())["adapters"] == {"matrix": {"connected": True, "detail": "connected"}}
    finally:
        await editor.close()
        await runtime.stop()
        core.close()
