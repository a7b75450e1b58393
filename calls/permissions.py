"""Who may do what with calls. Pure predicates: no queries beyond the user's memberships."""

from cosviluppo.lib.permissions import is_staff_officer

from .models import Call

# Members of these organisations ask questions about calls (they are the ones who apply).
_ASKING_KINDS = ("migrant_association", "ngo")


def can_manage_calls(user, obj=None) -> bool:
    """Programme officers create, edit, publish and copy calls and answer questions."""
    return is_staff_officer(user)


def can_publish_call(user, call: Call | None = None) -> bool:
    return is_staff_officer(user) and (call is None or call.is_draft)


def can_ask_call_questions(user, obj=None) -> bool:
    """Signed-in members of a migrant association or of an NGO."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.memberships.filter(organisation__kind__in=_ASKING_KINDS).exists()


def can_ask_question_about(user, call: Call, when=None) -> bool:
    """A member who may ask, about a published call whose deadline has not passed."""
    return (
        call.status == Call.Status.OPEN
        and call.effective_status(when) == Call.Status.OPEN
        and can_ask_call_questions(user)
    )


def can_download_call_document(user, document) -> bool:
    """Anyone, for a published call; staff also for drafts (to check them before publication)."""
    return document.call.status != Call.Status.DRAFT or is_staff_officer(user)
