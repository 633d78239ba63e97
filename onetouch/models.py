"""Every model, imported once so that SQLAlchemy and Alembic know all the tables."""

from onetouch.accounts.models import (
    AudienceGroup,
    Consent,
    ResetCode,
    Role,
    RoleGrant,
    ThrottleEvent,
    User,
    UserSession,
)
from onetouch.audit.models import AuditEntry
from onetouch.certificates.models import Certificate, StatusEntry, StatusList
from onetouch.community.models import AssistedEnrolment
from onetouch.content.models import (
    Course,
    CourseAsset,
    Module,
    Question,
    QuestionKind,
    Quiz,
    QuizKind,
)
from onetouch.geo.models import Commune, LegacyProvince, Province
from onetouch.learning.models import Enrolment, ModuleProgress, RequiredTraining
from onetouch.learning.tallies import EnrolmentTally, PeopleTally
from onetouch.notifications.models import ChannelChoice, Notification, ReminderMark
from onetouch.onboarding.models import ImportUpload
from onetouch.quizzes.models import AttemptStatus, QuizAttempt
from onetouch.stats.models import (
    AreaDay,
    AreaTotal,
    AreaWeek,
    DailyCourseActivity,
    DailyRegistrations,
    NationalWeek,
)

__all__ = [
    "AssistedEnrolment",
    "AreaDay",
    "AreaTotal",
    "AreaWeek",
    "AttemptStatus",
    "AudienceGroup",
    "AuditEntry",
    "Certificate",
    "ChannelChoice",
    "Commune",
    "Consent",
    "Course",
    "CourseAsset",
    "DailyCourseActivity",
    "DailyRegistrations",
    "Enrolment",
    "EnrolmentTally",
    "ImportUpload",
    "LegacyProvince",
    "Module",
    "ModuleProgress",
    "NationalWeek",
    "Notification",
    "PeopleTally",
    "Province",
    "Question",
    "QuestionKind",
    "Quiz",
    "QuizAttempt",
    "QuizKind",
    "ReminderMark",
    "RequiredTraining",
    "ResetCode",
    "Role",
    "RoleGrant",
    "StatusEntry",
    "StatusList",
    "ThrottleEvent",
    "User",
    "UserSession",
]
