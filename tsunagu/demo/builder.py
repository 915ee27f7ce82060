"""Builds demo data for a loaded municipality: users for every agency and role, and a
population of households known in pieces to several counters. Bulk inserts throughout, so
the `large` scale loads into PostgreSQL in minutes."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission

from tsunagu.access.models import Involvement
from tsunagu.accounts.models import Membership, Role, User
from tsunagu.demo.population import PopulationGenerator
from tsunagu.municipality.models import Agency, Delivery, Municipality
from tsunagu.people import matching
from tsunagu.people.models import Household, HouseholdMembership, Person, PersonMatchKey

DEMO_PASSWORD = "tsunagu-demo"
BATCH = 5000

SCALES = {"small": 60, "city": 25_000, "large": 125_000}  # households

ROLE_SLUGS: dict[str, str] = {
    Role.COUNSELLOR: "soudan",
    Role.COORDINATOR: "coord",
    Role.OUTREACH: "outreach",
    Role.PARTICIPATION: "sanka",
    Role.ADMIN: "kanri",
    Role.AUDITOR: "kansa",
    Role.STATISTICS: "toukei",
}
KIND_PREFIX: dict[str, str] = {
    Agency.Kind.DEPARTMENT: "ka",
    Agency.Kind.AGENCY: "ag",
    Agency.Kind.ORGANISATION: "og",
    Agency.Kind.PARTNER: "pt",
}
CONFIG_APPS = ("municipality", "accounts")


@dataclass
class DemoLogin:
    username: str
    agency: str
    role: str


def roles_for(agency: Agency) -> list[str]:
    # Partners outside welfare only send and receive referrals.
    if agency.kind == Agency.Kind.PARTNER:
        return [Role.COUNSELLOR]
    return list(ROLE_SLUGS)


def create_users(municipality: Municipality) -> list[DemoLogin]:
    """One user per role per party of the profile (idempotent by username)."""
    password = make_password(DEMO_PASSWORD)
    agencies = list(municipality.agencies.order_by("kind", "order", "id"))
    counters: dict[str, int] = defaultdict(int)
    logins, users, memberships = [], [], []
    existing = set(User.objects.values_list("username", flat=True))
    for agency in agencies:
        prefix = KIND_PREFIX[agency.kind]
        counters[prefix] += 1
        for role in roles_for(agency):
            username = f"{municipality.slug[:4]}-{prefix}{counters[prefix]:02d}-{ROLE_SLUGS[role]}"
            logins.append(DemoLogin(username, agency.name, Role(role).label))
            if username in existing:
                continue
            user = User(
                username=username,
                password=password,
                display_name=f"{agency.short_name or agency.name[:12]} {Role(role).label}",
                is_staff=role == Role.ADMIN,
            )
            users.append(user)
            memberships.append((user, agency, role))
    User.objects.bulk_create(users, batch_size=BATCH)
    Membership.objects.bulk_create(
        [Membership(user=u, agency=a, role=r) for u, a, r in memberships], batch_size=BATCH
    )
    config_perms = Permission.objects.filter(content_type__app_label__in=CONFIG_APPS)
    for user in User.objects.filter(username__in=[u.username for u in users], is_staff=True):
        user.user_permissions.set(config_perms)
    return logins


def counters_by_field(municipality: Municipality) -> dict[str, list[Agency]]:
    """The agencies delivering 1号 (consultation) per field, from the delivery structure."""
    found: dict[str, list[Agency]] = defaultdict(list)
    deliveries = Delivery.objects.filter(
        programme__municipality=municipality,
        programme__project=1,
        programme__in_profile=True,
        agency__isnull=False,
    ).select_related("agency", "programme")
    for d in deliveries:
        if d.agency is not None and d.agency not in found[d.programme.field]:
            found[d.programme.field].append(d.agency)
    fallback = list(municipality.agencies.filter(kind=Agency.Kind.AGENCY)) or list(
        municipality.agencies.all()
    )
    for name in ("介護", "障がい", "子ども", "生活困窮", "その他"):
        if not found[name]:
            found[name] = [a for lst in found.values() for a in lst] or fallback
    return found


def create_population(
    municipality: Municipality, *, scale: str, seed: int, today: datetime.date
) -> int:
    """Households and persons; the focus person of a multi-issue household is registered a
    second time by the counter of the household's second field, with a variant spelling."""
    gen = PopulationGenerator(
        seed=seed, municipality_name=municipality.name, slug=municipality.slug, today=today
    )
    counters = counters_by_field(municipality)
    created = 0
    for start in range(0, SCALES[scale], BATCH // 4):
        homes = [gen.household() for _ in range(start, min(SCALES[scale], start + BATCH // 4))]
        created += _insert_households(municipality, homes, counters, gen)
    return created


def _insert_households(municipality, homes, counters, gen) -> int:
    households = Household.objects.bulk_create(
        [
            Household(
                municipality=municipality, name=f"{h.members[0].family_name}世帯", address=h.address
            )
            for h in homes
        ]
    )
    persons, links, involved = [], [], []
    for home, household in zip(homes, households, strict=True):
        first = gen.rng.choice(counters[home.fields[0]])
        for member in home.members:
            person = _person(municipality, member, home.address, first)
            persons.append(person)
            links.append((household, person, member))
            involved.append((person, first))
            if member.is_focus and len(home.fields) > 1:
                second = gen.rng.choice(counters[home.fields[1]])
                if second != first:
                    twin = _person(
                        municipality, gen.registration_variant(member), home.address, second
                    )
                    persons.append(twin)
                    involved.append((twin, second))
    Person.objects.bulk_create(persons, batch_size=BATCH)
    PersonMatchKey.objects.bulk_create(
        [row for person in persons for row in matching.key_rows(person)], batch_size=BATCH
    )
    HouseholdMembership.objects.bulk_create(
        [
            HouseholdMembership(household=h, person=p, relation=m.relation, is_head=m.is_head)
            for h, p, m in links
        ],
        batch_size=BATCH,
    )
    Involvement.objects.bulk_create(
        [
            Involvement(person=p, agency=a, source=Involvement.Source.REGISTERED)
            for p, a in involved
        ],
        batch_size=BATCH,
    )
    return len(persons)


def _person(municipality, member, address: str, agency: Agency) -> Person:
    return Person(
        municipality=municipality,
        family_name=member.family_name,
        given_name=member.given_name,
        family_kana=member.family_kana,
        given_kana=member.given_kana,
        birth_date=member.birth_date,
        sex=member.sex,
        address=address,
        registered_by=agency,
    )
