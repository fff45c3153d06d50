"""Every form the app can print, in one catalogue, made one way (the print pipeline).

A print is asked for by its key and a ``Request`` (which record, on what basis). The pipeline loads the
record, finds the households the form is about and their restrictions (app.services.printing.sharing), makes the
form with a context that carries the disclosure, and returns a ``printing.Printed``; delivering it
(printing.deliver / save_as) audits it once with its basis. The GUI, the CLI (`python -m app print`) and
the tests all come through here, so a new form cannot bypass the rules of sharing: it is added to
``CATALOG`` and gets them.

A requested basis can only narrow what is shown: 最小限 is always allowed; a つなぐシート is printed on
the basis settled at its gate, a meeting's papers on their meeting's basis.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.models import Agency, Consent, Household, Intake, Meeting, MeetingCase, vocab
from app.services.common.errors import InvalidInput
from app.services.printing import printing, sharing
from app.services.printing.printing import Printed
from app.services.store.store import Store

# The bases a caller may ask for on a form that is not a つなぐシート or a meeting paper.
REQUESTABLE = ("internal", "minimal")


@dataclass(frozen=True)
class Request:
    household_id: int | None = None
    record_id: int | None = None  # the intake, visit, sheet, plan, meeting or 実施計画 the form prints
    basis: str = "internal"
    on: date | None = None  # the day of a 訪問予定表, "today" of a list
    options: dict = field(default_factory=dict)  # signature, fy/half, state, recovery key …


@dataclass(frozen=True)
class Entry:
    key: str
    title: str
    needs: str  # household / intake / visit / referral / plan / meeting / person / participation / day / year / program / none
    build: Callable[[Store, Request], Printed]
    cli: bool = True  # the recovery-key sheet exists only at the moment a key is made


CATALOG: dict[str, Entry] = {}


def _entry(key: str, title: str, needs: str, cli: bool = True):
    def register(build):
        CATALOG[key] = Entry(key, title, needs, build, cli)
        return build

    return register


def produce(store: Store, key: str, request: Request | None = None) -> Printed:
    """The print ``key`` for ``request``, with every rule of sharing applied. Not yet audited."""
    entry = CATALOG.get(key)
    if entry is None:
        raise InvalidInput(f"「{key}」という帳票はありません（一覧: {', '.join(CATALOG)}）")
    request = request or Request()
    if request.basis not in vocab.PRINT_BASIS:
        raise InvalidInput("印刷の根拠を一覧から選んでください")
    return entry.build(store, request)


def request_for(store: Store, entry: Entry, *, household: str | None = None, record: str | None = None,
                basis: str = "internal", on: date | None = None, options: dict | None = None) -> Request:
    """A request from what a person types (the CLI): a household by its 世帯番号 (H-0001), a つなぐシート
    by its number (R8-0001), any other record by its id."""
    from app.models import Referral

    household_id = record_id = None
    with store.session() as s:
        if household:
            household_id = s.scalar(select(Household.id).where(Household.code == household))
            if household_id is None:
                raise InvalidInput(f"世帯番号 {household} の世帯は見つかりません")
        if record:
            if entry.needs == "referral" and not record.isdigit():
                record_id = s.scalar(select(Referral.id).where(Referral.number == record))
            elif record.isdigit():
                record_id = int(record)
            if record_id is None:
                raise InvalidInput(f"{record} は見つかりません（つなぐシートは番号、ほかは記録の番号で指定します）")
    if entry.needs in ("household", "intake", "visit", "plan") and household_id is None and record_id is None:
        raise InvalidInput("--household で世帯番号を指定してください")
    if entry.needs in ("referral", "meeting", "participation") and record_id is None:
        raise InvalidInput("--record で対象（つなぐシートの番号、会議・参加支援の番号）を指定してください")
    return Request(household_id, record_id, basis, on, options or {})


# --- the shared steps ---------------------------------------------------------------------------------


def _context(store: Store, disclosure: sharing.Disclosure):

    return printing.form_context(store, disclosure)


def _disclosure(store: Store, households: list[Household], basis: str, aliases=None) -> sharing.Disclosure:
    with store.session() as s:
        restricted = sharing.restricted_households(s, [h.id for h in households])
    return sharing.for_print(households, restricted, basis, aliases)


def _own_basis(request: Request) -> str:
    if request.basis not in REQUESTABLE:
        raise InvalidInput("この帳票は「庁内の記録」か「最小限」でだけ印刷できます（情報提供は、つなぐシートか会議の資料で）")
    return request.basis


def _household(store: Store, request: Request) -> Household:
    from app.services.households import households

    if request.household_id is None:
        raise InvalidInput("世帯を指定してください")
    return households.open_household(store, request.household_id)


def _minimal_title(title: str, basis: str) -> str:
    return title + ("（匿名化）" if basis == "minimal" else "")


# --- household forms ----------------------------------------------------------------------------------


@_entry("face", "世帯票", "household")
def _face(store: Store, request: Request) -> Printed:
    from app.services.flags import flag_review
    from app.services.households import consents, household_forms, households

    basis = _own_basis(request)
    household = _household(store, request)
    flags = [(f.word, f.state_word, f.note or f.reason) for f in flag_review.for_household(store, household.id)
             if f.active and f.state in ("candidate", "confirmed")]  # fmt: skip
    context = _context(store, _disclosure(store, [household], basis))
    pdf = household_forms.face_sheet(
        context, household, latest=households.latest_intake(store, household.id),
        consents=consents.for_household(store, household.id), flag_lines=flags,
    )  # fmt: skip
    return Printed(pdf, _minimal_title(household_forms.FACE_TITLE, basis), household.code, basis)


@_entry("disclosure", "本人開示", "person")
def _disclosure_print(store: Store, request: Request) -> Printed:
    """Everything held about one person (``record_id``: the person), for that person (households.disclosure
    decides what of others stays out)."""
    from app.services.households import disclosure, disclosure_forms

    basis = _own_basis(request)
    if request.record_id is None:
        raise InvalidInput("--record で世帯員の番号を指定してください")
    with store.session() as s:
        file = disclosure.gather(s, request.record_id, request.on, basis)
    pdf = disclosure_forms.person_disclosure(_context(store, file.disclosure), file)
    return Printed(pdf, _minimal_title(disclosure.TITLE, basis), f"{file.household_code}-{file.person_code}", basis)


@_entry("intake", "相談受付票", "intake")
def _intake(store: Store, request: Request) -> Printed:
    from app.services.households import household_forms, households

    basis = _own_basis(request)
    with store.session() as s:
        if request.record_id is not None:
            intake = s.get(Intake, request.record_id)
        elif request.household_id is not None:
            intake = s.scalar(select(Intake).where(Intake.household_id == request.household_id)
                              .order_by(Intake.received_on.desc(), Intake.id.desc()))  # fmt: skip
        else:
            intake = None
        if intake is None:
            raise InvalidInput("相談受付の記録が見つかりません")
        s.expunge(intake)
    household = households.open_household(store, intake.household_id)
    intake.person = next((m for m in household.members if m.id == intake.person_id), None)
    context = _context(store, _disclosure(store, [household], basis))
    pdf = household_forms.intake_sheet(context, household, intake)
    return Printed(pdf, _minimal_title(household_forms.INTAKE_TITLE, basis), household.code, basis)


@_entry("timeline", "支援経過一覧", "household")
def _timeline(store: Store, request: Request) -> Printed:
    from app.services.outreach import outreach, outreach_forms

    basis = _own_basis(request)
    household = _household(store, request)
    context = _context(store, _disclosure(store, [household], basis))
    pdf = outreach_forms.timeline_sheet(context, household, outreach.timeline(store, household.id))
    return Printed(pdf, _minimal_title(outreach_forms.TIMELINE_TITLE, basis), household.code, basis)


@_entry("visit", "訪問記録", "visit")
def _visit(store: Store, request: Request) -> Printed:
    from app.models import Visit
    from app.services.households import households
    from app.services.outreach import outreach, outreach_forms
    from app.services.referrals import referrals

    basis = _own_basis(request)
    visit_id = request.record_id
    if visit_id is None and request.household_id is not None:
        with store.session() as s:
            visit_id = s.scalar(select(Visit.id).where(Visit.household_id == request.household_id)
                                .order_by(Visit.visited_at.desc(), Visit.id.desc()))  # fmt: skip
    if visit_id is None:
        raise InvalidInput("訪問記録が見つかりません")
    visit = outreach.get_visit(store, visit_id)
    household = households.open_household(store, visit.household_id)
    agency = referrals.agency_names(store).get(visit.visitor_agency_id, "") if visit.visitor_agency_id else ""
    context = _context(store, _disclosure(store, [household], basis))
    pdf = outreach_forms.visit_sheet(context, household, visit, agency)
    return Printed(pdf, _minimal_title(outreach_forms.VISIT_TITLE, basis), household.code, basis)


@_entry("plan", "支援プラン", "plan")
def _plan(store: Store, request: Request) -> Printed:
    from app.services.households import households
    from app.services.meetings import meeting_forms, meetings, plans

    basis = _own_basis(request)
    if request.record_id is not None:
        plan = plans.get(store, request.record_id)
    else:
        plan = plans.current(store, _household(store, request).id) if request.household_id else None
        if plan is None and request.household_id is not None:
            versions = plans.versions(store, request.household_id)
            plan = versions[0] if versions else None
    if plan is None:
        raise InvalidInput("支援プランが見つかりません")
    household = households.open_household(store, plan.household_id)
    context = _context(store, _disclosure(store, [household], basis))
    pdf = meeting_forms.plan_sheet(context, household, plan, meetings.agency_names(store),
                                   signature=bool(request.options.get("signature")))  # fmt: skip
    title = _minimal_title(f"{meeting_forms.PLAN_TITLE}第{plan.version}版", basis)
    return Printed(pdf, title, household.code, basis)


@_entry("assessment", "アセスメントシート", "household")
def _assessment(store: Store, request: Request) -> Printed:
    """An assessment is personal data: printed like the plan, on 庁内 or 最小限, through the disclosure."""
    from app.services.households import households
    from app.services.meetings import assessments, meeting_forms

    basis = _own_basis(request)
    if request.record_id is not None:
        found = assessments.get(store, request.record_id)
    else:
        versions = assessments.versions(store, _household(store, request).id)
        found = versions[0] if versions else None
    if found is None:
        raise InvalidInput("アセスメントが見つかりません")
    household = households.open_household(store, found.household_id)
    context = _context(store, _disclosure(store, [household], basis))
    pdf = meeting_forms.assessment_sheet(context, household, found)
    title = _minimal_title(f"{meeting_forms.ASSESSMENT_TITLE}第{found.version}版", basis)
    return Printed(pdf, title, household.code, basis)


@_entry("summary", "事例概要", "household")
def _summary(store: Store, request: Request) -> Printed:
    from app.models import MeetingType
    from app.services.flags import flag_review
    from app.services.households import households
    from app.services.meetings import meeting_forms, meetings, plans
    from app.services.outreach import outreach

    basis = _own_basis(request)
    household = _household(store, request)
    flags = [(f.word, f.reason) for f in flag_review.for_household(store, household.id)
             if f.active and f.state == "confirmed"]  # fmt: skip
    versions = plans.versions(store, household.id)
    current = next((p for p in versions if p.state == "approved"), versions[0] if versions else None)
    # The 守秘義務 notice follows the meeting the handout is for: the one asked for, else the latest the
    # household is on the agenda of.
    with store.session() as s:
        query = select(MeetingType.basis).join(Meeting, Meeting.type_id == MeetingType.id).join(
            MeetingCase, MeetingCase.meeting_id == Meeting.id).where(MeetingCase.household_id == household.id)
        if request.options.get("meeting_id"):
            query = query.where(Meeting.id == request.options["meeting_id"])
        meeting_basis = s.scalar(query.order_by(Meeting.held_on.desc()).limit(1))
    context = _context(store, _disclosure(store, [household], basis))
    pdf = meeting_forms.case_summary(
        context, household, intake=households.latest_intake(store, household.id), flag_lines=flags,
        entries=outreach.timeline(store, household.id), plan=current, agencies=meetings.agency_names(store),
        meeting_basis=meeting_basis,
    )  # fmt: skip
    return Printed(pdf, _minimal_title(meeting_forms.SUMMARY_TITLE, basis), household.code, basis)


@_entry("participation", "参加支援の記録", "participation")
def _participation(store: Store, request: Request) -> Printed:
    """One participation (``record_id``) with its activities and the person's words."""
    from app.services.households import households
    from app.services.participation import participation, participation_forms

    basis = _own_basis(request)
    if request.record_id is None:
        raise InvalidInput("--record で参加支援の番号を指定してください")
    record = participation.get(store, request.record_id)
    household = households.open_household(store, record.household_id)
    record.household = household  # (with its members: the disclosure knows every name to withhold)
    record.person = next((m for m in household.members if m.id == record.person_id), record.person)
    context = _context(store, _disclosure(store, [household], basis))
    pdf = participation_forms.participation_sheet(context, record, participation.agency_label(record.agency))
    return Printed(pdf, _minimal_title(participation_forms.TITLE, basis), household.code, basis)


