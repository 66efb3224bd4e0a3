"""Local HTTP servers for connector tests: an SRU endpoint and a Koha-shaped REST API."""

import base64
import json
import threading
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from pymarc import record_to_xml_node

SRW = "http://www.loc.gov/zing/srw/"
# Titles of the sample records the doubles serve.
TITLES = [f"Хирургия: выпуск {number}" for number in range(1, 8)] + ["Терапия"]


class Double(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, handler):
        super().__init__(("127.0.0.1", 0), handler)
        self.requests = []

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"

    def start(self):
        threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def stop(self):
        self.shutdown()
        self.server_close()


class QuietHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send(self, status, body, content_type, headers=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


def marc_element(record):
    return ET.tostring(record_to_xml_node(record, namespace=True), encoding="unicode")


def title_of(record):
    """245 $a in MARC21, 200 $a in RUSMARC."""
    field = record.get("245") or record.get("200")
    return field["a"] if field else ""


class SruHandler(QuietHandler):
    """``searchRetrieve`` over the server's ``records``; ``query`` matches titles."""

    def do_GET(self):
        url = urlparse(self.path)
        params = {key: values[0] for key, values in parse_qs(url.query).items()}
        self.server.requests.append(params)
        if params.get("operation") != "searchRetrieve":
            return self.send(400, b"unsupported", "text/plain")
        if params.get("query", "").startswith("bad"):
            body = (
                f'<zs:searchRetrieveResponse xmlns:zs="{SRW}"><zs:version>1.2</zs:version>'
                "<zs:numberOfRecords>0</zs:numberOfRecords><zs:diagnostics>"
                '<diag:diagnostic xmlns:diag="http://www.loc.gov/zing/srw/diagnostic/">'
                "<diag:uri>info:srw/diagnostic/1/10</diag:uri>"
                "<diag:message>Query syntax error</diag:message></diag:diagnostic>"
                "</zs:diagnostics></zs:searchRetrieveResponse>"
            )
            return self.send(200, body.encode(), "text/xml; charset=utf-8")
        term = params["query"].split("=", 1)[-1].strip('"').lower()
        found = [record for record in self.server.records if term in title_of(record).lower()]
        start = int(params.get("startRecord", 1))
        maximum = int(params.get("maximumRecords", 10))
        page = found[start - 1 : start - 1 + maximum]
        packing = self.server.packing
        items = []
        for position, record in enumerate(page, start=start):
            data = marc_element(record)
            if packing == "string":
                data = data.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            items.append(
                f"<zs:record><zs:recordSchema>marcxml</zs:recordSchema>"
                f"<zs:recordPacking>{packing}</zs:recordPacking>"
                f"<zs:recordData>{data}</zs:recordData>"
                f"<zs:recordPosition>{position}</zs:recordPosition></zs:record>"
            )
        following = start + len(page)
        next_position = (
            f"<zs:nextRecordPosition>{following}</zs:nextRecordPosition>"
            if following <= len(found)
            else ""
        )
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?><zs:searchRetrieveResponse xmlns:zs="{SRW}">'
            f"<zs:version>1.2</zs:version><zs:numberOfRecords>{len(found)}</zs:numberOfRecords>"
            f"<zs:records>{''.join(items)}</zs:records>{next_position}"
            "</zs:searchRetrieveResponse>"
        )
        self.send(200, body.encode(), "text/xml; charset=utf-8")


def sru_server(records, packing="xml"):
    server = Double(SruHandler)
    server.records = records
    server.packing = packing
    return server.start()


class KohaHandler(QuietHandler):
    """``/api/v1/biblios`` with Basic auth or OAuth2 client credentials."""

    def authorised(self):
        header = self.headers.get("Authorization", "")
        if header.startswith("Basic "):
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
            return (user, password) == ("koha", "koha-pass")
        if header.startswith("Bearer "):
            return header[7:] in self.server.tokens
        return False

    def do_POST(self):
        self.server.requests.append(("POST", self.path))
        if self.path != "/api/v1/oauth/token":
            return self.send(404, b"{}", "application/json")
        length = int(self.headers.get("Content-Length", 0))
        form = {
            key: values[0] for key, values in parse_qs(self.rfile.read(length).decode()).items()
        }
        if (form.get("grant_type"), form.get("client_id"), form.get("client_secret")) != (
            "client_credentials",
            "vitrina",
            "s3cret",
        ):
            return self.send(400, b'{"error": "invalid_client"}', "application/json")
        self.server.issued += 1
        token = f"token-{self.server.issued}"
        self.server.tokens.add(token)
        body = {"access_token": token, "token_type": "Bearer", "expires_in": 3600}
        self.send(200, json.dumps(body).encode(), "application/json")

    def do_GET(self):
        url = urlparse(self.path)
        self.server.requests.append(("GET", self.path))
        if not self.authorised():
            return self.send(401, b'{"error": "Authentication failure."}', "application/json")
        biblios = self.server.biblios
        if url.path.startswith("/api/v1/biblios/"):
            biblio_id = int(url.path.rsplit("/", 1)[1])
            if biblio_id not in biblios:
                return self.send(404, b'{"error": "Object not found."}', "application/json")
            if self.headers.get("Accept") != "application/marcxml+xml":
                return self.send(406, b'{"error": "Not acceptable"}', "application/json")
            body = '<?xml version="1.0" encoding="UTF-8"?>' + marc_element(
                biblios[biblio_id]["marc"]
            )
            return self.send(200, body.encode(), "application/marcxml+xml")
        if url.path == "/api/v1/biblios":
            params = {key: values[0] for key, values in parse_qs(url.query).items()}
            query = json.loads(params.get("q", "{}"))
            pattern = query.get("title", {}).get("-like", "%").strip("%").lower()
            found = [
                biblio["json"]
                for biblio in biblios.values()
                if pattern in biblio["json"]["title"].lower()
            ]
            page, per_page = int(params.get("_page", 1)), int(params.get("_per_page", 20))
            chunk = found[(page - 1) * per_page : page * per_page]
            return self.send(
                200,
                json.dumps(chunk, ensure_ascii=False).encode(),
                "application/json",
                headers=[("X-Total-Count", str(len(found)))],
            )
        self.send(404, b"{}", "application/json")


def koha_server(biblios):
    server = Double(KohaHandler)
    server.biblios = biblios
    server.tokens = set()
    server.issued = 0
    return server.start()
