"""What the 支援会議 sharing rule costs the person queries (decision record 0006).

Builds, in a throw-away SQLite database, one municipality with many persons, cases, and
支援会議 sessions, then times ``visible_persons`` / ``can_view_person`` for a pledged
attendee and for a user who attends nothing.

    .venv/bin/python bench/meetings_sharing.py [--sessions 2000] [--persons 20000]
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tsunagu.settings")
os.environ["TSUNAGU_VAR_DIR"] = tempfile.mkdtemp(prefix="tsunagu-bench-")
os.environ.pop("DATABASE_URL", None)

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from tsunagu.access import policy  # noqa: E402
from tsunagu.access.models import Involvement  # noqa: E402
from tsunagu.accounts.models import Membership, User  # noqa: E402
from tsunagu.coordination.models import Case  # noqa: E402
from tsunagu.meetings.models import AgendaItem, Attendance, MeetingSession, Pledge  # noqa: E402
from tsunagu.municipality.models import Agency, MeetingBody, Municipality  # noqa: E402
from tsunagu.people.models import Person  # noqa: E402


def build(n_sessions: int, n_persons: int):
    m = Municipality.objects.create(slug="bench", name="ベンチ市")
    agencies = [
        Agency.objects.create(municipality=m, kind="agency", name=f"機関{i}") for i in range(20)
    ]
    coord = agencies[0]
    attendee = User.objects.create_user("attendee")
    Membership.objects.create(user=attendee, agency=agencies[1], role="counsellor")
    bystander = User.objects.create_user("bystander")
    Membership.objects.create(user=bystander, agency=agencies[2], role="counsellor")
    persons = Person.objects.bulk_create(
        Person(municipality=m, family_name=f"氏{i}", registered_by=agencies[i % 20])
        for i in range(n_persons)
    )
    Involvement.objects.bulk_create(
        Involvement(person=p, agency=agencies[i % 20], source="registered")
        for i, p in enumerate(persons)
    )
    cases = Case.objects.bulk_create(
        Case(
            municipality=m,
            focus_person=persons[i * 7 % n_persons],
            coordinator=attendee,
            coordinating_agency=coord,
            title=f"事例{i}",
            opened_at=timezone.now(),
        )
        for i in range(n_sessions)
    )
    body = MeetingBody.objects.create(
        municipality=m, name="支援会議", functions=["confidential"], consent_rule="not_required"
    )
    Pledge.objects.create(user=attendee, body=body, signed_on=datetime.date(2020, 1, 1))
    start = datetime.date(2021, 1, 1)
    sessions = MeetingSession.objects.bulk_create(
        MeetingSession(
            body=body,
            date=start + datetime.timedelta(days=i),
            convener=coord,
            status="held",
            confidential=True,
            created_by=attendee,
        )
        for i in range(n_sessions)
    )
    Attendance.objects.bulk_create(
        Attendance(session=s, user=attendee, agency=agencies[1]) for s in sessions
    )
    AgendaItem.objects.bulk_create(
        AgendaItem(
            session=s, kind="case", title="事例", function="confidential", case=c, added_by=attendee
        )
        for s, c in zip(sessions, cases, strict=True)
    )
    return attendee, bystander, persons


def timed(label: str, fn, repeat: int = 20) -> None:
    fn()
    t0 = time.perf_counter()
    for _ in range(repeat):
        fn()
    print(f"{label:55s} {(time.perf_counter() - t0) / repeat * 1000:8.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=2000)
    parser.add_argument("--persons", type=int, default=20000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    attendee, bystander, persons = build(args.sessions, args.persons)
    last_case_person = Case.objects.order_by("-pk").first().focus_person
    print(f"{args.persons} persons, {args.sessions} 支援会議 sessions (SQLite)")
    for user in (attendee, bystander):
        name = user.username
        timed(
            f"{name}: visible_persons().count()", lambda u=user: policy.visible_persons(u).count()
        )
        timed(
            f"{name}: visible_persons() first page of 50",
            lambda u=user: list(policy.visible_persons(u).order_by("pk")[:50]),
        )
        timed(
            f"{name}: can_view_person(shared person)",
            lambda u=user: policy.can_view_person(u, last_case_person),
        )
        timed(
            f"{name}: can_view_person(other person)",
            lambda u=user: policy.can_view_person(u, persons[1]),
        )
    print("shared now:", policy.meeting_shared_persons(attendee).count(), "person(s)")


if __name__ == "__main__":
    main()
