#!/usr/bin/env python3
"""A whole signing flow against the qys-sandbox BINARY, from Python's standard library only,
as an integrator in another language would drive it (PROTOCOL.md is all it relies on):

  start the binary, read its banner; start a callback receiver; turn on encrypted callbacks
  (AES-128-ECB, later CBC) to the receiver; draft a contract, upload a PDF, send it; mint a
  contract-sign ticket; open the ticket's plugin page (the sandbox's stand-in for
  plugin://qyssdk-plugin/doc?ticket=...); sign there as the signer; receive the callbacks;
  verify each signature (md5(timestamp + key)) and decrypt each content (AES-128 written
  here, ECB and CBC, PKCS#7) and check the events.

Usage: test_flow.py PATH/TO/qys-sandbox   (exit status 0 when every check passed)
"""

import base64
import hashlib
import http.server
import json
import queue
import re
import subprocess
import sys
import threading
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request
import uuid

SANDBOX_BIN = None  # set from argv

# --- AES-128 (FIPS-197), decryption only ------------------------------------------------------

SBOX = [0] * 256
INV_SBOX = [0] * 256


def _build_sboxes():
    # The S-box from its definition: multiplicative inverse in GF(2^8), then the affine map.
    p = q = 1
    while True:
        p = p ^ ((p << 1) & 0xFF) ^ (0x1B if p & 0x80 else 0)
        q ^= q << 1
        q ^= q << 2
        q ^= q << 4
        q &= 0xFF
        if q & 0x80:
            q ^= 0x09
        x = q ^ _rotl8(q, 1) ^ _rotl8(q, 2) ^ _rotl8(q, 3) ^ _rotl8(q, 4)
        SBOX[p] = (x ^ 0x63) & 0xFF
        if p == 1:
            break
    SBOX[0] = 0x63
    for i, s in enumerate(SBOX):
        INV_SBOX[s] = i


def _rotl8(x, shift):
    return ((x << shift) | (x >> (8 - shift))) & 0xFF


def _xtime(a):
    return ((a << 1) ^ 0x1B) & 0xFF if a & 0x80 else a << 1


def _mul(a, b):
    out = 0
    while b:
        if b & 1:
            out ^= a
        a = _xtime(a)
        b >>= 1
    return out


_build_sboxes()


def expand_key(key):
    """The 11 round keys of an AES-128 key, each 16 bytes."""
    assert len(key) == 16
    words = [list(key[i:i + 4]) for i in range(0, 16, 4)]
    rcon = 1
    for i in range(4, 44):
        w = list(words[i - 1])
        if i % 4 == 0:
            w = w[1:] + w[:1]
            w = [SBOX[b] for b in w]
            w[0] ^= rcon
            rcon = _xtime(rcon)
        words.append([a ^ b for a, b in zip(words[i - 4], w)])
    return [sum(words[r * 4:r * 4 + 4], []) for r in range(11)]


def decrypt_block(round_keys, block):
    """One 16-byte block, decrypted (state in column-major order as FIPS-197)."""
    s = [b ^ k for b, k in zip(block, round_keys[10])]
    for rnd in range(9, -1, -1):
        # InvShiftRows: row r moves right by r.
        s = [s[((c - r) % 4) * 4 + r] for c in range(4) for r in range(4)]
        s = [INV_SBOX[b] for b in s]
        s = [b ^ k for b, k in zip(s, round_keys[rnd])]
        if rnd == 0:
            break
        out = []
        for c in range(4):
            a = s[c * 4:c * 4 + 4]
            out += [
                _mul(a[0], 14) ^ _mul(a[1], 11) ^ _mul(a[2], 13) ^ _mul(a[3], 9),
                _mul(a[0], 9) ^ _mul(a[1], 14) ^ _mul(a[2], 11) ^ _mul(a[3], 13),
                _mul(a[0], 13) ^ _mul(a[1], 9) ^ _mul(a[2], 14) ^ _mul(a[3], 11),
                _mul(a[0], 11) ^ _mul(a[1], 13) ^ _mul(a[2], 9) ^ _mul(a[3], 14),
            ]
        s = out
    return bytes(s)


