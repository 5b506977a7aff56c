"""The serving model: HTTP through the WSGI bridge, group messages across processes."""

import asyncio
import io
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.http import HttpResponse, StreamingHttpResponse

from config.channel_layers import LocalBroadcastChannelLayer
from config.http_bridge import WSGIBridge, build_environ


def _scope(**extra):
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/api/v1/ä",
        "raw_path": b"/api/v1/%C3%A4",
        "query_string": b"a=1&b=2",
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", b"2"),
            (b"cookie", b"a=1"),
            (b"cookie", b"b=2"),
            (b"x-forwarded-for", b"10.0.0.1"),
        ],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8000),
        "scheme": "http",
        "http_version": "1.1",
    }
    scope.update(extra)
    return scope


def test_environ_carries_path_query_and_headers_when_built_from_a_scope():
    environ = build_environ(_scope(), io.BytesIO(b"{}"))

    assert environ["PATH_INFO"] == "/api/v1/%C3%A4"
    assert environ["QUERY_STRING"] == "a=1&b=2"
    assert (environ["CONTENT_TYPE"], environ["CONTENT_LENGTH"]) == ("application/json", "2")
    assert environ["HTTP_COOKIE"] == "a=1; b=2"
    assert environ["HTTP_X_FORWARDED_FOR"] == "10.0.0.1"
    assert (environ["REMOTE_ADDR"], environ["SERVER_PORT"]) == ("127.0.0.1", "8000")


def _call(bridge, scope, body_parts):
    sent = []
    parts = [
        {"type": "http.request", "body": part, "more_body": i < len(body_parts) - 1}
        for i, part in enumerate(body_parts)
    ]

    async def receive():
        return parts.pop(0)

    async def send(message):
        sent.append(message)

    asyncio.run(bridge(scope, receive, send))
    return sent


def test_buffered_response_is_sent_whole_when_the_view_returns_content():
    def app(environ, start_response):
        response = HttpResponse(environ["wsgi.input"].read(), status=201)
        start_response("201 Created", [("Content-Type", "application/json")])
        return response

    sent = _call(WSGIBridge(app, threads=2), _scope(), [b"{", b"}"])

    assert sent[0]["status"] == 201
    assert (b"content-type", b"application/json") in sent[0]["headers"]
    assert sent[1] == {"type": "http.response.body", "body": b"{}"}


def test_streamed_response_arrives_in_order_when_the_view_streams():
    chunks = [b"x" * 40_000, b"y" * 40_000, b"z"]

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/csv")])
        return StreamingHttpResponse(iter(chunks))

    sent = _call(WSGIBridge(app, threads=2), _scope(method="GET"), [b""])

    body = b"".join(m.get("body", b"") for m in sent[1:])
    assert body == b"".join(chunks)
    assert sent[-1].get("more_body", False) is False
    assert all(m.get("more_body") for m in sent[1:-1])


async def _deliver_between(tmp_path):
    listener = LocalBroadcastChannelLayer(directory=str(tmp_path))
    sender = LocalBroadcastChannelLayer(directory=str(tmp_path))
    channel = await listener.new_channel()
    await listener.group_add("party.7", channel)

    await sender.group_send("party.7", {"type": "timeline.changed", "interaction_ids": [42]})
    message = await asyncio.wait_for(listener.receive(channel), timeout=5)

    await listener.flush()
    return message


def test_group_message_reaches_another_layer_when_sent_through_the_folder(tmp_path):
    message = asyncio.run(_deliver_between(tmp_path))

    assert message == {"type": "timeline.changed", "interaction_ids": [42]}


async def _send_to_stale(tmp_path):
    import socket

    stale = tmp_path / "12345-dead.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(stale))
    sock.close()  # bound once, nobody listens: like a killed process
    layer = LocalBroadcastChannelLayer(directory=str(tmp_path))
    await layer.group_send("party.1", {"type": "timeline.changed"})
    return stale.exists()


def test_socket_of_a_dead_process_is_removed_when_a_message_is_sent(tmp_path):
    assert asyncio.run(_send_to_stale(tmp_path)) is False


def test_group_message_reaches_another_process_when_sent_from_a_script(tmp_path):
    script = textwrap.dedent(
        f"""
        import asyncio
        from config.channel_layers import LocalBroadcastChannelLayer
        layer = LocalBroadcastChannelLayer(directory={str(tmp_path)!r})
        asyncio.run(layer.group_send("party.9", {{"type": "timeline.changed", "n": 1}}))
        """
    )

    async def listen():
        layer = LocalBroadcastChannelLayer(directory=str(tmp_path))
        channel = await layer.new_channel()
        await layer.group_add("party.9", channel)
        root = Path(__file__).resolve().parents[1]
        env = dict(os.environ, PYTHONPATH=str(root))
        proc = await asyncio.create_subprocess_exec(sys.executable, "-c", script, env=env)
        assert await proc.wait() == 0
        message = await asyncio.wait_for(layer.receive(channel), timeout=10)
        await layer.flush()
        return message

    assert asyncio.run(listen()) == {"type": "timeline.changed", "n": 1}


@pytest.mark.parametrize("value", [object(), b"bytes"])
def test_message_that_is_not_json_stays_in_process_when_sent(tmp_path, value):
    async def send():
        listener = LocalBroadcastChannelLayer(directory=str(tmp_path))
        channel = await listener.new_channel()
        await listener.group_add("g", channel)
        await listener.group_send("g", {"type": "x", "value": value})
        message = await asyncio.wait_for(listener.receive(channel), timeout=5)
        await listener.flush()
        return message["type"]

    assert asyncio.run(send()) == "x"


def test_serve_help_names_the_workers_option():
    out = subprocess.run(
        [sys.executable, "-m", "reservoir.cli", "serve", "--help"],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    ).stdout

    assert "--workers" in json.dumps(out)
