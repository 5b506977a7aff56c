"""`reservoir manage support_mail smtpd|fetch`: run the support SMTP gateway or fetch IMAP once."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Receive service e-mail: an SMTP gateway for the support address, or one IMAP fetch."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=("smtpd", "fetch"))
        parser.add_argument("--host", default=settings.SUPPORT_SMTPD_HOST)
        parser.add_argument("--port", type=int, default=settings.SUPPORT_SMTPD_PORT)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "fetch":
            from reservoir.support.mail.imap import fetch_mailbox

            if not settings.SUPPORT_IMAP_HOST:
                self.stderr.write("Set SUPPORT_IMAP_HOST (and _USER, _PASSWORD) first.")
                return
            self.stdout.write(f"{fetch_mailbox()} message(s) stored.")
            return
        from reservoir.support.mail.gateway import controller

        server = controller(options["host"], options["port"])
        server.start()
        self.stdout.write(
            f"Accepting mail for {settings.SUPPORT_EMAIL_ADDRESS} on "
            f"{options['host']}:{options['port']} (Ctrl-C stops)."
        )
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_a: stop.set())
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
        finally:
            server.stop()
