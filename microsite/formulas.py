"""Derived figures: arithmetic formulas over fact keys, checked, evaluated and rounded (no I/O)."""

from __future__ import annotations

import ast
import decimal
import io
import math
import operator
import tokenize

MAX_FORMULA = 400  # characters: real formulas are a line; a longer one is a mistake or an attack on the parser
MAX_VALUE = 10 ** 15  # figures from 15 digits on lose precision as floats and read as nonsense
_FORMULA_NODES = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Name, ast.Load, ast.Constant,
                  ast.Add, ast.Sub, ast.Mult, ast.Div, ast.USub)


def formula_names(formula: str) -> list[str]:
    """Return the fact keys a derived formula uses; raise ValueError if it is not plain arithmetic."""
    if len(formula) > MAX_FORMULA:
        raise ValueError(f"longer than {MAX_FORMULA} characters")
    try:
        tree = ast.parse(formula, mode="eval")
    except (SyntaxError, RecursionError, MemoryError):
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
    """Return the value of an arithmetic formula over fact values (checked by formula_names).

    Raises ZeroDivisionError, or ValueError when the result is not a finite number below MAX_VALUE.
    """
    ops = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}

    def walk(node: ast.AST) -> float | int:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.BinOp):
            return ops[type(node.op)](walk(node.left), walk(node.right))  # type: ignore[no-any-return]
        if isinstance(node, ast.UnaryOp):
            return -walk(node.operand)
        if isinstance(node, ast.Name):
            return values[node.id]
        return node.value  # type: ignore[attr-defined, no-any-return]

    try:
        value = walk(ast.parse(formula, mode="eval"))
    except OverflowError:
        raise ValueError("gives a number too large to show") from None
    if not math.isfinite(value) or abs(value) >= MAX_VALUE:
        raise ValueError("gives a number too large to show")
    return value


def round_to_step(value: float | int, round_to: float | None) -> float | int:
    """Return a value rounded half up to a multiple of round_to, without float noise: 3613.8 -> 3600."""
    if round_to:
        context = decimal.Context(prec=60)  # ample for any value below MAX_VALUE and any step facts.py accepts
        step = decimal.Decimal(str(round_to))
        steps = context.divide(decimal.Decimal(str(value)), step).quantize(1, decimal.ROUND_HALF_UP, context)
        value = float(context.multiply(steps, step))
    return int(value) if float(value).is_integer() else value


def formula_parts(formula: str) -> list[tuple[str, str | float | int]]:
    """Return a checked formula as ('name', key), ('number', value) and ('op', text) parts, in order.

    Python's own tokenizer reads the numbers, so 1e3, 1_000 and 2.5 are numbers, not fact keys.
    """
    parts: list[tuple[str, str | float | int]] = []
    for token in tokenize.generate_tokens(io.StringIO(formula).readline):
        if token.type == tokenize.NAME:
            parts.append(("name", token.string))
        elif token.type == tokenize.NUMBER:
            parts.append(("number", ast.literal_eval(token.string)))
        elif token.type == tokenize.OP:
            parts.append(("op", token.string))
    return parts


def find_cycle(key: str, names: dict[str, list[str]]) -> list[str]:
    """Return the chain of derived facts from `key` back to `key`, e.g. ['a', 'b', 'a'] (depth first, no recursion)."""
    stack, seen = [[key]], {key}
    while stack:
        chain = stack.pop()
        following = names.get(chain[-1], [])
        if key in following:
            return chain + [key]
        for name in reversed(following):
            if name not in seen:
                seen.add(name)
                stack.append(chain + [name])
    return []
