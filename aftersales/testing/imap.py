"""A real IMAP server for tests: Dovecot with a temporary configuration.

It listens on a free 127.0.0.1 port with plaintext login allowed, knows one user (from a
passwd-file) whose maildir lives in a temporary folder, and runs in the foreground
(`-F`) as a child of the test run with its own base_dir, so it never touches the
machine's Dovecot. Tests skip with a reason when the dovecot binary is not installed
(`apt-get install dovecot-imapd`; `.ci/run` does it).

    def test_something(imap_server):
        imap_server.append(raw_bytes)        # a message arrives in the INBOX
        imap_server.port, imap_server.user, imap_server.password
"""

import contextlib
import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

USER = "service@example.com"
PASSWORD = "imap-test-password"
STARTUP_SECONDS = 10.0

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{root}/mail/%u
first_valid_uid = {uid}
first_valid_gid = {gid}
{internal_users}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/passwd
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


def dovecot_binary() -> str | None:
    return shutil.which("dovecot") or next(
        (path for path in ("/usr/sbin/dovecot",) if os.access(path, os.X_OK)), None
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class DovecotServer:
    """One throw-away Dovecot: `start()`, `append(raw)`, `stop()`."""

    host = "127.0.0.1"
    user = USER
    password = PASSWORD

    def __init__(self, binary: str):
        self.binary = binary
        self.port = _free_port()
        self.root = Path(tempfile.mkdtemp(prefix="dovecot-test-"))
        self.process: subprocess.Popen | None = None

    def _write_config(self) -> Path:
        root = self.root
        # Dovecot's own processes run as its users: they must reach the config and the
        # passwd-file (test credentials only) in this folder.
        root.chmod(0o755)
        for name in ("run", "state", "mail"):
            (root / name).mkdir()
        if os.geteuid() == 0:
            # Dovecot will not read mail as root: the mail belongs to `nobody`, and its
            # own processes use the users the package created.
            mail_user = pwd.getpwnam("nobody")
            uid, gid = mail_user.pw_uid, mail_user.pw_gid
            os.chown(root / "mail", uid, gid)
            internal_users = ""
        else:
            uid, gid = os.getuid(), os.getgid()
            me = pwd.getpwuid(uid).pw_name
            internal_users = f"default_internal_user = {me}\ndefault_login_user = {me}\n"
        (root / "passwd").write_text(
            f"{USER}:{{PLAIN}}{PASSWORD}:{uid}:{gid}::{root}/mail/{USER}\n", encoding="utf-8"
        )
        config = root / "dovecot.conf"
        config.write_text(
            CONFIG.format(
                root=root, port=self.port, uid=uid, gid=gid, internal_users=internal_users
            ),
            encoding="utf-8",
        )
        return config

    def start(self) -> None:
        config = self._write_config()
        self.process = subprocess.Popen(
            [self.binary, "-F", "-c", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                error = self.process.stderr.read().decode("utf-8", "replace")
                raise RuntimeError(f"dovecot did not start: {error}{self.log()}")
            with (
                contextlib.suppress(OSError),
                socket.create_connection((self.host, self.port), timeout=0.5),
            ):
                return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"dovecot did not answer on port {self.port}: {self.log()}")

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        if self.process is not None and self.process.stderr:
            self.process.stderr.close()
        self.process = None
        shutil.rmtree(self.root, ignore_errors=True)

    def client(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4(self.host, self.port, timeout=10)
        client.login(self.user, self.password)
        return client

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        """Deliver `raw` into the folder, unread, as a mail server would."""
        client = self.client()
        try:
            status, data = client.append(folder, None, None, raw)
            if status != "OK":
                raise RuntimeError(f"APPEND failed: {data!r}")
        finally:
            client.logout()

    def seen(self, folder: str = "INBOX") -> list[int]:
        """UIDs of the messages marked \\Seen."""
        client = self.client()
        try:
            client.select(folder, readonly=True)
            _, data = client.uid("SEARCH", None, "SEEN")
            return [int(uid) for uid in (data[0] or b"").split()]
        finally:
            client.logout()


@pytest.fixture
def imap_server():
    binary = dovecot_binary()
    if binary is None:
        pytest.skip("dovecot is not installed (apt-get install dovecot-imapd): no IMAP server")
    server = DovecotServer(binary)
    server.start()
    try:
        yield server
    finally:
        server.stop()
