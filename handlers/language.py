"""/language: the person's explicit choice of language (and script, for Serbian)."""

from __future__ import annotations

from bot.config import LOCALES
from bot.i18n.translator import LANGUAGE_NAMES, N_, normalize_locale
from bot.pipeline.context import Context
from bot.pipeline.router import Router, payload
from bot.pipeline.types import Button, Reply

router = Router("language")


def language_buttons() -> list[list[Button]]:
    return [[Button(LANGUAGE_NAMES[code], payload("lang", code))] for code in LOCALES]


@router.command("language", N_("Choose your language"))
async def language(ctx: Context, args: str) -> Reply:
    if not args:
        return Reply.of(ctx._("Choose your language:"), language_buttons())
    return await choose(ctx, args)


@router.button("lang")
async def language_button(ctx: Context, args: list[str]) -> Reply:
    if not args:
        return Reply.of(ctx._("Choose your language:"), language_buttons())
    return await choose(ctx, args[0])


async def choose(ctx: Context, code: str) -> Reply:
    locale = normalize_locale(code)
    if locale is None:
        return Reply.of(ctx._("I don't speak that language yet. Choose one of these:"),
                        language_buttons())
    await ctx.store.set_locale(ctx.person.id, locale)
    ctx.person.locale = locale
    t = ctx.core.translator(locale)
    return Reply.of(t.gettext("From now on I will write to you in English."))
