"""/admin add|remove|list: admins grant and revoke the admin role by chat; all of it audited."""

from __future__ import annotations

import logging

from bot.i18n.translator import N_
from bot.pipeline.context import Context
from bot.pipeline.router import Router
from bot.pipeline.types import Reply, code, fmt

router = Router("admin")
log = logging.getLogger(__name__)
PLATFORMS = ("telegram", "matrix", "console")


def actor(ctx: Context) -> str:
    return f"{ctx.message.platform}:{ctx.message.user_id}"


def parse_identity(text: str) -> tuple[str, str] | None:
    platform, _, user_id = text.strip().partition(":")
    if platform not in PLATFORMS or not user_id or len(user_id) > 255 or " " in user_id:
        return None
    return platform, user_id


@router.command("admin", N_("Manage admins: /admin add|remove|list"), admin=True)
async def admin_command(ctx: Context, args: str) -> Reply:
    action, _, rest = args.partition(" ")
    if action == "list":
        return await list_admins(ctx)
    if action in ("add", "remove"):
        identity = parse_identity(rest)
        if identity is None:
            return Reply.of(fmt(ctx._("Name the person as platform:id, for example {example}."),
                                example=code("telegram:123456")))
        return await (grant(ctx, *identity) if action == "add" else revoke(ctx, *identity))
    return Reply.of(ctx._("Use /admin add platform:id, /admin remove platform:id or "
                          "/admin list."))


async def grant(ctx: Context, platform: str, user_id: str) -> Reply:
    identity = f"{platform}:{user_id}"
    if identity in ctx.config.admins or not await ctx.store.grant_admin(
            platform, user_id, actor(ctx), ctx.now()):
        return Reply.of(fmt(ctx._("{who} is already an admin."), who=code(identity)))
    await ctx.store.audit(actor(ctx), "admin.grant", identity, ctx.now())
    return Reply.of(fmt(ctx._("{who} is now an admin."), who=code(identity)))


async def revoke(ctx: Context, platform: str, user_id: str) -> Reply:
    identity = f"{platform}:{user_id}"
    if identity in ctx.config.admins:
        return Reply.of(fmt(ctx._("{who} is an admin by configuration (CIVICBOT_ADMINS); "
                                  "change it there."), who=code(identity)))
    if not await ctx.store.revoke_admin(platform, user_id):
        return Reply.of(fmt(ctx._("{who} is not an admin."), who=code(identity)))
    await ctx.store.audit(actor(ctx), "admin.revoke", identity, ctx.now())
    return Reply.of(fmt(ctx._("{who} is no longer an admin."), who=code(identity)))


async def list_admins(ctx: Context) -> Reply:
    lines = [ctx._("Admins:")]
    lines += [f"{identity} ({ctx._('configured')})" for identity in ctx.config.admins]
    for role in await ctx.store.list_admin_roles():
        lines.append(f"{role.platform}:{role.user_id} ({ctx._('granted by')} {role.granted_by})")
    return Reply.of("\n".join(lines))
