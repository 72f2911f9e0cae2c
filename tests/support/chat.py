"""A clinician's side of the chat, for end-to-end tests: say things, press buttons, read replies.

It only speaks the Bot API through the fake server: it sends updates and reads what the bot
sent. Because one user's updates are handled in order, waiting for the expected number of
replies before the next step keeps every exchange deterministic.
"""

from __future__ import annotations

from typing import Any

from tests.support.fake_telegram import ApiCall, FakeTelegram, buttons

HELP_MARKER = "\n/help — "  # a line of /help's command list, in every language


class Chat:
    def __init__(self, telegram: FakeTelegram, user_id: int, language: str = "en",
                 first_name: str = "Olena") -> None:
        self.telegram = telegram
        self.user = telegram.user(user_id, first_name=first_name, language_code=language)
        self.id = user_id
        self.seen = len(telegram.sent(user_id))

    @property
    def messages(self) -> list[ApiCall]:
        return self.telegram.sent(self.id)

    @property
    def last(self) -> ApiCall:
        return self.messages[-1]

    def text(self) -> str:
        text: str = self.last.params["text"]
        return text

    async def _replies(self, expect: int) -> list[ApiCall]:
        await self.telegram.wait_for_sent(self.id, self.seen + expect)
        new = self.messages[self.seen:]
        self.seen = len(self.messages)
        return new

    async def say(self, text: str, expect: int = 1, **fields: Any) -> list[ApiCall]:
        self.user.send_text(text, **fields)
        return await self._replies(expect)

    async def send(self, expect: int = 1, **fields: Any) -> list[ApiCall]:
        self.user.send(**fields)
        return await self._replies(expect)

    async def settle(self) -> list[ApiCall]:
        """The messages the bot sent this chat since the last replies read, once it has
        finished with everything this user sent so far: proof that nothing else is coming.

        One user's updates are handled in order, so once the answer to a /help sent now has
        arrived, nothing earlier can still be on its way. That answer is left out."""
        start = len(self.messages)
        self.user.send_text("/help")

        def marker() -> ApiCall | None:
            return next((call for call in self.messages[start:]
                         if HELP_MARKER in call.params.get("text", "")), None)

        await self.telegram.wait_until(lambda: marker() is not None,
                                       what=f"the answer to /help in chat {self.id}")
        answer = marker()
        new = [call for call in self.messages[self.seen:] if call is not answer]
        self.seen = len(self.messages)
        return new

    def button(self, label: str, on: ApiCall | None = None) -> str:
        """The callback data of the button whose label contains `label`."""
        message = on or self.last
        found = [data for text, data in buttons(message) if label in text]
        assert found, f"no button {label!r} in {[text for text, _ in buttons(message)]}"
        return found[0]

    def labels(self, on: ApiCall | None = None) -> list[str]:
        return [text for text, _ in buttons(on or self.last)]

    async def press(self, label: str, on: ApiCall | None = None,
                    expect: int = 1) -> list[ApiCall]:
        message = on or self.last
        return await self.press_data(self.button(label, message), message, expect)

    async def press_data(self, data: str, on: ApiCall | None = None,
                         expect: int = 1) -> list[ApiCall]:
        """Press a button with this callback data; return the new messages. With expect=0,
        wait for the press to be answered instead."""
        update = self.user.press(data, on.result if on is not None else None)
        query_id = update["callback_query"]["id"]
        await self.telegram.wait_until(lambda: self.answer_to(query_id) is not None,
                                       what=f"an answer to button {data!r}")
        self.last_answer = self.answer_to(query_id)
        return await self._replies(expect)

    def answer_to(self, query_id: str) -> dict[str, Any] | None:
        for call in self.telegram.calls_to("answerCallbackQuery"):
            if str(call.params.get("callback_query_id")) == query_id:
                return call.params
        return None

    @property
    def alert(self) -> str | None:
        """The text shown for the last button pressed, if any."""
        assert self.last_answer is not None  # press_data waited for the answer
        text: str | None = self.last_answer.get("text")
        return text
