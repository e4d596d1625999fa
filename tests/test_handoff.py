"""Ask the team, through Core.handle with the real store (SQLite and PostgreSQL): the button
after a "don't know", the ticket in the outbox for the staff chat, the staff reply, the answer
queued once, Save as FAQ answering the next asker, forged input, limits, /tickets,
/unanswered, reminders, retention, /mydata and /forgetme."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot import handoff
from bot.clock import ManualClock
from bot.config import ConfigError, load_config
from bot.content.importer import import_paths
from bot.pipeline.core import Core
from bot.pipeline.types import Incoming, Reply, replies_from_json
from storage.base import OutboxItem
from tests.test_qa_cli import CONFERENCE

STAFF = "-500"
UNKNOWN_SL = "Kje lahko podaljšam osebno izkaznico?"


def citizen(text: str = "", *, user: str = "501", payload: str | None = None,
            hint: str = "sl", name: str = "Ana Novak") -> Incoming:
    return Incoming(platform="telegram", chat_id=user, user_id=user, text=text,
                    payload=payload, language_hint=hint, display_name=name)


def staff(text: str = "", *, reply_to: str | None = None, payload: str | None = None,
          user: str = "700", chat: str = STAFF) -> Incoming:
    return Incoming(platform="telegram", chat_id=chat, user_id=user, text=text, payload=payload,
                    language_hint="en", is_private=False, addressed_to_bot=True,
                    display_name="Mojca", reply_to=reply_to)


@pytest.fixture
async def desk(core: Core, tmp_path: Path) -> Core:
    core.config = dataclasses.replace(core.config, staff_chat=f"telegram:{STAFF}")
    path = tmp_path / "poziv.md"
    path.write_text(CONFERENCE, encoding="utf-8")
    await import_paths(core.store, [path], core.clock.now())
    return core


async def claim(core: Core) -> list[OutboxItem]:
    return await core.store.claim_outbox("telegram", None, "test", core.clock.now(), 100)


async def deliver_tickets(core: Core, first_id: int = 9000) -> list[tuple[OutboxItem, str]]:
    """What the delivery worker does with the staff chat's rows, the platform giving ids."""
    delivered = []
    for number, item in enumerate(await claim(core)):
        if item.kind == handoff.TICKET_KIND:
            message_id = str(first_id + number)
            await handoff.on_ticket_outcome(core, item, message_id, None)
            delivered.append((item, message_id))
        await core.store.finish_outbox(item.id, "sent", core.clock.now())
    return delivered


def admins_only(core: Core) -> str:
    return core.translator("sl").gettext("Sorry, only the organisation's admins can do that.")


def text_of(item: OutboxItem) -> str:
    return "\n".join(reply.text.plain for reply in replies_from_json(item.body))


async def ask_team(core: Core, question: str = UNKNOWN_SL, **kw: object) -> Reply:
    [dont_know] = await core.handle(citizen(question, **kw))  # type: ignore[arg-type]
    [button] = [b for b in dont_know.all_buttons if b.payload.startswith("handoff:")]
    if kw.get("hint", "sl") == "sl":
        assert button.label == "Vprašaj našo ekipo"
    [reply] = await core.handle(citizen(payload=button.payload, **kw))  # type: ignore[arg-type]
    return reply


async def test_the_whole_loop_on_the_core(desk: Core) -> None:
    core = desk
    reply = await ask_team(core)
    assert "#1" in reply.text.plain and "ekip" in reply.text.plain
    [(ticket_row, message_id)] = await deliver_tickets(core)
    assert (ticket_row.platform, ticket_row.chat_id) == ("telegram", STAFF)
    shown = text_of(ticket_row)
    assert "#1" in shown and UNKNOWN_SL in shown and "Ana Novak" in shown
    assert "(sl)" in shown
    assert "501" not in shown  # never the platform id
    # A staff reply to the ticket's message answers it; the staff chat sees who answered.
    [relayed] = await core.handle(staff("Na upravni enoti, ob delavnikih.", reply_to=message_id))
    assert "Mojca" in relayed.text.plain
    [save] = relayed.all_buttons
    assert save.payload == "faq:1"
    [answer] = await claim(core)
    assert (answer.kind, answer.chat_id) == ("ticket-answer", "501")
    assert text_of(answer).startswith("Naša ekipa je odgovorila na vaše vprašanje:")
    assert UNKNOWN_SL in text_of(answer) and "Na upravni enoti" in text_of(answer)
    # A second reply (another staff member, or the same update again) sends nothing more.
    [again] = await core.handle(staff("Drug odgovor", reply_to=message_id, user="701"))
    assert "closed" in again.text.plain
    assert await claim(core) == []
    # Save as FAQ: the next person asking the same gets the answer at once.
    [saved] = await core.handle(staff(payload=save.payload))
    assert "ticket-1" in saved.text.plain
    [direct] = await core.handle(citizen(UNKNOWN_SL, user="502", name="Boris"))
    assert "Na upravni enoti" in direct.text.plain
    assert not direct.all_buttons
    [twice] = await core.handle(staff(payload=save.payload))
    assert "already" in twice.text.plain
    ticket = await core.store.get_ticket(1)
    assert ticket.state == "answered" and ticket.person_id is None and ticket.display_name is None


