"""What the layout needs to know about the visitor: which staff areas to link to (one query, only when logged in)."""

from citizens.roles import Role


def staff_areas(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def roles():
        held = set(user.memberships.filter(is_active=True).values_list("role", flat=True))
        if user.is_superuser:
            held |= {role.value for role in Role if role != Role.APPLICANT}
        return held

    # Lazy: pages that never render the navigation pay nothing.
    from django.utils.functional import SimpleLazyObject

    def admin_rights():
        # Django admin only for those it shows something to (a reception clerk with is_staff saw an empty page).
        return bool(user.is_active and user.is_staff and (user.is_superuser or user.get_all_permissions()))

    return {"staff_roles": SimpleLazyObject(roles), "admin_rights": SimpleLazyObject(admin_rights)}
