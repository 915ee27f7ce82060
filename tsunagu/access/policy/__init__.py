"""The one access policy: who may see or change what. Deny by default.

Rules (DOMAIN.md "Personal data"):
- A person's record is visible to users of agencies with a current ``Involvement`` with
  that person (registered them, took a consultation, received a referral, work on a case…).
- Users of any other agency learn only that the person is known, and by which agencies
  (``known_elsewhere``): the 「他機関で関わりあり」 signal, with no content.
- Only memberships in a casework role count (``User.content_agency_ids``). The 管理者 role
  manages configuration and the 監査 role reads the audit log (``can_read_audit_log``);
  neither reads case content unless the user is also a casework member of an involved agency.
- A 監査 user is read-only everywhere: every ``can_change_*`` is False for them (403).
- A merged person resolves to the survivor (``survivor``): old links keep working and the
  access question is asked about the survivor.
- A household is visible to users who may read one of its current members; its page shows
  each member's name and 続柄 (the composition is part of every member's record) but birth
  dates and links only for members the user may read.
- A record the user may not see is a 404 (``get_person_or_404``).

Shape (docs/decisions/0008-access-policy-package.md): one module per domain — ``base``
(content roles, acting for an agency, involvement, the coordinating agency, the person's
consent to sharing), ``people``, ``intake``, ``coordination``, ``meetings`` … — each
importing the models it reads at the top. Domain code imports only this package
(``from tsunagu.access import policy``); no model module imports the policy, so there is no
cycle. Views never query a person's records themselves (tsunagu/access/tests/test_shape.py).

How other apps follow this (one pattern for every record type):
- Add a pair in ``policy/<domain>.py`` and re-export it below: ``visible_<things>(user)`` (a QuerySet filter for lists, built on
  ``casework_agency_ids(user)`` so it is empty for users without casework memberships) and
  ``can_view_<thing>(user, obj)`` / ``get_<thing>_or_404(user, pk)`` for one object, plus
  ``can_change_<thing>`` that also refuses read-only users.
- Views call the check on their first line: 404 when the record is not visible, then
  ``PermissionDenied`` (403) when it is visible but the user may not change it.
- Every read and write of a person's data then calls ``audit.log`` in the same transaction.
- Actions that start or end an agency's work with a person call ``grant_involvement`` /
  ``end_involvement``; nothing else widens access.
"""

from __future__ import annotations

from tsunagu.access.policy.accounts import *  # noqa: F403  (its __all__)
from tsunagu.access.policy.audit import *  # noqa: F403
from tsunagu.access.policy.base import (
    REFUSED_ROUTES,
    ReferralConsent,
    acting_agency,
    can_act_for,
    casework_agency_ids,
    colleagues,
    content_agencies,
    coordinating_municipality_ids,
    end_involvement,
    grant_involvement,
    home_municipality,
    home_municipality_id,
    is_read_only,
    latest_consent_decision,
    membership_agency,
    referral_consent,
    referral_consent_refusal,
    survivor,
    writable_agencies,
)
from tsunagu.access.policy.coordination import (
    can_change_case,
    can_take_up_request,
    can_view_case,
    case_parts,
    case_people,
    cases_naming_person,
    get_assessment_or_404,
    get_assignment_or_404,
    get_case_or_404,
    get_consent_or_404,
    get_plan_or_404,
    holds_case,
    label_cases,
    own_assignments,
    own_reminders,
    own_rows_of_current_plan,
    person_cases,
    visible_cases,
)
from tsunagu.access.policy.intake import (
    can_change_consultation,
    can_view_consultation,
    can_view_referral,
    get_consultation_or_404,
    get_incoming_request_or_404,
    get_referral_or_404,
    get_task_or_404,
    is_referral_sender,
    pending_coordination_requests,
    received_referral_tasks,
    sent_referral_tasks,
    task_sides,
    unanswered_received_tasks,
    visible_consultations,
    visible_progress_notes,
    visible_referral_tasks,
    visible_referrals,
    visible_tasks,
)
from tsunagu.access.policy.meetings import (
    can_manage_body,
    can_manage_session,
    get_agenda_item_or_404,
    get_session_or_404,
    has_pledge,
    manageable_bodies,
    meeting_overview_municipality,
    meeting_shared_cases,
    meeting_shared_persons,
    papers_refusal,
    sessions_with_visible_papers,
    sharing_sessions,
    visible_sessions,
)
from tsunagu.access.policy.municipality import can_view_areas, get_areas_municipality_or_404
from tsunagu.access.policy.outreach import *  # noqa: F403
from tsunagu.access.policy.participation import (
    can_change_participation,
    can_manage_hosts,
    can_view_host_history,
    can_view_participation,
    get_followup_or_404,
    get_host_or_404,
    get_offer_or_404,
    get_participation_or_404,
    municipality_ids,
    participation_agency_ids,
    responsible_agencies,
    responsible_agencies_of,
    staff_agency_ids,
    visible_followups,
    visible_hosts,
    visible_offers,
    visible_participations,
)
from tsunagu.access.policy.people import (
    can_change_person,
    can_view_household,
    can_view_person,
    current_households,
    get_household_or_404,
    get_merge_or_404,
    get_person_or_404,
    known_elsewhere,
    known_elsewhere_by_household,
    known_elsewhere_by_person,
    known_elsewhere_matching,
    visible_households,
    visible_persons,
)
from tsunagu.access.policy.reports import can_edit_targets, can_read_reports
from tsunagu.access.policy.resources import (
    can_edit_register,
    can_raise_gap,
    can_view_gap_source,
    get_gap_or_404,
    get_organization_or_404,
    get_resource_or_404,
    register_edit_municipality_ids,
    register_editor_agency_ids,
    register_municipality_ids,
    visible_gaps,
    visible_organizations,
    visible_resources,
)
