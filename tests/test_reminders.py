"""Deadline and event reminders with a moved clock: the job functions called directly, the real
delivery worker and console adapters writing to a StringIO, a real SQLite file.

The `forum` event (tests/test_events_support.py) is in Ljubljana: registration closes on
Wednesday 14 April 2027 at 17:00 (15:00 UTC), it begins on Friday 16 April at 10:00 (08:00
UTC); reminders P3D and P1D before the deadline, P1D and PT2H before the start.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.adapters.console import ConsoleAdapter
from bot.clock import ManualClock
from bot.outbox.delivery import DeliveryWorker
from bot.pipeline.core import Core
from bot.reminders import dedupe_key, run_reminders
from tests.test_events_support import event, load
from tests.test_foundation_core import msg, text_of

UTC_ = UTC
DEADLINE_P3D = datetime(2027, 4, 11, 15, 0, tzinfo=UTC)
DEADLINE_P1D = datetime(2027, 4, 13, 15, 0, tzinfo=UTC)
EVENT_P1D = datetime(2027, 4, 15, 8, 0, tzinfo=UTC)
EVENT_PT2H = datetime(2027, 4, 16, 6, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


class Phones:
    """Several people's consoles in one delivery worker: what each of them saw."""

    def __init__(self, core: Core, *users: str) -> None:
        self.screens = {user: io.StringIO() for user in users}
        self.worker = DeliveryWorker(
            core.store, [ConsoleAdapter(u, stdout=s) for u, s in self.screens.items()],
            core.clock, "delivery")

    async def deliver(self) -> dict[str, str]:
        """Deliver what is due; what each person saw since the last call."""
        await self.worker.drain()
        seen = {}
        for user, screen in self.screens.items():
            seen[user] = screen.getvalue()
            screen.seek(0)
            screen.truncate()
        return seen


async def person(core: Core, user: str, hint: str = "en", *, subscribe: bool = False) -> int:
    await core.handle(msg("/subscribe" if subscribe else "/help", user=user, hint=hint))
    found = await core.store.find_person("console", user)
    assert found is not None
    return found.id


async def register(core: Core, event_id: str, person_id: int) -> str:
    outcome = await core.store.register(event_id, person_id, {"name": "X", "email": "x@e.org"},
                                        locale=None, consented=True, now=core.clock.now())
    return outcome.result


async def tick(core: Core, worker: str = "job") -> Any:
    return await run_reminders(core, worker)


async def at(core: Core, clock: ManualClock, moment: datetime, phones: Phones) -> dict[str, str]:
    clock.set(moment)
    await tick(core)
    return await phones.deliver()


async def reminder_states(core: Core) -> list[tuple[str, int, str, str, str | None]]:
    rows = await core.store.db.execute_fetchall(  # type: ignore[attr-defined]
        "SELECT kind, person_id, ref, state, reason FROM reminders ORDER BY kind, person_id, ref")
    return [tuple(row) for row in rows]  # type: ignore[misc]


# -- deadlines and events ------------------------------------------------------------------


async def test_deadline_reminders_go_to_subscribers_who_have_not_registered(
        core: Core, clock: ManualClock) -> None:
    await load(core)
    slovene = await person(core, "1", "sl", subscribe=True)
    registered = await person(core, "2", "pl", subscribe=True)
    await person(core, "3", "en")  # not subscribed
    await person(core, "4", "sr", subscribe=True)
    await person(core, "5", "sr_Latn", subscribe=True)
    assert await register(core, "forum", registered) == "confirmed"
    phones = Phones(core, "1", "2", "3", "4", "5")
    await tick(core)

    seen = await at(core, clock, DEADLINE_P3D - SECOND, phones)
    assert not any(seen.values())  # not a second early
    seen = await at(core, clock, DEADLINE_P3D, phones)
    assert seen["2"] == seen["3"] == ""
    assert ("Opomnik: rok za prijavo na Forum civilne tehnologije: sreda, 14. april 2027, 17:00."
            in seen["1"])
    assert "Dogodek: petek, 16. april 2027, 10:00 – 16:00, Mestna hiša, Ljubljana." in seen["1"]
    assert "[1] Prijavite se zdaj" in seen["1"] and "[2] Ustavi opomnike" in seen["1"]
    assert "Подсетник: рок за пријаву на Форум грађанске технологије: среда" in seen["4"]
    assert "Podsetnik: rok za prijavu na Forum građanske tehnologije: sreda" in seen["5"]

    assert await register(core, "forum", slovene) == "confirmed"  # now they did register
    seen = await at(core, clock, DEADLINE_P1D, phones)
    assert seen["1"] == "" and "Подсетник" in seen["4"]
    assert not any((await at(core, clock, DEADLINE_P1D + timedelta(days=3), phones)).values())


