"""Live chat benchmark: concurrent chat sessions over WebSockets against the real server.

    python benchmarks/chat.py [--quick]

Starts `reservoir serve` (uvicorn workers, the real ASGI app) on a fresh SQLite data folder
with no REDIS_URL — the embedded default: in-memory channel layer shared across worker
processes over Unix datagrams. Creates chat agents (capacity 10 each) signed in on the chat
console socket; opens every visitor session through `POST /chat/api/sessions` and the
widget's socket; each visitor asks for a person, is assigned an agent, then sends
MESSAGES messages one INTERVAL apart (staggered starts); agents answer each one at once.
A receiver that misses a message for 2 s asks
for it again (the `sync` frame the widget and console send on a gap). Both ends live in this process, so a message's latency is the time from the sender's
`send` to the receiver's frame on one clock. Prints:

    chat_sessions          sessions that reached an agent and exchanged all messages
    chat_in_order          1 when every message arrived, in the order sent, in both
                           directions, with rising sequence numbers; else 0
    chat_latency_p50_ms    message latency (visitor→agent and agent→visitor), median
    chat_latency_p95_ms    the same, 95th percentile (target ≤ 200 ms)
    chat_messages          messages timed
    chat_resync_requests   sync/refresh frames the clients sent because an expected push had
                           not arrived within 2 s (pushes lost between server processes)
    chat_messages_per_s    messages stored and delivered per second during the exchange
    chat_server_cpu_ms_per_message   CPU time of all server processes per message, during
                           the exchange (every chat already with its agent)
    host_load_1m           the host's load: latencies on a busy host include waiting for a CPU

Never fails on time.
"""

from __future__ import annotations

import asyncio
import functools
import http.client
import json
import math
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import _http, _runner  # noqa: E402

TARGETS = {"chat_latency_p95_ms": ("<=", 200)}
SIZES = {
    # A brisk human chat: each visitor writes every 5 s and the agent answers each message at
    # once, so 200 sessions make ~80 messages a second (the quick run's 20 sessions: ~40).
    "full": {"sessions": 200, "messages": 10, "interval_s": 5.0},
    "quick": {"sessions": 20, "messages": 5, "interval_s": 1.0},
}
CAPACITY = 10
figure = functools.partial(_runner.figure, targets=TARGETS)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def make_agents(count: int) -> list[str]:
    """Chat agents, available with room for CAPACITY chats; returns their session cookies."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection

    from reservoir.contact_center.models import AgentChatState
    from reservoir.iam.enums import Role
    from reservoir.iam.models import User

    cookies = []
    for i in range(count):
        user = User.objects.create_user(f"agent{i}", password=None, role=Role.CONTACT_CENTER_AGENT)
        AgentChatState.objects.create(user=user, available=True, capacity=CAPACITY)
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.save()
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={store.session_key}")
    connection.close()  # SQLite: leave the file to the server
    return cookies


def start_session(port: int, i: int) -> str:
    conn = http.client.HTTPConnection(_http.HOST, port, timeout=60)
    body = json.dumps({"name": f"Visitor {i}", "email": f"visitor{i}@example.com"})
    conn.request(
        "POST",
        "/chat/api/sessions",
        body=body,
        headers={"Content-Type": "application/json", "Origin": "https://shop.example.org"},
    )
    response = conn.getresponse()
    payload = json.loads(response.read())
    conn.close()
    if response.status != 201:
        raise RuntimeError(f"session create answered {response.status}: {payload}")
    return str(payload["token"])


class Tally:
    """What both ends saw: latencies, order, recoveries and failures."""

    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.sent: dict[tuple[int, str, int], float] = {}  # (session, direction, n) -> t
        self.received: dict[tuple[int, str], dict[int, int]] = {}  # -> {n: seq}
        self.resyncs = 0  # sync/refresh frames sent because a push had not arrived
        self.errors: list[str] = []
        self.by_key: dict[tuple[str, int], list[float]] = {}

    def mark_sent(self, session: int, direction: str, n: int) -> None:
        self.sent[(session, direction, n)] = time.perf_counter()

    def mark_received(self, session: int, direction: str, n: int, seq: int) -> bool:
        """Record a message's arrival; False when it had arrived before (a resend)."""
        got = self.received.setdefault((session, direction), {})
        if n in got:
            return False
        at = time.perf_counter()
        started = self.sent.get((session, direction, n))
        if started is None:
            self.errors.append(f"unexpected {direction} message {n} in chat {session}")
            return False
        got[n] = seq
        ms = (at - started) * 1000
        self.latencies.append(ms)
        self.by_key.setdefault((direction, n), []).append(ms)
        return True

    def outstanding(self, direction: str, older_than_s: float) -> set[int]:
        """Sessions with a message in `direction` sent long ago and not received yet."""
        now = time.perf_counter()
        return {
            session
            for (session, d, n), at in list(self.sent.items())
            if d == direction
            and now - at > older_than_s
            and n not in self.received.get((session, d), {})
        }