def unpad_pkcs7(data):
    n = data[-1] if data else 0
    if not 1 <= n <= 16 or data[-n:] != bytes([n]) * n:
        raise ValueError("bad PKCS#7 padding")
    return data[:-n]


def decrypt(key, data, iv=None):
    """AES-128-ECB (iv None) or -CBC decryption of data, PKCS#7 padding removed."""
    if len(data) == 0 or len(data) % 16:
        raise ValueError("ciphertext is not whole blocks")
    keys = expand_key(key)
    out = b""
    prev = iv
    for i in range(0, len(data), 16):
        block = data[i:i + 16]
        plain = decrypt_block(keys, block)
        if prev is not None:
            plain = bytes(a ^ b for a, b in zip(plain, prev))
            prev = block
        out += plain
    return unpad_pkcs7(out)


# --- the sandbox over HTTP --------------------------------------------------------------------


class Sandbox:
    """The binary, running; requests signed as the app (md5(token + secret + timestamp + nonce))."""

    def __init__(self, binary):
        self.proc = subprocess.Popen(
            [binary, "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.banner = {}
        deadline = time.time() + 30
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("the sandbox exited: " + self.proc.stderr.read())
            m = re.match(r"^([a-zA-Z ]+?)\s{2,}(\S.*)$", line.rstrip("\n"))
            if m:
                self.banner[m.group(1).strip()] = m.group(2).strip()
            if line.startswith("Ctrl-C"):
                break
        self.base = self.banner["base URL"]
        self.token = self.banner["app token"]
        self.secret = self.banner["app secret"]

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc.stdout.close()
        self.proc.stderr.close()

    def _headers(self):
        ts = str(int(time.time() * 1000))
        nonce = uuid.uuid4().hex
        sig = hashlib.md5((self.token + self.secret + ts + nonce).encode()).hexdigest()
        return {
            "x-qys-open-accesstoken": self.token,
            "x-qys-open-timestamp": ts,
            "x-qys-open-nonce": nonce,
            "x-qys-open-signature": sig,
        }

    def _send(self, req):
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()

    def api(self, method, path, body=None, query=None, multipart=None):
        """A signed call; the envelope's result (asserting code 0)."""
        url = self.base + path + ("?" + urllib.parse.urlencode(query) if query else "")
        headers = self._headers()
        data = None
        if multipart is not None:
            boundary = "pyQysBoundary" + uuid.uuid4().hex
            data = b""
            for name, value in multipart:
                if isinstance(value, tuple):
                    filename, ctype, content = value
                    data += (
                        f'--{boundary}\r\ncontent-disposition: form-data; name="{name}"; '
                        f'filename="{filename}"\r\ncontent-type: {ctype}\r\n\r\n'
                    ).encode() + content + b"\r\n"
                else:
                    data += (
                        f'--{boundary}\r\ncontent-disposition: form-data; name="{name}"'
                        f"\r\n\r\n{value}\r\n"
                    ).encode()
            data += f"--{boundary}--\r\n".encode()
            headers["content-type"] = f"multipart/form-data; boundary={boundary}"
        elif body is not None:
            data = json.dumps(body).encode()
            headers["content-type"] = "application/json;charset=UTF-8"
        status, _, raw = self._send(urllib.request.Request(url, data=data, headers=headers, method=method))
        envelope = json.loads(raw)
        if status != 200 or envelope.get("code") != 0:
            raise AssertionError(f"{method} {path}: HTTP {status} {envelope}")
        return envelope.get("result")

    def control(self, method, route, body=None):
        """A control-API call (open on loopback); the envelope's result."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(
            self.base + "/__sandbox/api/" + route,
            data=data,
            headers={"content-type": "application/json"},
            method=method,
        )
        status, _, raw = self._send(req)
        envelope = json.loads(raw)
        if status != 200 or envelope.get("code") != 0:
            raise AssertionError(f"control {route}: HTTP {status} {envelope}")
        return envelope["result"]

    def page(self, url, form=None):
        """A page as a browser without JavaScript gets it: (status, headers, html)."""
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        req = urllib.request.Request(url, data=data, method="POST" if form is not None else "GET")
        status, headers, raw = self._send(req)
        return status, headers, raw.decode("utf-8")


class Receiver:
    """An HTTP server on loopback that accepts every callback (answering `success`)."""

    def __init__(self):
        self.received = queue.Queue()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                n = int(self.headers.get("content-length", "0"))
                body = self.rfile.read(n).decode()
                outer.received.put((self.headers.get("content-type", ""), body))
                self.send_response(200)
                self.send_header("content-length", "7")
                self.end_headers()
                self.wfile.write(b"success")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/qys/callback"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def next(self, timeout=10):
        return self.received.get(timeout=timeout)

    def stop(self):
        self.server.shutdown()


def plugin_page_url(base, plugin_url):
    """PROTOCOL.md's rule: plugin://qyssdk-plugin/{page}?{query} -> {base}/sandbox/plugin/{page}?{query}."""
    prefix = "plugin://qyssdk-plugin/"
    assert plugin_url.startswith(prefix), plugin_url
    return base + "/sandbox/plugin/" + plugin_url[len(prefix):]


# --- the test ---------------------------------------------------------------------------------


class Flow(unittest.TestCase):
    def test_aes_known_answers(self):
        # FIPS-197 appendix C.1 (AES-128).
        key = bytes(range(16))
        cipher = bytes.fromhex("69c4e0d86a7b0430d8cdb78070b4c55a")
        self.assertEqual(decrypt_block(expand_key(key), cipher), bytes.fromhex("00112233445566778899aabbccddeeff"))
        # NIST SP 800-38A F.2.2 (CBC-AES128.Decrypt), first block.
        key = bytes.fromhex("2b7e151628aed2a6abf7158809cf4f3c")
        iv = bytes.fromhex("000102030405060708090a0b0c0d0e0f")
        block = bytes.fromhex("7649abac8119b246cee98e9b12e9197d")
        plain = bytes(a ^ b for a, b in zip(decrypt_block(expand_key(key), block), iv))
        self.assertEqual(plain, bytes.fromhex("6bc1bee22e409f96e93d7e117393172a"))
        with self.assertRaises(ValueError):
            unpad_pkcs7(b"\x00" * 16)

    def test_whole_flow_against_the_binary(self):
        sandbox = Sandbox(SANDBOX_BIN)
        receiver = Receiver()
        try:
            self.run_flow(sandbox, receiver)
        finally:
            sandbox.stop()
            receiver.stop()

    def verify(self, body, key, iv=None):
        """Checks a signed callback form; answers its decrypted event."""
        form = dict(urllib.parse.parse_qsl(body, keep_blank_values=True))
        self.assertEqual(set(form), {"signature", "timestamp", "content"}, body)
        expected = hashlib.md5((form["timestamp"] + key).encode()).hexdigest()
        self.assertEqual(form["signature"].lower(), expected)
        self.assertLess(abs(int(form["timestamp"]) - time.time() * 1000), 5 * 60 * 1000)
        plain = decrypt(key.encode(), base64.b64decode(form["content"]), iv)
        return json.loads(plain)

    def run_flow(self, sandbox, receiver):
        settings = sandbox.api("GET", "/company/token/get")
        key = settings["callbackSecretKey"]
        self.assertEqual(len(key), 16)
        if "callback key" in sandbox.banner:
            self.assertEqual(sandbox.banner["callback key"], key)
        sandbox.api(
            "POST",
            "/company/token/update/callback",
            {"callbackUrl": receiver.url, "encrypt": True, "encryptType": "AES_ECB"},
        )
        signer = {"contact": "13800000001", "contactType": "MOBILE", "name": "张三"}
        draft = sandbox.api(
            "POST",
            "/v2/contract/draft",
            {
                "subject": "Python 流程合同",
                "send": False,
                "signatories": [
                    {"tenantType": "PERSONAL", "tenantName": "张三", "receiver": signer, "serialNo": 1}
                ],
            },
        )
        contract_id = draft["id"]
        pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
        added = sandbox.api(
            "POST",
            "/v2/document/addbyfile",
            multipart=[
                ("contractId", contract_id),
                ("title", "正文"),
                ("fileSuffix", "pdf"),
                ("file", ("contract.pdf", "application/pdf", pdf)),
            ],
        )
        self.assertTrue(added["documentId"])
        sandbox.api("POST", "/v2/contract/send", {"contractId": contract_id})

        # Sending owes a SEND_SIGNING callback, signed and AES-128-ECB encrypted.
        ctype, body = receiver.next()
        self.assertTrue(ctype.startswith("application/x-www-form-urlencoded"), ctype)
        event = self.verify(body, key)
        self.assertEqual(event["contractId"], contract_id)
        self.assertEqual(event["callbackType"], "SEND_SIGNING")
        self.assertEqual(event["contractStatus"], "SIGNING")

        # From here on, CBC (the IV is the key's bytes when none was configured; the app
        # settings say which cipher is in use).
        sandbox.api("POST", "/company/token/update/callback", {"encryptType": "AES_CBC"})
        self.assertEqual(sandbox.api("GET", "/company/token/get")["encryptType"], "AES_CBC")

        ticket = sandbox.api(
            "POST",
            "/v2/contract/miniappexchange",
            {"contractId": contract_id, "user": {"contact": signer["contact"], "contactType": "MOBILE"}},
        )["ticket"]
        plugin_url = f"plugin://qyssdk-plugin/doc?ticket={ticket}&env=cn"
        page_url = plugin_page_url(sandbox.base, plugin_url)
        # The sandbox agrees on where the plugin page is.
        self.assertEqual(sandbox.control("GET", "tickets/" + ticket)["pageUrl"], page_url)

        status, headers, html = sandbox.page(page_url)
        self.assertEqual(status, 200)
        self.assertIn("text/html", headers["content-type"])
        self.assertIn("Python 流程合同", html)
        self.assertIn('id="sign"', html)
        self.assertNotIn("<script", html)
        action = re.search(r'<form method="post" action="([^"]+)">(?:(?!</form>).)*id="sign"', html).group(1)
        status, _, outcome = sandbox.page(
            urllib.parse.urljoin(page_url, action.replace("&amp;", "&")),
            {"ticket": ticket, "action": "sign"},
        )
        self.assertEqual(status, 200)
        self.assertIn('<b id="outcome">signSuccessCb</b>', outcome)

        # The signature and the completion, signed and AES-128-CBC encrypted.
        events = [self.verify(receiver.next()[1], key, iv=key.encode()) for _ in range(2)]
        self.assertEqual([e["callbackType"] for e in events], ["PERSONAL", "COMPLETE"])
        self.assertEqual(events[0]["contact"], signer["contact"])
        self.assertEqual(events[1]["contractStatus"], "COMPLETE")
        self.assertTrue(all(e["contractId"] == contract_id for e in events))

        # The platform and the control API agree.
        detail = sandbox.api("GET", "/v2/contract/detail", query={"contractId": contract_id})
        self.assertEqual(detail["status"], "COMPLETE")
        state = sandbox.control("GET", "state")
        contract = next(c for c in state["contracts"] if c["id"] == contract_id)
        self.assertEqual(contract["status"], "COMPLETE")
        self.assertEqual([s["status"] for s in contract["signatories"]], ["SIGNED"])
        deadline = time.time() + 10
        while time.time() < deadline:
            deliveries = sandbox.control("GET", "deliveries")
            if all(d["status"] == "DELIVERED" for d in deliveries):
                break
            time.sleep(0.1)
        self.assertEqual(
            [(d["callbackType"], d["status"], d["encrypted"]) for d in deliveries],
            [("SEND_SIGNING", "DELIVERED", True), ("PERSONAL", "DELIVERED", True), ("COMPLETE", "DELIVERED", True)],
        )


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    SANDBOX_BIN = sys.argv.pop(1)
    unittest.main(verbosity=2)
