"""The Matrix account on this machine: login, access token, device, crypto store.

Login once with the password (or take a given access token), then keep device id + access
token in the adapter's state (`MatrixState`, next to nio's crypto store) and `restore_login`
on every start: the encryption keys belong to that device and that store, together. A store
that no longer matches the server's keys for the device (lost, or the device logged out)
means a new device with a password, and a message saying what to do without one.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import secrets
from pathlib import Path

import aiohttp
import nio

from bot.adapters.base import DeliveryError
from bot.adapters.matrix.state import MatrixState
from bot.config import Config, ConfigError

# One logger for the whole adapter, named as before it was a package.
log = logging.getLogger("bot.adapters.matrix")

# nio gives up on a request with these (aiohttp's are not all OSErrors).
NETWORK_ERRORS = (OSError, TimeoutError, aiohttp.ClientError)


class WithholdDetails(logging.Filter):
    """nio logs a malformed event or response with the offending values (jsonschema's text
    quotes them), which may be message text: keep the line, drop the details."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and record.msg.startswith("Error validating"):
            what = record.msg.split(":", 1)[0]
            record.msg, record.args = f"{what} (details withheld: may hold message text)", ()
        return True


for _name in ("nio.events.misc", "nio.responses"):
    logging.getLogger(_name).addFilter(WithholdDetails())
# Whatever CIVICBOT_LOG_LEVEL says: nio's DEBUG lines hold whole responses (the access token of
# a login, the messages of unencrypted rooms), peewee's the crypto store's SQL with key
# material; nio's INFO is a line per event. Warnings and errors still come through.
logging.getLogger("nio").setLevel(logging.WARNING)
logging.getLogger("peewee").setLevel(logging.WARNING)


class FatalMatrixError(ConfigError):
    """The bot cannot go on with this account or store; the message says what to do."""


