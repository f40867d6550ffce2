"""Where a process's resident memory is, by who holds it: for finding what a server keeps
after its tabs have closed (the probe server's ``memory`` question, benchmarks/bench_soak.py
``--breakdown``). Linux + glibc + CPython only; each part that cannot be read is left out.

``breakdown()`` -> a dict of MB (and counts), from three independent sources:
- the kernel (``/proc/self/smaps``): resident pages of files (code, libraries), of the main
  heap, of thread stacks and of other anonymous mappings;
- glibc (``mallinfo2``): bytes its heaps hold, in use and free-but-held, plus mmapped chunks;
- CPython's small-object allocator (``sys._debugmallocstats``): its 1 MiB arenas (mmapped
  outside glibc) and the bytes in use in them;
plus the objects behind it: counts of gc-tracked objects by type, numpy arrays alive
(distinct buffers reachable from gc-tracked containers), Python's own caches (every
functools.lru_cache) and Streamlit's (sessions stored, media files, dataframe sources,
script cache), and, with tracemalloc running (``PROBE_TRACEMALLOC=frames``), the bytes
Python allocated and still holds, grouped by where they were allocated.
"""
from __future__ import annotations

import collections
import ctypes
import gc
import os
import re
import sys
import tempfile
import tracemalloc

MB = 1 << 20


class _Mallinfo2(ctypes.Structure):
    """glibc's ``struct mallinfo2`` (malloc.h, glibc >= 2.33): all fields size_t."""

    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
        "uordblks", "fordblks", "keepcost")]


def glibc_heap() -> dict:
    """MB glibc holds: ``in_use`` (allocated chunks in its heaps), ``free_held`` (free
    chunks it keeps, resident or not), ``mmapped`` (large chunks mmapped one by one)."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallinfo2.restype = _Mallinfo2
        info = libc.mallinfo2()
    except (OSError, AttributeError):
        return {}
    return {"glibc_in_use_mb": info.uordblks / MB, "glibc_free_held_mb": info.fordblks / MB,
            "glibc_mmapped_mb": info.hblkhd / MB, "glibc_mmapped_chunks": info.hblks}


def glibc_arenas() -> list[str]:
    """Per glibc heap ("arena"), from ``malloc_info``: its size now, the free bytes it
    holds and in how many chunks (many small free chunks between used ones: fragments
    that ``malloc_trim`` cannot give back)."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.fopen.restype = ctypes.c_void_p
        libc.fopen.argtypes = (ctypes.c_char_p, ctypes.c_char_p)
        libc.malloc_info.argtypes = (ctypes.c_int, ctypes.c_void_p)
        libc.fclose.argtypes = (ctypes.c_void_p,)
        with tempfile.NamedTemporaryFile(suffix=".xml") as out:
            handle = libc.fopen(out.name.encode(), b"w")
            if not handle:
                return []
            libc.malloc_info(0, handle)
            libc.fclose(handle)
            text = open(out.name).read()
    except (OSError, AttributeError):
        return []
    lines = []
    for number, body in re.findall(r'<heap nr="(\d+)">(.*?)</heap>', text, re.S):
        system = re.search(r'<system type="current" size="(\d+)"', body)
        free = [(int(c), int(b)) for c, b in re.findall(
            r'<total type="(?:fast|rest)" count="(\d+)" size="(\d+)"', body)]
        lines.append(f"arena {number}: {int(system.group(1)) / MB:.1f} MB, free "
                     f"{sum(b for _, b in free) / MB:.1f} MB in "
                     f"{sum(c for c, _ in free)} chunks" if system else f"arena {number}")
    return lines


def pymalloc_stats() -> dict:
    """CPython's small-object allocator: arenas allocated now (1 MiB each) and bytes in
    allocated blocks, parsed from ``sys._debugmallocstats()`` (it writes to C's stderr)."""
    saved = os.dup(2)
    try:
        with tempfile.TemporaryFile() as out:
            os.dup2(out.fileno(), 2)
            try:
                sys._debugmallocstats()
            finally:
                os.dup2(saved, 2)
            out.seek(0)
            text = out.read().decode(errors="replace")
    finally:
        os.close(saved)

    def number(label: str) -> int:
        found = re.search(re.escape(label) + r"\s*=\s*([\d,]+)", text)
        return int(found.group(1).replace(",", "")) if found else -1
    return {"pymalloc_arenas": number("# arenas allocated current"),
            "pymalloc_in_use_mb": number("# bytes in allocated blocks") / MB,
            "pymalloc_free_in_pools_mb": (number("# bytes in available blocks")
                                          + 16384 * max(0, _unused_pools(text))) / MB}


