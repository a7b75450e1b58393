"""Writes about calls: editions, publication, copies, the clock, questions and answers.

What staff may still change after publication (decided here, enforced by call_save):
only the call's documents and its FAQ. Applicants rely on the published rules, dates,
criteria, budget and funders while they write, so those are frozen once the call is out;
documents may be added and re-titled (an erratum, a new annex) but an existing file is
neither replaced nor removed, and published answers may be edited or unpublished but not
deleted. A draft is fully editable.
"""

from datetime import datetime
from decimal import Decimal
from uuid import UUID
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import QuerySet
from django.forms import ModelForm
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cosviluppo.lib.emails import absolute_url, send_templated_email
from cosviluppo.lib.exceptions import DomainError, TransitionNotAllowed
from cosviluppo.lib.idempotency import save_once
from cosviluppo.templatetags.formatting import eur
from reports.opendata.services import open_data_call_moved

from .models import (
    CALL_PART_LIMITS,
    Call,
    CallDocument,
    CallQuestion,
    CallStatusChange,
    EligibleCostCategory,
    EvaluationCriterion,
    FunderCommitment,
    RequiredAttachment,
)

ROME = ZoneInfo("Europe/Rome")

# Codes that would collide with the fixed paths under /calls/.
RESERVED_CALL_CODES = frozenset({"manage"})
# The parts of a call edition (formset names) that may change after publication.
CALL_PARTS_EDITABLE_AFTER_PUBLICATION = frozenset({"documents", "faq"})


class CallNotPublishable(DomainError):
    """Publication refused; `problems` lists every rule the call breaks, not just the first."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__(_("The call cannot be published yet: %(problems)s") % {"problems": " ".join(self.problems)})


def call_transition(
    *, call: Call, to: str, by: User | None = None, reason: str = "", now: datetime | None = None
) -> Call:
    """Move a call to status `to` if its lifecycle allows it; writes a CallStatusChange."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Call.objects.select_for_update().get(pk=call.pk)
        current = locked.status
        if to not in Call.TRANSITIONS.get(current, set()):
            raise TransitionNotAllowed(
                _("A call cannot go from “%(from)s” to “%(to)s”.")
                % {"from": Call.Status(current).label, "to": Call.Status(to).label}
            )
        locked.status = to
        fields = ["status", "updated_at"]
        if to == Call.Status.RESULTS_PUBLISHED:
            locked.results_published_at = now
            fields.append("results_published_at")
        locked.save(update_fields=fields)
        CallStatusChange.objects.create(
            call=locked, from_status=current, to_status=to, reason=reason, changed_by=by, changed_at=now
        )
        open_data_call_moved(from_status=current, to_status=to)
    call.status = locked.status
    return locked


# --- Editing ---------------------------------------------------------------------------------


def call_save(
    *, call: Call, form: "ModelForm[Call] | None" = None, formsets: dict, by: User, now: datetime | None = None
) -> Call:
    """Save a call edition from its validated main form and inline formsets, all or nothing.

    `form` is the CallForm (None when only some parts may change); `formsets` maps a part
    name (criteria, commitments, cost_categories, attachments, documents, faq) to its
    validated formset. A new call is created as a draft, with a history row.
    """
    now = now or timezone.now()
    creating = call.pk is None
    with transaction.atomic():
        if not creating:
            # Lock: a publication running at the same time must not see half an edit.
            status = Call.objects.select_for_update().values_list("status", flat=True).get(pk=call.pk)
            if status != Call.Status.DRAFT:
                frozen = (form is not None) or bool(set(formsets) - CALL_PARTS_EDITABLE_AFTER_PUBLICATION)
                if frozen:
                    raise DomainError(_("This call is published: only its documents and its FAQ can still change."))
                if any(formset.deleted_forms for formset in formsets.values()):
                    raise DomainError(_("Documents and answers of a published call cannot be deleted."))
        if form is not None:
            call = form.save(commit=False)
            if creating:
                call.status = Call.Status.DRAFT
            call.save()
            form.save_m2m()
        for part, formset in formsets.items():
            formset.instance = call
            for obj in formset.save(commit=False):
                if part == "faq" and obj.pk is None:
                    # Staff write FAQ entries directly: asked and answered by the office.
                    obj.asked_by = by
                    obj.asked_at = now
                if part == "faq" and obj.answer:
                    obj.answered_by = obj.answered_by or by
                    obj.answered_at = obj.answered_at or now
                obj.call = call
                obj.save()
            for obj in formset.deleted_objects:
                obj.delete()
        if creating:
            CallStatusChange.objects.create(
                call=call,
                from_status="",
                to_status=Call.Status.DRAFT,
                reason=_("Created"),
                changed_by=by,
                changed_at=now,
            )
    return call


