"""A real SMTP server for the tests (aiosmtpd on loopback) that can refuse, fail for good or drop the line."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections import Counter
from dataclasses import dataclass, field
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: object  # email.message.EmailMessage
    connection: int

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])


@dataclass
class SmtpServer:
    """What reached the server, and how it should answer each message.

    `answer(number, envelope)` returns None to accept the `number`-th DATA (1-based, every attempt counted),
    "451 ..." / "550 ..." to refuse it, or "drop" to close the connection without an answer.
    """

    answer: object = None
    accepted: list[Received] = field(default_factory=list)
    attempts: int = 0
    connections: int = 0
    hold: threading.Event | None = None  # while set to an unset Event, the next DATA waits for it
    holding: threading.Event = field(default_factory=threading.Event)
    port: int = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if not getattr(session, "counted", False):
            session.counted = True
            self.connections += 1
            session.number = self.connections
        return responses

    async def handle_HELO(self, server, session, envelope, hostname):
        session.host_name = hostname
        return f"250 {server.hostname}"

    async def handle_DATA(self, server, session, envelope):
        self.attempts += 1
        number = self.attempts
        if self.hold is not None:
            self.holding.set()
            while not self.hold.is_set():
                await asyncio.sleep(0.02)
            return "451 4.3.0 held, try again later"
        verdict = self.answer(number, envelope) if self.answer else None
        if verdict == "drop":
            server.transport.close()
            return "421 closing"
        if verdict:
            return verdict
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        self.accepted.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), message, getattr(session, "number", 0))
        )
        return "250 OK"

    def recipients(self) -> Counter:
        return Counter(to for received in self.accepted for to in received.rcpt_tos)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(handler: SmtpServer) -> Controller:
    handler.port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
    controller.start()
    return controller
