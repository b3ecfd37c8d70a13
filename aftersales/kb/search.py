"""Knowledge search for Chinese and English.

Text is segmented with jieba (`cut_for_search`) and lower-cased, both when an article is
saved (`Article.search_title` / `search_text`) and for the query, so "空调不制冷" and
"not cooling" become the same kind of word lists. On PostgreSQL the words are matched with
full-text search (`simple` configuration: no stemming, the words are already split) and
ranked with the title weighing more; elsewhere (SQLite in development and tests) a fallback
scores each candidate by how many query words its text holds, title words counting double.
Both return the best article first.
"""

import re

import jieba
from django.db import connection
from django.db.models import Q

jieba.setLogLevel(60)  # jieba prints its dictionary loading on stderr otherwise

_WORD = re.compile(r"\w", re.UNICODE)
# Words too common to tell articles apart.
STOP_WORDS = frozenset(
    [
        "的",
        "了",
        "是",
        "在",
        "和",
        "我",
        "我的",
        "有",
        "也",
        "就",
        "都",
        "吗",
        "呢",
        "啊",
        "吧",
        "请",
        "a",
        "an",
        "the",
        "is",
        "are",
        "of",
        "to",
        "and",
        "or",
        "in",
        "on",
        "my",
        "it",
        "my",
        "i",
        "when",
        "what",
        "how",
    ]
)


def segment(text: str) -> list[str]:
    """The words of `text`, lower-cased, without punctuation and blanks, in order."""
    words = []
    for word in jieba.cut_for_search(text or ""):
        word = word.strip().lower()
        if word and _WORD.search(word):
            words.append(word)
    return words


def index_text(*parts: str) -> str:
    return " ".join(word for part in parts for word in segment(part))


def query_terms(query: str) -> list[str]:
    """The distinct words of a query that count for matching."""
    terms = []
    for word in segment(query):
        if word not in STOP_WORDS and word not in terms:
            terms.append(word)
    return terms


def search(queryset, query: str, limit: int = 50) -> list:
    """The articles of `queryset` matching `query`, best first, at most `limit`."""
    terms = query_terms(query)
    if not terms:
        return []
    if connection.vendor == "postgresql":
        return _search_postgres(queryset, terms, limit)
    return _search_fallback(queryset, terms, limit)


def _search_postgres(queryset, terms, limit):
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    vector = SearchVector("search_title", weight="A", config="simple") + SearchVector(
        "search_text", weight="B", config="simple"
    )
    query = SearchQuery(terms[0], search_type="plain", config="simple")
    for term in terms[1:]:
        query |= SearchQuery(term, search_type="plain", config="simple")
    # `vector @@ query` can use the GIN index of migration 0002; the rank orders the matches.
    return list(
        queryset.annotate(vector=vector, rank=SearchRank(vector, query))
        .filter(vector=query)
        .order_by("-rank", "-updated_at", "-pk")[:limit]
    )


def _search_fallback(queryset, terms, limit, candidates: int = 500):
    match = Q()
    for term in terms:
        match |= Q(search_text__contains=term)
    scored = []
    for article in queryset.filter(match)[:candidates]:
        words = set(article.search_text.split())
        title = set(article.search_title.split())
        score = sum(1 + (term in title) for term in terms if term in words)
        if score:
            article.rank = score / (2 * len(terms))
            scored.append(article)
    scored.sort(key=lambda a: (-a.rank, -a.updated_at.timestamp(), -a.pk))
    return scored[:limit]
