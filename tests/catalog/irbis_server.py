"""A small IRBIS64 server for tests: real TCP, the commands Vitrina's client uses.

Records live in memory per database. The server checks the username and password on
registration, refuses unregistered clients, and answers each request on its own connection
the way IRBIS64 does (ten header lines, a return code, then the command's data).
"""

import re
import socketserver
import threading

from vitrina.catalog.connectors.irbis import (
    ALL_FORMAT,
    BRIEF_FORMAT,
    FIELD_SEPARATOR,
    IrbisRecord,
)
from vitrina.catalog.gost import describe_short

SERVER_VERSION = "64.2020.1"
SERVER_INI = ["[MAIN]", "STTFILE=irbisr.sst", "DBNNAMECAT=dbnam2.mnu"]
SEARCH_PREFIXES = {"A": ("700", "701"), "T": ("200",), "S": ("606",), "I": ("10",)}


class IrbisDatabase:
    def __init__(self, records=()):
        self.records = {}
        for record in records:
            self.add(record)

    def add(self, record):
        record.mfn = len(self.records) + 1
        record.version = record.version or 1
        self.records[record.mfn] = record
        return record

    def search(self, expression):
        """``A=ПУШКИН$`` (truncated) or ``T=Хирургия`` (exact), joined by ``+`` (or)."""
        found = set()
        for term in expression.split("+"):
            term = term.strip().strip('"')
            prefix, _, value = term.partition("=")
            tags = SEARCH_PREFIXES.get(prefix.upper())
            if not tags:
                continue
            truncated = value.endswith("$")
            value = value.rstrip("$").upper()
            for record in self.records.values():
                for tag, text in record.fields:
                    if tag not in tags:
                        continue
                    key = re.split(r"\^", text)[1][1:].upper() if "^" in text else text.upper()
                    if key == value or (truncated and key.startswith(value)):
                        found.add(record.mfn)
        return sorted(found)


class IrbisServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, databases, *, username="librarian", password="secret"):
        super().__init__(("127.0.0.1", 0), IrbisHandler)
        self.databases = databases
        self.username = username
        self.password = password
        self.clients = set()
        self.requests = []
        self.lock = threading.Lock()

    @property
    def port(self):
        return self.server_address[1]

    def start(self):
        thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        thread.start()
        return self

    def stop(self):
        self.shutdown()
        self.server_close()


class IrbisHandler(socketserver.StreamRequestHandler):
    def handle(self):
        length = int(self.rfile.readline().strip())
        body = self.rfile.read(length)
        lines = body.split(b"\n")
        command, workstation, _, client_id, query_id, password, username = (
            line.decode("cp1251") for line in lines[:7]
        )
        parameters = lines[10:]
        with self.server.lock:
            self.server.requests.append((command, workstation, int(client_id), int(query_id)))
        code, data = self.dispatch(command, int(client_id), username, password, parameters)
        header = [command, client_id, query_id, "", SERVER_VERSION, "0", "", "", "", ""]
        answer = "\r\n".join(header).encode("cp1251") + b"\r\n" + str(code).encode() + b"\r\n"
        answer += b"".join(line + b"\r\n" for line in data)
        self.wfile.write(answer)

    def dispatch(self, command, client_id, username, password, parameters):
        server = self.server
        if command == "A":
            if username != server.username:
                return -3333, []
            if password != server.password:
                return -4444, []
            with server.lock:
                if client_id in server.clients:
                    return -3337, []
                server.clients.add(client_id)
            return 0, [b""] + [line.encode("cp1251") for line in SERVER_INI]
        if client_id not in server.clients:
            return -3334, []
        if command == "B":
            with server.lock:
                server.clients.discard(client_id)
            return 0, []
        if command == "N":
            return 0, []
        database = server.databases.get(parameters[0].decode("cp1251")) if parameters else None
        if database is None:
            return -201, []
        if command == "O":
            return len(database.records) + 1, []
        if command == "C":
            record = database.records.get(int(parameters[1]))
            if record is None:
                return -140, []
            return 0, [line.encode() for line in record.encode().split(FIELD_SEPARATOR)]
        if command == "K":
            expression = parameters[1].decode()
            limit, first = int(parameters[2] or 0), int(parameters[3] or 1)
            fmt = parameters[4].decode() if len(parameters) > 4 else ""
            found = database.search(expression)
            page = found[first - 1 : first - 1 + limit] if limit else found[first - 1 :]
            data = [str(len(found)).encode()]
            data += [self.line(database.records[mfn], fmt) for mfn in page]
            return 0, data
        if command == "G":
            fmt = parameters[1].decode()
            count = int(parameters[2])
            mfns = [int(value) for value in parameters[3 : 3 + count]]
            if any(mfn not in database.records for mfn in mfns):
                return -140, []
            return 0, [self.line(database.records[mfn], fmt) for mfn in mfns]
        return -2222, []

    @staticmethod
    def line(record, fmt):
        if not fmt:
            return str(record.mfn).encode()
        if fmt == ALL_FORMAT:
            text = record.encode()
        elif fmt == BRIEF_FORMAT:
            text = describe_short(record.to_bibrecord())
        else:
            text = ""
        return f"{record.mfn}#{text}".encode()


def irbis_record(*fields):
    return IrbisRecord(fields=list(fields))
