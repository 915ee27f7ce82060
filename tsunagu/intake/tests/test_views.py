import csv
import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from tsunagu.access import policy
from tsunagu.access.models import AuditEvent
from tsunagu.intake import actions, transitions
from tsunagu.intake.models import Consultation, Outcome, TaskStatus
from tsunagu.intake.tests.factories import details
from tsunagu.intake.transitions import transition
from tsunagu.people import matching
from tsunagu.people.models import Household, HouseholdMembership, Person

S = TaskStatus


def client_for(client, user):
    client.force_login(user)
    return client


def audited(user, action, object_id=None):
    rows = AuditEvent.objects.filter(user=user, action=action)
    if object_id is not None:
        rows = rows.filter(object_id=str(object_id))
    return rows.exists()


# --- access with the fixed cast ------------------------------------------------------------


@pytest.mark.parametrize("who", ["unrelated", "partner", "coordinator", "admin_user", "auditor"])
def test_other_agencies_get_404_on_a_consultation(client, consultation, who, request):
    client_for(client, request.getfixturevalue(who))
    url = reverse("intake:consultation_detail", args=[consultation.pk])
    assert client.get(url).status_code == 404
    for name in (
        "consultation_close",
        "consultation_reopen",
        "note_create",
        "coordination_request",
    ):
        assert client.post(reverse(f"intake:{name}", args=[consultation.pk])).status_code == 404
    assert client.get(reverse("intake:referral_create", args=[consultation.pk])).status_code == 404


def test_owner_reads_the_consultation_and_the_read_is_audited(client, owner, consultation):
    response = client_for(client, owner).get(
        reverse("intake:consultation_detail", args=[consultation.pk])
    )
    assert response.status_code == 200
    assert "80代の母" in response.content.decode()
    assert audited(owner, "view", consultation.pk)
    person_page = reverse("people:detail", args=[consultation.person_id])
    assert f'href="{person_page}"' in response.content.decode()
    assert client.get(person_page).status_code == 200


@pytest.mark.parametrize("who", ["unrelated", "coordinator", "admin_user", "auditor"])
def test_unrelated_agencies_get_404_on_a_referral(client, referral, task, who, request):
    client_for(client, request.getfixturevalue(who))
    assert client.get(reverse("intake:referral_detail", args=[referral.pk])).status_code == 404
    response = client.post(reverse("intake:task_transition", args=[task.pk]), {"to": S.RECEIVED})
    assert response.status_code == 404
    task.refresh_from_db()
    assert task.status == S.SENT


