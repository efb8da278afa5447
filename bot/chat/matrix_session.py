"""The Matrix adapter's session: logging in, the nio client, and the state kept between runs.

Logs in by access token (the configured one, else the saved one) or by password, reusing the
saved device, and keeps device id, access token and sync position in a `MatrixStateStore`. State
saved for another user or homeserver is discarded. nio is told never to retry by itself: rate
limits and timeouts come back to the adapter, which turns them into the port's delivery errors.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from nio import (
    AsyncClient,
    AsyncClientConfig,
    LoginResponse,
    ProfileGetDisplayNameResponse,
    WhoamiResponse,
)

from bot.chat.matrix_config import MatrixConfig
from bot.chat.matrix_errors import NETWORK_ERRORS, MatrixLoginError, error_detail
from bot.chat.matrix_state import MatrixState, MatrixStateStore, foreign_state
from bot.chat.port import PermanentDeliveryError, TransientDeliveryError

log = logging.getLogger("bot.chat.matrix")  # the adapter's one logger, whichever module logs


class MatrixSession:
    """The bot's Matrix account: its config, its saved state, its nio client and display name.

    `state` is replaced at login (by what the store had, or a fresh state), so read it through
    the session rather than keeping it.
    """

    def __init__(self, config: MatrixConfig, store: MatrixStateStore) -> None:
        self.config = config
        self._store = store
        self.state = MatrixState()
        self.client: AsyncClient | None = None
        self.display_name = ""

    @property
    def user_id(self) -> str:
        """The bot's Matrix user id."""
        return self.config.user_id

    def client_or_fail(self) -> AsyncClient:
        """The logged-in client; a `PermanentDeliveryError` when the adapter is not started."""
        if self.client is None:
            raise PermanentDeliveryError("the Matrix adapter is not started")
        return self.client

    def save(self) -> None:
        """Write the state to the store; a failure is logged, not raised (the next save retries)."""
        try:
            self._store.save(self.state)
        except OSError as exc:
            log.error("matrix.state_save_failed error=%r", exc)

    async def login(self, discard_sync_state: Callable[[str], None]) -> None:
        """Log in, reusing the saved device and token when the homeserver still accepts them.

        `discard_sync_state(reason)` is called when a saved token is refused and the password is
        used instead: the saved sync position may belong to a homeserver database that is gone.
        Raises `MatrixLoginError` if the credentials are refused and `TransientDeliveryError`
        if the homeserver is unreachable.
        """
        cfg = self.config
        saved = self._store.load()
        foreign = foreign_state(saved, cfg.user_id, cfg.homeserver) if saved is not None else None
        if foreign:
            log.warning("matrix.state_discarded reason=%r saved_user=%s saved_homeserver=%s", foreign,
                        saved.user_id if saved else "", saved.homeserver if saved else "")
        if saved is None or foreign:
            saved = MatrixState(user_id=cfg.user_id)
        saved.user_id, saved.homeserver = cfg.user_id, cfg.homeserver
        self.state = saved
        client = AsyncClient(
            cfg.homeserver,
            cfg.user_id,
            device_id=saved.device_id or None,
            config=AsyncClientConfig(
                max_limit_exceeded=0, max_timeouts=0, request_timeout=cfg.request_timeout
            ),
        )
        self.client = client
        try:
            token = cfg.access_token or saved.access_token
            if token and await self._use_token(client, token):
                pass
            elif cfg.password:
                if token:
                    discard_sync_state("the saved access token was refused")
                resp = await client.login(password=cfg.password, device_name=cfg.device_name)
                if not isinstance(resp, LoginResponse):
                    raise MatrixLoginError(f"login refused: {error_detail(resp)}")
                saved.device_id, saved.access_token = resp.device_id, resp.access_token
            else:
                raise MatrixLoginError("the access token was refused and no password is configured")
        except NETWORK_ERRORS as exc:
            await client.close()
            self.client = None
            raise TransientDeliveryError(f"cannot reach {cfg.homeserver}: {exc!r}") from exc
        except MatrixLoginError:
            await client.close()
            self.client = None
            raise
        self.save()
        log.info("matrix.logged_in user=%s device=%s", cfg.user_id, saved.device_id)

    async def _use_token(self, client: AsyncClient, token: str) -> bool:
        """Log in with a token; True if the homeserver accepts it for our user."""
        client.restore_login(self.config.user_id, self.state.device_id or "", token)
        who = await client.whoami()
        if not isinstance(who, WhoamiResponse):
            log.warning("matrix.token_refused code=%s", who.status_code)
            client.access_token = ""
            return False
        if who.user_id != self.config.user_id:
            raise MatrixLoginError(f"the access token belongs to {who.user_id}, not {self.config.user_id}")
        self.state.access_token = token
        self.state.device_id = who.device_id or self.state.device_id
        client.device_id = self.state.device_id
        return True

    async def fetch_display_name(self) -> str:
        """The bot's display name on the homeserver ("" if it has none or cannot be asked), which
        people may type at the start of a message to address the bot."""
        try:
            resp = await self.client_or_fail().get_displayname(self.config.user_id)
        except NETWORK_ERRORS:
            return ""
        if isinstance(resp, ProfileGetDisplayNameResponse) and resp.displayname:
            return str(resp.displayname)
        return ""

    async def close(self) -> None:
        """Close the client's connections (the device and token stay valid for the next run)."""
        if self.client is not None:
            await self.client.close()
            self.client = None
