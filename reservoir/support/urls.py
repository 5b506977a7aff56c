"""Service pages (the agent desk), mounted at /service/."""

from django.urls import URLPattern, URLResolver, path

from reservoir.support.views import case, inbox, reports, setup

app_name = "support"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", inbox.inbox, name="inbox"),
    path("cases/new/", inbox.case_new, name="case_new"),
    path("customers/", inbox.customer_options, name="customer_options"),
    path("kb-picker/", case.kb_picker, name="kb_picker"),
    path("cases/<int:case_id>/", case.case_detail, name="case_detail"),
    path("cases/<int:case_id>/thread/", case.case_thread, name="case_thread"),
    path("cases/<int:case_id>/reply/", case.case_reply, name="case_reply"),
    path("cases/<int:case_id>/status/", case.case_status, name="case_status"),
    path("cases/<int:case_id>/resolve/", case.case_resolve, name="case_resolve"),
    path("cases/<int:case_id>/assign/", case.case_assign, name="case_assign"),
    path("cases/<int:case_id>/take/", case.case_take, name="case_take"),
    path("cases/<int:case_id>/merge/", case.case_merge, name="case_merge"),
    path("cases/<int:case_id>/recovery/", case.recovery_start, name="recovery_start"),
    path(
        "cases/<int:case_id>/recovery/<int:action_id>/done/",
        case.recovery_complete,
        name="recovery_complete",
    ),
    path("files/<int:attachment_id>/", case.attachment_download, name="attachment_download"),
    path("reports/", reports.report_page, name="reports"),
    path("sla/", setup.sla_list, name="sla_list"),
    path("sla/new/", setup.sla_edit, name="sla_create"),
    path("sla/<int:policy_id>/", setup.sla_edit, name="sla_edit"),
    path("agents/", setup.agent_list, name="agent_list"),
    path("agents/new/", setup.agent_edit, name="agent_create"),
    path("agents/<int:profile_id>/", setup.agent_edit, name="agent_edit"),
]