def _unused_pools(text: str) -> int:
    found = re.search(r"(\d+) unused pools \*", text)
    return int(found.group(1)) if found else 0


def resident_by_kind() -> dict:
    """Resident MB by kind of mapping (``/proc/self/smaps``): ``file`` (code, libraries,
    mapped files), ``heap`` (glibc's main heap), ``stacks`` (8 MiB thread stacks and the
    main stack) and ``anon`` (everything else anonymous: pymalloc arenas, glibc's thread
    heaps, mmapped numpy buffers)."""
    kinds: dict[str, float] = collections.defaultdict(float)
    try:
        with open("/proc/self/smaps") as smaps:
            lines = smaps.read().splitlines()
    except OSError:
        return {}
    name, size_kb = "", 0
    for line in lines:
        head = line.split()
        if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
            start, end = (int(part, 16) for part in head[0].split("-"))
            name, size_kb = (head[5] if len(head) > 5 else ""), (end - start) // 1024
        elif head and head[0] == "Rss:":
            rss = int(head[1]) / 1024
            if name == "[heap]":
                kinds["heap"] += rss
            elif name == "[stack]" or size_kb == 8192:
                kinds["stacks"] += rss
            elif name.startswith("/"):
                kinds["file"] += rss
            else:
                kinds["anon"] += rss
    return {f"rss_{kind}_mb": mb for kind, mb in kinds.items()}


def mappings() -> dict[str, tuple[int, float]]:
    """Every mapping that is not a file: start address -> (size KB, resident MB)."""
    found: dict[str, tuple[int, float]] = {}
    try:
        with open("/proc/self/smaps") as smaps:
            lines = smaps.read().splitlines()
    except OSError:
        return found
    key = None
    for line in lines:
        head = line.split()
        if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
            start, end = (int(part, 16) for part in head[0].split("-"))
            name = head[5] if len(head) > 5 else ""
            key = None if name.startswith("/") else f"{start:x} {name}".strip()
            size_kb = (end - start) // 1024
        elif head and head[0] == "Rss:" and key is not None:
            found[key] = (size_kb, int(head[1]) / 1024)
    return found


def mappings_grown(before: dict[str, tuple[int, float]], top: int = 12) -> list[str]:
    """The ``top`` anonymous mappings whose resident MB grew most since ``before`` (new
    ones included): "address size: before -> now MB"."""
    now = mappings()
    grown = sorted(((rss - before.get(key, (0, 0.0))[1], key, size, rss)
                    for key, (size, rss) in now.items()), reverse=True)
    return [f"{key} ({size // 1024} MiB): {before.get(key, (0, 0.0))[1]:.1f} -> {rss:.1f}"
            for diff, key, size, rss in grown[:top] if diff >= 0.1]


def type_counts(top: int = 0) -> dict[str, int]:
    """gc-tracked objects by type name (``top`` > 0: only the most common)."""
    counts = collections.Counter(type(obj).__qualname__ for obj in gc.get_objects())
    return dict(counts.most_common(top) if top else counts)


def describe(obj) -> str:
    """A short name for an object found alive: its type and what it is about."""
    kind = type(obj).__qualname__
    try:
        if isinstance(obj, __import__("weakref").ref):
            target = obj()
            return f"{kind} to {type(target).__qualname__}"
        if type(obj).__name__ == "builtin_function_or_method":
            return f"{kind} {type(obj.__self__).__qualname__}.{obj.__name__}"
        if type(obj).__name__ == "cell":
            return f"{kind} of {type(obj.cell_contents).__qualname__}"
        if type(obj).__name__ in ("function", "method"):
            return f"{kind} {obj.__qualname__}"
        if isinstance(obj, tuple):
            return f"{kind} of {len(obj)}: " + ",".join(type(x).__qualname__ for x in obj[:3])
        if isinstance(obj, dict):
            return f"{kind} keys " + ",".join(str(k)[:20] for k in list(obj)[:4])
    except Exception:        # an empty cell, an odd object: its type will do
        pass
    return kind


def object_ids():
    """The ids of all gc-tracked objects now, as one sorted numpy array (one buffer: a set
    of Python ints would itself fill new arenas and show in what it measures)."""
    import numpy as np
    return np.sort(np.fromiter((id(obj) for obj in gc.get_objects()), dtype=np.uint64))