async def test_the_reminder_button_leads_to_registering(core: Core, clock: ManualClock) -> None:
    await load(core)
    await person(core, "1", subscribe=True)
    await tick(core)
    clock.set(DEADLINE_P3D)
    await tick(core)
    body = (await core.store.db.execute_fetchall(  # type: ignore[attr-defined]
        "SELECT body FROM outbox WHERE kind = 'deadline-reminder'"))[0][0]
    assert '"reg:forum"' in body and '"rem:off"' in body
    replies = await core.handle(msg(payload="reg:forum", user="1"))
    assert "Registration for Civic tech forum" in text_of(replies)


async def test_event_reminders_go_to_confirmed_registrants(core: Core, clock: ManualClock) -> None:
    await load(core, event(capacity=1))
    seated = await person(core, "1", "pl")
    waiting = await person(core, "2", "uk")
    assert await register(core, "forum", seated) == "confirmed"
    assert await register(core, "forum", waiting) == "waiting"
    phones = Phones(core, "1", "2")
    await tick(core)

    seen = await at(core, clock, EVENT_P1D, phones)
    assert "Przypomnienie: Forum technologii obywatelskich zaczyna się – piątek, 16 kwietnia " \
           "2027, 10:00." in seen["1"]
    assert "[1] O wydarzeniu" in seen["1"]
    assert seen["2"] == ""  # the waiting list gets no reminder of an event they may not attend

    # the seated person leaves; the waiting one gets the seat, the notice, then the reminder
    await core.store.cancel_registration("forum", seated, clock.now())
    from handlers.registration import send_pending_promotions

    await send_pending_promotions(core)
    seen = await at(core, clock, EVENT_PT2H, phones)
    assert seen["1"] == ""
    assert "Гарна новина" in seen["2"]  # the promotion notice
    assert "Нагадування: Civic tech forum починається" in seen["2"]


async def test_per_event_reminders_replace_the_defaults(core: Core, clock: ManualClock) -> None:
    await load(core, event(reminders={"deadline": ["PT45S"], "event": []}))
    registered = await person(core, "1")
    await person(core, "2", subscribe=True)
    await register(core, "forum", registered)
    await tick(core)
    planned = await reminder_states(core)
    assert [(kind, ref, state) for kind, _, ref, state, _ in planned] == [
        ("deadline", "PT45S", "planned")]
    phones = Phones(core, "1", "2")
    seen = await at(core, clock, datetime(2027, 4, 14, 14, 59, 15, tzinfo=UTC), phones)
    assert "Reminder: registration for Civic tech forum closes on Wednesday, April 14, 2027" \
           in seen["2"] and seen["1"] == ""


# -- time zones and daylight-saving time ---------------------------------------------------


def dst_event(event_id: str, zone: str, starts: str, deadline: str,
              reminders: dict[str, list[str]]) -> dict[str, Any]:
    return event(id=event_id, title={"en": f"Event {event_id}"}, timezone=zone,
                 starts_at=starts, ends_at=None, registration_deadline=deadline,
                 reminders=reminders, country="RS" if "Belgrade" in zone else "PL")


