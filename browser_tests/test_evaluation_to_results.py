"""From a closed call to its published results, end to end in a real browser.

The programme officer (password and TOTP code) starts the evaluation, checks the admissibility
of three submitted proposals and assigns two evaluators to each; each evaluator declares no
conflict of interest and scores every criterion with a comment; the officer records the
consensus, computes the ranking and proposes the funding decision; the funders sign it off and
the officer publishes the results. A visitor reads them, and the applicant reads its outcome:
the committee's scores and comments for applicants, never an individual evaluator's comment.
Every kind of page on the way is checked with axe-core.

The officer works in a browser of her own from start to end; the evaluators, a funder's member,
a visitor and the applicant take turns at a second one, logging in and out. (One browser for
everyone would log the officer in three times: twice within one 30-second TOTP period reuses the
code, which allauth rightly refuses, and waiting for the next period would double the test.)
"""

import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.db.models import Sum
from django.utils import timezone, translation
from playwright.sync_api import expect

from accounts.models import User
from accounts.services import user_enrol_totp
from accounts.tests.factories import UserFactory
from associations.models import Membership, Organisation
from associations.tests.factories import FunderFactory, MembershipFactory, OrganisationFactory
from browser_tests.conftest import TIMEOUT_MS, _console_problem, _failed_call, _resource_problem
from browser_tests.helpers import assert_page_sound, check_page, current_totp_code, switch_language, visit
from calls.models import Call, FunderCommitment
from calls.services import call_transition
from calls.tests.factories import EvaluationCriterionFactory, FunderCommitmentFactory
from evaluation.selectors import MANUAL_ITEMS
from funding.services import funder_sign_off
from projects.models import Award, ConsensusScore, FunderShare, Proposal
from projects.services.submission import proposal_submit
from projects.tests.factories import eligible_call, eligible_proposal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE = "COSV-2025"
TITLE = "Milan for co-development 2025"
PASSWORD = "password-robusta-2026"
OUTCOME_LINK = re.compile(r"/funding/proposals/\d+/outcome/")

# The grid: code, name (English), name (Italian), maximum = weight: the weighted total is the plain sum of the scores.
CRITERIA = (
    ("A", "Relevance for both territories", "Rilevanza per i due territori", 40),
    ("B", "Feasibility and budget", "Fattibilità e piano finanziario", 35),
    ("C", "Sustainability", "Sostenibilità", 25),
)
# Funder, kind, amount committed: € 80.000 in all, enough for two proposals of € 35.000 but not three.
FUNDERS = (
    ("Comune di Milano", Organisation.Kind.PUBLIC_BODY, Decimal("40000.00")),
    ("Fondazione Cariplo", Organisation.Kind.FOUNDATION, Decimal("30000.00")),
    ("Fondazione Banca del Monte di Lombardia", Organisation.Kind.BANK, Decimal("10000.00")),
)
# Proposal title, lead, and per evaluator the scores on A, B, C. Means: 35/30.5/21 (86.5),
# 29/26.5/17.5 (73), 25/21.5/15.5 (62): all above the threshold of 60, the third one does not fit.
PROPOSALS = (
    ("Filiera del miglio a Thiès", "Associazione Teranga Milano", ((36, 30, 22), (34, 31, 20))),
    ("Orti comunitari a Kaolack", "Associazione Sunugal", ((30, 26, 18), (28, 27, 17))),
    ("Sartoria sociale a Ziguinchor", "Comunità Senegalese di Lombardia", ((26, 22, 16), (24, 21, 15))),
)


@dataclass
class Person:
    user: User
    totp_secret: str | None = None


@dataclass
class Programme:
    call: Call
    proposals: list[Proposal]  # in protocol order, as PROPOSALS
    officer: Person
    evaluators: list[Person]
    funder_members: dict[str, Person]  # funder's name → one of its members
    applicant: Person  # legal representative of the first proposal's lead


def person(email: str, name: str, *, role: str = "", totp_secret: str | None = None) -> Person:
    user = UserFactory(email=email, full_name=name, password=PASSWORD, municipal_role=role)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    if totp_secret:
        user_enrol_totp(user=user, secret=totp_secret)
    return Person(user=user, totp_secret=totp_secret)


