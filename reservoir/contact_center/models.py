"""Live chat: sessions, messages, agents' capacity and presence, start counts, canned responses."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from reservoir.contact_center.enums import Author, SessionStatus


class ChatSession(models.Model):
    """One visitor's chat, from the widget's first POST to its end (token = the visitor's key)."""

    token = models.CharField(max_length=64, unique=True)
    party = models.ForeignKey(
        "parties.Party", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    identified_by = models.CharField(max_length=16, blank=True)  # session | email | phone
    name = models.CharField(_("name"), max_length=120, blank=True)
    email = models.CharField(_("email"), max_length=254, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=SessionStatus.choices, default=SessionStatus.BOT
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("agent"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    page_url = models.CharField(_("page"), max_length=500, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    # The support case opened for this chat (no agent, out of hours, left while waiting).
    case = models.ForeignKey(
        "support.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    conversation = models.ForeignKey(
        "timeline.Conversation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    interaction = models.ForeignKey(
        "timeline.Interaction", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_seq = models.PositiveIntegerField(default=0)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "queued_at"]),
            models.Index(fields=["agent", "status"]),
        ]
        verbose_name = _("chat")
        verbose_name_plural = _("chats")

    def __str__(self) -> str:
        return f"Chat {self.pk}"

    @property
    def visitor_label(self) -> str:
        return self.name or self.email or self.phone or str(_("Visitor"))


class ChatMessage(models.Model):
    session = models.ForeignKey(ChatSession, on_delete=models.CASCADE, related_name="messages")
    seq = models.PositiveIntegerField()
    author = models.CharField(max_length=8, choices=Author.choices)
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    client_id = models.CharField(max_length=64, blank=True)
    # Knowledge-base links a bot answer offers: [{"title", "url", "snippet"}].
    links = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["session", "seq"], name="chat_message_seq_unique"),
            models.UniqueConstraint(
                fields=["session", "client_id"],
                condition=~models.Q(client_id=""),
                name="chat_message_client_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author} #{self.seq}"


class AgentChatState(models.Model):
    """Whether an agent takes chats, how many at once, and how many they have now."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    available = models.BooleanField(_("available"), default=False)
    capacity = models.PositiveSmallIntegerField(_("capacity"), default=3)
    active_count = models.PositiveSmallIntegerField(default=0)
    online = models.PositiveSmallIntegerField(default=0)  # open console sockets
    # The last heartbeat of any of the agent's consoles: a count whose consoles have gone
    # silent (a killed server never closes them) is not believed (see `presence`).
    seen_at = models.DateTimeField(null=True, blank=True)
    last_assigned_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.active_count}/{self.capacity}"


class ChatStartCount(models.Model):
    """Chats started from one client address or by one visitor (`key`, a hash) in a window.

    Only used while the cache is per process (the default without Redis); see `throttle`.
    """

    key = models.CharField(max_length=64)
    window_end = models.BigIntegerField()  # Unix seconds
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_end"], name="chat_start_count_unique")
        ]
        indexes = [models.Index(fields=["window_end"])]

    def __str__(self) -> str:
        return f"{self.key[:8]}…: {self.count}"


class CannedResponse(models.Model):
    shortcut = models.SlugField(_("shortcut"), max_length=40)
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"), max_length=2000)
    language = models.CharField(_("language"), max_length=10, blank=True)
    team = models.ForeignKey(
        "iam.Team",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("team"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["shortcut", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["shortcut", "language"], name="canned_shortcut_language_unique"
            )
        ]
        verbose_name = _("canned response")
        verbose_name_plural = _("canned responses")

    def __str__(self) -> str:
        return f"/{self.shortcut}"
