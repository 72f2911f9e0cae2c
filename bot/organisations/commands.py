"""`cpdbot org create | list | invite | grant`: what an operator does from the shell.

Each prints what it made as its last line (an id, a link), so scripts can read it. The bot's
username for links is asked of Telegram by the caller and handed in.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Awaitable, Callable

from bot.organisations import members, tree
from bot.organisations.tree import OrganisationError
from storage.engine import Database
from storage.vocabulary import Role

ACTOR = "cli"


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    org = commands.add_parser("org", help="organisations: create, list, invite, grant roles")
    org.add_argument("--config", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    actions = org.add_subparsers(dest="org_command", required=True)
    create = actions.add_parser("create", help="a new organisation; prints its id last")
    create.add_argument("name")
    create.add_argument("--parent", type=int, metavar="ID", help="the organisation above it")
    create.add_argument("--country", metavar="CC", help="two-letter ISO code, e.g. UA")
    create.add_argument("--framework", metavar="ID", help="a default framework for members")
    create.add_argument("--zone", metavar="IANA", help="time zone, e.g. Europe/Kyiv")
    create.add_argument("--approval", action="store_true",
                        help="joining by an open link waits for an officer's approval")
    actions.add_parser("list", help="every organisation, as a tree")
    invite = actions.add_parser("invite", help="a join link; prints the link last")
    invite.add_argument("organisation", type=int, metavar="ORG")
    invite.add_argument("--days", type=int, help="expires after this many days")
    invite.add_argument("--uses", type=int, help="good for this many joins")
    grant = actions.add_parser("grant", help="give someone a role in an organisation")
    grant.add_argument("organisation", type=int, metavar="ORG")
    grant.add_argument("telegram_id", type=int, metavar="TELEGRAM_ID")
    grant.add_argument("role", choices=[role.value for role in Role])
    for sub in (create, invite, grant):
        sub.add_argument("--config", default=argparse.SUPPRESS, help=argparse.SUPPRESS)


async def run(db: Database, args: argparse.Namespace,
              bot_username: Callable[[], Awaitable[str | None]]) -> int:
    """The org command's exit code: 0 done, 2 a request that cannot be met (said why)."""
    try:
        if args.org_command == "create":
            organisation = await tree.create(
                db, args.name, ACTOR, args.parent, args.country, args.framework, args.zone,
                args.approval)
            print(f"created {await tree.path_name(db, organisation)}")
            print(organisation.id)
        elif args.org_command == "list":
            for node in await tree.all_nodes(db):
                print(f"{node.organisation.id}\t{'  ' * node.depth}{node.organisation.name}"
                      f"\t{node.organisation.country or ''}")
        elif args.org_command == "invite":
            username = await bot_username()
            if username is None:
                print("cpdbot: org invite needs TELEGRAM_BOT_TOKEN to know the bot's username",
                      file=sys.stderr)
                return 2
            invite = await members.create_invite(db, args.organisation, ACTOR, days=args.days,
                                                 max_uses=args.uses)
            print(members.link(username, invite.code))
        elif args.org_command == "grant":
            await members.grant(db, args.organisation, args.telegram_id, Role(args.role), ACTOR)
            print(f"{args.telegram_id} is now {args.role} of organisation {args.organisation}")
    except OrganisationError as problem:
        print(f"cpdbot: org {args.org_command}: {problem}", file=sys.stderr)
        return 2
    return 0
