"""The demo's platform arbitrator (called by `manage.py seed_demo`): staff with `orders.arbitrate_case`,
who works the arbitration queue at /staff/arbitration/. Idempotent: a second run finds the account
and sets the same password and permission."""

from django.contrib.auth.models import Permission

USERNAME, PASSWORD = "arbitrator", "arbitrator12345"


def seed_arbitrator(*, log=None):
    from marketplace.models import User

    user = User.objects.filter(username=USERNAME).first() or User(username=USERNAME)
    user.email, user.role, user.is_staff = "arbitrator@example.com", User.Role.STAFF, True
    user.first_name, user.last_name = "Hui", "Liu"
    user.set_password(PASSWORD)
    user.save()
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="orders", codename="arbitrate_case")
    )
    if log:
        log(f"Arbitrator account: {USERNAME} / {PASSWORD} (the arbitration queue at /staff/arbitration/).")
    return user
