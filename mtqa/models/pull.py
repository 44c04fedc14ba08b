"""``mtqa models pull``: fetch a model from the Hugging Face Hub, check it, and only then install it.

The steps, each of which can stop the pull with one line naming the model, the revision and the fix:

1. Resolve. Ask the hub which commit the revision is (``model_info(revision, files_metadata=True)``,
   which also lists every file with its size, and the sha256 of large files). A registry role whose
   revision resolves to another commit than the pinned one stops here: nothing is downloaded.
2. Plan. Take the top-level weight, config and tokenizer files. The snapshot must hold what the
   registry expects and safetensors weights; a revision with only ``pytorch_model.bin`` (pickle) is
   refused unless ``--convert`` was given (see ``convert_pickle``).
3. Download by commit (never by branch name, which could move meanwhile) into a staging folder
   beside the target, on the same file system.
4. Verify every file against the hub's metadata: size, and sha256 (large files) or git blob id
   (small ones). The hub client checks neither for us.
5. Install with renames: a models directory gets ``<dir>/<name>/`` with ``mtqa-model.json``
   recording the commit; the Hugging Face cache gets the blobs, ``snapshots/<commit>/`` and
   ``refs/<revision>``, in its own layout. A pull that fails at any step leaves no half-written
   model behind: the staging folder is removed and the previous model, if any, stays.

A pull killed outright (``kill -9``, power loss) cannot clean up after itself: its staging folder
names the process that owns it, and the next pull of the same model removes such folders whose owner
is gone, first putting back a previous model that a swap had moved aside.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import shutil
import socket
import stat
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mtqa.models.locate import MARKER, content_revision, hf_cache_root, sha256_of
from mtqa.models.registry import ModelSpec, dir_name, is_commit

PULL_PATTERNS = ("*.safetensors", "*.json", "*.spm", "*.model", "vocab.*", "merges.txt", "*.txt")
PICKLE_WEIGHTS = "pytorch_model.bin"  # the one pickle file ``--convert`` reads
PICKLE_PATTERNS = ("*.bin", "*.pt", "*.pth", "*.ckpt", "*.pkl")


class PullError(Exception):
    """A pull that cannot go on; the message is one line naming the model, the revision and the fix."""


@dataclass(frozen=True)
class RemoteFile:
    """One file of a snapshot as the hub describes it."""

    name: str
    size: int | None
    sha256: str | None = None  # large (LFS) files
    blob_id: str | None = None  # git object id: of the file for small files, of the LFS pointer otherwise


@dataclass(frozen=True)
class Request:
    """What to pull: a registry role at its pin, a role at another revision, or any hub id."""

    name: str  # the role, or the hub id
    hub_id: str
    revision: str
    kind: str | None = None
    spec: ModelSpec | None = None  # set for a role pulled at its pinned revision: the pin is checked

    @property
    def label(self) -> str:
        where = f"{self.hub_id}@{self.revision}"
        return f"role {self.name} ({where})" if self.name != self.hub_id else where


@dataclass(frozen=True)
class Resolved:
    request: Request
    commit: str
    files: dict[str, RemoteFile] = field(default_factory=dict)


@dataclass(frozen=True)
class Pulled:
    name: str
    hub_id: str
    revision: str
    commit: str
    path: Path
    size: int
    converted: bool = False


def for_role(spec: ModelSpec, revision: str | None = None) -> Request:
    """A role at its pin, or at ``revision`` (then the pin is not checked: the user chose)."""
    if revision is None or revision == spec.revision:
        return Request(spec.role, spec.hub_id, spec.revision, spec.kind, spec)
    return Request(spec.role, spec.hub_id, revision, spec.kind)


def for_hub_id(hub_id: str, revision: str | None = None) -> Request:
    return Request(hub_id, hub_id, revision or "main")


# ---- talking to the hub ---------------------------------------------------------------------------------


def _client():
    try:
        import huggingface_hub
    except ImportError:
        raise PullError("pulling models needs huggingface_hub: pip install 'mtqa[pull]'") from None
    from huggingface_hub.utils import disable_progress_bars
    from huggingface_hub.utils import logging as hub_logging

    disable_progress_bars()  # mtqa draws its own (on a terminal only)
    hub_logging.set_verbosity_error()  # retries and warnings would break the one-line error contract
    return huggingface_hub


def endpoint() -> str:
    from huggingface_hub import constants

    return constants.ENDPOINT


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0]}" if text else type(exc).__name__


def _hub_error(request: Request, exc: Exception, doing: str) -> PullError:
    """One line for whatever the hub client raised (its error types differ between versions)."""
    from huggingface_hub import utils

    fix = "check the network and run the pull again"
    if isinstance(exc, getattr(utils, "OfflineModeIsEnabled", ())):
        what, fix = "HF_HUB_OFFLINE is set, so the hub cannot be reached", "unset HF_HUB_OFFLINE to pull"
    elif isinstance(exc, utils.RevisionNotFoundError):
        what, fix = f"revision {request.revision} not found", "pull another revision with --revision REV"
    elif isinstance(exc, utils.RepositoryNotFoundError):  # also gated and private repositories
        what, fix = f"{request.hub_id} not found on {endpoint()} (or private or gated)", "check the model id; log in with `hf auth login` for a gated model"
    elif isinstance(exc, utils.HfHubHTTPError):
        what = f"the hub refused: {_first_line(exc)}"
    else:  # connection refused, reset, timed out, ... (httpx, requests or OS errors, by client version)
        what = f"network error: {_first_line(exc)}"
    return PullError(f"{request.label}: {doing} failed: {what}; nothing was installed; {fix}")


def _remote_file(sibling: Any) -> RemoteFile:
    lfs = getattr(sibling, "lfs", None)
    lfs_get = (lfs.get if isinstance(lfs, dict) else lambda key: getattr(lfs, key, None)) if lfs else (lambda key: None)
    size = lfs_get("size") if lfs else getattr(sibling, "size", None)
    return RemoteFile(sibling.rfilename, size, lfs_get("sha256"), getattr(sibling, "blob_id", None))


def resolve(request: Request) -> Resolved:
    """The commit ``request.revision`` is now, with the hub's description of every file in it."""
    hub = _client()
    try:
        info = hub.HfApi().model_info(request.hub_id, revision=request.revision, files_metadata=True)
    except Exception as exc:  # the client raises many types; each becomes one line
        raise _hub_error(request, exc, f"asking {endpoint()} for the commit") from None
    commit = str(info.sha or "")
    if not is_commit(commit):
        raise PullError(f"{request.label}: the hub gave no commit for the revision; nothing was installed")
    spec = request.spec
    if spec is not None and not spec.commit_matches(commit):
        raise PullError(
            f"{request.label}: the pinned {spec.revision} now resolves to commit {commit}, not {spec.expected_commit}; "
            f"nothing was downloaded; fix: check that commit on the hub and pin it in the registry, or pull "
            f"another revision into a models directory with `mtqa models pull {spec.role} --revision REV` "
            f"(add --convert if it holds only pytorch_model.bin)")
    files = {s.rfilename: _remote_file(s) for s in info.siblings or ()}
    return Resolved(request, commit, files)


