"""Word 97-2003 (.doc) and RTF -> text: converted with LibreOffice (``soffice``/``libreoffice``, to .docx, then read
by ``docx.extract_docx``) or ``antiword``, in a temporary folder; without either the file is skipped with a clear
reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

from .. import limits
from .common import SKIP_LEGACY_DOC, Extracted, OfficeError, finish, installed
from .docx import extract_docx
from .text import decode_bytes

__all__ = ["extract_doc", "CONVERT_TIMEOUT"]

CONVERT_TIMEOUT = 180  # seconds for one .doc conversion


def _converter() -> tuple[str, str] | None:
    for name in ("soffice", "libreoffice"):
        exe = shutil.which(name)
        if exe:
            return "soffice", exe
    exe = shutil.which("antiword")
    if exe:
        return "antiword", exe
    return None


def extract_doc(data: bytes, suffix: str = ".doc") -> Extracted:
    tool = _converter()
    if tool is None or (tool[0] == "antiword" and suffix != ".doc"):
        raise OfficeError(SKIP_LEGACY_DOC)
    name, exe = tool
    left = limits.left()  # the conversion runs within the file's time limit
    timeout = CONVERT_TIMEOUT if left is None else min(CONVERT_TIMEOUT, left)
    with tempfile.TemporaryDirectory(prefix="docgraph-doc-") as tmp:
        src = os.path.join(tmp, "in" + suffix)
        with open(src, "wb") as fh:
            fh.write(data)
        try:
            if name == "soffice":
                to_docx = installed("docx")
                target = "docx:MS Word 2007 XML" if to_docx else "txt:Text (encoded):UTF8"
                profile = "file://" + os.path.join(tmp, "profile").replace(os.sep, "/")
                proc = subprocess.run(
                    [exe, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nologo",
                     "--convert-to", target, "--outdir", os.path.join(tmp, "out"), src],
                    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                    timeout=timeout, check=False)
                out = os.path.join(tmp, "out", "in." + ("docx" if to_docx else "txt"))
                if not os.path.isfile(out):
                    err = (proc.stderr or b"").decode("utf-8", "replace").strip().splitlines()
                    raise OfficeError(f"legacy .doc: conversion failed ({err[-1] if err else 'no output'})")
                with open(out, "rb") as fh:
                    converted = fh.read()
                if to_docx:
                    res = extract_docx(converted)
                    return Extracted(res.text, "doc/soffice", res.locations)
                text, _ = decode_bytes(converted)
                return finish([(x, None) for x in text.split("\n")], "doc/soffice", with_locations=False)
            proc = subprocess.run([exe, "-m", "UTF-8.txt", "-w", "0", src], stdin=subprocess.DEVNULL,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout,
                                  check=False)
            if proc.returncode != 0 or not proc.stdout.strip():
                err = (proc.stderr or b"").decode("utf-8", "replace").strip().splitlines()
                raise OfficeError(f"legacy .doc: conversion failed ({err[-1] if err else 'no output'})")
            text = proc.stdout.decode("utf-8", "replace")
            return finish([(x, None) for x in text.split("\n")], "doc/antiword", with_locations=False)
        except subprocess.TimeoutExpired:
            if timeout < CONVERT_TIMEOUT:
                raise limits.TimeLimitExceeded(limits.time_limit_reason(limits.current().seconds)) from None
            raise OfficeError(f"legacy .doc: conversion timed out after {CONVERT_TIMEOUT} s") from None
        except OSError as exc:
            raise OfficeError(f"legacy .doc: conversion failed ({exc.strerror or exc})") from None

