#!/usr/bin/env python3
"""Checks a CIAF ledger export, its proofs, its checkpoint and its payloads' digests with Python's standard library.

Follows the formats in docs/auditor-guide.md, docs/anchors.md and docs/storage.md; it uses nothing of CIAF's:
  python3 ciaf_check.py export  export.jsonl [checkpoint.note]   every hash and link; the tree root
  python3 ciaf_check.py proof   proof.json                      an RFC 9162 inclusion proof
  python3 ciaf_check.py consistency proof.json                  an RFC 9162 consistency proof
  python3 ciaf_check.py digests export.jsonl                    the digests inside payloads: metadata_hash,
                                                                dataset_hash, model_hash, receipt_digest
  python3 ciaf_check.py dataset export.jsonl POSITION data.arff|.csv|.jsonl [id column or field]
                                                                the data file is the one the anchor at
                                                                POSITION was made from
The checkpoint's Ed25519 signature is checked with openssl (see the guide).
Exit code 0 when everything holds, 1 with the first problem on stderr.
"""
import base64, hashlib, json, struct, sys


def sha256(*parts):
    h = hashlib.sha256()
    for p in parts:
        h.update(p)
    return h.digest()


def leaf(data):
    return sha256(b"\x00", data)


def node(left, right):
    return sha256(b"\x01", left, right)


def root(leaves):
    """RFC 6962 Merkle tree hash of a list of leaf data (here: entry hashes)."""
    if not leaves:
        return sha256()
    if len(leaves) == 1:
        return leaf(leaves[0])
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return node(root(leaves[:k]), root(leaves[k:]))


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def entries(path):
    """The entries of an export (JSON Lines), in order."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)


def payload(e):
    """An entry's payload as JSON, or None once erased."""
    return None if e["payload"] is None else json.loads(base64.b64decode(e["payload"]))


def check_export(path, note=None):
    prev = bytes(32)
    last_ts = -1
    hashes = []
    for n, e in enumerate(entries(path)):
        pos, ts, typ = e["position"], e["timestamp"], e["type"]
        if pos != n:
            fail(f"line {n + 1}: position {pos}, expected {n}")
        payload_hash = base64.b64decode(e["payload_hash"])
        if e["payload"] is not None and sha256(base64.b64decode(e["payload"])) != payload_hash:
            fail(f"position {pos}: payload does not match its payload_hash")
        if base64.b64decode(e["prev_hash"]) != prev:
            fail(f"position {pos}: prev_hash is not the previous entry_hash")
        if ts <= last_ts:
            fail(f"position {pos}: timestamp not increasing")
        t = typ.encode("ascii")
        entry_hash = sha256(prev, struct.pack(">QQB", pos, ts, len(t)), t, payload_hash)
        if base64.b64decode(e["entry_hash"]) != entry_hash:
            fail(f"position {pos}: entry_hash does not match the entry's fields")
        prev, last_ts = entry_hash, ts
        hashes.append(entry_hash)
    print(f"OK: {len(hashes)} entries, chain intact, root {base64.b64encode(root(hashes)).decode()}")
    if note:
        with open(note, encoding="utf-8") as f:
            origin, size, signed_root = f.read().split("\n")[:3]
        size = int(size)
        if size > len(hashes):
            fail(f"the checkpoint covers {size} entries; the export has {len(hashes)}")
        if base64.b64encode(root(hashes[:size])).decode() != signed_root:
            fail(f"the root of the first {size} entries differs from the checkpoint's")
        print(f"OK: the first {size} entries have the root signed in the checkpoint of {origin}")


def canonical(v):
    """CIAF's canonical JSON (docs/storage.md): RFC 8785, but a float with an integral value keeps ".0"."""
    if v is None or isinstance(v, bool):
        return json.dumps(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return number(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)  # escapes exactly what RFC 8785 escapes
    if isinstance(v, list):
        return "[" + ",".join(canonical(x) for x in v) + "]"
    keys = sorted(v, key=utf16)
    return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + canonical(v[k]) for k in keys) + "}"


def utf16(key):
    """The sort key of RFC 8785 (and of Java's String order): UTF-16 code units."""
    return key.encode("utf-16-be")


