"""PDF printouts with long text (issue 15 item 9): each printout of a record whose text
fields hold 20,000 characters in all, timed end to end (template, fallback glyphs,
WeasyPrint), the first call apart (it loads WeasyPrint and the font tables). Wall and CPU
time are both printed: on a shared machine the CPU time is the figure that carries over.

    .venv/bin/python -m bench.pdf_printouts [--repeat 3] [--out var/bench-pdf]

Runs against a throw-away SQLite database; writes the PDFs to --out for a look with
pdftoppm.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

TEXT_CHARS = 20_000
SAMPLE = (
    "長男は自室にこもりがちで、母の通院の付き添いは近所の知人が担っている。😀👍🏽\ue000髙𠮷。\n"
)


def _long_text(chars: int) -> str:
    return (SAMPLE * (chars // len(SAMPLE) + 1))[:chars]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", default="var/bench-pdf")
    args = parser.parse_args()
    db = Path(tempfile.mkdtemp()) / "bench.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tsunagu.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    world = _world()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    print(f"text per record: {TEXT_CHARS} characters; {args.repeat} runs after a first call")
    for name, render in world.items():
        started, cpu = time.perf_counter(), time.process_time()
        data = render()
        first = time.perf_counter() - started, time.process_time() - cpu
        runs = []
        for _ in range(args.repeat):
            started, cpu = time.perf_counter(), time.process_time()
            render()
            runs.append((time.perf_counter() - started, time.process_time() - cpu))
        (out / f"{name}.pdf").write_bytes(data)
        wall = [w for w, _ in runs]
        cpus = [c for _, c in runs]
        print(
            f"{name:11s} first {first[0]:5.2f} s (cpu {first[1]:5.2f})  "
            f"median {statistics.median(wall):5.2f} s (cpu {statistics.median(cpus):5.2f})  "
            f"max {max(wall):5.2f} s (cpu {max(cpus):5.2f})  {len(data) // 1024} KiB"
        )


def _world() -> dict:
    """A case with a 20,000-character assessment, plan and notes; the meeting minutes."""
    import datetime

    from django.test import RequestFactory
    from django.utils import timezone

    from tsunagu.accounts.models import Membership, Role, User
    from tsunagu.coordination import actions, printouts
    from tsunagu.coordination.models import Stage
    from tsunagu.coordination.tests.conftest import ASSESSMENT_DATA, give_consent
    from tsunagu.intake import actions as intake
    from tsunagu.intake.tests.factories import details
    from tsunagu.meetings import actions as meetings
    from tsunagu.meetings import views as meeting_views
    from tsunagu.municipality.models import Agency, MeetingBody, Municipality

    m = Municipality.objects.create(slug="bench", name="ベンチ町", prefecture="鳥取県")
    agencies = {
        key: Agency.objects.create(municipality=m, name=name, kind=kind)
        for key, name, kind in [
            ("owner", "地域包括支援センター", Agency.Kind.AGENCY),
            ("partner", "障がい者相談支援センター", Agency.Kind.AGENCY),
            ("coordinating", "社会福祉協議会", Agency.Kind.ORGANISATION),
        ]
    }
    m.settings = {"coordinating_agency": agencies["coordinating"].name}
    m.save()
    coordinator = User.objects.create_user("csw", display_name="協働 四郎")
    Membership.objects.create(
        user=coordinator, agency=agencies["coordinating"], role=Role.COORDINATOR
    )
    owner = User.objects.create_user("owner", display_name="包括 一郎")
    Membership.objects.create(user=owner, agency=agencies["owner"], role=Role.COUNSELLOR)
    consultation = intake.take_consultation(
        staff=owner,
        agency=agencies["owner"],
        details=details(),
        new_person=intake.NewPerson(
            family_name="山田", given_name="花子", birth_date=datetime.date(1944, 5, 1)
        ),
    )
    request = intake.request_coordination(
        requested_by=owner, consultation=consultation, reason="8050"
    )
    case = actions.accept_and_open(request=request, coordinator=coordinator)
    town = type("T", (), {"partner_agency": agencies["partner"], "owner_agency": agencies["owner"]})
    give_consent(case, coordinator, town)
    case = actions.transition(case=case, to=Stage.PREPARATION, by=coordinator)
    case = actions.transition(case=case, to=Stage.ASSESSMENT, by=coordinator)
    share = TEXT_CHARS // 4
    assessment = actions.save_assessment(
        case=case,
        by=coordinator,
        data={
            **ASSESSMENT_DATA,
            "life_history": _long_text(share),
            "health": _long_text(share),
            "person_wishes": _long_text(share),
            "strengths": _long_text(share),
        },
        members=[{"name": "山田 花子", "relation": "本人"}],
        problems=[{"issue": "孤立", "background": "長い経過", "priority": 1}],
    )
    case = actions.transition(case=case, to=Stage.PLANNING, by=coordinator)
    plan = actions.start_plan(case=case, by=coordinator)
    actions.update_plan(
        plan=plan,
        by=coordinator,
        expected_version=plan.lock_version,
        data={"persons_words": _long_text(share * 2), "direction": _long_text(share * 2)},
        assignments=[{"issue": "社会参加", "what": "訪問", "agency": agencies["partner"]}],
    )
    for day in range(20):
        actions.add_note(
            case=case,
            by=coordinator,
            data={
                "date": timezone.localdate() - datetime.timedelta(days=day),
                "means": "visit",
                "content": _long_text(TEXT_CHARS // 20),
            },
        )
    body = MeetingBody.objects.create(
        municipality=m,
        name="重層的支援会議",
        functions=["coordination"],
        consent_rule="required",
        convener=agencies["coordinating"],
    )
    body.members.set([agencies["coordinating"]])
    session = meetings.create_session(
        user=coordinator, body=body, date=timezone.localdate(), place="役場"
    )
    meetings.save_minutes(user=coordinator, session=session, text=_long_text(TEXT_CHARS))
    rf = RequestFactory()

    def get(view, pk):
        request = rf.get("/")
        request.user = coordinator
        return lambda: view(request, pk).content

    return {
        "assessment": get(printouts.assessment_pdf, assessment.pk),
        "plan": get(printouts.plan_pdf, plan.pk),
        "notes": get(printouts.notes_pdf, case.pk),
        "minutes": get(meeting_views.minutes_pdf, session.pk),
    }


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