def test_recipient_sees_only_the_attachments(client, partner, owner, town, consultation, referral):
    actions.add_progress_note(
        staff=owner, consultation=consultation, date=datetime.date.today(), means="phone",
        content="添付していない秘密の記録",
    )  # fmt: skip
    response = client_for(client, partner).get(
        reverse("intake:referral_detail", args=[referral.pk])
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "障害福祉サービスの利用を希望" in body  # the attached note
    assert "添付していない秘密の記録" not in body
    assert "80代の母と50代の息子" not in body  # the consultation narrative
    assert audited(partner, "view", referral.pk)
    url = reverse("intake:consultation_detail", args=[consultation.pk])
    assert client.get(url).status_code == 404


def test_recipient_sees_only_its_own_task(client, partner, owner, town, consultation, note):
    referral = actions.send_referral(
        sender=owner,
        sender_agency=town.owner_agency,
        person=consultation.person,
        consultation=consultation,
        recipients=[town.partner_agency, town.coordinating_agency],
        reason="r",
        request="q",
        agreed_to_share="s",
    )
    body = (
        client_for(client, partner)
        .get(reverse("intake:referral_detail", args=[referral.pk]))
        .content.decode()
    )
    assert town.partner_agency.name in body
    assert town.coordinating_agency.name not in body


def test_recipient_access_ends_after_a_terminal_state(client, partner, referral, task):
    client_for(client, partner)
    url = reverse("intake:referral_detail", args=[referral.pk])
    assert client.get(url).status_code == 200
    transition(actor=partner, task=task, to=S.ACCEPTED)
    transition(actor=partner, task=task, to=S.IN_PROGRESS)
    client.post(
        reverse("intake:task_transition", args=[task.pk]),
        {"to": S.COMPLETED, "outcome": Outcome.GOT_HELP},
    )
    task.refresh_from_db()
    assert task.status == S.COMPLETED
    assert client.get(url).status_code == 404


def test_sender_sees_every_change(client, owner, partner, referral, task):
    transition(actor=partner, task=task, to=S.DECLINED, reason="担当地区外のため")
    body = (
        client_for(client, owner)
        .get(reverse("intake:referral_detail", args=[referral.pk]))
        .content.decode()
    )
    assert "辞退" in body and "担当地区外のため" in body


# --- the lifecycle through the UI ---------------------------------------------------------


def test_illegal_transition_through_the_ui_shows_the_japanese_message(client, partner, task):
    response = client_for(client, partner).post(
        reverse("intake:task_transition", args=[task.pk]),
        {"to": S.COMPLETED, "outcome": Outcome.GOT_HELP},
        follow=True,
    )
    # The redirect back to the sheet records its receipt (the recipient opened it).
    assert "「送付」の依頼を「完了」にはできません" in response.content.decode()
    task.refresh_from_db()
    assert task.status == S.RECEIVED


def test_decline_without_reason_is_refused_in_the_ui(client, partner, task):
    response = client_for(client, partner).post(
        reverse("intake:task_transition", args=[task.pk]), {"to": S.DECLINED}, follow=True
    )
    assert "「辞退する」には理由の入力が必要です" in response.content.decode()


def test_auditor_of_the_sender_cannot_withdraw(client, town, referral, task):
    """A 監査 membership grants no case content (access/policy/), so the sheet is a 404."""
    from conftest import make_user

    auditor = make_user("kansa2", town.owner_agency, "auditor")
    response = client_for(client, auditor).post(
        reverse("intake:task_transition", args=[task.pk]),
        {"to": S.WITHDRAWN, "reason": "x"},
    )
    assert response.status_code == 404
    task.refresh_from_db()
    assert task.status == S.SENT


def test_consultation_is_taken_through_the_form_with_a_new_person(client, owner, town):
    client_for(client, owner)
    response = client.post(
        reverse("intake:consultation_create"),
        {
            "agency": town.owner_agency.pk,
            "received_at": "2026-11-20T10:00",
            "channel": "phone",
            "consulter": "family",
            "consulter_relation": "長女",
            "family_name": "斉藤",
            "given_name": "一",
            "family_kana": "サイトウ",
            "issue_tags": ["介護", "ダブルケア"],
            "urgency": "high",
            "urgency_reason": "介護者が倒れた",
            "consent_status": "given",
            "consent_agencies": [town.partner_agency.pk],
        },
    )
    consultation = Consultation.objects.get()
    assert response.status_code == 302
    assert consultation.issue_tags == ["介護", "ダブルケア"]
    assert consultation.person.family_name == "斉藤"
    assert policy.can_view_person(owner, consultation.person)
    # Registered through intake, the person is found by 名寄せ at the next counter.
    from tsunagu.people.matching import find_candidates

    found = find_candidates(
        municipality_id=town.municipality.pk,
        family_name="齋藤",
        given_name="一",
        family_kana="さいとう",
    )
    assert [c.person for c in found] == [consultation.person]


def test_consultation_form_names_the_missing_fields(client, owner, town):
    response = client_for(client, owner).post(
        reverse("intake:consultation_create"),
        {
            "agency": town.owner_agency.pk,
            "received_at": "2026-11-20T10:00",
            "channel": "phone",
            "consulter": "family",
            "urgency": "high",
            "consent_status": "given",
        },
    )
    body = response.content.decode()
    assert "氏を入力してください" in body
    assert "続柄を入力してください" in body
    assert "理由を入力してください" in body
    assert "同意の範囲(機関)を選んでください" in body
    assert not Consultation.objects.exists()


def test_profile_extends_the_issue_tags(client, owner, town):
    town.municipality.settings["issue_tags_extra"] = ["ごみ屋敷"]
    town.municipality.save()
    body = client_for(client, owner).get(reverse("intake:consultation_create")).content.decode()
    assert "ごみ屋敷" in body and "ヤングケアラー" in body


def test_candidates_show_only_the_agency_for_persons_the_user_cannot_see(
    client, unrelated, owner, consultation, monkeypatch
):
    person = consultation.person
    candidate = matching.Candidate(person=person, score=0.95, band="link", reasons=["フリガナ一致"])
    monkeypatch.setattr(matching, "find_candidates", lambda **kwargs: [candidate])
    url = reverse("intake:person_candidates") + "?family_kana=タカハシ"
    body = client_for(client, unrelated).get(url).content.decode()
    assert "他機関で登録あり(1件): テスト町地域包括支援センター" in body
    assert "花子" not in body and f'value="{person.pk}"' not in body
    assert AuditEvent.objects.get(user=unrelated, action="search").detail["person_ids"] == [
        person.pk
    ]
    client.force_login(owner)
    body = client.get(url).content.decode()
    assert "花子" in body and f'value="{person.pk}"' in body
    assert audited(owner, "search")


@pytest.mark.parametrize("birth_date", ["2025-02-30", "\x00", "²"])
def test_find_with_a_bad_birth_date_says_so(client, owner, town, birth_date):
    response = client_for(client, owner).post(
        reverse("intake:consultation_create"),
        {"find": "1", "family_name": "髙橋", "birth_date": birth_date},
    )
    assert response.status_code == 200
    assert "生年月日: 日付を正しく入力してください。" in response.content.decode()


def test_choosing_a_person_the_user_cannot_see_is_404(client, unrelated, town, consultation):
    response = client_for(client, unrelated).post(
        reverse("intake:consultation_create"),
        {
            "agency": town.unrelated_agency.pk,
            "received_at": "2026-11-20T10:00",
            "channel": "phone",
            "consulter": "self",
            "person_id": consultation.person.pk,
            "urgency": "low",
            "consent_status": "not_asked",
        },
    )
    assert response.status_code == 404
    assert Consultation.objects.count() == 1


def test_referral_is_sent_through_the_form(client, owner, town, consultation, note):
    response = client_for(client, owner).post(
        reverse("intake:referral_create", args=[consultation.pk]),
        {
            "recipients": [town.partner_agency.pk],
            "reason": "r",
            "request": "q",
            "agreed_to_share": "s",
            "notes": [note.pk],
        },
    )
    assert response.status_code == 302
    referral = consultation.referrals.get()
    assert list(referral.notes.all()) == [note]


def test_coordination_request_through_the_ui(client, owner, town, consultation):
    client_for(client, owner).post(
        reverse("intake:coordination_request", args=[consultation.pk]), {"reason": "複合課題"}
    )
    assert consultation.coordination_requests.get().to_agency == town.coordinating_agency


# --- lists, inbox, signal -----------------------------------------------------------------


def many_consultations(town, owner, n=6):
    for i in range(n):
        c = actions.take_consultation(
            staff=owner,
            agency=town.owner_agency,
            details=details(),
            new_person=actions.NewPerson(family_name=f"山田{i}"),
        )
        actions.add_progress_note(
            staff=owner,
            consultation=c,
            date=datetime.date.today(),
            means="phone",
            content="x",
            next_date=datetime.date.today(),
        )


@pytest.mark.parametrize("name", ["consultation_list", "referral_list", "inbox"])
def test_list_pages_keep_a_bounded_number_of_queries(
    client, owner, town, referral, django_assert_max_num_queries, name
):
    many_consultations(town, owner)
    client_for(client, owner)
    with django_assert_max_num_queries(20):
        response = client.get(reverse(f"intake:{name}"))
    assert response.status_code == 200
    assert audited(owner, "list")


def exchange_referrals(town, owner, partner, n):
    """n consultations at each agency, each referred to the other; every due date passed."""
    for i in range(n):
        for user, agency, other in (
            (owner, town.owner_agency, town.partner_agency),
            (partner, town.partner_agency, town.owner_agency),
        ):
            c = actions.take_consultation(
                staff=user,
                agency=agency,
                details=details(next_step_due=datetime.date.today()),
                new_person=actions.NewPerson(family_name=f"佐藤{i}", given_name=agency.name[:2]),
            )
            referral = actions.send_referral(
                sender=user,
                sender_agency=agency,
                person=c.person,
                consultation=c,
                recipients=[other],
                reason="r",
                request="q",
                agreed_to_share="s",
            )
            referral.tasks.update(due_on=datetime.date.today() - datetime.timedelta(days=1))


@pytest.mark.parametrize("name", ["consultation_list", "referral_list", "inbox"])
def test_list_pages_read_no_more_queries_for_more_rows(client, owner, partner, town, name):
    """Each list reads its rows (and the columns it shows) in one query: a row more is no
    query more, so a deferred column touched by a template would fail here."""
    client_for(client, owner)
    url = reverse(f"intake:{name}")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    exchange_referrals(town, owner, partner, 1)
    many_consultations(town, owner, n=1)
    few = queries()
    exchange_referrals(town, owner, partner, 4)
    many_consultations(town, owner, n=4)
    assert queries() == few


def test_consultation_list_opens_on_open_ones_and_pages_keep_the_choice(
    client, owner, town, consultation
):
    many_consultations(town, owner, n=3)
    transitions.change_consultation(
        actor=owner, consultation=consultation, to="closed", reason="対応を終えた"
    )
    link = f'href="/intake/{consultation.pk}/"'
    client_for(client, owner)
    body = client.get(reverse("intake:consultation_list")).text
    assert link not in body and "3件" in body
    body = client.get(reverse("intake:consultation_list"), {"state": "all"}).text
    assert link in body and "4件" in body and "終了" in body


def test_referral_list_opens_on_active_sent_referrals_and_all_is_one_link_away(
    client, owner, partner, referral, task
):
    transition(actor=partner, task=task, to=S.DECLINED, reason="担当地区外のため")
    client_for(client, owner)
    url = reverse("intake:referral_list")
    detail = f'href="{reverse("intake:referral_detail", args=[referral.pk])}"'
    assert detail not in client.get(url).text
    assert detail in client.get(url, {"sent": "all"}).text


def test_unrelated_user_sees_nothing_in_lists(client, unrelated, town, owner, referral):
    client_for(client, unrelated)
    for name in ("consultation_list", "referral_list", "inbox"):
        body = client.get(reverse(f"intake:{name}")).content.decode()
        assert "花子" not in body


def test_inbox_shows_new_and_overdue_referrals_to_the_recipient(client, partner, task):
    task.due_on = datetime.date.today() - datetime.timedelta(days=1)
    task.save()
    body = client_for(client, partner).get(reverse("intake:inbox")).content.decode()
    assert "髙橋" in body and "期限超過" in body


def test_inbox_shows_the_newest_twenty_of_a_list_and_links_to_the_rest(
    client, owner, town, consultation
):
    later = [
        actions.take_consultation(
            staff=owner, agency=town.owner_agency, details=details(), person=consultation.person
        )
        for _ in range(21)
    ]
    body = client_for(client, owner).get(reverse("intake:inbox")).content.decode()
    assert "<title>受信箱" in body
    section = body.split("担当している相談")[1].split("今週の予定")[0]
    shown = [c for c in [consultation, *later] if f'href="/intake/{c.pk}/"' in section]
    assert len(shown) == 20 and consultation not in shown
    assert "新しい 20 件を表示しています" in body
    more = f'href="{reverse("intake:consultation_list")}?worker=me"'  # mine, filtered
    assert more in section.split("新しい 20 件")[1]


def test_inbox_signals_open_consultations_elsewhere_in_the_household(
    client, owner, partner, town, consultation
):
    household = Household.objects.create(municipality=town.municipality, name="髙橋家")
    HouseholdMembership.objects.create(household=household, person=consultation.person)
    consultation.household = household
    consultation.save()
    son = actions.NewPerson(family_name="髙橋", given_name="健太")
    other = actions.take_consultation(
        staff=partner, agency=town.partner_agency, details=details(), new_person=son
    )
    HouseholdMembership.objects.create(household=household, person=other.person)
    other.household = household
    other.save()
    again = actions.take_consultation(
        staff=partner, agency=town.partner_agency, details=details(), person=other.person
    )
    again.household = household
    again.save()
    body = client_for(client, owner).get(reverse("intake:inbox")).content.decode()
    # Two open consultations there, one agency: its name once.
    assert f"他機関で関わりあり: {town.partner_agency.name}</span>" in body
    assert "健太" not in body


def test_home_links_to_the_inbox(client, owner):
    body = client_for(client, owner).get("/").content.decode()
    assert reverse("intake:inbox") in body


# --- たらい回し and loop-closed figures -------------------------------------------------------


def test_person_chain_shows_every_hop_and_unrelated_gets_404(
    client, owner, partner, unrelated, town, consultation, referral, task
):
    transition(actor=partner, task=task, to=S.DECLINED, reason="対象外")
    second = actions.send_referral(
        sender=owner,
        sender_agency=town.owner_agency,
        person=consultation.person,
        consultation=consultation,
        recipients=[town.coordinating_agency],
        reason="r",
        request="q",
        agreed_to_share="s",
    )
    url = reverse("intake:referral_chain", args=[consultation.person.pk])
    body = client_for(client, owner).get(url).content.decode()
    assert body.count(f"<td>{town.owner_agency.name}</td>") == 2
    assert "辞退" in body and town.coordinating_agency.name in body and "つなぎの回数: 2" in body
    assert second.tasks.count() == 1
    assert client_for(client, unrelated).get(url).status_code == 404


def test_export_is_refused_content_for_unrelated(client, unrelated, consultation):
    response = client_for(client, unrelated).get(reverse("intake:ledger_export", args=["csv"]))
    text = response.content.decode("utf-8-sig")
    assert "髙橋" not in text and text.startswith('"受付番号"')
    assert audited(unrelated, "export")


def test_csv_export_has_bom_and_escapes_formulas(client, owner, consultation):
    consultation.next_step = "=HYPERLINK(1)"
    consultation.save()
    response = client_for(client, owner).get(reverse("intake:ledger_export", args=["csv"]))
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][6] == "髙橋\u3000花子" and rows[1][13] == "'=HYPERLINK(1)"
    assert b"\r\n" in response.content
    assert audited(owner, "export")