async def test_answer_command_and_its_refusals(desk: Core) -> None:
    core = desk
    await ask_team(core)
    await deliver_tickets(core)
    [outside] = await core.handle(citizen("/answer 1 hello"))
    assert outside.text.plain == "To deluje samo v klepetu naše ekipe."
    [other_group] = await core.handle(staff("/answer 1 hello", chat="-999"))
    assert other_group.text.plain == "That works only in our team's staff chat."
    [unknown] = await core.handle(staff("/answer 77 hello"))
    assert "no ticket #77" in unknown.text.plain
    [usage] = await core.handle(staff("/answer x"))
    assert "/answer" in usage.text.plain
    [not_ticket] = await core.handle(staff("thanks", reply_to="123456"))
    assert "not a ticket" in not_ticket.text.plain
    assert await claim(core) == []  # nothing of that went anywhere
    [ok] = await core.handle(staff("/answer 1 Pri okencu 3."))
    assert "Mojca" in ok.text.plain
    [answer] = await claim(core)
    assert "Pri okencu 3." in text_of(answer)
    [closed] = await core.handle(staff("/answer 1 again"))
    assert "closed" in closed.text.plain


async def test_forged_and_stale_buttons_change_nothing(desk: Core) -> None:
    core = desk
    [dont_know] = await core.handle(citizen(UNKNOWN_SL))
    [button] = [b for b in dont_know.all_buttons if b.payload.startswith("handoff:")]
    for forged in ("handoff:", "handoff:abc", "handoff:99999", "handoff:1:2", "handoff:²"):
        [reply] = await core.handle(citizen(payload=forged))
        assert "ni več veljaven" in reply.text.plain, forged
    # Somebody else's question id is not theirs to send.
    [reply] = await core.handle(citizen(payload=button.payload, user="503"))
    assert reply.text.plain == "Ta gumb ni več veljaven. Prosim, postavite vprašanje znova."
    [reply] = await core.handle(staff(payload="faq:1"))
    assert reply.text.plain == "There is no ticket #1."
    for forged in ("faq:x", "faq:", "faq:1:2"):
        [reply] = await core.handle(staff(payload=forged))
        assert reply.text.plain == "That button is no longer valid. Please ask your question again."
    [from_citizen] = await core.handle(citizen(payload="faq:1"))
    assert from_citizen.text.plain == "To deluje samo v klepetu naše ekipe."
    assert await core.store.tickets() == []
    assert await claim(core) == []
    # The same button twice: one ticket.
    await core.handle(citizen(payload=button.payload))
    [again] = await core.handle(citizen(payload=button.payload))
    assert "#1" in again.text.plain
    assert len(await core.store.tickets()) == 1


async def test_at_most_three_open_tickets_per_person(desk: Core) -> None:
    core = desk
    for n in range(3):
        [reply] = await core.handle(citizen(f"/ask Vprašanje številka {n} o parkiranju"))
        assert f"#{n + 1}" in reply.text.plain
    [refused] = await core.handle(citizen("/ask Še eno vprašanje"))
    assert "3" in refused.text.plain and "#4" not in refused.text.plain
    assert len(await core.store.tickets(open_only=True)) == 3
    [other] = await core.handle(citizen("/ask Where do I park?", user="504", hint="en"))
    assert "#4" in other.text.plain


async def test_without_a_staff_chat_nothing_is_offered(core: Core, tmp_path: Path) -> None:
    path = tmp_path / "poziv.md"
    path.write_text(CONFERENCE, encoding="utf-8")
    await import_paths(core.store, [path], core.clock.now())
    [dont_know] = await core.handle(citizen(UNKNOWN_SL))
    assert [b.payload for b in dont_know.all_buttons] == ["events"]
    [ask] = await core.handle(citizen("/ask kje parkiram"))
    assert ask.text.plain == "Vprašanje naši ekipi tukaj ni na voljo."
    [press] = await core.handle(citizen(payload="handoff:1"))
    assert press.text.plain == "Vprašanje naši ekipi tukaj ni na voljo."
    assert await core.store.tickets() == []


