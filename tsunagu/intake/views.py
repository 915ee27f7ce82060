from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tsunagu.access import audit, policy
from tsunagu.intake import actions, exports, filters, stats, transitions
from tsunagu.intake.forms import (
    CandidateQueryForm,
    ConsultationForm,
    CoordinationRequestForm,
    DirectReferralForm,
    FiscalYearForm,
    ProgressNoteForm,
    ReasonForm,
    ReferralForm,
    TransitionForm,
)
from tsunagu.intake.models import (
    FailureReason,
    Outcome,
    Side,
    TaskStatus,
)
from tsunagu.lib.forms import error_text
from tsunagu.lib.lists import head
from tsunagu.lib.wareki import fiscal_year
from tsunagu.outreach import selectors as outreach
from tsunagu.people.candidates import candidate_rows

PAGE_SIZE = 50
CHOOSE_CANDIDATE = (
    "名寄せ候補があります。候補から本人を選ぶか、「該当なし(新規登録する)」を選んでから"
    "登録してください。"
)
# The columns the lists show, for .only(): list pages read no narrative or unused column.
PERSON_NAME = ("person__family_name", "person__given_name")
TASK_ROW = (
    "status",
    "due_on",
    "agency__name",
    "referral__person__family_name",
    "referral__person__given_name",
)
CONSULTATION_ROW = ("next_step", "next_step_due", *PERSON_NAME)
MULTI_FIELDS = ("issue_tags", "consent_agencies")


def _municipality(user):
    municipality = policy.home_municipality(user)
    if municipality is None:
        raise PermissionDenied("所属機関がありません。")
    return municipality


# --- consultations ------------------------------------------------------------------------


@login_required
def consultation_list(request):
    form = filters.ConsultationFilterForm(request.GET, user=request.user)
    rows = form.narrow(policy.visible_consultations(request.user))
    rows = rows.select_related("agency", "staff", "person").only(
        "received_at",
        "urgency",
        "issue_tags",
        "closed_at",
        "agency__name",
        "staff__username",
        "staff__display_name",
        *PERSON_NAME,
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    audit.log(
        request.user,
        "list",
        "intake.consultation",
        count=len(page.object_list),
        person_ids=[c.person_id for c in page.object_list],
        query=form.audit_query(),
    )
    return render(request, "intake/consultation_list.html", {"page": page, "form": form})


def _candidates(request, query: CandidateQueryForm):
    if not query.is_valid():
        return None
    data = query.cleaned_data
    if not (data["family_kana"] or data["family_name"]):
        return None
    return candidate_rows(
        request.user,
        data,
        municipality_id=_municipality(request.user).pk,
        purpose="相談受付の名寄せ",
    )


@login_required
def person_candidates(request):
    """htmx: 名寄せ candidates while typing; also rendered in full by the plain form."""
    rows = _candidates(request, CandidateQueryForm(request.GET))
    return render(request, "intake/consultation_form.html#candidates", {"candidates": rows})


def _details(data) -> actions.ConsultationDetails:
    names = actions.ConsultationDetails.__dataclass_fields__
    return actions.ConsultationDetails(**{k: data[k] for k in names if k in data})


def _new_person(data) -> actions.NewPerson:
    names = actions.NewPerson.__dataclass_fields__
    return actions.NewPerson(**{k: data[k] for k in names if k in data})


@login_required
def consultation_create(request):
    municipality = _municipality(request.user)
    form = ConsultationForm(request.POST or None, user=request.user, municipality=municipality)
    candidates = []
    if request.method == "POST" and "find" in request.POST:
        query = CandidateQueryForm(request.POST)
        candidates = _candidates(request, query)
        if query.errors:
            messages.error(request, error_text(query))
        initial = {k: request.POST.getlist(k) for k in request.POST if k != "csrfmiddlewaretoken"}
        initial = {k: v if k in MULTI_FIELDS else v[-1] for k, v in initial.items()}
        form = ConsultationForm(initial=initial, user=request.user, municipality=municipality)
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not data["person_id"]:
            candidates = _candidates(request, CandidateQueryForm(request.POST))
        if candidates:
            form.add_error(None, CHOOSE_CANDIDATE)
            return render(
                request, "intake/consultation_form.html", {"form": form, "candidates": candidates}
            )
        person = None
        if form.chosen_person_id():
            person = policy.get_person_or_404(request.user, form.chosen_person_id())
        try:
            consultation = actions.take_consultation(
                staff=request.user,
                agency=data["agency"],
                details=_details(data),
                person=person,
                new_person=None if person else _new_person(data),
            )
        except actions.IntakeRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "相談受付を登録しました。")
            return redirect("intake:consultation_detail", pk=consultation.pk)
    return render(
        request, "intake/consultation_form.html", {"form": form, "candidates": candidates}
    )


