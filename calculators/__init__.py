"""Zhengce rule engine: pure standard library, so the same code runs in CPython and Pyodide.

See ENGINE_API.md for the contract and docs/format.md for the rule language.
"""

from .engine import calculate, check_measure, combine, describe
from .errors import CalculatorError, ExpressionError, InputError, RuleError, SpecError, SpecProblem
from .expr import compile_expression, names_used

__all__ = ["calculate", "check_measure", "combine", "describe", "CalculatorError",
           "ExpressionError", "InputError", "RuleError", "SpecError", "SpecProblem", "compile_expression",
           "names_used"]
