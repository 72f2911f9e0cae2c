"""PTB's HTTP layer on aiohttp instead of httpx.

Under concurrent sends httpx/httpcore re-checks every pooled connection (a getpeername and a
poll syscall each) and rescans its queue on every request; in the capture benchmark that cost
more CPU than the bot's own work. aiohttp is already a dependency, parses HTTP in C, and keeps
a simple pool. PTB supports swapping this layer (`ApplicationBuilder.request`); this follows
the `BaseRequest` contract the way ptbcontrib's aiohttp_request does.
"""

from __future__ import annotations

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData


class AiohttpRequest(BaseRequest):
    def __init__(
        self,
        pool_size: int,
        read_timeout: float = 10.0,
        connect_timeout: float = 10.0,
        pool_timeout: float = 30.0,
        upload_timeout: float = 120.0,
    ) -> None:
        self._pool_size = pool_size
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._upload_timeout = upload_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        has_files = bool(request_data and request_data.contains_files)
        timeout = aiohttp.ClientTimeout(
            total=self._upload_timeout if has_files else None,
            connect=_given(pool_timeout, self._pool_timeout),
            sock_connect=_given(connect_timeout, self._connect_timeout),
            sock_read=_given(read_timeout, self._read_timeout),
        )
        try:
            async with self._session.request(
                method, url, data=_body(request_data), timeout=timeout
            ) as response:
                return response.status, await response.read()
        except TimeoutError as exc:
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            # The exception text can hold the URL, and the URL holds the bot token.
            raise NetworkError(f"aiohttp.{type(exc).__name__}") from exc


def _given(value: ODVInput[float], default: float) -> float | None:
    """The timeout asked for, or ours when none was (PTB passes `BaseRequest.DEFAULT_NONE`).
    The types are PTB's private ones, as its own HTTPXRequest uses for the same contract."""
    return default if isinstance(value, DefaultValue) else value


def _body(request_data: RequestData | None) -> aiohttp.FormData | dict[str, str] | None:
    """Form-encoded parameters, or multipart when files are attached, as Telegram expects."""
    if request_data is None:
        return None
    parameters = request_data.json_parameters
    if not request_data.multipart_data:
        return parameters
    form = aiohttp.FormData(parameters)
    for field, (filename, content, mime_type) in request_data.multipart_data.items():
        form.add_field(field, content, filename=filename, content_type=mime_type)
    return form
