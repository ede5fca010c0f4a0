"""The text of a CSV file as UTF-8, whatever it was written in.

UTF-8 (with or without BOM), UTF-16 (with a BOM, or recognisably without) or Windows-1252;
a UTF-8 file with a few Windows-1252 lines pasted in has those lines read as such, and a
note names them. A file that is not text at all is refused here.
"""

from __future__ import annotations

import bisect
import codecs
import re

from widgets.files import FileProblem, not_a_table_message

#: Lines named one by one in a note about lines in another encoding.
_LINES_NAMED = 3

_CONTROL_BYTES_RE = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# Line ends as the reader sees them; bytes that are not UTF-8 (escaped as lone surrogates);
# a letter that only UTF-8 can have written (neither ASCII nor an escaped byte).
_LINE_BREAK_RE = re.compile(r"\r\n|\r|\n")
_ESCAPED_RE = re.compile("[\udc80-\udcff]+")
_UTF8_LETTER_RE = re.compile("[^\x00-\x7f\udc80-\udcff]")
_LINE_BREAK_BYTES_RE = re.compile(rb"\r\n|\r|\n")
#: Lines of one encoding counted before deciding which encoding most of a file is in.
_ENOUGH_LINES = 1_000


def decode(data: bytes) -> tuple[bytes, str, list[str]]:
    """The file as UTF-8 bytes without a BOM, the encoding's name and notes.

    The bytes returned are always valid UTF-8. A file with lines in both UTF-8 and
    Windows-1252 (two files pasted together) has each line read in its own encoding, and a
    note names the lines that differ from most; a file with no UTF-8 text at all is read as
    Windows-1252.
    """
    if data.startswith(codecs.BOM_UTF8):
        if _is_utf8(data):
            return data[3:], "UTF-8 with BOM", []
        body, _, notes = _mixed_lines(data[3:], declared=True)  # never None when declared
        return body, "UTF-8 with BOM", notes
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise FileProblem("The file says it is UTF-16 text but cannot be read as it.") from None
        return text.encode("utf-8"), "UTF-16", ["Read as UTF-16 text."]
    head = data[:4096]
    if b"\x00" in head:
        even, odd = head[0::2], head[1::2]
        for codec, nulls, other, label in (("utf-16-le", odd, even, "little-endian"),
                                           ("utf-16-be", even, odd, "big-endian")):
            if nulls.count(0) >= 0.6 * len(nulls) and other.count(0) <= 0.05 * len(other):
                try:
                    text = data.decode(codec)
                except UnicodeDecodeError:
                    break
                return text.encode("utf-8"), "UTF-16", [
                    f"Read as UTF-16 text ({label}, without a byte order mark)."]
        raise FileProblem(not_a_table_message("binary"))
    if len(_CONTROL_BYTES_RE.findall(head)) > max(2, len(head) // 100):
        raise FileProblem(not_a_table_message("binary"))
    if data.isascii() or _is_utf8(data):
        return data, "UTF-8", []
    return _mixed_lines(data, declared=False) or _windows_1252(data)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _mixed_lines(data: bytes, declared: bool) -> tuple[bytes, str, list[str]] | None:
    """A file that is not all UTF-8 read line by line: each line with bytes that are not
    UTF-8 as Windows-1252, every other line as UTF-8; its encoding's name (that of most
    lines, or UTF-8 when the file ``declared`` it with a BOM) and a note naming the lines in
    the other one. None when no line holds UTF-8 beyond ASCII: the file is Windows-1252."""
    # Bytes that are not UTF-8 become lone surrogates (U+DC80..U+DCFF), found in one pass.
    text = data.decode("utf-8", "surrogateescape")
    starts = [0] + [m.end() for m in _LINE_BREAK_RE.finditer(text)]
    # Only the lines in the less used encoding are listed in full (they are few).
    utf8 = _lines_with(_UTF8_LETTER_RE, text, starts, _ENOUGH_LINES)
    if not utf8 and not declared:
        return None
    other = _lines_with(_ESCAPED_RE, text, starts, _ENOUGH_LINES)
    if len(utf8) == len(other) == _ENOUGH_LINES:
        utf8 = _lines_with(_UTF8_LETTER_RE, text, starts)
        other = _lines_with(_ESCAPED_RE, text, starts)
    if declared or len(utf8) >= len(other):
        if len(other) == _ENOUGH_LINES:
            other = _lines_with(_ESCAPED_RE, text, starts)
        body = _join_lines(text, starts, other, in_1252=True)
        return body, "UTF-8", [_lines_note(other, "not UTF-8", "Windows-1252")]
    body = _join_lines(text, starts, utf8, in_1252=False)
    return body, "Windows-1252", [_lines_note(utf8, "not Windows-1252", "UTF-8")]


def _lines_with(pattern: re.Pattern, text: str, starts: list[int],
                most: int | None = None) -> list[int]:
    """The lines (numbered from 0) where ``pattern`` is found, up to ``most`` of them; one
    search per such line. A UTF-8 letter counts only on a line without bytes that are not
    UTF-8 (that line is Windows-1252)."""
    lines: list[int] = []
    pos = 0
    while (most is None or len(lines) < most) and (
            found := pattern.search(text, pos)) is not None:
        line = bisect.bisect_right(starts, found.start()) - 1
        end = starts[line + 1] if line + 1 < len(starts) else len(text)
        if pattern is _ESCAPED_RE or not _ESCAPED_RE.search(text, starts[line], end):
            lines.append(line)
        pos = end
    return lines


def _join_lines(text: str, starts: list[int], lines: list[int], in_1252: bool) -> bytes:
    """The file as UTF-8: ``lines`` read as Windows-1252 (``in_1252``) and the rest as UTF-8,
    or ``lines`` as UTF-8 and the rest as Windows-1252."""
    parts, done = [], 0

    def windows_1252(begin: int, end: int) -> str:
        raw = text[begin:end].encode("utf-8", "surrogateescape")  # the bytes of the file
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError as error:
            line = bisect.bisect_right(starts, begin) + len(
                _LINE_BREAK_BYTES_RE.findall(raw, 0, error.start))
            raise FileProblem(
                f"Line {line:,} of the file cannot be read: it is neither UTF-8 nor "
                "Windows-1252. Save the file as 'CSV UTF-8' and try again."
            ) from None

    for line in lines:
        begin, end = starts[line], (starts[line + 1] if line + 1 < len(starts) else len(text))
        if in_1252:
            parts += [text[done:begin], windows_1252(begin, end)]
        else:
            parts += [windows_1252(done, begin), text[begin:end]]
        done = end
    parts.append(windows_1252(done, len(text)) if not in_1252 else text[done:])
    return "".join(parts).encode("utf-8")


def _lines_note(lines: list[int], unlike: str, read_as: str) -> str:
    named = [f"{n + 1:,}" for n in lines[:_LINES_NAMED]]
    if len(lines) == 1:
        return (f"Line {named[0]} is {unlike} like the rest of the file; it was read as "
                f"{read_as}: check that its accented letters look right.")
    more = len(lines) - len(named)
    listed = (", ".join(named) + f" and {more:,} more" if more
              else ", ".join(named[:-1]) + " and " + named[-1])
    return (f"Lines {listed} are {unlike} like the rest of the file; they were read as "
            f"{read_as}: check that their accented letters look right.")


def _windows_1252(data: bytes) -> tuple[bytes, str, list[str]]:
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise FileProblem(
            "The text in this file cannot be read (it is not UTF-8, UTF-16 or Windows-1252). "
            "Save it as 'CSV UTF-8' and try again."
        ) from None
    return text.encode("utf-8"), "Windows-1252", [
        "Read as Windows-1252 text (the file is not UTF-8); check that accented letters "
        "look right."]
