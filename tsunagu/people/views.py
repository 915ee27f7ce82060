"""Person search, register, detail, edit, household and 名寄せ pages.

Every page showing a person's data writes an audit event; the policy check is the first
line of each view (404 when not visible, 403 when visible but read-only)."""

from __future__ import annotations

import contextlib
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch, Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tsunagu.access import audit, policy
from tsunagu.lib.conflicts import Stale, conflict, posted_version
from tsunagu.lib.kana import KanaError, to_katakana
from tsunagu.people import actions
from tsunagu.people.candidates import candidate_rows
from tsunagu.people.forms import (
    EditPersonForm,
    HouseholdLookupForm,
    MoveHouseholdForm,
    ReasonForm,
    RegisterPersonForm,
    SearchForm,
)
from tsunagu.people.models import Person
from tsunagu.people.search import name_filter

PAGE_SIZE = 20
CANDIDATE_FIELDS = ("family_name", "given_name", "family_kana", "given_kana", "birth_date")


# --- search -------------------------------------------------------------------------------


def _exact_identity(q: str, birth_date) -> Q | None:
    """The question the 「他機関で関わりあり」 line answers: it names one person — full name
    (kanji or kana, family and given) or family name with birth date. A substring query
    (「山」) would let anyone count the whole register by agency, so it gets no answer."""
    terms = q.split()
    if len(terms) >= 2:
        family, given = terms[0], "".join(terms[1:])
        try:
            kana_family, kana_given = to_katakana(family), to_katakana(given)
        except KanaError:
            kana_family = kana_given = ""
        name = Q(family_name=family, given_name=given)
        if kana_family:
            name |= Q(family_kana=kana_family, given_kana=kana_given)
    elif len(terms) == 1 and birth_date:
        name = Q(family_name=terms[0])
        with contextlib.suppress(KanaError):
            name |= Q(family_kana=to_katakana(terms[0]))
    else:
        return None
    return name & Q(birth_date=birth_date) if birth_date else name


@login_required
def search(request):
    form = SearchForm(request.GET or None)
    context: dict = {"form": form}
    if form.is_valid():
        q, birth_date = form.cleaned_data["q"].strip(), form.cleaned_data["birth_date"]
        rows = policy.visible_persons(request.user).filter(name_filter(q))
        if birth_date:
            rows = rows.filter(birth_date=birth_date)
        rows = rows.select_related("registered_by").order_by("family_kana", "given_kana", "pk")
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        identity = _exact_identity(q, birth_date)
        elsewhere = (
            policy.known_elsewhere_matching(request.user, identity)
            if identity is not None
            else None
        )
        audit.log(
            request.user,
            "search",
            "people.person",
            person_ids=[p.pk for p in page.object_list],
            query={"q": q, "birth_date": str(birth_date or "")},
            elsewhere_ids=elsewhere["person_ids"] if elsewhere else [],
        )
        context.update(searched=True, page=page, elsewhere=elsewhere)
    return render(request, "people/search.html", context)


# --- register / detail / edit -------------------------------------------------------------


@login_required
def register(request):
    agencies = policy.writable_agencies(request.user)
    if not agencies.exists():
        raise PermissionDenied("本人を登録できる所属機関がありません。")
    form = RegisterPersonForm(request.POST or None, agencies=agencies)
    candidates = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        agency = data["agency"]
        if not data["confirmed"]:
            candidates = candidate_rows(
                request.user, data, municipality_id=agency.municipality_id, purpose="登録時の名寄せ"
            )
        if not candidates:
            person = actions.register_person(user=request.user, agency=agency, data=data)
            messages.success(request, f"{person.full_name} さんを登録しました。")
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/register.html", {"form": form, "candidates": candidates})


