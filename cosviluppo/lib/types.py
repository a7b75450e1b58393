"""Type names shared by the typed modules (services, selectors, permissions, tasks)."""

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser

from accounts.models import User

# request.user as views hand it over: a signed-in user, or the anonymous one.
AnyUser: TypeAlias = User | AnonymousUser
