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