@pytest.fixture
def programme() -> Programme:
    """A call that closed yesterday with its grid and funders, and three eligible proposals submitted two days ago."""
    now = timezone.now()
    call = eligible_call(
        code=CODE,
        year=2025,
        title_it="Milano per il co-sviluppo 2025",
        title_en=TITLE,
        opens_at=now - timedelta(days=60),
        closes_at=now - timedelta(days=1),
        overall_threshold=Decimal("60"),
    )
    for order, (code, name_en, name_it, maximum) in enumerate(CRITERIA):
        EvaluationCriterionFactory(
            call=call, code=code, name_en=name_en, name_it=name_it, max_score=maximum, weight=maximum, order=order
        )
    members = {}
    for index, (name, kind, amount) in enumerate(FUNDERS):
        funder = FunderFactory(legal_name=name, kind=kind)
        FunderCommitmentFactory(call=call, funder=funder, amount=amount)
        member = person(f"erogazioni{index}@example.org", f"Referente {name}")
        MembershipFactory(organisation=funder, user=member.user, role=Membership.Role.EDITOR)
        members[name] = member
    applicant = person("awa.ndiaye@example.org", "Awa Ndiaye")
    proposals = []
    for index, (title, lead_name, _scores) in enumerate(PROPOSALS):
        lead = OrganisationFactory(legal_name=lead_name)
        representative = MembershipFactory(
            organisation=lead,
            user=applicant.user if index == 0 else UserFactory(),
            role=Membership.Role.LEGAL_REPRESENTATIVE,
        ).user
        proposal = eligible_proposal(call, title=title, lead=lead)
        submitted_at = now - timedelta(days=2) + timedelta(minutes=index)
        proposals.append(proposal_submit(proposal=proposal, by=representative, now=submitted_at))
    call = call_transition(call=call, to=Call.Status.CLOSED, reason="Deadline passed", now=now - timedelta(days=1))
    return Programme(
        call=call,
        proposals=proposals,
        officer=person(
            "ufficio.cosviluppo@example.org",
            "Chiara Colombo",
            role=User.MunicipalRole.OFFICER,
            totp_secret="6PBHALAJKS5NEPNXIMZLCJTRM3AS4QR3",
        ),
        evaluators=[
            person(
                "giulia.ferri@example.org",
                "Giulia Ferri",
                role=User.MunicipalRole.EVALUATOR,
                totp_secret="KRSXG5CTMVRXEZLU",
            ),
            person(
                "marco.bianchi@example.org",
                "Marco Bianchi",
                role=User.MunicipalRole.EVALUATOR,
                totp_secret="MFRGGZDFMZTWQ2LK",
            ),
        ],
        funder_members=members,
        applicant=applicant,
    )


