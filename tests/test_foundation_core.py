"""The router and core through Core.handle: what a person sees for each kind of message."""

from __future__ import annotations

from bot.pipeline.core import Core
from bot.pipeline.types import Incoming, Reply


def msg(
    text: str = "",
    *,
    user: str = "1",
    payload: str | None = None,
    private: bool = True,
    addressed: bool = True,
    hint: str | None = None,
    platform: str = "console",
) -> Incoming:
    return Incoming(
        platform=platform,
        chat_id=user if private else "group-1",
        user_id=user,
        text=text,
        payload=payload,
        language_hint=hint,
        is_private=private,
        addressed_to_bot=addressed,
    )


def text_of(replies: list[Reply]) -> str:
    return "\n".join(r.text.plain for r in replies)


async def test_start_offers_buttons(core: Core) -> None:
    replies = await core.handle(msg("/start"))
    labels = [b.label for b in replies[0].all_buttons]
    assert labels == ["Language", "Announcements", "Events", "Help"]


async def test_platform_hint_picks_the_language(core: Core) -> None:
    assert "Pozdravljeni" in text_of(await core.handle(msg("/start", hint="sl-SI")))
    assert "Dzień dobry" in text_of(await core.handle(msg("/start", user="2", hint="pl")))
    # Croatian phones are answered in Serbian Latin
    assert "Zdravo" in text_of(await core.handle(msg("/start", user="3", hint="hr")))


async def test_serbian_script_follows_the_writing(core: Core) -> None:
    from bot.i18n.scripts import dominant_script

    cyrillic = text_of(await core.handle(msg("где је конференција", hint="sr")))
    assert dominant_script(cyrillic) == "Cyrl"
    latin = text_of(await core.handle(msg("gde je konferencija", hint="sr")))
    assert dominant_script(latin) == "Latn"
    # a command says nothing about the script: the learned Latin stays
    assert "Postavite mi pitanje" in text_of(await core.handle(msg("/help", hint="sr")))


async def test_explicit_choice_beats_the_hint(core: Core) -> None:
    await core.handle(msg("/language uk", hint="pl"))
    assert "Оберіть мову" in text_of(await core.handle(msg("/help", hint="pl")))


async def test_unknown_language_code_offers_the_choice(core: Core) -> None:
    replies = await core.handle(msg("/language klingon"))
    assert "I don't speak that language yet" in text_of(replies)
    assert len(replies[0].all_buttons) == 6


async def test_forged_and_stale_buttons_change_nothing(core: Core) -> None:
    await core.handle(msg("/subscribe"))
    # a confirm button of a form that is not running: refused, the person still exists
    replies = await core.handle(msg(payload="f:forgetme:yes"))
    assert "no longer open" in text_of(replies)
    person = await core.store.find_person("console", "1")
    assert person is not None and person.subscribed
    for forged in ("nosuch:1", "", "lang:xx", "sub:maybe", ":::", "f:", "f:forgetme"):
        replies = await core.handle(msg(payload=forged))
        assert replies and "Traceback" not in text_of(replies)
    assert (await core.store.find_person("console", "1")).subscribed  # type: ignore[union-attr]


async def test_a_command_inside_a_form_keeps_the_form(core: Core) -> None:
    await core.handle(msg("/forgetme"))
    assert "Choose your language" in text_of(await core.handle(msg("/help")))
    replies = await core.handle(msg(payload="f:forgetme:yes"))
    assert "deleted your data" in text_of(replies)
    assert await core.store.find_person("console", "1") is None


async def test_cancel_leaves_the_form(core: Core) -> None:
    assert "nothing to cancel" in text_of(await core.handle(msg("/cancel")))
    await core.handle(msg("/forgetme"))
    assert "Cancelled" in text_of(await core.handle(msg("/cancel")))
    assert "no longer open" in text_of(await core.handle(msg(payload="f:forgetme:yes")))


async def test_groups_only_hear_what_is_addressed_to_the_bot(core: Core) -> None:
    assert await core.handle(msg("hello all", private=False, addressed=False)) == []
    replies = await core.handle(msg("/forgetme", private=False))
    assert "private chat" in text_of(replies)
    assert (
        await core.store.get_conversation((await core.store.find_person("console", "1")).id) is None
    )  # type: ignore[union-attr]


async def test_commands_for_another_bot_are_ignored(core: Core) -> None:
    core.bot_names["telegram"] = "civic_bot"
    assert await core.handle(msg("/help@other_bot", platform="telegram", private=False)) == []
    assert await core.handle(msg("/help@civic_bot", platform="telegram", private=False))


async def test_form_expires_after_the_timeout(core: Core, clock) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    await core.handle(msg("/forgetme"))
    clock.advance(timedelta(minutes=core.config.form_timeout_minutes + 1))
    replies = await core.handle(msg(payload="f:forgetme:yes"))
    assert "expired" in text_of(replies) and "no longer open" in text_of(replies)
    assert await core.store.find_person("console", "1") is not None


async def test_idle_forms_expire_with_a_message_through_the_outbox(core: Core, clock) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    await core.handle(msg("/forgetme", hint="sl"))
    clock.advance(timedelta(hours=2))
    assert await core.expire_idle_forms() == 1
    assert await core.expire_idle_forms() == 0
    assert (await core.store.outbox_counts()) == {"pending": 1}


async def test_a_failing_handler_gets_an_apology_not_a_traceback(core: Core) -> None:
    async def broken(ctx, args):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    core.routes.commands["help"] = core.routes.commands["help"].__class__("help", broken, "x")
    replies = await core.handle(msg("/help"))
    assert "something went wrong" in text_of(replies)


async def test_admin_commands_are_hidden_and_refused_for_others(core: Core) -> None:
    from bot.pipeline.router import Command

    async def secret(ctx, args):  # type: ignore[no-untyped-def]
        return Reply.of("admin stuff")

    core.routes.commands["secret"] = Command("secret", secret, "Admin only", admin=True)
    assert "only the organisation's admins" in text_of(await core.handle(msg("/secret")))
    assert "/secret" not in text_of(await core.handle(msg("/help")))
    assert "admin stuff" in text_of(await core.handle(msg("/secret", user="99")))
    assert "/secret" in text_of(await core.handle(msg("/help", user="99")))


async def test_a_form_never_continues_in_a_group(core: Core) -> None:
    await core.handle(msg("/forgetme"))  # a personal form, open in the private chat
    # the same person mentions the bot in a group: the group must not see the form
    replies = await core.handle(msg("Ana Novak ana@example.org", private=False))
    assert "Delete it?" not in text_of(replies) and "button" not in text_of(replies)
    replies = await core.handle(msg(payload="f:forgetme:yes", private=False))
    assert "private chat" in text_of(replies)
    assert await core.store.find_person("console", "1") is not None
    # back in private, the form is still there
    assert "deleted your data" in text_of(await core.handle(msg(payload="f:forgetme:yes")))


async def test_without_a_platform_hint_the_persons_writing_picks_the_language(core: Core) -> None:
    await core.handle(msg("Kiedy odbędzie się konferencja o współpracy samorządów?"))
    assert "Wybierz język" in text_of(await core.handle(msg("/help")))
    await core.handle(msg("ok hvala"))  # two words say too little: Polish stays
    assert "Wybierz język" in text_of(await core.handle(msg("/help")))
    # a platform's hint wins over guessing
    await core.handle(msg("Kdaj je rok za prijavo na delavnico?", user="2", hint="uk"))
    assert "Оберіть мову" in text_of(await core.handle(msg("/help", user="2", hint="uk")))
