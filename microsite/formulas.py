"""Derived figures: arithmetic formulas over fact keys, checked, evaluated and rounded (no I/O)."""

from __future__ import annotations

import ast
import decimal
import operator


_FORMULA_NODES = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Name, ast.Load, ast.Constant,
                  ast.Add, ast.Sub, ast.Mult, ast.Div, ast.USub)


def formula_names(formula: str) -> list[str]:
    """Return the fact keys a derived formula uses; raise ValueError if it is not plain arithmetic."""
    try:
        tree = ast.parse(formula, mode="eval")
    except SyntaxError:
        raise ValueError(f"'{formula}' is not arithmetic over fact keys") from None
    for parent in ast.walk(tree):
        for node in ast.iter_child_nodes(parent):
            number = not isinstance(node, ast.Constant) or type(node.value) in (int, float)
            if not isinstance(node, _FORMULA_NODES) or not number:
                # an operator such as ** has no text of its own: show the expression it joins
                shown = parent if isinstance(node, (ast.operator, ast.unaryop)) else node
                raise ValueError(f"only numbers, fact keys and + - * / are allowed, not '{ast.unparse(shown)}'")
    return sorted({n.id for n in ast.walk(tree) if isinstance(n, ast.Name)})


def evaluate(formula: str, values: dict[str, float | int]) -> float | int:
    """Return the value of an arithmetic formula over fact values (checked by formula_names)."""
    ops = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}

    def walk(node: ast.AST) -> float | int:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.BinOp):
            return ops[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.UnaryOp):
            return -walk(node.operand)
        if isinstance(node, ast.Name):
            return values[node.id]
        return node.value  # type: ignore[attr-defined, no-any-return]

    return walk(ast.parse(formula, mode="eval"))


def round_to_step(value: float | int, round_to: float | None) -> float | int:
    """Return a value rounded half up to a multiple of round_to, without float noise: 3613.8 -> 3600."""
    if round_to:
        step = decimal.Decimal(str(round_to))
        value = float((decimal.Decimal(str(value)) / step).quantize(1, decimal.ROUND_HALF_UP) * step)
    return int(value) if float(value).is_integer() else value


def find_cycle(key: str, names: dict[str, list[str]]) -> list[str]:
    """Return the chain of derived facts from `key` back to `key`, e.g. ['a', 'b', 'a']."""
    def walk(current: str, chain: list[str]) -> list[str] | None:
        for name in names.get(current, []):
            if name == key:
                return chain + [name]
            if name not in chain:
                found = walk(name, chain + [name])
                if found:
                    return found
        return None
    return walk(key, [key]) or []
