"""nginx from Debian's packages, run as a test's own reverse proxy with the shipped site file.

`docs/deploy/nginx.conf` is what an operator installs. A test runs that very file, changed only
where a test must: the upstream ports become the test's instances', the public listeners
become free ports on 127.0.0.1 (one plain HTTP, one TLS with a self-signed certificate made by
openssl), and the certificate paths point at that certificate. Each change must find what it
replaces, so an edit to the shipped file that the test can no longer follow fails loudly.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import signal
import ssl
import subprocess
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.support.processes import ROOT, free_port

SITE = ROOT / "docs" / "deploy" / "nginx.conf"
SHIPPED_UPSTREAMS = ("127.0.0.1:8081", "127.0.0.1:8082")
SHIPPED_CERTIFICATE = "/etc/letsencrypt/live/cpd.example.org/fullchain.pem"
SHIPPED_KEY = "/etc/letsencrypt/live/cpd.example.org/privkey.pem"


def nginx_binary() -> str:
    found = shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx",) if Path(path).exists()), None)
    if found is None:
        raise RuntimeError("nginx is not installed: apt-get install -y nginx")
    return found


@dataclass
class Proxy:
    folder: Path
    http_port: int
    https_port: int
    redirect_port: int
    certificate: Path

    @property
    def url(self) -> str:
        """Plain HTTP: where the fake Telegram delivers (it trusts only real certificates)."""
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def tls_url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    def upstream_statuses(self) -> list[str]:
        """Per request, what each instance tried answered, like "503, 200" (access.log)."""
        lines = (self.folder / "access.log").read_text(encoding="utf-8").splitlines()
        return [line.split(" | ")[-1] for line in lines]

    def tls_context(self) -> ssl.SSLContext:
        """A client context that trusts the proxy's self-signed certificate, and only it."""
        context = ssl.create_default_context(cafile=str(self.certificate))
        context.check_hostname = True
        return context


def _replace(text: str, old: str, new: str) -> str:
    if old not in text:
        raise AssertionError(f"{SITE}: expected {old!r}; update tests/support/nginx.py")
    return text.replace(old, new)


def render_site(site: str, upstreams: Sequence[int], proxy: Proxy, key: Path) -> str:
    """The shipped site file with the test's ports and certificate."""
    for shipped, port in zip(SHIPPED_UPSTREAMS, upstreams, strict=True):
        site = _replace(site, f"server {shipped} ", f"server 127.0.0.1:{port} ")
    site = _replace(site, "    listen 80;\n", f"    listen 127.0.0.1:{proxy.redirect_port};\n")
    site = _replace(site, "    listen [::]:80;\n", "")
    site = _replace(site, "    listen 443 ssl;\n",
                    f"    listen 127.0.0.1:{proxy.https_port} ssl;\n"
                    f"    listen 127.0.0.1:{proxy.http_port};\n")
    site = _replace(site, "    listen [::]:443 ssl;\n", "")
    site = _replace(site, SHIPPED_CERTIFICATE, str(proxy.certificate))
    return _replace(site, SHIPPED_KEY, str(key))


def _self_signed(folder: Path) -> tuple[Path, Path]:
    certificate, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(certificate)],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return certificate, key


def write_nginx_config(folder: Path, upstreams: Sequence[int]) -> tuple[Proxy, Path]:
    """The main config (no daemon, every path under `folder`) including the rendered site."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "temp").mkdir(exist_ok=True)
    certificate, key = _self_signed(folder)
    proxy = Proxy(folder, free_port(), free_port(), free_port(), certificate)
    (folder / "cpdbot-site.conf").write_text(
        render_site(SITE.read_text(encoding="utf-8"), upstreams, proxy, key), encoding="utf-8")
    temp = folder / "temp"
    main = folder / "nginx.conf"
    main.write_text(
        "daemon off;\n"
        "worker_processes 1;\n"
        f"pid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'} warn;\n"
        "events { worker_connections 512; }\n"
        "http {\n"
        "    log_format upstreams '$msec $status $request_method $uri | $upstream_addr | "
        "$upstream_status';\n"
        f"    access_log {folder / 'access.log'} upstreams;\n"
        f"    client_body_temp_path {temp / 'body'};\n"
        f"    proxy_temp_path {temp / 'proxy'};\n"
        f"    fastcgi_temp_path {temp / 'fastcgi'};\n"
        f"    uwsgi_temp_path {temp / 'uwsgi'};\n"
        f"    scgi_temp_path {temp / 'scgi'};\n"
        f"    include {folder / 'cpdbot-site.conf'};\n"
        "}\n", encoding="utf-8")
    return proxy, main


async def _listening(port: int) -> bool:
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return False
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return True


@contextlib.asynccontextmanager
async def running_nginx(folder: Path, upstreams: Sequence[int]) -> AsyncIterator[Proxy]:
    """nginx in the foreground (`nginx -p -c -e`, daemon off) in front of `upstreams`."""
    proxy, main = write_nginx_config(folder, upstreams)
    binary = nginx_binary()
    check = await asyncio.create_subprocess_exec(
        binary, "-t", "-q", "-p", str(folder), "-c", str(main), "-e", str(folder / "error.log"),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    _, problems = await check.communicate()
    if check.returncode != 0:
        raise AssertionError(f"nginx -t refused the config:\n{problems.decode()}")
    process = await asyncio.create_subprocess_exec(
        binary, "-p", str(folder), "-c", str(main), "-e", str(folder / "error.log"),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    try:
        deadline = time.monotonic() + 10
        while not await _listening(proxy.http_port):
            if process.returncode is not None or time.monotonic() > deadline:
                stderr = (await process.stderr.read()).decode() if process.stderr else ""
                raise AssertionError(f"nginx did not start: {stderr}")
            await asyncio.sleep(0.05)
        yield proxy
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)  # fast shutdown
            try:
                await asyncio.wait_for(process.wait(), 5)
            except TimeoutError:
                process.kill()
                await process.wait()
