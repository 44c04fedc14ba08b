"""A loopback fake of the Hugging Face Hub: just the part ``huggingface_hub`` downloads use.

The tests in this folder point the real ``huggingface_hub`` client (and the real ``mtqa`` CLI) at it.
What mtqa relies on from the hub protocol (read from huggingface_hub 2.4.0's source and exercised
with the real client):

1. Revision -> commit. ``snapshot_download(repo, revision=REV)`` first calls ``model_info``:
   ``GET /api/models/{repo}/revision/{quote(REV, safe="")}`` (``refs/pr/4`` travels as ``refs%2Fpr%2F4``)
   and takes the commit from the JSON's ``"sha"``. A 40-hex REV skips this call. With ``?blobs=true``
   (``files_metadata=True``) each of ``"siblings": [{"rfilename"}]`` also gets ``"size"``, ``"blobId"``
   and, for LFS files, ``"lfs": {"sha256", "size", "pointerSize"}``: what mtqa checks a download against.
2. File list. ``GET /api/models/{repo}/tree/{sha}?recursive=true&expand=false`` returns
   ``[{"type": "file", "path", "size", "oid", "lfs": {"oid", "size", "pointerSize"}}]`` (more pages
   would come through a ``Link: <...>; rel="next"`` header); ``allow_patterns`` filter it client-side, and
   the client caches it as ``trees/{sha}.json``.
3. Per file, ``HEAD /{repo}/resolve/{sha}/{quote(path)}``. The answer must carry ``X-Repo-Commit``
   (else ``FileMetadataError``), an ETag (``X-Linked-Etag`` wins over ``ETag``) and a size
   (``X-Linked-Size``, else ``Content-Length`` unless it is a redirect). LFS files (``*.safetensors``,
   ``*.bin``, ...) answer ``302`` to a CDN with ETag = their sha256; the client follows HEAD redirects only
   to the same origin, so the CDN here is ``http://localhost:PORT`` (same socket, another origin).
4. ``GET`` of that Location (or of ``/resolve`` for plain files) streams into a uniquely named
   ``*.incomplete`` file. A dropped connection is resumed with ``Range: bytes=N-`` (``206`` with
   ``Content-Range``), up to 5 tries 1 s apart; the final size must equal the expected size. The sha256 is
   *not* checked by the client.
5. Errors are told apart by the ``X-Error-Code`` header: ``RepoNotFound`` -> ``RepositoryNotFoundError``,
   ``RevisionNotFound`` -> ``RevisionNotFoundError``, ``EntryNotFound`` -> ``RemoteEntryNotFoundError``.

Repos are ``{repo_id: {revision_name: (commit_sha, {filename: bytes})}}``; a revision name is a branch
(``"main"``) or a ref (``"refs/pr/4"``), and any commit sha of the repo works as a revision too. The server
binds 127.0.0.1 on an ephemeral port, serves from a daemon thread and stops itself after ``deadline``
seconds. ``faults[filename]`` breaks the download of that file halfway through, after headers that
promise the full length: ``"once"`` (the next request goes through, so a resume works), ``"cut"`` (every
request stops at the same byte), ``"gone"`` (the whole server stops there), or ``"corrupt"`` (right size,
wrong bytes).
"""

from __future__ import annotations

import hashlib
import json
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

LFS_SUFFIXES = (".safetensors", ".bin", ".h5", ".msgpack", ".ot", ".pt", ".pth", ".ckpt")
API = re.compile(r"^/api/models/(?P<repo>[^/]+(?:/[^/]+)??)(?:/(?P<kind>revision|tree)/(?P<rev>[^/]+))?$")
RESOLVE = re.compile(r"^/(?P<repo>[^/]+(?:/[^/]+)?)/resolve/(?P<rev>[^/]+)/(?P<file>.+)$")
CDN = re.compile(r"^/_cdn/(?P<digest>[0-9a-f]{64})$")
RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def commit_id(label: str) -> str:
    """A stable 40-hex commit sha for a label."""
    return hashlib.sha1(label.encode()).hexdigest()


def git_blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def is_lfs(name: str) -> bool:
    return name.endswith(LFS_SUFFIXES)


