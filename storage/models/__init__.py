"""Every table, so the schema reads at a glance. Rows of a community carry its community_id."""

from storage.models.activity import ActiveDayRow, ErasedMemberRow, LapseRow
from storage.models.core import (
    BadgeAwardRow,
    BadgeEventRow,
    CommunityRow,
    InterestRow,
    IntroRow,
    KudosGroupRow,
    KudosRow,
    KudosTallyRow,
    MemberRow,
    SettingRow,
    when_column,
)
from storage.models.delivery import JobRunRow, OutboxRow, PaceRow
from storage.models.impact import CommunityKeyRow, IssuedReportRow
from storage.models.matching import (
    MatchAvoidRow,
    MatchGroupRow,
    MatchMemberRow,
    MatchRoundRow,
    MatchSeatRow,
)
from storage.models.needs import NeedIntroRow, NeedRow, NeedTagRow
from storage.models.outcomes import (
    OutcomeCreditRow,
    OutcomeRow,
    WorkGroupMemberRow,
    WorkGroupRow,
    WorkGroupUpdateRow,
)
from storage.models.polls import (
    PollAnswerRow,
    PollOptionRow,
    PollResponseRow,
    PollRow,
    PollVoteRow,
    PollVoterRow,
)
from storage.models.privacy import MemberPrivacyRow
from storage.models.slack import SlackDeliveryRow

__all__ = [
    "ActiveDayRow",
    "BadgeAwardRow",
    "BadgeEventRow",
    "CommunityKeyRow",
    "CommunityRow",
    "ErasedMemberRow",
    "InterestRow",
    "IntroRow",
    "IssuedReportRow",
    "JobRunRow",
    "KudosGroupRow",
    "KudosRow",
    "KudosTallyRow",
    "LapseRow",
    "MatchAvoidRow",
    "MatchGroupRow",
    "MatchMemberRow",
    "MatchRoundRow",
    "MatchSeatRow",
    "MemberPrivacyRow",
    "MemberRow",
    "NeedIntroRow",
    "NeedRow",
    "NeedTagRow",
    "OutboxRow",
    "OutcomeCreditRow",
    "OutcomeRow",
    "PaceRow",
    "PollAnswerRow",
    "PollOptionRow",
    "PollResponseRow",
    "PollRow",
    "PollVoteRow",
    "PollVoterRow",
    "SettingRow",
    "SlackDeliveryRow",
    "WorkGroupMemberRow",
    "WorkGroupRow",
    "WorkGroupUpdateRow",
    "when_column",
]