class Seqs:
    """The sequence numbers one socket saw per chat, to ask for what a gap lost."""

    def __init__(self) -> None:
        self.seen: dict[int, set[int]] = {}

    def add(self, session: int, seq: int) -> None:
        self.seen.setdefault(session, set()).add(seq)

    def contiguous(self, session: int) -> int:
        seen, n = self.seen.get(session, set()), 0
        while n + 1 in seen:
            n += 1
        return n


async def agent_loop(
    ws: Any, tally: Tally, assigned: dict[int, asyncio.Event], seqs: Seqs, mine: set[int]
) -> None:
    async for raw in ws:
        frame = json.loads(raw)
        kind = frame["type"]
        if kind == "assigned":
            session = frame["chat"]["id"]
            mine.add(session)
            for m in frame["messages"]:
                seqs.add(session, m["seq"])
            assigned.setdefault(session, asyncio.Event()).set()
        elif kind == "chats":  # the answer to "refresh": chats whose assignment push was lost
            for chat in frame["chats"]:
                if chat["id"] not in mine:
                    mine.add(chat["id"])
                    assigned.setdefault(chat["id"], asyncio.Event()).set()
        elif kind == "message":
            session = frame["session"]
            seqs.add(session, frame["seq"])
            if frame["author"] != "visitor":
                continue
            data = json.loads(frame["body"])
            if not tally.mark_received(session, "in", data["n"], frame["seq"]):
                continue
            tally.mark_sent(session, "out", data["n"])
            reply = {"n": data["n"], "r": 1}
            await ws.send(
                json.dumps(
                    {
                        "type": "message",
                        "session": session,
                        "body": json.dumps(reply),
                        "client_id": f"a{session}-{data['n']}",
                    }
                )
            )
        elif kind == "error":
            tally.errors.append(f"agent error: {frame}")


async def visitor(  # noqa: PLR0917 - one call site, in this file
    uri: str,
    tally: Tally,
    assigned: dict[int, asyncio.Event],
    size: dict[str, Any],
    done: list[int],
    sockets: dict[int, tuple[Any, Seqs]],
    phase: Phase,
) -> None:

    try:
        await _visit(uri, tally, assigned, size, done, sockets, phase)
    except BaseException:
        phase.failed += 1
        phase.check(size["sessions"])
        raise


