"""The package's public names, imported on first use."""

import subprocess
import sys

import fastreg


def test_every_public_name_resolves():
    assert set(fastreg.__all__) == {*fastreg._EXPORTS, "__version__"}
    for name in fastreg._EXPORTS:
        assert getattr(fastreg, name).__name__ == name
    assert fastreg.plot_path is __import__("fastreg.plotting").plotting.plot_path


def test_import_loads_no_heavy_dependency():
    code = ("import sys, fastreg; "
            "print(sorted({m.split('.')[0] for m in sys.modules}"
            " & {'numba', 'scipy', 'sklearn'}))")
    output = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                            text=True).stdout
    assert output.strip() == "[]"


def test_engine_does_not_import_sklearn():
    code = "import sys, fastreg; fastreg.solve; print('sklearn' in sys.modules)"
    output = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                            text=True).stdout
    assert output.strip() == "False"
