"""Real names locked with a passphrase: only the right passphrase opens them."""

from __future__ import annotations

import base64
import json

import pytest

from widgets.files import FileProblem, inquiry_file, load_inquiry, private_names
from widgets.files.private_names import WrongPassphrase, lock, unlock
from widgets.model import Inquiry, Measure, Unit

NAMES = {"F1": "Mrs Amina Okafor", "F2": "Zoë Papadopoulou 日本", "F3": "=HYPERLINK(1)"}
PASSPHRASE = "correct horse battery"


def test_lock_then_unlock_gives_the_names_back():
    box = lock(NAMES, PASSPHRASE)
    assert unlock(box, PASSPHRASE) == NAMES
    text = json.dumps(box)
    # long parts only: the box is random base64, where "Mrs" can turn up by chance
    assert not any(part in text for name in NAMES.values() for part in name.split()
                   if len(part) >= 5)
    assert PASSPHRASE not in text
    assert box["kdf"] == "scrypt" and box["cipher"] == "AES-256-GCM"


def test_each_lock_uses_a_new_salt_and_nonce():
    a, b = lock(NAMES, PASSPHRASE), lock(NAMES, PASSPHRASE)
    assert a["salt"] != b["salt"] and a["nonce"] != b["nonce"] and a["names"] != b["names"]


@pytest.mark.parametrize("wrong", ["correct horse battery ", "Correct horse battery", "x" * 9])
def test_a_wrong_passphrase_is_a_plain_message(wrong):
    with pytest.raises(WrongPassphrase, match="does not open the real names"):
        unlock(lock(NAMES, PASSPHRASE), wrong)


def test_a_changed_box_is_refused():
    box = lock(NAMES, PASSPHRASE)
    sealed = bytearray(base64.b64decode(box["names"]))
    sealed[3] ^= 1
    with pytest.raises(WrongPassphrase):
        unlock({**box, "names": base64.b64encode(bytes(sealed)).decode()}, PASSPHRASE)
    for broken in ({**box, "salt": "###"}, {**box, "n": 3}, {**box, "n": 2**40},
                   {**box, "n": 2**18, "r": 16},  # 512 MB of memory: a crafted file
                   {**box, "nonce": base64.b64encode(b"short").decode()}, {"cipher": "rot13"},
                   "not a box", {**box, "r": True}):
        with pytest.raises(FileProblem) as caught:
            unlock(broken, PASSPHRASE)
        assert "\n" not in str(caught.value) and len(str(caught.value)) < 200


@pytest.mark.parametrize("passphrase, words", [("short", "at least 8"), ("        ", "at least 8"),
                                               ("x" * 1001, "too long"), (123, "must be text")])
def test_unusable_passphrases(passphrase, words):
    with pytest.raises(FileProblem, match=words):
        lock(NAMES, passphrase)


def _inquiry() -> Inquiry:
    return Inquiry(title="Names", measure=Measure(kind="score"), context_columns=["area"],
                   units=[Unit(uid, float(n), None, name, {"area": "North"})
                          for n, (uid, name) in enumerate(NAMES.items())]
                   + [Unit("F4", 1.0, None, None, {"area": "South"})])


def test_the_inquiry_file_leaves_names_out_unless_asked():
    inquiry = _inquiry()
    plain = inquiry_file.to_bytes(inquiry)
    assert not any(name.encode() in plain for name in NAMES.values())
    assert [u.private_name for u in load_inquiry(plain, "x.json").units] == [None] * 4
    clear = inquiry_file.to_bytes(inquiry, include_private=True)
    assert load_inquiry(clear, "x.json") == inquiry
    assert inquiry.units[0].private_name == NAMES["F1"]  # the inquiry itself is not changed


def test_the_inquiry_file_locks_names_with_a_passphrase():
    inquiry = _inquiry()
    data = inquiry_file.to_bytes(inquiry, passphrase=PASSPHRASE)
    assert not any(part.encode() in data for name in NAMES.values() for part in name.split()
                   if len(part) >= 5)  # the box is random base64: short words by chance
    assert load_inquiry(data, "x.json", passphrase=PASSPHRASE) == inquiry
    assert [u.private_name for u in load_inquiry(data, "x.json").units] == [None] * 4
    with pytest.raises(WrongPassphrase):
        load_inquiry(data, "x.json", passphrase="a wrong one")
    # compressed too
    data = inquiry_file.to_bytes(inquiry, passphrase=PASSPHRASE, compress=True)
    assert load_inquiry(data, "x.json.gz", passphrase=PASSPHRASE) == inquiry


def test_locked_names_of_units_not_in_the_file_are_ignored_and_bad_names_refused():
    inquiry = _inquiry()
    document = json.loads(inquiry_file.dumps(inquiry, passphrase=PASSPHRASE))
    document["private_names"] = private_names.lock({"F1": "Ann", "ghost": "Bob"}, PASSPHRASE)
    loaded = inquiry_file.loads(json.dumps(document), passphrase=PASSPHRASE)
    assert [u.private_name for u in loaded.units] == ["Ann", None, None, None]
    document["private_names"] = private_names.lock({"F1": "Ann", "F2": "a\x00b"}, PASSPHRASE)
    read = inquiry_file.read(json.dumps(document).encode())
    with pytest.raises(FileProblem, match="NUL"):
        read.unlock(PASSPHRASE)
    assert [u.private_name for u in read.inquiry.units] == [None] * 4  # nothing half done