@login_required
def consultation_detail(request, pk):
    consultation = policy.get_consultation_or_404(request.user, pk)
    audit.log(request.user, "view", consultation, person=consultation.person_id)
    referrals = consultation.referrals.prefetch_related("tasks__agency")
    household_elsewhere = policy.known_elsewhere_by_household(
        request.user, [consultation.household_id]
    )
    return render(
        request,
        "intake/consultation_detail.html",
        {
            "c": consultation,
            "notes": consultation.notes.select_related("recorded_by"),
            "referrals": referrals,
            "coordination_requests": consultation.coordination_requests.select_related("to_agency"),
            "elsewhere": household_elsewhere.get(consultation.household_id, []),
            "person_elsewhere": policy.known_elsewhere(request.user, consultation.person),
            "can_change": policy.can_change_consultation(request.user, consultation),
            "state_moves": transitions.CONSULTATION.open_moves(
                consultation.state, transitions.consultation_sides(request.user, consultation)
            ),
            "note_form": ProgressNoteForm(),
            "coordination_form": CoordinationRequestForm(),
        },
    )


def _change_consultation(request, pk, to: str, done: str):
    consultation = policy.get_consultation_or_404(request.user, pk)
    if not transitions.consultation_sides(request.user, consultation):
        raise PermissionDenied("この相談受付を変更する権限がありません。")
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        transitions.change_consultation(
            actor=request.user, consultation=consultation, to=to, reason=reason
        )
    except transitions.TransitionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, done)
    return redirect("intake:consultation_detail", pk=pk)


@login_required
@require_POST
def consultation_close(request, pk):
    return _change_consultation(request, pk, "closed", "相談受付を終了しました。")


@login_required
@require_POST
def consultation_reopen(request, pk):
    return _change_consultation(request, pk, "open", "相談受付を再開しました。")


@login_required
@require_POST
def note_create(request, pk):
    consultation = policy.get_consultation_or_404(request.user, pk)
    form = ProgressNoteForm(request.POST, received_at=consultation.received_at)
    if not form.is_valid():
        messages.error(request, error_text(form))
        return redirect("intake:consultation_detail", pk=pk)
    actions.add_progress_note(staff=request.user, consultation=consultation, **form.cleaned_data)
    messages.success(request, "支援経過記録を追加しました。")
    return redirect("intake:consultation_detail", pk=pk)


@login_required
@require_POST
def coordination_request(request, pk):
    consultation = policy.get_consultation_or_404(request.user, pk)
    form = CoordinationRequestForm(request.POST)
    try:
        if not form.is_valid():
            raise actions.IntakeRefused(error_text(form))
        actions.request_coordination(
            requested_by=request.user,
            consultation=consultation,
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, "多機関協働の支援依頼を送りました。")
    except actions.IntakeRefused as refused:
        messages.error(request, str(refused))
    return redirect("intake:consultation_detail", pk=pk)


# --- referrals ----------------------------------------------------------------------------


@login_required
def referral_create(request, pk):
    consultation = policy.get_consultation_or_404(request.user, pk)
    notes = consultation.notes.all()
    form = ReferralForm(
        request.POST or None, sender_agency=consultation.agency, notes_queryset=notes
    )
    form.mark_consent(consultation.person, consultation=consultation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = actions.send_referral(
                sender=request.user,
                sender_agency=consultation.agency,
                person=consultation.person,
                consultation=consultation,
                recipients=list(data["recipients"]),
                reason=data["reason"],
                request=data["request"],
                agreed_to_share=data["agreed_to_share"],
                notes=list(data["notes"]),
            )
        except actions.IntakeRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "つなぐシートを送付しました。")
            return redirect("intake:referral_detail", pk=referral.pk)
    audit.log(
        request.user,
        "view",
        consultation,
        person=consultation.person_id,
        purpose="つなぐシートの作成",
    )
    return render(request, "intake/referral_form.html", {"form": form, "c": consultation})


