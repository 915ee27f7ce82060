"""After the person withdraws consent, team agencies whose parts are now 「なし」 see the
case under a neutral title without the person's name (issue 12.6)."""

from django.urls import reverse

from tsunagu.access import policy
from tsunagu.coordination import actions

NAME = "山田"


def _withdraw(case, coordinator):
    consent = case.current_consent()
    actions.withdraw_consent(consent=consent, by=coordinator, reason="本人の申し出")


def _pages(case):
    return [
        reverse("coordination:list"),
        reverse("coordination:my_assignments"),
        reverse("coordination:case", args=[case.pk]),
    ]


def test_team_agency_sees_the_title_while_consent_holds(client, partner, supported):
    client.force_login(partner)
    for url in _pages(supported):
        assert supported.title in client.get(url).content.decode(), url


def test_team_agency_sees_a_neutral_title_after_withdrawal(client, partner, coordinator, supported):
    _withdraw(supported, coordinator)
    neutral = f"事例 #{supported.pk}(同意撤回のため氏名非表示)"
    client.force_login(partner)
    for url in _pages(supported):
        body = client.get(url).content.decode()
        assert NAME not in body, url
        assert neutral in body, url


def test_the_holder_keeps_the_title_after_withdrawal(client, coordinator, supported):
    _withdraw(supported, coordinator)
    client.force_login(coordinator)
    body = client.get(reverse("coordination:list")).content.decode()
    assert supported.title in body


def test_one_helper_labels_cases_for_lists_and_pages(partner, coordinator, supported):
    assert policy.label_cases(partner, [supported])[0].display_title == supported.title
    _withdraw(supported, coordinator)
    (labelled,) = policy.label_cases(partner, [supported])
    assert not labelled.shows_person
    assert policy.get_case_or_404(partner, supported.pk).display_title == labelled.display_title


def test_case_list_labels_hidden_cases_in_a_bounded_number_of_queries(
    client, partner, coordinator, supported, django_assert_max_num_queries
):
    _withdraw(supported, coordinator)
    client.force_login(partner)
    # 2 of these fill the filter form's choices (担当者, 圏域).
    with django_assert_max_num_queries(13):
        client.get(reverse("coordination:list"))
