"""Records shared by every layer: what readers yield and what the store keeps.

Readers yield these plain records; they know nothing of the store. Ids here are the
*native* ids of the source; the store derives its own stable ids from them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

MessageKind = Literal["message", "system", "bot"]
ConversationKind = Literal["channel", "group", "dm", "thread", "mail", "repo", "doc", "chat"]


@dataclass(frozen=True, slots=True)
class Identity:
    """One account of a person on one platform (a Slack user, an email address, an IRC nick)."""

    platform: str  # namespace of native_id: "slack", "email", "irc", "feishu", ...
    native_id: str  # unique within the platform: user id, lower-cased address, nick
    name: str | None = None  # display / real name as the source gives it
    email: str | None = None
    handle: str | None = None  # login / nick / username
    is_bot: bool = False


@dataclass(frozen=True, slots=True)
class Conversation:
    """Where messages happen: a channel, chat, DM, mail thread or repository."""

    platform: str
    native_id: str
    name: str
    kind: ConversationKind = "channel"
    topic: str | None = None


@dataclass(slots=True)
class Message:
    """One thing somebody (or some bot/system) wrote in a conversation."""

    platform: str
    conversation: Conversation
    native_id: str | None  # None → the store derives an id from a content hash
    author: Identity | None
    timestamp: datetime | None  # timezone-aware; None when the source has no time
    text: str
    kind: MessageKind = "message"
    reply_to: str | None = None  # native id of the message this replies to
    thread: str | None = None  # native id of the thread root
    edited: datetime | None = None
    mentions: tuple[Identity, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)  # e.g. subject, to/cc, touched paths
    # True when native ids are unique across the whole platform (email Message-ID, git sha,
    # Feishu om_…): ids, reply_to and thread are then not scoped to the conversation.
    global_id: bool = False


@dataclass(slots=True)
class Document:
    """A longer piece of writing: a design doc, a report, a wiki page."""

    platform: str  # "docs" for files on disk
    native_id: str  # path relative to the ingested root, or an API token
    title: str
    text: str
    author: Identity | None = None
    created: datetime | None = None
    kind: str = "text"  # md, txt, html, pdf, docx
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Rejected:
    """A record the reader could not use; the rest of the file still ingests."""

    where: str  # record locator: "line 12", "messages[41]", "general/2016-07-27.json#3"
    reason: str


Record = Identity | Conversation | Message | Document | Rejected
