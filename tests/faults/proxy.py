"""A loopback proxy between a desk and the embedded exchange that misbehaves on purpose.

Two kinds of port, both real sockets:

- `HttpProxy` in front of the exchange's REST port (which also serves the retail
  WebSockets). It reads each HTTP/1.1 request with h11 and, per request, as its `Rules`
  say: passes it on; loses the answer (the request reaches the exchange and is handled,
  then the connection is cut, or held open unanswered, so the answer never comes back);
  delays the answer; or refuses it (a 503 from the proxy: the exchange never saw it).
  A WebSocket upgrade is passed on and the socket is then piped byte for byte, as a
  stream the test can cut.
- `TcpProxy` in front of the gRPC port: HTTP/2 piped byte for byte; cutting a connection
  breaks every gRPC stream on it at once, as a network fault would.

Piped streams can also freeze: the connection stays open and nothing more reaches the
desk. Both can go dark (`outage`): every connection cut and the port closed, so a connect is
refused, until the port opens again.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field

import h11

Decide = Callable[[str, str], bool]  # (method, path) -> do the rules apply to it?
CHUNK = 65536


def commands_only(method: str, path: str) -> bool:
    """Every request but the WebSocket upgrades (GETs of /v1/ws/..., the CLOB's /ws/...)."""
    return not path.startswith(("/v1/ws/", "/ws/"))


@dataclass
class Rules:
    """What happens to each request the rules apply to: fractions, drawn per request."""

    lose: float = 0.0  # the request reaches the exchange; its answer never comes back
    delay: float = 0.0  # the answer comes back `delay_s` late
    refuse: float = 0.0  # answered 503 by the proxy; the exchange never sees it
    delay_s: float = 0.3
    hang: bool = False  # a lost answer: hold the connection open (True) or cut it
    applies: Decide = commands_only
    seed: int = 1
    rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def draw(self, method: str, path: str) -> str:
        if not self.applies(method, path):
            return ""
        roll = self.rng.random()
        for fault, share in (("lose", self.lose), ("refuse", self.refuse),
                             ("delay", self.delay)):
            if roll < share:
                return fault
            roll -= share
        return ""


@dataclass
class Counts:
    requests: int = 0
    lost: int = 0
    refused: int = 0
    delayed: int = 0
    cuts: int = 0  # connections (streams) cut by the test
    outages: int = 0
    lost_paths: dict[str, int] = field(default_factory=dict)


@dataclass(eq=False)
class Pipe:
    """A piped connection (a WebSocket, or a gRPC channel's TCP connection)."""

    label: str  # the WebSocket's path, or "grpc"
    ends: tuple[asyncio.StreamWriter, asyncio.StreamWriter]
    # cleared: nothing more reaches the desk, though the connection stays open (a frozen
    # feed, not a broken one)
    flowing: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        self.flowing.set()

    def cut(self) -> None:
        self.flowing.set()  # a frozen copy goes on to find its connection gone
        for end in self.ends:
            end.transport.abort()


class _Port:
    """A listening loopback port in front of `target`, that can go dark and come back."""

    def __init__(self, target: tuple[str, int], host: str = "127.0.0.1") -> None:
        self.target = target
        self.host = host
        self.port = 0
        self.counts = Counts()
        self.pipes: set[Pipe] = set()
        self._writers: set[asyncio.StreamWriter] = set()
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, self.host, self.port,
                                                  reuse_address=True)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        self._close_port()
        self.cut_all()

    def _close_port(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None

    def cut_all(self) -> int:
        """Every connection through this port, cut."""
        writers = list(self._writers)
        for pipe in self.pipes:
            pipe.flowing.set()
        for writer in writers:
            writer.transport.abort()
        self.pipes.clear()
        return len(writers)

    def cut(self, label: str | None = None, rng: random.Random | None = None) -> int:
        """Cut the piped streams with this label (all, or one picked by `rng`)."""
        pipes = [p for p in self.pipes if label is None or p.label == label]
        if rng is not None and pipes:
            pipes = [rng.choice(sorted(pipes, key=id))]
        for pipe in pipes:
            pipe.cut()
            self.pipes.discard(pipe)
        self.counts.cuts += len(pipes)
        return len(pipes)

    def freeze(self, frozen: bool = True) -> int:
        """Hold (or let go) everything the exchange sends on the piped streams."""
        for pipe in self.pipes:
            if frozen:
                pipe.flowing.clear()
            else:
                pipe.flowing.set()
        return len(self.pipes)

    async def outage(self, seconds: float) -> None:
        """The exchange unreachable: everything cut, connects refused, then back."""
        self.counts.outages += 1
        self._close_port()
        self.cut_all()
        await asyncio.sleep(seconds)
        await self.start()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
                      ) -> None:
        self._writers.add(writer)
        upstream: asyncio.StreamWriter | None = None
        try:
            up_reader, upstream = await asyncio.open_connection(*self.target)
            self._writers.add(upstream)
            await self._serve(reader, writer, up_reader, upstream)
        except (OSError, asyncio.IncompleteReadError, h11.ProtocolError):
            pass  # a cut connection, from either side: the point of the exercise
        finally:
            for end in (writer, upstream):
                if end is not None:
                    self._writers.discard(end)
                    end.transport.abort()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                     up_reader: asyncio.StreamReader, upstream: asyncio.StreamWriter) -> None:
        raise NotImplementedError

    async def _pipe(self, label: str, reader: asyncio.StreamReader,
                    writer: asyncio.StreamWriter, up_reader: asyncio.StreamReader,
                    upstream: asyncio.StreamWriter) -> None:
        """Bytes both ways until either side ends or the test cuts it."""
        pipe = Pipe(label, (writer, upstream))
        self.pipes.add(pipe)
        try:
            await asyncio.gather(_copy(reader, upstream),
                                 _copy(up_reader, writer, pipe.flowing))
        finally:
            self.pipes.discard(pipe)


