from tsunagu.access import policy


def current_memberships(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "current_memberships": user.active_memberships(),
        "nav_audit_log": policy.can_read_audit_log(user),
        "nav_staff": policy.can_administer_accounts(user),
        # Casework pages only for casework roles: 管理者/監査/統計 alone would meet a 404.
        "nav_casework": bool(policy.casework_agency_ids(user)),
        "nav_reports": policy.can_read_reports(user),
    }
