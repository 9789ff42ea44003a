"""A fake Google Vertex AI with a fake Google OAuth 2.0 token endpoint on the same port.

Vertex AI: Gemini at
    POST .../{v1|v1beta1}/projects/{project}/locations/{location}/publishers/google/models/{model}:streamGenerateContent?alt=sse
(and :generateContent; express mode .../{version}/publishers/google/models/{model}:... with
x-goog-api-key vertex-test-key), answered by fake_gemini's dialect; Claude at
    POST .../v1/projects/{project}/locations/{location}/publishers/anthropic/models/{model}:streamRawPredict
(and :rawPredict), answered by fake_anthropic's dialect. Scenarios as fake_provider.py, in the
path before the version (/s/tools/v1/projects/...). Claude bodies must carry
"anthropic_version" (vertex-2023-10-16, or 2026-10-21 as the anthropic SDK sends) and no "model"; :streamRawPredict needs "stream":true.
Errors come in Google's envelope; a Claude error's message is Anthropic's error JSON as a string,
as Vertex sends it. Calls need `Authorization: Bearer <token>` with a token this server minted and
that has not expired (else 401 UNAUTHENTICATED).

Token endpoint: POST .../token, form-encoded. grant_type jwt-bearer: the assertion's RS256
signature is checked with the public key of the service account this server made, and its header
(alg, typ, kid) and claims (iss, aud, scope, iat within a minute of now, exp = iat + 3600).
grant_type refresh_token: client_id, client_secret and refresh_token must be the authorized user's.
Scenarios in the path: /token (tokens for 3599 s), /s/expires/<n>/token (expires_in n, tokens valid
n s), /s/revoked-after/<n>/token (expires_in 3599, but tokens refused after n s), /s/invalid-grant/token
(400 invalid_grant), /s/status/<code>/token, /s/slow/<ms>/token (answers after ms).

GET /_service_account[?format=pkcs1] — a service-account key file whose token_uri is this server's
/token (the key is RSA 2048, made with `openssl genpkey` when the server starts: a throwaway, never
stored); GET /_authorized_user — an authorized-user file; GET /_exchanges — the token requests
received ({"grant_type", "path", "token"} each), GET /_requests as every fake.
"""
import base64
import hashlib
import json
import secrets
import subprocess
import threading
import time
from urllib.parse import parse_qs, urlparse

from fake_anthropic import AnthropicDialect
from fake_gemini import GeminiDialect
from fake_provider import FakeProvider, Handler

AUDIENCE = "https://oauth2.googleapis.com/token"
SCOPE = "https://www.googleapis.com/auth/cloud-platform"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
CLIENT_EMAIL = "tracia-test@fake-project.iam.gserviceaccount.com"
PROJECT = "fake-project"
KEY_ID = "fake-key-id-1"
API_KEY = "vertex-test-key"
ANTHROPIC_VERSION = "vertex-2023-10-16"
# Anthropic's documentation gives vertex-2023-10-16; the anthropic SDK (2.16) sends its API
# version, 2026-10-21, in the same field. Both are taken.
ANTHROPIC_VERSIONS = (ANTHROPIC_VERSION, "2026-10-21")
USER = {"type": "authorized_user", "client_id": "fake-client.apps.googleusercontent.com", "client_secret": "fake-client-secret-d0n7",
        "refresh_token": "1//fake-refresh-token-5ecret", "quota_project_id": "fake-quota-project"}
UNAUTHENTICATED = ("Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid "
                   "authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.")
# EMSA-PKCS1-v1_5's DigestInfo prefix for SHA-256 (RFC 8017 §9.2).
SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")


def openssl(*args, data=None):
    return subprocess.run(["openssl", *args], input=data, capture_output=True, check=True).stdout


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class RSAKey:
    """A throwaway RSA key made by openssl; verification is the textbook one (stdlib only)."""

    def __init__(self):
        self.pkcs8 = openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048").decode()
        self.pkcs1 = openssl("rsa", "-traditional", data=self.pkcs8.encode()).decode()
        modulus = openssl("rsa", "-noout", "-modulus", data=self.pkcs8.encode()).decode().strip()
        self.n = int(modulus.split("=", 1)[1], 16)
        self.e = 65537  # openssl's default public exponent

    def verifies(self, message, signature):
        size = (self.n.bit_length() + 7) // 8
        if len(signature) != size:
            return False
        encoded = pow(int.from_bytes(signature, "big"), self.e, self.n).to_bytes(size, "big")
        digest = SHA256_DIGEST_INFO + hashlib.sha256(message).digest()
        return encoded == b"\x00\x01" + b"\xff" * (size - 3 - len(digest)) + b"\x00" + digest