@pytest.fixture
def second_page(browser, live_server, request, tmp_path):
    """Another person's browser, set up like conftest's `page` (its own cookies, problems collected)."""
    context = browser.new_context(base_url=live_server.url, locale="it-IT", viewport={"width": 1366, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    other = context.new_page()
    other.problems = []
    other.on("console", lambda message: _console_problem(other, message))
    other.on("pageerror", lambda error: other.problems.append(f"JavaScript error: {error}"))
    other.on("response", lambda response: _resource_problem(other, response))
    yield other
    if request.node.stash.get(_failed_call, False):
        screenshot = tmp_path / "failure-second-browser.png"
        other.screenshot(path=screenshot, full_page=True)
        print(f"Last page of the second browser: {other.url}\nScreenshot: {screenshot}")
    context.close()


# --- What people do ------------------------------------------------------------------------------


def in_english(page) -> None:
    """Open the home page and switch to English: fields and buttons are then found by their source names."""
    visit(page, "/")
    switch_language(page, "en")


def log_in(page, who: Person) -> None:
    page.get_by_role("link", name="Log in").click()
    assert_page_sound(page)
    page.locator("input[name=login]").fill(who.user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    assert_page_sound(page)
    if who.totp_secret:
        assert "/accounts/2fa/authenticate/" in page.url
        page.locator("input[name=code]").fill(current_totp_code(who.totp_secret))
        page.get_by_role("button", name="Sign In").click()
        assert_page_sound(page)
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()
    assert_page_sound(page)
    expect(page.get_by_role("link", name="Log in")).to_be_visible()


def main_menu(page, item: str) -> None:
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name=item, exact=True).click()
    assert_page_sound(page)


def click(page, role: str, name: str, **options) -> None:
    page.get_by_role(role, name=name, **options).click()
    assert_page_sound(page)


def tick(control) -> None:
    """Choose a radio button or tick a box by clicking its label, as people do: Bootstrap Italia
    draws the control on the label, which covers the input itself."""
    control.page.locator(f"label[for='{control.get_attribute('id')}']").click()
    expect(control).to_be_checked()


def alert_says(page, text: str) -> None:
    expect(page.get_by_role("alert").filter(has_text=text)).to_be_visible()


def evaluator_comment(evaluator: int, proposal: int, criterion: str) -> str:
    """A comment only that evaluator writes: the applicant must never read it."""
    return f"Nota riservata del valutatore {evaluator} sulla proposta {proposal}, criterio {criterion}."


def applicant_comment(proposal: int, criterion: str) -> str:
    return f"Commento della commissione per il proponente {proposal}, criterio {criterion}."


def justification(proposal: int, criterion: str) -> str:
    return f"Motivazione interna della commissione {proposal}, criterio {criterion}."


def mean(proposal: int, criterion: int) -> Decimal:
    """The evaluators' mean on a criterion of a proposal (indexes in PROPOSALS and CRITERIA)."""
    scores = [evaluator_scores[criterion] for evaluator_scores in PROPOSALS[proposal][2]]
    return Decimal(sum(scores)) / len(scores)


def admit(officer, proposal: Proposal, *, check_accessibility: bool) -> None:
    """From the call's proposals: the proposal, its checklist, every manual item passed, admitted."""
    click(officer, "link", proposal.protocol_number)
    if check_accessibility:
        check_page(officer, "proposal (staff)")
    click(officer, "link", "Open the checklist")
    expect(officer.get_by_role("heading", name=f"Admissibility of {proposal.protocol_number}", level=1)).to_be_visible()
    if check_accessibility:
        check_page(officer, "admissibility checklist")
    with translation.override("en"):
        manual_items = [str(label) for _key, label in MANUAL_ITEMS]
    for item in manual_items:
        tick(officer.get_by_role("group", name=item).get_by_label("passed", exact=True))
    click(officer, "button", "Save the checklist")
    alert_says(officer, "The checklist was saved.")
    click(officer, "button", "Declare admissible")
    alert_says(officer, "The proposal is admissible")
    officer.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=CODE).click()
    assert_page_sound(officer)


def review(page, evaluator: int, programme: Programme, *, check_accessibility: bool) -> None:
    """An evaluator's turn: from the dashboard, each assigned proposal declared and scored."""
    main_menu(page, "Dashboard")
    if check_accessibility:
        check_page(page, "evaluator's dashboard")
    for index, proposal in enumerate(programme.proposals):
        first = check_accessibility and index == 0
        click(page, "link", f"Declare your interests {proposal.protocol_number}")
        if first:
            check_page(page, "declaration of interest")
        tick(page.get_by_label("I declare that I have no conflict of interest", exact=False))
        click(page, "button", "Confirm the declaration")
        alert_says(page, "Declaration recorded")
        if first:
            check_page(page, "proposal as the evaluator reads it")
        click(page, "link", "Score the proposal")
        if first:
            check_page(page, "scoring form")
        for (code, name, _italian, maximum), score in zip(CRITERIA, PROPOSALS[index][2][evaluator], strict=True):
            criterion = page.get_by_role("group", name=f"{code}. {name}")
            criterion.get_by_label(f"Score (0 to {maximum})").fill(str(score))
            criterion.get_by_label("Comment").fill(evaluator_comment(evaluator, index, code))
        click(page, "button", "Submit the review")
        alert_says(page, "Your review is submitted.")
        if evaluator == 1 and index == 0:
            # The second evaluator now reads the first one's review too.
            expect(page.get_by_text(evaluator_comment(0, 0, "A"))).to_be_visible()
            check_page(page, "submitted review with the other evaluators'")
        page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Dashboard").click()
        assert_page_sound(page)


def record_consensus(officer, index: int, proposal: Proposal, *, check_accessibility: bool) -> None:
    """From the call's proposals: the consensus sheet, pre-filled with the means, justified and recorded."""
    click(officer, "link", proposal.protocol_number)
    click(officer, "link", "Record the consensus")
    if check_accessibility:
        check_page(officer, "consensus sheet")
    for position, (code, name, _italian, maximum) in enumerate(CRITERIA):
        criterion = officer.get_by_role("group", name=f"{code}. {name}")
        score = criterion.get_by_label(f"Consensus score (0 to {maximum})")
        assert Decimal(score.input_value()) == mean(index, position), f"{proposal.protocol_number} {code}"
        criterion.get_by_label("Justification").fill(justification(index, code))
        criterion.get_by_label("Comment for the applicant (optional)").fill(applicant_comment(index, code))
    click(officer, "button", "Record the consensus")
    alert_says(officer, "The consensus was recorded.")
    officer.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=CODE).click()
    assert_page_sound(officer)