# ---- which files -----------------------------------------------------------------------------------------


def plan(resolved: Resolved, convert: bool) -> tuple[list[str], bool]:
    """(files to download, whether the weights must be converted from the pickle)."""
    request, names = resolved.request, sorted(resolved.files)
    top = [n for n in names if "/" not in n and n != MARKER]
    wanted = [n for n in top if any(fnmatch.fnmatch(n, p) for p in PULL_PATTERNS)]
    pickles = [n for n in top if any(fnmatch.fnmatch(n, p) for p in PICKLE_PATTERNS)]
    at = f"{request.label} at commit {resolved.commit}"
    has_safetensors = any(n.endswith(".safetensors") for n in wanted)
    to_convert = False
    if not has_safetensors:
        if convert and PICKLE_WEIGHTS in top:
            to_convert = True
            wanted.append(PICKLE_WEIGHTS)
        elif convert:
            found = f"only {', '.join(pickles)}" if pickles else "no weights at all"
            raise PullError(f"{at}: has no *.safetensors and no {PICKLE_WEIGHTS} to convert ({found}); nothing "
                            "was downloaded; fix: pull a revision that has weights with --revision REV")
        elif pickles:
            raise PullError(f"{at}: has no *.safetensors weights, only pickle files ({', '.join(pickles)}), which "
                            f"mtqa does not load; nothing was downloaded; fix: pin a revision with safetensors, or "
                            f"run `mtqa models pull {request.name} --convert` to convert {PICKLE_WEIGHTS} (checked)")
        else:
            raise PullError(f"{at}: has no model weights (no *.safetensors, no {PICKLE_WEIGHTS}); nothing was "
                            "downloaded; fix: check the model id, or pull another revision with --revision REV")
    spec = request.spec
    if spec is not None:
        produced = {"model.safetensors"} if to_convert else set()
        missing = [f for f in spec.files if f not in resolved.files and f not in produced]
        if missing:
            raise PullError(f"{at}: lacks {', '.join(missing)}, which the registry expects; nothing was downloaded; "
                            "fix: check the pinned revision in the registry")
    if "config.json" not in wanted:
        raise PullError(f"{at}: has no config.json; nothing was downloaded; fix: check the model id")
    return wanted, to_convert


