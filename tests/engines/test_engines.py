"""Choosing an engine: settings from options and mtqa.toml, one-line errors, Ray missing."""

from __future__ import annotations

import sys

import pytest

from mtqa.config import Config, ConfigError, load_config
from mtqa.engines import open_engine
from mtqa.engines.base import Engine
from mtqa.types import Document, DocumentReport
from tests.conftest import one_line_error


def test_the_local_engine_is_the_default_and_keeps_input_order():
    engine = open_engine(Config(signals=("rules",)))
    assert isinstance(engine, Engine)
    broken = DocumentReport(Document("x", "x", ""), (), None, "", (), error="x: unreadable")
    docs = [Document("a", "a", "Ministers met in Berlin."), broken, Document("c", "c", "The vote is due.")]
    reports = list(engine.reports(docs))
    engine.close()
    assert [r.document.id for r in reports] == ["a", "x", "c"]
    assert reports[1] is broken
    assert {r.signature for r in (reports[0], reports[2])} == {engine.signature}


def test_engine_settings_come_from_mtqa_toml(tmp_path):
    (tmp_path / "mtqa.toml").write_text('engine = "ray"\nray-address = "auto"\nworkers = 3\n'
                                        'cpus_per_worker = 2\ngpus_per_worker = 0.5\ndevice = "cuda"\ndocs_per_task = 8\n')
    config = load_config(tmp_path)
    assert (config.engine, config.ray_address, config.workers) == ("ray", "auto", 3)
    assert (config.cpus_per_worker, config.gpus_per_worker, config.docs_per_task) == (2.0, 0.5, 8)
    assert load_config(tmp_path, workers=1, engine="local").workers == 1  # options win


@pytest.mark.parametrize("settings, message", [
    ({"engine": "spark"}, "unknown engine 'spark'; choose one of local, ray"),
    ({"workers": 0}, "--workers must be at least 1"),
    ({"workers": "2"}, "setting 'workers' must be int"),
    ({"cpus_per_worker": 0}, "--cpus-per-worker must be a number more than 0"),
    ({"cpus_per_worker": float("inf")}, "--cpus-per-worker must be a number more than 0"),
    ({"gpus_per_worker": -1}, "--gpus-per-worker must be a number, 0 or more"),
    ({"gpus_per_worker": 1}, "--gpus-per-worker needs --device cuda"),
    ({"ray_address": " "}, "--ray-address must not be empty"),
    ({"ray_address": 6379}, "setting 'ray_address' must be str"),
    ({"docs_per_task": 0}, "docs_per_task must be at least 1"),
])
def test_bad_engine_settings_are_refused(settings, message, tmp_path):
    with pytest.raises(ConfigError, match="^" + message.replace("(", r"\(")):
        load_config(tmp_path, **settings)


@pytest.mark.parametrize("args, needle", [
    (("--engine", "spark"), "unknown engine 'spark'"),
    (("--engine", "ray", "--workers", "0"), "--workers must be at least 1"),
    (("--engine", "ray", "--cpus-per-worker", "-1"), "--cpus-per-worker must be a number more than 0"),
    (("--engine", "ray", "--gpus-per-worker", "1"), "--gpus-per-worker needs --device cuda"),
])
def test_bad_engine_options_are_one_line(cli, seed_path, args, needle):
    one_line_error(cli("score", seed_path, "--signals", "rules", *args), needle)


def test_without_ray_the_ray_engine_is_one_line(cli, seed_path, monkeypatch):
    for name in [m for m in sys.modules if m == "ray" or m.startswith("ray.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "ray", None)  # what an environment without Ray looks like to import
    result = cli("score", seed_path, "--signals", "rules", "--engine", "ray")
    one_line_error(result, "--engine ray needs Ray: pip install 'mtqa[ray]'")


def test_an_unreachable_cluster_is_one_line(cli, seed_path, monkeypatch):
    import mtqa.engines.ray as engine_module

    class FakeRay:  # Ray's own connection attempt takes its time-out; what matters is how it is told
        @staticmethod
        def is_initialized():
            return False

        @staticmethod
        def init(**options):
            raise ConnectionError(f"Could not find any running Ray instance at {options['address']}.\nMore text.")

    monkeypatch.setattr(engine_module, "import_ray", lambda local: FakeRay)
    result = cli("score", seed_path, "--signals", "rules", "--engine", "ray", "--ray-address", "10.0.0.9:6379")
    one_line_error(result, "cannot join the Ray cluster at 10.0.0.9:6379: Could not find any running Ray instance")
