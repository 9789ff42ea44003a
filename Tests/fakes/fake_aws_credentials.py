"""Fake AWS credential endpoints on loopback: container credentials (ECS, EKS Pod Identity) and
IMDSv2. Each fetch issues fresh temporary keys (ASIAFAKE..., a secret and a session token) that
expire after the lifetime the path asks for; fake_bedrock.py accepts them until they expire.

    GET /container/<lifetime_s>[/auth]           container credentials; /auth: the Authorization
                                                 header must be CONTAINER_TOKEN (else 401)
    GET /container-fail                          500, always
    PUT /imds/<mode>/<lifetime_s>/latest/api/token
    GET /imds/<mode>/<lifetime_s>/latest/meta-data/iam/security-credentials/[ROLE]
        mode v2: a token is issued and required (401 without it); v1: the token PUT gets 403
        and the GETs need none; norole: no role (404); failing: the role's document says
        Code "AssumeRoleUnauthorizedAccess" with no keys
    GET /_fetches                                {"container": n, "imds": n, "imds_tokens": n}
                                                 (credentials issued, IMDS session tokens issued)
    POST /_revoke                                every key issued so far expires now (the
                                                 fake Bedrock then refuses it as AWS does)
"""
import datetime
import json
import threading
from http.server import BaseHTTPRequestHandler

from fake_provider import QuietServer

CONTAINER_TOKEN = "container-token-abc"
IMDS_ROLE = "fake-instance-role"
_lock = threading.Lock()
_issued = {}  # key id -> (secret, token, expiry as a UTC datetime)
_counts = {"container": 0, "imds": 0, "imds_tokens": 0}


def issue(kind, lifetime_s):
    """New temporary keys expiring in lifetime_s seconds, in the services' JSON shape."""
    expiry = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0) + datetime.timedelta(seconds=lifetime_s)
    with _lock:
        _counts[kind] += 1
        key_id = "ASIAFAKE%08d" % (len(_issued) + 1)
        secret, token = "fake-secret-" + key_id, "fake-session-token-" + key_id
        _issued[key_id] = (secret, token, expiry)
    return {"AccessKeyId": key_id, "SecretAccessKey": secret, "Token": token,
            "Expiration": expiry.strftime("%Y-%m-%dT%H:%M:%SZ")}


def issued(key_id):
    """(secret, session token, expiry) of keys this fake issued, or None."""
    with _lock:
        return _issued.get(key_id)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body, content_type="application/json"):
        data = body if isinstance(body, bytes) else (json.dumps(body) if not isinstance(body, str) else body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        parts = self.path.split("?")[0].strip("/").split("/")
        if parts == ["_fetches"]:
            with _lock:
                return self.reply(200, dict(_counts))
        if parts[0] == "container-fail":
            return self.reply(500, {"message": "the agent is down"})
        if parts[0] == "container" and len(parts) >= 2:
            if parts[2:] == ["auth"] and self.headers.get("Authorization") != CONTAINER_TOKEN:
                return self.reply(401, {"message": "bad authorization token"})
            return self.reply(200, issue("container", int(parts[1])))
        if parts[0] == "imds" and len(parts) >= 3:
            return self.imds_get(parts[1], int(parts[2]), "/".join(parts[3:]))
        self.reply(404, {"message": "not found"})

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path != "/_revoke":
            return self.reply(404, {"message": "not found"})
        past = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=1)
        with _lock:
            for key_id, (secret, token, _) in list(_issued.items()):
                _issued[key_id] = (secret, token, past)
        self.reply(200, {})

    def do_PUT(self):
        parts = self.path.strip("/").split("/")
        if parts[0] == "imds" and parts[3:] == ["latest", "api", "token"]:
            if parts[1] == "v1":
                return self.reply(403, "Forbidden", "text/plain")
            if self.headers.get("x-aws-ec2-metadata-token-ttl-seconds") != "21600":
                return self.reply(400, "Bad Request", "text/plain")
            with _lock:
                _counts["imds_tokens"] += 1
                token = "imds-session-%d" % _counts["imds_tokens"]
            return self.reply(200, token, "text/plain")
        self.reply(404, "not found", "text/plain")

    def imds_get(self, mode, lifetime_s, rest):
        if mode != "v1" and not (self.headers.get("x-aws-ec2-metadata-token") or "").startswith("imds-session-"):
            return self.reply(401, "Unauthorized", "text/plain")
        base = "latest/meta-data/iam/security-credentials"
        if rest == base:
            if mode == "norole":
                return self.reply(404, "Not Found", "text/plain")
            return self.reply(200, IMDS_ROLE, "text/plain")
        if rest == base + "/" + IMDS_ROLE:
            if mode == "failing":
                return self.reply(200, {"Code": "AssumeRoleUnauthorizedAccess", "Message": "the role cannot be assumed"})
            doc = dict(issue("imds", lifetime_s), Code="Success", Type="AWS-HMAC", LastUpdated="2026-01-01T00:00:00Z")
            return self.reply(200, doc)
        self.reply(404, "Not Found", "text/plain")


class FakeAWSCredentials(QuietServer):
    def __init__(self, address=("127.0.0.1", 0)):
        super().__init__(address, Handler)
