"""The consensus score per criterion, recorded by the officer (or the committee) once every
review of a proposal is in."""

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cosviluppo.lib.exceptions import DomainError
from projects.models import ConsensusScore, Proposal

from ..models import EvaluationEvent
from ..selectors import consensus_blockers, consensus_sheet
from ._common import ScoreRefused, parse_score, record_event

# For each criterion: (score, justification) or (score, justification, comment for the applicant).
ConsensusInput = tuple[Decimal | str, str] | tuple[Decimal | str, str, str]


def consensus_record(
    *, proposal: Proposal, scores: Mapping[int, ConsensusInput], by: User, now: datetime | None = None
) -> list[ConsensusScore]:
    """Record the consensus score of every criterion of the call, each from 0 to its maximum
    with a justification (required) and an optional comment for the applicant.

    Refused until every review of the proposal is submitted (at least two), and outside
    evaluation (under evaluation, or ranked when the ranking is to be recomputed). Recording
    again replaces the scores; each change leaves an audit row with the old and new score, the
    evaluators' mean and spread and whether the spread was flagged.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().select_related("call").get(pk=proposal.pk)
        blockers = consensus_blockers(locked)
        if blockers:
            raise DomainError(" ".join(blockers))
        sheet = consensus_sheet(locked)
        criteria = {line.criterion.pk for line in sheet}
        if set(scores) - criteria:
            raise DomainError(_("A score names a criterion that is not in this call's grid."))
        problems = []
        parsed = {}
        for line in sheet:
            criterion = line.criterion
            given = scores.get(criterion.pk)
            if given is None:
                problems.append(_("Give the consensus score of criterion %(code)s.") % {"code": criterion.code})
                continue
            raw, justification, *rest = given
            comment = (rest[0] if rest else "") or ""
            try:
                value = parse_score(raw, criterion)
            except ScoreRefused as refused:
                problems.append(str(refused))
                continue
            if not (justification or "").strip():
                problems.append(_("Justify the consensus score of criterion %(code)s.") % {"code": criterion.code})
                continue
            parsed[criterion.pk] = (line, value, justification.strip(), comment.strip())
        if problems:
            raise DomainError(" ".join(problems))
        recorded = []
        for line, value, justification, comment in parsed.values():
            previous = line.consensus
            row, _created = ConsensusScore.objects.update_or_create(
                proposal=locked,
                criterion=line.criterion,
                defaults={
                    "score": value,
                    "justification": justification,
                    "comment_for_applicant": comment,
                    "decided_by": by,
                    "decided_at": now,
                },
            )
            recorded.append(row)
            record_event(
                proposal=locked,
                kind=EvaluationEvent.Kind.CONSENSUS_RECORDED,
                by=by,
                now=now,
                from_status=str(previous.score) if previous else "",
                to_status=str(value),
                reason=justification,
                details={
                    "criterion": line.criterion.code,
                    "mean": str(line.mean) if line.mean is not None else None,
                    "spread": str(line.spread) if line.spread is not None else None,
                    "flagged": line.flagged,
                },
            )
    return recorded
