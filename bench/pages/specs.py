"""The key pages and their hand-written SQL twins.

Each page names: how to pick sample URLs (ids visible to the benchmark user), and a
function fetching the same data the page shows with plain SQL through psycopg, which is the
floor the page's server time is compared with (app/SQL ratio).

A twin does in SQL what the page must do for its user, no more: every row and column the
page shows (the same lists, limits and counts), the access rule that decides which rows
those are, and — added by ``full_twin`` — what every logged-in request reads (session,
user, memberships) and, for pages showing personal data, the audit event it must append
(hash-chained, committed). It leaves out what an ORM adds on its own (unused columns,
repeated lookups): that difference is what the ratio measures.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

TOKYO = ZoneInfo("Asia/Tokyo")


@dataclass
class PageContext:
    username: str
    user_id: int
    agency_id: int
    municipality_id: int
    usernames: list[str]
    counts: dict
    coordinator: str = ""
    coordinator_agency_id: int = 0
    coordinator_id: int = 0

    @classmethod
    def build(cls, conn) -> PageContext:
        # The counsellor of the agency with the most consultations: the heaviest inbox.
        agency_id, municipality_id = conn.execute(
            "select agency_id, municipality_id from intake_consultation"
            " group by agency_id, municipality_id order by count(*) desc limit 1"
        ).fetchone()
        user_id, username = conn.execute(
            "select u.id, u.username from accounts_user u join accounts_membership m on m.user_id = u.id"
            " where m.agency_id = %s and m.role = 'counsellor' order by u.id limit 1",
            [agency_id],
        ).fetchone()
        usernames = [
            r[0]
            for r in conn.execute(
                "select distinct u.username from accounts_user u join accounts_membership m on m.user_id = u.id"
                " join intake_consultation c on c.agency_id = m.agency_id where m.role = 'counsellor'"
            ).fetchall()
        ]
        counts = {
            t: conn.execute(f"select count(*) from {t}").fetchone()[0]
            for t in ("people_person", "intake_consultation", "intake_referral")
        }
        row = conn.execute(
            "select u.username, m.agency_id, u.id from coordination_case c"
            " join accounts_membership m on m.agency_id = c.coordinating_agency_id and m.role = 'coordinator'"
            " join accounts_user u on u.id = m.user_id order by c.id limit 1"
        ).fetchone()
        coordinator, coordinator_agency_id, coordinator_id = row or ("", 0, 0)
        return cls(
            username,
            user_id,
            agency_id,
            municipality_id,
            usernames,
            counts,
            coordinator,
            coordinator_agency_id,
            coordinator_id,
        )


@dataclass
class Page:
    name: str
    samples: Callable  # (conn, ctx) -> (urls, sql_args)
    sql: Callable  # (conn, *args) -> rows
    as_coordinator: bool = False  # case pages are read by the coordinating agency
    audit: tuple[str, str] | None = None  # (action, object type) of the page's audit event


def request_sql(conn, session_key: str, user_id: int):
    """What every logged-in page reads first: the session, the user, their memberships."""
    session = conn.execute(
        "select session_data from django_session where session_key = %s and expire_date > now()",
        [session_key],
    ).fetchone()
    user = conn.execute(
        "select id, username, display_name, is_active from accounts_user where id = %s",
        [user_id],
    ).fetchone()
    memberships = conn.execute(
        "select m.agency_id, m.role, a.name from accounts_membership m"
        " join municipality_agency a on a.id = m.agency_id where m.user_id = %s and m.active",
        [user_id],
    ).fetchall()
    return session, user, memberships


def audit_sql(conn, user_id: int, agency_id: int, action: str, object_type: str, object_id):
    """Append one hash-chained audit event and commit, as access.audit.log does."""
    with conn.transaction():
        prev_hash = conn.execute(
            "select hash from access_auditchainhead where id = 1 for update"
        ).fetchone()[0]
        at = datetime.now(UTC)
        fields = {
            "at": at.isoformat(),
            "user": user_id,
            "agency": agency_id,
            "action": action,
            "object_type": object_type,
            "object_id": str(object_id),
            "person_id": None,
            "purpose": "",
            "detail": {},
        }
        payload = json.dumps(fields, ensure_ascii=False, sort_keys=True, default=str)
        digest = hashlib.sha256((prev_hash + payload).encode()).hexdigest()
        event_id = conn.execute(
            "insert into access_auditevent (at, user_id, agency_id, action, object_type,"
            " object_id, person_id, purpose, detail, prev_hash, hash)"
            " values (%s, %s, %s, %s, %s, %s, null, '', '{}', %s, %s) returning id",
            [at, user_id, agency_id, action, object_type, str(object_id), prev_hash, digest],
        ).fetchone()[0]
        conn.execute(
            "update access_auditchainhead set last_event_id = %s, hash = %s where id = 1",
            [event_id, digest],
        )


def full_twin(page: Page, session_key: str, user_id: int, agency_id: int):
    """The page's twin preceded by the request's reads and followed by its audit event."""

    def run(conn, *args):
        request_sql(conn, session_key, user_id)
        rows = page.sql(conn, *args)
        if page.audit:
            action, object_type = page.audit
            object_id = args[0] if action == "view" else ""
            audit_sql(conn, user_id, agency_id, action, object_type, object_id)
        return rows

    return run


def structure_samples(conn, ctx):
    return ["/municipality/structure/"], [(ctx.municipality_id,)]


def structure_sql(conn, municipality_id):
    head = conn.execute(
        "select name, prefecture, plan_title, plan_start_fy, plan_end_fy"
        " from municipality_municipality where id = %s",
        [municipality_id],
    ).fetchone()
    rows = conn.execute(
        """
        select p.project, p.sub_item, p.field, p.name, p.variant, a.name, a.formal_name, d.sites,
               d.sites_note, d.operating_form, o.formal_name, d.service_area
        from municipality_programme p
        join municipality_delivery d on d.programme_id = p.id
        left join municipality_agency a on a.id = d.agency_id
        left join municipality_agency o on o.id = d.operator_id
        where p.municipality_id = %s and p.in_profile
        order by p.order, d.order
        """,
        [municipality_id],
    ).fetchall()
    departments = conn.execute(
        "select l.programme_id, dep.name from municipality_programmedepartment l"
        " join municipality_programme p on p.id = l.programme_id"
        " join municipality_agency dep on dep.id = l.department_id"
        " where p.municipality_id = %s and p.in_profile order by l.programme_id, l.order",
        [municipality_id],
    ).fetchall()
    return head, rows, departments


PAGES = [
    Page("実施体制", structure_samples, structure_sql, audit=None),
]


# --- 受信箱 (inbox): five lists of 20 (one more row read to show 「もっと見る」) ------------
UNANSWERED = "('sent', 'received')"
INBOX_SQL = [
    f"""select t.id, t.due_on, t.status, r.id, r.sent_at, s.name, a.name, p.family_name, p.given_name
       from intake_recipienttask t join intake_referral r on r.id = t.referral_id
       join municipality_agency s on s.id = r.sender_agency_id join people_person p on p.id = r.person_id
       join municipality_agency a on a.id = t.agency_id
       where t.agency_id = %(agency)s and t.status in {UNANSWERED} order by t.due_on, t.id limit 21""",
    f"""select t.id, t.due_on, t.status, p.family_name, p.given_name, a.name from intake_recipienttask t
       join intake_referral r on r.id = t.referral_id join people_person p on p.id = r.person_id
       join municipality_agency a on a.id = t.agency_id
       where r.sender_agency_id = %(agency)s and t.status in {UNANSWERED} and t.due_on < %(today)s
       order by t.due_on, t.id limit 21""",
    """select c.id, c.received_at, c.household_id, c.next_step, c.next_step_due, p.family_name,
              p.given_name
       from intake_consultation c join people_person p on p.id = c.person_id
       where c.agency_id = %(agency)s and c.closed_at is null and c.staff_id = %(user)s
       order by c.received_at desc, c.id desc limit 21""",
    """select n.id, n.next_date, n.means, c.id, p.family_name, p.given_name from intake_progressnote n
       join intake_consultation c on c.id = n.consultation_id join people_person p on p.id = c.person_id
       where c.agency_id = %(agency)s and c.closed_at is null
       and n.next_date between %(today)s and %(week_end)s order by n.next_date, n.id limit 21""",
    """select c.id, c.next_step, c.next_step_due, p.family_name, p.given_name from intake_consultation c
       join people_person p on p.id = c.person_id
       where c.agency_id = %(agency)s and c.closed_at is null and c.next_step_due <= %(week_end)s
       order by c.next_step_due, c.id limit 21""",
]
ELSEWHERE_SQL = """select distinct c.household_id, a.name from intake_consultation c
    join municipality_agency a on a.id = c.agency_id
    where c.closed_at is null and c.household_id = any(%s) and c.agency_id <> %s order by 1, 2"""


def inbox_samples(conn, ctx):
    return ["/intake/inbox/"], [(ctx.agency_id, ctx.user_id)]


def inbox_sql(conn, agency_id, user_id):
    today = datetime.now(TOKYO).date()
    week_end = today + timedelta(days=6 - today.weekday())
    params = {"agency": agency_id, "user": user_id, "today": today, "week_end": week_end}
    lists = [conn.execute(q, params).fetchall() for q in INBOX_SQL]
    households = [row[2] for row in lists[2] if row[2]]
    elsewhere = conn.execute(ELSEWHERE_SQL, [households, agency_id]).fetchall()
    return lists, elsewhere


# --- 相談受付の詳細 (consultation detail) --------------------------------------------------
def consultation_samples(conn, ctx):
    ids = [
        r[0]
        for r in conn.execute(
            "select id from intake_consultation where agency_id = %s order by id desc limit 20",
            [ctx.agency_id],
        )
    ]
    return [f"/intake/{pk}/" for pk in ids], [(pk, ctx.agency_id) for pk in ids]


def consultation_sql(conn, pk, agency_id):
    head = conn.execute(
        """select c.household_id, c.person_id, c.received_at, c.channel, c.channel_note, c.consulter,
                  c.consulter_relation, c.issue_tags, c.narrative, c.urgency, c.urgency_reason,
                  c.consent_status, c.action_taken, c.next_step, c.next_step_due, p.family_name,
                  p.given_name, p.family_kana, p.given_kana, a.name, u.display_name
           from intake_consultation c join people_person p on p.id = c.person_id
           join municipality_agency a on a.id = c.agency_id join accounts_user u on u.id = c.staff_id
           where c.id = %s and c.agency_id = %s""",
        [pk, agency_id],
    ).fetchone()
    notes = conn.execute(
        "select n.date, n.means, n.counterpart, n.content, n.next_date, u.display_name"
        " from intake_progressnote n join accounts_user u on u.id = n.recorded_by_id"
        " where n.consultation_id = %s order by n.date, n.id",
        [pk],
    ).fetchall()
    tasks = conn.execute(
        "select r.id, r.sent_at, t.status, a.name from intake_referral r"
        " join intake_recipienttask t on t.referral_id = r.id"
        " join municipality_agency a on a.id = t.agency_id where r.consultation_id = %s"
        " order by r.sent_at, r.id, t.id",
        [pk],
    ).fetchall()
    requests = conn.execute(
        "select q.status, q.requested_at, a.name from intake_coordinationrequest q"
        " join municipality_agency a on a.id = q.to_agency_id where q.consultation_id = %s",
        [pk],
    ).fetchall()
    elsewhere = conn.execute(ELSEWHERE_SQL, [[head[0]], agency_id]).fetchall()
    person_elsewhere = conn.execute(
        "select distinct a.name from access_involvement i join municipality_agency a on a.id = i.agency_id"
        " where i.person_id = %s and i.ended_at is null and i.agency_id <> %s order by a.name",
        [head[1], agency_id],
    ).fetchall()
    return head, notes, tasks, requests, elsewhere, person_elsewhere


# --- つなぐシートの詳細 (referral detail, read by the sending agency) ---------------------------
def referral_samples(conn, ctx):
    ids = [
        r[0]
        for r in conn.execute(
            "select id from intake_referral where sender_agency_id = %s order by id desc limit 20",
            [ctx.agency_id],
        )
    ]
    return [f"/intake/referrals/{pk}/" for pk in ids], [(pk, ctx.agency_id) for pk in ids]


def referral_sql(conn, pk, agency_id):
    head = conn.execute(
        """select r.id, r.sent_at, r.reason, r.request, r.agreed_to_share, p.family_name, p.given_name,
                  p.family_kana, p.given_kana, s.name, u.display_name
           from intake_referral r join people_person p on p.id = r.person_id
           join municipality_agency s on s.id = r.sender_agency_id join accounts_user u on u.id = r.sent_by_id
           where r.id = %s and r.sender_agency_id = %s""",
        [pk, agency_id],
    ).fetchone()
    tasks = conn.execute(
        "select t.id, t.status, t.due_on, t.outcome, t.failure_reason, t.reason, a.name, o.display_name"
        " from intake_recipienttask t join municipality_agency a on a.id = t.agency_id"
        " left join accounts_user o on o.id = t.owner_id where t.referral_id = %s order by t.id",
        [pk],
    ).fetchall()
    events = conn.execute(
        "select e.task_id, e.at, e.side, e.to_status, e.reason, u.display_name"
        " from intake_recipienttaskevent e join intake_recipienttask t on t.id = e.task_id"
        " left join accounts_user u on u.id = e.actor_id where t.referral_id = %s order by e.at, e.id",
        [pk],
    ).fetchall()
    notes = conn.execute(
        "select n.date, n.means, n.counterpart, n.content from intake_progressnote n"
        " join intake_referral_notes rn on rn.progressnote_id = n.id where rn.referral_id = %s"
        " order by n.date, n.id",
        [pk],
    ).fetchall()
    return head, tasks, events, notes


PAGES += [
    Page("受信箱", inbox_samples, inbox_sql, audit=("list", "intake.inbox")),
    Page(
        "相談受付の詳細",
        consultation_samples,
        consultation_sql,
        audit=("view", "intake.consultation"),
    ),
    Page("つなぐシートの詳細", referral_samples, referral_sql, audit=("view", "intake.referral")),
]


# --- 相談受付一覧 and つなぐシート一覧 (the daily lists as they open: 受付中 / 対応中, with a count)
def agency_samples(path):
    def samples(conn, ctx):
        return [path], [(ctx.agency_id,)]

    return samples


def consultation_list_sql(conn, agency_id):
    count = conn.execute(
        "select count(*) from intake_consultation where agency_id = %s and closed_at is null",
        [agency_id],
    ).fetchone()
    rows = conn.execute(
        """select c.id, c.received_at, c.closed_at, c.next_step, p.family_name, p.given_name,
                  a.name, u.display_name
           from intake_consultation c join people_person p on p.id = c.person_id
           join municipality_agency a on a.id = c.agency_id join accounts_user u on u.id = c.staff_id
           where c.agency_id = %s and c.closed_at is null
           order by c.received_at desc, c.id desc limit 50""",
        [agency_id],
    ).fetchall()
    return count, rows


TASK_LIST_SQL = """select t.id, t.status, t.due_on, r.id, r.sent_at, p.family_name, p.given_name,
       s.name, a.name
    from intake_recipienttask t join intake_referral r on r.id = t.referral_id
    join people_person p on p.id = r.person_id join municipality_agency s on s.id = r.sender_agency_id
    join municipality_agency a on a.id = t.agency_id
    where {where} order by r.sent_at desc, t.id limit 50"""
ACTIVE = "t.status in ('sent', 'received', 'accepted', 'in_progress', 'on_hold')"
RECEIVED = f"t.agency_id = %s and {ACTIVE}"
SENT = f"r.sender_agency_id = %s and {ACTIVE}"


def referral_list_sql(conn, agency_id):
    received_count = conn.execute(
        f"select count(*) from intake_recipienttask t where {RECEIVED}", [agency_id]
    ).fetchone()
    received = conn.execute(TASK_LIST_SQL.format(where=RECEIVED), [agency_id]).fetchall()
    sent_count = conn.execute(
        "select count(*) from intake_recipienttask t join intake_referral r on r.id = t.referral_id"
        f" where {SENT}",
        [agency_id],
    ).fetchone()
    sent = conn.execute(TASK_LIST_SQL.format(where=SENT), [agency_id]).fetchall()
    return received_count, received, sent_count, sent


PAGES += [
    Page(
        "相談受付一覧",
        agency_samples("/intake/"),
        consultation_list_sql,
        audit=("list", "intake.consultation"),
    ),
    Page(
        "つなぐシート一覧",
        agency_samples("/intake/referrals/"),
        referral_list_sql,
        audit=("list", "intake.referral"),
    ),
]


# --- 本人検索 and 名寄せ候補 (person search with matching candidates) -----------------------
def search_samples(conn, ctx):
    rows = conn.execute(
        "select distinct p.family_name, p.given_name from people_person p join access_involvement i"
        " on i.person_id = p.id where i.agency_id = %s and i.ended_at is null order by 1, 2 limit 20",
        [ctx.agency_id],
    ).fetchall()
    return [f"/people/?q={f}+{g}" for f, g in rows], [(ctx.agency_id, f, g) for f, g in rows]


VISIBLE = "select person_id from access_involvement where agency_id = %s and ended_at is null"
SEES = """exists (select 1 from access_involvement v where v.person_id = {person}
    and v.agency_id = %s and v.ended_at is null)"""
SEARCH_WHERE = f"""p.merged_into_id is null and p.id in ({VISIBLE})
    and (p.family_name like %s or p.given_name like %s) and (p.family_name like %s or p.given_name like %s)"""
HIDDEN_AGENCIES = f"""select i.person_id, a.name from access_involvement i
    join municipality_agency a on a.id = i.agency_id
    where i.ended_at is null and i.person_id = any(%s) and not {SEES.format(person="i.person_id")}"""


def search_sql(conn, agency_id, family, given):
    like = [agency_id, f"{family}%", f"{family}%", f"{given}%", f"{given}%"]
    count = conn.execute(
        f"select count(*) from people_person p where {SEARCH_WHERE}", like
    ).fetchone()
    rows = conn.execute(
        f"""select p.id, p.family_name, p.given_name, p.family_kana, p.given_kana, p.birth_date,
                   p.address, a.name
            from people_person p join municipality_agency a on a.id = p.registered_by_id
            where {SEARCH_WHERE} order by p.family_kana, p.given_kana, p.id limit 20""",
        like,
    ).fetchall()
    # 「他機関で関わりあり」: the same full name among persons the agency does not see.
    same = conn.execute(
        "select id from people_person where merged_into_id is null and family_name = %s"
        " and given_name = %s limit 50",
        [family, given],
    ).fetchall()
    elsewhere = conn.execute(HIDDEN_AGENCIES, [[row[0] for row in same], agency_id]).fetchall()
    return count, rows, elsewhere


def candidates_samples(conn, ctx):
    ids = [
        r[0]
        for r in conn.execute(
            "select person_id from access_involvement where agency_id = %s and ended_at is null"
            " order by person_id desc limit 20",
            [ctx.agency_id],
        )
    ]
    return [f"/people/{pk}/candidates/" for pk in ids], [(pk, ctx.agency_id) for pk in ids]


def candidates_sql(conn, pk, agency_id):
    person = conn.execute(
        f"""select id, family_name, given_name, family_kana, given_kana, birth_date, address
            from people_person p where id = %s and {SEES.format(person="p.id")}""",
        [pk, agency_id],
    ).fetchone()
    found = conn.execute(
        """select distinct p.id, p.family_name, p.given_name, p.family_kana, p.given_kana, p.birth_date,
                  p.address
           from people_personmatchkey m join people_personmatchkey k
             on k.municipality_id = m.municipality_id and k.kind = m.kind and k.key = m.key
           join people_person p on p.id = k.person_id
           where m.person_id = %(pk)s and k.person_id <> %(pk)s and p.merged_into_id is null
           and not exists (select 1 from people_notsameperson n
                           where (n.person_a_id = %(pk)s and n.person_b_id = p.id)
                              or (n.person_b_id = %(pk)s and n.person_a_id = p.id))
           limit 300""",
        {"pk": pk},
    ).fetchall()
    ids = [row[0] for row in found]
    visible = conn.execute(f"{VISIBLE} and person_id = any(%s)", [agency_id, ids]).fetchall()
    hidden_agencies = conn.execute(HIDDEN_AGENCIES, [ids, agency_id]).fetchall()
    return person, found, visible, hidden_agencies


# --- 事例の詳細 (case detail, read by the coordinating agency) ------------------------------
def case_samples(conn, ctx):
    ids = [
        r[0]
        for r in conn.execute(
            "select id from coordination_case where coordinating_agency_id = %s order by id desc limit 20",
            [ctx.coordinator_agency_id],
        )
    ]
    return [f"/coordination/{pk}/" for pk in ids], [
        (pk, ctx.coordinator_agency_id, ctx.coordinator_id) for pk in ids
    ]


CASE_LISTS = [
    # the latest plan that is not superseded, and its rows
    """select s.id, s.number, s.status, s.uses_participation, s.uses_outreach, a.issue, a.what,
              g.name, a.staff, a.frequency, a.until, a.status
       from (select * from coordination_supportplan where case_id = %(case)s and status <> 'superseded'
             order by number desc limit 1) s
       left join coordination_assignment a on a.plan_id = s.id
       left join municipality_agency g on g.id = a.agency_id order by a.order, a.id""",
    """select id, version, assessed_on, screening from coordination_assessment where case_id = %(case)s
       order by version desc limit 1""",
    """select c.closed_on, c.reason, c.reason_note, c.goals_reached, a.name from coordination_closure c
       left join municipality_agency a on a.id = c.hand_back_to_id where c.case_id = %(case)s""",
    # the eco-map: household members now, recorded ties, the team
    """select p.id, p.family_name, p.given_name, p.sex, p.birth_date, m.relation
       from people_householdmembership m join people_person p on p.id = m.person_id
       where m.household_id = %(household)s and m.left_on is null order by m.id""",
    "select label, kind, person_id from coordination_tie where case_id = %(case)s order by id",
    """select m.agency_id, a.name, a.short_name from coordination_casemember m
       join municipality_agency a on a.id = m.agency_id
       where m.case_id = %(case)s and m.ended_at is null""",
    """select c.id, c.given_on, c.given_by, c.guardian_name, c.guardian_relation, c.method, c.written_by,
              c.expires_on, c.withdrawn_at, s.parts, a.name, b.name
       from coordination_consent c left join coordination_consentscope s on s.consent_id = c.id
       left join municipality_agency a on a.id = s.agency_id
       left join municipality_meetingbody b on b.id = s.meeting_body_id
       where c.case_id = %(case)s order by c.given_on, c.id, s.id""",
    # the agencies that can join the team (the select of 「支援チームに加える機関」)
    """select id, name from municipality_agency where municipality_id = %(municipality)s
       and id <> %(agency)s order by kind, "order", id""",
    """select reviewed_on, result, goal_progress from coordination_monitoring where case_id = %(case)s
       order by reviewed_on, id""",
    # decisions of open sessions, and of 支援会議 sessions whose papers the user may read
    """select s.date, b.name, d.kind, d.text from meetings_decision d
       join meetings_meetingsession s on s.id = d.session_id
       join municipality_meetingbody b on b.id = s.body_id
       where d.case_id = %(case)s and (not s.confidential or exists (
           select 1 from meetings_attendance t join meetings_pledge g on g.user_id = t.user_id
           where t.session_id = s.id and t.user_id = %(user)s and g.body_id = s.body_id
           and g.signed_on <= s.date))
       order by s.date desc, d.id desc""",
    # 支援経過: the newest ten (one more read to know whether to link to the rest)
    """select n.date, n.means, n.counterpart, n.content, u.display_name from coordination_casenote n
       join accounts_user u on u.id = n.recorded_by_id where n.case_id = %(case)s
       order by n.date desc, n.id desc limit 11""",
    """select e.at, e.from_stage, e.to_stage, e.reason, u.display_name from coordination_caseevent e
       join accounts_user u on u.id = e.by_id where e.case_id = %(case)s order by e.at, e.id""",
]


def case_sql(conn, pk, agency_id, user_id):
    head = conn.execute(
        """select c.id, c.title, c.summary, c.stage, c.support_policy, c.opened_at, c.household_id,
                  c.municipality_id, p.family_name, p.given_name, p.family_kana, p.given_kana,
                  h.name, a.name, u.display_name, l.name
           from coordination_case c join people_person p on p.id = c.focus_person_id
           left join people_household h on h.id = c.household_id
           join municipality_agency a on a.id = c.coordinating_agency_id
           join accounts_user u on u.id = c.coordinator_id
           left join municipality_agency l on l.id = c.lead_agency_id
           where c.id = %s and c.coordinating_agency_id = %s""",
        [pk, agency_id],
    ).fetchone()
    params = {
        "case": pk,
        "household": head[6],
        "municipality": head[7],
        "agency": agency_id,
        "user": user_id,
    }
    return head, [conn.execute(q, params).fetchall() for q in CASE_LISTS]


PAGES += [
    Page("本人検索", search_samples, search_sql, audit=("search", "people.person")),
    Page("名寄せ候補", candidates_samples, candidates_sql, audit=("search", "people.person")),
    Page(
        "事例の詳細",
        case_samples,
        case_sql,
        as_coordinator=True,
        audit=("view", "coordination.case"),
    ),
]