async def _copy(source: asyncio.StreamReader, sink: asyncio.StreamWriter,
                flowing: asyncio.Event | None = None) -> None:
    try:
        while data := await source.read(CHUNK):
            if flowing is not None:
                await flowing.wait()
            if sink.is_closing():
                return  # cut: the bytes go nowhere, as on a broken link
            sink.write(data)
            await sink.drain()
    finally:
        sink.transport.abort()


class TcpProxy(_Port):
    """Bytes both ways (a gRPC channel's HTTP/2 connection)."""

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                     up_reader: asyncio.StreamReader, upstream: asyncio.StreamWriter) -> None:
        await self._pipe("grpc", reader, writer, up_reader, upstream)


class HttpProxy(_Port):
    """HTTP/1.1 request by request, each as the rules say; WebSockets piped."""

    def __init__(self, target: tuple[str, int], rules: Rules | None = None) -> None:
        super().__init__(target)
        self.rules = rules or Rules()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                     up_reader: asyncio.StreamReader, upstream: asyncio.StreamWriter) -> None:
        down, up = h11.Connection(h11.SERVER), h11.Connection(h11.CLIENT)
        while True:
            request = await _next(down, reader)
            if not isinstance(request, h11.Request):
                return  # the client closed its connection
            body = await _body(down, reader)
            method, path = request.method.decode(), request.target.decode().split("?")[0]
            fault = self.rules.draw(method, path)
            self.counts.requests += 1
            if fault == "refuse":
                self.counts.refused += 1
                writer.write(_answer(down, 503, b'{"message":"refused by the fault proxy"}'))
            else:
                sent = up.send(request) + (up.send(h11.Data(body)) if body else b"")
                upstream.write(sent + up.send(h11.EndOfMessage()))
                response = await _next(up, up_reader)
                if (isinstance(response, h11.InformationalResponse)
                        and response.status_code == 101):
                    writer.write(down.send(response))
                    await writer.drain()
                    reader_rest, up_rest = down.trailing_data[0], up.trailing_data[0]
                    if reader_rest:
                        upstream.write(reader_rest)
                    if up_rest:
                        writer.write(up_rest)
                    await self._pipe(path, reader, writer, up_reader, upstream)
                    return
                if not isinstance(response, h11.Response):
                    return
                answer = down.send(response) + b"".join(
                    down.send(part) for part in await _parts(up, up_reader))
                if fault == "lose":
                    self.counts.lost += 1
                    self.counts.lost_paths[path] = self.counts.lost_paths.get(path, 0) + 1
                    if self.rules.hang:
                        await reader.read()  # until the client gives up
                    return  # handled at the exchange; the answer goes nowhere
                if fault == "delay":
                    self.counts.delayed += 1
                    await asyncio.sleep(self.rules.delay_s)
                writer.write(answer)
            await writer.drain()
            if down.our_state is h11.MUST_CLOSE or up.our_state is h11.MUST_CLOSE:
                return
            down.start_next_cycle()
            if up.our_state is h11.DONE:  # a refused request never went upstream
                up.start_next_cycle()


async def _next(conn: h11.Connection, reader: asyncio.StreamReader) -> object:
    while True:
        event = conn.next_event()
        if event is not h11.NEED_DATA:
            return event
        conn.receive_data(await reader.read(CHUNK))


async def _body(conn: h11.Connection, reader: asyncio.StreamReader) -> bytes:
    """The rest of a request: its body (up to EndOfMessage)."""
    data = bytearray()
    while True:
        event = await _next(conn, reader)
        if isinstance(event, h11.Data):
            data += event.data
        elif isinstance(event, h11.EndOfMessage) or event is h11.PAUSED:
            return bytes(data)
        else:
            raise h11.LocalProtocolError(f"unexpected {event!r}")


async def _parts(conn: h11.Connection, reader: asyncio.StreamReader) -> list[object]:
    """The rest of a response, as h11 events to send on (Data..., EndOfMessage)."""
    parts: list[object] = []
    while True:
        event = await _next(conn, reader)
        if isinstance(event, h11.Data):
            parts.append(h11.Data(bytes(event.data)))
        elif isinstance(event, h11.EndOfMessage):
            parts.append(h11.EndOfMessage())
            return parts
        else:
            raise h11.LocalProtocolError(f"unexpected {event!r}")


def _answer(conn: h11.Connection, status: int, body: bytes) -> bytes:
    headers = [("content-type", "application/json"), ("content-length", str(len(body)))]
    return (conn.send(h11.Response(status_code=status, headers=headers))
            + conn.send(h11.Data(body)) + conn.send(h11.EndOfMessage()))


@dataclass
class ExchangeLink:
    """The desk's whole link to one exchange: REST (and retail sockets), and gRPC."""

    http: HttpProxy
    grpc: TcpProxy

    @classmethod
    async def open(cls, rest: tuple[str, int], grpc: tuple[str, int],
                   rules: Rules | None = None) -> ExchangeLink:
        link = cls(HttpProxy(rest, rules), TcpProxy(grpc))
        await link.http.start()
        await link.grpc.start()
        return link

    @property
    def rest_url(self) -> str:
        return self.http.url

    @property
    def grpc_target(self) -> str:
        return f"{self.grpc.host}:{self.grpc.port}"

    async def outage(self, seconds: float) -> None:
        await asyncio.gather(self.http.outage(seconds), self.grpc.outage(seconds))

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.http.stop()
        with contextlib.suppress(Exception):
            await self.grpc.stop()
