def current_memberships(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    memberships = list(user.memberships.filter(active=True).select_related("agency"))
    return {"current_memberships": memberships}
