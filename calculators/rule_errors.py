"""Run-time failures of a measure's rules (a division by a computed zero, an overflow no input
is to blame for), told in both languages with the measure and the step, never as a bare
SpecError (issue 13.2). `validate` finds what it can statically (rules.Checker)."""

import functools

from .errors import RuleError, SpecError


def step_words(spec: dict, path: tuple) -> tuple:
    """(zh, en) naming the step at `path`: "step 3 › case 1 › step 2 (amount, clause 9)"."""
    zh, en, node, i = [], [], spec, 0
    while i < len(path):
        key = path[i]
        index = path[i + 1] if i + 1 < len(path) and isinstance(path[i + 1], int) else None
        container = node.get(key) if isinstance(node, dict) else None
        if index is None or not isinstance(container, list) or index >= len(container):
            if key == "amount" and node is spec:
                zh, en = ["最终金额"], ["the final amount"]
            i += 1
            continue
        node = container[index]
        if key == "rules":
            zh.append(f"第{index + 1}步")
            en.append(f"step {index + 1}")
        elif key == "branch":
            zh.append(f"第{index + 1}种情形")
            en.append(f"case {index + 1}")
        elif key == "outcomes":
            zh.append(f"结果 {node.get('id') if isinstance(node, dict) else index + 1}")
            en.append(f"outcome {node.get('id') if isinstance(node, dict) else index + 1}")
        i += 2
    if not en:
        return "计算", "the calculation"
    name = next((node.get(k) for k in ("let", "cap", "floor") if isinstance(node, dict)
                 and isinstance(node.get(k), str)), None) if node is not spec else None
    cite = node.get("cite") if isinstance(node, dict) and node is not spec else None
    about_zh = "，".join(x for x in (name, cite is not None and f"第{cite}条") if x)
    about_en = ", ".join(x for x in (name, cite is not None and f"clause {cite}") if x)
    return (" › ".join(zh) + (f"（{about_zh}）" if about_zh else ""),
            " › ".join(en) + (f" ({about_en})" if about_en else ""))


def explain_rule_errors(calculate):
    """Wrap `calculate`: a SpecError on a measure that has a calculator becomes a RuleError."""
    @functools.wraps(calculate)
    def wrapper(spec, inputs, **options):
        try:
            return calculate(spec, inputs, **options)
        except RuleError:
            raise
        except SpecError as error:
            if not isinstance(spec, dict) or spec.get("calculator") is False:
                raise
            zh, en = step_words(spec, error.path)
            raise RuleError(spec.get("id"), error.path, zh, en, error.message_zh,
                            error.message_en) from None
    return wrapper
