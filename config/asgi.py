"""ASGI entry point: HTTP through Django's WSGI handler on a thread pool, WebSockets through
Channels (live timelines).

HTTP goes through `config.http_bridge.WSGIBridge` rather than Django's ASGI handler: our views
and middleware are synchronous, and the ASGI handler's per-middleware thread hops cost more
CPU than the requests themselves (see that module). `HTTP_THREADS` sizes the thread pool.
"""

import os
from typing import Any

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
get_asgi_application()  # django.setup(), as Channels requires before importing consumers

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

from config.http_bridge import WSGIBridge  # noqa: E402
from reservoir.contact_center.routing import with_chat  # noqa: E402
from reservoir.realtime.routing import websocket_urlpatterns  # noqa: E402

http = WSGIBridge(get_wsgi_application(), threads=int(os.environ.get("HTTP_THREADS", "8")))


async def lifespan(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Answer the server's startup and shutdown (uvicorn sends them; daphne does not)."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            http.executor.shutdown(wait=False, cancel_futures=True)
            await send({"type": "lifespan.shutdown.complete"})
            return


application = ProtocolTypeRouter(
    {
        "http": http,
        "lifespan": lifespan,
        "websocket": with_chat(
            AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))
        ),
    }
)