def number(x):
    """ECMAScript Number::toString (RFC 8785 section 3.2.2.3) from Python's shortest repr, plus CIAF's ".0"."""
    if x == 0:
        return "0.0"
    sign, text = ("-", repr(-x)) if x < 0 else ("", repr(x))
    mantissa, _, exponent = text.partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0").rstrip("0")
    # the value is 0.<digits> x 10^n
    if whole.strip("0"):
        n = len(whole.lstrip("0")) + int(exponent or 0)
    else:
        n = int(exponent or 0) - (len(fraction) - len(fraction.lstrip("0")))
    k = len(digits)
    if k <= n <= 21:
        out = digits + "0" * (n - k) + ".0"
    elif 0 < n <= 21:
        out = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        out = "0." + "0" * -n + digits
    else:
        e = n - 1
        out = digits[0] + ("." + digits[1:] if k > 1 else "") + "e" + ("+" if e >= 0 else "-") + str(abs(e))
    return sign + out


# Which member of a payload is the digest of what (docs/anchors.md, docs/storage.md).
WITHOUT = {"DATASET": "dataset_hash", "MODEL": "model_hash", "INFERENCE": "receipt_digest"}


def check_digests(path):
    counts = {}
    for e in entries(path):
        typ, p = e["type"], payload(e)
        if p is None:
            continue
        if typ == "METADATA":
            claimed, data = p["metadata_hash"], p["metadata"]
        elif typ in WITHOUT:
            key = WITHOUT[typ]
            claimed = p[key]
            data = {k: v for k, v in p.items() if k not in (key, "nonce", "idempotency_key")}
        else:
            continue
        if sha256(canonical(data).encode("utf-8")).hex() != claimed:
            fail(f"position {e['position']}: the {typ} payload's digest does not match its members")
        counts[typ] = counts.get(typ, 0) + 1
    print("OK: " + ", ".join(f"{n} {t}" for t, n in sorted(counts.items())) + " digests recomputed")


def hash32(text, what):
    """A base64 SHA-256 value of a proof; anything but 32 bytes is refused."""
    try:
        h = base64.b64decode(text or "", validate=True)
    except ValueError:
        fail(f"{what} is not base64")
    if len(h) != 32:
        fail(f"{what} is {len(h)} bytes, not a SHA-256 hash")
    return h


def fields(line):
    """One CSV or ARFF data line's fields (docs/anchors.md): commas; " or ' quotes, doubled to escape; spaces."""
    out, i, n = [], 0, len(line)
    while True:
        while i < n and line[i] == " ":
            i += 1
        if i < n and line[i] in "\"'":
            q, i, field = line[i], i + 1, []
            while True:
                if i >= n:
                    fail(f"a quoted field is not closed in: {line}")
                if line[i] == q and i + 1 < n and line[i + 1] == q:
                    field.append(q)
                    i += 2
                elif line[i] == q:
                    i += 1
                    break
                else:
                    field.append(line[i])
                    i += 1
            field = "".join(field)
            while i < n and line[i] != ",":
                i += 1
        else:
            start = i
            while i < n and line[i] != ",":
                i += 1
            field = line[start:i].rstrip(" ")
        out.append(field)
        if i >= n:
            return out
        i += 1


def samples(path, id_name=None):
    """(sample id, row) of a CSV, ARFF or JSON Lines file, as docs/anchors.md numbers and splits them."""
    with open(path, encoding="utf-8") as f:  # universal newlines: \r\n and \r end a line, as in Java
        lines = [line.rstrip("\n") for line in f]
    if path.endswith(".arff"):
        data, row_number = False, 0
        for line in lines:
            t = line.strip()
            if not t or t.startswith("%"):
                continue
            if not data:
                data = t.lower().startswith("@data")
                continue
            row_number += 1
            yield str(row_number), fields(t)
    elif path.endswith(".jsonl"):
        for line_number, line in enumerate(lines, start=1):
            if line.strip():
                row = json.loads(line)
                yield (str(row[id_name]) if id_name else str(line_number)), row
    else:
        header = fields(lines[0])
        column = header.index(id_name) if id_name else None
        for line_number, line in enumerate(lines[1:], start=1):
            if line:
                row = fields(line)
                yield (row[column] if column is not None else str(line_number)), row