async def test_a_day_before_is_the_same_wall_time_across_the_spring_change(
        core: Core, clock: ManualClock) -> None:
    # Sunday 28 March 2027 at 10:00 in Belgrade: the night before is an hour shorter
    await load(core, dst_event("spring", "Europe/Belgrade", "2027-03-28T10:00:00+02:00",
                               "2027-03-27T18:00:00+01:00", {"deadline": [], "event": ["P1D"]}))
    registered = await person(core, "1", "sr")
    await register(core, "spring", registered)
    await tick(core)
    listing = text_of(await core.handle(msg("/reminders", user="1", hint="sr")))
    assert "• субота, 27. март 2027., 10:00: Event spring се ближи" in listing
    phones = Phones(core, "1")
    # 10:00 CET on Saturday is 09:00 UTC (24 hours before would be 08:00 UTC = 09:00 CET)
    assert (await at(core, clock, datetime(2027, 3, 27, 8, 59, 59, tzinfo=UTC), phones))["1"] \
        == ""
    seen = await at(core, clock, datetime(2027, 3, 27, 9, 0, tzinfo=UTC), phones)
    assert "Подсетник: Event spring почиње – недеља, 28. март 2027." in seen["1"]
    assert "10:00" in seen["1"]


async def test_a_day_before_is_the_same_wall_time_across_the_autumn_change(
        core: Core, clock: ManualClock) -> None:
    # registration closes on Sunday 31 October 2027 at 08:00 in Warsaw (a 25-hour night before)
    await load(core, dst_event("autumn", "Europe/Warsaw", "2027-11-02T09:00:00+01:00",
                               "2027-10-31T08:00:00+01:00", {"deadline": ["P1D"], "event": []}))
    await person(core, "1", "pl", subscribe=True)
    await tick(core)
    phones = Phones(core, "1")
    # 08:00 CEST on Saturday is 06:00 UTC (24 hours before would be 07:00 UTC = 09:00 CEST)
    assert (await at(core, clock, datetime(2027, 10, 30, 5, 59, 59, tzinfo=UTC), phones))["1"] \
        == ""
    seen = await at(core, clock, datetime(2027, 10, 30, 6, 0, tzinfo=UTC), phones)
    assert "termin zgłoszeń na Event autumn: niedziela, 31 października 2027, 08:00." in seen["1"]


async def test_hours_before_are_real_hours_across_the_change(core: Core,
                                                             clock: ManualClock) -> None:
    # 04:00 on Sunday 28 March in Belgrade; two hours before is 01:00 CET (the clocks jump 2->3)
    await load(core, dst_event("night", "Europe/Belgrade", "2027-03-28T04:00:00+02:00",
                               "2027-03-27T18:00:00+01:00", {"deadline": [], "event": ["PT2H"]}))
    await register(core, "night", await person(core, "1"))
    await tick(core)
    phones = Phones(core, "1")
    assert (await at(core, clock, datetime(2027, 3, 28, 0, 0, tzinfo=UTC), phones))["1"] != ""


# -- restarts ------------------------------------------------------------------------------


async def reopen(core: Core, config: Any) -> Core:
    """A new process on the same database (the SQLite file, or the PostgreSQL schema): a new
    store and a new core."""
    import handlers
    from bot.i18n.translator import Catalogs
    from bot.pipeline.router import Routes
    from storage.sqlite import SqliteStore

    if isinstance(core.store, SqliteStore) and type(core.store) is SqliteStore:
        store = await SqliteStore.open(config.database.path)
    else:
        from storage.postgres import PostgresStore
        from tests.conftest import POSTGRES_URL

        [(schema,)] = await core.store.db.execute_fetchall(  # type: ignore[attr-defined]
            "SELECT current_schema()")
        store = await PostgresStore.open(POSTGRES_URL, schema=schema)
    return Core(config, store, Catalogs(config.locales_dir), core.clock, Routes(handlers.routers()))


async def test_a_restart_between_claim_and_send_sends_it_once(core: Core, clock: ManualClock,
                                                             config: Any) -> None:
    await load(core)
    await person(core, "1", subscribe=True)
    await tick(core)
    clock.set(DEADLINE_P3D)
    claimed = await core.store.claim_due_reminders("job", clock.now(), 10)
    assert len(claimed) == 1  # ... and the process dies before handing it to the outbox
    assert await core.store.outbox_counts() == {}

    restarted = await reopen(core, config)
    try:
        await tick(restarted)  # the same worker id: its claims are planned again at once
        await tick(restarted)
        phones = Phones(restarted, "1")
        assert (await phones.deliver())["1"].count("Reminder:") == 1
        assert await restarted.store.outbox_counts() == {"sent": 1}
        assert await restarted.store.reminder_counts() == {"deadline:sent": 1,
                                                           "deadline:planned": 1}
    finally:
        await restarted.store.close()


