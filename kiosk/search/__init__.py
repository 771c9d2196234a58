"""Search and 智能问答 over the reports: answers with the sentence they come from.

* :mod:`kiosk.search.index` — :class:`SearchIndex`, the SQLite FTS5 index of every sentence;
* :mod:`kiosk.search.query` — :func:`search`, ranked hits with HTML-safe snippets;
* :mod:`kiosk.search.ask` — :func:`ask`, the sentence that best answers a question;
  :func:`homophones`, its map of the library's words by pinyin (日线 → 热线), and
  :func:`correct_transcript`, which puts the library's homophone into a transcript;
* :mod:`kiosk.search.results` — what those return (hits, answers), with ``to_json``;
* :mod:`kiosk.search.suggest` — questions and topic chips for visitors who cannot type;
* :mod:`bench.evaluate` / :mod:`bench.search` (outside the package) — accuracy and speed.
"""

from kiosk.search._homophones import correct as correct_transcript
from kiosk.search._homophones import sounds as homophones
from kiosk.search.ask import ask
from kiosk.search.index import SearchIndex, SyncStats
from kiosk.search.query import search
from kiosk.search.results import Answer, Candidate, Hit, SearchResults, SectionRef
from kiosk.search.suggest import Suggestion, Topic, suggest, topics

__all__ = [
    "Answer",
    "Candidate",
    "Hit",
    "SearchIndex",
    "SearchResults",
    "SectionRef",
    "Suggestion",
    "SyncStats",
    "Topic",
    "ask",
    "correct_transcript",
    "homophones",
    "search",
    "suggest",
    "topics",
]