# --- Publication -----------------------------------------------------------------------------


def call_publication_problems(*, call: Call, now: datetime | None = None) -> list[str]:
    """Every reason why `call` cannot be published, in the order of the edit page; empty if none."""
    now = now or timezone.now()
    problems: list[str] = []

    # Dates
    if call.opens_at >= call.closes_at:
        problems.append(_("The call must open before it closes."))
    if call.closes_at <= now:
        problems.append(_("The deadline has already passed."))

    # Money: the commitments must add up to the announced budget exactly.
    commitments = list(call.commitments.all())
    committed = sum((c.amount for c in commitments), Decimal("0.00"))
    if not commitments:
        problems.append(_("No funder has committed money to the call."))
    elif committed <= 0:
        problems.append(_("The funders' commitments add up to zero."))
    if call.announced_budget is None:
        problems.append(_("The total budget of the call is not set."))
    elif committed != call.announced_budget:
        problems.append(
            _("The funders' commitments add up to %(committed)s, not to the budget of the call (%(budget)s).")
            % {"committed": eur(committed), "budget": eur(call.announced_budget)}
        )
    budget = call.announced_budget if call.announced_budget is not None else committed
    if call.max_grant <= 0:
        problems.append(_("The maximum grant per project must be more than zero."))
    elif call.max_grant > budget:
        problems.append(
            _("The maximum grant per project (%(grant)s) is above the budget of the call (%(budget)s).")
            % {"grant": eur(call.max_grant), "budget": eur(budget)}
        )

    # Eligibility
    if not call.eligible_countries:
        problems.append(_("No eligible country of origin is selected."))
    if call.min_origin_share_pct + call.min_residence_share_pct > 100:
        problems.append(_("The minimum shares in the country of origin and in Italy add up to more than 100%."))
    if not call.cost_categories.exists():
        problems.append(_("No cost category is eligible."))

    # Evaluation grid
    criteria = list(call.criteria.all())
    if not criteria:
        problems.append(_("There is no evaluation criterion."))
    else:
        weights = sum((c.weight for c in criteria), Decimal("0"))
        if weights != 100:
            problems.append(
                _("The weights of the evaluation criteria add up to %(total)s%%, not to 100%%.")
                % {"total": f"{weights.normalize():f}"}
            )
        for criterion in criteria:
            if criterion.min_threshold is not None and criterion.min_threshold > criterion.max_score:
                problems.append(
                    _("Criterion %(code)s: its minimum score (%(threshold)s) is above its maximum score (%(max)s).")
                    % {"code": criterion.code, "threshold": criterion.min_threshold, "max": criterion.max_score}
                )
    if call.overall_threshold > 100:
        problems.append(_("The minimum total score to be fundable is above 100 points."))

    # The public page must offer the text of the call.
    if not call.documents.exists():
        problems.append(_("There is no call document: attach at least the text of the call."))
    return problems


