"""Computer-assisted coding: a clinical note in, suggested codes with evidence out.

``SuggestEngine.load().suggest(text)`` returns ICD-10-CM diagnoses in reporting order, CPT/HCPCS
services and the office E/M level, each with the character offsets of its evidence in the note
and the terms or rule that produced it. ``train(notes)`` learns phrase statistics and a ranker
from coded notes; the engine works without a learned model, less well.
"""

from medbill.core.suggest._corpus import CodedNote, CorpusError, normalise_code, read_codiesp
from medbill.core.suggest._em import mdm_level, suggest_em, time_level
from medbill.core.suggest._engine import (
    CodeSuggestion,
    EmSuggestion,
    Evidence,
    SuggestEngine,
    SuggestionResult,
    load_lexicon,
    model_path,
)
from medbill.core.suggest._services import suggest_services
from medbill.core.suggest._train import SuggestModel, load_model, save_model
from medbill.core.suggest._training import train

__all__ = [
    "CodeSuggestion",
    "CodedNote",
    "CorpusError",
    "EmSuggestion",
    "Evidence",
    "SuggestEngine",
    "SuggestModel",
    "SuggestionResult",
    "load_lexicon",
    "load_model",
    "mdm_level",
    "model_path",
    "normalise_code",
    "read_codiesp",
    "save_model",
    "suggest_em",
    "suggest_services",
    "time_level",
    "train",
]