def tree_entry(name: str, data: bytes) -> dict:
    """A file as ``/api/models/{repo}/tree`` lists it (the git oid of an LFS file is its pointer's)."""
    entry = {"type": "file", "path": name, "size": len(data), "oid": git_blob_id(data)}
    if is_lfs(name):
        digest = hashlib.sha256(data).hexdigest()
        pointer = f"version https://git-lfs.github.com/spec/v1\noid sha256:{digest}\nsize {len(data)}\n".encode()
        entry.update(oid=git_blob_id(pointer), lfs={"oid": digest, "size": len(data), "pointerSize": len(pointer)})
    return entry


class HubError(Exception):
    def __init__(self, code: str, message: str, commit: str | None = None):
        super().__init__(message)
        self.code, self.commit = code, commit


class FakeHub:
    def __init__(self, repos: dict, *, deadline: float = 120.0, cdn_host: str = "localhost"):
        self.repos = repos
        self.faults: dict[str, str] = {}  # file name -> "corrupt" | "once" | "gone" | "stall"
        self.stalled = threading.Event()  # set when a "stall" download has sent its first half
        self.requests: list[tuple[str, str, str | None]] = []  # (method, raw path, Range header)
        self.blobs: dict[str, tuple[str, bytes]] = {}  # sha256 -> (filename, bytes), filled by LFS redirects
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.hub, self._server.connections = self, set()
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.cdn = f"http://{cdn_host}:{self.port}"
        self._lock, self._started, self._stopped = threading.Lock(), False, False
        self._timer = threading.Timer(deadline, self.stop)
        self._timer.daemon = True

    def __enter__(self) -> FakeHub:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        self._started = True
        self._timer.start()

    def stop(self) -> None:
        """Stop serving and close the listening socket, so later connections are refused."""
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
        self._timer.cancel()
        if self._started:
            self._server.shutdown()
        self._server.server_close()
        for conn in list(self._server.connections):  # also hang up kept-alive connections
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def snapshot(self, repo_id: str, revision: str) -> tuple[str, dict[str, bytes]]:
        refs = self.repos.get(repo_id)
        if refs is None:
            raise HubError("RepoNotFound", f"Repository Not Found: {repo_id}")
        if revision in refs:
            return refs[revision]
        for commit, files in refs.values():
            if commit == revision:
                return commit, files
        raise HubError("RevisionNotFound", f"Invalid rev id: {revision}")

    def model_info(self, repo_id: str, revision: str, blobs: bool, expand: list[str]) -> dict:
        commit, files = self.snapshot(repo_id, revision)
        siblings = []
        for name in sorted(files):
            sibling = {"rfilename": name}
            if blobs:
                entry = tree_entry(name, files[name])
                sibling.update(size=entry["size"], blobId=entry["oid"])
                if "lfs" in entry:
                    lfs = entry["lfs"]
                    sibling["lfs"] = {"sha256": lfs["oid"], "size": lfs["size"], "pointerSize": lfs["pointerSize"]}
            siblings.append(sibling)
        info = {"_id": commit[:24], "id": repo_id, "modelId": repo_id, "sha": commit, "private": False,
                "gated": False, "disabled": False, "downloads": 0, "likes": 0, "tags": [], "lastModified": "2023-03-17T00:00:00.000Z",
                "siblings": siblings}
        return {k: v for k, v in info.items() if k in ("_id", "id", *expand)} if expand else info

    def tree(self, repo_id: str, revision: str) -> list[dict]:
        """The recursive listing, all ``snapshot_download`` asks for (it ignores folder entries, so none here)."""
        _, files = self.snapshot(repo_id, revision)
        return [tree_entry(name, data) for name, data in sorted(files.items())]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    hub: FakeHub
    connections: set  # open client sockets (set.add/discard are atomic), so stop() can hang them up

    def process_request(self, request, client_address) -> None:
        self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request) -> None:
        self.connections.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request, client_address) -> None:
        pass  # a client hanging up (or a fault we caused) is not worth a traceback


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        self._route(head=False)

    def do_HEAD(self) -> None:
        self._route(head=True)

    def _route(self, head: bool) -> None:
        hub = self.server.hub
        hub.requests.append((self.command, self.path, self.headers.get("Range")))
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        try:
            if m := API.match(url.path):
                repo, rev = unquote(m["repo"]), unquote(m["rev"] or "main")
                if m["kind"] == "tree":
                    body = hub.tree(repo, rev)
                else:
                    blobs = query.get("blobs", ["false"])[0].lower() == "true"
                    body = hub.model_info(repo, rev, blobs, query.get("expand", []) + query.get("expand[]", []))
                return self._reply(200, {"Content-Type": "application/json"}, json.dumps(body).encode(), head)
            if m := RESOLVE.match(url.path):
                return self._resolve(unquote(m["repo"]), unquote(m["rev"]), unquote(m["file"]), head)
            if (m := CDN.match(url.path)) and m["digest"] in hub.blobs:
                name, data = hub.blobs[m["digest"]]
                return self._send_file(name, data, {"ETag": f'"{m["digest"]}"'}, head)
            raise HubError("", "Not Found")
        except HubError as err:
            headers = {"Content-Type": "application/json", "X-Error-Message": str(err)}
            if err.code:
                headers["X-Error-Code"] = err.code
            if err.commit:
                headers["X-Repo-Commit"] = err.commit
            self._reply(404, headers, json.dumps({"error": str(err)}).encode(), head)

    def _resolve(self, repo: str, rev: str, name: str, head: bool) -> None:
        hub = self.server.hub
        commit, files = hub.snapshot(repo, rev)
        if name not in files:
            raise HubError("EntryNotFound", f"{name} does not exist on {rev!r}", commit)
        data, entry = files[name], tree_entry(name, files[name])
        headers = {"X-Repo-Commit": commit, "ETag": f'"{entry["oid"]}"'}
        if "lfs" not in entry:
            return self._send_file(name, data, headers, head)
        digest = entry["lfs"]["oid"]
        hub.blobs[digest] = (name, data)
        headers.update({"X-Linked-Etag": f'"{digest}"', "X-Linked-Size": str(len(data)),
                        "Location": f"{hub.cdn}/_cdn/{digest}"})
        self._reply(302, headers, b"", head)

    def _send_file(self, name: str, data: bytes, headers: dict, head: bool) -> None:
        headers = {**headers, "Accept-Ranges": "bytes", "Content-Type": "application/octet-stream"}
        start, end, status = 0, len(data) - 1, 200
        if (wanted := self.headers.get("Range")) is not None:  # bytes=N-, bytes=N-M or bytes=-K
            m = RANGE.match(wanted.strip())
            if m and m[1]:
                start, end = int(m[1]), min(int(m[2]) if m[2] else end, end)
            elif m and m[2]:
                start = max(0, len(data) - int(m[2]))
            if not m or start > end or not (m[1] or m[2]):
                return self._reply(416, {"Content-Range": f"bytes */{len(data)}"}, b"", head)
            status, headers["Content-Range"] = 206, f"bytes {start}-{end}/{len(data)}"
        body, fault, cut = data[start:end + 1], self.server.hub.faults.get(name), len(data) // 2
        if head or fault is None or end < cut:
            return self._reply(status, headers, body, head)
        if fault == "corrupt":
            return self._reply(status, headers, bytes(b ^ 0xFF for b in body), head)
        if fault == "stall":  # send half, then hold the connection open until the hub stops
            return self._stall(status, headers, body[:max(0, cut - start)], len(body))
        self._reply(status, headers, body, head, cut=max(0, cut - start))  # promise all, send up to the cut
        if fault == "once":
            self.server.hub.faults.pop(name, None)
        elif fault == "gone":
            self.server.hub.stop()

    def _stall(self, status: int, headers: dict, part: bytes, size: int) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(size))
        self.end_headers()
        self.wfile.write(part)
        self.wfile.flush()
        hub = self.server.hub
        hub.stalled.set()
        while not hub._stopped:
            time.sleep(0.05)
        self.close_connection = True

    def _reply(self, status: int, headers: dict, body: bytes, head: bool, cut: int | None = None) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if head:
            return
        self.wfile.write(body if cut is None else body[:cut])
        if cut is not None:  # hang up mid-body: the client sees fewer bytes than Content-Length promised
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