def call_publish(*, call: Call, by: User, now: datetime | None = None) -> Call:
    """Publish a draft (draft → open) after checking every rule; raises CallNotPublishable with all problems."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Call.objects.select_for_update().get(pk=call.pk)
        if locked.status != Call.Status.DRAFT:
            raise TransitionNotAllowed(_("Only a draft call can be published."))
        problems = call_publication_problems(call=locked, now=now)
        if problems:
            raise CallNotPublishable(problems)
        published = call_transition(call=locked, to=Call.Status.OPEN, by=by, reason=_("Published"), now=now)
    call.status = published.status
    return published


# --- Copying an edition ----------------------------------------------------------------------

# Fields of Call that belong to one edition only and are not copied.
_NOT_COPIED = {"id", "code", "status", "results_published_at", "is_demo", "created_at", "updated_at"}


def _next_year_after(moment: datetime, now: datetime, years: int) -> datetime:
    """`moment` moved by `years` years on the Rome wall clock (so 9:00 stays 9:00 across DST)."""
    local = timezone.localtime(moment, ROME).replace(tzinfo=None) + relativedelta(years=years)
    return timezone.make_aware(local, ROME)


def call_copy(*, source: Call, code: str, by: User, now: datetime | None = None) -> Call:
    """A new draft edition copied from `source`: texts, rules, criteria, documents, funders, costs, attachments.

    Dates move forward by whole years until the opening is in the future, and the
    commitments keep their amounts as a starting point: staff then set both.
    Documents share the source's files (the copy points at the same stored file).
    """
    now = now or timezone.now()
    code = code.strip()
    if code.lower() in RESERVED_CALL_CODES:
        raise DomainError(_("“%(code)s” cannot be used as a call code.") % {"code": code})
    if Call.objects.filter(code=code).exists():
        raise DomainError(_("A call with the code “%(code)s” already exists.") % {"code": code})
    years = 1
    while _next_year_after(source.opens_at, now, years) <= now:
        years += 1
    with transaction.atomic():
        values = {
            field.attname: getattr(source, field.attname)
            for field in Call._meta.concrete_fields
            if field.attname not in _NOT_COPIED
        }
        values.update(
            code=code,
            status=Call.Status.DRAFT,
            opens_at=_next_year_after(source.opens_at, now, years),
            closes_at=_next_year_after(source.closes_at, now, years),
        )
        values["year"] = timezone.localtime(values["opens_at"], ROME).year
        copy = Call.objects.create(**values)
        EvaluationCriterion.objects.bulk_create(
            EvaluationCriterion(
                call=copy,
                code=c.code,
                name_it=c.name_it,
                name_en=c.name_en,
                description_it=c.description_it,
                description_en=c.description_en,
                max_score=c.max_score,
                weight=c.weight,
                min_threshold=c.min_threshold,
                order=c.order,
            )
            for c in source.criteria.all()
        )
        EligibleCostCategory.objects.bulk_create(
            EligibleCostCategory(call=copy, category=c.category, cap_pct=c.cap_pct)
            for c in source.cost_categories.all()
        )
        RequiredAttachment.objects.bulk_create(
            RequiredAttachment(
                call=copy,
                name_it=a.name_it,
                name_en=a.name_en,
                accepts_office_documents=a.accepts_office_documents,
                order=a.order,
            )
            for a in source.required_attachments.all()
        )
        CallDocument.objects.bulk_create(
            CallDocument(call=copy, title_it=d.title_it, title_en=d.title_en, file=d.file.name, order=d.order)
            for d in source.documents.all()
        )
        FunderCommitment.objects.bulk_create(
            FunderCommitment(call=copy, funder_id=c.funder_id, amount=c.amount, note=c.note)
            for c in source.commitments.all()
        )
        CallStatusChange.objects.create(
            call=copy,
            from_status="",
            to_status=Call.Status.DRAFT,
            reason=_("Copied from %(code)s") % {"code": source.code},
            changed_by=by,
            changed_at=now,
        )
    return copy


# --- The clock -------------------------------------------------------------------------------


def _officers() -> QuerySet[User]:
    from accounts.models import User

    return User.objects.filter(municipal_role=User.MunicipalRole.OFFICER, is_active=True).only(
        "email", "preferred_language"
    )


def call_record_clock_changes(*, now: datetime | None = None) -> list[Call]:
    """Close every open call whose deadline has passed, once: history row + e-mail to the officers.

    Pages already show such calls as closed (Call.effective_status); this records it.
    Each call is re-read under a row lock with the same condition, so a second run, even
    a concurrent one, finds nothing to do and sends nothing.
    """
    now = now or timezone.now()
    due = list(
        Call.objects.filter(status=Call.Status.OPEN, closes_at__lte=now)
        .order_by("closes_at")
        .values_list("pk", flat=True)
    )
    closed: list[Call] = []
    for pk in due:
        with transaction.atomic():
            locked = Call.objects.select_for_update().filter(pk=pk, status=Call.Status.OPEN, closes_at__lte=now).first()
            if locked is None:
                continue  # another run recorded it first
            call = call_transition(
                call=locked,
                to=Call.Status.CLOSED,
                by=None,
                reason=_("Deadline passed: closed automatically."),
                now=locked.closes_at,
            )
            received = call.proposals.submitted().count()
            for officer in _officers():
                send_templated_email(
                    template="calls/emails/call_closed",
                    context={
                        "call": call,
                        "proposals_received": received,
                        "path": absolute_url(reverse("calls:manage")),
                    },
                    to=[officer.email],
                    language=officer.preferred_language,
                )
        closed.append(call)
    return closed


# --- Questions and answers -------------------------------------------------------------------


def call_question_ask(
    *, call: Call, question: str, by: User, now: datetime | None = None, form_token: UUID | None = None
) -> CallQuestion:
    """An applicant's question about a published call, until its deadline; staff answer it later.

    `form_token` is the token of the form that asked it (cosviluppo.lib.idempotency): the same
    form posted again returns the question it stored."""
    now = now or timezone.now()
    if call.status != Call.Status.OPEN or now >= call.closes_at:
        raise DomainError(_("Questions can be asked only until the deadline of a published call."))
    text = question.strip()
    if not text:
        raise DomainError(_("The question is empty."))
    asked = CallQuestion(call=call, question=text, asked_by=by, asked_at=now)
    asked.full_clean()
    asked, created = save_once(asked, form_token=form_token)
    if not created and (asked.asked_by_id != by.pk or asked.call_id != call.pk):
        raise DomainError(_("This form was already used. Reload the page to ask a new question."))
    return asked


def call_question_answer(
    *, question: CallQuestion, question_text: str, answer: str, publish: bool, by: User, now: datetime | None = None
) -> CallQuestion:
    """Answer (and optionally publish) a question; the asker hears of it once, when it is first published."""
    now = now or timezone.now()
    answer = answer.strip()
    if publish and not answer:
        raise DomainError(_("An answer is needed before the question can be published."))
    with transaction.atomic():
        locked = (
            CallQuestion.objects.select_for_update(of=("self",)).select_related("call", "asked_by").get(pk=question.pk)
        )
        first_publication = publish and not locked.is_published
        if first_publication:
            published = CallQuestion.objects.filter(call_id=locked.call_id, is_published=True).count()
            if published >= CALL_PART_LIMITS["faq"]:
                # The call's edit page carries every published answer in one formset, bounded.
                raise DomainError(
                    _("This call already publishes %(limit)s questions and answers: merge or unpublish some first.")
                    % {"limit": CALL_PART_LIMITS["faq"]}
                )
        locked.question = question_text.strip() or locked.question
        locked.answer = answer
        if answer:
            locked.answered_by = by
            locked.answered_at = now
        locked.is_published = publish
        locked.full_clean()
        locked.save()
        asker = locked.asked_by
        if first_publication and asker is not None and asker != by:
            send_templated_email(
                template="calls/emails/question_answered",
                context={"question": locked, "call": locked.call, "path": absolute_url(locked.call.get_absolute_url())},
                to=[asker.email],
                language=asker.preferred_language,
            )
    return locked
