"""How failed sign-ins are limited: a back-off per account and client address, and per address.

Why this shape: a limit per email alone lets anyone keep a person from signing in, forever, by
guessing their password from anywhere (five wrong passwords every quarter hour); no limit lets a
guesser try without end. So failures count per account *and* client address, and per address
over every email (one address trying many accounts): each key gets a few free failures, then
waits that double up to a ceiling, from its own latest failure. The person, from their own
address, is never held by someone else's guesses. Failures live in ``login_attempts`` (the
database, so every worker sees them) and are forgotten after :data:`FAILURE_MEMORY`; a refused
try writes nothing, so a key holds a bounded number of rows.

Many addresses guessing at one account together (a botnet, the /64s of an IPv6 /48) are held
by a third key, the account over every address, with its own allowance
(:data:`MAX_ACCOUNT_FAILURES`); it counts and holds only clients the account does not know. A
browser the account signed in from before carries a device cookie
(:func:`heavylegs.web.auth.set_device_cookie`) and is never held by it, so the person still
signs in from their own devices during such an attack (and from a new one, once a
:data:`FAILURE_WINDOW`).
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from heavylegs.store.account_rows import LoginAttemptRow

MAX_FAILURES = 5
"""Failed sign-ins of one account from one client address before the back-off starts."""
MAX_CLIENT_FAILURES = 30
"""Failed sign-ins of one client address, over every email, before its back-off starts (one
address trying many accounts; a clinic's shared address still has room for typos)."""
MAX_ACCOUNT_FAILURES = 50
"""Failed sign-ins of one account from clients it does not know, over every address, before
those clients back off (one per :data:`FAILURE_WINDOW` at most)."""
FIRST_WAIT = timedelta(minutes=1)
FAILURE_WINDOW = timedelta(minutes=15)
"""The ceiling of the back-off: the longest wait after a failure, however many there were."""
FAILURE_MEMORY = timedelta(hours=24)
"""How long a failure counts (until a success from that address and account clears it)."""


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def client_group(client: str) -> str:
    """The client a failure is counted against: its IPv4 address, or an IPv6 address's /64.

    Why the /64: one household or server is given a whole /64 and may use any of its 2**64
    addresses; counted one by one, a new address a guess would mean no limit at all.
    """
    try:
        address = ipaddress.ip_address(client.strip("[]"))
    except ValueError:
        return client
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def failure_keys(email: str, client: str) -> tuple[str, str]:
    """The keys a failed sign-in is counted under: this account from this client address, and
    this client address (over every email); an address is its :func:`client_group`.
    ``email``: as :func:`heavylegs.store.accounts.folded_email` folds it."""
    client = client_group(client)
    return (
        _digest("email+client:" + email + "\n" + client),
        _digest("client:" + client),
    )


def account_key(email: str) -> str:
    """The key of the account over every address (unknown clients only); ``email`` folded."""
    return _digest("email:" + email)


def password_key(account_id: int, client: str) -> str:
    """The key a wrong old password on the password change is counted under (not the
    sign-in's: whoever holds a stolen session must not be able to hold the owner's sign-in,
    nor the owner's own change of password, which would end that session)."""
    return _digest(f"password:{account_id}\n{client_group(client)}")


def backoff(failures: int, free: int) -> timedelta | None:
    """How long after the latest of ``failures`` the next try must wait: nothing for the first
    ``free``, then :data:`FIRST_WAIT` doubling with each further failure, at most
    :data:`FAILURE_WINDOW`."""
    if failures < free:
        return None
    wait: timedelta = FIRST_WAIT * 2 ** min(failures - free, 16)
    return min(FAILURE_WINDOW, wait)


def retry_after(session: Session, limits: tuple[tuple[str, int], ...], now: datetime) -> int | None:
    """Seconds until a sign-in may be tried again, ``None`` when it may now. ``limits``: each
    key with its free failures (:func:`backoff`)."""
    waits = []
    for key, free in limits:
        times = session.scalars(
            select(LoginAttemptRow.at)
            .where(LoginAttemptRow.key_sha256 == key, LoginAttemptRow.at > now - FAILURE_MEMORY)
            .order_by(LoginAttemptRow.at.desc())
        ).all()  # a refused try writes nothing, so a key holds a few hundred rows at most
        wait = backoff(len(times), free)
        if wait is not None and times[0] + wait > now:
            waits.append(max(1, math.ceil((times[0] + wait - now).total_seconds())))
    return max(waits) if waits else None
