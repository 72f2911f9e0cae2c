"""The update processor keeps one user's updates in order and runs users in parallel."""

from __future__ import annotations

import asyncio

from telegram import Chat, Message, Update, User

from bot.runtime.ordering import PerUserUpdateProcessor


def update_from(user_id: int, update_id: int) -> Update:
    user = User(user_id, "U", False)
    message = Message(update_id, None, Chat(user_id, "private"), from_user=user)  # type: ignore[arg-type]
    return Update(update_id, message=message)


async def test_same_user_in_order_other_users_in_parallel() -> None:
    processor = PerUserUpdateProcessor(64)
    log: list[tuple[str, int, int]] = []
    running = {"now": 0, "max": 0}

    async def work(user_id: int, n: int, delay: float) -> None:
        running["now"] += 1
        running["max"] = max(running["max"], running["now"])
        log.append(("start", user_id, n))
        await asyncio.sleep(delay)
        log.append(("end", user_id, n))
        running["now"] -= 1

    tasks = []
    for n in range(5):
        for user_id in (1, 2, 3):
            delay = 0.02 if n % 2 == 0 else 0.001  # later updates would overtake if allowed
            tasks.append(asyncio.create_task(processor.process_update(
                update_from(user_id, n * 10 + user_id), work(user_id, n, delay))))
    await asyncio.gather(*tasks)

    for user_id in (1, 2, 3):
        own = [(event, n) for event, uid, n in log if uid == user_id]
        assert own == [(event, n) for n in range(5) for event in ("start", "end")]
    assert running["max"] == 3
    assert processor._locks == {}  # nothing left behind once a user goes quiet
