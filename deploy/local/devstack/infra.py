"""Apache Kafka (KRaft, from Maven Central jars) and FerretDB (embedded, built with Go).

Both are fetched or built once into the cache, keyed by a hash of the files that define them,
so a change to the POM or the Go program rebuilds and an unchanged one starts in seconds.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path
from string import Template

from devstack.paths import DEPLOY_LOCAL, cache_dir
from devstack.processes import ManagedProcess, by_pid_file, port_open
from devstack.progress import say, step

KAFKA_DIR = DEPLOY_LOCAL / "kafka"
FERRETDB_DIR = DEPLOY_LOCAL / "ferretdb"


def _digest(*files: Path) -> str:
    sha = hashlib.sha256()
    for file in files:
        sha.update(file.read_bytes())
    return sha.hexdigest()[:12]


def _run(command: list[str], what: str, cwd: Path | None = None, attempts: int = 3) -> None:
    """Run a build/download command, retrying network hiccups, failing with its output."""
    for attempt in range(1, attempts + 1):
        result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
        if result.returncode == 0:
            return
        say(f"{what} failed (attempt {attempt}/{attempts}): {result.stderr[-400:].strip()}")
    output = f"{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
    raise RuntimeError(f"{what} failed: {' '.join(command)}\n{output}")


def kafka_libs() -> Path:
    """The broker's jars, copied from Maven Central once."""
    pom = KAFKA_DIR / "pom.xml"
    libs = cache_dir() / "kafka" / _digest(pom) / "libs"
    marker = libs / ".complete"
    if marker.exists():
        return libs
    with step("Fetching Apache Kafka jars from Maven Central (first run only)"):
        if libs.exists():
            shutil.rmtree(libs)
        _run(
            [
                "mvn",
                "-B",
                "-q",
                "-f",
                str(pom),
                "dependency:copy-dependencies",
                "-DincludeScope=runtime",
                f"-DoutputDirectory={libs}",
            ],
            "maven",
        )
        marker.write_text("ok\n")
    return libs


def ferretdb_binary() -> Path:
    """Our FerretDB program, built through the Go module proxy once."""
    sources = [FERRETDB_DIR / name for name in ("go.mod", "go.sum", "main.go", "idindex.go")]
    binary = cache_dir() / "bin" / f"ferretdb-{_digest(*sources)}"
    if binary.exists():
        return binary
    with step("Building FerretDB v1 with Go (first run only, about a minute)"):
        binary.parent.mkdir(parents=True, exist_ok=True)
        tmp = binary.with_suffix(".tmp")
        _run(["go", "build", "-trimpath", "-o", str(tmp), "."], "go build", cwd=FERRETDB_DIR)
        tmp.rename(binary)
    return binary


def _cluster_id() -> str:
    """A KRaft cluster id: 16 random bytes, URL-safe base64 without padding.

    It may start with `-`, so it is passed as `--cluster-id=<id>`, never as a separate argument.
    """
    return base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()


@dataclass
class KafkaBroker:
    """A single-node combined broker+controller on 127.0.0.1."""

    port: int
    controller_port: int
    data_dir: Path
    run_dir: Path
    heap: str = "512m"

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def process(self) -> ManagedProcess:
        libs = kafka_libs()
        return ManagedProcess(
            name="kafka",
            command=[
                "java",
                f"-Xmx{self.heap}",
                f"-Xms{self.heap}",
                "-XX:+UseG1GC",
                f"-Dlog4j2.configurationFile={KAFKA_DIR / 'log4j2.properties'}",
                "-cp",
                f"{libs}/*",
                "kafka.Kafka",
                str(self._config_path),
            ],
            log_path=self.run_dir / "kafka.log",
            pid_path=self.run_dir / "kafka.pid",
        )

    @property
    def _config_path(self) -> Path:
        return self.run_dir / "kafka-server.properties"

    def _format_once(self) -> None:
        """Write the config and format KRaft storage the first time only."""
        data = self.data_dir
        template = Template((KAFKA_DIR / "server.properties.template").read_text())
        config = template.substitute(
            port=self.port, controller_port=self.controller_port, data_dir=data
        )
        self._config_path.write_text(config)
        if (data / "meta.properties").exists():
            return
        libs = kafka_libs()
        _run(
            [
                "java",
                "-cp",
                f"{libs}/*",
                "kafka.tools.StorageTool",
                "format",
                "--standalone",
                f"--cluster-id={_cluster_id()}",
                "-c",
                str(self._config_path),
            ],
            "kafka storage format",
            attempts=1,
        )

    def start(self) -> None:
        """Start the broker (or adopt a running one) and wait until it takes connections."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.run_dir.mkdir(parents=True, exist_ok=True)
        process = self.process
        if process.pid() is not None:
            return
        with step(f"Starting Kafka on {self.bootstrap}"):
            self._format_once()
            process.start()
            process.wait_until(lambda: port_open(self.port), 90, "Kafka listener")

    def stop(self) -> None:
        """By PID file: stopping never fetches the jars."""
        by_pid_file("kafka", self.run_dir).stop()


@dataclass
class FerretDB:
    """FerretDB on SQLite (data under `data_dir`) speaking the MongoDB wire protocol."""

    port: int
    data_dir: Path
    run_dir: Path

    @property
    def url(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/"

    @property
    def process(self) -> ManagedProcess:
        data = self.data_dir
        data.mkdir(parents=True, exist_ok=True)
        return ManagedProcess(
            name="ferretdb",
            command=[
                str(ferretdb_binary()),
                f"--listen=127.0.0.1:{self.port}",
                "--handler=sqlite",
                f"--sqlite-url=file:{data}/",
            ],
            log_path=self.run_dir / "ferretdb.log",
            pid_path=self.run_dir / "ferretdb.pid",
            env={"GOMAXPROCS": os.environ.get("GOMAXPROCS", "2")},
        )

    def start(self) -> None:
        self.run_dir.mkdir(parents=True, exist_ok=True)
        process = self.process
        if process.pid() is not None:
            return
        with step(f"Starting FerretDB on 127.0.0.1:{self.port}"):
            process.start()
            process.wait_until(lambda: port_open(self.port), 60, "FerretDB listener")

    def stop(self) -> None:
        """By PID file: stopping never builds the binary."""
        by_pid_file("ferretdb", self.run_dir).stop()