async def _visit(  # noqa: PLR0917 - one call site, in this file
    uri: str,
    tally: Tally,
    assigned: dict[int, asyncio.Event],
    size: dict[str, Any],
    done: list[int],
    sockets: dict[int, tuple[Any, Seqs]],
    phase: Phase,
) -> None:
    from websockets.asyncio.client import connect

    async with connect(uri, origin="https://shop.example.org", open_timeout=60) as ws:  # type: ignore[arg-type]
        hello = json.loads(await asyncio.wait_for(ws.recv(), timeout=60))
        session = hello["session"]
        seqs = Seqs()
        sockets[session] = (ws, seqs)
        for m in hello["messages"]:
            seqs.add(session, m["seq"])
        await ws.send(json.dumps({"type": "handover"}))
        phase.waiting.add(session)
        while True:
            frame = json.loads(await asyncio.wait_for(ws.recv(), timeout=120))
            if frame["type"] == "message":
                seqs.add(session, frame["seq"])
            if frame["type"] == "status" and frame["status"] == "active":
                phase.waiting.discard(session)
                break
            if frame["type"] == "status" and frame["status"] != "queued":
                tally.errors.append(f"chat {session} went {frame['status']}")
                return
        await asyncio.wait_for(assigned.setdefault(session, asyncio.Event()).wait(), timeout=120)
        phase.arrived += 1
        phase.check(size["sessions"])
        await asyncio.wait_for(phase.go.wait(), timeout=300)
        replies = 0

        async def read() -> None:
            nonlocal replies
            async for raw in ws:
                f = json.loads(raw)
                if f["type"] == "message":
                    seqs.add(session, f["seq"])
                    if f["author"] != "agent":
                        continue
                    n = json.loads(f["body"])["n"]
                    if tally.mark_received(session, "out", n, f["seq"]):
                        replies += 1
                    if replies == size["messages"]:
                        return
                elif f["type"] == "error":
                    tally.errors.append(f"visitor error: {f}")

        reader = asyncio.create_task(read())
        await asyncio.sleep(random.uniform(0, size["interval_s"]))  # noqa: S311 - stagger
        for n in range(size["messages"]):
            tally.mark_sent(session, "in", n)
            await ws.send(
                json.dumps(
                    {
                        "type": "message",
                        "body": json.dumps({"n": n}),
                        "client_id": f"v{session}-{n}",
                    }
                )
            )
            await asyncio.sleep(size["interval_s"])
        try:
            await asyncio.wait_for(reader, timeout=60)
        except TimeoutError:
            tally.errors.append(f"chat {session}: {size['messages'] - replies} replies never came")
            return
        done.append(session)