class Session:
    """The nio client of the bot's account and device, the adapter's state file and the lock
    that keeps nio's crypto work one at a time (its own checks race otherwise)."""

    def __init__(self, config: Config) -> None:
        if not (config.matrix_homeserver and config.matrix_user):
            raise ConfigError("Matrix needs CIVICBOT_MATRIX_HOMESERVER and CIVICBOT_MATRIX_USER")
        self.config = config
        self.homeserver = config.matrix_homeserver
        self.user_id = config.matrix_user
        self.store_dir = Path(config.matrix_store)
        self.client: nio.AsyncClient | None = None
        self.state: MatrixState | None = None
        self.crypto_lock = asyncio.Lock()

    async def open(self) -> None:
        """The store folder (private to us) and the state file in it."""
        self.store_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.store_dir, 0o700)
        self.state = await MatrixState.open(self.store_dir / "civicbot-matrix.sqlite3")

    async def drop_client(self) -> None:
        """Close the client (a new login makes a new one)."""
        if self.client is not None:
            await self.client.close()
            self.client = None

    def access_token(self) -> str:
        """The current one: a new login replaces it."""
        return (self.client.access_token if self.client is not None else "") or ""

    def new_client(self, device_id: str | None) -> nio.AsyncClient:
        config = nio.AsyncClientConfig(
            encryption_enabled=True,
            # We save the sync position ourselves, after the batch is handled (nio would save
            # it before our worker has seen the events).
            store_sync_tokens=False,
            max_limit_exceeded=0,  # a 429 comes back to us (RetryLater), never a silent sleep
            max_timeouts=2,
            request_timeout=60,
        )
        return nio.AsyncClient(
            self.homeserver,
            self.user_id,
            device_id=device_id,
            store_path=str(self.store_dir),
            config=config,
        )

    async def log_in(self) -> None:
        """Restore the saved session when its token still works, else log in anew and save
        it; the device keys are uploaded if the store is new."""
        assert self.state is not None
        session = self.state.session()
        if (
            session
            and session.get("user_id") == self.user_id
            and session.get("homeserver") == self.homeserver
            and self._store_file(session["device_id"]).exists()
        ):
            self.client = self.new_client(session["device_id"])
            self.client.restore_login(self.user_id, session["device_id"], session["access_token"])
            if await self._token_works():
                await self._upload_keys_if_needed()
                return
            log.warning("the saved Matrix session is no longer valid; logging in again")
            await self.client.close()
        if self.config.matrix_password:
            await self._password_login(session)
        else:
            await self._token_login()
        assert self.client is not None and self.client.device_id and self.client.access_token
        await self.state.save_session(
            user_id=self.user_id,
            homeserver=self.homeserver,
            device_id=self.client.device_id,
            access_token=self.client.access_token,
        )
        await self._upload_keys_if_needed()

    def _store_file(self, device_id: str) -> Path:
        return self.store_dir / f"{self.user_id}_{device_id}.db"

    async def _token_works(self) -> bool:
        assert self.client is not None
        answer = await self.client.whoami()
        if isinstance(answer, nio.WhoamiError):
            if answer.status_code in ("M_UNKNOWN_TOKEN", "M_MISSING_TOKEN"):
                return False
            raise DeliveryError(f"whoami failed: {answer.status_code}")
        return True

    async def _password_login(self, session: dict[str, str] | None) -> None:
        device_id = (session or {}).get("device_id") or self.config.matrix_device_id
        await self._login_device(device_id)
        if await self._device_is_broken():
            # Keys and store no longer belong together: the store was lost (the server keeps
            # keys nobody holds), or the device was logged out (the server deleted its keys).
            # A new device id starts a clean identity that every client trusts as new.
            new_id = f"{self.config.matrix_device_id}_{secrets.token_hex(3).upper()}"
            log.warning("the encryption keys of Matrix device %s are lost (store missing or "
                        "device logged out); continuing as new device %s", device_id, new_id)
            assert self.client is not None
            await self.client.close()
            await self._login_device(new_id)
            await self._delete_device(device_id)

    async def _device_is_broken(self) -> bool:
        assert self.client is not None
        fresh_store = self.client.should_upload_keys
        return fresh_store == await self._server_knows_device_keys()

    async def _delete_device(self, device_id: str) -> None:
        """Remove a dead device, so that clients stop encrypting for keys nobody holds."""
        assert self.client is not None
        auth = {"type": "m.login.password", "password": self.config.matrix_password or "",
                "identifier": {"type": "m.id.user", "user": self.user_id}}
        answer = await self.client.delete_devices([device_id], auth)
        if isinstance(answer, nio.DeleteDevicesError):
            log.warning("could not delete the old Matrix device %s (%s); log it out in a client",
                        device_id, answer.status_code)

    async def _login_device(self, device_id: str) -> None:
        self.client = self.new_client(device_id)
        answer = await self.client.login(self.config.matrix_password, device_name="civicbot")
        if isinstance(answer, nio.LoginError):
            if answer.status_code in ("M_FORBIDDEN", "M_USER_DEACTIVATED", "M_INVALID_USERNAME"):
                raise FatalMatrixError(
                    f"Matrix login of {self.user_id} refused "
                    f"({answer.status_code}): check the password"
                )
            raise DeliveryError(f"login failed: {answer.status_code}")

    async def _token_login(self) -> None:
        self.client = self.new_client(None)
        self.client.access_token = self.config.matrix_access_token or ""
        who = await self.client.whoami()
        if isinstance(who, nio.WhoamiError):
            if who.status_code in ("M_UNKNOWN_TOKEN", "M_MISSING_TOKEN"):
                raise FatalMatrixError("CIVICBOT_MATRIX_ACCESS_TOKEN is not (or no longer) valid")
            raise DeliveryError(f"whoami failed: {who.status_code}")
        if who.user_id != self.user_id:
            raise FatalMatrixError(
                f"CIVICBOT_MATRIX_ACCESS_TOKEN belongs to {who.user_id}, "
                f"not CIVICBOT_MATRIX_USER {self.user_id}"
            )
        device_id = who.device_id or self.config.matrix_device_id
        self.client.restore_login(self.user_id, device_id, self.config.matrix_access_token or "")
        if self.client.should_upload_keys and await self._server_knows_device_keys():
            raise FatalMatrixError(
                f"the encryption store of Matrix device {device_id} is missing but the server "
                "keeps its keys: create a new access token (a new device) or use a password"
            )

    async def _server_knows_device_keys(self) -> bool:
        assert self.client is not None
        body = json.dumps({"device_keys": {self.user_id: [self.client.device_id]}})
        response = await self.client.send(
            "POST",
            "/_matrix/client/v3/keys/query",
            body,
            {
                "Authorization": f"Bearer {self.client.access_token}",
                "Content-Type": "application/json",
            },
        )
        if response.status != 200:
            raise DeliveryError(f"keys/query answered {response.status}")
        try:
            answer = await response.json(content_type=None)
            devices = (answer.get("device_keys") or {}).get(self.user_id) or {}
        except (ValueError, AttributeError):
            raise DeliveryError("keys/query answered something that is no key list") from None
        return bool(devices.get(self.client.device_id))

    async def _upload_keys_if_needed(self) -> None:
        assert self.client is not None
        if self.client.olm is None:
            raise FatalMatrixError(
                "matrix-nio has no encryption support: install 'civicbot[matrix]' (matrix-nio[e2e])"
            )
        if self.client.should_upload_keys:
            answer = await self.client.keys_upload()
            if isinstance(answer, nio.KeysUploadError):
                raise DeliveryError(f"uploading the device keys failed: {answer.status_code}")
            log.info("uploaded the encryption keys of Matrix device %s", self.client.device_id)
