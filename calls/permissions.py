"""Who may do what with calls. Pure predicates: no queries beyond the user's memberships."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from associations.models import Organisation
from associations.permissions import can_apply_to_calls
from cosviluppo.lib.permissions import is_staff_officer, membership_kinds

from .models import Call, CallDocument

# Members of these organisations ask questions about calls (they are the ones who apply).
ASKING_KINDS = (Organisation.Kind.MIGRANT_ASSOCIATION, Organisation.Kind.NGO)


def can_manage_calls(user: Any, obj: object = None) -> bool:
    """Programme officers create, edit, publish and copy calls and answer questions."""
    return is_staff_officer(user)


def can_publish_call(user: Any, call: Call | None = None) -> bool:
    return is_staff_officer(user) and (call is None or call.is_draft)


def can_ask_call_questions(user: Any, obj: object = None) -> bool:
    """Signed-in members of a migrant association or of an NGO."""
    if not (user.is_authenticated and user.is_active):
        return False
    return bool(membership_kinds(user) & set(ASKING_KINDS))


def can_ask_question_about(user: Any, call: Call, when: datetime | None = None) -> bool:
    """A member who may ask, about a published call whose deadline has not passed."""
    return call.accepts_questions_at(when) and can_ask_call_questions(user)


def can_download_call_document(user: Any, document: CallDocument) -> bool:
    """Anyone, for a published call; staff also for drafts (to check them before publication)."""
    return document.call.status != Call.Status.DRAFT or is_staff_officer(user)


@dataclass(frozen=True)
class CallActions:
    """What a call's public page (calls:detail) may offer the user now."""

    # Start a draft: members who may lead a proposal, while the call accepts proposals.
    can_start_proposal: bool
    # The questions box is shown while the call accepts questions…
    accepts_questions: bool
    # …with the form to members who may ask, and a log-in link to anonymous visitors.
    can_ask_question: bool
    must_log_in_to_ask: bool


def call_actions(user: Any, call: Call, now: datetime) -> CallActions:
    accepting = call.accepts_questions_at(now)
    signed_in = bool(user.is_authenticated)
    return CallActions(
        can_start_proposal=call.is_open_at(now) and signed_in and can_apply_to_calls(user),
        accepts_questions=accepting,
        can_ask_question=accepting and signed_in and can_ask_call_questions(user),
        must_log_in_to_ask=accepting and not signed_in,
    )