class Phase:
    """Every chat is with its agent: the message exchange (and its CPU count) starts."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.arrived = 0
        self.failed = 0
        self.waiting: set[int] = set()  # chats still waiting for their "active" status
        self.go = asyncio.Event()
        self.cpu_at_start = math.nan
        self.started = math.nan

    def check(self, sessions: int) -> None:
        if not self.go.is_set() and self.arrived + self.failed == sessions:
            self.start()

    def start(self) -> None:
        self.cpu_at_start = _http.cpu_seconds(self.pid)
        self.started = time.perf_counter()
        self.go.set()


async def resync(
    tally: Tally,
    sockets: dict[int, tuple[Any, Seqs]],
    agents: list[tuple[Any, Seqs, set[int]]],
    phase: Phase,
) -> None:
    """What the widget and the console do: ask again for messages not seen after a while."""
    while True:
        await asyncio.sleep(1.0)
        for session in list(phase.waiting):  # a lost status push: the widget's periodic sync
            if session in sockets:
                ws, seqs = sockets[session]
                await ws.send(json.dumps({"type": "sync", "after_seq": seqs.contiguous(session)}))
                tally.resyncs += 1
        if phase.waiting or not phase.go.is_set():  # a lost assignment push: the console's refresh
            for ws, _seqs, _mine in agents:
                await ws.send(json.dumps({"type": "refresh"}))
                tally.resyncs += 1
        for session in tally.outstanding("out", 2.0):
            if session in sockets:
                ws, seqs = sockets[session]
                await ws.send(json.dumps({"type": "sync", "after_seq": seqs.contiguous(session)}))
                tally.resyncs += 1
        for session in tally.outstanding("in", 2.0):
            for ws, seqs, mine in agents:
                if session in mine:
                    after = seqs.contiguous(session)
                    await ws.send(
                        json.dumps({"type": "sync", "session": session, "after_seq": after})
                    )
                    tally.resyncs += 1


async def exchange(
    port: int, pid: int, cookies: list[str], size: dict[str, Any]
) -> tuple[Tally, int, float, float]:
    from websockets.asyncio.client import connect

    tally = Tally()
    assigned: dict[int, asyncio.Event] = {}
    base = f"ws://{_http.HOST}:{port}"
    agents: list[tuple[Any, Seqs, set[int]]] = []
    tasks = []
    for cookie in cookies:
        ws = await connect(
            f"{base}/ws/chat/agent/",
            origin=f"http://{_http.HOST}:{port}",  # type: ignore[arg-type]
            additional_headers={"Cookie": cookie},
            open_timeout=60,
        )
        seqs, mine = Seqs(), set[int]()
        agents.append((ws, seqs, mine))
        tasks.append(asyncio.create_task(agent_loop(ws, tally, assigned, seqs, mine)))
    tokens = await asyncio.gather(
        *[asyncio.to_thread(start_session, port, i) for i in range(size["sessions"])]
    )
    done: list[int] = []
    sockets: dict[int, tuple[Any, Seqs]] = {}
    phase = Phase(pid)
    tasks.append(asyncio.create_task(resync(tally, sockets, agents, phase)))
    results = await asyncio.gather(
        *[
            visitor(
                f"{base}/ws/chat/visitor/?token={t}", tally, assigned, size, done, sockets, phase
            )
            for t in tokens
        ],
        return_exceptions=True,
    )
    elapsed = time.perf_counter() - phase.started
    cpu = _http.cpu_seconds(pid) - phase.cpu_at_start
    tally.errors += [f"visitor failed: {r!r}" for r in results if isinstance(r, BaseException)]
    for task in tasks:
        task.cancel()
    for ws, _seqs, _mine in agents:
        await ws.close()
    return tally, len(done), elapsed, cpu


def in_order(tally: Tally, size: dict[str, Any], sessions: int) -> bool:
    expected = list(range(size["messages"]))
    if len(tally.received) != 2 * sessions:
        return False
    for got in tally.received.values():
        seqs = [got.get(n, -1) for n in expected]  # the order the chat shows them in
        if sorted(got) != expected or seqs != sorted(seqs) or len(set(seqs)) != len(seqs):
            return False
    return True


def child(quick: bool) -> int:
    _runner.setup_django()
    from django.conf import settings

    size = SIZES["quick" if quick else "full"]
    cookies = make_agents(math.ceil(size["sessions"] / CAPACITY))
    env = dict(os.environ)
    # every simulated visitor starts from 127.0.0.1: lift the per-address start limit
    env["CHAT_SESSIONS_PER_IP"] = "0"
    env.setdefault("ACCESS_LOG", "0")
    env.setdefault("SERVER_LOG_LEVEL", "warning")
    with _http.server(env, Path(settings.DATA_DIR) / "server.log") as (port, pid):
        tally, sessions, elapsed, cpu = asyncio.run(exchange(port, pid, cookies, size))
    figure("chat_sessions", sessions, "sessions", 0)
    figure(
        "chat_in_order",
        int(in_order(tally, size, int(size["sessions"])) and not tally.errors),
        "",
        0,
    )
    figure("chat_latency_p50_ms", percentile(tally.latencies, 50), "ms", 1)
    figure("chat_latency_p95_ms", percentile(tally.latencies, 95), "ms", 1)
    figure("chat_latency_max_ms", max(tally.latencies, default=math.nan), "ms", 1)
    figure("chat_messages", len(tally.latencies), "messages", 0)
    figure("chat_resync_requests", tally.resyncs, "requests", 0)
    figure("chat_messages_per_s", len(tally.latencies) / elapsed if elapsed else 0, "msg/s", 1)
    # CPU of all server processes per message during the exchange (every chat assigned):
    # what the host's load cannot inflate, unlike the latencies.
    figure("chat_server_cpu_ms_per_message", cpu * 1000 / max(1, len(tally.latencies)), "ms", 2)
    figure("host_load_1m", os.getloadavg()[0], "load", 2)
    if os.environ.get("CHAT_BENCH_DETAIL"):
        for key in sorted(tally.by_key):
            print(
                "#",
                key,
                round(percentile(tally.by_key[key], 50), 1),
                round(max(tally.by_key[key]), 1),
            )
    for error in tally.errors[:10]:
        print(f"# error: {error}")
    return 1 if tally.errors else 0


def main() -> int:
    args = _runner.make_parser(__doc__ or "", child=True).parse_args()
    if args.child:
        return child(args.quick)
    return _runner.run_child(
        __file__, "sqlite", [], quick=args.quick, prefix="reservoir-bench-chat-", timeout=1200
    )


if __name__ == "__main__":
    sys.exit(main())
