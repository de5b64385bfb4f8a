"""Sources that leave a field unsaid: a reported source gives its author, publisher, date and url, or says `unknown`."""

from __future__ import annotations

from ..errors import BuildError
from ..facts import FACTS_FILE, Facts


def check_declared(facts: Facts) -> list[BuildError]:
    """Return a warning for each reported source that neither gives nor declares unknown one of its fields."""
    warnings = []
    for source in facts.sources.values():
        missing = source.undeclared()
        if missing:
            fields = ", ".join(missing[:-1]) + (" or " if len(missing) > 1 else "") + missing[-1]
            warnings.append(BuildError(FACTS_FILE, source.line or None,
                                       f"source '{source.key}' does not give its {fields}; write each one, "
                                       f"or '{missing[0]}: unknown' where the source does not say"))
    return warnings
