"""The browser half of `slidemil bench viewer`: loads a slide page of a running `slidemil view` in
headless Chromium with `?tour=1` (the page's scripted pan and zoom) and prints the page's own
measurements as JSON: time to first paint (every tile of the whole-slide view drawn), tile
latencies (image request to decoded image, p50/p99) and the tour's duration.

Real time, not virtual time: Chromium is driven over the DevTools protocol (a minimal websocket
client below, so nothing beyond the standard library is needed), and the script polls the
page's #stats element until the tour is done.

Usage: python3 bench-viewer-browser.py URL [CHROMIUM]
"""
import base64
import json
import os
import re
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request


class WebSocket:
    """Just enough of RFC 6455 for the DevTools protocol: text frames, client-side masking."""

    def __init__(self, url):
        match = re.match(r"ws://([^:/]+):(\d+)(/.*)", url)
        host, port, path = match.group(1), int(match.group(2)), match.group(3)
        self.socket = socket.create_connection((host, port), timeout=60)
        key = base64.b64encode(os.urandom(16)).decode()
        self.socket.sendall((f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                             f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        response = b""
        while b"\r\n\r\n" not in response:
            response += self.socket.recv(1)
        if b" 101 " not in response.split(b"\r\n")[0]:
            raise RuntimeError(f"websocket upgrade refused: {response[:80]!r}")
        self.next_id = 0

    def send(self, payload):
        data = payload.encode()
        header = bytes([0x81])
        if len(data) < 126:
            header += bytes([0x80 | len(data)])
        elif len(data) < 65536:
            header += bytes([0x80 | 126]) + struct.pack(">H", len(data))
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", len(data))
        mask = os.urandom(4)
        self.socket.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def receive_exactly(self, count):
        data = b""
        while len(data) < count:
            chunk = self.socket.recv(count - len(data))
            if not chunk:
                raise RuntimeError("websocket closed")
            data += chunk
        return data

    def receive(self):
        message = b""
        while True:
            first, second = self.receive_exactly(2)
            length = second & 0x7F
            if length == 126:
                length = struct.unpack(">H", self.receive_exactly(2))[0]
            elif length == 127:
                length = struct.unpack(">Q", self.receive_exactly(8))[0]
            message += self.receive_exactly(length)
            if first & 0x80:
                return message.decode()

    def call(self, method, **params):
        self.next_id += 1
        self.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            reply = json.loads(self.receive())
            if reply.get("id") == self.next_id:
                return reply.get("result", {})


def main():
    url = sys.argv[1]
    chromium = sys.argv[2] if len(sys.argv) > 2 else "chromium"
    profile = tempfile.mkdtemp(prefix="slidemil-bench-chromium-")
    browser = subprocess.Popen([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                                "--remote-debugging-port=0", f"--user-data-dir={profile}", "--window-size=1280,800",
                                "about:blank"], stderr=subprocess.PIPE, text=True)
    try:
        port = None
        for line in browser.stderr:
            found = re.search(r"DevTools listening on ws://127\.0\.0\.1:(\d+)/", line)
            if found:
                port = int(found.group(1))
                break
        if port is None:
            raise RuntimeError("Chromium did not open its DevTools port")
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list"))
        page = next(t for t in targets if t["type"] == "page")
        socket_ = WebSocket(page["webSocketDebuggerUrl"])
        socket_.call("Page.enable")
        socket_.call("Page.navigate", url=url)
        deadline = time.time() + 120
        while time.time() < deadline:
            result = socket_.call("Runtime.evaluate", returnByValue=True,
                                  expression="JSON.stringify(document.getElementById('stats')?.dataset ?? {})")
            stats = json.loads(result.get("result", {}).get("value") or "{}")
            if stats.get("done") == "1" or "error" in stats:
                print(json.dumps(stats))
                return
            time.sleep(0.1)
        raise RuntimeError("the page did not finish its tour in 120 s")
    finally:
        browser.terminate()
        browser.wait()


if __name__ == "__main__":
    main()
