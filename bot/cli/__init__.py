"""The `civicbot` command line (also `python -m bot`).

Every failure a person can cause (bad configuration, missing file, closed input) ends with one
clear line on stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sqlite3
import sys
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bot.adapters.base import Adapter
from bot.cli.errors import EXIT_USAGE, CliError
from bot.config import LOCALES, Config, ConfigError, load_config
from bot.ops.logs import JsonFormatter, LibraryNoise, SecretMask
from storage.base import StoreUnavailable
from storage.files import PRIVATE_UMASK

log = logging.getLogger("civicbot")

# Capabilities add their subcommands here: name -> (module path, help); each module has
# `add_arguments(parser)` and `async def main(args, config) -> int`.
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "catalogs": ("bot.i18n.catalogs", "extract, update and compile the translation catalogs"),
    "events": ("bot.cli.events", "import events from YAML files and list them"),
    "registrations": ("bot.cli.events", "list or export the registrations of an event"),
    "broadcast": (
        "bot.cli.broadcast",
        "send an announcement through the running bot, or show broadcast status",
    ),
    "audit": ("bot.cli.audit", "show the audit log of admin actions"),
    "content": ("bot.cli.content", "import, list and remove documents, FAQ and events content"),
    "ask": ("bot.cli.content", "answer questions from the imported content"),
    "db": ("bot.cli.db", "copy a deployment's data to another database (SQLite to PostgreSQL)"),
    "backup": ("bot.cli.backup", "write a consistent copy of the database to a file"),
    "restore": ("bot.cli.backup", "replace the database with a backup (stop the bot first)"),
    "tickets": ("bot.cli.handoff", "the questions sent to the staff chat (ask the team)"),
    "unanswered": ("bot.cli.handoff", "the questions the bot could not answer lately"),
}


NO_PLATFORM = (
    "civicbot: no chat platform configured (set CIVICBOT_TELEGRAM_TOKEN or "
    "CIVICBOT_MATRIX_HOMESERVER, see README): only console messages from standard input were read"
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="civicbot",
        description="civicbot: civic information and event sign-ups by chat.",
        epilog="Configuration comes from CIVICBOT_* environment variables (see README).",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    chat = sub.add_parser(
        "chat",
        help="chat with the bot in this terminal (console adapter)",
        description="Each input line is a message; buttons print as [1] Label "
        "and are pressed by answering the number or the label.",
    )
    chat.add_argument("--user", default="1", help="who you are (console user id, default 1)")
    chat.add_argument("--lang", choices=LOCALES, help="the language your 'device' reports")

    sub.add_parser(
        "run",
        help="run every configured adapter (the console when none is)",
        description="Starts Telegram and/or Matrix when configured; with none "
        "configured, chats on this terminal.",
    )
    sub.add_parser(
        "migrate",
        help="create or upgrade the database schema",
        description="Applies pending schema migrations and prints what it did.",
    )

    for name, (module_path, help_text) in SUBCOMMANDS.items():
        module = __import__(module_path, fromlist=["add_arguments"])
        command = sub.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(command)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command != "catalogs":  # catalogs are source files, read by other users (Docker)
        os.umask(PRIVATE_UMASK)  # whatever we create holds personal data: the owner's only
    try:
        config = load_config()
    except ConfigError as error:
        print(f"civicbot: configuration error: {error}", file=sys.stderr)
        return EXIT_USAGE
    if not config.qa_model:  # a configuration file may say so: the answering reads the variable
        os.environ["CIVICBOT_QA_MODEL"] = "off"
    setup_logging(config, quiet=args.command in ("chat", "run") and not _has_platform(config))
    try:
        return asyncio.run(dispatch(args, config))
    except KeyboardInterrupt:
        return 130
    except (CliError, ConfigError, StoreUnavailable) as error:
        print(f"civicbot: {error}", file=sys.stderr)
        return error.exit_code if isinstance(error, CliError) else 1
    except (OSError, sqlite3.Error) as error:
        print(f"civicbot: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    except Exception as error:  # a database or platform failure: one line, details in DEBUG
        log.debug("command failed", exc_info=True)
        first_line = str(error).splitlines()[0] if str(error) else ""
        print(
            f"civicbot: {type(error).__name__}: {first_line} "
            "(CIVICBOT_LOG_LEVEL=DEBUG shows details)",
            file=sys.stderr,
        )
        return 1


def _has_platform(config: Config) -> bool:
    return bool(config.telegram_token or config.matrix_homeserver)


def setup_logging(config: Config, *, quiet: bool) -> None:
    # The console adapter owns stdout; logs go to stderr, and only warnings while chatting.
    if config.log_level:
        level = getattr(logging, config.log_level)  # asked for explicitly: always honoured
    else:
        level = logging.WARNING if quiet else logging.INFO
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
        if sys.stderr.isatty()
        else JsonFormatter()
    )
    handler.addFilter(
        SecretMask(
            [
                config.telegram_token,
                config.matrix_password,
                config.matrix_access_token,
                config.telegram_webhook_secret,
            ]
        )
    )
    handler.addFilter(LibraryNoise(level))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    for noisy in ("aiosqlite", "httpx", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # A periodic job that is still running when its next turn comes is skipped by design.
    logging.getLogger("apscheduler").setLevel(logging.ERROR)


Handler = Callable[[argparse.Namespace, Config], Coroutine[Any, Any, int]]


async def dispatch(args: argparse.Namespace, config: Config) -> int:
    commands: dict[str, Handler] = {"chat": chat, "run": run, "migrate": migrate}
    if args.command in commands:
        return await commands[args.command](args, config)
    module = __import__(SUBCOMMANDS[args.command][0], fromlist=["main"])
    return await module.main(args, config)


async def chat(args: argparse.Namespace, config: Config) -> int:
    from bot.adapters.console import ConsoleAdapter
    from bot.app import App

    adapter = ConsoleAdapter(str(args.user), args.lang, files_dir=console_files(config))
    app = await App.create(config, [adapter], worker_id=f"console:{args.user}")
    _warn_missing_catalogs(app)
    await app.run()
    return 0


async def run(args: argparse.Namespace, config: Config) -> int:
    from bot.app import App

    adapters = configured_adapters(config)
    console_only = not adapters
    if console_only:
        from bot.adapters.console import ConsoleAdapter

        log.info("no chat platform configured: chatting on this terminal")
        adapters = [ConsoleAdapter("1", files_dir=console_files(config))]
    app = await App.create(config, adapters)
    _warn_missing_catalogs(app)
    await app.run()  # a failure to start or run is its own one line
    if console_only and not sys.stdin.isatty():  # a container or a service: say why it ended
        print(NO_PLATFORM, file=sys.stderr)
    return 0


def console_files(config: Config) -> Path:
    """Where the console writes the files the bot sends (personal data: a 0700 folder)."""
    return config.data_dir / "console-files"


def configured_adapters(config: Config) -> list[Adapter]:
    adapters: list[Adapter] = []
    if config.telegram_token:
        with _extra("Telegram", "telegram"):
            from bot.adapters.telegram import TelegramAdapter
        adapters.append(TelegramAdapter(config))
    if config.matrix_homeserver:
        with _extra("Matrix", "matrix"):
            from bot.adapters.matrix import MatrixAdapter
        adapters.append(MatrixAdapter(config))
    return adapters


@contextmanager
def _extra(platform: str, extra: str) -> Iterator[None]:
    """A platform's SDK is an optional extra: its absence is one line naming the extra."""
    try:
        yield
    except ImportError as error:
        raise CliError(
            f"{platform} support is not installed: pip install 'civicbot[{extra}]'"
        ) from error


async def migrate(args: argparse.Namespace, config: Config) -> int:
    from storage import open_store

    store = await open_store(config.database)  # opening applies pending migrations
    version = await store.schema_version()
    await store.close()
    print(f"database {config.database.redacted} is at schema version {version}")
    return 0


def _warn_missing_catalogs(app: Any) -> None:
    missing = app.core.catalogs.missing()
    if missing:
        print(
            f"civicbot: warning: no translations for {', '.join(missing)} "
            f"in {app.core.catalogs.locales_dir}",
            file=sys.stderr,
        )