async def test_another_dispatchers_stale_claims_are_taken_over(core: Core,
                                                              clock: ManualClock) -> None:
    await load(core)
    await person(core, "1", subscribe=True)
    await tick(core)
    clock.set(DEADLINE_P3D)
    await core.store.claim_due_reminders("died", clock.now(), 10)
    await tick(core)
    assert await core.store.outbox_counts() == {}  # the claim may still be alive
    clock.advance(timedelta(minutes=6))  # its lease ran out
    await tick(core)
    assert await core.store.outbox_counts() == {"pending": 1}


async def test_a_handed_reminder_is_never_handed_again(core: Core, clock: ManualClock) -> None:
    await load(core)
    pid = await person(core, "1", subscribe=True)
    await tick(core)
    clock.set(DEADLINE_P3D)
    [row] = await core.store.claim_due_reminders("job", clock.now(), 10)
    from bot.reminders import Renderer

    delivery = await Renderer(core).delivery(row)
    assert delivery is not None and delivery.dedupe_key == dedupe_key(row)
    assert delivery.dedupe_key == f"reminder:deadline:forum:{pid}:P3D:20270414T150000Z"
    # handed over, but the process died before recording it: handing it again is a no-op
    settle = {"sent": [delivery], "skipped": [], "moved": [], "released": []}
    assert await core.store.settle_reminders("job", clock.now(), **settle) == 1
    await core.store.recover_reminders("job", clock.now())  # nothing claimed any more
    await core.store.db.execute(  # type: ignore[attr-defined]
        "UPDATE reminders SET state = 'claimed', claimed_by = 'job'")
    assert await core.store.settle_reminders("job", clock.now(), **settle) == 0
    assert await core.store.outbox_counts() == {"pending": 1}


async def test_a_restart_between_sending_and_recording_does_not_send_twice(
        core: Core, clock: ManualClock, config: Any) -> None:
    await load(core)
    await person(core, "1", subscribe=True)
    await tick(core)
    clock.set(DEADLINE_P3D)
    await tick(core)
    [item] = await core.store.claim_outbox("console", "1", "delivery", clock.now(), 10)
    await core.store.begin_send(item.id)  # the platform got it; then the process died

    restarted = await reopen(core, config)
    try:
        phones = Phones(restarted, "1")
        await phones.worker.recover()
        await tick(restarted)
        assert (await phones.deliver())["1"] == ""
        assert await restarted.store.outbox_counts() == {"unknown": 1}
    finally:
        await restarted.store.close()


async def test_after_down_time_what_is_still_useful_goes_out(core: Core, clock: ManualClock,
                                                            config: Any) -> None:
    await load(core)
    await person(core, "1", "sl", subscribe=True)
    await tick(core)
    # down from before P3D until after P1D, but before the deadline: one reminder, not two
    clock.set(DEADLINE_P1D + timedelta(hours=2))
    restarted = await reopen(core, config)
    try:
        await tick(restarted)
        seen = await Phones(restarted, "1").deliver()
        assert seen["1"].count("Opomnik:") == 1
        states = await reminder_states(restarted)
        assert [(ref, state, reason) for _, _, ref, state, reason in states] == [
            ("P1D", "sent", None), ("P3D", "skipped", "superseded")]
    finally:
        await restarted.store.close()


async def test_after_down_time_what_is_useless_is_skipped_and_recorded(
        core: Core, clock: ManualClock, config: Any) -> None:
    await load(core)
    pid = await person(core, "1", subscribe=True)
    registered = await person(core, "2")
    await register(core, "forum", registered)
    await tick(core)
    clock.set(datetime(2027, 4, 20, 12, 0, tzinfo=UTC))  # back after the event
    restarted = await reopen(core, config)
    try:
        await tick(restarted)
        assert await restarted.store.outbox_counts() == {}
        states = await reminder_states(restarted)
        assert {(kind, person_id, state, reason) for kind, person_id, _, state, reason
                in states} == {("deadline", pid, "skipped", "too late"),
                               ("event", registered, "skipped", "too late")}
    finally:
        await restarted.store.close()