# --- つなぐシート ----------------------------------------------------------------------------------------


@_entry("referral", "つなぐシート", "referral")
def _referral(store: Store, request: Request) -> Printed:
    """On the basis settled at the sheet's gate (refused while none is); 最小限 if asked for."""
    from app.services.households import households
    from app.services.referrals import referral_forms, referrals
    from app.services.store import settings as town_settings

    if request.record_id is None:
        raise InvalidInput("つなぐシートを指定してください")
    # 最小限 narrows what any sheet shows, so it needs no basis; anything more needs the settled one.
    basis = "minimal" if request.basis == "minimal" else referrals.settled_basis(store, request.record_id)
    ref = referrals.get(store, request.record_id)
    household = households.open_household(store, ref.household_id)
    with store.session() as s:
        agency = s.get(Agency, ref.agency_id) if ref.agency_id else None
        consent = (
            s.scalar(select(Consent).where(Consent.id == ref.consent_id).options(selectinload(Consent.agencies)))
            if basis == "consent" and ref.consent_id else None
        )  # fmt: skip
    aliases = {ref.person_id: ref.shared_alias} if ref.person_id and ref.shared_alias else None
    values = town_settings.load(store)
    context = _context(store, _disclosure(store, [household], basis, aliases))
    pdf = referral_forms.referral_sheet(
        context, ref, household, agency, consent, basis=basis, our_department=values["town.department"],
        our_phone=values["town.phone"], reply_days=values["referral.reply_days"],
    )  # fmt: skip
    return Printed(pdf, referral_forms.TITLE, ref.number, basis)