async def test_a_staff_chat_that_refuses_tells_the_person(desk: Core) -> None:
    core = desk
    await ask_team(core)
    [row] = await claim(core)
    await handoff.on_ticket_outcome(core, row, None, "unreachable")
    [notice] = await claim(core)
    assert notice.chat_id == "501" and notice.kind == "ticket-unreachable"
    assert "ni mogoče doseči" in text_of(notice)
    ticket = await core.store.get_ticket(1)
    assert ticket.state == "unreachable"
    assert await core.store.staff_chat_status(f"telegram:{STAFF}") == (False, "unreachable")
    [late] = await core.handle(staff("/answer 1 too late"))
    assert "closed" in late.text.plain


async def test_tickets_reminders_and_unanswered(desk: Core, clock: ManualClock) -> None:
    core = desk
    await ask_team(core)
    await core.handle(citizen("/ask Kdaj je odprta pisarna?", user="505"))
    await deliver_tickets(core)
    [listing] = await core.handle(staff("/tickets"))
    lines = listing.text.plain.splitlines()
    assert lines[0] == "Open tickets, oldest first:"
    assert lines[1].startswith("#1 · 0 minutes · sl: Kje lahko")
    assert lines[2].startswith("#2 ")
    [refused] = await core.handle(citizen("/tickets", user="506"))
    assert refused.text.plain == "To deluje samo v klepetu naše ekipe."
    # Not overdue yet: no reminder. After 24 hours: one a day, however often the job runs.
    assert not await handoff.remind_open_tickets(core)
    clock.advance(timedelta(hours=25))
    assert await handoff.remind_open_tickets(core)
    assert not await handoff.remind_open_tickets(core)
    [reminder] = await claim(core)
    assert reminder.chat_id == STAFF
    assert "#1 · 25 hours" in text_of(reminder) and "#2 · 25 hours" in text_of(reminder)
    clock.advance(timedelta(days=1))
    assert await handoff.remind_open_tickets(core)
    # The gaps, grouped, with counts and languages: also questions nobody sent on.
    await core.handle(citizen("kje lahko podaljsam osebno izkaznico", user="507"))
    await core.handle(citizen("Where can I renew my ID card?", user="508", hint="en"))
    [gaps] = await core.handle(Incoming(platform="console", chat_id="99", user_id="99",
                                        text="/unanswered"))
    shown = gaps.text.plain.splitlines()
    assert shown[0] == "Questions I could not answer in the last 30 days:"
    assert shown[1].startswith("2× [sl] ") and "izkaznico" in shown[1]
    assert any(line.startswith("1× [en] Where can I renew my ID card?") for line in shown)
    [refused] = await core.handle(citizen("/unanswered", user="509"))
    assert refused.text.plain == admins_only(core)


async def test_retention_mydata_and_forgetme(desk: Core, clock: ManualClock) -> None:
    core = desk
    await ask_team(core)
    [mydata] = await core.handle(citizen("/mydata"))
    data = json.loads(mydata.attachment.content)
    assert data["questions_to_our_team"][0]["question"] == UNKNOWN_SL
    assert data["questions_not_answered"][0]["question"] == UNKNOWN_SL
    # /forgetme: the ticket, the question and the pending staff message go.
    await core.handle(citizen("/forgetme"))
    [done] = await core.handle(citizen(payload="f:forgetme:yes"))
    assert done.text.plain.startswith("Opravljeno.")
    assert await core.store.tickets() == []
    assert await core.store.unanswered_since(clock.now() - timedelta(days=1)) == []
    assert await claim(core) == []  # the ticket's message to the staff chat is not sent
    # Retention: questions older than CIVICBOT_UNANSWERED_DAYS and closed tickets go.
    await ask_team(core, user="510")
    await deliver_tickets(core)
    await core.handle(staff("/answer 2 Odgovor."))
    await core.handle(citizen("Kdo je zmagal na tekmi včeraj?", user="511"))
    clock.advance(timedelta(days=31))
    assert await handoff.apply_retention(core) == 3  # two questions, one closed ticket
    assert await core.store.tickets() == []
    assert await core.store.unanswered_since(clock.now() - timedelta(days=365)) == []