def decision_page(officer) -> None:
    main_menu(officer, "Funding decisions")
    click(officer, "link", CODE, exact=True)
    expect(officer.get_by_role("heading", name=f"Funding decision · {CODE}", level=1)).to_be_visible()


# --- The scenario --------------------------------------------------------------------------------


def test_a_closed_call_is_evaluated_decided_signed_off_and_published(page, second_page, programme):
    officer, desk = page, second_page
    first, second, third = programme.proposals

    # The officer: password and TOTP code, then the closed call's decision page, where the evaluation starts.
    in_english(officer)
    log_in(officer, programme.officer)
    main_menu(officer, "Funding decisions")
    check_page(officer, "funding decisions")
    click(officer, "link", CODE, exact=True)
    check_page(officer, "funding decision of a closed call")
    click(officer, "button", "Start the evaluation")
    alert_says(officer, f"The evaluation of {CODE} has started.")

    # Admissibility, proposal by proposal, from the call's list.
    main_menu(officer, "Evaluation")
    check_page(officer, "evaluation: calls")
    click(officer, "link", f"Proposals {CODE}")
    check_page(officer, "evaluation: a call's proposals")
    for proposal in programme.proposals:
        admit(officer, proposal, check_accessibility=proposal == first)
    assert set(Proposal.objects.filter(call=programme.call).values_list("status", flat=True)) == {"admissible"}

    # Two evaluators for each proposal, balanced across the call.
    click(officer, "link", "Assign evaluators")
    check_page(officer, "balanced assignment")
    for evaluator in programme.evaluators:
        expect(officer.get_by_label(evaluator.user.full_name)).to_be_checked()
    expect(officer.get_by_label("Evaluators per proposal")).to_have_value("2")
    click(officer, "button", "Assign evaluators")
    alert_says(officer, "6 reviews assigned.")
    assert set(Proposal.objects.filter(call=programme.call).values_list("status", flat=True)) == {"under_evaluation"}

    # Each evaluator, in turn at the second browser.
    in_english(desk)
    for number, evaluator in enumerate(programme.evaluators):
        log_in(desk, evaluator)
        review(desk, number, programme, check_accessibility=number == 0)
        log_out(desk)

    # The officer again (still signed in): the consensus of each proposal, then the ranking.
    main_menu(officer, "Evaluation")
    click(officer, "link", f"Proposals {CODE}")
    for index, proposal in enumerate(programme.proposals):
        record_consensus(officer, index, proposal, check_accessibility=index == 0)
    click(officer, "link", "Ranking")
    click(officer, "button", "Compute the ranking")
    alert_says(officer, "3 proposals ranked.")
    ranking = officer.get_by_role("table", name="Ranking as the consensus scores stand now")
    rows = ranking.locator("tbody tr")
    expect(rows).to_have_count(3)
    for position, (proposal, total) in enumerate(zip(programme.proposals, ("86.50", "73.00", "62.00"), strict=True)):
        expect(rows.nth(position)).to_contain_text(proposal.protocol_number)
        expect(rows.nth(position).get_by_role("cell").first).to_have_text(str(position + 1))
        expect(rows.nth(position)).to_contain_text(total)
    check_page(officer, "ranking computed")

    # The decision down the ranking: two proposals fit in the € 80.000, the third heads the reserve list.
    decision_page(officer)
    click(officer, "button", "Propose the decision down the ranking")
    alert_says(officer, "Decision proposed: 2 funded, 1 on the reserve list, 0 not funded.")
    check_page(officer, "funding decision proposed")
    signoff = officer.get_by_role("region", name="Funders' sign-off")
    for name, _kind, _amount in FUNDERS:
        expect(signoff).to_contain_text(name)

    # A funder's member answers in the browser; the two others through the service.
    cariplo = programme.funder_members["Fondazione Cariplo"]
    log_in(desk, cariplo)
    main_menu(desk, "Dashboard")
    check_page(desk, "funder's dashboard")
    click(desk, "link", f"{CODE} – {TITLE}")
    check_page(desk, "sign-off")
    tick(desk.get_by_label("approved", exact=True))
    click(desk, "button", "Send my answer")
    alert_says(desk, "Your answer for Fondazione Cariplo is recorded.")
    log_out(desk)
    for name, member in programme.funder_members.items():
        if member is not cariplo:
            funder = Organisation.objects.get(legal_name=name)
            funder_sign_off(call=programme.call, funder=funder, decision="approved", by=member.user)

    # Every funder approved: the officer publishes, and the applicants are told.
    officer.reload()
    assert_page_sound(officer)
    expect(officer.get_by_text("Every funder approved the decision as it is now.")).to_be_visible()
    mail.outbox.clear()
    click(officer, "button", "Publish the results")
    alert_says(officer, f"The results of {CODE} are published.")
    log_out(officer)

    # Anyone: the call's page leads to the public results.
    main_menu(desk, "Calls")
    click(desk, "link", TITLE)
    click(desk, "link", "See the results: ranking and funded projects")
    check_page(desk, "public results")
    results = desk.get_by_role("table", name=re.compile(f"^Ranking of {CODE}"))
    for proposal, outcome in ((first, "funded"), (second, "funded"), (third, "reserve list (no. 1)")):
        row = results.get_by_role("row").filter(has_text=proposal.protocol_number)
        expect(row).to_contain_text(outcome)
    for proposal in (first, second):
        row = results.get_by_role("row").filter(has_text=proposal.protocol_number)
        expect(row).to_contain_text("€ 35,000.00")
        expect(row.get_by_role("cell").last).to_have_text("; ".join(name for name, _kind, _amount in FUNDERS))
    expect(results.get_by_role("row").filter(has_text=third.protocol_number).get_by_role("cell").last).to_have_text("—")

    # The applicant follows the e-mail's link to the outcome: the committee's scores and comments only.
    (outcome_mail,) = [message for message in mail.outbox if message.to == [programme.applicant.user.email]]
    log_in(desk, programme.applicant)
    visit(desk, OUTCOME_LINK.search(outcome_mail.body).group(0))
    expect(desk.get_by_role("heading", name=f"Outcome of {first.protocol_number}", level=1)).to_be_visible()
    check_page(desk, "applicant's outcome")
    expect(desk.get_by_role("main")).to_contain_text("€ 35,000.00")
    for name, _kind, _amount in FUNDERS:
        expect(desk.get_by_role("main")).to_contain_text(name)
    scores = desk.get_by_role("table", name="The evaluation committee's scores and comments")
    for position, (code, name, _italian, _maximum) in enumerate(CRITERIA):
        row = scores.get_by_role("row").filter(has_text=f"{code}. {name}")
        expect(row).to_contain_text(f"{mean(0, position):.2f}")
        expect(row).to_contain_text(applicant_comment(0, code))
    html = desk.content()
    for code, _name, _italian, _maximum in CRITERIA:
        for evaluator in range(2):
            assert evaluator_comment(evaluator, 0, code) not in html, "an evaluator's own comment reached the applicant"
        assert justification(0, code) not in html, "the committee's internal justification reached the applicant"
    log_out(desk)

    # The money, as stored: no funder gives more than it committed, each award is exactly its shares.
    for commitment in FunderCommitment.objects.filter(call=programme.call):
        given = FunderShare.objects.filter(commitment=commitment).aggregate(total=Sum("amount"))["total"] or 0
        assert given <= commitment.amount, f"{commitment.funder} gives {given}, committed {commitment.amount}"
    awards = list(Award.objects.filter(proposal__call=programme.call).order_by("proposal__rank"))
    assert [award.proposal_id for award in awards] == [first.pk, second.pk]
    for award in awards:
        assert award.amount_granted == Decimal("35000.00")
        assert award.shares.aggregate(total=Sum("amount"))["total"] == award.amount_granted
    assert ConsensusScore.objects.filter(proposal__call=programme.call).count() == 9
    assert Proposal.objects.get(pk=third.pk).status == Proposal.Status.RESERVE