def test_cp932_export_reports_each_unconvertible_character(client, owner, consultation):
    person = consultation.person
    person.given_name = "𠮷子"
    person.save()
    client_for(client, owner)
    url = reverse("intake:ledger_export", args=["csv"])
    report = client.get(url + "?encoding=cp932").content.decode()
    assert "2行目「本人氏名」列の「𠮷」(U+20BB7)はCP932に変換できない" in report
    assert not audited(owner, "export")
    response = client.get(url + "?encoding=cp932&confirm=1")
    text = response.content.decode("cp932")
    assert "髙橋\u3000〓子" in text  # 髙 is in CP932 (IBM extension); 𠮷 is not
    assert audited(owner, "export")


def test_xlsx_export(client, owner, consultation):
    response = client_for(client, owner).get(reverse("intake:ledger_export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "受付番号" and rows[1][6] == "髙橋\u3000花子"
    assert audited(owner, "export")


def test_xlsx_export_writes_a_typed_formula_as_text(client, owner, consultation):
    consultation.action_taken = '=HYPERLINK("http://example.com","開く")'
    consultation.save()
    response = client_for(client, owner).get(reverse("intake:ledger_export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert "'" + consultation.action_taken in [c.value for c in cells]
    assert all(c.data_type != "f" for c in cells)


def test_a_department_outside_welfare_refers_without_a_consultation(
    client, town, consultation, unrelated
):
    from conftest import make_user

    tax = town.department
    clerk = make_user("zei", tax, "counsellor")
    policy.grant_involvement(person=consultation.person, agency=tax, source="registered")
    url = reverse("intake:referral_create_direct", args=[consultation.person.pk])
    assert client_for(client, unrelated).get(url).status_code == 404
    response = client_for(client, clerk).post(
        url,
        {
            "sender_agency": tax.pk,
            "recipients": [town.owner_agency.pk],
            "reason": "税の滞納が続いている",
            "request": "生活状況の確認",
            "agreed_to_share": "氏名・住所",
        },
    )
    assert response.status_code == 302
    referral = consultation.person.referrals.get(consultation__isnull=True)
    assert (referral.sender_agency, referral.tasks.get().agency) == (tax, town.owner_agency)


def test_finding_candidates_keeps_the_typed_values_without_errors(client, owner, town, monkeypatch):
    monkeypatch.setattr(matching, "find_candidates", lambda **kwargs: [])
    response = client_for(client, owner).post(
        reverse("intake:consultation_create"),
        {"find": "1", "family_kana": "サイトウ", "issue_tags": ["介護", "障害"]},
    )
    body = response.content.decode()
    assert 'value="サイトウ"' in body and "errorlist" not in body
    assert re.search(r'value="障害"[^>]*checked', body)
    assert not re.search(r'value="健康・病気"[^>]*checked', body)
    assert not Consultation.objects.exists()


def test_consultation_page_signals_agencies_involved_with_the_person(
    client, owner, town, consultation, referral
):
    body = (
        client_for(client, owner)
        .get(reverse("intake:consultation_detail", args=[consultation.pk]))
        .content.decode()
    )
    assert f"他機関で関わりあり(本人): {town.partner_agency.name}" in body


# --- safe actions: 終了 asks for a reason, can be reopened, and confirms with a message ------


def test_closing_asks_a_reason_and_reopening_is_offered(client, owner, consultation):
    client_for(client, owner)
    detail = reverse("intake:consultation_detail", args=[consultation.pk])
    page = client.get(detail).content.decode()
    assert '<summary class="btn btn-danger">この相談受付を終了する…</summary>' in page
    close = reverse("intake:consultation_close", args=[consultation.pk])
    response = client.post(close, {"reason": ""}, follow=True)
    assert "「この相談受付を終了する」には理由の入力が必要です。" in response.content.decode()
    response = client.post(close, {"reason": "包括での対応で解決した"}, follow=True)
    page = response.content.decode()
    assert "相談受付を終了しました。" in page and "理由: 包括での対応で解決した" in page
    assert "相談受付を再開する…" in page
    response = client.post(
        reverse("intake:consultation_reopen", args=[consultation.pk]),
        {"reason": "再び相談があった"},
        follow=True,
    )
    assert "相談受付を再開しました。" in response.content.decode()
    consultation.refresh_from_db()
    assert consultation.is_open


def test_auditor_of_the_agency_cannot_close(client, town, consultation):
    from conftest import make_user

    auditor = make_user("kansa3", town.owner_agency, "auditor")
    response = client_for(client, auditor).post(
        reverse("intake:consultation_close", args=[consultation.pk]), {"reason": "x"}
    )
    assert response.status_code in (403, 404)
    consultation.refresh_from_db()
    assert consultation.is_open


# --- 名寄せ never creates a duplicate by default (issue 15.5) ---------------------------------


def _new_consultation_post(town, **person):
    return {
        "agency": town.owner_agency.pk,
        "received_at": "2026-11-20T10:00",
        "channel": "phone",
        "consulter": "self",
        "family_name": "髙橋",
        "given_name": "花子",
        "family_kana": "タカハシ",
        "given_kana": "ハナコ",
        "birth_date": "1944-05-01",
        "urgency": "low",
        "consent_status": "not_asked",
        **person,
    }


def test_candidates_are_shown_with_nothing_chosen(client, owner, consultation):
    response = client_for(client, owner).get(
        reverse("intake:person_candidates"),
        {"family_name": "髙橋", "family_kana": "タカハシ", "given_kana": "ハナコ"},
    )
    page = response.content.decode()
    assert "該当なし(新規登録する)" in page and "花子" in page
    assert "checked" not in page


def test_saving_without_choosing_when_candidates_exist_creates_nobody(
    client, owner, town, consultation
):
    response = client_for(client, owner).post(
        reverse("intake:consultation_create"), _new_consultation_post(town)
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "候補から本人を選ぶか、「該当なし(新規登録する)」を選んで" in page
    assert "花子" in page  # the candidates are shown again to choose from
    assert Consultation.objects.count() == 1
    assert Person.objects.count() == 1


def test_choosing_none_of_them_registers_a_new_person(client, owner, town, consultation):
    response = client_for(client, owner).post(
        reverse("intake:consultation_create"), _new_consultation_post(town, person_id="new")
    )
    assert response.status_code == 302
    assert Consultation.objects.count() == 2
    assert (
        Consultation.objects.exclude(person=consultation.person).get().person.given_name == "花子"
    )


def test_choosing_the_candidate_links_the_same_person(client, owner, town, consultation):
    response = client_for(client, owner).post(
        reverse("intake:consultation_create"),
        _new_consultation_post(town, person_id=str(consultation.person_id)),
    )
    assert response.status_code == 302
    assert Consultation.objects.filter(person=consultation.person).count() == 2


def test_a_first_consultation_with_no_candidates_needs_no_choice(client, owner, town):
    response = client_for(client, owner).post(
        reverse("intake:consultation_create"), _new_consultation_post(town)
    )
    assert response.status_code == 302
    assert Consultation.objects.count() == 1


@pytest.mark.parametrize("value", ["abc", "9" * 30, "\x00", "²"])
def test_a_bad_candidate_choice_is_a_message(client, owner, town, value):
    response = client_for(client, owner).post(
        reverse("intake:consultation_create"), _new_consultation_post(town, person_id=value)
    )
    assert response.status_code == 200
    assert Consultation.objects.count() == 0
