"""Who may see and move the platform's money (pages and API share these)."""

from rest_framework import permissions


def is_finance_staff(user) -> bool:
    """Platform finance staff: staff with the `payments.view_finance` permission (superusers have it)."""
    return bool(user and user.is_authenticated and user.is_staff and user.has_perm("payments.view_finance"))


def can_manage_finance(user) -> bool:
    return bool(user and user.is_authenticated and user.is_staff and user.has_perm("payments.manage_finance"))


class IsFinanceStaff(permissions.BasePermission):
    def has_permission(self, request, view):
        return is_finance_staff(request.user)