@login_required
@transaction.atomic
def detail(request, pk: int):
    person = policy.get_person_or_404(request.user, pk)
    if person.pk != pk:
        return redirect("people:detail", pk=person.pk)
    memberships = list(
        person.household_memberships.select_related("household").order_by("-joined_on", "-pk")
    )
    merges = person.merges_kept.filter(undone_at__isnull=True).select_related("merged")
    records = _person_records(request, person)
    audit.log(
        request.user,
        "view",
        person,
        person=person,
        consultations=[c.pk for c in records["consultations"]],
        referrals=[r.pk for r in records["referrals"]],
        cases=[c.pk for c in records["cases"]],
    )
    return render(
        request,
        "people/detail.html",
        {
            "person": person,
            "memberships": memberships,
            "elsewhere": policy.known_elsewhere(request.user, person),
            "merges": merges,
            "can_change": policy.can_change_person(request.user, person),
            **records,
        },
    )


RECORDS_PAGE = 20


def _person_records(request, person: Person) -> dict:
    """The person's consultations, つなぐシート and cases that the user may see, one page of
    each (records merged into this one included). Other agencies' records are not listed:
    the 「他機関で関わりあり」 line names those agencies and nothing more."""
    user, ids = request.user, person.record_ids()
    consultations = (
        policy.visible_consultations(user)
        .filter(person_id__in=ids)
        .select_related("agency", "staff")
        .order_by("-received_at", "-pk")
    )
    referrals = (
        policy.visible_referrals(user)
        .filter(person_id__in=ids)
        .select_related("sender_agency")
        .prefetch_related(
            Prefetch(
                "tasks",
                queryset=policy.visible_referral_tasks(user)
                .select_related("agency")
                .order_by("pk"),
                to_attr="shown_tasks",
            )
        )
        .order_by("-sent_at", "-pk")
    )
    cases = (
        policy.person_cases(user, ids)
        .select_related("coordinating_agency", "lead_agency")
        .order_by("-opened_at", "-pk")
    )
    case_page = Paginator(cases, RECORDS_PAGE).get_page(request.GET.get("cases_page"))
    case_page.object_list = policy.label_cases(user, case_page.object_list)
    return {
        "consultations": Paginator(consultations, RECORDS_PAGE).get_page(
            request.GET.get("consultations_page")
        ),
        "referrals": Paginator(referrals, RECORDS_PAGE).get_page(request.GET.get("referrals_page")),
        "cases": case_page,
    }


def _changeable_person_or_error(user, pk: int) -> Person:
    person = policy.get_person_or_404(user, pk)
    if not policy.can_change_person(user, person):
        raise PermissionDenied("この本人の記録を変更する権限がありません。")
    return person


def _person_form(person: Person, data=None) -> EditPersonForm:
    initial = {name: getattr(person, name) for name in (*actions.PERSON_FIELDS, "lock_version")}
    return EditPersonForm(data, initial=initial)


@login_required
def edit(request, pk: int):
    person = _changeable_person_or_error(request.user, pk)
    form = _person_form(person, request.POST or None)
    stale = None
    try:
        if request.method == "POST":
            expected = posted_version(request.POST)
            if expected != person.lock_version:
                raise Stale(person)
            if form.is_valid():
                changed = actions.update_person(
                    user=request.user,
                    person=person,
                    data=form.cleaned_data,
                    expected_version=expected,
                )
                messages.success(
                    request, "更新しました。" if changed else "変更はありませんでした。"
                )
                return redirect("people:candidates", pk=person.pk)
    except Stale as error:
        current = cast(Person, error.current)
        saved = {name: getattr(current, name) for name in actions.PERSON_FIELDS}
        stale = conflict(
            form, saved, actions.PERSON_FIELDS, who=current.updated_by, when=current.updated_at
        )
        form = _person_form(current)
    audit.log(request.user, "view", person, person=person, purpose="編集")
    return render(request, "people/edit.html", {"form": form, "person": person, "conflict": stale})


@login_required
def candidates(request, pk: int):
    person = policy.get_person_or_404(request.user, pk)
    data = {name: getattr(person, name) for name in (*CANDIDATE_FIELDS, "address")}
    rows = candidate_rows(
        request.user,
        data,
        municipality_id=person.municipality_id,
        purpose="名寄せ候補",
        exclude=person,
    )
    return render(
        request,
        "people/candidates.html",
        {
            "person": person,
            "candidates": rows,
            "can_change": policy.can_change_person(request.user, person),
        },
    )


