"""Push intakes: submissions that form plugins' webhooks post, read and made leads through the sync's mappings."""

from leadsmanager.application.push.elementor import ElementorSubmission, elementor_submission
from leadsmanager.application.push.payload import UnreadablePush, form_fields, json_fields, text_of
from leadsmanager.application.push.receive import Pushed, PushReceived, PushRefused, PushTarget, ReceivePush

__all__ = [
    "ElementorSubmission",
    "PushReceived",
    "PushRefused",
    "PushTarget",
    "Pushed",
    "ReceivePush",
    "UnreadablePush",
    "elementor_submission",
    "form_fields",
    "json_fields",
    "text_of",
]
