"""Train a model from coded notes with the same dictionary and ConText the engine uses."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from medbill.core.suggest._corpus import CodedNote
from medbill.core.suggest._train import SuggestModel, fit_model

if TYPE_CHECKING:
    from medbill.core.suggest._engine import SuggestEngine

__all__ = ["train"]


def train(
    notes: Sequence[CodedNote],
    *,
    engine: SuggestEngine | None = None,
    folds: int = 5,
    progress: Callable[[str], None] | None = None,
    source: str = "",
) -> SuggestModel:
    """Learn phrase and term statistics and the ranker from ``notes``.

    ``engine`` supplies the dictionary and ConText pipeline (a model-less ``SuggestEngine`` is
    loaded when omitted). Codes on the notes must already be normalised to billable codes of the
    engine's release (see ``normalise_code``).
    """
    from medbill.core.suggest._engine import SuggestEngine
    from medbill.core.suggest._features import analyse

    eng = engine or SuggestEngine.load(learned=False)
    model = fit_model(
        notes,
        lambda text: analyse(text, eng.lexicon, eng.reader),
        eng.lexicon,
        folds=folds,
        progress=progress,
    )
    model.meta["release"] = eng.release.name
    model.meta["source"] = source
    return model
