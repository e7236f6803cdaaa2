"""Contains all the data models used in inputs/outputs"""

from .access_report_out import AccessReportOut
from .actor import Actor
from .actor_access import ActorAccess
from .actor_ref import ActorRef
from .addendum_create import AddendumCreate
from .addendum_out import AddendumOut
from .addendum_page import AddendumPage
from .api_key_create import ApiKeyCreate
from .api_key_created import ApiKeyCreated
from .api_key_kind import ApiKeyKind
from .api_key_out import ApiKeyOut
from .api_key_page import ApiKeyPage
from .api_key_rotate import ApiKeyRotate
from .api_key_scope import ApiKeyScope
from .api_key_status import ApiKeyStatus
from .audit_event_out import AuditEventOut
from .audit_event_out_details_type_0 import AuditEventOutDetailsType0
from .audit_event_page import AuditEventPage
from .break_glass_item import BreakGlassItem
from .break_glass_item_page import BreakGlassItemPage
from .break_glass_status import BreakGlassStatus
from .by_action import ByAction
from .by_outcome import ByOutcome
from .by_phase import ByPhase
from .care_team_update import CareTeamUpdate
from .caseload import Caseload
from .caseload_row import CaseloadRow
from .caseload_summary import CaseloadSummary
from .ccrt import Ccrt
from .checkpoint_out import CheckpointOut
from .checkpoint_page import CheckpointPage
from .client_clinical_out import ClientClinicalOut
from .client_create import ClientCreate
from .client_order import ClientOrder
from .client_out import ClientOut
from .client_page import ClientPage
from .client_status import ClientStatus
from .client_update import ClientUpdate
from .clinician_out import ClinicianOut
from .close_reason import CloseReason
from .component_count import ComponentCount
from .consistency_proof_out import ConsistencyProofOut
from .create_token_form import CreateTokenForm
from .defensive_functioning import DefensiveFunctioning
from .episode_close import EpisodeClose
from .episode_create import EpisodeCreate
from .episode_out import EpisodeOut
from .episode_page import EpisodePage
from .episode_status import EpisodeStatus
from .episode_update import EpisodeUpdate
from .export_format import ExportFormat
from .feed_event_out import FeedEventOut
from .feed_page import FeedPage
from .get_liveness_response_200 import GetLivenessResponse200
from .inclusion_proof_out import InclusionProofOut
from .instrument import Instrument
from .intervention import Intervention
from .latest_measure import LatestMeasure
from .level_count import LevelCount
from .me_out import MeOut
from .measure_create import MeasureCreate
from .measure_out import MeasureOut
from .measure_page import MeasurePage
from .measure_summary import MeasureSummary
from .modality import Modality
from .note_create import NoteCreate
from .note_kind import NoteKind
from .note_out import NoteOut
from .note_page import NotePage
from .note_status import NoteStatus
from .note_update import NoteUpdate
from .observation_create import ObservationCreate
from .observation_out import ObservationOut
from .observation_page import ObservationPage
from .outcome import Outcome
from .password_change_in import PasswordChangeIn
from .password_reset_in import PasswordResetIn
from .password_reset_out import PasswordResetOut
from .phase import Phase
from .phase_progress import PhaseProgress
from .phase_transition_create import PhaseTransitionCreate
from .phase_transition_out import PhaseTransitionOut
from .phase_transition_page import PhaseTransitionPage
from .problem import Problem
from .problem_error import ProblemError
from .progress import Progress
from .public_key_out import PublicKeyOut
from .purpose_of_use import PurposeOfUse
from .refresh_in import RefreshIn
from .relationship_episode_create import RelationshipEpisodeCreate
from .relationship_episode_out import RelationshipEpisodeOut
from .relationship_episode_page import RelationshipEpisodePage
from .resource import Resource
from .resource_ref import ResourceRef
from .response_count import ResponseCount
from .response_in import ResponseIn
from .response_out import ResponseOut
from .return_in import ReturnIn
from .review_decision import ReviewDecision
from .review_in import ReviewIn
from .review_out import ReviewOut
from .risk import Risk
from .risk_flag import RiskFlag
from .risk_level import RiskLevel
from .role import Role
from .secret_rotated import SecretRotated
from .segment import Segment
from .session_booked import SessionBooked
from .session_clinical_created import SessionClinicalCreated
from .session_clinical_out import SessionClinicalOut
from .session_counts import SessionCounts
from .session_create import SessionCreate
from .session_created import SessionCreated
from .session_order import SessionOrder
from .session_out import SessionOut
from .session_page import SessionPage
from .session_status import SessionStatus
from .session_update import SessionUpdate
from .severity import Severity
from .subscales import Subscales
from .subscribable_event_type import SubscribableEventType
from .theme_category import ThemeCategory
from .theme_create import ThemeCreate
from .theme_out import ThemeOut
from .theme_page import ThemePage
from .theme_summary import ThemeSummary
from .theme_trajectory import ThemeTrajectory
from .theme_update import ThemeUpdate
from .token_out import TokenOut
from .trajectory_point import TrajectoryPoint
from .user_create import UserCreate
from .user_created import UserCreated
from .user_out import UserOut
from .user_page import UserPage
from .user_update import UserUpdate
from .valence import Valence
from .verify_out import VerifyOut
from .verify_problem import VerifyProblem
from .webhook_attempt_out import WebhookAttemptOut
from .webhook_delivery_out import WebhookDeliveryOut
from .webhook_delivery_page import WebhookDeliveryPage
from .webhook_endpoint_create import WebhookEndpointCreate
from .webhook_endpoint_created import WebhookEndpointCreated
from .webhook_endpoint_out import WebhookEndpointOut
from .webhook_endpoint_page import WebhookEndpointPage
from .webhook_endpoint_update import WebhookEndpointUpdate
from .wish_in import WishIn
from .wish_out import WishOut

