"""A fake Slack (Web API, Socket Mode, signed HTTP delivery) for testing slack-bolt apps."""

from .acks import Ack
from .drivers import Driver, HttpDriver, SocketModeDriver
from .server import FakeSlack
from .state import Call, Channel, Message, ResponsePost, UploadedFile, User, ViewRecord

__all__ = [
    "Ack",
    "Call",
    "Channel",
    "Driver",
    "FakeSlack",
    "HttpDriver",
    "Message",
    "ResponsePost",
    "SocketModeDriver",
    "UploadedFile",
    "User",
    "ViewRecord",
]