# --- 名寄せ decisions ----------------------------------------------------------------------


@login_required
@require_POST
def merge(request, pk: int, other: int):
    keep = _changeable_person_or_error(request.user, pk)
    merged = _changeable_person_or_error(request.user, other)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise actions.PeopleRefused("統合の理由を入力してください。")
        actions.merge_persons(
            user=request.user, keep=keep, merged=merged, reason=form.cleaned_data["reason"]
        )
    except actions.PeopleRefused as refused:
        messages.error(request, str(refused))
        return redirect("people:candidates", pk=keep.pk)
    messages.success(request, f"{merged.pk}番の記録を統合しました(取り消しできます)。")
    return redirect("people:detail", pk=keep.pk)


@login_required
@require_POST
def unmerge(request, merge_id: int):
    record = policy.get_merge_or_404(request.user, merge_id)
    kept = _changeable_person_or_error(request.user, record.kept_id)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise actions.PeopleRefused("取消の理由を入力してください。")
        actions.unmerge_persons(user=request.user, merge=record, reason=form.cleaned_data["reason"])
    except actions.PeopleRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "統合を取り消しました。")
    return redirect("people:detail", pk=kept.pk)


@login_required
@require_POST
def keep_apart(request, pk: int, other: int):
    person = _changeable_person_or_error(request.user, pk)
    counterpart = policy.get_person_or_404(request.user, other)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        actions.keep_apart(user=request.user, person=person, other=counterpart, reason=reason)
    except actions.PeopleRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "別人として記録しました。今後は候補に表示されません。")
    return redirect("people:candidates", pk=person.pk)


# --- households ---------------------------------------------------------------------------


@login_required
@transaction.atomic
def household(request, pk: int):
    home = policy.get_household_or_404(request.user, pk)
    memberships = list(
        home.memberships.select_related("person").order_by("left_on", "-is_head", "joined_on")
    )
    visible = set(
        policy.visible_persons(request.user)
        .filter(pk__in=[m.person_id for m in memberships])
        .values_list("pk", flat=True)
    )
    for person_id in sorted({m.person_id for m in memberships}):
        audit.log(request.user, "view", home, person=person_id, purpose="世帯")
    return render(
        request,
        "people/household.html",
        {"household": home, "memberships": memberships, "visible": visible},
    )


@login_required
def move_household(request, pk: int):
    person = _changeable_person_or_error(request.user, pk)
    households = policy.visible_households(request.user)
    lookup = HouseholdLookupForm(
        {
            "household_q": request.GET.get("household_q", ""),
            "household": request.POST.get("household"),
        }
    )
    household_q, selected = ("", None)
    if lookup.is_valid():
        household_q, selected = lookup.cleaned_data["household_q"], lookup.cleaned_data["household"]
    shown = _household_search(households, household_q, selected=selected)
    form = MoveHouseholdForm(request.POST or None, households=households, shown=shown)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership = actions.move_household(
                user=request.user,
                person=person,
                household=data["household"],
                relation=data["relation"],
                on_date=data["on_date"],
                is_head=data["is_head"],
                new_household_name=data["new_household_name"],
                new_household_address=data["new_household_address"],
            )
        except actions.PeopleRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "世帯を更新しました。")
            return redirect("people:household", pk=membership.household_id)
    current = policy.current_households(request.user, person)
    audit.log(request.user, "view", person, person=person, purpose="世帯の異動")
    return render(
        request,
        "people/move_household.html",
        {"form": form, "person": person, "current": current, "household_q": household_q},
    )


HOUSEHOLD_CHOICES = 30


def _household_search(households, q: str, *, selected: int | None) -> list:
    """Households offered on the move page: those whose name starts with, or whose address
    contains, ``q`` (a city has too many to list), plus the one already chosen."""
    rows = households.none()
    if q:
        rows = households.filter(Q(name__startswith=q) | Q(address__contains=q))
    if selected:
        rows = rows | households.filter(pk=selected)
    return list(rows.order_by("name", "pk")[:HOUSEHOLD_CHOICES])