async def test_an_event_imported_while_the_bot_was_down_is_caught_up(
        core: Core, clock: ManualClock) -> None:
    await person(core, "1", subscribe=True)
    await tick(core)  # the bot runs, then stops
    clock.set(DEADLINE_P1D + timedelta(hours=1))
    await load(core)  # imported by the CLI meanwhile
    await core.store.db.execute(  # type: ignore[attr-defined]
        "UPDATE reminder_planner SET planned_until = ?", ("2027-04-10T00:00:00.000000+00:00",))
    await run_reminders(core, "job", full=True)  # the first tick after the start
    assert await core.store.outbox_counts() == {"pending": 1}


async def test_who_joins_after_a_reminders_time_does_not_get_it(core: Core,
                                                               clock: ManualClock) -> None:
    await load(core)
    await tick(core)
    clock.set(EVENT_PT2H + timedelta(minutes=30))  # 90 minutes before the start
    await tick(core)
    await register(core, "forum", await person(core, "1"))
    await tick(core)
    assert await core.store.outbox_counts() == {}  # they just registered: no "starts soon"


# -- changes and cancellation --------------------------------------------------------------


async def test_a_moved_event_moves_its_reminders_and_registrants_are_told_once(
        core: Core, clock: ManualClock) -> None:
    await load(core)
    confirmed = await person(core, "1", "sl")
    await register(core, "forum", confirmed)
    await tick(core)
    phones = Phones(core, "1")
    moved = event(starts_at="2027-04-23T10:00:00+02:00", ends_at="2027-04-23T16:00:00+02:00",
                  location={"en": "Cankarjev dom", "sl": "Cankarjev dom"})
    await load(core, moved)
    await tick(core)
    seen = (await phones.deliver())["1"]
    assert "Dogodek Forum civilne tehnologije, na katerega ste prijavljeni, se je spremenil." \
        in seen
    assert "Nov čas: petek, 23. april 2027, 10:00 – 16:00 (prej: petek, 16. april 2027, " \
           "10:00 – 16:00)" in seen
    assert "Nov kraj: Cankarjev dom (prej: Mestna hiša, Ljubljana)" in seen
    await tick(core)
    assert (await phones.deliver())["1"] == ""  # told once
    assert [c.id for c in await core.store.event_changes()] == []  # all announced

    assert not (await at(core, clock, EVENT_P1D, phones))["1"]  # the old time: nothing
    seen = await at(core, clock, EVENT_P1D + timedelta(days=7), phones)
    assert "Opomnik: Forum civilne tehnologije se začne – petek, 23. april 2027" in seen["1"]


async def test_a_sent_reminder_comes_again_when_the_event_moves_later(
        core: Core, clock: ManualClock) -> None:
    await load(core)
    await register(core, "forum", await person(core, "1"))
    await tick(core)
    phones = Phones(core, "1")
    assert "Reminder: Civic tech forum begins" in (await at(core, clock, EVENT_P1D, phones))["1"]
    await load(core, event(starts_at="2027-04-23T10:00:00+02:00",
                           ends_at="2027-04-23T16:00:00+02:00"))
    await tick(core)
    assert "has changed" in (await phones.deliver())["1"]
    seen = await at(core, clock, EVENT_P1D + timedelta(days=7), phones)
    assert "Reminder: Civic tech forum begins on Thursday, April 22" not in seen["1"]
    assert "Reminder: Civic tech forum begins on Friday, April 23, 2027" in seen["1"]


