"""Arranging cases, files and orders for portal tests."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from reservoir.sales.tests.factories import OrderFactory, OrderLineFactory
from reservoir.support import services as support_services
from reservoir.support.models import Case

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def pdf(name: str = "invoice.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def case_for(account, subject: str = "Kettle leaks", *, files=()) -> Case:
    return support_services.open_case(
        party=account.party,
        subject=subject,
        body="Water everywhere.",
        type="problem",
        channel="portal",
        by=None,
        attachments=list(files),
    )


def order_for(account, number: str):
    order = OrderFactory(party=account.party, number=number)
    OrderLineFactory(order=order)
    return order
