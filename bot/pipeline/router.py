"""Routers: handlers register here for commands, button payloads, form steps and free text.

Each capability module in handlers/ owns one `Router`; the core combines them. Dispatch order
for one message: a button press, a command, the step of a running form, free text.

Button payloads are short strings `prefix:arg:arg` (Telegram allows 64 bytes). They come back
from clients and may be stale or forged, so every handler re-checks what it is asked to do.
A button that belongs to a form is `f:<form>:<value>` and only counts while that form runs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.config import Config
from bot.pipeline.types import Button, IncomingFile, Reply

if TYPE_CHECKING:
    from bot.pipeline.context import Context

HandlerResult = list[Reply] | Reply | None
CommandHandler = Callable[["Context", str], Awaitable[HandlerResult]]
ButtonHandler = Callable[["Context", list[str]], Awaitable[HandlerResult]]
FormHandler = Callable[["Context", str, str | None], Awaitable[HandlerResult]]
TextHandler = Callable[["Context", str], Awaitable[HandlerResult]]
# A file a person sent (Incoming.file), not yet downloaded: the handler decides whether to.
FileHandler = Callable[["Context", IncomingFile], Awaitable[HandlerResult]]
# A form's current question, rebuilt from its saved state: re-asked after an answer it cannot
# take (with the same buttons), and the buttons a typed number or label stands for.
FormQuestion = Callable[["Context"], Awaitable[list[Reply]]]

MAX_PAYLOAD_BYTES = 64
MAX_OPTION_DIGITS = 3  # a typed option number is short; longer numbers are text


@dataclass(frozen=True)
class Command:
    name: str
    handler: CommandHandler
    description: str  # an N_() string, translated when shown
    admin: bool = False
    private_only: bool = False  # personal forms never start in a group
    listed: bool | Callable[[Config], bool] = True  # in /help and menus (or when configured)


class Router:
    def __init__(self, name: str) -> None:
        self.name = name
        self.commands: dict[str, Command] = {}
        self.buttons: dict[str, tuple[ButtonHandler, bool]] = {}
        self.forms: dict[str, FormHandler] = {}
        self.form_questions: dict[str, FormQuestion] = {}
        self.text_handler: TextHandler | None = None
        self.file_handler: FileHandler | None = None
        self.form_files: dict[str, FileHandler] = {}

    def command(
        self,
        name: str,
        description: str,
        *,
        admin: bool = False,
        private_only: bool = False,
        listed: bool | Callable[[Config], bool] = True,
    ) -> Callable[[CommandHandler], CommandHandler]:
        def register(handler: CommandHandler) -> CommandHandler:
            self.commands[name] = Command(name, handler, description, admin, private_only, listed)
            return handler

        return register

    def button(
        self, prefix: str, *, admin: bool = False
    ) -> Callable[[ButtonHandler], ButtonHandler]:
        if ":" in prefix or prefix == "f":
            raise ValueError(f"bad button prefix {prefix!r}")

        def register(handler: ButtonHandler) -> ButtonHandler:
            self.buttons[prefix] = (handler, admin)
            return handler

        return register

    def form(
        self, name: str, *, question: FormQuestion | None = None
    ) -> Callable[[FormHandler], FormHandler]:
        """A form's steps. `question(ctx)` gives the current step's question with its buttons:
        the core re-asks it after a message it cannot take, and maps a typed option number or
        label to its button. The handler gets (ctx, text, choice): choice is the button's value
        (pressed, or typed as its number or label), text what was typed (empty for a press)."""

        def register(handler: FormHandler) -> FormHandler:
            self.forms[name] = handler
            if question is not None:
                self.form_questions[name] = question
            return handler

        return register

    def text(self, handler: TextHandler) -> TextHandler:
        self.text_handler = handler
        return handler

    def file(self, *, form: str | None = None) -> Callable[[FileHandler], FileHandler]:
        """A sent file: outside forms (`form=None`; the first handler that answers wins), or
        as the answer to the running form `form` (inside any other form a file is refused
        and the question asked again)."""

        def register(handler: FileHandler) -> FileHandler:
            if form is None:
                self.file_handler = handler
            else:
                self.form_files[form] = handler
            return handler

        return register


def form_payload(form: str, value: str) -> str:
    payload = f"f:{form}:{value}"
    if len(payload.encode()) > MAX_PAYLOAD_BYTES:
        raise ValueError(f"button payload too long: {payload!r}")
    return payload


def payload(prefix: str, *args: str | int) -> str:
    text = ":".join([prefix, *map(str, args)])
    if len(text.encode()) > MAX_PAYLOAD_BYTES:
        raise ValueError(f"button payload too long: {text!r}")
    return text


def option_number(text: str) -> int | None:
    """1 for a typed '1'; None for anything else, also for a long run of digits (a number
    that is an answer, never converted here: int() of 5,000 digits raises) and for digits
    int() does not read ('²')."""
    cleaned = text.strip()
    if cleaned.isascii() and cleaned.isdigit() and len(cleaned) <= MAX_OPTION_DIGITS:
        return int(cleaned)
    return None


def typed_button(text: str, buttons: list[Button]) -> Button | None:
    """The button a typed answer stands for: its number (from 1) or its label (any case)."""
    number = option_number(text)
    if number is not None:
        return buttons[number - 1] if 1 <= number <= len(buttons) else None
    answer = text.strip().casefold()
    return next((b for b in buttons if answer and answer == b.label.strip().casefold()), None)


def parse_command(text: str) -> tuple[str, str, str | None] | None:
    """('name', 'args', 'botname' or None) for '/name@bot args', else None."""
    if not text.startswith("/") or len(text) < 2:
        return None
    head, _, args = text[1:].partition(" ")
    head = head.split("\n", 1)[0]
    name, _, bot_name = head.partition("@")
    if not name or not all(c.isalnum() or c == "_" for c in name):
        return None
    return name.lower(), args.strip(), bot_name or None


class Routes:
    """All routers of the running bot, merged; later routers may not shadow earlier ones."""

    def __init__(self, routers: list[Router]) -> None:
        self.commands: dict[str, Command] = {}
        self.buttons: dict[str, tuple[ButtonHandler, bool]] = {}
        self.forms: dict[str, FormHandler] = {}
        self.form_questions: dict[str, FormQuestion] = {}
        self.text_handlers: list[TextHandler] = []
        self.file_handlers: list[FileHandler] = []
        self.form_files: dict[str, FileHandler] = {}
        for router in routers:
            for table, own in (
                (self.commands, router.commands),
                (self.buttons, router.buttons),
                (self.forms, router.forms),
            ):
                clash = set(table) & set(own)
                if clash:
                    raise ValueError(f"router {router.name} registers {sorted(clash)} again")
            self.commands.update(router.commands)
            self.buttons.update(router.buttons)
            self.forms.update(router.forms)
            self.form_questions.update(router.form_questions)
            if router.text_handler:
                self.text_handlers.append(router.text_handler)
            if router.file_handler:
                self.file_handlers.append(router.file_handler)
            self.form_files.update(router.form_files)

    def listed_commands(self, *, admin: bool, config: Config | None = None) -> list[Command]:
        """The commands /help and the platforms' menus show; one listed only when configured
        (`listed=` a test of the configuration) needs `config`."""
        return [c for c in self.commands.values()
                if (admin or not c.admin) and _shown(c.listed, config)]


def _shown(listed: bool | Callable[[Config], bool], config: Config | None) -> bool:
    if isinstance(listed, bool):
        return listed
    return config is not None and listed(config)