async def test_a_cancelled_event_tells_registrants_once_and_reminds_nobody(
        core: Core, clock: ManualClock) -> None:
    from bot.reminders import cancel_event

    await load(core, event(capacity=1))
    confirmed = await person(core, "1", "uk")
    waiting = await person(core, "2", "sr")
    await person(core, "3", subscribe=True)
    await register(core, "forum", confirmed)
    await register(core, "forum", waiting)
    await tick(core)
    phones = Phones(core, "1", "2", "3")

    outcome = await cancel_event(core, "forum", "console:99")
    assert (outcome.result, outcome.notified) == ("cancelled", 2)
    seen = await phones.deliver()  # at once: no tick needed
    assert "На жаль, подію Civic tech forum (пʼятниця, 16 квітня 2027\u202fр., 10:00 – 16:00) " \
           "скасовано." in seen["1"] and "[1] Інші події" in seen["1"]
    assert "Жао нам је: догађај Форум грађанске технологије (петак" in seen["2"]
    assert seen["3"] == ""
    assert (await cancel_event(core, "forum", "console:99")).result == "already"
    assert (await cancel_event(core, "nope", "console:99")).result == "unknown-event"
    entries = await core.store.audit_entries()  # type: ignore[attr-defined]
    assert [(e.actor, e.action, e.detail) for e in entries] == [
        ("console:99", "cancel-event", "forum")]

    for moment in (DEADLINE_P3D, DEADLINE_P1D, EVENT_P1D, EVENT_PT2H):
        assert not any((await at(core, clock, moment, phones)).values())
    assert (await core.store.register("forum", await person(core, "4"), {}, locale=None,
                                      consented=True, now=clock.now())).result == "closed"


async def test_a_promotion_is_told_even_after_a_crash_right_after_the_seat_change(
        core: Core, clock: ManualClock, config: Any) -> None:
    await load(core, event(capacity=1))
    seated = await person(core, "1")
    waiting = await person(core, "2")
    await register(core, "forum", seated)
    await register(core, "forum", waiting)
    # the seat changes hands; the process dies before anybody tells the waiting person
    await core.store.cancel_registration("forum", seated, clock.now())
    restarted = await reopen(core, config)
    try:
        from handlers.registration import send_pending_promotions

        assert await send_pending_promotions(restarted) == 1  # the promotion-notices job
        assert await send_pending_promotions(restarted) == 0
        seen = (await Phones(restarted, "1", "2").deliver())
        assert seen["1"] == "" and seen["2"].count("it is yours") == 1
    finally:
        await restarted.store.close()


# -- opting out ----------------------------------------------------------------------------


async def test_reminders_lists_them_and_its_button_stops_them(core: Core,
                                                             clock: ManualClock) -> None:
    await load(core)
    pid = await person(core, "1", subscribe=True)
    await tick(core)
    listing = await core.handle(msg("/reminders"))
    assert text_of(listing).splitlines() == [
        "Reminders planned for you:",
        "• Sunday, April 11, 2027, 5:00\u202fPM: registration for Civic tech forum is closing",
        "• Tuesday, April 13, 2027, 5:00\u202fPM: registration for Civic tech forum is closing"]
    [stop] = listing[0].all_buttons
    replies = await core.handle(msg(payload=stop.payload))
    assert "Your reminders are off" in text_of(replies)
    assert await core.store.person_reminders(pid) == []
    assert "Your reminders are off" in text_of(await core.handle(msg("/reminders")))
    phones = Phones(core, "1")
    for moment in (DEADLINE_P3D, DEADLINE_P1D):
        assert (await at(core, clock, moment, phones))["1"] == ""

    [on] = replies[0].all_buttons
    assert "Reminders are on again" in text_of(await core.handle(msg(payload=on.payload)))


async def test_reminders_can_be_resumed(core: Core, clock: ManualClock) -> None:
    await load(core)
    await person(core, "1", subscribe=True)
    await core.handle(msg(payload="rem:off"))
    await tick(core)
    await core.handle(msg(payload="rem:on"))
    assert "2027" in text_of(await core.handle(msg("/reminders")))  # planned again at once