@_entry("referral-blank", "つなぐシート（記入用）", "none")
def _referral_blank(store: Store, request: Request) -> Printed:
    from app.services.referrals import referral_forms
    from app.services.store import settings as town_settings

    values = town_settings.load(store)
    pdf = referral_forms.blank_sheet(_context(store, sharing.OPEN), our_department=values["town.department"],
                                     our_phone=values["town.phone"], reply_days=values["referral.reply_days"])  # fmt: skip
    return Printed(pdf, referral_forms.BLANK_TITLE, "", request.basis)


@_entry("referral-list", "つなぐシート一覧", "none")
def _referral_list(store: Store, request: Request) -> Printed:
    from app.services.referrals import referral_forms, referrals

    today = request.on or date.today()
    state = request.options.get("state")
    rows = referrals.overdue(store, today) if state == "overdue" else referrals.listing(store, state=state)
    households = _households(store, {r.household_id for r in rows})
    context = _context(store, _disclosure(store, households, _own_basis(request)))
    pdf = referral_forms.referral_list(context, rows, referrals.agency_names(store), today)
    return Printed(pdf, referral_forms.LIST_TITLE, "", request.basis)


def _households(store: Store, ids) -> list[Household]:
    with store.session() as s:
        return list(s.scalars(select(Household).where(Household.id.in_(set(ids)))
                              .options(selectinload(Household.members))))  # fmt: skip


