"""Admins manage the answering's content from the chat: a file sent is imported, `/documents`
lists what is imported with a Remove button each.

A file (Telegram document, Matrix m.file, console `/file PATH`) from an admin in a private
chat goes through bot.content.upload, the same readers and limits as `civicbot content
import`; the reply says what was imported and offers Undo. From anybody else the file is not
even downloaded. Every import, undo and removal is audited. Strings: the `documents` domain.
"""

from __future__ import annotations

import hashlib
import logging

from babel import Locale, UnknownLocaleError

from bot.content.readers import DEFAULT_MAX_BYTES
from bot.content.upload import (
    SUFFIXES,
    UndoOutcome,
    UploadOutcome,
    UploadRefused,
    check_name,
    fetch_bounded,
    import_upload,
    undo_upload,
)
from bot.i18n.translator import N_, babel_locale
from bot.pipeline.context import Context
from bot.pipeline.router import Router, payload
from bot.pipeline.types import Button, IncomingFile, Reply, Rich, bold, code, fmt
from bot.qa.service import EVENT_PREFIX

router = Router("documents")
log = logging.getLogger(__name__)
MAX_LISTED = 30  # documents listed by /documents, newest first

NOT_ADMIN = N_("Thank you, but I take files only from the organisation's admins. If you have "
               "a question, just write it to me.")
IN_GROUP = N_("Please send documents to me in a private chat; I do not read files in groups.")

# The translated line for each problem a file can have (bot.content.upload._PROBLEMS).
PROBLEMS = {
    "unsupported": N_("I can import only {types} files: {name} was not imported."),
    "empty": N_("{name} is empty: nothing was imported."),
    "too-large": N_("{name} is too large (the limit is {limit}): nothing was imported."),
    "too-much-inside": N_("{name} unpacks to far more than a document should, or has too "
                          "many paragraphs: refused, nothing was imported."),
    "too-slow": N_("{name} took too long to read: nothing was imported."),
    "password": N_("{name} is password-protected: please send it without the password."),
    "scan": N_("{name} has no text layer (a scanned PDF?): please send its text, a .docx, "
               "or a PDF with text."),
    "no-text": N_("I found no text in {name}: nothing was imported."),
    "not-text": N_("{name} is not text in an encoding I know (UTF-8, Windows-1250, "
                   "Windows-1251, ISO 8859-2): nothing was imported."),
    "damaged": N_("I could not read {name}: it is damaged or not what its name says. "
                  "Nothing was imported."),
    "bad-yaml": N_("{name} is not a valid FAQ or events file: nothing was imported."),
    "bad-events": N_("The events in {name} have mistakes: nothing was imported."),
    "conflict": N_("{name} uses a FAQ key that another document already has: nothing was "
                   "imported."),
    "unavailable": N_("I could not download {name}. Please send it again in a moment."),
}
_WITH_DETAIL = ("bad-yaml", "bad-events", "conflict")  # the loader's line says where


@router.file()
async def document_sent(ctx: Context, file: IncomingFile) -> Reply:
    if not ctx.message.is_private:
        return Reply.of(ctx._(IN_GROUP))
    if not ctx.is_admin:
        log.info("refused a file from a non-admin (%s)", ctx.message.platform)
        return Reply.of(ctx._(NOT_ADMIN))
    shown = file.name or "?"
    try:
        name = check_name(file.name)
        shown = name
        data = await fetch_bounded(file, DEFAULT_MAX_BYTES)
        outcome = await import_upload(ctx.store, name, data, ctx.now(),
                                      uploaded_by=_actor(ctx))
    except UploadRefused as refused:
        log.info("refused a sent file (%s): %s", ctx.message.platform, refused.problem)
        return Reply.of(refusal(ctx, refused, shown))
    if outcome.upload_id is not None:
        await ctx.store.audit(_actor(ctx), "content.upload",
                              f"{outcome.name} {outcome.status} #{outcome.upload_id}", ctx.now())
    buttons = [] if outcome.upload_id is None else \
        [[Button(ctx._("Undo"), payload("upl", "undo", outcome.upload_id))]]
    return Reply.of(imported_line(ctx, outcome), buttons)


