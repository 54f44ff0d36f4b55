"""Specification: importing the ethics package costs no TensorFlow import (only training and predicting need it)."""

import subprocess
import sys


def test_importing_the_ethics_package_imports_no_tensorflow():
    code = "import sys, cifar_lab.ethics; print('tensorflow' in sys.modules or 'keras' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