# --- 訪問 -----------------------------------------------------------------------------------------------


@_entry("route", "訪問予定表", "day")
def _route(store: Store, request: Request) -> Printed:
    from app.services.common.japanese import format_wareki
    from app.services.outreach import outreach, outreach_forms

    day = request.on or date.today()
    stops = outreach.planned_between(store, day, day)
    households = _households(store, {hid for _d, hid, *_rest in stops})
    context = _context(store, _disclosure(store, households, _own_basis(request)))
    pdf = outreach_forms.route_sheet(context, day, stops)
    return Printed(pdf, outreach_forms.ROUTE_TITLE, format_wareki(day), request.basis)


# --- 会議 ------------------------------------------------------------------------------------------------


def _meeting_print(store: Store, request: Request, make, title: str) -> Printed:
    from app.services.common.japanese import format_wareki
    from app.services.meetings import meetings

    if request.record_id is None:
        raise InvalidInput("会議を指定してください")
    meeting = meetings.get_meeting(store, request.record_id)
    basis = "minimal" if request.basis == "minimal" else meeting.type.basis
    households = [c.household for c in meeting.cases]
    context = _context(store, _disclosure(store, households, basis))
    pdf = make(context, meeting, meetings.agency_names(store))
    return Printed(pdf, f"{meeting.type.name}{title}", format_wareki(meeting.held_on), basis)