def refusal(ctx: Context, refused: UploadRefused, name: str) -> Rich:
    """One translated line for a file that cannot be used (also for other capabilities that
    read sent files with bot.content.upload.file_text)."""
    template = ctx._(PROBLEMS.get(refused.problem, PROBLEMS["damaged"]))
    line = fmt(template, name=bold(name or "?"),
               types=", ".join(sorted(SUFFIXES - {".htm", ".markdown", ".yml"})),
               limit=_megabytes(ctx, refused.limit or DEFAULT_MAX_BYTES))
    if refused.problem in _WITH_DETAIL and refused.detail:
        line += fmt("\n{detail}", detail=code(refused.detail))
    return line


def imported_line(ctx: Context, outcome: UploadOutcome) -> Rich:
    name = bold(outcome.name)
    if outcome.status == "unchanged" and outcome.events is None:
        return fmt(ctx._("{name} is already imported as it is: nothing changed."), name=name)
    if outcome.kind == "document":
        template = ctx.ngettext(
            "Imported {title} ({language}), {count} passage. Questions are answered from it "
            "from now on.",
            "Imported {title} ({language}), {count} passages. Questions are answered from it "
            "from now on.", outcome.items) if outcome.status == "created" else ctx.ngettext(
            "Replaced {title} ({language}) with the new version, {count} passage.",
            "Replaced {title} ({language}) with the new version, {count} passages.",
            outcome.items)
        return fmt(template, title=bold(outcome.title), language=language_name(ctx, outcome.lang),
                   count=outcome.items)
    lines: list[Rich] = []
    if outcome.kind == "faq":
        lines.append(fmt(ctx.ngettext("Imported {count} FAQ entry from {name}.",
                                      "Imported {count} FAQ entries from {name}.",
                                      outcome.items), count=outcome.items, name=name))
    if outcome.events is not None:
        events = outcome.events
        lines.append(fmt(ctx._("Events from {name}: {created} created, {updated} updated, "
                               "{unchanged} unchanged."), name=name,
                         created=len(events.created), updated=len(events.updated),
                         unchanged=len(events.unchanged)))
        for label, ids in ((N_("New:"), events.created), (N_("Updated:"), events.updated)):
            if ids:
                lines.append(fmt("{label} {ids}", label=ctx._(label), ids=code(", ".join(ids))))
    return _lines(lines)


@router.button("upl", admin=True)
async def upload_button(ctx: Context, args: list[str]) -> Reply:
    if len(args) != 2 or args[0] != "undo" or not args[1].isdigit() or len(args[1]) > 12:
        return Reply.of(ctx._("That button is no longer valid. Send /start to begin again."))
    outcome = await undo_upload(ctx.store, int(args[1]), ctx.now())
    if outcome.result == "undone":
        await ctx.store.audit(_actor(ctx), "content.undo", f"{outcome.name} #{args[1]}",
                              ctx.now())
    return Reply.of(undo_line(ctx, outcome))


def undo_line(ctx: Context, outcome: UndoOutcome) -> Rich:
    name = bold(outcome.name)
    if outcome.result == "unknown":
        return Rich(()) + ctx._("That button is no longer valid. Send /start to begin again.")
    if outcome.result == "already":
        return fmt(ctx._("That import of {name} was undone already."), name=name)
    if outcome.result == "changed":
        return fmt(ctx._("{name} has changed since that import (another import or a "
                         "removal), so I did not undo it. Send the file you want instead."),
                   name=name)
    lines = [fmt(ctx._("Undone: the import of {name} is reversed."), name=name)]
    for label, ids in ((N_("Events removed:"), outcome.removed_events),
                       (N_("Events put back as they were:"), outcome.restored_events)):
        if ids:
            lines.append(fmt("{label} {ids}", label=ctx._(label), ids=code(", ".join(ids))))
    for event_id in outcome.kept_events:
        lines.append(fmt(ctx._("{event} is kept: people have registered for it. Cancel it "
                               "with {command} if it should go (they will be told)."),
                         event=code(event_id), command=code(f"/cancelevent {event_id}")))
    return _lines(lines)


# -- /documents ----------------------------------------------------------------------------------


