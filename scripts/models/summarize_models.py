#!/usr/bin/env python3
"""Print ir_version, opset imports, graph inputs/outputs, initializer storage and the
sorted set of (domain, op_type) of every test/models/*/model.onnx, and check that the
test_data_set_* .pb files parse and match the graph's input/output names.

Only needs `onnx` (works with Debian's onnx 1.12):
    /usr/bin/python3 scripts/models/summarize_models.py [ROOT]
"""

import glob
import os
import sys

import onnx
from onnx import TensorProto, numpy_helper


def dims(v):
    out = []
    for d in v.type.tensor_type.shape.dim:
        out.append(d.dim_param if d.HasField("dim_param") else d.dim_value)
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "test", "models")
    bad = 0
    for path in sorted(glob.glob(os.path.join(root, "*", "model.onnx"))):
        d = os.path.dirname(path)
        m = onnx.load(path, load_external_data=False)
        init_names = {t.name for t in m.graph.initializer}
        ext = sum(t.data_location == TensorProto.EXTERNAL for t in m.graph.initializer)
        raw = sum(t.data_location != TensorProto.EXTERNAL and t.HasField("raw_data") for t in m.graph.initializer)
        print(f"== {os.path.basename(d)}  ({os.path.getsize(path)} bytes)")
        print(f"   ir_version {m.ir_version}; opsets "
              + ", ".join(f"{o.domain or 'ai.onnx'}:{o.version}" for o in m.opset_import)
              + f"; producer {m.producer_name} {m.producer_version}")
        for v in m.graph.input:
            if v.name not in init_names:
                print(f"   in  {v.name}: {TensorProto.DataType.Name(v.type.tensor_type.elem_type)} {dims(v)}")
        for v in m.graph.output:
            print(f"   out {v.name}: {TensorProto.DataType.Name(v.type.tensor_type.elem_type)} {dims(v)}")
        print(f"   initializers {len(m.graph.initializer)} (external {ext}, inline raw_data {raw}, "
              f"inline typed {len(m.graph.initializer) - ext - raw}); nodes {len(m.graph.node)}")
        ops = sorted({(n.domain or "ai.onnx", n.op_type) for n in m.graph.node})
        print("   ops " + " ".join(f"{dm}::{op}" for dm, op in ops))
        in_names = [v.name for v in m.graph.input if v.name not in init_names]
        out_names = [v.name for v in m.graph.output]
        for sd in sorted(glob.glob(os.path.join(d, "test_data_set_*"))):
            shapes = []
            for kind, names in (("input", in_names), ("output", out_names)):
                for j, name in enumerate(names):
                    f = os.path.join(sd, f"{kind}_{j}.pb")
                    t = TensorProto()
                    with open(f, "rb") as fh:
                        t.ParseFromString(fh.read())
                    a = numpy_helper.to_array(t)
                    if t.name != name:
                        print(f"   !! {f}: name {t.name!r} != {name!r}")
                        bad += 1
                    shapes.append(f"{name}{list(a.shape)}")
            print(f"   {os.path.basename(sd)}: " + " ".join(shapes))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
