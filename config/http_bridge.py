"""Serve plain HTTP through Django's WSGI handler inside the ASGI server, one thread hop each.

Why not Django's ASGI handler: with our sync views and middleware it hops between the event
loop and a thread for every middleware (MiddlewareMixin's async path runs process_request and
process_response through sync_to_async), and runs every request on one shared thread. That
cost 3-4 ms of CPU per request here (identify-by-phone: 6.8 ms under ASGI, 2.7 ms under
WSGI). Why not an existing adapter (asgiref's WsgiToAsgi, a2wsgi): they either run every
request on a single thread or lose asgiref's thread-local loop, so `async_to_sync` inside a
view (the real-time push after commit) would start a new event loop instead of handing its
message to the server's loop, where the WebSocket consumers wait.

So each request runs, start to finish (middleware, view, request_finished and its database
connection housekeeping), in one call on a thread pool via `sync_to_async(thread_sensitive=
False)`. Buffered responses come back as bytes; streamed ones (static files, exports) are
sent chunk by chunk from that thread with back-pressure. Bodies are spooled to disk past
FILE_UPLOAD_MAX_MEMORY_SIZE, as Django's ASGI handler does.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import tempfile
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import IO, Any

from asgiref.sync import sync_to_async
from django.conf import settings

logger = logging.getLogger(__name__)

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

STREAM_CHUNK = 64 * 1024


class _Disconnected(Exception):
    """The client went away before the request body was complete."""


class WSGIBridge:
    """An ASGI application for `http` scopes that runs a WSGI application on a thread pool."""

    def __init__(self, wsgi_app: WSGIApp, *, threads: int) -> None:
        self.wsgi_app = wsgi_app
        self.executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="http")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            body = await _read_body(receive)
        except _Disconnected:
            return
        loop = asyncio.get_running_loop()
        try:
            run = sync_to_async(self._run, thread_sensitive=False, executor=self.executor)
            reply = await run(scope, body, send, loop)
        finally:
            body.close()
        if reply is not None:  # a buffered response: send it from the loop, no extra hop
            start, content = reply
            await send(start)
            await send({"type": "http.response.body", "body": content})

    def _run(
        self, scope: Scope, body: IO[bytes], send: Send, loop: asyncio.AbstractEventLoop
    ) -> tuple[Message, bytes] | None:
        """Run one request in this thread; return a buffered response, or stream it here."""
        started: list[Message] = []

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            started[:] = [
                {
                    "type": "http.response.start",
                    "status": int(status.split(" ", 1)[0]),
                    "headers": [
                        (k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers
                    ],
                }
            ]
            return lambda data: None  # the legacy write() callable; Django never uses it

        response = self.wsgi_app(build_environ(scope, body), start_response)
        try:
            if not getattr(response, "streaming", True):
                return started[0], b"".join(response)

            def push(message: Message) -> None:
                async def forward() -> None:
                    await send(message)

                asyncio.run_coroutine_threadsafe(forward(), loop).result()

            push(started[0])
            pending: list[bytes] = []
            size = 0
            for chunk in response:
                pending.append(chunk)
                size += len(chunk)
                if size >= STREAM_CHUNK:
                    push(
                        {"type": "http.response.body", "body": b"".join(pending), "more_body": True}
                    )
                    pending, size = [], 0
            push({"type": "http.response.body", "body": b"".join(pending)})
            return None
        finally:
            close = getattr(response, "close", None)
            if close is not None:
                close()  # request_finished: database connection housekeeping, in this thread


async def _read_body(receive: Receive) -> IO[bytes]:
    body = tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE)  # noqa: SIM115
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            body.close()
            raise _Disconnected
        body.write(message.get("body", b""))
        if not message.get("more_body", False):
            break
    body.seek(0)
    return body


def build_environ(scope: Scope, body: IO[bytes]) -> dict[str, Any]:
    """Return the WSGI environ (PEP 3333) for an ASGI http scope."""
    path = scope.get("raw_path")
    script_name = scope.get("root_path", "")
    if path:
        path_info = path.split(b"?", 1)[0].decode("latin-1")
    else:
        path_info = scope["path"].encode("utf-8").decode("latin-1")
    if script_name and path_info.startswith(script_name):
        path_info = path_info[len(script_name) :]
    server = scope.get("server") or ("localhost", 80)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": script_name.encode("utf-8").decode("latin-1"),
        "PATH_INFO": path_info,
        "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "SERVER_NAME": str(server[0]),
        "SERVER_PORT": str(server[1] or 80),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": body,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    client = scope.get("client")
    if client:
        environ["REMOTE_ADDR"] = str(client[0])
        environ["REMOTE_PORT"] = str(client[1])
    for raw_name, raw_value in scope.get("headers", []):
        name = raw_name.decode("latin-1").upper().replace("-", "_")
        value = raw_value.decode("latin-1")
        key = name if name in {"CONTENT_LENGTH", "CONTENT_TYPE"} else f"HTTP_{name}"
        if key in environ:  # repeated header: join as HTTP says (cookies with "; ")
            value = f"{environ[key]}{'; ' if key == 'HTTP_COOKIE' else ','}{value}"
        environ[key] = value
    return environ