@router.command("documents", N_("The imported documents, to remove one"), admin=True)
async def documents_command(ctx: Context, args: str) -> Reply:
    documents = [document for document in await ctx.store.list_documents()
                 if document.kind != "event" and not document.name.startswith(EVENT_PREFIX)]
    if not documents:
        return Reply.of(ctx._("No documents are imported yet. Send me a file (.txt, .md, "
                              ".html, .pdf, .docx or .yaml) to import it."))
    documents.sort(key=lambda document: document.imported_at or ctx.now(), reverse=True)
    lines: list[Rich] = [Rich(()) + ctx._("Imported documents:")]
    buttons = []
    for number, document in enumerate(documents[:MAX_LISTED], start=1):
        when = ctx.t.date(document.imported_at, ctx.config.timezone, "medium") \
            if document.imported_at else "-"
        lines.append(fmt(ctx.ngettext(
            "{number}. {title} ({language}, {date}, {count} passage)",
            "{number}. {title} ({language}, {date}, {count} passages)",
            document.passage_count), number=number, title=bold(document.title),
            language=language_name(ctx, document.lang), date=when,
            count=document.passage_count))
        label = fmt(ctx._("Remove {number}"), number=number).plain
        buttons.append([Button(label, payload("doc", "rm", name_key(document.name)))])
    if len(documents) > MAX_LISTED:
        lines.append(fmt(ctx._("... and {count} more (civicbot content list shows all)."),
                         count=len(documents) - MAX_LISTED))
    return Reply.of(_lines(lines), buttons)


@router.button("doc", admin=True)
async def document_button(ctx: Context, args: list[str]) -> Reply:
    """doc:rm:<key> asks to confirm, doc:yes:<key> removes, doc:no:<key> keeps (the key:
    name_key of the document's name, which may be longer than a payload)."""
    if len(args) != 2 or args[0] not in ("rm", "yes", "no"):
        return Reply.of(ctx._("That button is no longer valid. Send /start to begin again."))
    action, key = args
    document = next((document for document in await ctx.store.list_documents()
                     if document.kind != "event" and name_key(document.name) == key), None)
    if document is None:
        return Reply.of(ctx._("That document is not imported any more."))
    name = document.name
    if action == "no":
        return Reply.of(fmt(ctx._("Kept {title}."), title=bold(document.title)))
    if action == "rm":
        question = fmt(ctx._("Remove {title} ({name})? Questions will no longer be answered "
                             "from it."), title=bold(document.title), name=code(name))
        return Reply.of(question, [[Button(ctx._("Remove"), payload("doc", "yes", key)),
                                    Button(ctx._("Keep"), payload("doc", "no", key))]])
    if not await ctx.store.remove_document(name):
        return Reply.of(ctx._("That document is not imported any more."))
    await ctx.store.audit(_actor(ctx), "content.remove", name, ctx.now())
    return Reply.of(fmt(ctx._("Removed {title}."), title=bold(document.title)))


# -- helpers -------------------------------------------------------------------------------------


def name_key(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()[:16]


@router.command("file", N_("Send a file to import it (on the console: /file PATH)"),
                admin=True, listed=False)
async def file_command(ctx: Context, args: str) -> Reply:
    """Reached only without a file: the console turns `/file PATH` into a sent file."""
    return Reply.of(ctx._("Send me the file itself (on the console: /file PATH) and I will "
                          "import it."))


def language_name(ctx: Context, lang: str) -> str:
    """The document's language in the admin's language ('slovenščina'), else its code."""
    try:
        return Locale.parse(lang).get_display_name(babel_locale(ctx.locale)) or lang
    except (UnknownLocaleError, ValueError, TypeError):
        return lang or "?"


def _megabytes(ctx: Context, size: int) -> str:
    return f"{ctx.t.number(round(size / 1024 / 1024, 1))} MB"


def _actor(ctx: Context) -> str:
    return f"{ctx.message.platform}:{ctx.message.user_id}"


def _lines(lines: list[Rich]) -> Rich:
    text = Rich(())
    for number, line in enumerate(lines):
        text = text + ("\n" if number else "") + line
    return text
