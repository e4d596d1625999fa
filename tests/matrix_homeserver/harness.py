"""A throw-away Synapse homeserver on 127.0.0.1 for end-to-end Matrix tests.

Standard library only (HTTP via ``urllib``), so it works in any venv that can run
the tests.  Synapse itself lives in its own venv made by ``install.sh``.

Async use::

    async with Homeserver() as hs:
        user_id, token = await hs.aregister_user("alice", "secret")
        client = nio.AsyncClient(hs.base_url, user_id, store_path=...)

Sync use (e.g. a session-scoped pytest fixture)::

    with Homeserver(config_overrides={"rc_message": {"per_second": 0.1,
                                                     "burst_count": 2}}) as hs:
        user_id, token = hs.register_user("bob", "secret")

See README.md in this folder for the config choices and known pitfalls.
"""

from __future__ import annotations

import asyncio
import atexit
import base64
import copy
import hashlib
import hmac
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent
INSTALL_SCRIPT = HERE / "install.sh"

# Very high limits so tests never hit 429 unless they ask for it via overrides.
_NO_LIMIT = {"per_second": 10000, "burst_count": 100000}

_LIVE: set[Homeserver] = set()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def deep_merge(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """Return ``base`` updated recursively with ``overrides``.

    Nested dicts are merged; any other value replaces; a value of ``None``
    removes the key (so Synapse falls back to its own default).
    """
    out = copy.deepcopy(base)
    for key, value in overrides.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def synapse_venv() -> Path:
    env = os.environ.get("CIVICBOT_SYNAPSE_VENV")
    return Path(env) if env else REPO_ROOT / ".synapse-venv"


def ensure_synapse(venv: Path | None = None) -> Path:
    """Run install.sh (a no-op when already installed); return the venv's python."""
    venv = venv or synapse_venv()
    env = dict(os.environ, CIVICBOT_SYNAPSE_VENV=str(venv))
    proc = subprocess.run(
        ["bash", str(INSTALL_SCRIPT)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(
            f"install.sh failed (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
        )
    return Path(proc.stdout.strip().splitlines()[-1])


class HomeserverError(RuntimeError):
    pass


class Homeserver:
    """A Synapse process with its own temp dir, SQLite database and free port."""

    def __init__(
        self,
        config_overrides: dict[str, Any] | None = None,
        *,
        server_name: str = "localhost",
        venv: str | os.PathLike[str] | None = None,
        workdir: str | os.PathLike[str] | None = None,
        keep_workdir: bool | None = None,
        log_level: str = "WARNING",
        startup_timeout: float = 60.0,
    ) -> None:
        self.server_name = server_name
        self.config_overrides = config_overrides or {}
        self.venv = Path(venv) if venv else synapse_venv()
        self._given_workdir = Path(workdir) if workdir else None
        if keep_workdir is None:
            keep_workdir = os.environ.get("CIVICBOT_SYNAPSE_KEEP", "") not in ("", "0")
        self.keep_workdir = keep_workdir
        self.log_level = log_level
        self.startup_timeout = startup_timeout
        self.registration_shared_secret = secrets.token_urlsafe(32)

        self.workdir: Path | None = None
        self.port: int | None = None
        self.config: dict[str, Any] = {}
        self.process: subprocess.Popen[bytes] | None = None
        self.startup_seconds: float | None = None

    # ------------------------------------------------------------------ paths

    @property
    def base_url(self) -> str:
        if self.port is None:
            raise HomeserverError("homeserver not started")
        return f"http://127.0.0.1:{self.port}"

    @property
    def config_path(self) -> Path:
        return self._wd / "homeserver.yaml"

    @property
    def log_path(self) -> Path:
        """Synapse's own log (WARNING and up by default)."""
        return self._wd / "homeserver.log"

    @property
    def output_path(self) -> Path:
        """stdout/stderr of the Synapse process (errors before logging is set up)."""
        return self._wd / "synapse.out"

    @property
    def _wd(self) -> Path:
        if self.workdir is None:
            raise HomeserverError("homeserver not started")
        return self.workdir

    def user_id(self, localpart: str) -> str:
        return f"@{localpart.lower()}:{self.server_name}"

    # ----------------------------------------------------------------- config

    def build_config(self) -> dict[str, Any]:
        wd = self._wd
        cfg: dict[str, Any] = {
            "server_name": self.server_name,
            "public_baseurl": self.base_url + "/",
            "pid_file": str(wd / "homeserver.pid"),
            "listeners": [
                {
                    "port": self.port,
                    "bind_addresses": ["127.0.0.1"],
                    "type": "http",
                    "tls": False,
                    "x_forwarded": False,
                    "resources": [{"names": ["client"], "compress": False}],
                }
            ],
            "database": {"name": "sqlite3", "args": {"database": str(wd / "homeserver.db")}},
            "log_config": str(wd / "log.config.yaml"),
            "media_store_path": str(wd / "media_store"),
            "signing_key_path": str(wd / "signing.key"),
            "registration_shared_secret": self.registration_shared_secret,
            "macaroon_secret_key": secrets.token_urlsafe(32),
            "form_secret": secrets.token_urlsafe(32),
            "report_stats": False,
            "enable_metrics": False,
            "enable_registration": False,
            # No federation at all: no federation listener, no remote servers,
            # no key servers to ask for signing keys.
            "federation_domain_whitelist": [],
            "trusted_key_servers": [],
            "suppress_key_server_warning": True,
            "allow_public_rooms_over_federation": False,
            "url_preview_enabled": False,
            "presence": {"enabled": False},
            # Synapse caches /sync responses per device for 2 minutes by default:
            # a client that re-syncs with the same token gets a stale answer.
            "caches": {"sync_response_cache_duration": 0},
            # Password hashing: fast is fine for throw-away test users.
            "bcrypt_rounds": 4,
            # Rate limits: effectively off.  Override to test 429 handling.
            "rc_message": dict(_NO_LIMIT),
            "rc_registration": dict(_NO_LIMIT),
            "rc_registration_token_validity": dict(_NO_LIMIT),
            "rc_login": {
                "address": dict(_NO_LIMIT),
                "account": dict(_NO_LIMIT),
                "failed_attempts": dict(_NO_LIMIT),
            },
            "rc_joins": {"local": dict(_NO_LIMIT), "remote": dict(_NO_LIMIT)},
            "rc_joins_per_room": dict(_NO_LIMIT),
            "rc_invites": {
                "per_room": dict(_NO_LIMIT),
                "per_user": dict(_NO_LIMIT),
                "per_issuer": dict(_NO_LIMIT),
            },
            "rc_third_party_invite": dict(_NO_LIMIT),
            "rc_key_requests": dict(_NO_LIMIT),
            "rc_3pid_validation": dict(_NO_LIMIT),
            "rc_admin_redaction": dict(_NO_LIMIT),
            "rc_media_create": dict(_NO_LIMIT),
            "rc_presence": {"per_user": dict(_NO_LIMIT)},
            "rc_delayed_event_mgmt": dict(_NO_LIMIT),
            "rc_room_creation": dict(_NO_LIMIT),
            "rc_reports": dict(_NO_LIMIT),
            "rc_user_directory": dict(_NO_LIMIT),
            "rc_profile": dict(_NO_LIMIT),
        }
        return deep_merge(cfg, self.config_overrides)

    def _log_config(self) -> dict[str, Any]:
        return {
            "version": 1,
            "formatters": {
                "precise": {
                    "format": "%(asctime)s - %(name)s - %(lineno)d - %(levelname)s - %(message)s"
                }
            },
            "handlers": {
                "file": {
                    "class": "logging.FileHandler",
                    "formatter": "precise",
                    "filename": str(self.log_path),
                    "encoding": "utf8",
                }
            },
            "root": {"level": self.log_level, "handlers": ["file"]},
            "disable_existing_loggers": False,
        }

    def _write_files(self) -> None:
        wd = self._wd
        (wd / "media_store").mkdir(exist_ok=True)
        # An ed25519 signing key is just 32 random bytes (the seed), unpadded base64.
        seed = base64.b64encode(os.urandom(32)).decode().rstrip("=")
        key_id = "a_" + secrets.token_hex(2)
        (wd / "signing.key").write_text(f"ed25519 {key_id} {seed}\n")
        # YAML is a superset of JSON: no YAML library needed.
        (wd / "log.config.yaml").write_text(json.dumps(self._log_config(), indent=2))
        self.config = self.build_config()
        if "listeners" in self.config_overrides:
            # The caller chose the listener: talk to its port.
            self.port = int(self.config["listeners"][0]["port"])
            if "public_baseurl" not in self.config_overrides:
                self.config["public_baseurl"] = self.base_url + "/"
        self.config_path.write_text(json.dumps(self.config, indent=2))

    # -------------------------------------------------------------- lifecycle

    def _prepare(self) -> Path:
        """Install Synapse if needed and make the work dir; returns its python."""
        if self.process is not None:
            raise HomeserverError("homeserver already started")
        python = ensure_synapse(self.venv)
        if self._given_workdir is not None:
            self._given_workdir.mkdir(parents=True, exist_ok=True)
            self.workdir = self._given_workdir
        else:
            self.workdir = Path(tempfile.mkdtemp(prefix="civicbot-synapse-"))
        return python

    def _spawn(self, python: Path) -> None:
        self.port = _free_port()
        self._write_files()
        out = open(self.output_path, "ab")  # noqa: SIM115 - owned by the child
        try:
            self.process = subprocess.Popen(
                [str(python), "-m", "synapse.app.homeserver", "-c", str(self.config_path)],
                cwd=self._wd,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent if sys.platform == "linux" else None,
            )
        finally:
            out.close()
        _LIVE.add(self)

    def _is_ready(self) -> bool:
        try:
            status, _ = self.request("GET", "/_matrix/client/versions", timeout=2)
        except (OSError, urllib.error.URLError):
            return False
        return status == 200

    def _startup_state(self, deadline: float) -> str:
        """'wait', 'retry' (port taken between choosing and binding) or raise."""
        assert self.process is not None
        if self.process.poll() is not None:
            report = self.diagnostics()
            if "Address already in use" in report and "listeners" not in self.config_overrides:
                self._kill()
                for name in ("synapse.out", "homeserver.log", "homeserver.db"):
                    (self._wd / name).unlink(missing_ok=True)
                return "retry"
            raise HomeserverError(
                f"Synapse exited with code {self.process.returncode} during startup.\n" + report
            )
        if time.monotonic() > deadline:
            raise HomeserverError(
                f"Synapse not ready after {self.startup_timeout}s.\n" + self.diagnostics()
            )
        return "wait"

    def start(self) -> Homeserver:
        """Install if needed, write the config, start Synapse and wait until ready."""
        python = self._prepare()
        t0 = time.monotonic()
        deadline = t0 + self.startup_timeout
        try:
            self._spawn(python)
            while not self._is_ready():
                if self._startup_state(deadline) == "retry":
                    self._spawn(python)
                time.sleep(0.05)
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - t0
        return self

    async def astart(self) -> Homeserver:
        # install.sh may take a while on the first run: not on the event loop.
        python = await asyncio.to_thread(self._prepare)
        t0 = time.monotonic()
        deadline = t0 + self.startup_timeout
        try:
            # Spawn from this thread: PR_SET_PDEATHSIG fires when the spawning
            # *thread* exits, so never spawn from a short-lived worker thread.
            self._spawn(python)
            while not await asyncio.to_thread(self._is_ready):
                if self._startup_state(deadline) == "retry":
                    self._spawn(python)
                await asyncio.sleep(0.05)
        except BaseException:
            await self.astop()
            raise
        self.startup_seconds = time.monotonic() - t0
        return self

    def _kill(self) -> None:
        proc, self.process = self.process, None
        _LIVE.discard(self)
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)

    def stop(self) -> None:
        """Terminate Synapse, wait for it, and delete the temp dir (unless kept)."""
        self._kill()
        if self.workdir is not None and self._given_workdir is None and not self.keep_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    async def astop(self) -> None:
        await asyncio.to_thread(self.stop)

    def __enter__(self) -> Homeserver:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def __aenter__(self) -> Homeserver:
        return await self.astart()

    async def __aexit__(self, *exc: object) -> None:
        await self.astop()

    def diagnostics(self, lines: int = 40) -> str:
        """Tail of Synapse's output and log, for error messages."""
        parts = []
        for path in (self.output_path, self.log_path):
            try:
                text = path.read_text(errors="replace").splitlines()[-lines:]
            except OSError:
                continue
            parts.append(f"--- {path} ---\n" + "\n".join(text))
        return "\n".join(parts)

    # ------------------------------------------------------------------- HTTP

    def request(
        self,
        method: str,
        path: str,
        *,
        access_token: str | None = None,
        json_body: Any = None,
        timeout: float = 30,
    ) -> tuple[int, Any]:
        """Plain HTTP call to the homeserver; returns (status, parsed JSON or text)."""
        data = None
        headers = {"Accept": "application/json"}
        if json_body is not None:
            data = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        if access_token:
            headers["Authorization"] = f"Bearer {access_token}"
        req = urllib.request.Request(
            self.base_url + path, data=data, headers=headers, method=method
        )
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                status, raw = resp.status, resp.read()
        except urllib.error.HTTPError as err:
            status, raw = err.code, err.read()
        try:
            return status, json.loads(raw) if raw else None
        except ValueError:
            return status, raw.decode(errors="replace")

    async def arequest(self, method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
        return await asyncio.to_thread(self.request, method, path, **kwargs)

    # ---------------------------------------------------------- registration

    def register(
        self,
        localpart: str,
        password: str,
        admin: bool = False,
        displayname: str | None = None,
    ) -> dict[str, Any]:
        """Shared-secret admin registration; returns Synapse's full answer
        (user_id, access_token, device_id, home_server)."""
        status, body = self.request("GET", "/_synapse/admin/v1/register")
        if status != 200:
            raise HomeserverError(f"nonce request failed: {status} {body}")
        nonce = body["nonce"]
        mac = hmac.new(self.registration_shared_secret.encode(), digestmod=hashlib.sha1)
        mac.update(nonce.encode())
        mac.update(b"\x00")
        mac.update(localpart.encode())
        mac.update(b"\x00")
        mac.update(password.encode())
        mac.update(b"\x00")
        mac.update(b"admin" if admin else b"notadmin")
        payload: dict[str, Any] = {
            "nonce": nonce,
            "username": localpart,
            "password": password,
            "admin": admin,
            "mac": mac.hexdigest(),
        }
        if displayname is not None:
            payload["displayname"] = displayname
        status, body = self.request("POST", "/_synapse/admin/v1/register", json_body=payload)
        if status != 200:
            raise HomeserverError(f"registering {localpart!r} failed: {status} {body}")
        return body

    def register_user(self, localpart: str, password: str, admin: bool = False) -> tuple[str, str]:
        """Register a user; returns (user_id, access_token).

        The token belongs to a device created by the registration; e2e clients
        should rather log in with the password to get a device of their own.
        """
        body = self.register(localpart, password, admin=admin)
        return body["user_id"], body["access_token"]

    async def aregister_user(
        self, localpart: str, password: str, admin: bool = False
    ) -> tuple[str, str]:
        return await asyncio.to_thread(self.register_user, localpart, password, admin)


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    """Ask Linux to SIGTERM Synapse if the test process dies without stopping it."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
    except Exception:
        pass


@atexit.register
def _stop_all() -> None:
    for hs in list(_LIVE):
        hs.stop()
