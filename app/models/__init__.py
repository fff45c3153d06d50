"""ORM tables: data and invariants only (no Qt, no I/O beyond SQLAlchemy)."""

from app.models.base import Base, now
from app.models.casework import FlagRecord, HouseholdContact, Intake, Note, Referral, Visit
from app.models.community import CommunityActivity, CommunityResource
from app.models.meetings import Assessment, Meeting, MeetingCase, MeetingType, SupportPlan
from app.models.network import Agency, Consent, consent_agencies
from app.models.participation import Participation, ParticipationActivity
from app.models.people import CareRelation, Household, ParentLink, Person, User
from app.models.program import (
    ChecklistItem,
    Indicator,
    IndicatorYear,
    ProgramPlan,
    ProgramSetup,
    SupportBody,
)
from app.models.records import AuditEntry, ChangeRecord, MediaLog, Setting

__all__ = [
    "Assessment",
    "CommunityActivity",
    "CommunityResource",
    "Participation",
    "ParticipationActivity",
    "SupportBody",
    "ProgramSetup",
    "ProgramPlan",
    "IndicatorYear",
    "Indicator",
    "ChecklistItem",
    "Agency",
    "AuditEntry",
    "Base",
    "CareRelation",
    "ChangeRecord",
    "Consent",
    "FlagRecord",
    "Household",
    "HouseholdContact",
    "MediaLog",
    "Meeting",
    "MeetingCase",
    "MeetingType",
    "Note",
    "Intake",
    "ParentLink",
    "Person",
    "Referral",
    "Setting",
    "SupportPlan",
    "User",
    "Visit",
    "consent_agencies",
    "now",
]