# ---- download, verify, install ---------------------------------------------------------------------------


def git_blob_id(path: Path) -> str:
    digest = hashlib.sha1(b"blob %d\0" % path.stat().st_size)
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify(resolved: Resolved, name: str, path: Path) -> str:
    """The file's sha256, once its size and sha256 (or git blob id) match the hub's; else PullError."""
    remote = resolved.files[name]
    size = path.stat().st_size
    where = f"{resolved.request.label}: {name} at commit {resolved.commit}"
    fix = "nothing was installed; fix: run the pull again, and if it repeats, report it"
    if remote.size is not None and size != remote.size:
        raise PullError(f"{where}: downloaded {size} bytes, the hub says {remote.size}; {fix}")
    digest = sha256_of(path)
    if remote.sha256:
        if digest != remote.sha256:
            raise PullError(f"{where}: sha256 {digest} is not the hub's {remote.sha256}; {fix}")
    elif remote.blob_id:
        if git_blob_id(path) != remote.blob_id:
            raise PullError(f"{where}: content does not match the hub's git blob id {remote.blob_id}; {fix}")
    else:
        raise PullError(f"{where}: the hub gave no checksum to check the file against; {fix}")
    return digest


def _folder_bytes(folder: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(folder):
        for f in files:
            try:
                st = os.lstat(os.path.join(root, f))
            except OSError:
                continue
            if stat.S_ISREG(st.st_mode):
                total += st.st_size
    return total


class Progress:
    """A rich progress bar per model on a terminal (stderr); nothing otherwise.

    The hub client writes each file into the staging folder as it arrives, so the bar follows that
    folder's size: it works for every client version and download path.
    """

    def __init__(self, enabled: bool | None = None, console=None):
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.console = console
        self._bar = None

    def __enter__(self) -> Progress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, DownloadColumn, TextColumn, TransferSpeedColumn
            from rich.progress import Progress as Bar

            self._bar = Bar(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                            console=self.console or Console(stderr=True), transient=False)
            self._bar.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.stop()

    @contextmanager
    def track(self, description: str, folder: Path, total: int) -> Iterator[None]:
        if self._bar is None:
            yield
            return
        task = self._bar.add_task(description, total=total or None)
        done = threading.Event()

        def poll() -> None:
            while not done.wait(0.2):
                self._bar.update(task, completed=min(_folder_bytes(folder), total))

        thread = threading.Thread(target=poll, daemon=True)
        thread.start()
        try:
            yield
            self._bar.update(task, completed=total)
        finally:
            done.set()
            thread.join()


def _download(resolved: Resolved, names: list[str], hub_cache: Path, progress: Progress) -> dict[str, Path]:
    """Each file by commit into ``hub_cache`` (a staging cache folder); returns name → readable path."""
    hub = _client()
    request = resolved.request
    total = sum(resolved.files[n].size or 0 for n in names)
    paths = {}
    with progress.track(f"{request.name} {resolved.commit[:12]}", hub_cache, total):
        for name in names:
            try:
                paths[name] = Path(hub.hf_hub_download(request.hub_id, name, revision=resolved.commit,
                                                       cache_dir=str(hub_cache)))
            except Exception as exc:  # one line for any client or network error
                raise _hub_error(request, exc, f"downloading {name} from {endpoint()}") from None
    return paths


def _write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", "utf-8")


OWNER = "owner.json"  # in a staging folder: the pulling process (pid, host)
STAGING_INFIX = ".mtqa-pull-"


def _staging_prefix(name: str) -> str:
    return f".{dir_name(name)}{STAGING_INFIX}"


def _claim(staging: Path) -> None:
    """Record which process owns ``staging``, so a later pull can tell an abandoned one from a live one."""
    _write_json(staging / OWNER, {"host": socket.gethostname(), "pid": os.getpid()})


def _owner_alive(staging: Path) -> bool:
    """False only when the owner is known to be gone: same host, and no such process.

    A folder without a readable owner record is left alone (its pull may be starting right now).
    """
    try:
        owner = json.loads((staging / OWNER).read_text("utf-8"))
        host, pid = owner["host"], int(owner["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return True
    if host != socket.gethostname():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists but belongs to someone else
        return True
    return True


def sweep_abandoned(parent: Path, name: str, final: Path | None) -> list[Path]:
    """Remove staging folders of ``name`` under ``parent`` whose pull was killed; returns them.

    A pull killed between the two renames of ``_swap_into_place`` left the previous model in its
    staging folder and nothing at ``final``: that model is put back first.
    """
    removed = []
    try:
        candidates = sorted(parent.glob(_staging_prefix(name) + "*"))
    except OSError:
        return removed
    for staging in candidates:
        if not staging.is_dir() or _owner_alive(staging):
            continue
        previous = staging / "previous"
        if final is not None and previous.is_dir() and not (final.exists() or final.is_symlink()):
            try:
                os.replace(previous, final)
            except OSError:
                pass
        shutil.rmtree(staging, ignore_errors=True)
        removed.append(staging)
    return removed


def _swap_into_place(new: Path, final: Path, staging: Path) -> None:
    """Replace ``final`` by ``new`` (same file system) with renames; the old one goes to ``staging``."""
    old = staging / "previous"
    had_old = final.exists() or final.is_symlink()
    if had_old:
        os.replace(final, old)
    try:
        os.replace(new, final)
    except OSError:
        if had_old:
            os.replace(old, final)
        raise


def _assemble_dir(paths: dict[str, Path], folder: Path) -> None:
    """Move the downloaded files (blobs behind the cache's links) into a plain folder."""
    folder.mkdir()
    moved: dict[Path, Path] = {}
    for name, link in sorted(paths.items()):
        blob = link.resolve()
        if blob in moved:  # two names, same content: one blob
            shutil.copyfile(moved[blob], folder / name)
        else:
            os.replace(blob, folder / name)
            moved[blob] = folder / name


def _install_into_cache(resolved: Resolved, hub_cache: Path, cache_root: Path, staging: Path) -> Path:
    """Move blobs and the snapshot from the staging cache into the Hugging Face cache; write the ref."""
    repo = f"models--{dir_name(resolved.request.hub_id)}"
    source, target = hub_cache / repo, cache_root / repo
    (target / "blobs").mkdir(parents=True, exist_ok=True)
    (target / "snapshots").mkdir(exist_ok=True)
    for blob in (source / "blobs").iterdir():
        if not (target / "blobs" / blob.name).exists():  # blobs are named by content: same name, same bytes
            os.replace(blob, target / "blobs" / blob.name)
    snapshot = target / "snapshots" / resolved.commit
    _swap_into_place(source / "snapshots" / resolved.commit, snapshot, staging)
    revision = resolved.request.revision
    if not is_commit(revision):  # what the hub client itself records for a branch or ref
        ref = target / "refs" / revision
        ref.parent.mkdir(parents=True, exist_ok=True)
        tmp = ref.with_name(ref.name + ".mtqa-tmp")
        tmp.write_text(resolved.commit, "utf-8")
        os.replace(tmp, ref)
    return snapshot


def pull(request: Request, *, models_dir: Path | None, convert: bool = False,
         progress: Progress | None = None) -> Pulled:
    """Resolve, download, verify and install one model; ``models_dir`` None means the HF cache.

    A conversion (``convert`` and a revision with only ``pytorch_model.bin``) always goes to a models
    directory: the Hugging Face cache holds only what the hub serves.
    """
    progress = progress or Progress(enabled=False)
    resolved = resolve(request)
    names, to_convert = plan(resolved, convert)
    if to_convert and models_dir is None:
        raise PullError(f"{request.label}: a converted model goes into a models directory; fix: add --models-dir DIR")
    if to_convert:
        from mtqa.models.convert_pickle import refusal

        reason = refusal()
        if reason:
            raise PullError(f"{request.label}: cannot convert {PICKLE_WEIGHTS}: {reason}; nothing was downloaded")
    if models_dir is not None:
        parent, final = models_dir, models_dir / dir_name(request.name)
    else:
        parent = hf_cache_root()
        final = parent / f"models--{dir_name(request.hub_id)}" / "snapshots" / resolved.commit
    try:
        parent.mkdir(parents=True, exist_ok=True)
        sweep_abandoned(parent, request.name, final if models_dir is not None else None)
        staging = Path(tempfile.mkdtemp(prefix=_staging_prefix(request.name), dir=parent))
    except OSError as exc:
        raise PullError(f"{request.label}: cannot write to {parent}: {exc.strerror or exc}") from None
    try:
        _claim(staging)
        hub_cache = staging / "hub"
        paths = _download(resolved, names, hub_cache, progress)
        digests = {name: verify(resolved, name, path) for name, path in paths.items()}
        if models_dir is None:
            path = _install_into_cache(resolved, hub_cache, parent, staging)
            return Pulled(request.name, request.hub_id, request.revision, resolved.commit, path, tree_size(path))
        model = staging / "model"
        _assemble_dir(paths, model)
        marker: dict[str, Any] = {"model_id": request.hub_id, "revision": request.revision,
                                  "commit": resolved.commit, "files": digests}
        if to_convert:
            from mtqa.models.convert_pickle import ConversionError, convert_in_place

            try:
                marker["converted_from"] = convert_in_place(model, PICKLE_WEIGHTS, request.kind)
            except ConversionError as exc:
                raise PullError(f"{request.label}: converting {PICKLE_WEIGHTS} at commit {resolved.commit} failed: "
                                f"{exc}; nothing was installed") from None
            marker["files"] = {n: d for n, d in digests.items() if n != PICKLE_WEIGHTS}
        if request.kind:
            marker["kind"] = request.kind
        marker["content"] = content_revision(model, [MARKER])
        _write_json(model / MARKER, marker)
        _swap_into_place(model, final, staging)
        return Pulled(request.name, request.hub_id, request.revision, resolved.commit, final, tree_size(final),
                      to_convert)
    except OSError as exc:
        raise PullError(f"{request.label}: cannot write the model under {parent}: {exc.strerror or exc}; "
                        "nothing was installed") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def tree_size(path: Path) -> int:
    """Bytes of the files in a model folder (following the HF cache's links to its blobs)."""
    total = 0
    for f in path.iterdir():
        try:
            if f.is_file():
                total += f.stat().st_size
        except OSError:
            continue
    return total


def human_size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} GB"
