"""Platform-neutral wording of a just-in-time grant: the approval card's "Access" line and App Home's access lists.

Written once against a :class:`~opsgate.cards.markup.Markup` dialect, like :mod:`opsgate.cards.text`. Times are
shown in UTC (``2026-06-09 19:30 UTC``) and "time left" is counted from the view's ``as_of``: a card is only
re-rendered when the grant changes (granted, the expiry warning, ended), so it says how much was left *when it
was updated*, never pretends to be live.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from .markup import PLAIN, Markup, plain_time, utc
from .views import GrantView

LATE_AFTER = timedelta(seconds=60)  # a revocation later than this says how late it was (the poll takes seconds)
RESOURCE_TEXT = 100  # catalog names are at most 100 characters (store/models.py JitResource.name)
ACTIVE_EMOJI, ENDING_EMOJI, ENDED_EMOJI = "🔓", "⏳", "🔒"


def span(value: timedelta) -> str:
    """A duration in its two largest units, seconds only under 10 minutes: ``2d 3h``, ``1h 58m``, ``47m``,
    ``9m 30s``, ``45s`` (never negative; cut, not rounded, so it never promises more time than is left)."""
    seconds = max(0, int(value.total_seconds()))
    units = (
        (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)) if seconds < 600 else (("d", 86400), ("h", 3600), ("m", 60))
    )
    parts: list[str] = []
    for unit, size in units:
        if seconds >= size:
            parts.append(f"{seconds // size}{unit}")
            seconds %= size
    return " ".join(parts[:2]) or "0s"


def _when(value: datetime | None) -> str:
    return plain_time(value) if value is not None else "an unknown time"


def time_left(grant: GrantView) -> timedelta | None:
    """What was left of an active grant at ``as_of``; ``None`` for any other state."""
    if grant.status != "active" or grant.due_at is None:
        return None
    return utc(grant.due_at) - utc(grant.as_of)


def ending(grant: GrantView) -> bool:
    """Active but already due (released, revoked early, or its time is up): the revoker removes it at its next
    poll, so nobody should be offered to end it again."""
    left = time_left(grant)
    return left is not None and left <= timedelta(0)


def resource_label(grant: GrantView, md: Markup = PLAIN) -> str:
    return md.fit(grant.resource, RESOURCE_TEXT)


def _early(grant: GrantView, md: Markup, *, at: bool = True) -> str:
    verb = "released early" if grant.ended_early == "released" else "revoked early"
    by = f" by {md.actor(grant.ended_early_by)}" if grant.ended_early_by else ""
    when = f" at {_when(grant.ended_early_at)}" if at and grant.ended_early_at else ""
    return f"{verb}{by}{when}"


def state_line(grant: GrantView, md: Markup = PLAIN) -> str | None:
    """The card's "Access" line, or ``None`` while nothing was granted (requested, denied, expired, cancelled:
    the run's own status says it all).

    * active: ``Active until 2026-06-09 19:30 UTC (1h 58m left when this card was updated)``
    * active but due: ``Ending now: released early by @mia at …; the access is being removed.``
    * revoked: ``Ended 2026-06-09 19:31 UTC (due 2026-06-09 19:30 UTC, 1m 12s late)`` — lateness only when over
      60 s; after a release or an early revoke, who did it and the end that had been approved.
    """
    if grant.status == "active":
        left = time_left(grant)
        if left is None:
            return None
        if left > timedelta(0):
            return (
                f"{ACTIVE_EMOJI} {md.bold('Active')} until {_when(grant.due_at)} "
                f"({span(left)} left when this card was updated)"
            )
        why = _early(grant, md) if grant.ended_early else f"it was due {_when(grant.due_at)}"
        return f"{ENDING_EMOJI} {md.bold('Ending now')}: {why}; the access is being removed."
    if grant.status != "revoked":
        return None
    ended = f"{ENDED_EMOJI} {md.bold('Ended')} {_when(grant.revoked_at)}"
    late = utc(grant.revoked_at) - utc(grant.due_at) if grant.revoked_at and grant.due_at else timedelta(0)
    if grant.ended_early:
        later = f", removed {span(late)} later" if late > LATE_AFTER else ""
        planned = f" (it was due {_when(grant.was_due_at)})" if grant.was_due_at else ""
        same_minute = _when(grant.ended_early_at) == _when(grant.revoked_at)  # "Ended 18:10: released at 18:10"
        return f"{ended}: {_early(grant, md, at=not same_minute)}{later}{planned}"
    lateness = f", {span(late)} late" if late > LATE_AFTER else ""
    return f"{ended} (due {_when(grant.due_at)}{lateness})"


def home_line(grant: GrantView, md: Markup = PLAIN, *, holder: bool = False) -> str:
    """One grant in App Home: ``🔓 *prod-admin* · until 2026-06-09 19:30 UTC · 1h 58m left · grant 12``.

    ``holder`` adds who holds it (the approvers' org-wide list)."""
    parts = [f"{ACTIVE_EMOJI if not ending(grant) else ENDING_EMOJI} {md.bold(resource_label(grant, md))}"]
    if holder:
        who = md.actor(grant.requester_label) if grant.requester_label else ""
        email = md.fit(grant.requester_email, 320) if grant.requester_email else ""
        parts.append(f"{who} ({email})" if who and email and email not in who else who or email)
    if ending(grant):
        parts.append(f"ending now: {_early(grant, md)}" if grant.ended_early else "ending now")
    else:
        left = time_left(grant)
        parts.append(f"until {_when(grant.due_at)}")
        if left is not None:
            parts.append(f"{span(left)} left")
    if grant.grant_id is not None:
        parts.append(f"grant {grant.grant_id}")
    return " · ".join(p for p in parts if p)
