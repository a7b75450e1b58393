import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.core import mail
from django.urls import reverse

from accounts.middleware import SESSION_FLAG
from accounts.models import User
from accounts.services import user_enrol_totp, user_has_two_factor
from accounts.tests.factories import UserFactory
from cosviluppo.testing import CLOSED_BROKER_URL, send_tasks_to
from outbox.models import OutboxEmail
from outbox.services import outbox_deliver_due

pytestmark = pytest.mark.django_db

SECRET = "6PBHALAJKS5NEPNXIMZLCJTRM3AS4QR3"
PASSWORD = "una-password-robusta-2026"


def current_code(secret=SECRET):
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


def verified_user(**kwargs):
    user = UserFactory(password=PASSWORD, **kwargs)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def test_sign_up_sends_a_verification_email_and_the_link_activates_the_account(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {
                "email": "Nuova.Socia@Example.org",
                "password1": PASSWORD,
                "password2": PASSWORD,
                "full_name": "Awa Ndiaye",
                "preferred_language": "it",
            },
        )
    assert response.status_code == 302
    user = User.objects.get(email="nuova.socia@example.org")
    assert user.full_name == "Awa Ndiaye"
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["nuova.socia@example.org"]
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[1]

    # Before verifying, the login is refused (the verification page is shown instead).
    client.logout()
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session

    client.post(path)
    assert EmailAddress.objects.get(user=user).verified
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")


def test_password_reset_email_is_sent(client, django_capture_on_commit_callbacks):
    user = verified_user()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": user.email})
    assert len(mail.outbox) == 1 and "/accounts/password/reset/key/" in mail.outbox[0].body


def test_staff_without_two_factor_can_only_set_it_up(client):
    officer = verified_user(municipal_role=User.MunicipalRole.OFFICER)
    client.post(reverse("account_login"), {"login": officer.email, "password": PASSWORD})
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("mfa_activate_totp"))
    # allauth asks for the password once more before a second factor is added.
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200 and "code" in page.context["form"].fields
    user_enrol_totp(user=officer, secret=SECRET)
    assert client.get(reverse("dashboard")).status_code == 200
    assert client.session[SESSION_FLAG] is True


@pytest.mark.parametrize("fields", [{"municipal_role": "evaluator"}, {"is_staff": True, "is_superuser": True}])
def test_evaluators_and_administrators_need_two_factor_too(client, fields):
    client.force_login(verified_user(**fields))
    assert client.get(reverse("home")).status_code == 302


def test_applicants_do_not_need_two_factor_but_can_enable_it(client, applicant):
    client.force_login(applicant)
    assert client.get(reverse("dashboard")).status_code == 200
    assert client.get(reverse("mfa_index")).status_code == 200


def test_enrolled_officer_logs_in_with_password_then_code(client):
    officer = verified_user(municipal_role=User.MunicipalRole.OFFICER)
    user_enrol_totp(user=officer, secret=SECRET)
    response = client.post(reverse("account_login"), {"login": officer.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000" if current_code() != "000000" else "111111"})
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session
    response = client.post(reverse("mfa_authenticate"), {"code": current_code()})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(officer.pk)
    assert client.get(reverse("dashboard")).status_code == 200


def test_repeated_failed_logins_are_locked_out(client, settings):
    user = verified_user()
    for _ in range(5):
        response = client.post(reverse("account_login"), {"login": user.email, "password": "sbagliata"})
        assert response.status_code == 200
    # The sixth attempt is refused even with the right password.
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 429)


def test_admin_login_goes_through_the_portal_login(client, applicant):
    response = client.get(reverse("admin:login") + "?next=/admin/")
    assert response.status_code == 302 and response["Location"] == reverse("account_login") + "?next=%2Fadmin%2F"
    client.force_login(applicant)
    assert client.get(reverse("admin:login")).status_code == 403


def test_enrolment_is_idempotent():
    user = UserFactory()
    user_enrol_totp(user=user, secret=SECRET)
    user_enrol_totp(user=user, secret=SECRET)
    assert user_has_two_factor(user) and user.authenticator_set.count() == 1


def test_password_reset_with_the_broker_down_waits_in_the_outbox(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    """allauth's e-mails go through the outbox too: the page answers, the e-mail leaves later."""
    user = verified_user()
    send_tasks_to(monkeypatch, CLOSED_BROKER_URL)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    assert mail.outbox == []
    email = OutboxEmail.objects.get(status=OutboxEmail.Status.QUEUED)
    assert email.to == [user.email] and "/accounts/password/reset/key/" in email.body

    monkeypatch.undo()  # the broker is back
    assert outbox_deliver_due() == [email.pk]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user.email]