def new_objects(before_ids, top: int = 25) -> list[str]:
    """gc-tracked objects alive now that were not at the time of ``before_ids``
    (``object_ids()``; ids can be reused, so a rough count), most common first."""
    import numpy as np
    objects = gc.get_objects()
    ids = np.fromiter((id(obj) for obj in objects), dtype=np.uint64, count=len(objects))
    at = np.searchsorted(before_ids, ids).clip(0, max(len(before_ids) - 1, 0))
    known = before_ids[at] == ids if len(before_ids) else np.zeros(len(ids), bool)
    counts = collections.Counter(describe(obj) for obj, old in zip(objects, known) if not old)
    return [f"{name} x{count}" for name, count in counts.most_common(top)]


def objects_in_new_mappings(before: dict[str, tuple[int, float]], top: int = 25) -> list[str]:
    """What lives in the anonymous mappings made since ``before`` (CPython's 1 MiB arenas
    among them): the gc-tracked objects and their direct referents whose address falls in
    one, by description, most common first; and how many objects that is."""
    ranges = []
    for key, (size_kb, _rss) in mappings().items():
        if key not in before and " " not in key:
            start = int(key, 16)
            ranges.append((start, start + size_kb * 1024))
    ranges.sort()
    import bisect
    starts = [r[0] for r in ranges]

    def inside(address: int) -> bool:
        at = bisect.bisect_right(starts, address) - 1
        return at >= 0 and address < ranges[at][1]
    seen: dict[int, object] = {}
    for obj in gc.get_objects():
        for item in (obj, *gc.get_referents(obj)):
            if id(item) not in seen and inside(id(item)):
                seen[id(item)] = item
    counts = collections.Counter(describe(obj) for obj in seen.values())
    return [f"{len(seen)} objects in {len(ranges)} new mappings"] + [
        f"{name} x{count}" for name, count in counts.most_common(top)]


def numpy_arrays() -> dict:
    """Distinct numpy buffers reachable from gc-tracked objects: how many, and MB."""
    try:
        import numpy as np
    except ImportError:
        return {}
    buffers: dict[int, int] = {}
    for holder in gc.get_objects():
        for item in gc.get_referents(holder):
            if isinstance(item, np.ndarray):
                while isinstance(item.base, np.ndarray):
                    item = item.base
                buffers[id(item)] = item.nbytes
    return {"numpy_arrays": len(buffers), "numpy_mb": sum(buffers.values()) / MB}


def caches() -> dict:
    """Entries in every functools.lru_cache alive, and Streamlit's per-server stores."""
    import functools
    lru = [obj for obj in gc.get_objects()
           if isinstance(obj, functools._lru_cache_wrapper)]
    found = {"lru_cache_entries": sum(f.cache_info().currsize for f in lru)}
    try:
        from streamlit import runtime
        rt = runtime.get_instance()
        manager = rt._session_mgr
        found["st_sessions_active"] = len(manager._active_session_info_by_id)
        found["st_sessions_stored"] = len(manager._session_storage.list())
        found["st_nonresumable_ids"] = len(getattr(manager, "_nonresumable_session_ids", ()))
        found["st_media_files"] = len(rt.media_file_mgr._file_metadata)
        found["st_dataframe_sources"] = rt._dataframe_source_mgr.get_source_count()
        found["st_uploaded_sessions"] = len(rt.uploaded_file_mgr.file_storage)
    except Exception:      # another Streamlit: leave its stores out
        pass
    return found


def breakdown() -> dict:
    """All of the above, for one moment (after a ``gc.collect()`` by the caller)."""
    answer = {**resident_by_kind(), **glibc_heap(), **pymalloc_stats(), **numpy_arrays(),
              **caches(), "threads": len(sys._current_frames())}
    if tracemalloc.is_tracing():
        answer["traced_mb"] = tracemalloc.get_traced_memory()[0] / MB
    return {key: round(value, 2) if isinstance(value, float) else value
            for key, value in answer.items()}


def traced_growth(before: tracemalloc.Snapshot, top: int = 15) -> list[str]:
    """The ``top`` places (grouped by traceback) whose held bytes grew most since
    ``before``: one line each, "+KB (+blocks) file:line <- caller <- ...", newest first."""
    after = tracemalloc.take_snapshot().filter_traces(
        (tracemalloc.Filter(False, tracemalloc.__file__),))
    lines = []
    for stat in after.compare_to(before, "traceback")[:top]:
        where = " <- ".join(f"{os.path.basename(f.filename)}:{f.lineno}"
                            for f in reversed(stat.traceback[-6:]))
        lines.append(f"{stat.size_diff / 1024:+.0f} KB ({stat.count_diff:+d}) {where}")
    return lines
