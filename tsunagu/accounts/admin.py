"""Accounts are not edited in /admin/.

Django's user admin let any staff user with user permissions see every account, grant any
membership, set is_superuser and reset passwords, recorded only in the editable admin log.
Accounts, roles, passwords and two-factor devices are changed only on the staff pages
(/accounts/staff/), through accounts/actions.py with hash-chained audit events and the access
policy's scope (docs/decisions/0012-account-administration.md). Groups are unused.
"""

from django.contrib import admin
from django.contrib.auth.models import Group
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

for model in (Group, TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