def check_dataset(export_path, position, data_path, id_name=None):
    e = next((e for e in entries(export_path) if e["position"] == position), None)
    if e is None:
        fail(f"no entry at position {position}")
    a = payload(e)
    if e["type"] != "DATASET" or a is None:
        fail(f"position {position} is not a readable DATASET anchor")
    seed, fractions = a["split_seed"], a["split_fractions"]
    read, leaves, assignment = 0, [], hashlib.sha256()
    for sample_id, row in samples(data_path, id_name):
        read += 1
        h = sha256((seed + "\n" + sample_id).encode("utf-8"))
        u = (int.from_bytes(h[:8], "big") >> 11) / 2 ** 53
        cumulative, split = 0.0, None
        for name in sorted(fractions, key=utf16):
            cumulative += fractions[name]
            split = name
            if u < cumulative:
                break
        assignment.update(f"{sample_id}\t{split}\n".encode("utf-8"))
        if split == a["split"]:
            leaves.append(sha256(canonical({"id": sample_id, "row": row}).encode("utf-8")))
    found = {"samples_read": read, "samples": len(leaves), "split_assignment_digest": assignment.hexdigest(),
             "merkle_root": root(leaves).hex()}
    for key, value in found.items():
        if a.get(key) != value:
            fail(f"position {position}: the data gives {key} {value}, the anchor says {a.get(key)}")
    print(f"OK: {data_path} is the data of the anchor at position {position} ({a['dataset_id']}, split"
          f" {a['split']}: {len(leaves)} of {read} samples, root {found['merkle_root']})")


def check_proof(path):
    p = json.load(open(path, encoding="utf-8"))
    index, size = p["leafIdx"], p["treeSize"]
    if not 0 <= index < size:
        fail(f"leaf {index} is not in a tree of size {size}")
    h = hash32(p["leafHash"], "leafHash")
    root_hash = hash32(p["root"], "root")
    proof = [hash32(x, "a proof hash") for x in p["proof"] or []]
    # RFC 9162 section 2.1.3.2
    fn, sn = index, size - 1
    for c in proof:
        if sn == 0:
            fail("proof too long")
        if fn % 2 == 1 or fn == sn:
            h = node(c, h)
            while fn % 2 == 0 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            h = node(h, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0 or h != root_hash:
        fail("the proof does not lead to the root")
    print(f"OK: leaf {index} is in the tree of size {size} with root {p['root']}")


def check_consistency(path):
    p = json.load(open(path, encoding="utf-8"))
    size1, size2 = p["size1"], p["size2"]
    root1, root2 = hash32(p["root1"], "root1"), hash32(p["root2"], "root2")
    proof = [hash32(x, "a proof hash") for x in p["proof"] or []]
    if not 0 < size1 <= size2:
        fail(f"no consistency proof goes from size {size1} to size {size2}")
    if size1 == size2:
        if proof or root1 != root2:
            fail("equal sizes need equal roots and an empty proof")
        print(f"OK: the tree of size {size2} is the tree of size {size1}")
        return
    if not proof:
        fail("the proof is empty")
    # RFC 9162 section 2.1.4.2
    if size1 & (size1 - 1) == 0:
        proof = [root1] + proof
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            fail("proof too long")
        if fn & 1 or fn == sn:
            fr, sr = node(c, fr), node(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0 or fr != root1 or sr != root2:
        fail("the proof does not lead from root1 to root2")
    print(f"OK: the tree of size {size2} (root {p['root2']}) extends the tree of size {size1} (root {p['root1']})")


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "export":
        check_export(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None)
    elif len(sys.argv) == 3 and sys.argv[1] == "proof":
        check_proof(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "consistency":
        check_consistency(sys.argv[2])
    elif len(sys.argv) in (5, 6) and sys.argv[1] == "dataset":
        check_dataset(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5] if len(sys.argv) == 6 else None)
    elif len(sys.argv) == 3 and sys.argv[1] == "digests":
        check_digests(sys.argv[2])
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