def jwt_problem(assertion, key):
    """Why the token endpoint refuses an assertion, or None."""
    try:
        head, claims, signature = assertion.split(".")
        header, body = json.loads(b64url_decode(head)), json.loads(b64url_decode(claims))
        signature = b64url_decode(signature)
    except ValueError:
        return "Invalid JWT: malformed"
    if any(c in assertion for c in "+/="):
        return "Invalid JWT: not base64url without padding"
    if not key.verifies(f"{head}.{claims}".encode(), signature):
        return "Invalid JWT Signature."
    if header != {"typ": "JWT", "alg": "RS256", "kid": KEY_ID}:
        return f"Invalid JWT header: {header}"
    now = time.time()
    if body.get("iss") != CLIENT_EMAIL or body.get("aud") != AUDIENCE or body.get("scope") != SCOPE:
        return "Invalid JWT: iss, aud or scope"
    iat, exp = body.get("iat"), body.get("exp")
    if not isinstance(iat, int) or abs(iat - now) > 60 or exp != iat + 3600:
        return "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe."
    return None


class VertexDialect:
    """Gemini's or Anthropic's dialect, whichever publisher the request's path names (per thread:
    the server answers each connection on a thread of its own)."""

    def __init__(self):
        self.google = GeminiDialect()
        self.anthropic = AnthropicDialect()
        self.local = threading.local()

    @property
    def current(self):
        return self.anthropic if getattr(self.local, "publisher", "google") == "anthropic" else self.google

    def __getattr__(self, name):
        if name in ("content_type", "partial_events", "closing_events", "truncate_bytes", "describe", "replay_problem", "text_event",
                    "keepalive_opening", "keepalive_event", "malformed_event", "error_event", "events", "body"):
            return getattr(self.current, name)
        raise AttributeError(name)

    def endpoint(self, parts):
        self.local.publisher = "google"
        for i in range(len(parts)):
            if parts[i] not in ("v1", "v1beta1"):
                continue
            rest = parts[i + 1:]
            regional = len(rest) == 8 and rest[0] == "projects" and rest[2] == "locations" and rest[4] == "publishers" and rest[6] == "models"
            express = len(rest) == 4 and rest[0] == "publishers" and rest[2] == "models"
            if not (regional or express) or ":" not in rest[-1]:
                continue
            self.local.publisher = rest[-3]
            self.local.version = parts[i]
            self.local.express = express
            self.local.method = rest[-1].split(":", 1)[1]
            return len(parts) - i if self.local.publisher in ("google", "anthropic") else None
        return None

    def check(self, handler, request, raw):
        if self.local.express:
            if handler.headers.get("x-goog-api-key") != API_KEY or self.local.publisher != "google":
                return 401, UNAUTHENTICATED
        elif not handler.server.token_valid(handler.headers.get("Authorization", "")):
            return 401, UNAUTHENTICATED
        if self.local.publisher == "google":
            if self.local.method not in ("generateContent", "streamGenerateContent"):
                return 404, f"method {self.local.method} not found"
            return self.google.check_body(request)
        if self.local.version != "v1" or self.local.method not in ("rawPredict", "streamRawPredict"):
            return 404, f"{self.local.version} {self.local.method} not found for Anthropic models"
        if not isinstance(request, dict) or request.get("anthropic_version") not in ANTHROPIC_VERSIONS:
            return 400, f"anthropic_version: Input should be '{ANTHROPIC_VERSION}'"
        if "model" in request:
            return 400, "model: Extra inputs are not permitted"
        if not {"max_tokens", "messages"} <= set(request):
            return 400, "max_tokens and messages are required"
        if (self.local.method == "streamRawPredict") != bool(request.get("stream")):
            return 400, "stream must be true with streamRawPredict and absent with rawPredict"
        return self.anthropic.check_body(handler, request)

    def streaming(self, path, request):
        return (":streamGenerateContent" in path and "alt=sse" in path) or ":streamRawPredict" in path

    def error_body(self, status, message):
        """Google's envelope; for Claude its message is Anthropic's error JSON, as a string."""
        body, headers = self.google.error_body(status, message)
        if getattr(self.local, "publisher", "google") == "anthropic":
            inner, _ = self.anthropic.error_body(status, message)
            body["error"]["message"] = json.dumps(dict(inner, request_id="req_vrtx_fake"), separators=(",", ":"))
        return body, headers