@login_required
def referral_create_direct(request, person_id):
    person = policy.get_person_or_404(request.user, person_id)
    if not policy.writable_agencies(request.user).exists():
        raise PermissionDenied("つなぐシートを送付できる所属機関がありません。")
    form = DirectReferralForm(request.POST or None, user=request.user, notes_queryset=None)
    form.mark_consent(person)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = actions.send_referral(
                sender=request.user,
                sender_agency=data["sender_agency"],
                person=person,
                recipients=list(data["recipients"]),
                reason=data["reason"],
                request=data["request"],
                agreed_to_share=data["agreed_to_share"],
            )
        except actions.IntakeRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "つなぐシートを送付しました。")
            return redirect("intake:referral_detail", pk=referral.pk)
    audit.log(request.user, "view", person, person=person, purpose="つなぐシートの作成")
    return render(request, "intake/referral_form.html", {"form": form, "person": person})


@login_required
def referral_list(request):
    # Two lists, each one indexed filter; never an OR of sender and recipient conditions,
    # which PostgreSQL cannot answer from an index (310 ms at 120,000 referrals).
    columns = ("referral__person", "referral__sender_agency", "agency")
    order = ("-referral__sent_at", "pk")
    show_all = request.GET.get("sent") == "all"
    sent = policy.sent_referral_tasks(request.user)
    if not show_all:  # 対応中 first; the whole history is one link away
        sent = sent.active()
    shown = (*TASK_ROW, "referral__sent_at", "referral__sender_agency__name")
    sent = sent.select_related(*columns).only(*shown).order_by(*order)
    received = (
        policy.received_referral_tasks(request.user)
        .select_related(*columns)
        .only(*shown)
        .order_by(*order)
    )
    sent_page = Paginator(sent, PAGE_SIZE).get_page(request.GET.get("sent_page"))
    received_page = Paginator(received, PAGE_SIZE).get_page(request.GET.get("page"))
    persons = [t.referral.person_id for page in (sent_page, received_page) for t in page]
    audit.log(request.user, "list", "intake.referral", person_ids=persons)
    return render(
        request,
        "intake/referral_list.html",
        {
            "sent": sent_page,
            "received": received_page,
            "show_all": show_all,
            "today": timezone.localdate(),
        },
    )


@login_required
def referral_detail(request, pk):
    referral = policy.get_referral_or_404(request.user, pk)
    for task in policy.visible_tasks(request.user, referral).filter(status=TaskStatus.SENT):
        transitions.receive_on_first_open(actor=request.user, task=task)
    tasks = list(policy.visible_tasks(request.user, referral).prefetch_related("events__actor"))
    for task in tasks:
        sides = policy.task_sides(request.user, task)
        task.moves = [
            (to, move, TaskStatus(to).label)
            for to, move in transitions.REFERRAL_TASK.open_moves(task.status, sides)
            if Side.SYSTEM not in move.sides
        ]
        task.history = [(e, transitions.event_sentence(task, e)) for e in task.events.all()]
    audit.log(request.user, "view", referral, person=referral.person_id)
    return render(
        request,
        "intake/referral_detail.html",
        {
            "r": referral,
            "is_sender": policy.is_referral_sender(request.user, referral),
            "can_view_person": policy.can_view_person(request.user, referral.person),
            "tasks": tasks,
            "notes": referral.notes.all(),
            "today": timezone.localdate(),
            "outcomes": Outcome.choices,
            "failure_reasons": FailureReason.choices,
        },
    )


@login_required
@require_POST
def task_transition(request, pk):
    task = policy.get_task_or_404(request.user, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "操作の指定が正しくありません。")
    else:
        try:
            transitions.transition(actor=request.user, task=task, **form.cleaned_data)
        except transitions.TransitionRefused as refused:
            messages.error(request, str(refused))
        else:
            to = form.cleaned_data["to"]
            messages.success(
                request, f"{task.agency.name}への依頼: {transitions.DONE_SENTENCES[to]}。"
            )
    if policy.can_view_referral(request.user, task.referral):
        return redirect("intake:referral_detail", pk=task.referral_id)
    return redirect("intake:inbox")


# --- たらい回し and loop-closed rates -------------------------------------------------------


@login_required
def person_referral_chain(request, person_id):
    person = policy.get_person_or_404(request.user, person_id)
    hops = stats.referral_hops(person.pk)
    audit.log(request.user, "view", person, person=person, purpose="つなぎの経路")
    return render(request, "intake/referral_chain.html", {"person": person, "hops": hops})