__all__ = (
    "AccessReportOut",
    "Actor",
    "ActorAccess",
    "ActorRef",
    "AddendumCreate",
    "AddendumOut",
    "AddendumPage",
    "ApiKeyCreate",
    "ApiKeyCreated",
    "ApiKeyKind",
    "ApiKeyOut",
    "ApiKeyPage",
    "ApiKeyRotate",
    "ApiKeyScope",
    "ApiKeyStatus",
    "AuditEventOut",
    "AuditEventOutDetailsType0",
    "AuditEventPage",
    "BreakGlassItem",
    "BreakGlassItemPage",
    "BreakGlassStatus",
    "ByAction",
    "ByOutcome",
    "ByPhase",
    "CareTeamUpdate",
    "Caseload",
    "CaseloadRow",
    "CaseloadSummary",
    "Ccrt",
    "CheckpointOut",
    "CheckpointPage",
    "ClientClinicalOut",
    "ClientCreate",
    "ClientOrder",
    "ClientOut",
    "ClientPage",
    "ClientStatus",
    "ClientUpdate",
    "ClinicianOut",
    "CloseReason",
    "ComponentCount",
    "ConsistencyProofOut",
    "CreateTokenForm",
    "DefensiveFunctioning",
    "EpisodeClose",
    "EpisodeCreate",
    "EpisodeOut",
    "EpisodePage",
    "EpisodeStatus",
    "EpisodeUpdate",
    "ExportFormat",
    "FeedEventOut",
    "FeedPage",
    "GetLivenessResponse200",
    "InclusionProofOut",
    "Instrument",
    "Intervention",
    "LatestMeasure",
    "LevelCount",
    "MeasureCreate",
    "MeasureOut",
    "MeasurePage",
    "MeasureSummary",
    "MeOut",
    "Modality",
    "NoteCreate",
    "NoteKind",
    "NoteOut",
    "NotePage",
    "NoteStatus",
    "NoteUpdate",
    "ObservationCreate",
    "ObservationOut",
    "ObservationPage",
    "Outcome",
    "PasswordChangeIn",
    "PasswordResetIn",
    "PasswordResetOut",
    "Phase",
    "PhaseProgress",
    "PhaseTransitionCreate",
    "PhaseTransitionOut",
    "PhaseTransitionPage",
    "Problem",
    "ProblemError",
    "Progress",
    "PublicKeyOut",
    "PurposeOfUse",
    "RefreshIn",
    "RelationshipEpisodeCreate",
    "RelationshipEpisodeOut",
    "RelationshipEpisodePage",
    "Resource",
    "ResourceRef",
    "ResponseCount",
    "ResponseIn",
    "ResponseOut",
    "ReturnIn",
    "ReviewDecision",
    "ReviewIn",
    "ReviewOut",
    "Risk",
    "RiskFlag",
    "RiskLevel",
    "Role",
    "SecretRotated",
    "Segment",
    "SessionBooked",
    "SessionClinicalCreated",
    "SessionClinicalOut",
    "SessionCounts",
    "SessionCreate",
    "SessionCreated",
    "SessionOrder",
    "SessionOut",
    "SessionPage",
    "SessionStatus",
    "SessionUpdate",
    "Severity",
    "Subscales",
    "SubscribableEventType",
    "ThemeCategory",
    "ThemeCreate",
    "ThemeOut",
    "ThemePage",
    "ThemeSummary",
    "ThemeTrajectory",
    "ThemeUpdate",
    "TokenOut",
    "TrajectoryPoint",
    "UserCreate",
    "UserCreated",
    "UserOut",
    "UserPage",
    "UserUpdate",
    "Valence",
    "VerifyOut",
    "VerifyProblem",
    "WebhookAttemptOut",
    "WebhookDeliveryOut",
    "WebhookDeliveryPage",
    "WebhookEndpointCreate",
    "WebhookEndpointCreated",
    "WebhookEndpointOut",
    "WebhookEndpointPage",
    "WebhookEndpointUpdate",
    "WishIn",
    "WishOut",
)
