"""Run code in a Jupyter server's kernel through its REST and WebSocket API with a token, as
JupyterLab does (Jupyter messaging protocol 5.3): what the driver-pod tests use to work in the
JupyterLab pod like a user."""

from __future__ import annotations

import json
import time
import urllib.request
import uuid

import websocket  # websocket-client, a dependency of jupyter_server


class Kernel:
    def __init__(self, base: str, token: str):
        self.base, self.token = base.rstrip("/"), token
        self.id = self._api("POST", "/api/kernels", {"name": "python3"})["id"]
        ws_url = self.base.replace("http", "ws", 1) + f"/api/kernels/{self.id}/channels"
        self.ws = websocket.create_connection(ws_url, timeout=30,
                                              header=[f"Authorization: token {token}"])
        self.session = uuid.uuid4().hex

    def _api(self, method: str, path: str, body=None):
        req = urllib.request.Request(self.base + path, method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Authorization": f"token {self.token}",
                                              "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            text = r.read()
        return json.loads(text) if text else None

    def execute(self, code: str, timeout: float = 600) -> tuple[str, str | None]:
        """(stdout + stderr text, the error's ename: evalue + traceback, or None)."""
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "username": "test", "session": self.session,
                       "msg_type": "execute_request", "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell",
            "content": {"code": code, "silent": False, "store_history": True,
                        "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}}))
        out, error, idle, replied = [], None, False, False
        deadline = time.monotonic() + timeout
        while not (idle and replied):
            if time.monotonic() > deadline:
                raise TimeoutError(f"the cell did not finish in {timeout} s; output so far:\n"
                                   + "".join(out)[-3000:])
            self.ws.settimeout(max(1.0, deadline - time.monotonic()))
            msg = json.loads(self.ws.recv())
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream":
                out.append(content["text"])
            elif kind == "error":
                error = f"{content['ename']}: {content['evalue']}\n" + \
                    "\n".join(content.get("traceback", []))
            elif kind == "status" and content["execution_state"] == "idle":
                idle = True
            elif kind == "execute_reply":
                replied = True
        return "".join(out), error

    def close(self) -> None:
        try:
            self.ws.close()
        finally:
            self._api("DELETE", f"/api/kernels/{self.id}")
