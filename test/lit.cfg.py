# -*- Python -*- lit configuration for llm-opt's IR, importer and model tests.

import os

import lit.formats
from lit.llvm import llvm_config

config.name = "LLM_OPT"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "Inputs", "unittests"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.llm_obj_root, "test")

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(("%repo", config.llm_src_root))
# Built libraries, e.g. the runtime tests' fake module (llm_fake_module.so).
config.substitutions.append(("%llm_lib", os.path.join(config.llm_obj_root, "lib")))
shared_dir = os.path.join(os.path.dirname(config.llm_src_root), "shared")
config.substitutions.append(("%shared", shared_dir))
# The ONNX backend node tests are a shared download, not part of the repo.
if os.path.isdir(os.path.join(shared_dir, "onnx-node-tests")):
    config.available_features.add("onnx-node-tests")
# The CUDA target's modules are built by nvcc (they run only on the GPU
# machine: scripts/gpu/); CI compiles them.
if os.path.exists(os.environ.get("LLM_NVCC", "/usr/local/cuda/bin/nvcc")):
    config.available_features.add("nvcc")
    if "LLM_NVCC" in os.environ:
        config.environment["LLM_NVCC"] = os.environ["LLM_NVCC"]
# Captured variables do not leak between CHECK-LABEL blocks.
config.environment["FILECHECK_OPTS"] = "--enable-var-scope"

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.llm_tools_dir, append_path=True)
llvm_config.add_tool_substitutions(["llm-opt", "llm-run"], [config.llm_tools_dir])
llvm_config.add_tool_substitutions(["mlir-tblgen"], [config.llvm_tools_dir])

# Under AddressSanitizer (scripts/test.sh with LLM_SANITIZE=1), LeakSanitizer's
# stop-the-world tracer crashes at exit in processes that ran a generated
# module (the OpenMP worker threads of libgomp and oneDNN are still alive), so
# lit runs with leak detection off. Leaks are checked by the gtest suites,
# which run with detect_leaks=1.
asan_options = os.environ.get("ASAN_OPTIONS")
if asan_options:
    config.environment["ASAN_OPTIONS"] = asan_options.replace("detect_leaks=1", "detect_leaks=0")