class VertexHandler(Handler):
    def do_GET(self):
        url = urlparse(self.path)
        server = self.server
        if url.path == "/_service_account":
            pem = server.key.pkcs1 if parse_qs(url.query).get("format") == ["pkcs1"] else server.key.pkcs8
            return self.reply_json(200, {"type": "service_account", "project_id": PROJECT, "private_key_id": KEY_ID, "private_key": pem,
                                         "client_email": CLIENT_EMAIL, "client_id": "1234567890", "token_uri": server.url + "/token",
                                         "universe_domain": "googleapis.com"})
        if url.path == "/_authorized_user":
            return self.reply_json(200, USER)
        if url.path == "/_exchanges":
            with server.lock:
                return self.reply_json(200, list(server.exchanges))
        super().do_GET()

    def do_POST(self):
        if self.path.split("?")[0].endswith("/token"):
            return self.token()
        super().do_POST()

    def token(self):
        server = self.server
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        form = {k: v[0] for k, v in parse_qs(raw.decode("ascii", "replace")).items()}
        parts = self.path.split("?")[0].strip("/").split("/")
        scenario = parts[1:-1] if parts[0] == "s" else []
        name, args = (scenario[0], scenario[1:]) if scenario else ("token", [])
        grant = form.get("grant_type")
        record = {"grant_type": grant, "path": self.path, "content_type": self.headers.get("Content-Type"), "token": None}
        with server.lock:
            server.exchanges.append(record)
        if name == "slow":
            time.sleep(int(args[0]) / 1000)
        if name == "status":
            return self.reply_json(int(args[0]), {"error": "internal_failure", "error_description": f"fake failure {args[0]}"})
        if self.headers.get("Content-Type") != "application/x-www-form-urlencoded":
            return self.reply_json(400, {"error": "invalid_request", "error_description": "form encoding required"})
        if grant == JWT_BEARER:
            problem = jwt_problem(form.get("assertion", ""), server.key)
        elif grant == "refresh_token":
            wanted = {k: USER[k] for k in ("client_id", "client_secret", "refresh_token")}
            problem = None if {k: form.get(k) for k in wanted} == wanted else "Bad Request"
        else:
            problem = f"Invalid grant_type: {grant}"
        if name == "invalid-grant":
            problem = "Invalid JWT Signature." if grant == JWT_BEARER else "Token has been expired or revoked."
        if problem:
            return self.reply_json(400, {"error": "invalid_grant", "error_description": problem})
        valid = int(args[0]) if name in ("expires", "revoked-after") else 3599
        reported = valid if name == "expires" else 3599
        token = "ya29.fake-" + secrets.token_urlsafe(24)
        with server.lock:
            server.tokens[token] = time.monotonic() + valid
            record["token"] = token
        self.reply_json(200, {"access_token": token, "expires_in": reported, "token_type": "Bearer"})


class FakeVertexServer(FakeProvider):
    def __init__(self, address=("127.0.0.1", 0)):
        super().__init__(VertexDialect(), address, VertexHandler)
        self.key = RSAKey()
        self.tokens = {}
        self.exchanges = []

    def token_valid(self, authorization):
        if not authorization.startswith("Bearer "):
            return False
        with self.lock:
            expiry = self.tokens.get(authorization[len("Bearer "):])
        return expiry is not None and time.monotonic() < expiry


def FakeVertex(address=("127.0.0.1", 0)):
    return FakeVertexServer(address)

