"""``heavylegs users``: invite people to a server-mode deployment and list its accounts.

Sign-up is by invitation only: ``users invite EMAIL --role …`` prints a one-time code that the
person types on the sign-up page (or posts to ``/api/v1/auth/signup``). A thin face over
:mod:`heavylegs.store.accounts`.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from heavylegs.cli.output import DbOption, console, guard, now, open_db, print_json

users_app = typer.Typer(
    help="Server accounts: invite, list, reset, disable.",
    no_args_is_help=True,
)


@users_app.command("invite")
def invite(
    email: Annotated[str, typer.Argument(help="The email address the invite is for.")],
    role: Annotated[
        str,
        typer.Option("--role", metavar="person|clinician|admin", help="What the account may do."),
    ] = "person",
    db: DbOption = None,
) -> None:
    """Make a one-time sign-up code for EMAIL (valid 7 days) and print it."""
    from heavylegs.store.accounts import INVITE_LIFETIME, create_invite

    with guard(), open_db(db, creates=True) as store:
        code = create_invite(store, email, role, now())
    sys.stdout.write(code + "\n")
    days = INVITE_LIFETIME.days
    sys.stderr.write(
        f"one-time {role} invite for {email.strip().lower()}, valid {days} days; "
        "give it to them over a channel you trust\n"
    )


@users_app.command("list")
def list_users(
    json_output: Annotated[
        bool, typer.Option("--json", help="Print the accounts as JSON.")
    ] = False,
    db: DbOption = None,
) -> None:
    """List every account: id, email and role."""
    from heavylegs.store.accounts import list_accounts

    with guard(), open_db(db) as store:
        accounts = list_accounts(store)
    if json_output:
        rows = [{"id": a.id, "email": a.email, "role": a.role.value} for a in accounts]
        print_json(rows)
        return
    out = console()
    for a in accounts:
        out.print(f"{a.id:>5}  {a.role.value:<10} {a.email}", markup=False)


@users_app.command("reset")
def reset(
    email: Annotated[str, typer.Argument(help="The account's email address.")],
    db: DbOption = None,
) -> None:
    """Take EMAIL's password away (every session and API token ends now) and print a one-time
    code to set a new one on the sign-up page; the account's data and shares stay."""
    from heavylegs.store.accounts import INVITE_LIFETIME, reset_account

    with guard(), open_db(db) as store:
        code = reset_account(store, email, now())
    sys.stdout.write(f"{code}\n")
    sys.stderr.write(
        f"signed out everywhere; a one-time code to set a new password on /signup, valid "
        f"{INVITE_LIFETIME.days} days; give it to them over a channel you trust\n"
    )


@users_app.command("disable")
def disable(
    email: Annotated[str, typer.Argument(help="The account's email address.")],
    db: DbOption = None,
) -> None:
    """Shut EMAIL out now: password taken away, every session and API token ended, every share
    to them (as a clinician) revoked. Their own data stays; ``users reset`` lets them back."""
    from heavylegs.store.accounts import reset_account

    with guard(), open_db(db) as store:
        reset_account(store, email, now(), disable=True)
    sys.stderr.write("disabled: signed out everywhere, shares to them revoked\n")


def register(app: typer.Typer) -> None:
    """Add the ``users`` group to ``app`` (called by ``heavylegs.cli.main``)."""
    app.add_typer(users_app, name="users")
