"""Staff form: record a consent the customer gave or withdrew outside the portal."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from reservoir.consent.enums import ConsentChannel, ConsentPurpose, ConsentStatus


class StaffConsentForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=ConsentChannel.choices)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ConsentPurpose.choices)
    status = forms.ChoiceField(label=_("Decision"), choices=ConsentStatus.choices)
    evidence = forms.CharField(
        label=_("Evidence"),
        max_length=2000,
        help_text=_("How the customer told us, e.g. “on the phone, call of 3 May”."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