async def test_a_late_opt_out_is_honoured_at_sending(core: Core, clock: ManualClock) -> None:
    await load(core)
    stops = await person(core, "1", subscribe=True)
    leaves = await person(core, "2", subscribe=True)
    await tick(core)
    clock.set(DEADLINE_P3D)
    # changed behind the planner's back (another process, before its next pass)
    await core.store.db.execute(  # type: ignore[attr-defined]
        "UPDATE people SET reminders_off = 1 WHERE id = ?", (stops,))
    await core.store.db.execute(  # type: ignore[attr-defined]
        "DELETE FROM reminder_dirty_people")
    await core.store.set_subscribed(leaves, False)
    await core.store.db.execute(  # type: ignore[attr-defined]
        "DELETE FROM reminder_dirty_people")
    await tick(core)
    assert await core.store.outbox_counts() == {}
    states = {(person_id, state, reason) for _, person_id, ref, state, reason
              in await reminder_states(core) if ref == "P3D"}
    assert states == {(stops, "skipped", "reminders off"), (leaves, "skipped", "unsubscribed")}


async def test_nobody_who_left_or_cannot_be_reached_is_reminded(core: Core,
                                                               clock: ManualClock) -> None:
    await load(core)
    await person(core, "1", subscribe=True)
    unreachable = await person(core, "2", subscribe=True)
    await tick(core)
    await core.handle(msg("/forgetme", user="1"))
    await core.handle(msg(payload="f:forgetme:yes", user="1"))
    await core.store.set_unreachable(unreachable, True)
    await tick(core)
    assert await core.store.reminder_counts() == {}
    clock.set(DEADLINE_P3D)
    await tick(core)
    assert await core.store.outbox_counts() == {}


async def test_reminders_buttons_are_checked(core: Core) -> None:
    await person(core, "1")
    for forged in ("rem:maybe", "rem:off:now", "rem:on:1"):
        assert "no longer valid" in text_of(await core.handle(msg(payload=forged)))
    assert not await core.store.reminders_off(  # type: ignore[attr-defined]
        (await core.store.find_person("console", "1")).id)  # type: ignore[union-attr]
    in_group = await core.handle(msg("/reminders", private=False))
    assert "private chat" in text_of(in_group)
    assert "No reminders are planned" in text_of(await core.handle(msg("/reminders")))
    assert "/subscribe" in text_of(await core.handle(msg("/reminders")))


# -- several workers on one database -------------------------------------------------------


class SharedConsole(ConsoleAdapter):
    """A console that delivers everybody's messages (as a platform adapter does) and notes
    whose they were; a small batch size so that two workers interleave."""

    def __init__(self) -> None:
        super().__init__("-", stdout=io.StringIO())
        self.chats: list[str] = []

    def outbox_scope(self) -> str | None:
        return None

    def messages_per_second(self) -> float:
        return 10.0  # claims of 20 rows

    async def send(self, address: Any, replies: Any, *, key: str | None = None) -> None:
        self.chats.append(address.chat_id)
        await super().send(address, replies, key=key)


async def test_two_workers_on_one_database_never_send_a_reminder_twice(
        core: Core, clock: ManualClock, config: Any) -> None:
    import asyncio

    from bot.reminders import dispatch_reminders

    await load(core)
    people = [str(i) for i in range(150)]
    for user in people:
        await person(core, user, subscribe=True)
    await tick(core)
    clock.set(DEADLINE_P3D)
    other = await reopen(core, config)  # a second process: its own connection to the file
    try:
        handed = await asyncio.gather(dispatch_reminders(core, "a", batch=7),
                                      dispatch_reminders(other, "b", batch=7))
        assert sum(h.sent for h in handed) == 150  # however the two shared the work
        assert await core.store.outbox_counts() == {"pending": 150}

        consoles = [SharedConsole(), SharedConsole()]
        workers = [DeliveryWorker(store, [console], clock, f"delivery-{i}")
                   for i, (store, console) in enumerate(zip((core.store, other.store),
                                                            consoles, strict=True))]
        for worker in workers:
            worker.pacers["console"].interval = 0  # no pause between sends in the test
        await asyncio.gather(*(worker.drain() for worker in workers))
        delivered = consoles[0].chats + consoles[1].chats
        assert sorted(delivered) == sorted(people)  # everyone once, nobody twice
        assert await core.store.outbox_counts() == {"sent": 150}
    finally:
        await other.store.close()