async def test_faq_list_and_remove(desk: Core) -> None:
    core = desk
    await ask_team(core)
    [(_, message_id)] = await deliver_tickets(core)
    await core.handle(staff("Na upravni enoti.", reply_to=message_id))
    await core.handle(staff(payload="faq:1"))
    admin = Incoming(platform="console", chat_id="99", user_id="99", text="/faq list")
    [listing] = await core.handle(admin)
    assert "ticket-1 · Kje lahko podaljšam osebno izkaznico? · staff-answers" in listing.text.plain
    [usage] = await core.handle(dataclasses.replace(admin, text="/faq"))
    assert "/faq list" in usage.text.plain
    [unknown] = await core.handle(dataclasses.replace(admin, text="/faq remove nope"))
    assert "no FAQ entry nope" in unknown.text.plain
    [removed] = await core.handle(dataclasses.replace(admin, text="/faq remove ticket-1"))
    assert "removed" in removed.text.plain
    [dont_know] = await core.handle(citizen(UNKNOWN_SL, user="512"))
    assert any(b.payload.startswith("handoff:") for b in dont_know.all_buttons)


def test_the_staff_chat_setting_is_checked() -> None:
    assert load_config({"CIVICBOT_STAFF_CHAT": "telegram:-100123"}).staff_chat == \
        "telegram:-100123"
    assert load_config({"CIVICBOT_STAFF_CHAT": "matrix:!abc:example.org"}).staff_chat == \
        "matrix:!abc:example.org"
    for bad in ("-100123", "telegram:abc", "matrix:#room:example.org", "irc:#x"):
        with pytest.raises(ConfigError) as error:
            load_config({"CIVICBOT_STAFF_CHAT": bad})
        assert str(error.value).startswith("CIVICBOT_STAFF_CHAT: expected")


async def test_the_command_line_lists_tickets_and_gaps(config, clock, tmp_path: Path) -> None:
    import handlers
    from bot.i18n.translator import Catalogs
    from bot.pipeline.router import Routes
    from storage.sqlite import SqliteStore
    from tests.conftest import run_cli

    store = await SqliteStore.open(config.database.path)
    try:
        core = Core(dataclasses.replace(config, staff_chat=f"telegram:{STAFF}"), store,
                    Catalogs(config.locales_dir), clock, Routes(handlers.routers()))
        path = tmp_path / "poziv.md"
        path.write_text(CONFERENCE, encoding="utf-8")
        await import_paths(store, [path], clock.now())
        clock.set(datetime.now(UTC))  # the command line counts from the real now
        await ask_team(core)
        await core.handle(citizen("kje lahko podaljsam osebno izkaznico", user="520"))
        await core.handle(citizen("/ask Kdaj je odprta pisarna?", user="521"))
        await core.handle(staff("/answer 2 Ob devetih."))
    finally:
        await store.close()
    listed = run_cli(["tickets"], tmp_path)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0].startswith("#1     open        ") and lines[0].endswith(UNKNOWN_SL)
    assert lines[1].startswith("#2     answered    ") and lines[1].endswith(" by Mojca")
    opened = run_cli(["tickets", "--open"], tmp_path)
    assert [line.split()[0] for line in opened.stdout.splitlines()] == ["#1"]
    gaps = run_cli(["unanswered", "--days", "7"], tmp_path)
    assert gaps.returncode == 0, gaps.stderr
    assert gaps.stdout.splitlines()[0] == "2 unanswered questions in the last 7 days, 1 different"
    assert gaps.stdout.splitlines()[1].split()[:2] == ["2", "sl"]
    bad = run_cli(["unanswered", "--days", "0"], tmp_path)
    assert bad.returncode == 2 and "expected a number of days from 1 to 3650" in bad.stderr
    assert "Traceback" not in bad.stderr


async def test_help_lists_ask_where_a_staff_chat_is_configured(core: Core) -> None:
    def helped() -> str:
        return "\n".join(r.text.plain for r in replies)

    replies = await core.handle(citizen("/help", hint="en"))
    assert "/ask" not in helped()  # nobody to ask: not offered
    core.config = dataclasses.replace(core.config, staff_chat=f"telegram:{STAFF}")
    replies = await core.handle(citizen("/help", hint="en"))
    assert "/ask — Ask our team a question" in helped()


async def test_forgetme_says_it_deletes_the_questions_asked_too(core: Core) -> None:
    [question] = await core.handle(citizen("/forgetme", hint="sl"))
    assert "vprašanja, ki ste jih zastavili naši ekipi" in question.text.plain
