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
        return cls(username, user_id, agency_id, municipality_id, usernames, counts)


@dataclass
class Page:
    name: str
    samples: Callable  # (conn, ctx) -> (urls, sql_args)
    sql: Callable  # (conn, *args) -> rows


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
