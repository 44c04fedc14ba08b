"""Hostile input and unsafe models: no terminal escape injection, no markup injection, no pickle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from mtqa.models.safety import UnsafeModel, check_model_dir

PACKAGE = Path(__file__).resolve().parents[2] / "mtqa"
HOSTILE = ("Ministers met \x1b[2J\x1b[31min Berlin\x1b[0m on Monday.\x1b]0;pwned\x07 "
           "They \u202eagreed\u202c on a plan.\x9b31m Done.\n")


@pytest.fixture
def hostile(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text(HOSTILE)
    return path


@pytest.mark.parametrize("command", ["flags", "score", "check"])
def test_terminal_output_carries_no_escape_from_the_article(cli, hostile, command):
    extra = {"flags": ["--all"], "check": ["--fail-on", "never"]}.get(command, [])
    result = cli(command, hostile, "--signals", "rules", "--no-color", *extra)
    assert result.exit_code == 0, result.stderr
    for bad in ("\x1b", "\x07", "\x9b", "\u202e"):
        assert bad not in result.stdout
    if command == "flags":
        assert "in Berlin" in result.stdout


def test_coloured_output_has_only_its_own_escapes(cli, hostile):
    result = cli("flags", hostile, "--signals", "rules", "--all", "--color")
    assert result.exit_code == 0, result.stderr
    assert "\x1b[2J" not in result.stdout and "\x1b]0;" not in result.stdout and "\x07" not in result.stdout


def test_error_lines_carry_no_escape_from_a_file_name(cli, tmp_path):
    result = cli("flags", tmp_path / "evil\x1b]0;x\x07\x1bc.txt", "--signals", "rules")
    assert result.exit_code == 2
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr and "no such file" in result.stderr


def test_html_report_escapes_article_text(cli, tmp_path):
    path = tmp_path / "story.txt"
    path.write_text('They said <script>alert(1)</script> and "><img src=x onerror=alert(2)> on Monday.\n')
    result = cli("flags", path, "--signals", "rules", "--all", "--format", "html")
    assert result.exit_code == 0, result.stderr
    assert "<script>alert" not in result.stdout and "<img src=x" not in result.stdout
    assert "&lt;script&gt;alert(1)" in result.stdout


# ---- what the package itself may call ---------------------------------------------------------

def _calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            owner = getattr(func.value, "id", "") if isinstance(func, ast.Attribute) else ""
            yield node, owner, name


PICKLE_LOADER = "models/convert_pickle.py"  # `mtqa models pull --convert`, the one explicit pickle path


def test_package_never_trusts_remote_code_or_unpickles():
    problems, pickle_loads = [], []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        relative = path.relative_to(PACKAGE).as_posix()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module in ("pickle", "torch", "torch.serialization", "dill"):
                if any(alias.name in ("load", "loads", "Unpickler") for alias in node.names):
                    problems.append(f"{relative}:{node.lineno}: from {node.module} import a loader")
        for node, owner, name in _calls(tree):
            where = f"{relative}:{node.lineno}"
            for kw in node.keywords:
                if kw.arg == "trust_remote_code" and not (isinstance(kw.value, ast.Constant) and kw.value.value is False):
                    problems.append(f"{where}: trust_remote_code not literally False")
                if kw.arg == "use_safetensors" and not (isinstance(kw.value, ast.Constant) and kw.value.value is True):
                    problems.append(f"{where}: use_safetensors not literally True")
                if kw.arg == "weights_only" and not (isinstance(kw.value, ast.Constant) and kw.value.value is True):
                    problems.append(f"{where}: weights_only not literally True")
            if name in ("eval", "exec") and isinstance(node.func, ast.Name):  # the builtins, not model.eval()
                problems.append(f"{where}: {name}()")
            if (owner, name) == ("torch", "load"):
                pickle_loads.append(where)
                weights_only = [kw for kw in node.keywords if kw.arg == "weights_only"]
                if relative != PICKLE_LOADER or not weights_only:
                    problems.append(f"{where}: torch.load() outside {PICKLE_LOADER} or without weights_only=True")
            if (owner, name) in {("pickle", "load"), ("pickle", "loads"), ("os", "system")}:
                problems.append(f"{where}: {owner}.{name}()")
    assert problems == []
    assert len(pickle_loads) == 1 and pickle_loads[0].startswith(PICKLE_LOADER), pickle_loads


def test_the_pickle_loader_checks_the_torch_version_first():
    """``--convert`` loads only under torch >= 2.10: the function that calls torch.load asks ``refusal()`` first."""
    tree = ast.parse((PACKAGE / PICKLE_LOADER).read_text("utf-8"))
    loaders = [f for f in ast.walk(tree) if isinstance(f, ast.FunctionDef)
               and any(owner == "torch" and name == "load" for _, owner, name in _calls(f))]
    assert len(loaders) == 1
    calls = [(node.lineno, name) for node, _, name in _calls(loaders[0]) if name in ("refusal", "load")]
    assert [name for _, name in sorted(calls)][:2] == ["refusal", "load"]
    from mtqa.models.convert_pickle import MIN_TORCH

    assert MIN_TORCH >= (2, 10)


# ---- model directories ------------------------------------------------------------------------

def model_dir(path: Path, *files: str) -> Path:
    path.mkdir(parents=True)
    (path / "config.json").write_text("{}")
    for name in files:
        (path / name).write_bytes(b"\0")
    return path


def test_safetensors_model_inside_the_root_is_accepted(tmp_path):
    root = tmp_path / "models"
    good = model_dir(root / "roundtrip", "model.safetensors")
    assert check_model_dir(good, [root]) == good.resolve()


@pytest.mark.parametrize("pickle_name", ["pytorch_model.bin", "model.pt", "weights.pkl", "optimizer.pth"])
def test_a_model_dir_with_pickle_files_is_refused(tmp_path, pickle_name):
    root = tmp_path / "models"
    bad = model_dir(root / "roundtrip", "model.safetensors", pickle_name)
    with pytest.raises(UnsafeModel, match=f"pickle files \\({pickle_name}\\).*safetensors only"):
        check_model_dir(bad, [root])


def test_a_model_dir_without_safetensors_is_refused(tmp_path):
    root = tmp_path / "models"
    with pytest.raises(UnsafeModel, match="no \\*.safetensors"):
        check_model_dir(model_dir(root / "fluency"), [root])


def test_a_symlinked_model_dir_outside_the_roots_is_not_followed(tmp_path):
    root = tmp_path / "models"
    root.mkdir()
    elsewhere = model_dir(tmp_path / "elsewhere" / "fluency", "model.safetensors")
    (root / "fluency").symlink_to(elsewhere)
    with pytest.raises(UnsafeModel, match="outside the model roots"):
        check_model_dir(root / "fluency", [root])
    assert check_model_dir(root / "fluency", [root, tmp_path / "elsewhere"]) == elsewhere.resolve()


def test_a_weight_file_linked_outside_the_roots_is_refused(tmp_path):
    root = tmp_path / "models"
    target = model_dir(root / "fluency")
    outside = tmp_path / "secret.safetensors"
    outside.write_bytes(b"\0")
    (target / "model.safetensors").symlink_to(outside)
    with pytest.raises(UnsafeModel, match="links outside the model roots"):
        check_model_dir(target, [root])


def test_a_symlink_loop_model_dir_is_refused(tmp_path):
    root = tmp_path / "models"
    root.mkdir()
    (root / "a").symlink_to(root / "b")
    (root / "b").symlink_to(root / "a")
    with pytest.raises(UnsafeModel, match="cannot resolve"):
        check_model_dir(root / "a", [root])


def test_a_model_linked_in_from_outside_the_models_dir_is_refused(tiny_models_dir, tmp_path):
    from mtqa.config import Config
    from mtqa.models.locate import ModelError, locate

    models = tmp_path / "models"
    models.mkdir()
    (models / "fluency").symlink_to(tiny_models_dir / "fluency", target_is_directory=True)
    with pytest.raises(ModelError, match="outside the model roots"):
        locate("fluency", Config(models_dir=models))
    assert locate("fluency", Config(models_dir=tiny_models_dir)).path.name == "fluency"


def test_a_models_dir_with_a_pickle_beside_safetensors_is_refused(tiny_models_dir, tmp_path):
    import shutil

    from mtqa.config import Config
    from mtqa.models.locate import ModelError, locate

    models = tmp_path / "models"
    shutil.copytree(tiny_models_dir / "fluency", models / "fluency")
    (models / "fluency" / "pytorch_model.bin").write_bytes(b"not really a pickle")
    with pytest.raises(ModelError, match="pickle"):
        locate("fluency", Config(models_dir=models))