@_entry("agenda", "会議次第", "meeting")
def _agenda(store: Store, request: Request) -> Printed:
    from app.services.meetings import meeting_forms

    return _meeting_print(store, request, meeting_forms.agenda_sheet, meeting_forms.AGENDA_TITLE)


@_entry("minutes", "会議録", "meeting")
def _minutes(store: Store, request: Request) -> Printed:
    from app.services.meetings import meeting_forms

    return _meeting_print(store, request, meeting_forms.record_sheet, meeting_forms.RECORD_TITLE)


# --- counts, the 実施計画, the ledger and the recovery key: no household on them ------------------------


@_entry("statistics", "統計", "year")
def _statistics(store: Store, request: Request) -> Printed:
    from app.services.common.japanese import fiscal_year
    from app.services.statistics import statistics, statistics_forms

    fy = request.options.get("fy") or fiscal_year(request.on or date.today())
    report = statistics.compute(store, statistics.Period.of(int(fy), request.options.get("half")), request.on)
    pdf = statistics_forms.report_sheet(_context(store, sharing.OPEN), report)
    return Printed(pdf, statistics_forms.TITLE, report.period.label, request.basis)


@_entry("community", "地域資源一覧", "none")
def _community(store: Store, request: Request) -> Printed:
    """The 地域資源 in operation, per area. Places and groups, no person: nothing to withhold."""
    from app.services.common.japanese import format_wareki
    from app.services.community import community, community_forms

    today = request.on or date.today()
    rows = community.resources(store, include_retired=False)
    pdf = community_forms.resource_list(_context(store, sharing.OPEN), rows, today)
    return Printed(pdf, community_forms.TITLE, format_wareki(today), request.basis)


@_entry("program", "実施計画 記載事項チェックリスト", "program")
def _program(store: Store, request: Request) -> Printed:
    from app.services.common.japanese import fiscal_year
    from app.services.program import program_forms, program_plan

    plans = program_plan.plans(store)
    plan_id = request.record_id or (plans[-1].id if plans else None)
    if plan_id is None:
        raise InvalidInput("実施計画の期間がまだありません")
    plan = program_plan.get(store, plan_id)
    fy = int(request.options.get("fy") or fiscal_year(request.on or date.today()))
    pdf = program_forms.checklist_sheet(
        _context(store, sharing.OPEN), plan, program_plan.bodies(store), program_plan.setups(store),
        program_plan.indicator_lines(store, plan.id, fy, request.on), fy,
    )  # fmt: skip
    return Printed(pdf, program_forms.TITLE, program_plan.period_name(plan), request.basis)


@_entry("media-log", "持出し管理簿", "none")
def _media_log(store: Store, request: Request) -> Printed:
    from app.services.printing import media_forms
    from app.services.store import backup

    pdf = media_forms.ledger(_context(store, sharing.OPEN), list(reversed(backup.media_log(store))))
    return Printed(pdf, media_forms.TITLE, "", request.basis)


@_entry("recovery-key", "回復キー", "none", cli=False)
def _recovery_key(store: Store, request: Request) -> Printed:
    """Printed only when a recovery key is made (first run, or a new key in 設定): it is never stored."""
    from app.services.printing import recovery_sheet

    key = request.options.get("recovery_key")
    if not key:
        raise InvalidInput("回復キーの用紙は、回復キーを作ったときにだけ印刷できます")
    pdf = recovery_sheet.render(_context(store, sharing.OPEN), key, request.options.get("store_id", ""),
                                request.on or date.today())  # fmt: skip
    return Printed(pdf, recovery_sheet.TITLE, "", request.basis)
