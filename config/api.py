"""The REST API (django-ninja): mounts every app's router under /api/v1."""

from reservoir.analytics.api import router as analytics_router
from reservoir.automation.api import router as automation_router
from reservoir.calendars.api import router as calendars_router
from reservoir.consent.api import router as consent_router
from reservoir.contact_center.api import router as contact_center_router
from reservoir.core.api import (
    BearerTokenAuth,
    ProblemAPI,
    SessionAuth,
    StrictParser,
)
from reservoir.decisions.api import router as decisions_router
from reservoir.iam.api import router as iam_router
from reservoir.iam.services import authenticate_token
from reservoir.parties.api import router as parties_router
from reservoir.portal.api import router as portal_router
from reservoir.resolution.api import router as resolution_router
from reservoir.sales.api import customer_router as customer_360_router
from reservoir.sales.api import router as sales_router
from reservoir.support.api import router as support_router
from reservoir.support.knowledge.api import router as knowledge_router
from reservoir.timeline.api import router as timeline_router
from reservoir.todos.api import router as todos_router

api = ProblemAPI(
    title="Reservoir API",
    version="1",
    description=(
        "Authenticate with the staff session (send X-CSRFToken on writes) or a personal "
        "token: `Authorization: Bearer rsv_…`. Errors are RFC 9457 problem+json. Lists are "
        "cursor-paginated: pass `next_cursor` back as `cursor`."
    ),
    urls_namespace="api",
    auth=[BearerTokenAuth(authenticate_token), SessionAuth()],
    parser=StrictParser(),
)

api.add_router("/v1/", iam_router, tags=["iam"])
api.add_router("/v1/", parties_router, tags=["parties"])
api.add_router("/v1/", customer_360_router, tags=["parties"])
api.add_router("/v1/", timeline_router, tags=["timeline"])
api.add_router("/v1/", sales_router, tags=["sales"])
api.add_router("/v1/", resolution_router, tags=["resolution"])
api.add_router("/v1/", decisions_router, tags=["decisions"])
api.add_router("/v1/", automation_router, tags=["automation"])
api.add_router("/v1/", todos_router, tags=["tasks"])
api.add_router("/v1/", calendars_router, tags=["calendars"])
api.add_router("/v1/", support_router, tags=["service"])
api.add_router("/v1/", knowledge_router, tags=["knowledge"])
api.add_router("/v1/", contact_center_router, tags=["chat"])
api.add_router("/v1/", portal_router, tags=["portal"])
api.add_router("/v1/", analytics_router, tags=["analytics"])
api.add_router("/v1/", consent_router, tags=["consent"])
