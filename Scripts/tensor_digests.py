#!/usr/bin/env python3
"""SHA-256 of each safetensors file's data section (the tensors' bytes, everything after the header).

Run on the shipped models (before their metadata was migrated to the takesense.* keys in issue 13, and again for
each new model file); the test
`ShippedModelTests` checks the migrated files' data sections still hash to these values (weights bit-identical).

    python3 Scripts/tensor_digests.py Models/*.safetensors > Tests/TakeSenseKitTests/Fixtures/shipped-tensor-digests.json
"""
import hashlib
import json
import os
import struct
import sys

out = {}
for path in sys.argv[1:]:
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        data = f.read()
    tensors = {k: v for k, v in header.items() if k != "__metadata__"}
    out[os.path.basename(path)] = {"data_sha256": hashlib.sha256(data).hexdigest(), "data_bytes": len(data), "tensors": len(tensors)}
json.dump(out, sys.stdout, indent=2, sort_keys=True)
print()