@login_required
def loop_stats(request):
    municipality = _municipality(request.user)
    form = FiscalYearForm(request.GET)
    fy = form.cleaned_data["fy"] if form.is_valid() and form.cleaned_data["fy"] else None
    fy = fy or fiscal_year(timezone.localdate())
    audit.log(request.user, "view", "intake.loop_stats", fiscal_year=fy)
    return render(
        request,
        "intake/loop_stats.html",
        {
            "fy": fy,
            "by_sender": stats.loop_rates(municipality_id=municipality.pk, fiscal_year=fy),
            "by_recipient": stats.loop_rates(
                municipality_id=municipality.pk, fiscal_year=fy, by="recipient"
            ),
        },
    )


# --- inbox --------------------------------------------------------------------------------


INBOX_ROWS = 20  # per list; the full lists are one link away


@login_required
def inbox(request):
    user = request.user
    today = timezone.localdate()
    week_end = today + datetime.timedelta(days=6 - today.weekday())
    # Each list reads only the columns it shows (.only): the inbox is every user's first page.
    incoming, more_incoming = head(
        policy.unanswered_received_tasks(user)
        .select_related("referral__sender_agency", "referral__person", "agency")
        .only(*TASK_ROW, "referral__sent_at", "referral__sender_agency__name")
        .order_by("due_on", "pk"),
        INBOX_ROWS,
    )
    sent_overdue, more_sent_overdue = head(
        policy.sent_referral_tasks(user)
        .overdue(today)
        .select_related("referral__person", "agency")
        .only(*TASK_ROW)
        .order_by("due_on", "pk"),
        INBOX_ROWS,
    )
    open_here = policy.visible_consultations(user).open()
    rows = open_here.select_related("person")
    mine, more_mine = head(
        rows.filter(staff=user).only(*CONSULTATION_ROW, "received_at", "household_id"),
        INBOX_ROWS,
    )
    notes_due, more_notes = head(
        policy.visible_progress_notes(user)
        .filter(consultation__in=open_here, next_date__range=(today, week_end))
        .select_related("consultation__person")
        .only("next_date", "means", *(f"consultation__{f}" for f in CONSULTATION_ROW))
        .order_by("next_date", "pk"),
        INBOX_ROWS,
    )
    steps_due, more_steps = head(
        rows.filter(next_step_due__lte=week_end)
        .only(*CONSULTATION_ROW)
        .order_by("next_step_due", "pk"),
        INBOX_ROWS,
    )
    elsewhere = policy.known_elsewhere_by_household(user, {c.household_id for c in mine})
    for c in mine:
        c.elsewhere = elsewhere.get(c.household_id, [])
    shown = [t.referral.person_id for t in (*incoming, *sent_overdue)]
    shown += [c.person_id for c in (*mine, *steps_due)]
    shown += [n.consultation.person_id for n in notes_due]
    audit.log(user, "list", "intake.inbox", person_ids=shown)
    return render(
        request,
        "intake/inbox.html",
        {
            "incoming": incoming,
            "more_incoming": more_incoming,
            "sent_overdue": sent_overdue,
            "more_sent_overdue": more_sent_overdue,
            "mine": mine,
            "more_mine": more_mine,
            "notes_due": notes_due,
            "steps_due": steps_due,
            "more_due": more_notes or more_steps,
            "today": today,
            "week_end": week_end,
            "outreach": outreach.inbox_section(user, today=today, until=week_end),
        },
    )


# --- ledger export ------------------------------------------------------------------------


@login_required
def ledger_export(request, fmt):
    if fmt not in ("xlsx", "csv"):
        raise Http404("形式は xlsx または csv です。")
    consultations = policy.visible_consultations(request.user)
    rows = exports.ledger_rows(consultations)
    shown = consultations.values_list("person_id", flat=True)
    stamp = timezone.localdate().strftime("%Y%m%d")
    if fmt == "xlsx":
        audit.log(
            request.user,
            "export",
            "intake.consultation",
            format="xlsx",
            count=len(rows),
            person_ids=shown,
        )
        return _download(exports.to_xlsx(rows), f"consultations-{stamp}.xlsx", exports.XLSX_TYPE)
    encoding = "cp932" if request.GET.get("encoding") == "cp932" else "utf-8"
    data, problems = exports.to_csv(rows, encoding)
    if problems and request.GET.get("confirm") != "1":
        return render(request, "intake/export_report.html", {"problems": problems})
    audit.log(
        request.user,
        "export",
        "intake.consultation",
        format=f"csv-{encoding}",
        count=len(rows),
        substituted=len(problems),
        person_ids=shown,
    )
    content_type = f"text/csv; charset={'Shift_JIS' if encoding == 'cp932' else 'utf-8'}"
    return _download(data, f"consultations-{stamp}-{encoding}.csv", content_type)


def _download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
