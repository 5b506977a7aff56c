"""Service e-mail: inbound mail becomes or threads into cases; agents' replies go out by SMTP.

- `parsing`: one RFC 5322 message → `ParsedEmail` (stdlib `email`, policy.default).
- `inbound.receive_email(raw)`: threads by In-Reply-To/References, then by the case tag in the
  subject; otherwise opens a case for the sender (identified, or a provisional party).
- `outbound`: public agent replies on e-mail cases and survey invitations, with Message-ID,
  In-Reply-To and References so the customer's mail client threads them.
- `gateway`: an SMTP server (aiosmtpd) for the support address; `imap`: a mailbox fetcher.
"""
