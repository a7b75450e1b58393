"""Drafting a proposal: starting it, saving its steps, its partners and its attachments.

Two members of the lead association may edit the same draft at the same time. Every step
form carries the proposal's `version`; `proposal_save_step` writes only if the version is
still the one the form was built from (a conditional UPDATE … WHERE version = n that also
increments it), so nobody's changes are overwritten without their knowing: a stale save
raises `EditConflict` and changes nothing.

Only drafts change: once submitted, a proposal is frozen and every service here raises
`ProposalFrozen` — except for the sections a request for clarification reopened ("soccorso
istruttorio", see evaluation.selectors.open_clarification_sections): until its deadline the
lead's editors change those sections of the submitted proposal through the same services,
which check it under the proposal's row lock. Its protocol number and time of submission stay
as they are; the request's answer records what changed.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import User
from associations.models import Membership, Organisation
from calls.models import Call, RequiredAttachment
from cosviluppo.lib.emails import absolute_url, send_templated_email
from cosviluppo.lib.exceptions import DomainError
from cosviluppo.lib.money import ZERO
from projects.models import (
    PROPOSAL_ROW_LIMITS,
    Activity,
    BudgetLine,
    Indicator,
    Proposal,
    ProposalAttachment,
    ProposalPartner,
)


class ProposalFrozen(DomainError):
    """The proposal is no longer a draft: it was submitted (or withdrawn) and cannot change."""


class EditConflict(DomainError):
    """Someone saved the draft after the form was opened; `current` is the proposal as saved now."""

    def __init__(self, message: str, current: Proposal):
        super().__init__(message)
        self.current = current


# The proposal's own fields that each step edits.
FIELD_STEPS: dict[str, list[str]] = {
    "summary": ["title", "acronym", "theme", "summary", "duration_months"],
    "territories": [
        "origin_country",
        "origin_region",
        "origin_city",
        "origin_context",
        "residence_municipality",
        "residence_region",
        "residence_context",
    ],
    "objectives": ["objectives", "expected_results"],
    "beneficiaries": [
        "beneficiaries_origin",
        "beneficiaries_origin_description",
        "beneficiaries_residence",
        "beneficiaries_residence_description",
    ],
    "sustainability": ["sustainability"],
}

# The steps that are a list of rows: their model and the fields a row holds.
ROW_STEPS: dict[str, tuple[type[Any], list[str]]] = {
    "activities": (Activity, ["territory", "title", "description", "start_month", "end_month"]),
    "budget": (
        BudgetLine,
        ["category", "territory", "description", "amount_requested", "cofinancing_own", "cofinancing_other"],
    ),
    "indicators": (Indicator, ["name", "territory", "baseline", "target"]),
}

SAVED_BY_STEP_FORM = set(FIELD_STEPS) | set(ROW_STEPS)

# What an empty answer is stored as, for the fields that are not text (text stays "").
NULL_AS = {"duration_months": None, "beneficiaries_origin": 0, "beneficiaries_residence": 0}


@dataclass
class SavedStep:
    """What a step save did: the proposal as saved, and the id of each row in the order given
    (so a page that autosaved new rows can give them their ids)."""

    proposal: Proposal
    row_ids: list[int | None] = field(default_factory=list)
    changed: bool = True


def _frozen_message(proposal: Proposal) -> str:
    if proposal.status == Proposal.Status.WITHDRAWN:
        return _("This proposal was withdrawn: it can no longer be changed.")
    return _("This proposal was submitted: it can no longer be changed.")


def _section_reopened(proposal: Proposal, step: str, now: datetime | None) -> bool:
    """True when `step` of the submitted proposal is reopened by a request for clarification now."""
    if proposal.status != Proposal.Status.SUBMITTED:
        return False
    return step in proposal.reopened_sections(now)


def _lock_editable(proposal: Proposal, step: str, now: datetime | None = None) -> Proposal:
    """The proposal's row, locked until the end of the transaction; refused unless it is a draft
    or `step` is reopened by a request for clarification, checked under the lock.

    The row's lock is what orders a save and the closing of the request: evaluation locks the
    same row before it snapshots the sections (answer or expiry), so a save either commits before
    the snapshot (which then records it) or finds the request closed.
    """
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.status != Proposal.Status.DRAFT and not _section_reopened(locked, step, now):
        raise ProposalFrozen(_frozen_message(locked))
    return locked


def _editable(proposal: Proposal, step: str, now: datetime | None = None) -> bool:
    """The same rule as _lock_editable, read without locking (to refuse early)."""
    return proposal.status == Proposal.Status.DRAFT or _section_reopened(proposal, step, now)


def _plain(value: Any) -> Any:
    """A value as the database compares it: countries by code, empty text and None alike."""
    if value is None:
        return ""
    code = getattr(value, "code", None)
    if code is not None:
        return code
    if isinstance(value, Decimal):
        return value.normalize()
    return value


def _row_key(row: Mapping, fields: Sequence[str]) -> tuple:
    return tuple(_plain(row.get(name)) for name in fields)


def _step_matches(proposal: Proposal, step: str, data: Any) -> bool:
    """True when saving `data` would leave the step exactly as it is now."""
    if step in FIELD_STEPS:
        return all(_plain(getattr(proposal, name)) == _plain(data.get(name)) for name in FIELD_STEPS[step])
    model, fields = ROW_STEPS[step]
    saved = [_row_key(row, fields) for row in model.objects.filter(proposal=proposal).values(*fields)]
    wanted = [_row_key(row, fields) for row in data]
    return Counter(saved) == Counter(wanted)


def _row_values(model: type[Any], fields: Sequence[str], row: Mapping) -> dict[str, Any]:
    values: dict[str, Any] = {name: row.get(name) for name in fields}
    for name in ("description", "baseline"):
        if name in values and values[name] is None:
            values[name] = ""
    if model is BudgetLine:
        for name in ("amount_requested", "cofinancing_own", "cofinancing_other"):
            values[name] = values[name] if values[name] is not None else ZERO
        # The total is never typed: it is what is requested plus the co-financing (the database checks it).
        values["total_cost"] = values["amount_requested"] + values["cofinancing_own"] + values["cofinancing_other"]
    return values


def _sync_rows(proposal: Proposal, step: str, rows: Sequence[Mapping]) -> list[int | None]:
    """Make the step's rows exactly `rows`: update those with an id of this proposal, create the
    others, delete the rows not listed. Ids of other proposals are never touched."""
    model, fields = ROW_STEPS[step]
    existing = {obj.pk: obj for obj in model.objects.filter(proposal=proposal)}
    to_update, to_create, order = [], [], []
    for row in rows:
        values = _row_values(model, fields, row)
        obj = existing.pop(row.get("id"), None) if row.get("id") else None
        if obj is None:
            obj = model(proposal=proposal, **values)
            to_create.append(obj)
        else:
            for name, value in values.items():
                setattr(obj, name, value)
            to_update.append(obj)
        order.append(obj)
    if existing:
        model.objects.filter(pk__in=list(existing)).delete()
    if to_update:
        model.objects.bulk_update(to_update, [*fields, "total_cost"] if model is BudgetLine else fields)
    if to_create:
        # PostgreSQL and SQLite (3.35+) give the new rows their ids back.
        model.objects.bulk_create(to_create)
    return [obj.pk for obj in order]


def proposal_save_step(
    *,
    proposal: Proposal,
    step: str,
    data: Any,
    version: int,
    by: User,
    now: datetime | None = None,
) -> SavedStep:
    """Save one step of a draft, if nobody saved the proposal since `version`.

    `data` is a mapping of the proposal's fields for the text steps (FIELD_STEPS) and a list
    of rows (mappings, with "id" for a row that exists) for the list steps (ROW_STEPS): the
    list replaces the step's rows. The version is checked and incremented in the same
    conditional UPDATE, so of two saves started from the same version exactly one wins. The
    other raises EditConflict — unless it would not change anything (it saved the same
    content), which is no conflict. Saving unchanged content does not increment the version.
    A list step holds at most PROPOSAL_ROW_LIMITS rows (DomainError beyond).
    Raises ProposalFrozen once the proposal is no longer a draft, unless a request for
    clarification reopened `step` of the submitted proposal and its deadline has not passed
    (at `now`).
    """
    if step not in SAVED_BY_STEP_FORM:
        raise ValueError(f"The step {step!r} is not saved by proposal_save_step.")
    now = now or timezone.now()
    if step in ROW_STEPS and len(data) > PROPOSAL_ROW_LIMITS[step]:
        raise DomainError(
            _("This step holds at most %(limit)s rows: remove some and save again.")
            % {"limit": PROPOSAL_ROW_LIMITS[step]}
        )
    if step in FIELD_STEPS:
        data = {name: NULL_AS.get(name, "") if data.get(name) is None else data[name] for name in FIELD_STEPS[step]}
    # Read before the transaction: the transaction then starts with its write, which on SQLite
    # waits for another writer instead of failing as "database is locked" (a read lock cannot be
    # upgraded while another connection writes). The conditional UPDATE is what decides anyway.
    current = Proposal.objects.select_related("last_edited_by").get(pk=proposal.pk)
    if not _editable(current, step, now):
        raise ProposalFrozen(_frozen_message(current))
    if _step_matches(current, step, data):
        row_ids = _match_row_ids(current, step, data) if step in ROW_STEPS else []
        return SavedStep(proposal=current, row_ids=row_ids, changed=False)
    fields = data if step in FIELD_STEPS else {}
    # A draft, or a submitted proposal whose step a request for clarification reopened: the
    # UPDATE matches only the status read above, so a proposal submitted (or moved on) since
    # is not written.
    status = current.status
    with transaction.atomic():
        updated = Proposal.objects.filter(pk=proposal.pk, version=version, status=status).update(
            version=F("version") + 1, last_edited_by=by, updated_at=now, **fields
        )
        if not updated:
            current = Proposal.objects.select_related("last_edited_by").get(pk=proposal.pk)
            if not _editable(current, step, now):
                raise ProposalFrozen(_frozen_message(current))
            raise EditConflict(_conflict_message(current), current)
        # The UPDATE holds the row's lock (see _lock_editable): the request is read again under
        # it, so a save never lands after the request was answered or expired (the exception
        # undoes the UPDATE).
        if status != Proposal.Status.DRAFT and not _section_reopened(current, step, now):
            raise ProposalFrozen(_frozen_message(current))
        row_ids = _sync_rows(current, step, data) if step in ROW_STEPS else []
    saved = Proposal.objects.select_related("call", "lead", "last_edited_by").get(pk=proposal.pk)
    return SavedStep(proposal=saved, row_ids=row_ids)


def _match_row_ids(proposal: Proposal, step: str, rows: Sequence[Mapping]) -> list[int | None]:
    """The ids of the saved rows that match the given rows one to one, in their order."""
    model, fields = ROW_STEPS[step]
    available: dict[tuple, list[int]] = {}
    for row in model.objects.filter(proposal=proposal).order_by("pk").values("pk", *fields):
        available.setdefault(_row_key(row, fields), []).append(row["pk"])
    ids = []
    for row in rows:
        candidates = available.get(_row_key(row, fields), [])
        wanted = row.get("id")
        pick = wanted if wanted in candidates else (candidates[0] if candidates else None)
        if pick is not None:
            candidates.remove(pick)
        ids.append(pick)
    return ids


def _conflict_message(current: Proposal) -> str:
    when = timezone.localtime(current.updated_at).strftime("%H:%M")
    editor = current.last_edited_by.get_full_name() if current.last_edited_by else ""
    if editor:
        return _(
            "%(name)s saved this proposal at %(time)s, after you opened this page: your changes were not saved, "
            "so that theirs are not lost. Your text is still in the form; compare it with the saved version "
            "below, then save again to keep yours."
        ) % {"name": editor, "time": when}
    return _(
        "Someone saved this proposal at %(time)s, after you opened this page: your changes were not saved, "
        "so that theirs are not lost. Your text is still in the form; compare it with the saved version "
        "below, then save again to keep yours."
    ) % {"time": when}


# --- Starting a proposal --------------------------------------------------------------------------


def proposal_start(*, call: Call, lead: Organisation, title: str, by: User, now: datetime | None = None) -> Proposal:
    """Create a draft proposal of `lead` for `call`, started by `by`.

    Refused when the call is not open, when the lead may not apply (verified migrant
    association) or when `by` does not edit for it. The draft starts from what the portal
    knows of the association: its municipality and, if it names only one, its community's
    country of origin.
    """
    now = now or timezone.now()
    if not call.is_open_at(now):
        raise DomainError(
            _("The call %(code)s is not open: proposals can be started only while it is open.") % {"code": call.code}
        )
    if not lead.can_apply:
        raise DomainError(
            _("%(name)s cannot lead a proposal: only verified migrant associations can.") % {"name": lead.legal_name}
        )
    if not Membership.objects.filter(user=by, organisation=lead, role__in=Membership.EDITING_ROLES).exists():
        raise DomainError(
            _("Only editors and legal representatives of %(name)s can start its proposals.") % {"name": lead.legal_name}
        )
    title = title.strip()
    if not title:
        raise DomainError(_("Give the proposal a title."))
    countries = list(lead.countries_of_origin)
    return Proposal.objects.create(
        call=call,
        lead=lead,
        title=title,
        origin_country=countries[0].code if len(countries) == 1 else "",  # type: ignore[attr-defined]  # Country objects
        residence_municipality=lead.seat_city,
        residence_region=lead.seat_region or "Lombardia",
        created_by=by,
        last_edited_by=by,
    )


# --- Partners -------------------------------------------------------------------------------------


def _partner_link(partner: ProposalPartner) -> str:
    return absolute_url(reverse("projects:partner-respond", args=[partner.pk]))


def _email_members(organisation: Organisation, *, template: str, context: dict) -> None:
    """One e-mail per editor or legal representative, in their own language."""
    memberships = Membership.objects.filter(
        organisation=organisation, role__in=Membership.EDITING_ROLES
    ).select_related("user")
    for membership in memberships:
        user = membership.user
        if not user.is_active:
            continue
        send_templated_email(
            template=template,
            context={**context, "recipient": user},
            to=[user.email],
            language=user.preferred_language,
        )


def proposal_partner_invite(
    *, proposal: Proposal, organisation: Organisation, contribution: str = "", by: User, now: datetime | None = None
) -> ProposalPartner:
    """Invite a verified Italian NGO to join the draft as partner; its members are told by e-mail.

    Inviting again an NGO that declined asks it again. Refused for an organisation that is not a
    verified NGO and for one already invited or confirmed.
    """
    now = now or timezone.now()
    if organisation.kind != Organisation.Kind.NGO or not organisation.is_verified:
        raise DomainError(_("Only NGOs verified by the programme office can be invited as Italian partners."))
    with transaction.atomic():
        locked = _lock_editable(proposal, "partners", now)
        partner = ProposalPartner.objects.filter(proposal=locked, organisation=organisation).first()
        if partner is not None and partner.response != ProposalPartner.Response.DECLINED:
            raise DomainError(_("%(name)s is already a partner of this proposal.") % {"name": organisation.legal_name})
        if partner is None:
            partner = ProposalPartner(proposal=locked, organisation=organisation, role=ProposalPartner.Role.ITALIAN_NGO)
        partner.response = ProposalPartner.Response.INVITED
        partner.responded_at = None
        partner.responded_by = None
        partner.invited_at = now
        partner.invited_by = by
        partner.contribution = contribution.strip()
        partner.save()
        _email_members(
            organisation,
            template="projects/emails/partner_invited",
            context={
                "partner": partner,
                "proposal": locked,
                "lead": proposal.lead,
                "call": proposal.call,
                "invited_by": by,
                "link": _partner_link(partner),
            },
        )
    return partner


def proposal_partner_add_origin(
    *,
    proposal: Proposal,
    legal_name: str,
    country: str,
    city: str = "",
    region: str = "",
    contribution: str = "",
    by: User,
    now: datetime | None = None,
) -> ProposalPartner:
    """Add a partner in the country of origin. It has no account on the portal and no Italian
    tax code, so it is recorded as an organisation of its own and counts as confirmed: the lead
    answers for it (the partnership letter is among the attachments)."""
    now = now or timezone.now()
    legal_name = legal_name.strip()
    if not legal_name:
        raise DomainError(_("Give the name of the partner in the country of origin."))
    with transaction.atomic():
        locked = _lock_editable(proposal, "partners", now)
        organisation = Organisation.objects.create(
            kind=Organisation.Kind.ORIGIN_PARTNER,
            legal_name=legal_name,
            legal_form=Organisation.LegalForm.FOREIGN,
            seat_city=city.strip(),
            seat_region=region.strip(),
            seat_country=country,
            countries_of_origin=[country],  # type: ignore[misc]  # a CountryField(multiple=True)
        )
        return ProposalPartner.objects.create(
            proposal=locked,
            organisation=organisation,
            role=ProposalPartner.Role.ORIGIN_PARTNER,
            response=ProposalPartner.Response.CONFIRMED,
            responded_at=now,
            responded_by=by,
            invited_at=now,
            invited_by=by,
            contribution=contribution.strip(),
        )


def proposal_partner_remove(*, partner: ProposalPartner, by: User, now: datetime | None = None) -> None:
    """Remove a partner from a draft (or from a submitted proposal whose partners a request for
    clarification reopened: the request's snapshots keep the partnership on record). From a
    draft, a partner in the country of origin that no other proposal names goes with it (it was
    created for this proposal and has no account)."""
    with transaction.atomic():
        locked = _lock_editable(partner.proposal, "partners", now)
        organisation = partner.organisation
        partner.delete()
        if (
            # The partners of a submitted proposal stay on record (the request's snapshot names them).
            locked.status == Proposal.Status.DRAFT
            and organisation.kind == Organisation.Kind.ORIGIN_PARTNER
            and not organisation.partnerships.exists()
            and not organisation.memberships.exists()
            and not organisation.led_proposals.exists()
        ):
            organisation.delete()


def partner_respond(
    *, partner: ProposalPartner, accept: bool, by: User, now: datetime | None = None
) -> ProposalPartner:
    """The invited NGO confirms (or declines) taking part in the draft; the lead's members are told.

    A member may change the answer while the proposal is a draft; once it is submitted, the
    answer is part of it (unless a request for clarification reopens the partners, until its
    deadline).
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_editable(partner.proposal, "partners", now)
        partner = ProposalPartner.objects.select_for_update().select_related("organisation").get(pk=partner.pk)
        if partner.role == ProposalPartner.Role.ORIGIN_PARTNER:
            raise DomainError(_("Partners in the country of origin do not answer on the portal."))
        partner.response = ProposalPartner.Response.CONFIRMED if accept else ProposalPartner.Response.DECLINED
        partner.responded_at = now
        partner.responded_by = by
        partner.save(update_fields=["response", "responded_at", "responded_by"])
        _email_members(
            locked.lead,
            template="projects/emails/partner_responded",
            context={
                "partner": partner,
                "proposal": locked,
                "accepted": accept,
                "responded_by": by,
                "link": absolute_url(reverse("projects:proposal-edit", args=[locked.pk, "partners"])),
            },
        )
    return partner


# --- Attachments ------------------------------------------------------------------------------------

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "odt": "application/vnd.oasis.opendocument.text",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _stored_name(original: str, kind: str) -> str:
    # The extension follows the content (checked by the form), not the name the file came with.
    stem = slugify(os.path.splitext(os.path.basename(original))[0])[:80] or "document"
    return f"{stem}.{kind}"


def proposal_attachment_upload(
    *,
    proposal: Proposal,
    file: UploadedFile,
    kind: str,
    title: str = "",
    required_attachment: RequiredAttachment | None = None,
    by: User,
    now: datetime | None = None,
) -> ProposalAttachment:
    """Attach a file (already checked: `kind` is "pdf", "odt" or "docx", from its content).

    For a document the call requires, a new upload replaces the previous one; the replaced
    file of a draft is deleted once the transaction commits. The replaced file of a submitted
    proposal (attachments reopened by a request for clarification) stays in the storage: it is
    what was submitted, and the request's snapshot names it.
    """
    if required_attachment is not None and required_attachment.call_id != proposal.call_id:
        raise DomainError(_("This document is not among those the call requires."))
    if required_attachment is not None:
        title = title.strip() or required_attachment.name
    title = title.strip()
    if not title:
        raise DomainError(_("Give the document a title."))
    file.name = _stored_name(file.name, kind)  # type: ignore[arg-type]  # an upload has a name
    with transaction.atomic():
        locked = _lock_editable(proposal, "attachments", now)
        keep_files = locked.status != Proposal.Status.DRAFT
        replaced = []
        if required_attachment is not None:
            for old in ProposalAttachment.objects.filter(proposal=locked, required_attachment=required_attachment):
                replaced.append(old.file.name)
                old.delete()
        attachment = ProposalAttachment.objects.create(
            proposal=locked,
            required_attachment=required_attachment,
            title=title,
            file=file,
            content_type=CONTENT_TYPES[kind],
            size=file.size,  # type: ignore[misc]  # an upload has a size
            uploaded_by=by,
        )
        storage = attachment.file.storage
        for name in [] if keep_files else replaced:
            transaction.on_commit(lambda name=name: storage.delete(name))  # type: ignore[misc]
    return attachment


def proposal_attachment_delete(*, attachment: ProposalAttachment, by: User, now: datetime | None = None) -> None:
    """Remove an attachment from a draft; the file goes once the transaction commits. From a
    submitted proposal (attachments reopened by a request for clarification) the file stays in
    the storage: it is what was submitted, and the request's snapshot names it."""
    with transaction.atomic():
        locked = _lock_editable(attachment.proposal, "attachments", now)
        name, storage = attachment.file.name, attachment.file.storage
        attachment.delete()
        if locked.status == Proposal.Status.DRAFT:
            transaction.on_commit(lambda: storage.delete(name))  # type: ignore[arg-type]  # a saved file has a name
