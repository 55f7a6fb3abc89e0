"""scripts/xlctl as a module, for the dom0 test drivers in tests/qemu/.

scripts/xlctl has no .py suffix (it is a command), so it is loaded by path.
"""
import importlib.machinery
import importlib.util
import os

_TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))
_loader = importlib.machinery.SourceFileLoader("xlctl", os.path.join(_TOP, "scripts", "xlctl"))
xlctl = importlib.util.module_from_spec(importlib.util.spec_from_loader("xlctl", _loader))
_loader.exec_module(xlctl)
Fail = xlctl.DriverFailure
