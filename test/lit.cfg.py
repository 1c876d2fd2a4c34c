# lit configuration for nasc: .nas and .test files under test/.
import os
import lit.formats

config.name = "nasc"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".nas", ".test", ".mlir"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.nasc_obj_root, "test")
# Inputs/ holds files that tests import; they are not tests themselves.
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]

path = os.path.pathsep.join([config.nasc_tools_dir, config.llvm_tools_dir, config.environment.get("PATH", os.environ["PATH"])])
config.environment["PATH"] = path
# Diagnostics must not depend on the caller's environment.
config.environment.pop("NASC_STDLIB", None)
# lit runs a test per core: each trains on one thread (unless told
# otherwise), so two tests do not make each other's two-thread barriers
# wait on a descheduled thread, which made trainings 10-20x slower side by
# side than alone (bench/kill_resume.py's elastic kind, measured).
config.environment["OMP_NUM_THREADS"] = os.environ.get("OMP_NUM_THREADS", "1")
# Drawing SVG needs Graphviz's dot (scripts/setup.sh installs it).
import shutil
if shutil.which("dot"):
    config.available_features.add("graphviz")
if shutil.which("nvim"):
    config.available_features.add("nvim")
if shutil.which("chromium"):
    config.available_features.add("chromium")
# Debian's interpreter, with python3-onnx and python3-opencv (the ONNX
# export's independent checks): not necessarily the one running lit.
import subprocess
config.substitutions.append(("%debian_python", "/usr/bin/python3"))
if os.path.exists("/usr/bin/python3") and subprocess.run(["/usr/bin/python3", "-c", "import onnx, cv2, numpy"],
                                                         capture_output=True).returncode == 0:
    config.available_features.add("onnx")

import sys
config.substitutions.append(("%python", sys.executable))
config.substitutions.append(("%stdlib", os.path.join(config.nasc_src_root, "stdlib")))
config.substitutions.append(("%examples", os.path.join(config.nasc_src_root, "examples")))
config.substitutions.append(("%shared_data", config.shared_data_dir))
