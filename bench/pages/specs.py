"""The key pages and their hand-written SQL twins.

Each page names: how to pick sample URLs (ids visible to the benchmark user), and a
function fetching the same data the page shows with plain SQL through psycopg, which is the
floor the page's server time is compared with (app/SQL ratio).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


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
            "select u.username, m.agency_id from coordination_case c"
            " join accounts_membership m on m.agency_id = c.coordinating_agency_id and m.role = 'coordinator'"
            " join accounts_user u on u.id = m.user_id order by c.id limit 1"
        ).fetchone()
        coordinator, coordinator_agency_id = row or ("", 0)
        return cls(
            username,
            user_id,
            agency_id,
            municipality_id,
            usernames,
            counts,
            coordinator,
            coordinator_agency_id,
        )


@dataclass
class Page:
    name: str
    samples: Callable  # (conn, ctx) -> (urls, sql_args)
    sql: Callable  # (conn, *args) -> rows
    as_coordinator: bool = False  # case pages are read by the coordinating agency


def structure_samples(conn, ctx):
    return ["/municipality/structure/"], [(ctx.municipality_id,)]


def structure_sql(conn, municipality_id):
    return conn.execute(
        """
        select p.project, p.sub_item, p.field, p.name, a.name, d.sites, d.sites_note, d.operating_form,
               o.name, dep.name, d.service_area
        from municipality_programme p
        join municipality_delivery d on d.programme_id = p.id
        left join municipality_agency a on a.id = d.agency_id
        left join municipality_agency o on o.id = d.operator_id
        left join municipality_agency dep on dep.id = d.department_id
        where p.municipality_id = %s
        order by p.project, p.order, d.order
        """,
        [municipality_id],
    ).fetchall()


PAGES = [
    Page("実施体制", structure_samples, structure_sql),
]


# --- 受信箱 (inbox) ---------------------------------------------------------------------
INBOX_SQL = [
    """select t.id, t.due_on, t.status, r.id, s.name, p.family_name, p.given_name
       from intake_recipienttask t join intake_referral r on r.id = t.referral_id
       join municipality_agency s on s.id = r.sender_agency_id join people_person p on p.id = r.person_id
       where t.agency_id = %(agency)s and t.status in ('sent', 'received') order by t.due_on, t.id limit 50""",
    """select t.id, t.due_on, p.family_name, a.name from intake_recipienttask t
       join intake_referral r on r.id = t.referral_id join people_person p on p.id = r.person_id
       join municipality_agency a on a.id = t.agency_id
       where r.sender_agency_id = %(agency)s and t.status in ('sent', 'received') and t.due_on < current_date
       order by t.due_on limit 50""",
    """select c.id, c.received_at, c.household_id, p.family_name, p.given_name from intake_consultation c
       join people_person p on p.id = c.person_id
       where c.agency_id = %(agency)s and c.closed_at is null and c.staff_id = %(user)s
       order by c.received_at desc, c.id desc limit 50""",
    """select n.id, n.next_date, p.family_name from intake_progressnote n
       join intake_consultation c on c.id = n.consultation_id join people_person p on p.id = c.person_id
       where c.agency_id = %(agency)s and c.closed_at is null
       and n.next_date between current_date and current_date + 7 order by n.next_date limit 50""",
    """select c.id, c.next_step_due, p.family_name from intake_consultation c
       join people_person p on p.id = c.person_id
       where c.agency_id = %(agency)s and c.closed_at is null and c.next_step_due <= current_date + 7
       order by c.next_step_due limit 50""",
]


def inbox_samples(conn, ctx):
    return ["/intake/inbox/"], [(ctx.agency_id, ctx.user_id)]


def inbox_sql(conn, agency_id, user_id):
    return [conn.execute(q, {"agency": agency_id, "user": user_id}).fetchall() for q in INBOX_SQL]


# --- 相談受付の詳細 (consultation detail) --------------------------------------------------
def consultation_samples(conn, ctx):
    ids = [
        r[0]
        for r in conn.execute(
            "select id from intake_consultation where agency_id = %s order by id desc limit 20",
            [ctx.agency_id],
        )
    ]
    return [f"/intake/{pk}/" for pk in ids], [(pk,) for pk in ids]


def consultation_sql(conn, pk):
    head = conn.execute(
        """select c.*, p.family_name, p.given_name, p.family_kana, p.given_kana, p.birth_date, a.name, u.display_name
           from intake_consultation c join people_person p on p.id = c.person_id
           join municipality_agency a on a.id = c.agency_id join accounts_user u on u.id = c.staff_id
           where c.id = %s""",
        [pk],
    ).fetchone()
    notes = conn.execute(
        "select n.*, u.display_name from intake_progressnote n join accounts_user u on u.id = n.recorded_by_id"
        " where n.consultation_id = %s order by n.date, n.id",
        [pk],
    ).fetchall()
    tasks = conn.execute(
        "select r.id, t.status, a.name from intake_referral r join intake_recipienttask t on t.referral_id = r.id"
        " join municipality_agency a on a.id = t.agency_id where r.consultation_id = %s",
        [pk],
    ).fetchall()
    return head, notes, tasks


# --- つなぐシートの詳細 (referral detail) ----------------------------------------------------
def referral_samples(conn, ctx):
    ids = [
        r[0]
        for r in conn.execute(
            "select id from intake_referral where sender_agency_id = %s order by id desc limit 20",
            [ctx.agency_id],
        )
    ]
    return [f"/intake/referrals/{pk}/" for pk in ids], [(pk,) for pk in ids]


def referral_sql(conn, pk):
    head = conn.execute(
        """select r.*, p.family_name, p.given_name, s.name from intake_referral r
           join people_person p on p.id = r.person_id join municipality_agency s on s.id = r.sender_agency_id
           where r.id = %s""",
        [pk],
    ).fetchone()
    tasks = conn.execute(
        "select t.*, a.name from intake_recipienttask t join municipality_agency a on a.id = t.agency_id"
        " where t.referral_id = %s order by t.id",
        [pk],
    ).fetchall()
    events = conn.execute(
        "select e.* from intake_recipienttaskevent e join intake_recipienttask t on t.id = e.task_id"
        " where t.referral_id = %s order by e.at, e.id",
        [pk],
    ).fetchall()
    return head, tasks, events


PAGES += [
    Page("受信箱", inbox_samples, inbox_sql),
    Page("相談受付の詳細", consultation_samples, consultation_sql),
    Page("つなぐシートの詳細", referral_samples, referral_sql),
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
    Page("相談受付一覧", agency_samples("/intake/"), consultation_list_sql),
    Page("つなぐシート一覧", agency_samples("/intake/referrals/"), referral_list_sql),
]


# --- 本人検索 and 名寄せ候補 (person search with matching candidates) -----------------------
def search_samples(conn, ctx):
    rows = conn.execute(
        "select distinct p.family_name, p.given_name from people_person p join access_involvement i"
        " on i.person_id = p.id where i.agency_id = %s and i.ended_at is null order by 1, 2 limit 20",
        [ctx.agency_id],
    ).fetchall()
    return [f"/people/?q={f}+{g}" for f, g in rows], [(ctx.agency_id, f, g) for f, g in rows]


def search_sql(conn, agency_id, family, given):
    return conn.execute(
        """select p.id, p.family_name, p.given_name, p.family_kana, p.given_kana, p.birth_date, a.name
           from people_person p join municipality_agency a on a.id = p.registered_by_id
           where p.id in (select person_id from access_involvement where agency_id = %s and ended_at is null)
           and (p.family_name like %s or p.family_kana like %s) and (p.given_name like %s or p.given_kana like %s)
           order by p.family_kana, p.given_kana, p.id limit 50""",
        [agency_id, f"{family}%", f"{family}%", f"{given}%", f"{given}%"],
    ).fetchall()


def candidates_samples(conn, ctx):
    ids = [
        r[0]
        for r in conn.execute(
            "select person_id from access_involvement where agency_id = %s and ended_at is null"
            " order by person_id desc limit 20",
            [ctx.agency_id],
        )
    ]
    return [f"/people/{pk}/candidates/" for pk in ids], [(pk,) for pk in ids]


def candidates_sql(conn, pk):
    return conn.execute(
        """select distinct p.id, p.family_name, p.given_name, p.family_kana, p.given_kana, p.birth_date, p.address
           from people_personmatchkey k join people_person p on p.id = k.person_id
           where (k.municipality_id, k.kind, k.key) in
                 (select municipality_id, kind, key from people_personmatchkey where person_id = %s)
           and k.person_id <> %s and p.merged_into_id is null limit 300""",
        [pk, pk],
    ).fetchall()


# --- 事例の詳細 (case detail, read by the coordinating agency) ------------------------------
def case_samples(conn, ctx):
    ids = [
        r[0]
        for r in conn.execute(
            "select id from coordination_case where coordinating_agency_id = %s order by id desc limit 20",
            [ctx.coordinator_agency_id],
        )
    ]
    return [f"/coordination/{pk}/" for pk in ids], [(pk,) for pk in ids]


def case_sql(conn, pk):
    head = conn.execute(
        "select c.*, p.family_name, p.given_name from coordination_case c"
        " join people_person p on p.id = c.focus_person_id where c.id = %s",
        [pk],
    ).fetchone()
    members = conn.execute(
        "select m.*, a.name from coordination_casemember m join municipality_agency a on a.id = m.agency_id"
        " where m.case_id = %s",
        [pk],
    ).fetchall()
    events = conn.execute(
        "select * from coordination_caseevent where case_id = %s order by id", [pk]
    ).fetchall()
    plan = conn.execute(
        "select * from coordination_supportplan where case_id = %s order by number desc limit 1",
        [pk],
    ).fetchone()
    consent = conn.execute("select * from coordination_consent where case_id = %s", [pk]).fetchall()
    return head, members, events, plan, consent


PAGES += [
    Page("本人検索", search_samples, search_sql),
    Page("名寄せ候補", candidates_samples, candidates_sql),
    Page("事例の詳細", case_samples, case_sql, as_coordinator=True),
]
