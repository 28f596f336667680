"""A phone dialling the USSD code, by Africa's Talking's protocol, through the real view."""

from __future__ import annotations

import itertools

from django.test import Client

_sessions = itertools.count(1)


class Dial:
    """One USSD session: ``send`` adds an input and returns the screen (without CON/END)."""

    def __init__(self, client: Client, phone: str, session_id: str | None = None) -> None:
        self.client = client
        self.phone = phone
        self.session_id = session_id or f"ATUid_test_{next(_sessions)}"
        self.inputs: list[str] = []
        self.reply = self._post("")

    @property
    def text(self) -> str:
        return "*".join(self.inputs)

    def _post(self, text: str) -> str:
        response = self.client.post(
            "/channels/ussd/",
            {
                "sessionId": self.session_id,
                "serviceCode": "*384*7#",
                "phoneNumber": self.phone,
                "networkCode": "63902",
                "text": text,
            },
        )
        assert response.status_code == 200, response.content
        assert response["Content-Type"].startswith("text/plain")
        body = response.content.decode()
        assert body.startswith(("CON ", "END ")), body
        assert len(body) <= 182, (len(body), body)
        return body

    def send(self, *values: str) -> str:
        for value in values:
            self.inputs.append(value)
            self.reply = self._post(self.text)
        return self.reply

    @property
    def ended(self) -> bool:
        return self.reply.startswith("END ")

    def option(self, label: str) -> str:
        """The number in front of the choice whose label contains ``label``."""
        for line in self.reply[4:].splitlines():
            number, _space, rest = line.partition(" ")
            if label in rest and number.isdigit():
                return number
        raise AssertionError(f"no choice {label!r} in {self.reply!r}")
